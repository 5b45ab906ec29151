//! The database itself: WAL and foreign keys, and the demo data seeded into
//! it (complete, idempotent, refused on real accounts).

use crate::common;
use app::accounts::queries;
use app::accounts::{Role, UserId};

#[tokio::test]
async fn demo_data_is_complete_and_seeding_twice_changes_nothing() {
    let t = common::fresh().await;
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 0);
    app::demo::seed(&t.db, 0).await.unwrap();
    let first = t.snapshot().await;
    app::demo::seed(&t.db, 0).await.unwrap();
    assert_eq!(t.snapshot().await, first);
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 8);
    assert_eq!(t.count("SELECT COUNT(*) FROM organizations").await, 4);
    let acme: (String,) =
        sqlx::query_as("SELECT cert_level FROM organizations WHERE name = 'Acme Software'")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!(acme.0, "intermediate");
    let op = queries::check_credentials(&t.db, "operator@fenfa.example", app::demo::PASSWORD)
        .await
        .unwrap();
    assert!(t.ctx(&op, None).await.is_operator);
    let dev = queries::check_credentials(&t.db, "isv-dev@acme.example", app::demo::PASSWORD)
        .await
        .unwrap();
    let orgs = queries::orgs_of(&t.db, &UserId(dev.0)).await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(
        (orgs[0].name.as_str(), orgs[0].role),
        ("Acme Software", Role::Member)
    );
}

#[tokio::test]
async fn the_database_enforces_foreign_keys_and_uses_wal() {
    let t = common::fresh().await;
    if !common::on_postgres() {
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        assert_eq!(mode.to_lowercase(), "wal");
    }
    let orphan = sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('x', 'y', 'admin', 0)",
    )
    .execute(&t.db.pool)
    .await;
    assert!(orphan.is_err());
}

#[tokio::test]
async fn demo_data_is_refused_on_a_database_with_real_accounts() {
    let t = common::fresh().await;
    // A stranger registered one of the demo addresses before anyone seeded.
    let stranger = t.user("isv-admin@acme.example").await;
    let before = t.snapshot().await;
    let err = app::demo::seed(&t.db, 0).await.unwrap_err();
    assert!(
        matches!(err, app::demo::SeedError::RealAccounts { count: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("isv-admin@acme.example"), "{err}");
    // Nothing was added, and the stranger belongs to no certified ISV.
    assert_eq!(t.snapshot().await, before);
    assert!(queries::orgs_of(&t.db, &stranger).await.unwrap().is_empty());
}

#[tokio::test]
async fn demo_data_goes_only_to_demo_accounts_of_a_demo_database() {
    let t = common::fresh().await;
    app::demo::seed(&t.db, 0).await.unwrap();
    // Somebody signs up on the demo; seeding again is still allowed and
    // attaches nothing to that account.
    let visitor = t.user("visitor@test.example").await;
    app::demo::seed(&t.db, 0).await.unwrap();
    assert!(queries::orgs_of(&t.db, &visitor).await.unwrap().is_empty());
    assert_eq!(
        t.count("SELECT COUNT(*) FROM users WHERE is_demo = 1")
            .await,
        8
    );
}
