//! The audit trail: every change writes one entry in the same transaction.
//! Entries are only ever inserted; nothing updates or deletes them.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod queries;

#[cfg(feature = "ssr")]
pub use queries::{record, Entry};
