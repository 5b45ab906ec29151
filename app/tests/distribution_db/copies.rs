//! The deployed copy: never resold, installed once, equal to the snapshot, set up in the Order Center.

use super::*;

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
    let o = LinkOptions::parse("", "", "", "", "").unwrap();
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
    assert_eq!(copy.name, APP_NAME);
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
