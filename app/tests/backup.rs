//! `Db::backup_to` (behind `fenfa-server --backup`): a consistent copy of the
//! SQLite database taken while a writer keeps writing; refusals on
//! PostgreSQL, an existing target and a missing database.
#![cfg(feature = "ssr")]

mod common;

use app::accounts::queries;
use app::accounts::OrgName;
use app::db::{BackupError, Db};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_writing_is_a_consistent_database() {
    let t = common::fresh().await;
    app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
    let target = t.dir().join("backup.db");
    if common::on_postgres() {
        let e = t.db.backup_to(&target).await.unwrap_err();
        assert!(matches!(e, BackupError::Postgres), "{e}");
        assert!(e.to_string().contains("pg_dump"));
        assert!(!target.exists());
        return;
    }

    // A writer creates organizations (organization, membership and audit
    // entry in one transaction) and reports each commit.
    let writer = t.user("writer@backup.example").await;
    let ctx = t.ctx(&writer, None).await;
    let (done, mut committed) = tokio::sync::watch::channel(0usize);
    let stop = Arc::new(AtomicBool::new(false));
    let task = {
        let (db, stop, now) = (t.db.clone(), stop.clone(), t.clock.now_ms());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let name = OrgName::parse(&format!("Writer {n}")).unwrap();
                queries::create_org(&db, &ctx, &name, "UTC", now)
                    .await
                    .unwrap();
                n += 1;
                done.send_replace(n);
            }
            n
        })
    };
    // Back up once some writes are in, while the writer goes on.
    let before = *committed.wait_for(|n| *n >= 20).await.unwrap();
    t.db.backup_to(&target).await.unwrap();
    let after = *committed.borrow();
    stop.store(true, Ordering::SeqCst);
    let total = task.await.unwrap();

    // Never overwrite: the second backup to the same file is refused.
    let bytes = std::fs::read(&target).unwrap();
    let e = t.db.backup_to(&target).await.unwrap_err();
    assert!(matches!(e, BackupError::TargetExists(_)), "{e}");
    assert_eq!(std::fs::read(&target).unwrap(), bytes);

    let copy = Db::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&copy.pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    // The demo data and what was written before the backup are in it.
    let (apps,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM apps WHERE name LIKE '客户拜访管理%'")
            .fetch_one(&copy.pool)
            .await
            .unwrap();
    assert_eq!(apps, 1);
    let count = |sql: &'static str| {
        let pool = copy.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
            n
        }
    };
    let orgs = count("SELECT COUNT(*) FROM organizations WHERE name LIKE 'Writer %'").await;
    // One write may have committed but not yet been reported when the backup
    // returned.
    assert!(
        orgs >= before as i64 && orgs <= after as i64 + 1,
        "{before} ≤ {orgs} ≤ {after} + 1"
    );
    assert!(total as i64 >= orgs);
    eprintln!("{before} writes before the backup, {orgs} in it, {after} when it returned");
    // One moment: no organization without its admin or its audit entry.
    let torn = count(
        "SELECT COUNT(*) FROM organizations o WHERE o.name LIKE 'Writer %' AND \
         (NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = o.id AND m.role = 'admin') \
          OR NOT EXISTS (SELECT 1 FROM audit_entries e WHERE e.action = 'org.create' AND e.target = o.id))",
    )
    .await;
    assert_eq!(torn, 0);
    let stray = count(
        "SELECT COUNT(*) FROM audit_entries e WHERE e.action = 'org.create' AND \
         NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = e.target)",
    )
    .await;
    assert_eq!(stray, 0);
}

#[tokio::test]
async fn backup_command_refuses_postgres_and_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.db");
    // Refused before any connection: nothing listens on port 1.
    let e = app::db::backup("postgres://nobody@127.0.0.1:1/none", &target)
        .await
        .unwrap_err();
    assert!(matches!(e, BackupError::Postgres), "{e}");
    assert!(e.to_string().contains("pg_dump"));
    // A mistyped SQLite path is not silently created and "backed up".
    let missing = dir.path().join("missing.db");
    let e = app::db::backup(&format!("sqlite://{}", missing.display()), &target)
        .await
        .unwrap_err();
    assert!(matches!(e, BackupError::NoDatabase(_)), "{e}");
    assert!(!missing.exists() && !target.exists());
}
