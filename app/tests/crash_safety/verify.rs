//! What must hold of the database after any crash.

use super::*;

/// What must hold in any database state a crash or a backup can leave;
/// returns the number of orders.
pub(crate) async fn verify(db: &Db) -> i64 {
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(broken.is_empty(), "{} foreign key violations", broken.len());

    // Every order has its complete copy, as its link froze it, and its
    // audit entries and maintenance grant.
    let orders: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.customer_org_id, o.installed_app_id, o.isv_org_id, l.snapshot_json \
         FROM distribution_orders o JOIN distribution_links l ON l.id = o.link_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    for (order, customer, installed, isv, frozen) in &orders {
        let copy = snapshot::load(&mut conn, &AppId::from(installed.as_str()))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("order {order} without its installed app"));
        assert_eq!(copy, foreign(AppSnapshot::from_json(frozen).unwrap()));
        let (org, origin): (String, String) =
            sqlx::query_as("SELECT org_id, origin FROM apps WHERE id = $1")
                .bind(installed)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!((&org, origin.as_str()), (customer, "installed"));
        for (org, action, target) in [
            (isv, "order.purchased", order),
            (customer, "app.installed", installed),
        ] {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM audit_entries WHERE org_id = $1 AND action = $2 AND target = $3",
            )
            .bind(org)
            .bind(action)
            .bind(target)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            assert_eq!(n, 1, "order {order}: {action} entries");
        }
        let (grants,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM maintenance_grants WHERE app_id = $1 AND order_id = $2",
        )
        .bind(installed)
        .bind(order)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(grants, 1, "order {order}: maintenance grant");
    }
    drop(conn);
    for (what, sql) in [
        (
            "installed copies without an order",
            "SELECT COUNT(*) FROM apps a WHERE a.origin = 'installed' AND NOT EXISTS \
             (SELECT 1 FROM distribution_orders o WHERE o.installed_app_id = a.id)",
        ),
        (
            "order.purchased entries without an order",
            "SELECT COUNT(*) FROM audit_entries e WHERE e.action = 'order.purchased' AND NOT EXISTS \
             (SELECT 1 FROM distribution_orders o WHERE o.id = e.target)",
        ),
        (
            "links whose use count differs from their orders",
            "SELECT COUNT(*) FROM distribution_links l WHERE l.purchases <> \
             (SELECT COUNT(*) FROM distribution_orders o WHERE o.link_id = l.id)",
        ),
    ] {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&db.pool).await.unwrap();
        assert_eq!(n, 0, "{what}");
    }
    orders.len() as i64
}

/// A frozen snapshot as a copy into another organization must look: people
/// of the source left behind (as the purchase deploys it).
pub(crate) fn foreign(mut s: AppSnapshot) -> AppSnapshot {
    s.admins.clear();
    for f in &mut s.forms {
        for step in &mut f.process {
            step.approvers.clear();
        }
    }
    for t in &mut s.templates {
        t.recipients.clear();
    }
    s
}
