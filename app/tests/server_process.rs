//! The real server process: what a plain start creates, `--seed-demo`'s
//! refusal, `create-operator`, and a graceful stop on SIGTERM.
//!
//! Needs the built server (`FENFA_SERVER_BIN`), so it is ignored by a plain
//! `cargo test`; `.ci/test` runs it with `--ignored`.
#![cfg(feature = "ssr")]

mod common;

use app::values::AppId;
use common::process::{form, server_bin, Instance};
use std::process::Stdio;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Runs the server binary to completion with `args` and `stdin`.
async fn run(url: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = tokio::process::Command::new(server_bin())
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fenfa-server");
    if let Some(input) = stdin {
        let mut i = child.stdin.take().unwrap();
        i.write_all(input.as_bytes()).await.unwrap();
    }
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("fenfa-server did not finish")
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn users(url: &str) -> i64 {
    let db = app::db::Db::connect(url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    db.pool.close().await;
    n
}

#[tokio::test]
#[ignore = "needs FENFA_SERVER_BIN"]
async fn a_plain_start_on_an_empty_database_creates_no_account() {
    let t = common::fresh_sqlite().await;
    let url = t.url.clone();
    t.db.pool.close().await;
    let server = Instance::start(&url).await;
    let refused = server
        .call(
            "/api/sign_in",
            &form(&[
                ("email", "operator@fenfa.example"),
                ("password", "fenfa-demo"),
            ]),
            None,
        )
        .await;
    assert_eq!(refused.status, 401);
    assert_eq!(users(&url).await, 0);
    server.kill().await;
}

#[tokio::test]
#[ignore = "needs FENFA_SERVER_BIN"]
async fn seed_demo_refuses_a_database_with_real_accounts() {
    let t = common::fresh_sqlite().await;
    t.user("isv-admin@acme.example").await;
    let url = t.url.clone();
    t.db.pool.close().await;
    let (code, _, err) = run(&url, &["--seed-demo"], None).await;
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("refusing to add demo data"), "{err}");
    assert_eq!(users(&url).await, 1);
}

#[tokio::test]
#[ignore = "needs FENFA_SERVER_BIN"]
async fn create_operator_makes_an_operator_who_must_change_the_password() {
    let t = common::fresh_sqlite().await;
    let url = t.url.clone();
    t.db.pool.close().await;
    // No standard input: a one-time password is made and printed.
    let (code, out, err) = run(
        &url,
        &["create-operator", "--email", "ops@fenfa.test"],
        None,
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let otp = out.lines().last().unwrap().trim().to_string();
    assert_eq!(otp.len(), 20, "{out}");
    // A password on standard input is taken as it is.
    let (code, out, err) = run(
        &url,
        &["create-operator", "--email", "second@fenfa.test"],
        Some("a chosen first password\n"),
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("a chosen first password"), "{out}");
    // The same address twice is refused.
    let (code, _, err) = run(
        &url,
        &["create-operator", "--email", "ops@fenfa.test"],
        None,
    )
    .await;
    assert_ne!(code, 0);
    assert!(err.contains("exists already"), "{err}");

    let server = Instance::start(&url).await;
    let session = server.session("ops@fenfa.test", &otp).await;
    let me = server.call("/api/me", "", Some(&session)).await;
    assert_eq!(me.json["must_change_password"], true, "{}", me.json);
    assert!(me.json["is_operator"].as_bool().unwrap());
    // Nothing but the password change until it is done.
    let blocked = server.call("/api/operator_orgs", "", Some(&session)).await;
    assert_eq!(
        (blocked.status, blocked.json["code"].as_str()),
        (403, Some("password_change_required"))
    );
    let changed = server
        .call(
            "/api/change_password",
            &form(&[
                ("current_password", &otp),
                ("new_password", "the operator's own passphrase"),
            ]),
            Some(&session),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.json);
    assert_eq!(
        server
            .call("/api/operator_orgs", "", Some(&session))
            .await
            .status,
        200
    );
    let second = server
        .session("second@fenfa.test", "a chosen first password")
        .await;
    assert_eq!(
        server
            .call("/api/operator_orgs", "", Some(&second))
            .await
            .status,
        403
    );
    server.kill().await;
}

#[tokio::test]
#[ignore = "needs FENFA_SERVER_BIN"]
async fn sigterm_finishes_the_request_in_flight_and_keeps_counted_views() {
    let t = common::fresh_sqlite().await;
    app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
    let (isv_admin,): (String,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'isv-admin@acme.example'")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    let (acme, app_id): (String, String) = sqlx::query_as(
        "SELECT o.id, a.id FROM organizations o JOIN apps a ON a.org_id = o.id WHERE o.name = 'Acme Software' LIMIT 1",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    let ctx = t.ctx(&app::accounts::UserId(isv_admin), Some(&acme)).await;
    let options = app::distribution::domain::LinkOptions::parse("30", "", "", "", "").unwrap();
    let link = app::distribution::queries::links::create_link(
        &t.db,
        &ctx,
        &AppId::from(app_id.as_str()),
        &options,
        t.clock.now_ms(),
    )
    .await
    .unwrap();
    let url = t.url.clone();
    t.db.pool.close().await;

    let server = Instance::start(&url).await;
    const VIEWS: usize = 25;
    for _ in 0..VIEWS {
        assert_eq!(server.get(&link.path).await, 200);
    }
    // A request whose body has not arrived yet: `100 Continue` tells that the
    // server is inside it, reading.
    let mut conn = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let body = "lang=en";
    conn.write_all(
        format!(
            "POST /api/set_language HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Accept: application/json\r\nConnection: close\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
            server.addr(),
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut first = vec![0u8; 64];
    let n = conn.read(&mut first).await.unwrap();
    assert!(
        String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&first[..n])
    );
    server.terminate().await;
    conn.write_all(body.as_bytes()).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let status = server.wait().await;
    assert!(status.success(), "exit status {status:?}");

    // Every view counted before the stop is stored.
    let db = app::db::Db::connect(&url).await.unwrap();
    let (views,): (i64,) = sqlx::query_as("SELECT views FROM distribution_links WHERE id = $1")
        .bind(&link.id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(views, VIEWS as i64);
}

#[tokio::test]
#[ignore = "needs FENFA_SERVER_BIN"]
async fn the_server_refuses_to_start_with_a_key_that_cannot_open_its_credentials() {
    let t = common::fresh_sqlite().await;
    // The demo's services hold credentials sealed with the key file beside the database.
    app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
    let url = t.url.clone();
    t.db.pool.close().await;
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tokio::process::Command::new(server_bin())
            .env("DATABASE_URL", &url)
            .env("FENFA_SECRET_KEY", "22".repeat(32))
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .expect("the server started instead of refusing")
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("sealed with a key that is not configured"),
        "{err}"
    );
}
