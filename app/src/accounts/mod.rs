//! Accounts: users, organizations, memberships, invitations and sign-in.
//! (The session and the caller's context are in `crate::session`.)

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod queries;

pub use domain::*;
