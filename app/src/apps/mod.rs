//! Apps: My Apps on the Workbench, the app editor, and the app snapshot.

pub mod api;
pub mod domain;
pub mod editor;
mod editor_forms;
mod editor_more;
pub mod pages;
pub mod snapshot;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod edits;
#[cfg(feature = "ssr")]
pub mod reads;
