//! Sign-in abuse and password changes over HTTP: throttling per account and
//! per client address on a controllable clock, equal work for unknown
//! emails, and a password change ending the user's other sessions.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use common::site::{site, Reply, Site};
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

#[tokio::test]
async fn failed_sign_ins_for_one_account_are_slowed_then_locked() {
    let s = site(false).await;
    let email = "admin@north.example";
    let mut steps = vec![(0, "wrong"); 3];
    // Right away, even the right password is refused: slowed down.
    steps.push((0, "fenfa-demo"));
    // After a second it is tried (and fails) again; now two seconds are needed.
    steps.push((1_000, "wrong"));
    steps.push((1_000, "wrong"));
    let codes = sequence(&s, email, &steps).await;
    assert_eq!(
        codes,
        [
            "bad_credentials",
            "bad_credentials",
            "bad_credentials",
            "sign_in_slow_down",
            "bad_credentials",
            "sign_in_slow_down"
        ]
    );
    let r = attempt(&s, email, "fenfa-demo", None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.token().is_none());
    assert!(!r.json()["message"].as_str().unwrap().is_empty());

    // Keep failing, waiting out each delay: locked at ten failures.
    let mut failures = 4;
    while failures < 10 {
        s.t.clock.advance_ms(60_000);
        assert_eq!(
            code(&attempt(&s, email, "wrong", None).await),
            "bad_credentials"
        );
        failures += 1;
    }
    s.t.clock.advance_ms(60_000);
    let locked = attempt(&s, email, "fenfa-demo", None).await;
    assert_eq!(code(&locked), "sign_in_locked");
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    // Fifteen minutes after the last failure the right password works again,
    // and it clears the streak: a later typo is not punished.
    s.t.clock.advance_ms(15 * 60_000 - 60_000);
    assert_eq!(code(&attempt(&s, email, "fenfa-demo", None).await), "");
    assert_eq!(
        code(&attempt(&s, email, "wrong", None).await),
        "bad_credentials"
    );
    assert_eq!(code(&attempt(&s, email, "fenfa-demo", None).await), "");
}

#[tokio::test]
async fn an_unknown_email_is_answered_exactly_like_a_known_one() {
    let s = site(false).await;
    let steps: Vec<(i64, &str)> = vec![
        (0, "wrong"),
        (0, "wrong"),
        (0, "wrong"),
        (0, "wrong"),
        (1_000, "wrong"),
        (0, "wrong"),
    ];
    let known = sequence(&s, "admin@north.example", &steps).await;
    let unknown = sequence(&s, "nobody@north.example", &steps).await;
    assert_eq!(known, unknown);
    // Same status and message too.
    let a = attempt(&s, "admin@south.example", "wrong", None).await;
    let b = attempt(&s, "nobody@south.example", "wrong", None).await;
    assert_eq!((a.status, a.body), (b.status, b.body));
}

#[tokio::test]
async fn unknown_emails_cost_a_full_password_check() {
    use argon2::password_hash::PasswordHash;
    // The stand-in hash checked for unknown emails must be a valid hash with
    // the same algorithm and cost as real ones, or the check would return
    // early (an error) and answer faster.
    let real = app::accounts::queries::hash_password("some password".into())
        .await
        .unwrap();
    let (real, dummy) = (
        PasswordHash::new(&real).unwrap(),
        PasswordHash::new(app::accounts::queries::DUMMY_HASH).unwrap(),
    );
    assert_eq!(real.algorithm, dummy.algorithm);
    assert_eq!(real.version, dummy.version);
    assert_eq!(real.params, dummy.params);
    assert_eq!(real.hash.map(|h| h.len()), dummy.hash.map(|h| h.len()));
    let verified = app::accounts::queries::verify_password(
        "anything".into(),
        app::accounts::queries::DUMMY_HASH.into(),
    )
    .await;
    assert!(
        !verified.unwrap(),
        "a wrong password against the stand-in is a plain mismatch"
    );
}

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

