//! Remote maintenance: the customer's access switch per installed app, the
//! ISV's maintenance sessions, and the banners both sides see.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod queries;
