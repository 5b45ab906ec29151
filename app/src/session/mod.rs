//! The session: who is calling (server) and who is signed in (browser).
//! Every server function has one shape, [`crate::api!`]: the caller is
//! resolved first, then the domain call runs, then errors become coded answers.

pub mod answer;
#[cfg(feature = "ssr")]
pub mod call;
pub mod client;
#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "ssr")]
pub use call::{detached, Call, RequestCtx};
#[cfg(feature = "ssr")]
pub use inventory;

/// A server function as registered by [`crate::api!`]: where it answers,
/// its argument names and who may call it. Tests enumerate these.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub struct Endpoint {
    pub path: &'static str,
    pub args: &'static [&'static str],
    /// `anyone`, `password_holder`, `app_editor`, `member` or `operator`
    /// (see [`Call`]).
    pub caller: &'static str,
}

#[cfg(feature = "ssr")]
inventory::collect!(Endpoint);

/// Every server function, in path order.
#[cfg(feature = "ssr")]
pub fn endpoints() -> Vec<&'static Endpoint> {
    let mut all: Vec<&'static Endpoint> = inventory::iter::<Endpoint>().collect();
    all.sort_by_key(|e| e.path);
    all
}
pub use client::{use_session, SessionCtx};
#[cfg(feature = "ssr")]
pub use ctx::{Ctx, Membership};

/// A server function at `/api/<endpoint>`, for callers of one kind
/// (`anyone`, `password_holder`, `app_editor`, `member`, `operator`: see [`Call`]).
/// The body gets the [`Call`] and returns `AppResult<$out>`; failures become
/// coded 4xx answers in the caller's language.
#[macro_export]
macro_rules! api {
    ($(#[$m:meta])* $name:ident at $endpoint:literal for $who:ident
     ($($arg:ident : $ty:ty),* $(,)?) -> $out:ty, |$call:ident| $body:expr) => {
        #[cfg(feature = "ssr")]
        $crate::session::inventory::submit! {
            $crate::session::Endpoint {
                path: concat!("/api/", $endpoint),
                args: &[$(stringify!($arg)),*],
                caller: stringify!($who),
            }
        }

        $(#[$m])*
        #[leptos::server(prefix = "/api", endpoint = $endpoint)]
        pub async fn $name($($arg: $ty),*) -> Result<$out, $crate::error::AppError> {
            $crate::session::answer::respond(
                async move {
                    #[allow(unused_mut)]
                    let mut $call = $crate::session::Call::$who().await?;
                    $body
                }
                .await,
            )
        }
    };
}
