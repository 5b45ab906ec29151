//! Migrations that rewrite stored data, tested on what older versions wrote.
#![cfg(feature = "ssr")]

mod common;

/// Audit roles written as English prose by earlier versions become codes
/// that pages show in the reader's language; other rows are left alone.
#[tokio::test]
async fn prose_acting_as_rows_become_codes() {
    let t = common::fresh().await;
    let rows = [
        ("a1", "remote maintenance of order FF2026120312345678"),
        (
            "a2",
            "app admin of 客户拜访: via order of remote maintenance via remote maintenance of order FF2026120387654321",
        ),
        ("a3", "admin"),
    ];
    for (id, acting_as) in rows {
        sqlx::query(
            "INSERT INTO audit_entries (id, org_id, actor_user_id, acting_as, action, target, at) \
             VALUES ($1, 'o', 'u', $2, 'form.rename', 't', 1)",
        )
        .bind(id)
        .bind(acting_as)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    let sql = include_str!("../../migrations/0008_acting_as_codes.sql");
    for statement in sql.split(';').filter(|s| s.contains("UPDATE")) {
        sqlx::query(statement).execute(&t.db.pool).await.unwrap();
    }
    let code = |id: &'static str| t.one("SELECT acting_as FROM audit_entries WHERE id = $1", id);
    assert_eq!(code("a1").await, "maintenance:FF2026120312345678");
    assert_eq!(code("a2").await, "maintainer:FF2026120387654321");
    assert_eq!(code("a3").await, "admin");
    use app::audit::domain::ActingAs;
    assert_eq!(
        ActingAs::parse(&code("a2").await),
        ActingAs::Maintainer("FF2026120387654321".into())
    );
}
