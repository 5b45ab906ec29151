//! The permission matrix: every server function and every HTTP route of the
//! server, with who may use it, as one table. Each refused call is a 4xx that
//! changes nothing; each allowed call succeeds on its own copy of the world;
//! reads show their data only to whom they should. A second test fails when
//! the server registers a route the table does not list.
#![cfg(feature = "ssr")]

#[path = "../common/mod.rs"]
mod common;

mod callers;
mod calls;
mod routes;
mod rows_accounts;
mod rows_apps;
mod rows_changes;
mod rows_licences;
mod rows_pages;
mod rows_runtime;
mod rows_sales;
mod signed_out;

use common::world::{Caller, ALL};

/// One row: a call (POST to a server function, or GET of a route), who may
/// make it, and optionally a text only some callers may find in the answer.
struct Row {
    get: bool,
    path: &'static str,
    form: &'static str,
    allowed: &'static [Caller],
    sees: Option<(&'static str, &'static [Caller])>,
}

const fn post(path: &'static str, form: &'static str, allowed: &'static [Caller]) -> Row {
    Row {
        get: false,
        path,
        form,
        allowed,
        sees: None,
    }
}

/// A GET route: every caller gets an answer below 500 and nothing changes;
/// `secret` appears only for `seen_by`.
const fn page(path: &'static str, secret: Option<(&'static str, &'static [Caller])>) -> Row {
    Row {
        get: true,
        path,
        form: "",
        allowed: &ALL,
        sees: secret,
    }
}

impl Row {
    const fn seeing(mut self, text: &'static str, who: &'static [Caller]) -> Row {
        self.sees = Some((text, who));
        self
    }
}

/// The whole table, in the order of its parts.
fn matrix() -> Vec<Row> {
    [
        rows_accounts::rows(),
        rows_apps::rows(),
        rows_sales::rows(),
        rows_pages::rows(),
        rows_runtime::rows(),
        rows_changes::rows(),
        rows_licences::rows(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
