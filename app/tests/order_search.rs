//! Order Center search: on the benchmark dataset at a small scale plus
//! customers with Chinese and accented names, every search (Chinese and
//! Latin substrings, order-number fragments, one- and two-character terms,
//! `%` and `_`, no hit) pages through exactly the orders whose customer, app,
//! buyer name or email, link creator or order number contains the term,
//! newest first — whether the newest orders' window, the index or the scan
//! found them. `.ci/test` runs it on SQLite and on PostgreSQL, so both give
//! these same answers. A renamed customer is found by its new name at once.
#![cfg(feature = "ssr")]

mod common;

use app::accounts::UserId;
use app::bench::{self, Scale};
use app::orders::domain::{AccessFilter, AccessState};
use app::orders::queries;
use app::orders::search::{FEW_HITS, WINDOW};
use app::session::Ctx;
use common::site::{site_on, Site};
use common::T0;
use http::StatusCode;

/// Bench orders are newer than the purchases made on the test clock (T0),
/// so those are past the newest-orders window.
const BENCH_NOW: i64 = T0 + 100_000_000;
/// More than the window and than `FEW_HITS`: common terms take the window.
const BENCH_ORDERS: usize = 5_200;

/// Buyer organizations renamed before they buy.
const NAMES: [&str; 3] = ["北风贸易 Northwind", "Ünïcode 50%_off GmbH", "南方物流"];

struct Orders {
    s: Site,
    isv: Ctx,
}

