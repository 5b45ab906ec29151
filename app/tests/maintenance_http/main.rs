//! Remote maintenance through the whole router: both identities in the audit,
//! closing access ending the session, expiry on a controllable clock, and only
//! the maintained app existing during maintenance. (Who may call what is in
//! `permission_matrix/`.)
#![cfg(feature = "ssr")]

#[path = "../common/mod.rs"]
mod common;

mod data;
mod lifetime;
mod scope;
