//! Licences on orders: the terms a link offers (a trial, a paid term, seats,
//! grace), the licence each order holds, the state it is in at a moment
//! (trial → active → grace → read-only → archived, or suspended) and what
//! that state allows. Expiry limits use, never the customer's access to its
//! own records: viewing and export stay possible in every state.

pub mod api;
pub mod domain;
pub mod pages;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod queries;
