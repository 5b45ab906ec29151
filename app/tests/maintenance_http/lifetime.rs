//! When maintenance ends: access closed, the 2-hour limit and access expiry,
//! the ISV side losing its right; and no start without certification.

use crate::common;
use crate::common::world::{world, Caller::*};
use app::maintenance::domain::SESSION_MS;
use http::StatusCode;

#[tokio::test]
async fn closing_access_ends_the_session_on_its_next_request() {
    let w = world().await;
    let i = w.instance().await;
    assert_eq!(
        i.call(
            CustomerAdmin,
            "/api/maintenance/close",
            &format!("app_id={}", w.id("installed"))
        )
        .await
        .status,
        StatusCode::OK
    );
    let next = i
        .call(
            IsvInMaintenance,
            "/api/apps/get",
            &format!("app_id={}", w.id("installed")),
        )
        .await;
    assert_eq!(next.status, StatusCode::FORBIDDEN);
    assert_eq!(next.json()["code"], "maintenance_ended");
    // Back in its own organization afterwards.
    let me = i.call(IsvInMaintenance, "/api/me", "").await.json();
    assert_eq!(me["current"]["name"], "Acme Software");
    assert!(me["maintenance"].is_null());
    // The Order Center shows access closed, and maintenance cannot start.
    let orders = i
        .call(IsvAdmin, "/api/orders/list", "q=north&access=closed")
        .await;
    assert!(orders.body.contains(w.id("order_no")), "{}", orders.body);
    let again = i
        .call(
            IsvAdmin,
            "/api/maintenance/start",
            &format!("order_id={}", w.id("order")),
        )
        .await;
    assert_eq!(again.json()["code"], "access_closed");
    // The customer requests maintenance: open again, with the note, for the ISV to see.
    let r = i
        .call(
            CustomerAdmin,
            "/api/maintenance/request",
            &format!("app_id={}&note=请帮忙改流程&days=2", w.id("installed")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let requested = i
        .call(IsvAdmin, "/api/orders/list", "q=&access=requested")
        .await;
    assert!(
        requested.body.contains("请帮忙改流程"),
        "{}",
        requested.body
    );
    assert_eq!(
        i.call(
            IsvAdmin,
            "/api/maintenance/start",
            &format!("order_id={}", w.id("order"))
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sessions_end_after_two_hours_and_access_expires() {
    let w = world().await;
    let i = w.instance().await;
    let get = format!("app_id={}", w.id("installed"));
    i.s.t.clock.advance_ms(SESSION_MS - 60_000);
    assert_eq!(
        i.call(IsvInMaintenance, "/api/apps/get", &get).await.status,
        StatusCode::OK
    );
    i.s.t.clock.advance_ms(60_000);
    let ended = i.call(IsvInMaintenance, "/api/apps/get", &get).await;
    assert_eq!(ended.json()["code"], "maintenance_ended");
    // (The world's other session, Plain Studio's at Southgate, was exited.)
    let (reason,): (String,) =
        sqlx::query_as("SELECT end_reason FROM maintenance_sessions WHERE app_id = $1")
            .bind(w.id("installed"))
            .fetch_one(&i.s.t.db.pool)
            .await
            .unwrap();
    assert_eq!(reason, "timeout");

    // Access ends when its period does: the customer opens it for one day.
    let r = i
        .call(
            CustomerAdmin,
            "/api/maintenance/request",
            &format!("app_id={}&note=&days=1", w.id("installed")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let isv = w.token(IsvAdmin).unwrap().to_string();
    let r =
        i.s.call(
            "/api/maintenance/start",
            &format!("order_id={}", w.id("order")),
            Some(&isv),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    i.s.t.clock.advance_ms(24 * 3600 * 1000);
    let expired = i.s.call("/api/apps/get", &get, Some(&isv), &[]).await;
    assert_eq!(expired.json()["code"], "maintenance_ended");
    let me = i.s.call("/api/me", "", Some(&isv), &[]).await.json();
    assert_eq!(me["maintenance_ended"], "access_expired");
    let refused =
        i.s.call(
            "/api/maintenance/start",
            &format!("order_id={}", w.id("order")),
            Some(&isv),
            &[],
        )
        .await;
    assert_eq!(refused.json()["code"], "access_closed");
}

/// The next request of the ISV user in maintenance, and why it was refused.
async fn next_in_maintenance(
    i: &common::world::Instance<'_>,
    installed: &str,
) -> (StatusCode, String) {
    let r = i
        .call(
            IsvInMaintenance,
            "/api/apps/get",
            &format!("app_id={installed}"),
        )
        .await;
    (
        r.status,
        r.json()["code"].as_str().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn maintenance_ends_when_the_isv_side_loses_its_right() {
    let w = world().await;
    let acme = w.id("acme");
    let user = w.id("isv_admin");
    // Each way of losing the right, on its own copy of the world.
    for (how, sql, reason) in [
        (
            "removed from the ISV",
            format!("DELETE FROM memberships WHERE org_id = '{acme}' AND user_id = '{user}'"),
            "rights_lost",
        ),
        (
            "no longer admin (and not an app admin of the source app)",
            format!("UPDATE memberships SET role = 'member' WHERE org_id = '{acme}' AND user_id = '{user}'"),
            "rights_lost",
        ),
        (
            "certification withdrawn",
            format!("UPDATE organizations SET cert_level = 'basic' WHERE id = '{acme}'"),
            "cert_revoked",
        ),
    ] {
        let i = w.instance().await;
        assert_eq!(
            next_in_maintenance(&i, w.id("installed")).await.0,
            StatusCode::OK,
            "{how}: maintaining before"
        );
        sqlx::query(&sql).execute(&i.s.t.db.pool).await.unwrap();
        assert_eq!(
            next_in_maintenance(&i, w.id("installed")).await,
            (StatusCode::FORBIDDEN, "maintenance_ended".to_string()),
            "{how}"
        );
        let (ended, why): (Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT ended_at, end_reason FROM maintenance_sessions WHERE app_id = $1",
        )
        .bind(w.id("installed"))
        .fetch_one(&i.s.t.db.pool)
        .await
        .unwrap();
        assert!(ended.is_some(), "{how}");
        assert_eq!(why.as_deref(), Some(reason), "{how}");
        // The user is told why, once, and is back outside the customer.
        let me = i.call(IsvInMaintenance, "/api/me", "").await.json();
        assert_eq!(me["maintenance_ended"], reason, "{how}");
        assert!(me["maintenance"].is_null(), "{how}");
    }
}

#[tokio::test]
async fn maintenance_cannot_start_without_certification() {
    let w = world().await;
    let i = w.instance().await;
    let r = i
        .call(
            Operator,
            "/api/set_certification",
            &format!("org_id={}&level=basic", w.id("acme")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let start = i
        .call(
            IsvAdmin,
            "/api/maintenance/start",
            &format!("order_id={}", w.id("order")),
        )
        .await;
    assert_eq!(start.status, StatusCode::FORBIDDEN);
    assert_eq!(start.json()["code"], "isv_only");
}
