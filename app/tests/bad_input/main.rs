//! Bad input: every server function — enumerated from the server function
//! registry, so a new one is covered without editing this file — is sent
//! malformed, oversized, wrong-typed, non-UTF-8, SQL-looking and HTML-looking
//! arguments, anonymously and as an ISV admin and a customer admin. Every
//! answer must be a legitimate 2xx/3xx or a 4xx with a coded JSON error: never
//! a 5xx, a panic or a hang, and the database stays whole. HTML that is
//! accepted comes back escaped in the pages; Chinese text and emoji round-trip;
//! the documented size limits are enforced with their codes.
#![cfg(feature = "ssr")]

mod args;
#[path = "../common/mod.rs"]
mod common;
mod escaping;
mod generated;
mod registry;
mod sizes;
mod sweep;
mod values;

pub(crate) use app::apps::domain::limits;
pub(crate) use app::error::{AppError, ErrorCode};
pub(crate) use axum::body::{to_bytes, Body};
pub(crate) use common::site::{site, Reply, Site};
pub(crate) use common::world::{world, Caller, Caller::*, Instance, World};
pub(crate) use http::{header, Method, Request, StatusCode};
pub(crate) use proptest::prelude::*;
pub(crate) use std::collections::BTreeMap;
pub(crate) use std::time::Duration;
pub(crate) use tower::ServiceExt;

pub(crate) const SCRIPT: &str = "<script>alert(1)</script>";
pub(crate) const SCRIPT_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";
pub(crate) const IMG: &str = "\"><img src=x onerror=alert(1)>";
pub(crate) const IMG_RAW: &str = "<img src=x onerror=alert(1)>";
pub(crate) const IMG_ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";
/// Closes a `<textarea>` (whose text HTML reads raw) and runs a script.
pub(crate) const BREAKOUT: &str = "</textarea><script>alert(1)</script>";
pub(crate) const BREAKOUT_ESCAPED: &str = "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;";

/// Form-encodes text (UTF-8, every byte but the unreserved ones escaped).
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A form body from already-encoded pairs.
pub(crate) fn form(pairs: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k.as_bytes());
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

pub(crate) use args::*;
pub(crate) use registry::*;
pub(crate) use values::*;

// ---------------------------------------------------------------------------
// Sending and judging

/// A POST to `path` as a browser's fetch makes it, with any body bytes.
pub(crate) fn post(
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    cookie: Option<&str>,
) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, "localhost:3000")
        .header(header::ACCEPT, "application/json");
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("fenfa_session={c}"));
    }
    b.body(Body::from(body)).unwrap()
}

pub(crate) const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

pub(crate) async fn new_site() -> Site {
    site(false).await
}

/// Sends a request through the whole router on its own task: a panic or a
/// hang becomes an error naming the request instead of ending the test.
pub(crate) async fn send(s: &Site, req: Request<Body>) -> Result<Reply, String> {
    let router = s.router.clone();
    let task = tokio::spawn(async move {
        let res = router.oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = to_bytes(res.into_body(), 1 << 24)
            .await
            .map_err(|e| format!("unreadable answer: {e}"))?;
        Ok::<_, String>(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).to_string(),
        })
    });
    match tokio::time::timeout(Duration::from_secs(60), task).await {
        Err(_) => Err("no answer within 60 s".into()),
        Ok(Err(e)) if e.is_panic() => {
            let p = e.into_panic();
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {msg}"))
        }
        Ok(Err(e)) => Err(format!("task failed: {e}")),
        Ok(Ok(r)) => r,
    }
}

pub(crate) fn excerpt(s: &str) -> &str {
    let mut end = s.len().min(200);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A legitimate 2xx/3xx, or a 4xx carrying a known error code that matches
/// the status and a non-empty message. Anything else is a finding.
pub(crate) fn judge(r: &Reply) -> Result<(), String> {
    let status = r.status.as_u16();
    match status {
        200..=399 => Ok(()),
        400..=499 => {
            let e: AppError = serde_json::from_str(&r.body).map_err(|e| {
                format!(
                    "{status} without a coded JSON error ({e}): {:?}",
                    excerpt(&r.body)
                )
            })?;
            if e.message.trim().is_empty() || e.code == ErrorCode::Internal {
                return Err(format!("{status} with an unclear error: {:?}", r.body));
            }
            if e.code.status() != status {
                return Err(format!("{status} does not match code {:?}", e.code));
            }
            Ok(())
        }
        _ => Err(format!("{status}: {:?}", excerpt(&r.body))),
    }
}

/// A call that must succeed.
pub(crate) async fn ok(s: &Site, path: &str, form: &str, cookie: &str) -> Reply {
    let req = post(path, FORM, form.as_bytes().to_vec(), Some(cookie));
    let r = send(s, req).await.unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.body);
    r
}

pub(crate) async fn page(s: &Site, path: &str, cookie: &str) -> String {
    let req = Request::get(path)
        .header(header::HOST, "localhost:3000")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("fenfa_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let rendering = common::site::ROUTE_LIST.read().await;
    let r = send(s, req).await.unwrap_or_else(|e| panic!("{path}: {e}"));
    drop(rendering);
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", excerpt(&r.body));
    r.body
}
