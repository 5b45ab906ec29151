//! Distribution: links that sell a frozen app snapshot, the purchase that
//! deploys a copy into the buyer's organization, and requests to buy.

pub mod api;
pub mod domain;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod purchase;
