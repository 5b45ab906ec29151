//! How a server function answers a failure: a coded error in the caller's
//! language, with the HTTP status that goes with the code.

use crate::error::{AppError, ErrorCode};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed arguments are the caller's mistake: say so, plainly.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_) => {
                tracing::debug!(error = %value, "bad server function input");
                set_status(ErrorCode::InvalidInput);
                Self::new(ErrorCode::InvalidInput)
            }
            other => {
                tracing::error!(error = %other, "server function failure");
                Self::new(ErrorCode::Internal)
            }
        }
    }
}

#[cfg(feature = "ssr")]
/// Finishes a server function: a failure also sets the HTTP status, so that
/// callers outside the browser see 4xx for their mistakes and 5xx for ours.
pub fn respond<T>(result: crate::error::AppResult<T>) -> crate::error::AppResult<T> {
    if let Err(e) = &result {
        set_status(e.code);
    }
    result
}

#[cfg(feature = "ssr")]
fn set_status(code: ErrorCode) {
    use leptos::prelude::use_context;
    // A plain HTML form post is answered with a redirect back to the form
    // (carrying the error); a 4xx status would stop the browser there.
    let plain_form = use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if plain_form {
        return;
    }
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(
            http::StatusCode::from_u16(code.status()).unwrap_or(http::StatusCode::BAD_REQUEST),
        );
    }
}

#[cfg(not(feature = "ssr"))]
fn set_status(_code: ErrorCode) {}
