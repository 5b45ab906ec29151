//! Distribution: links that sell a frozen app snapshot, the purchase that
//! deploys a copy into the buyer's organization, and requests to buy.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod queries;
