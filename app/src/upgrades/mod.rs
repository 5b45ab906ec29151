//! Upgrades: the ISV offers a published version to its orders; each
//! customer previews, applies (keeping its own changes), declines or rolls
//! back, on its own copy.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod queries;
