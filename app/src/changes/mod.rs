//! Change sets: what one remote-maintenance session changed in an installed
//! app, property by property, for the customer to review and revert (the
//! whole session, one part or one change), and for the ISV to take a fix
//! home to its own app. Reverting uses the upgrades' merge engine.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod queries;
