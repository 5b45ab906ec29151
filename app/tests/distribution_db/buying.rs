//! Buying: members refused, atomicity, idempotency and concurrency.

use super::*;

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
