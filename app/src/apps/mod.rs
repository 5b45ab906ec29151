//! Apps: My Apps on the Workbench, the app editor, and the app snapshot.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;
pub mod snapshot;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod queries;
