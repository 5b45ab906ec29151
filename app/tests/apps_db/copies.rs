//! Deleting an app, its snapshot, foreign copies and backups.

use super::*;

#[tokio::test]
async fn deleting_an_app_removes_all_its_parts() {
    let w = world().await;
    let (form, _) = w.build().await;
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
    edits::add_template(db, c, a, &form, "submitted", "x", 1)
        .await
        .unwrap();
    edits::add_service(
        db,
        c,
        a,
        &ServiceInput::parse("s", "https://s.example").unwrap(),
        Some("k"),
        1,
    )
    .await
    .unwrap();
    edits::delete_app(db, c, a, 1).await.unwrap();
    for table in [
        "apps",
        "forms",
        "fields",
        "process_steps",
        "notification_templates",
        "services",
        "app_admins",
    ] {
        assert_eq!(
            w.t.count(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(w.audit("app.delete").await, 1);
}

#[tokio::test]
async fn snapshot_round_trip_gives_an_equal_definition() {
    let w = world().await;
    w.build_complete().await;
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
    edits::add_app_admin(db, c, a, &w.isv_member.user_id.0, 1)
        .await
        .unwrap();
    let original = w.snap().await;
    assert_eq!(
        snapshot::AppSnapshot::from_json(&original.to_json()).unwrap(),
        original
    );

    let mut tx = db.begin_write().await.unwrap();
    let d = snapshot::Deploy {
        org_id: &c.org().unwrap().org_id.0,
        actor_user_id: &c.user_id.0,
        origin: "own",
        foreign: false,
        now: 1,
    };
    let copy = snapshot::deploy(&mut tx, &original, &d).await.unwrap();
    let again = snapshot::load(&mut tx, &copy).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_ne!(copy, w.app);
    assert_eq!(again, original);
}

#[tokio::test]
async fn a_foreign_copy_leaves_people_and_credentials_behind_and_needs_configuration() {
    let w = world().await;
    w.build_complete().await;
    let db = &w.t.db;
    let original = w.snap().await;
    let o = &w.other_buyer;
    let mut tx = db.begin_write().await.unwrap();
    let d = snapshot::Deploy {
        org_id: &o.org().unwrap().org_id.0,
        actor_user_id: &o.user_id.0,
        origin: "installed",
        foreign: true,
        now: 1,
    };
    let copy = snapshot::deploy(&mut tx, &original, &d).await.unwrap();
    tx.commit().await.unwrap();
    let detail = reads::detail(db, o, &copy).await.unwrap();
    assert!(detail.forms[0].process_needs_config);
    assert!(detail.forms[0].steps.iter().all(|s| s.approvers.is_empty()));
    assert!(detail
        .templates
        .iter()
        .all(|t| t.needs_config && t.recipients.is_empty()));
    assert!(detail
        .services
        .iter()
        .all(|s| s.needs_config && s.credential_set_at.is_none()));
    assert_eq!(detail.forms[0].fields.len(), 2);
}

#[tokio::test]
async fn backups_hold_no_plaintext_credential_and_old_ones_are_sealed_at_start() {
    let w = world().await;
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
    let input = ServiceInput::parse("CRM", "https://crm.example/api").unwrap();
    let sid = edits::add_service(db, c, a, &input, Some("plaintext-canary-4711"), 42)
        .await
        .unwrap();
    if !common::on_postgres() {
        let backup = w.t.dir().join("backup.db");
        db.backup_to(&backup).await.unwrap();
        let bytes = std::fs::read(&backup).unwrap();
        let needle = b"plaintext-canary-4711";
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
    // A credential written in plaintext (before sealing existed) is sealed
    // by the start-up pass, and nothing else changes.
    sqlx::query("UPDATE services SET credential = 'legacy-canary' WHERE id = $1")
        .bind(&sid)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(edits::reseal_credentials(db).await.unwrap(), 1);
    let (stored,): (String,) = sqlx::query_as("SELECT credential FROM services WHERE id = $1")
        .bind(&sid)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(!stored.contains("legacy-canary"));
    assert_eq!(db.secrets.open(&stored).unwrap(), "legacy-canary");
    assert_eq!(
        edits::reseal_credentials(db).await.unwrap(),
        0,
        "idempotent"
    );
}
