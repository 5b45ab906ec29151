//! Crash safety and online backup of the SQLite database, with the real
//! server process: the server is killed (SIGKILL) in the middle of concurrent
//! purchases and app edits, round after round; afterwards every acknowledged
//! write is there, every order has its complete copy, every change its audit
//! entry, and the file is intact. `fenfa-server --backup` copies the database
//! while the server serves purchases, and the copy serves again.
//!
//! Needs the built server (`FENFA_SERVER_BIN`), so it is ignored by a plain
//! `cargo test`; `.ci/test` runs it with `--ignored`.
#![cfg(feature = "ssr")]

mod backup;
#[path = "../common/mod.rs"]
mod common;
mod killed;
mod load;
mod verify;

pub(crate) use app::apps::snapshot::{self, AppSnapshot};
pub(crate) use app::db::Db;
pub(crate) use app::values::AppId;
pub(crate) use common::process::{form, server_bin, Answer, Instance};
pub(crate) use common::TestDb;
pub(crate) use std::collections::HashSet;
pub(crate) use std::sync::atomic::{AtomicUsize, Ordering};
pub(crate) use tokio::sync::mpsc;

pub(crate) use load::*;
pub(crate) use verify::*;

pub(crate) const ROUNDS: usize = 5;
/// New links per round; every buyer organization buys through each once.
pub(crate) const LINKS: usize = 6;
/// Field additions, and separately renames, per round.
pub(crate) const EDITS: usize = 12;

#[derive(Clone, Debug)]
pub(crate) struct Purchase {
    buyer: usize,
    token: String,
    key: String,
}

impl Purchase {
    fn body(&self, org: &str) -> String {
        form(&[
            ("token", &self.token),
            ("org_id", org),
            ("idempotency_key", &self.key),
        ])
    }
}

/// A call (path, form body) and what the test remembers about it.
type Call<T> = (&'static str, String, T);

/// What a purchase answered: its key, installed app and order number.
pub(crate) struct Bought {
    key: String,
    app_id: String,
    order_no: String,
}

pub(crate) fn bought(key: &str, a: &Answer) -> Bought {
    let b = &a.json["Bought"];
    Bought {
        key: key.to_string(),
        app_id: b["app_id"].as_str().expect("Bought.app_id").to_string(),
        order_no: b["order_no"].as_str().expect("Bought.order_no").to_string(),
    }
}

/// Sends `calls` one after another until the server stops answering; every
/// answer must be a 200 (nothing in the load is meant to fail), and each is
/// reported on `ok`. `sent` counts requests before they go out. Returns the
/// calls with their answers; `None` is a call the kill cut off (it may or may
/// not have been committed). Calls after that one are never sent.
pub(crate) async fn run_calls<T>(
    server: &Instance,
    session: &str,
    calls: Vec<Call<T>>,
    sent: &AtomicUsize,
    ok: mpsc::UnboundedSender<()>,
) -> Vec<(T, Option<Answer>)> {
    let mut out = Vec::new();
    for (path, body, tag) in calls {
        sent.fetch_add(1, Ordering::SeqCst);
        match server.try_call(path, &body, Some(session)).await {
            Ok(a) => {
                assert_eq!(a.status, 200, "{path} {body}: {}", a.json);
                let _ = ok.send(());
                out.push((tag, Some(a)));
            }
            Err(_) => {
                out.push((tag, None));
                break;
            }
        }
    }
    out
}

/// Waits for `n` acknowledgements (or until every worker has finished);
/// returns how many arrived.
pub(crate) async fn acked(rx: &mut mpsc::UnboundedReceiver<()>, n: usize) -> usize {
    let mut seen = 0;
    while seen < n && rx.recv().await.is_some() {
        seen += 1;
    }
    seen
}

pub(crate) async fn fields_of(db: &Db, app_id: &str) -> HashSet<String> {
    strings(
        db,
        "SELECT f.id FROM fields f JOIN forms fo ON fo.id = f.form_id WHERE fo.app_id = $1",
        app_id,
    )
    .await
    .into_iter()
    .collect()
}

pub(crate) async fn strings(db: &Db, sql: &str, arg: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(sql)
        .bind(arg)
        .fetch_all(&db.pool)
        .await
        .unwrap();
    rows.into_iter().map(|(s,)| s).collect()
}

pub(crate) async fn count(db: &Db, sql: &str, arg: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(arg)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n
}