async fn orders() -> Orders {
    assert!(
        BENCH_ORDERS as i64 > WINDOW,
        "some bench orders past the window"
    );
    let t = common::fresh().await;
    let scale = Scale {
        // Each customer buys 10 of the apps (the bench needs twice as many).
        apps: 20,
        customers: 520,
        orders: BENCH_ORDERS,
        audit: 1,
        buyers: NAMES.len(),
        records: 0,
        upgrades: 0,
    };
    bench::seed(&t.db, scale, BENCH_NOW).await.unwrap();
    let admin = t
        .one(
            "SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'admin'",
            bench::ISV_ORG,
        )
        .await;
    let isv = t.ctx(&UserId(admin), Some(bench::ISV_ORG)).await;
    let s = site_on(t, false).await;
    for (i, name) in NAMES.iter().enumerate() {
        rename(&s, i, name).await;
        // Each buys two apps, a minute apart.
        for link in [i, i + 1] {
            s.t.clock.advance_ms(60_000);
            let r = s
                .call(
                    "/api/distribution/buy",
                    &format!(
                        "token={}&org_id={}&idempotency_key=search-{i}-{link}",
                        bench::link_token(link),
                        bench::buyer_org(i)
                    ),
                    Some(&bench::buyer_session(i)),
                    &[],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    }
    Orders { s, isv }
}

async fn rename(s: &Site, buyer: usize, name: &str) {
    let r = s
        .call(
            "/api/rename_org",
            &format!("name={}", urlencoding(name)),
            Some(&bench::buyer_session(buyer)),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Orders {
    /// Every order id the Order Center lists for `q`, page after page of
    /// seven (so pages cross from the window to the index).
    async fn search(&self, q: &str) -> Vec<String> {
        self.search_by(q, 7).await
    }

    async fn search_by(&self, q: &str, limit: i64) -> Vec<String> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = queries::list(
                &self.s.t.db,
                &self.isv,
                q,
                AccessFilter::All,
                after.as_deref(),
                limit,
                self.s.t.clock.now_ms(),
            )
            .await
            .unwrap_or_else(|e| panic!("{q:?}: {e:?}"));
            out.extend(page.rows.iter().map(|r| r.id.to_string()));
            match page.next {
                Some(n) => after = Some(n),
                None => return out,
            }
        }
    }

    /// What the search must find, by the definition: the orders (newest
    /// first) with `q` in one of the searched texts, compared lowercased.
    async fn expected(&self, q: &str) -> Vec<String> {
        let rows: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
            "SELECT o.id, c.name, l.app_name, b.display_name, b.email, lc.display_name, o.order_no \
             FROM distribution_orders o JOIN distribution_links l ON l.id = o.link_id \
             JOIN organizations c ON c.id = o.customer_org_id JOIN users b ON b.id = o.buyer_user_id \
             JOIN users lc ON lc.id = l.created_by WHERE o.isv_org_id = $1 \
             ORDER BY o.created_at DESC, o.id DESC",
        )
        .bind(bench::ISV_ORG)
        .fetch_all(&self.s.t.db.pool)
        .await
        .unwrap();
        let q = q.trim().to_lowercase();
        rows.into_iter()
            .filter(|(_, a, b, c, d, e, f)| {
                [a, b, c, d, e, f]
                    .iter()
                    .any(|t| t.to_lowercase().contains(&q))
            })
            .map(|r| r.0)
            .collect()
    }

    async fn order_no(&self, customer: &str) -> String {
        self.s
            .t
            .one(
                "SELECT o.order_no FROM distribution_orders o JOIN organizations c ON c.id = o.customer_org_id \
                 WHERE c.name = $1 ORDER BY o.order_no LIMIT 1",
                customer,
            )
            .await
    }
}

#[tokio::test]
async fn every_search_finds_exactly_the_matching_orders_newest_first() {
    let w = orders().await;
    let theirs = w.order_no(NAMES[0]).await;
    // A fragment from the middle of one of their order numbers (upper case
    // as shown; `FF` + date + 8 random digits): the day and six random
    // digits, so the other orders bought that day share it only by a
    // one-in-a-million chance (the date alone would be shared by all).
    let fragment = theirs[8..16].to_string();
    let mut terms: Vec<String> = [
        "北风",
        "北",
        "风贸易",
        "贸易 north",
        "northwind",
        "NORTHWIND",
        "ünï",
        "ÜNÏCODE",
        "50%_",
        "%",
        "_",
        "customer 2",
        "customer 25",
        "Admin 1",
        "@c.bench",
        "fb10000",
        "b",
        "物流",
        "nomatch-xyz",
        "流x",
        "  South  ",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    terms.push(fragment.clone());
    for q in &terms {
        let expected = w.expected(q).await;
        // Terms that match most orders page by 101 (still crossing the window).
        let limit = if expected.len() > 500 { 101 } else { 7 };
        assert_eq!(w.search_by(q, limit).await, expected, "search {q:?}");
    }
    // The cases that matter were really there: hits past the window, a
    // term only the scan can serve, terms too common for the index alone,
    // misses.
    assert!(w.expected("@c.bench").await.len() as i64 > FEW_HITS);
    assert_eq!(w.expected(&fragment).await.len(), 1, "{fragment}");
    assert_eq!(w.expected("北风").await.len(), 2);
    assert!(w.expected("customer 2").await.len() > 500);
    assert!(w.expected("nomatch-xyz").await.is_empty());
}

#[tokio::test]
async fn a_renamed_customer_is_found_by_its_new_name_at_once() {
    let w = orders().await;
    let before = w.search("北风").await;
    assert_eq!(before.len(), 2);
    rename(&w.s, 0, "东海贸易 Eastsea").await;
    assert!(w.search("北风").await.is_empty());
    assert_eq!(w.search("东海").await, before);
    assert_eq!(w.search("eastsea").await, before);
    // The rename is audited, with both names.
    let (b, a): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_entries WHERE action = 'org.rename' \
         AND org_id = $1 ORDER BY at DESC LIMIT 1",
    )
    .bind(bench::buyer_org(0))
    .fetch_one(&w.s.t.db.pool)
    .await
    .unwrap();
    assert!(b.contains("北风贸易") && a.contains("东海贸易"), "{b} {a}");
}

#[tokio::test]
async fn orders_made_before_search_existed_are_indexed_at_start() {
    let w = orders().await;
    let all = w.expected("customer").await;
    sqlx::query("DELETE FROM order_search")
        .execute(&w.s.t.db.pool)
        .await
        .unwrap();
    assert!(w.search("customer 25").await.is_empty());
    let n = app::orders::search::backfill(&w.s.t.db).await.unwrap();
    assert_eq!(n as usize, BENCH_ORDERS + 2 * NAMES.len());
    assert_eq!(w.search_by("customer", 101).await, all);
    assert_eq!(
        w.search("customer 25").await,
        w.expected("customer 25").await
    );
    // Nothing more to do the next time.
    assert_eq!(app::orders::search::backfill(&w.s.t.db).await.unwrap(), 0);
}

#[tokio::test]
async fn pages_carry_every_field_as_stored() {
    // Pages come back from the database packed as JSON: compared here with
    // the same orders read column by column.
    let w = orders().await;
    let now = w.s.t.clock.now_ms();
    // One customer asks for maintenance again, with a note a CSV must quote.
    let one = w.order_no(NAMES[1]).await;
    sqlx::query(
        "UPDATE maintenance_grants SET requested_at = $1, request_note = $2 \
         WHERE order_id = (SELECT id FROM distribution_orders WHERE order_no = $3)",
    )
    .bind(now)
    .bind("=\"urgent\", 北风 \\ ünï")
    .bind(&one)
    .execute(&w.s.t.db.pool)
    .await
    .unwrap();
    type Stored = (
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let stored: Vec<Stored> = sqlx::query_as(
        "SELECT o.id, o.order_no, l.app_name, c.name, b.display_name, o.created_at, o.app_version, o.version, \
           g.open_until, g.requested_at, g.request_note \
         FROM distribution_orders o JOIN distribution_links l ON l.id = o.link_id \
         JOIN organizations c ON c.id = o.customer_org_id JOIN users b ON b.id = o.buyer_user_id \
         LEFT JOIN maintenance_grants g ON g.app_id = o.installed_app_id \
         WHERE o.isv_org_id = $1 ORDER BY o.created_at DESC, o.id DESC",
    )
    .bind(bench::ISV_ORG)
    .fetch_all(&w.s.t.db.pool)
    .await
    .unwrap();
    let (mut listed, mut after) = (Vec::new(), None::<String>);
    loop {
        let page = queries::list(
            &w.s.t.db,
            &w.isv,
            "",
            AccessFilter::All,
            after.as_deref(),
            500,
            now,
        )
        .await
        .unwrap();
        listed.extend(page.rows);
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(listed.len(), stored.len());
    let mut states = std::collections::BTreeSet::new();
    for (r, s) in listed.iter().zip(&stored) {
        let (id, order_no, app, customer, buyer, at, revision, version, until, requested, note) =
            s.clone();
        assert_eq!(
            (
                r.id.to_string(),
                &r.order_no,
                &r.app_name,
                &r.customer,
                &r.buyer,
                r.created_at,
                r.app_version,
                &r.version
            ),
            (id, &order_no, &app, &customer, &buyer, at, revision, &version)
        );
        let access = match (until, requested) {
            (Some(u), Some(_)) if now < u => AccessState::Requested {
                until: u,
                note: note.unwrap_or_default(),
            },
            (Some(u), None) if now < u => AccessState::Open { until: u },
            _ => AccessState::Closed,
        };
        assert_eq!(r.access, access, "{order_no}");
        states.insert(format!("{:?}", std::mem::discriminant(&r.access)));
    }
    // Every state was there to compare, the quoted note among them.
    assert_eq!(states.len(), 3);
    assert!(listed.iter().any(
        |r| matches!(&r.access, AccessState::Requested { note, .. } if note.contains("北风 \\ ünï"))
    ));
}
