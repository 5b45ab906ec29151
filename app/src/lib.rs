//! Fenfa: the UI, routes, server functions and domain types. Database code is
//! compiled only with the `ssr` feature.
#![recursion_limit = "256"]

pub mod accounts;
pub mod apps;
pub mod audit;
pub mod changes;
pub mod distribution;
pub mod error;
pub mod i18n;
pub mod licences;
pub mod maintenance;
pub mod orders;
pub mod runtime;
pub mod session;
pub mod shell;
pub mod time;
pub mod ui;
pub mod upgrades;
pub mod values;
pub mod versions;

#[cfg(feature = "ssr")]
pub mod bench;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod hydration;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod state;

pub use shell::{shell, App};
