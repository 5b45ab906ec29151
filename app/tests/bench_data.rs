//! The benchmark dataset at a small scale: what `.ci/bench` relies on works
//! (sessions, link tokens, order cursors, a purchase per buyer and link).
#![cfg(feature = "ssr")]

mod common;

use app::bench::{self, Scale};
use common::site::site_on;
use http::StatusCode;

#[tokio::test]
async fn the_benchmark_dataset_serves_the_benchmarks_requests() {
    let t = common::fresh().await;
    let scale = Scale {
        apps: 4,
        customers: 10,
        orders: 20,
        audit: 30,
        buyers: 3,
        records: 120,
        upgrades: 2,
    };
    bench::seed(&t.db, scale, common::T0).await.unwrap();
    assert!(bench::is_seeded(&t.db).await.unwrap());
    for (sql, n) in [
        // The bought orders, and the upgrade customers' orders.
        ("SELECT COUNT(*) FROM distribution_orders", 20 + 2),
        ("SELECT COUNT(*) FROM distribution_links", 4),
        ("SELECT COUNT(*) FROM organizations", 1 + 10 + 3 + 2),
        ("SELECT COUNT(*) FROM upgrades WHERE state = 'offered'", 2),
        (
            "SELECT COUNT(*) FROM audit_entries WHERE id LIKE 'bench-a%'",
            30,
        ),
        (
            "SELECT CAST(SUM(purchases) AS BIGINT) FROM distribution_links",
            20,
        ),
    ] {
        assert_eq!(t.count(sql).await, n, "{sql}");
    }
    // About 100 definition rows per app, and the records app's form of 3 fields.
    let rows = t
        .count(
            "SELECT (SELECT COUNT(*) FROM forms) + (SELECT COUNT(*) FROM fields) + (SELECT COUNT(*) FROM process_steps) \
             + (SELECT COUNT(*) FROM notification_templates) + (SELECT COUNT(*) FROM services)",
        )
        .await;
    // (and the upgrade customers' copies of the first app).
    assert_eq!(rows, 4 * 101 + 4 + 2 * 101);
    let s = site_on(t, false).await;

    // The ISV's Order Center pages through every order with its cursors.
    let mut seen = 0;
    let mut after = String::new();
    loop {
        let r = s
            .call(
                "/api/orders/list",
                &format!("q=&access=all&after={after}"),
                Some(bench::ISV_SESSION),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = r.json();
        seen += v["rows"].as_array().unwrap().len();
        match v["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
        if after.is_empty() {
            break;
        }
    }
    // The list API pages 50 at a time; 22 orders fit on one page.
    assert_eq!(seen, 22);

    // The link page and a buyer's purchase, as the load tool sends them.
    let link = s
        .call(
            "/api/distribution/link",
            &format!("token={}", bench::link_token(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.body);
    let buy = s
        .call(
            "/api/distribution/buy",
            &format!(
                "token={}&org_id={}&idempotency_key=wrk-1",
                bench::link_token(1),
                bench::buyer_org(2)
            ),
            Some(&bench::buyer_session(2)),
            &[],
        )
        .await;
    assert_eq!(buy.status, StatusCode::OK, "{}", buy.body);
    assert!(buy.json()["Bought"]["app_id"].is_string(), "{}", buy.body);
    assert_eq!(
        s.t.count("SELECT COUNT(*) FROM distribution_orders").await,
        23
    );

    // An upgrade customer previews its upgrade and applies it, as the
    // benchmark does: every field relabelled but its own, a form added.
    let copy =
        s.t.one(
            "SELECT installed_app_id FROM distribution_orders WHERE customer_org_id = $1",
            "bench-up0",
        )
        .await;
    let session = bench::upgrade_session(0);
    let p = s
        .call(
            "/api/upgrades/preview",
            &format!("app_id={copy}&upgrade_id=bench-upg0"),
            Some(&session),
            &[],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let p = p.json();
    let outcomes = |o: &str| {
        p["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["outcome"] == o)
            .count()
    };
    assert_eq!(
        (outcomes("applied"), outcomes("conflict"), outcomes("added")),
        (71, 1, 1)
    );
    let run = s
        .call(
            "/api/upgrades/run",
            &format!(
                "app_id={copy}&upgrade_id=bench-upg0&step=apply&basis={}",
                p["basis"].as_str().unwrap()
            ),
            Some(&session),
            &[],
        )
        .await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    assert_eq!(
        s.t.one(
            "SELECT version FROM distribution_orders WHERE installed_app_id = $1",
            &copy
        )
        .await,
        "1.1.0"
    );

    // The records app: its records page newest first with their cursors, and
    // the ISV's admin submits its form as the load tool does.
    let app =
        s.t.one("SELECT id FROM apps WHERE name = $1", bench::RECORDS_APP)
            .await;
    let form =
        s.t.one("SELECT id FROM forms WHERE app_id = $1", &app)
            .await;
    let field =
        s.t.one(
            "SELECT id FROM fields WHERE form_id = $1 AND position = 0",
            &form,
        )
        .await;
    let (mut seen, mut after, mut first) = (0, String::new(), None);
    loop {
        let r = s
            .call(
                "/api/runtime/records",
                &format!("app_id={app}&form_id={form}&q=&status=&after={after}"),
                Some(bench::ISV_SESSION),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = r.json();
        first.get_or_insert_with(|| v["rows"][0]["summary"].as_str().unwrap().to_string());
        seen += v["rows"].as_array().unwrap().len();
        match v["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, 120);
    assert_eq!(first.as_deref(), Some("customer 0"));
    // Record i's cursor, as `.ci/bench` computes page 10,000's.
    let (at, id): (i64, String) =
        sqlx::query_as("SELECT submitted_at, id FROM records WHERE id = 'r1000000049'")
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();
    assert_eq!((at, id.as_str()), (common::T0 - 49_000, "r1000000049"));
    let r = s
        .call(
            "/api/runtime/records",
            &format!("app_id={app}&form_id={form}&q=&status=&after={at}.{id}"),
            Some(bench::ISV_SESSION),
            &[],
        )
        .await;
    assert_eq!(r.json()["rows"][0]["id"], "r1000000050");
    let r = s
        .call(
            "/api/runtime/submit",
            &format!("app_id={app}&form_id={form}&values[f{field}]=wrk"),
            Some(bench::ISV_SESSION),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
