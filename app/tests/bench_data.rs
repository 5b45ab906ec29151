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
    };
    bench::seed(&t.db, scale, common::T0).await.unwrap();
    assert!(bench::is_seeded(&t.db).await.unwrap());
    for (sql, n) in [
        ("SELECT COUNT(*) FROM distribution_orders", 20),
        ("SELECT COUNT(*) FROM distribution_links", 4),
        ("SELECT COUNT(*) FROM organizations", 1 + 10 + 3),
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
    // About 100 definition rows per app.
    let rows = t
        .count(
            "SELECT (SELECT COUNT(*) FROM forms) + (SELECT COUNT(*) FROM fields) + (SELECT COUNT(*) FROM process_steps) \
             + (SELECT COUNT(*) FROM notification_templates) + (SELECT COUNT(*) FROM services)",
        )
        .await;
    assert_eq!(rows, 4 * 101);
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
    // The list API pages 50 at a time; 20 orders fit on one page.
    assert_eq!(seen, 20);

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
        21
    );
}
