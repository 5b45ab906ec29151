//! Database tests of distribution: the certification gate, invalid links,
//! purchase atomicity and concurrency, and the deployed copy.
#![cfg(feature = "ssr")]

mod common;

use app::accounts::queries::set_certification;
use app::accounts::{CertLevel, OrgId, Role};
use app::apps::queries as reads;
use app::apps::queries::edits::{self, AppSettings, FieldInput, ServiceInput};
use app::apps::snapshot;
use app::distribution::domain::{LinkOptions, PurchaseOutcome, DAY_MS};
use app::distribution::queries::links::{self, LinkRef};
use app::distribution::queries::purchase;
use app::error::ErrorCode;
use app::session::Ctx;
use app::values::{AppId, LinkId};
use common::{TestDb, T0};

struct World {
    t: TestDb,
    isv: Ctx,
    isv_member: Ctx,
    buyer: Ctx,
    buyer_member: Ctx,
    other_buyer: Ctx,
    app: AppId,
}

/// An intermediate ISV with a rich app; two customer organizations.
async fn world() -> World {
    let t = common::fresh().await;
    let op = t.user("op@fenfa.example").await;
    sqlx::query("UPDATE users SET is_operator = 1 WHERE id = $1")
        .bind(&op.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    let (a, m, b, bm, c) = (
        t.user("isv@acme.example").await,
        t.user("dev@acme.example").await,
        t.user("nora@north.example").await,
        t.user("ned@north.example").await,
        t.user("sam@south.example").await,
    );
    let acme = t.org(&a, "Acme").await;
    let north = t.org(&b, "North").await;
    let south = t.org(&c, "South").await;
    set_certification(
        &t.db,
        &t.ctx(&op, None).await,
        &OrgId(acme.clone()),
        CertLevel::Intermediate,
        T0,
    )
    .await
    .unwrap();
    let isv = t.ctx(&a, Some(&acme)).await;
    let buyer = t.ctx(&b, Some(&north)).await;
    for (ctx, email) in [(&isv, "dev@acme.example"), (&buyer, "ned@north.example")] {
        t.join(ctx, email, Role::Member).await;
    }
    let app = edits::create_app(
        &t.db,
        &isv,
        &AppSettings::parse("拜访", "briefcase", "d").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let form = edits::add_form(&t.db, &isv, &app, "申请", "process", T0)
        .await
        .unwrap();
    edits::add_field(
        &t.db,
        &isv,
        &app,
        &form,
        &FieldInput::parse("客户", "text", true, "").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let step = edits::add_step(&t.db, &isv, &app, &form, "审批", T0)
        .await
        .unwrap();
    edits::set_approver(&t.db, &isv, &app, &step, &a.0, true, T0)
        .await
        .unwrap();
    let tid = edits::add_template(&t.db, &isv, &app, &form, "submitted", "{{客户}}", T0)
        .await
        .unwrap();
    edits::set_recipient(
        &t.db,
        &isv,
        &app,
        &tid,
        &app::apps::domain::Recipient::Submitter,
        true,
        T0,
    )
    .await
    .unwrap();
    edits::add_service(
        &t.db,
        &isv,
        &app,
        &ServiceInput::parse("CRM", "https://crm.example").unwrap(),
        Some("secret"),
        T0,
    )
    .await
    .unwrap();
    World {
        isv_member: t.ctx(&m, Some(&acme)).await,
        buyer_member: t.ctx(&bm, Some(&north)).await,
        other_buyer: t.ctx(&c, Some(&south)).await,
        isv,
        buyer,
        app,
        t,
    }
}

fn org(ctx: &Ctx) -> String {
    ctx.org().unwrap().org_id.0.clone()
}

fn token(path: &str) -> &str {
    path.strip_prefix("/l/").unwrap()
}

impl World {
    async fn link(&self, max: &str) -> String {
        let o = LinkOptions::parse("30", max, "", "").unwrap();
        links::create_link(&self.t.db, &self.isv, &self.app, &o, T0)
            .await
            .unwrap()
            .path
    }
    async fn orders(&self) -> i64 {
        self.t
            .count("SELECT COUNT(*) FROM distribution_orders")
            .await
    }
}

#[tokio::test]
async fn only_certified_isvs_distribute() {
    let w = world().await;
    let o = LinkOptions::parse("", "", "", "").unwrap();
    // A member of the ISV who is not the app's app admin.
    let e = links::create_link(&w.t.db, &w.isv_member, &w.app, &o, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::IsvOnly);
    // An uncertified organization, even for its own app.
    let own = edits::create_app(
        &w.t.db,
        &w.buyer,
        &AppSettings::parse("x", "chart", "").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let e = links::create_link(&w.t.db, &w.buyer, &own, &o, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::IsvOnly);
    // Another organization's app is not found.
    let e = links::create_link(&w.t.db, &w.buyer, &w.app, &o, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(
        w.t.count("SELECT COUNT(*) FROM distribution_links").await,
        0
    );
    // The app admin of the app may.
    edits::add_app_admin(&w.t.db, &w.isv, &w.app, &w.isv_member.user_id.0, T0)
        .await
        .unwrap();
    links::create_link(&w.t.db, &w.isv_member, &w.app, &o, T0)
        .await
        .unwrap();
    // Basic certification is not enough.
    let op =
        w.t.ctx(
            &app::accounts::UserId(w.t.user_id("op@fenfa.example").await),
            None,
        )
        .await;
    set_certification(&w.t.db, &op, &OrgId(org(&w.isv)), CertLevel::Basic, T0)
        .await
        .unwrap();
    let isv = w.t.ctx(&w.isv.user_id, Some(&org(&w.isv))).await;
    assert_eq!(
        links::create_link(&w.t.db, &isv, &w.app, &o, T0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::IsvOnly
    );
}

#[tokio::test]
async fn tokens_are_long_random_and_stored_only_as_hashes() {
    let w = world().await;
    let path = w.link("").await;
    let tok = token(&path);
    assert!(
        tok.len() >= 32 && tok.chars().all(|c| c.is_ascii_hexdigit()),
        "{tok}"
    );
    let (hash,): (String,) = sqlx::query_as("SELECT token_hash FROM distribution_links")
        .fetch_one(&w.t.db.pool)
        .await
        .unwrap();
    assert_ne!(hash, tok);
    let dump: Vec<(String,)> =
        sqlx::query_as("SELECT snapshot_json || note || token_hash FROM distribution_links")
            .fetch_all(&w.t.db.pool)
            .await
            .unwrap();
    assert!(dump.iter().all(|(d,)| !d.contains(tok)));
    assert_ne!(token(&w.link("").await), tok);
}

#[tokio::test]
async fn every_invalid_link_gives_the_same_answer() {
    let w = world().await;
    let db = &w.t.db;
    let revoked = w.link("").await;
    let link_id: (LinkId,) = sqlx::query_as("SELECT id FROM distribution_links")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    links::revoke_link(db, &w.isv, &link_id.0, T0)
        .await
        .unwrap();
    let used = w.link("1").await;
    let b = &w.buyer;
    purchase::purchase(
        db,
        &w.t.links,
        b,
        LinkRef::Token(token(&used)),
        &org(b),
        "k-used",
        T0,
    )
    .await
    .unwrap();
    let expiring = links::create_link(
        db,
        &w.isv,
        &w.app,
        &LinkOptions::parse("1", "", "", "").unwrap(),
        T0,
    )
    .await
    .unwrap()
    .path;
    let later = T0 + DAY_MS;
    let mut answers = Vec::new();
    for (tok, now) in [
        (token(&revoked), T0),
        (token(&used), T0),
        (token(&expiring), later),
        ("0123456789abcdef0123456789abcdef01234567", T0),
    ] {
        answers.push(
            links::link_page(db, &w.t.links, None, tok, now)
                .await
                .unwrap_err(),
        );
        let buy = purchase::purchase(
            db,
            &w.t.links,
            &w.other_buyer,
            LinkRef::Token(tok),
            &org(&w.other_buyer),
            &format!("k-{tok}"),
            now,
        )
        .await;
        assert_eq!(buy.unwrap_err().code, ErrorCode::LinkInvalid);
    }
    assert!(answers
        .iter()
        .all(|a| *a == answers[0] && a.code == ErrorCode::LinkInvalid));
    assert_eq!(w.orders().await, 1);
    // Just before expiry, the link still works.
    assert!(
        links::link_page(db, &w.t.links, None, token(&expiring), later - 1)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_member_cannot_buy_and_nothing_is_created() {
    let w = world().await;
    let path = w.link("").await;
    let before = w.t.snapshot().await;
    let m = &w.buyer_member;
    let e = purchase::purchase(
        &w.t.db,
        &w.t.links,
        m,
        LinkRef::Token(token(&path)),
        &org(m),
        "k1",
        T0,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::BuyAdminOnly);
    // An organization the caller does not belong to is "not found".
    let e = purchase::purchase(
        &w.t.db,
        &w.t.links,
        m,
        LinkRef::Token(token(&path)),
        &org(&w.other_buyer),
        "k2",
        T0,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(w.t.snapshot().await, before);

    // Instead, the member asks; the admins see it and can buy from there.
    purchase::ask_admin(&w.t.db, &w.t.links, m, token(&path), &org(m), T0)
        .await
        .unwrap();
    let requests = purchase::requests(&w.t.db, &w.buyer, T0).await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(purchase::requests(&w.t.db, m, T0).await.is_err());
    let link_id = purchase::request_link(&w.t.db, &w.buyer, &requests[0].id)
        .await
        .unwrap();
    purchase::purchase(
        &w.t.db,
        &w.t.links,
        &w.buyer,
        LinkRef::Id(&link_id),
        &org(&w.buyer),
        "k3",
        T0,
    )
    .await
    .unwrap();
    assert!(purchase::requests(&w.t.db, &w.buyer, T0)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_purchase_failing_midway_leaves_no_order_and_no_partial_copy() {
    let w = world().await;
    let path = w.link("").await;
    let before = w.t.snapshot().await;
    // Fail on the last part the copy writes: forms and fields are already in.
    let (create, drop): (&[&str], &str) = if common::on_postgres() {
        (
            &[
                "CREATE FUNCTION fail_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER fail_services BEFORE INSERT ON services FOR EACH ROW EXECUTE FUNCTION fail_insert()",
            ],
            "DROP TRIGGER fail_services ON services",
        )
    } else {
        (
            &["CREATE TRIGGER fail_services BEFORE INSERT ON services BEGIN SELECT RAISE(ABORT, 'injected failure'); END"],
            "DROP TRIGGER fail_services",
        )
    };
    for sql in create {
        sqlx::query(sql).execute(&w.t.db.pool).await.unwrap();
    }
    let b = &w.buyer;
    let e = purchase::purchase(
        &w.t.db,
        &w.t.links,
        b,
        LinkRef::Token(token(&path)),
        &org(b),
        "k",
        T0,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Internal);
    assert_eq!(w.t.snapshot().await, before);
    let (purchases,): (i64,) = sqlx::query_as("SELECT purchases FROM distribution_links")
        .fetch_one(&w.t.db.pool)
        .await
        .unwrap();
    assert_eq!(purchases, 0);
    sqlx::query(drop).execute(&w.t.db.pool).await.unwrap();
    purchase::purchase(
        &w.t.db,
        &w.t.links,
        b,
        LinkRef::Token(token(&path)),
        &org(b),
        "k",
        T0,
    )
    .await
    .unwrap();
    assert_eq!(w.orders().await, 1);
}

#[tokio::test]
async fn twenty_concurrent_purchases_with_one_key_make_one_order() {
    let w = world().await;
    let path = w.link("").await;
    let tok = token(&path).to_string();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (db, links, ctx, tok, org) = (
            w.t.db.clone(),
            w.t.links.clone(),
            w.buyer.clone(),
            tok.clone(),
            org(&w.buyer),
        );
        tasks.push(tokio::spawn(async move {
            purchase::purchase(
                &db,
                &links,
                &ctx,
                LinkRef::Token(&tok),
                &org,
                "same-key",
                T0,
            )
            .await
        }));
    }
    let mut apps = std::collections::HashSet::new();
    for t in tasks {
        match t.await.unwrap().unwrap() {
            PurchaseOutcome::Bought { app_id, .. } => apps.insert(app_id),
            other => panic!("{other:?}"),
        };
    }
    assert_eq!(apps.len(), 1);
    assert_eq!(w.orders().await, 1);
    assert_eq!(
        w.t.count("SELECT COUNT(*) FROM apps WHERE origin = 'installed'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_single_use_link_bought_by_two_organizations_at_once_sells_once() {
    let w = world().await;
    let path = w.link("1").await;
    let tok = token(&path).to_string();
    let mut tasks = Vec::new();
    for (i, buyer) in [w.buyer.clone(), w.other_buyer.clone()]
        .into_iter()
        .enumerate()
    {
        let (db, links, tok, o) = (w.t.db.clone(), w.t.links.clone(), tok.clone(), org(&buyer));
        tasks.push(tokio::spawn(async move {
            purchase::purchase(
                &db,
                &links,
                &buyer,
                LinkRef::Token(&tok),
                &o,
                &format!("k{i}"),
                T0,
            )
            .await
        }));
    }
    let results: Vec<_> = futures_join(tasks).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert_eq!(
        results
            .iter()
            .filter(|r| r.as_ref().is_err_and(|e| e.code == ErrorCode::LinkInvalid))
            .count(),
        1
    );
    assert_eq!(w.orders().await, 1);
    assert_eq!(
        w.t.count("SELECT COUNT(*) FROM apps WHERE origin = 'installed'")
            .await,
        1
    );
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_bought_copy_cannot_be_resold_even_by_a_certified_buyer() {
    let w = world().await;
    let path = w.link("").await;
    let b = &w.buyer;
    let PurchaseOutcome::Bought { app_id: copy, .. } = purchase::purchase(
        &w.t.db,
        &w.t.links,
        b,
        LinkRef::Token(token(&path)),
        &org(b),
        "k1",
        T0,
    )
    .await
    .unwrap() else {
        panic!("not bought")
    };
    // The buyer becomes a certified ISV itself.
    let op =
        w.t.ctx(
            &app::accounts::UserId(w.t.user_id("op@fenfa.example").await),
            None,
        )
        .await;
    set_certification(&w.t.db, &op, &OrgId(org(b)), CertLevel::Intermediate, T0)
        .await
        .unwrap();
    let buyer = w.t.ctx(&b.user_id, Some(&org(b))).await;
    let o = LinkOptions::parse("", "", "", "").unwrap();
    let links_before = w.t.count("SELECT COUNT(*) FROM distribution_links").await;
    let e = links::create_link(&w.t.db, &buyer, &copy, &o, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotOwnApp);
    let e = links::distribute_view(&w.t.db, &w.t.links, &buyer, &copy, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotOwnApp);
    assert_eq!(
        w.t.count("SELECT COUNT(*) FROM distribution_links").await,
        links_before
    );
    // A resale link made before this rule existed sells nothing and cannot
    // be managed as if the copy were the buyer's own.
    let own = links::create_link(&w.t.db, &w.isv, &w.app, &o, T0)
        .await
        .unwrap();
    sqlx::query("UPDATE distribution_links SET source_app_id = $1, isv_org_id = $2 WHERE id = $3")
        .bind(&copy)
        .bind(org(b))
        .bind(&own.id)
        .execute(&w.t.db.pool)
        .await
        .unwrap();
    let e = purchase::purchase(
        &w.t.db,
        &w.t.links,
        &w.other_buyer,
        LinkRef::Token(token(&own.path)),
        &org(&w.other_buyer),
        "k9",
        T0,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::LinkInvalid);
    let e = links::revoke_link(&w.t.db, &buyer, &own.id, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotOwnApp);
}

#[tokio::test]
async fn link_audit_entries_name_the_real_role() {
    let w = world().await;
    edits::add_app_admin(&w.t.db, &w.isv, &w.app, &w.isv_member.user_id.0, T0)
        .await
        .unwrap();
    let o = LinkOptions::parse("", "", "", "").unwrap();
    let by_admin = links::create_link(&w.t.db, &w.isv, &w.app, &o, T0)
        .await
        .unwrap();
    let by_app_admin = links::create_link(&w.t.db, &w.isv_member, &w.app, &o, T0)
        .await
        .unwrap();
    links::revoke_link(&w.t.db, &w.isv_member, &by_admin.id, T0)
        .await
        .unwrap();
    let role = |action: &'static str, target: String| {
        let t = &w.t;
        async move {
            let (r,): (String,) = sqlx::query_as(
                "SELECT acting_as FROM audit_entries WHERE action = $1 AND target = $2",
            )
            .bind(action)
            .bind(&target)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
            r
        }
    };
    assert_eq!(role("link.create", by_admin.id.to_string()).await, "admin");
    assert_eq!(role("link.create", by_app_admin.id.0).await, "app_admin");
    assert_eq!(role("link.revoke", by_admin.id.0).await, "app_admin");
}

#[tokio::test]
async fn buying_again_says_it_is_installed() {
    let w = world().await;
    let path = w.link("").await;
    let b = &w.buyer;
    let first = purchase::purchase(
        &w.t.db,
        &w.t.links,
        b,
        LinkRef::Token(token(&path)),
        &org(b),
        "k1",
        T0,
    )
    .await
    .unwrap();
    let again = purchase::purchase(
        &w.t.db,
        &w.t.links,
        b,
        LinkRef::Token(token(&path)),
        &org(b),
        "k2",
        T0,
    )
    .await
    .unwrap();
    let PurchaseOutcome::Bought { app_id, .. } = first else {
        panic!()
    };
    assert_eq!(again, PurchaseOutcome::AlreadyInstalled { app_id });
    assert_eq!(w.orders().await, 1);
    // The ISV cannot buy its own app.
    let e = purchase::purchase(
        &w.t.db,
        &w.t.links,
        &w.isv,
        LinkRef::Token(token(&path)),
        &org(&w.isv),
        "k3",
        T0,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::OwnApp);
}

#[tokio::test]
async fn the_copy_equals_the_frozen_snapshot_except_ids_and_reconfigured_parts() {
    let w = world().await;
    let path = w.link("").await;
    let frozen = {
        let mut c = w.t.db.pool.acquire().await.unwrap();
        snapshot::load(&mut c, &w.app).await.unwrap().unwrap()
    };
    // Later edits do not change what the link sells.
    edits::update_app(
        &w.t.db,
        &w.isv,
        &w.app,
        &AppSettings::parse("改名", "chart", "").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let b = &w.buyer;
    let PurchaseOutcome::Bought { app_id, .. } = purchase::purchase(
        &w.t.db,
        &w.t.links,
        b,
        LinkRef::Token(token(&path)),
        &org(b),
        "k",
        T0,
    )
    .await
    .unwrap() else {
        panic!()
    };
    let copy = {
        let mut c = w.t.db.pool.acquire().await.unwrap();
        snapshot::load(&mut c, &app_id).await.unwrap().unwrap()
    };
    let mut expected = frozen.clone();
    expected.admins.clear();
    for f in &mut expected.forms {
        for s in &mut f.process {
            s.approvers.clear();
        }
    }
    for t in &mut expected.templates {
        t.recipients.clear();
    }
    assert_eq!(copy, expected);
    assert_eq!(copy.name, "拜访");
    let detail = reads::detail(&w.t.db, b, &app_id).await.unwrap();
    assert_eq!(detail.origin, "installed");
    assert!(
        detail.forms[0].process_needs_config
            && detail.templates[0].needs_config
            && detail.services[0].needs_config
    );
    assert!(detail.services[0].credential_set_at.is_none());
    // Audit on both sides.
    assert_eq!(w.t.count("SELECT COUNT(*) FROM audit_entries WHERE action IN ('order.purchased', 'app.installed')").await, 2);
    // The card says setup is incomplete until every item is configured.
    assert!(reads::list(&w.t.db, b, T0).await.unwrap()[0].setup_incomplete);
    let db = &w.t.db;
    edits::set_approver(
        db,
        b,
        &app_id,
        &detail.forms[0].steps[0].id,
        &b.user_id.0,
        true,
        T0,
    )
    .await
    .unwrap();
    edits::set_recipient(
        db,
        b,
        &app_id,
        &detail.templates[0].id,
        &app::apps::domain::Recipient::Submitter,
        true,
        T0,
    )
    .await
    .unwrap();
    edits::set_credential(
        db,
        b,
        &app_id,
        &detail.services[0].id,
        "customer-secret",
        T0,
    )
    .await
    .unwrap();
    assert!(!reads::list(db, b, T0).await.unwrap()[0].setup_incomplete);
}

#[tokio::test]
async fn concurrent_purchases_from_many_organizations_respect_the_link_maximum() {
    let w = world().await;
    let path = w.link("3").await;
    let tok = token(&path).to_string();
    let mut buyers = Vec::new();
    for i in 0..8 {
        let u = w.t.user(&format!("admin{i}@buyer{i}.example")).await;
        let o = w.t.org(&u, &format!("Buyer {i}")).await;
        buyers.push((w.t.ctx(&u, Some(&o)).await, o));
    }
    let mut tasks = Vec::new();
    for (i, (ctx, o)) in buyers.into_iter().enumerate() {
        let (db, links, tok) = (w.t.db.clone(), w.t.links.clone(), tok.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("key-{i}");
            purchase::purchase(&db, &links, &ctx, LinkRef::Token(&tok), &o, &key, T0).await
        }));
    }
    let (mut bought, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(PurchaseOutcome::Bought { .. }) => bought += 1,
            Err(e) if e.code == ErrorCode::LinkInvalid => refused += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((bought, refused), (3, 5));
    assert_eq!(w.orders().await, 3);
    assert_eq!(
        w.t.count("SELECT purchases FROM distribution_links").await,
        3
    );
}

/// Link page views are counted in memory and written in batches (also by the
/// database's upkeep task in the background): the ISV sees every view at once (stored +
/// pending), and each view is stored exactly once.
#[tokio::test]
async fn link_views_are_seen_at_once_and_stored_once() {
    let w = world().await;
    let path = w.link("").await;
    let db = &w.t.db;
    let views = || async {
        links::distribute_view(db, &w.t.links, &w.isv, &w.app, T0)
            .await
            .unwrap()
            .links[0]
            .views
    };
    let stored = || w.t.count("SELECT views FROM distribution_links");
    for _ in 0..3 {
        links::link_page(db, &w.t.links, None, token(&path), T0)
            .await
            .unwrap();
    }
    // Whether or not the background writer has run yet, the ISV sees all.
    assert_eq!(views().await, 3);
    w.t.links.flush(db).await.unwrap();
    assert_eq!(stored().await, 3);
    assert_eq!(views().await, 3, "flushed views are not counted twice");
    links::link_page(db, &w.t.links, Some(&w.buyer), token(&path), T0)
        .await
        .unwrap();
    w.t.links.flush(db).await.unwrap();
    w.t.links.flush(db).await.unwrap();
    assert_eq!(stored().await, 4);
    assert_eq!(views().await, 4);
    // An invalid link counts nothing.
    links::link_page(
        db,
        &w.t.links,
        None,
        "0123456789abcdef0123456789abcdef01234567",
        T0,
    )
    .await
    .unwrap_err();
    w.t.links.flush(db).await.unwrap();
    assert_eq!(stored().await, 4);
}

/// The Order Center's "setup" column: incomplete while any process form,
/// template or service of the copy still needs configuring, whichever it is.
#[tokio::test]
async fn the_order_center_shows_setup_incomplete_until_every_part_is_configured() {
    use app::orders::{domain::AccessFilter, queries};
    let w = world().await;
    let path = w.link("").await;
    let db = &w.t.db;
    let b = &w.buyer;
    purchase::purchase(
        db,
        &w.t.links,
        b,
        LinkRef::Token(token(&path)),
        &org(b),
        "k-setup",
        T0,
    )
    .await
    .unwrap();
    let setup_done = || async {
        let page = queries::list(db, &w.isv, "", AccessFilter::All, None, 50, T0)
            .await
            .unwrap();
        assert_eq!(page.rows.len(), 1);
        page.rows[0].setup_done
    };
    let app =
        w.t.one(
            "SELECT installed_app_id FROM distribution_orders WHERE idempotency_key = $1",
            "k-setup",
        )
        .await;
    for (table, column) in [
        ("forms", "process_needs_config"),
        ("notification_templates", "needs_config"),
        ("services", "needs_config"),
    ] {
        let pending =
            w.t.count(&format!(
                "SELECT COUNT(*) FROM {table} WHERE app_id = '{app}' AND {column} = 1"
            ))
            .await;
        assert!(pending > 0, "the copy's {table} need configuring");
        assert!(!setup_done().await, "{table} still pending");
        sqlx::query(&format!(
            "UPDATE {table} SET {column} = 0 WHERE app_id = $1"
        ))
        .bind(&app)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    assert!(setup_done().await);
}
