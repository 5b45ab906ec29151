//! Accounts: users, organizations, memberships, sessions and the caller's context.

pub mod api;
pub mod domain;
pub mod invitation_pages;
pub mod pages;

#[cfg(feature = "ssr")]
mod common_passwords;
#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use domain::*;
