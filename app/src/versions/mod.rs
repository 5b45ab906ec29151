//! Versions and upgrades: the ISV publishes versions of its app; installed
//! copies take them through a three-way merge that keeps the customer's own
//! changes (`domain::merge`).

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod queries;
