//! Using an app ("Use the app"): people submit its forms, approvals run,
//! messages arrive.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod queries;
