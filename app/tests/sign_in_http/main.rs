//! Sign-in abuse and password changes over HTTP: throttling per account and
//! per client address on a controllable clock, equal work for unknown
//! emails, and a password change ending the user's other sessions.
#![cfg(feature = "ssr")]

#[path = "../common/mod.rs"]
mod common;

mod passwords;
mod per_account;
mod per_address;

use axum::body::Body;
use axum::extract::ConnectInfo;
use common::site::{Reply, Site};
use http::{header, Request, StatusCode};
use std::net::SocketAddr;

/// A sign-in as a browser at `addr` would send it (the server sees the peer
/// address through ConnectInfo, as `fenfa-server` provides it).
async fn attempt(s: &Site, email: &str, password: &str, addr: Option<&str>) -> Reply {
    let mut req = Request::post("/api/sign_in")
        .header(header::HOST, "localhost:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(format!(
            "email={}&password={password}",
            email.replace('@', "%40")
        )))
        .unwrap();
    if let Some(a) = addr {
        let a: SocketAddr = a.parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(a));
    }
    s.send(req).await
}

fn code(r: &Reply) -> String {
    r.json()["code"].as_str().unwrap_or("").to_string()
}

/// Runs the same sequence of attempts for one email and returns the codes
/// answered ("" for success), advancing the clock between attempts as given.
async fn sequence(s: &Site, email: &str, steps: &[(i64, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    for (advance_ms, password) in steps {
        s.t.clock.advance_ms(*advance_ms);
        let r = attempt(s, email, password, None).await;
        out.push(if r.status == StatusCode::OK {
            String::new()
        } else {
            code(&r)
        });
    }
    out
}
