//! The Order Center over HTTP: keyset pages, search, and the CSV export.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use common::site::site;
use http::{header, Request, StatusCode};

#[tokio::test]
async fn pages_search_and_csv_cover_every_order_once() {
    let s = site(false).await;
    let isv = s.session("isv-admin@acme.example").await;
    s.create_link(&isv, "设备报修").await;
    // 120 orders from 120 customer organizations, some at the same instant.
    let (link_id, isv_org, buyer, app_id): (String, String, String, String) = sqlx::query_as(
        "SELECT l.id, l.isv_org_id, (SELECT id FROM users WHERE email = 'admin@north.example'), l.source_app_id \
         FROM distribution_links l",
    )
    .fetch_one(&s.t.db.pool)
    .await
    .unwrap();
    for i in 0..120 {
        let org = format!("{i:032x}");
        sqlx::query("INSERT INTO organizations (id, name, cert_level, created_at) VALUES ($1, $2, 'none', 0)")
            .bind(&org)
            .bind(format!("Customer {i:03}"))
            .execute(&s.t.db.pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO distribution_orders (id, order_no, link_id, isv_org_id, customer_org_id, buyer_user_id, source_app_id, \
             installed_app_id, app_version, idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $1, $9)",
        )
        .bind(format!("{:032x}", 1000 + i))
        .bind(format!("FF{i:05}"))
        .bind(&link_id)
        .bind(&isv_org)
        .bind(&org)
        .bind(&buyer)
        .bind(&app_id)
        .bind(format!("missing{i}"))
        .bind(1_800_000_000_000i64 + (i / 3) as i64)
        .execute(&s.t.db.pool)
        .await
        .unwrap();
    }
    // Written straight into the table: indexed for search as a server
    // start indexes orders made before search existed.
    app::orders::search::backfill(&s.t.db).await.unwrap();

    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let r = s
            .call(
                "/api/orders/list",
                &format!("q=&access=&after={after}"),
                Some(&isv),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = r.json();
        let rows = page["rows"].as_array().unwrap();
        assert!(rows.len() <= 50);
        seen.extend(rows.iter().map(|r| {
            (
                r["created_at"].as_i64().unwrap(),
                r["order_no"].as_str().unwrap().to_string(),
            )
        }));
        match page["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 120);
    let mut unique: Vec<_> = seen.iter().map(|(_, n)| n.clone()).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 120, "no order twice");
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "newest first");

    let found = s
        .call(
            "/api/orders/list",
            "q=customer+007&access=",
            Some(&isv),
            &[],
        )
        .await
        .json();
    assert_eq!(found["rows"].as_array().unwrap().len(), 1);
    assert_eq!(found["rows"][0]["customer"], "Customer 007");
    let bad = s
        .call(
            "/api/orders/list",
            "q=&access=&after=not-a-cursor",
            Some(&isv),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let csv = |token: Option<&str>| {
        let mut b = Request::get("/orders.csv?q=customer&access=");
        if let Some(t) = token {
            b = b.header(header::COOKIE, format!("fenfa_session={t}"));
        }
        b.body(Body::empty()).unwrap()
    };
    let r = s.send(csv(Some(&isv))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let lines: Vec<&str> = r.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("order_no,app,customer"));
    assert_eq!(lines.len(), 121);
    assert_eq!(s.send(csv(None)).await.status, StatusCode::UNAUTHORIZED);
    // Another organization's user gets none of these orders.
    let north = s.session("admin@north.example").await;
    let other = s.send(csv(Some(&north))).await;
    assert!(!other.body.contains("FF000"), "{}", other.body);
}

#[tokio::test]
async fn the_export_streams_every_order_page_by_page_and_runs_twice_at_once_at_most() {
    use tower::ServiceExt;
    let t = common::fresh().await;
    let scale = app::bench::Scale {
        apps: 4,
        customers: 617,
        orders: 1_234,
        audit: 1,
        buyers: 1,
        records: 0,
        upgrades: 0,
    };
    app::bench::seed(&t.db, scale, common::T0).await.unwrap();
    let s = common::site::site_on(t, false).await;
    let isv = app::bench::ISV_SESSION;
    // What the Order Center lists, page by page.
    let mut listed = Vec::new();
    let mut after = String::new();
    loop {
        let page = s
            .call(
                "/api/orders/list",
                &format!("q=&access=&after={after}"),
                Some(isv),
                &[],
            )
            .await
            .json();
        for r in page["rows"].as_array().unwrap() {
            listed.push(r["order_no"].as_str().unwrap().to_string());
        }
        match page["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    assert_eq!(listed.len(), 1_234);
    let request = || {
        Request::get("/orders.csv")
            .header(header::COOKIE, format!("fenfa_session={isv}"))
            .body(Body::empty())
            .unwrap()
    };
    // The export has the same orders in the same order.
    let r = s.send(request()).await;
    assert_eq!(r.status, StatusCode::OK);
    let exported: Vec<String> = r
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().trim_matches('"').to_string())
        .collect();
    assert_eq!(exported, listed);

    // Two exports still being read: a third is refused, with a reason.
    let _answering = common::site::ROUTE_LIST.read().await;
    let first = s.router.clone().oneshot(request()).await.unwrap();
    let second = s.router.clone().oneshot(request()).await.unwrap();
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let third = s.router.clone().oneshot(request()).await.unwrap();
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    // A finished (or abandoned) export frees its place.
    drop(first);
    let fourth = s.router.clone().oneshot(request()).await.unwrap();
    assert_eq!(fourth.status(), StatusCode::OK);
    let body = axum::body::to_bytes(second.into_body(), 1 << 26)
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&body).lines().count(), 1_235);
}
