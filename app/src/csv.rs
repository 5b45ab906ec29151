//! CSV downloads (`/orders.csv`, `/use/:id/records.csv`): fields written
//! safely, the caller resolved from the session cookie, at most two exports
//! per organization at once, and the body streamed page by page so memory
//! stays at one page whatever the size.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::i18n::Lang;
use crate::session::Ctx;
use crate::state::AppState;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use std::collections::HashMap;
use std::future::Future;

/// Appends a CSV field and its comma: quoted, quotes doubled, and a leading
/// formula sign defused (a spreadsheet would run `=…`).
pub fn push_field(out: &mut String, s: &str) {
    out.push('"');
    if s.starts_with(['=', '+', '-', '@']) {
        out.push('\'');
    }
    for part in s.split_inclusive('"') {
        out.push_str(part);
        if part.ends_with('"') {
            out.push('"');
        }
    }
    out.push_str("\",");
}

/// Ends a line made of [`push_field`]s: the last comma becomes the line end.
pub fn end_line(out: &mut String) {
    if out.ends_with(',') {
        out.pop();
    }
    out.push_str("\r\n");
}

/// Exports running per organization: at most [`MAX_EXPORTS`] at once each,
/// so a few users cannot keep every connection of the pool busy.
#[derive(Clone, Debug, Default)]
pub struct Exports(std::sync::Arc<std::sync::Mutex<HashMap<String, usize>>>);

pub const MAX_EXPORTS: usize = 2;

/// One running export; its place is given back when the body ends or the
/// client goes away (the body, and so this, is dropped).
pub struct Running {
    exports: Exports,
    org: String,
}

impl Exports {
    fn start(&self, org: &str) -> Option<Running> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(org.to_string()).or_default();
        if *n >= MAX_EXPORTS {
            return None;
        }
        *n += 1;
        Some(Running {
            exports: self.clone(),
            org: org.to_string(),
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut map = self.exports.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.org) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.org);
            }
        }
    }
}

/// An error as the download's answer: its status and localized message.
pub fn refuse(e: AppError, lang: Lang) -> Response {
    (
        StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST),
        AppError::in_lang(e.code, lang).message,
    )
        .into_response()
}

/// The signed-in caller of a download, working in its own organization (a
/// provider in maintenance exports nothing of the customer's).
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<(Ctx, Lang), Response> {
    let lang = crate::http::lang_from_headers(headers);
    let unauthenticated = || refuse(AppError::new(ErrorCode::Unauthenticated), lang);
    let Some(token) = crate::http::cookie_value(
        headers,
        crate::session::store::cookie_name(state.secure_cookies),
    ) else {
        return Err(unauthenticated());
    };
    match crate::session::call::from_token(state, &token).await {
        Ok(Some(ctx)) if ctx.maintenance.is_none() => Ok((ctx, lang)),
        _ => Err(unauthenticated()),
    }
}

/// A streamed CSV file: `first` (the header and the first page, read before
/// answering so that a refusal gets its status, not a 200 with an error in
/// the file) at once, then each page `next` reads after the cursor, as the
/// client takes them. A failed page cuts the body, so the file is visibly
/// incomplete. Refused with 429 while the organization has
/// [`MAX_EXPORTS`] running.
pub fn download<C, F, Fut>(
    state: &AppState,
    ctx: &Ctx,
    lang: Lang,
    filename: &str,
    first: String,
    after: Option<C>,
    next: F,
) -> Response
where
    C: Send + 'static,
    F: Fn(C) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AppResult<(String, Option<C>)>> + Send + 'static,
{
    let org = ctx.org().map(|m| m.org_id.0.clone()).unwrap_or_default();
    let Some(running) = state.exports.start(&org) else {
        return refuse(AppError::new(ErrorCode::ExportRunning), lang);
    };
    let next = std::sync::Arc::new(next);
    let rest = futures_util::stream::unfold(after, move |after| {
        let next = next.clone();
        // The export's place is held until the body ends or is dropped.
        let _running = &running;
        async move {
            match next(after?).await {
                Ok((lines, after)) => Some((Ok(bytes::Bytes::from(lines)), after)),
                Err(e) => Some((Err(std::io::Error::other(e.message)), None)),
            }
        }
    });
    // Fused: the compression layer polls its body once more after the end,
    // which an unfused `unfold` answers with a panic (a reset connection).
    let body = futures_util::StreamExt::fuse(futures_util::StreamExt::chain(
        futures_util::stream::once(std::future::ready(Ok(bytes::Bytes::from(first)))),
        rest,
    ));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}
