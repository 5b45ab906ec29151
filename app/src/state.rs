//! What every request handler can reach on the server.

use crate::db::{Clock, Db};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub clock: Clock,
    /// Mark cookies `Secure` (set for HTTPS deployments).
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` is believed (`FENFA_TRUSTED_PROXIES`).
    pub trusted_proxies: std::sync::Arc<Vec<ipnet::IpNet>>,
    /// CSV exports running now, per organization.
    pub exports: crate::csv::Exports,
    /// Outgoing mail (verification, invitations).
    pub mailer: crate::mail::Mailer,
    /// Link snapshots and view counts kept in memory (the link page).
    pub links: std::sync::Arc<crate::distribution::cache::LinkCache>,
}

/// `FENFA_TRUSTED_PROXIES`: CIDRs (or single addresses) separated by commas
/// or spaces. Anything unreadable is an error: a typo must not silently
/// trust nobody, or everybody.
pub fn parse_trusted_proxies(raw: &str) -> Result<Vec<ipnet::IpNet>, String> {
    raw.split([',', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("FENFA_TRUSTED_PROXIES: {s:?} is not an address or CIDR"))
        })
        .collect()
}

/// Built file names carry a content hash when the build wrote a hash file
/// beside the server (`hash-files` in `Cargo.toml`). `cargo leptos serve`
/// says so through `LEPTOS_HASH_FILES`; a server started directly finds out
/// here, so pages name the files that exist.
pub fn with_hashed_names(mut options: LeptosOptions) -> LeptosOptions {
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files =
            crate::hydration::hash_file_path(&options).is_some_and(|file| file.is_file());
    }
    options
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The server state inside a server function or a server render.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}