#[tokio::test]
async fn changing_the_password_ends_the_users_other_sessions_only() {
    let s = site(false).await;
    let laptop = s.session("admin@north.example").await;
    let phone = s.session("admin@north.example").await;
    let colleague = s.session("member@north.example").await;

    let wrong = s
        .call(
            "/api/change_password",
            "current_password=nope&new_password=brand-new-secret",
            Some(&laptop),
            &[],
        )
        .await;
    assert_eq!(code(&wrong), "wrong_current_password");
    let short = s
        .call(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=short",
            Some(&laptop),
            &[],
        )
        .await;
    assert_eq!(code(&short), "invalid_password");
    // Nothing changed yet: the phone still works.
    assert!(!s
        .call("/api/me", "", Some(&phone), &[])
        .await
        .json()
        .is_null());

    let ok = s
        .call(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=brand-new-secret",
            Some(&laptop),
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        s.call("/api/me", "", Some(&laptop), &[]).await.json()["email"],
        "admin@north.example"
    );
    assert!(s
        .call("/api/me", "", Some(&phone), &[])
        .await
        .json()
        .is_null());
    assert!(!s
        .call("/api/me", "", Some(&colleague), &[])
        .await
        .json()
        .is_null());
    // The old password no longer signs in; the new one does.
    assert_eq!(
        code(&attempt(&s, "admin@north.example", "fenfa-demo", None).await),
        "bad_credentials"
    );
    assert_eq!(
        attempt(&s, "admin@north.example", "brand-new-secret", None)
            .await
            .status,
        StatusCode::OK
    );
    // Signed out, it is refused.
    let anon = s
        .call(
            "/api/change_password",
            "current_password=brand-new-secret&new_password=another-secret",
            None,
            &[],
        )
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
}

/// The codes of `n` attempts for one account sent all at once.
async fn parallel(s: &std::sync::Arc<Site>, email: &'static str, n: usize) -> Vec<String> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { code(&attempt(&s, email, "wrong", None).await) })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort();
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_guesses_are_throttled_like_thirty_sequential_ones() {
    let s = std::sync::Arc::new(site(false).await);
    let mut sequential = sequence(&s, "admin@south.example", &[(0, "wrong"); 30]).await;
    sequential.sort();
    let at_once = parallel(&s, "admin@north.example", 30).await;
    assert_eq!(at_once, sequential);
    assert_eq!(
        at_once.iter().filter(|c| *c == "bad_credentials").count(),
        3
    );
    assert_eq!(
        at_once.iter().filter(|c| *c == "sign_in_slow_down").count(),
        27
    );
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

#[tokio::test]
async fn admins_see_their_peoples_failed_sign_ins_and_password_changes() {
    let s = site(false).await;
    let r = attempt(&s, "member@north.example", "not it", Some("203.0.113.20:1")).await;
    assert_eq!(code(&r), "bad_credentials");
    // A password people commonly use, and one containing the address, are refused.
    let ned = s.session("member@north.example").await;
    for (bad, why) in [
        ("password123", "common_password"),
        ("member-of-north", "password_has_email"),
    ] {
        let r = s
            .call(
                "/api/change_password",
                &format!("current_password=fenfa-demo&new_password={bad}"),
                Some(&ned),
                &[],
            )
            .await;
        assert_eq!(code(&r), why, "{bad}");
    }
    let ok = s
        .call(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=ned%27s+own+passphrase",
            Some(&ned),
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let admin = s.session("admin@north.example").await;
    let log = s
        .call("/api/audit/list", "providers_only=false", Some(&admin), &[])
        .await;
    assert!(log.body.contains("security.sign_in_failed"), "{}", log.body);
    assert!(log.body.contains("203.0.113.20"), "{}", log.body);
    assert!(
        log.body.contains("security.password_changed"),
        "{}",
        log.body
    );
    // Another organization's admin sees none of it.
    let south = s.session("admin@south.example").await;
    let other = s
        .call("/api/audit/list", "providers_only=false", Some(&south), &[])
        .await;
    assert!(!other.body.contains("security."), "{}", other.body);
}
