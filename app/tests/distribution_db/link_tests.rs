//! Links: the certification gate, tokens, invalid links, audit and view counts.

use super::*;

#[tokio::test]
async fn only_certified_isvs_distribute() {
    let w = world().await;
    let o = LinkOptions::parse("", "", "", "", "").unwrap();
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
        &LinkOptions::parse("1", "", "", "", "").unwrap(),
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
async fn link_audit_entries_name_the_real_role() {
    let w = world().await;
    edits::add_app_admin(&w.t.db, &w.isv, &w.app, &w.isv_member.user_id.0, T0)
        .await
        .unwrap();
    let o = LinkOptions::parse("", "", "", "", "").unwrap();
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
