//! Two server processes on one PostgreSQL database behave as one: sessions,
//! purchases and maintenance cross instances.
//!
//! Needs the built server (`FENFA_SERVER_BIN`) and a PostgreSQL server
//! (`FENFA_TEST_PG`), so it is ignored by a plain `cargo test`; `.ci/test`
//! starts both and runs it with `--ignored`.
#![cfg(feature = "ssr")]

mod common;

use common::process::{Answer, Instance};

#[tokio::test]
#[ignore = "needs FENFA_SERVER_BIN and FENFA_TEST_PG; .ci/test runs it"]
async fn two_instances_on_one_postgres_database_behave_as_one() {
    assert!(
        common::on_postgres(),
        "FENFA_TEST_PG must name a PostgreSQL server"
    );
    let t = common::fresh().await;
    app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
    let (a, b) = tokio::join!(Instance::start(&t.url), Instance::start(&t.url));
    let both = [&a, &b];

    // 1. Signed in through one instance, the session works on the other.
    let isv = a.session("isv-admin@acme.example", "fenfa-demo").await;
    let me = b.call("/api/me", "", Some(&isv)).await;
    assert_eq!(me.json["email"], "isv-admin@acme.example", "{}", me.json);
    // Signing out on B ends it on A.
    b.call("/api/sign_out", "", Some(&isv)).await;
    assert!(a.call("/api/me", "", Some(&isv)).await.json.is_null());
    let isv = b.session("isv-admin@acme.example", "fenfa-demo").await;

    // 2. A link for at most 2 purchases; six organizations buy at once,
    // alternating instances, while one admin repeats one key ten times.
    let app_id = t
        .one(
            "SELECT id FROM apps WHERE name LIKE $1 || '%'",
            "客户拜访管理",
        )
        .await;
    let link = a
        .call(
            "/api/distribution/create_link",
            &format!("app_id={app_id}&expires_days=30&max_purchases=2&bound_org=&note="),
            Some(&isv),
        )
        .await;
    assert_eq!(link.status, 200, "{}", link.json);
    let token = link.json["path"]
        .as_str()
        .unwrap()
        .trim_start_matches("/l/")
        .to_string();
    let mut buyers = Vec::new();
    for i in 0..6 {
        let u = t.user(&format!("buyer{i}@org{i}.example")).await;
        let org = t.org(&u, &format!("Org {i}")).await;
        let s = both[i % 2]
            .session(&format!("buyer{i}@org{i}.example"), "correct horse")
            .await;
        buyers.push((s, org));
    }
    let mut calls = Vec::new();
    for (i, (s, org)) in buyers.iter().enumerate() {
        let form = format!("token={token}&org_id={org}&idempotency_key=k{i}");
        calls.push((both[i % 2], form, s.clone()));
    }
    for i in 0..10 {
        let (s, org) = &buyers[0];
        let form = format!("token={token}&org_id={org}&idempotency_key=k0");
        calls.push((both[i % 2], form, s.clone()));
    }
    let answers = buy_all(calls).await;
    let ok: Vec<_> = answers.iter().filter(|a| a.status == 200).collect();
    let refused = answers
        .iter()
        .filter(|a| a.status != 200 && a.json["code"] == "link_invalid")
        .count();
    assert_eq!(ok.len() + refused, answers.len(), "unexpected answers");
    let orders = t.count("SELECT COUNT(*) FROM distribution_orders").await;
    assert_eq!(orders, 2, "the link's maximum holds across instances");
    // Every successful answer names one of the two orders' copies.
    let mut copies: Vec<String> = ok
        .iter()
        .map(|a| a.json["Bought"]["app_id"].as_str().unwrap().to_string())
        .collect();
    copies.sort();
    copies.dedup();
    assert_eq!(copies.len(), 2, "one order per idempotency key");
    assert_eq!(
        t.count("SELECT COUNT(*) FROM apps WHERE origin = 'installed'")
            .await,
        2
    );
    assert_eq!(t.count("SELECT purchases FROM distribution_links").await, 2);

    // 3. Maintenance served by A ends when the customer closes access on B.
    let (order_id, installed, customer_org): (String, String, String) = sqlx::query_as(
        "SELECT id, installed_app_id, customer_org_id FROM distribution_orders ORDER BY created_at LIMIT 1",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    let started = a
        .call(
            "/api/maintenance/start",
            &format!("order_id={order_id}"),
            Some(&isv),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.json);
    let inside = a
        .call("/api/apps/get", &format!("app_id={installed}"), Some(&isv))
        .await;
    assert_eq!(inside.status, 200, "{}", inside.json);
    let admin_token = buyers
        .iter()
        .find(|(_, org)| *org == customer_org)
        .map(|(s, _)| s.clone())
        .unwrap();
    let closed = b
        .call(
            "/api/maintenance/close",
            &format!("app_id={installed}"),
            Some(&admin_token),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.json);
    let next = a
        .call("/api/apps/get", &format!("app_id={installed}"), Some(&isv))
        .await;
    assert_eq!(next.status, 403);
    assert_eq!(next.json["code"], "maintenance_ended");
}

/// Runs all purchase calls at once and returns their answers in order.
async fn buy_all(calls: Vec<(&Instance, String, String)>) -> Vec<Answer> {
    futures::future::join_all(
        calls
            .iter()
            .map(|(i, form, s)| i.call("/api/distribution/buy", form, Some(s))),
    )
    .await
}
