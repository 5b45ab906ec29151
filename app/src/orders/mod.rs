//! The Order Center (订单中心): an ISV's distribution orders, their timeline,
//! and the way into remote maintenance.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod search;
