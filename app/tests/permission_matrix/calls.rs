//! Every call by every caller, checked against the matrix.

use super::{matrix, Row};
use crate::common;
use crate::common::world::{world, Caller, Instance, World, ALL};
use axum::body::Body;
use http::{header, Request, StatusCode};

type Fingerprint = Vec<(String, String)>;

/// Fails with just the rows that differ.
fn unchanged(before: &Fingerprint, after: &Fingerprint, name: &str, c: Caller) {
    if before != after {
        let gone: Vec<_> = before.iter().filter(|r| !after.contains(r)).collect();
        let new: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
        panic!("{name} by {c:?} changed something: before {gone:?}, after {new:?}");
    }
}

/// Opening a link page counts a view: the one write a GET makes, and not one
/// a user can be tricked into harmfully (it only feeds the ISV's statistics).
fn without_views(f: Fingerprint) -> Fingerprint {
    f.into_iter()
        .filter(|(table, _)| table != "distribution_links")
        .collect()
}

async fn get(i: &Instance<'_>, c: Caller, path: &str) -> common::site::Reply {
    let mut b = Request::get(path)
        .header(header::HOST, "localhost:3000")
        .header(header::ACCEPT, "text/html");
    if let Some(t) = i.w.token(c) {
        b = b.header(header::COOKIE, format!("fenfa_session={t}"));
    }
    i.s.send(b.body(Body::empty()).unwrap()).await
}

fn label(row: &Row, w: &World) -> String {
    format!(
        "{} {} [{}]",
        if row.get { "GET" } else { "POST" },
        row.path,
        w.fill(row.form)
    )
}

#[tokio::test]
async fn every_call_by_every_caller_matches_the_matrix() {
    let w = world().await;
    // Refusals and reads change nothing, so one copy serves them all.
    let shared = w.instance().await;
    for row in matrix() {
        let name = label(&row, &w);
        let path = w.fill(row.path);
        let form = w.fill(row.form);
        if row.get {
            for c in ALL {
                let before = without_views(shared.fingerprint().await);
                let r = get(&shared, c, &path).await;
                assert!(r.status.as_u16() < 500, "{name} by {c:?}: {}", r.status);
                unchanged(
                    &before,
                    &without_views(shared.fingerprint().await),
                    &name,
                    c,
                );
                if let Some((text, seen_by)) = row.sees {
                    assert_eq!(
                        r.body.contains(&w.fill(text)),
                        seen_by.contains(&c),
                        "{name} by {c:?}: who sees {text}"
                    );
                }
            }
            continue;
        }
        for c in ALL.into_iter().filter(|c| !row.allowed.contains(c)) {
            let before = shared.fingerprint().await;
            let r = shared.call(c, &path, &form).await;
            assert!(
                r.status.is_client_error(),
                "{name} by {c:?} should be refused, got {} {}",
                r.status,
                r.body
            );
            let code = r.json()["code"].as_str().unwrap_or("").to_string();
            assert!(
                !code.is_empty(),
                "{name} by {c:?}: no error code: {}",
                r.body
            );
            unchanged(&before, &shared.fingerprint().await, &name, c);
        }
        // Each allowed call acts on its own copy.
        for &c in row.allowed {
            let i = w.instance().await;
            let r = i.call(c, &path, &form).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{name} by {c:?} should pass: {}",
                r.body
            );
            if let Some((text, seen_by)) = row.sees {
                assert_eq!(
                    r.body.contains(&w.fill(text)),
                    seen_by.contains(&c),
                    "{name} by {c:?}: who sees {text}"
                );
            }
            i.s.t.discard().await;
        }
    }
}
