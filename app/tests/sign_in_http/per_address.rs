//! Throttling per client address: sign-ins slowed (never locked), trusted
//! proxies' forwarded addresses, and sign-ups.

use super::{attempt, code};
use crate::common;
use crate::common::site::{site, Reply, Site};
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;

#[tokio::test]
async fn many_failures_from_one_address_slow_down_that_address_only() {
    let s = site(false).await;
    let here = "203.0.113.7:50000";
    // Ten different (unknown) accounts, one try each: no account is slowed.
    for i in 0..10 {
        let r = attempt(&s, &format!("guess{i}@north.example"), "wrong", Some(here)).await;
        assert_eq!(code(&r), "bad_credentials");
    }
    // The address is: even a right password from there waits.
    let r = attempt(&s, "admin@north.example", "fenfa-demo", Some(here)).await;
    assert_eq!(code(&r), "sign_in_slow_down");
    // Another address signs in normally, and so does this one a second later.
    let elsewhere = attempt(
        &s,
        "admin@north.example",
        "fenfa-demo",
        Some("198.51.100.1:4000"),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::OK);
    s.t.clock.advance_ms(1_000);
    let later = attempt(&s, "admin@north.example", "fenfa-demo", Some(here)).await;
    assert_eq!(later.status, StatusCode::OK);
    // Finished streaks are forgotten: guessing cannot grow the table forever.
    assert_eq!(s.t.count("SELECT COUNT(*) FROM sign_in_failures").await, 11);
    s.t.clock.advance_ms(15 * 60_000);
    attempt(&s, "guess0@north.example", "wrong", Some(here)).await;
    assert_eq!(s.t.count("SELECT COUNT(*) FROM sign_in_failures").await, 2);
}

/// A sign-in through a proxy at `peer` that forwards `forwarded`.
async fn via(s: &Site, email: &str, peer: &str, forwarded: &str) -> Reply {
    let mut req = Request::post("/api/sign_in")
        .header(header::HOST, "localhost:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("x-forwarded-for", forwarded)
        .body(Body::from(format!(
            "email={}&password=wrong",
            email.replace('@', "%40")
        )))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    s.send(req).await
}

#[tokio::test]
async fn a_trusted_proxy_forwards_the_client_address_and_others_are_ignored() {
    let t = common::fresh().await;
    app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
    let s = common::site::site_with(t, |st| {
        st.trusted_proxies =
            std::sync::Arc::new(app::state::parse_trusted_proxies("10.0.0.0/8, ::1").unwrap());
    })
    .await;
    // Ten guesses by one client behind the proxy (each at another account).
    for i in 0..10 {
        let r = via(
            &s,
            &format!("g{i}@x.example"),
            "10.0.0.2:9000",
            "203.0.113.7, 10.0.0.9",
        )
        .await;
        assert_eq!(code(&r), "bad_credentials");
    }
    // That client is slowed down; another client behind the same proxy is not.
    assert_eq!(
        code(&via(&s, "h@x.example", "10.0.0.2:9000", "203.0.113.7").await),
        "sign_in_slow_down"
    );
    assert_eq!(
        code(&via(&s, "h@x.example", "10.0.0.2:9000", "198.51.100.4").await),
        "bad_credentials"
    );
    // From a peer that is not a trusted proxy the header means nothing: its
    // guesses count against the peer, whatever it claims to forward.
    for i in 0..10 {
        let r = via(
            &s,
            &format!("k{i}@x.example"),
            "192.0.2.50:1",
            &format!("198.51.100.{i}"),
        )
        .await;
        assert_eq!(code(&r), "bad_credentials");
    }
    assert_eq!(
        code(&via(&s, "m@x.example", "192.0.2.50:1", "198.51.100.77").await),
        "sign_in_slow_down"
    );
}

#[tokio::test]
async fn an_address_is_slowed_down_but_never_locked() {
    let s = site(false).await;
    let here = "203.0.113.8:1";
    for i in 0..60 {
        s.t.clock.advance_ms(60_000);
        let r = attempt(&s, &format!("n{i}@north.example"), "wrong", Some(here)).await;
        assert_eq!(code(&r), "bad_credentials", "attempt {i}");
    }
    // Right away it waits (a minute at most); it is never locked out.
    let r = attempt(&s, "admin@north.example", "fenfa-demo", Some(here)).await;
    assert_eq!(code(&r), "sign_in_slow_down");
    s.t.clock.advance_ms(60_000);
    let r = attempt(&s, "admin@north.example", "fenfa-demo", Some(here)).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_ups_from_one_address_are_throttled() {
    let s = site(false).await;
    let sign_up = |n: usize, addr: &'static str| {
        let s = &s;
        async move {
            let mut req = Request::post("/api/sign_up")
                .header(header::HOST, "localhost:3000")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .body(Body::from(format!(
                    "email=new{n}%40signup.example&display_name=New&password=a+long+passphrase+{n}"
                )))
                .unwrap();
            req.extensions_mut()
                .insert(ConnectInfo(addr.parse::<SocketAddr>().unwrap()));
            s.send(req).await
        }
    };
    for n in 0..5 {
        assert_eq!(
            sign_up(n, "203.0.113.9:1").await.status,
            StatusCode::OK,
            "sign-up {n}"
        );
    }
    let sixth = sign_up(5, "203.0.113.9:1").await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(code(&sixth), "sign_up_slow_down");
    assert_eq!(
        s.t.count("SELECT COUNT(*) FROM users WHERE email = 'new5@signup.example'")
            .await,
        0
    );
    // Another address signs up normally; this one again a second later.
    assert_eq!(sign_up(6, "198.51.100.9:1").await.status, StatusCode::OK);
    s.t.clock.advance_ms(1_000);
    assert_eq!(sign_up(5, "203.0.113.9:1").await.status, StatusCode::OK);
}
