//! Database tests of accounts: each on a fresh SQLite database.
#![cfg(feature = "ssr")]

#[path = "../common/mod.rs"]
mod common;

mod credentials;
mod database;
mod invitations;
mod members;
