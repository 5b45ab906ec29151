//! Remote maintenance through the whole router: both identities in the audit,
//! closing access ending the session, expiry on a controllable clock, and only
//! the maintained app existing during maintenance. (Who may call what is in
//! `permission_matrix.rs`.)
#![cfg(feature = "ssr")]

mod common;

use app::maintenance::domain::SESSION_MS;
use common::world::{world, Caller::*};
use http::StatusCode;

#[tokio::test]
async fn changes_in_maintenance_record_both_identities() {
    let w = world().await;
    let i = w.instance().await;
    let r = i
        .call(
            IsvInMaintenance,
            "/api/apps/rename_form",
            &format!(
                "app_id={}&form_id={}&name=改过",
                w.id("installed"),
                w.id("installed_form")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (actor, acting_as, actor_org, org): (String, String, String, String) = sqlx::query_as(
        "SELECT u.email, e.acting_as, o.name, c.name FROM audit_entries e JOIN users u ON u.id = e.actor_user_id \
         JOIN organizations o ON o.id = e.actor_org_id JOIN organizations c ON c.id = e.org_id WHERE e.action = 'form.rename'",
    )
    .fetch_one(&i.s.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (actor.as_str(), actor_org.as_str(), org.as_str()),
        (
            "isv-admin@acme.example",
            "Acme Software",
            "Northwind Trading"
        )
    );
    assert!(
        acting_as.contains("via remote maintenance of order")
            && acting_as.contains(w.id("order_no")),
        "{acting_as}"
    );
    // The customer's admins read it in their audit log, with the diff.
    let log = i
        .call(CustomerAdmin, "/api/audit/list", "providers_only=true")
        .await;
    assert!(
        log.body.contains("改过") && log.body.contains("Acme Software"),
        "{}",
        log.body
    );
}

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
    let (reason,): (String,) = sqlx::query_as("SELECT end_reason FROM maintenance_sessions")
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

#[tokio::test]
async fn in_maintenance_only_that_app_exists() {
    let w = world().await;
    let i = w.instance().await;
    // Northwind's own other apps are invisible; so are members and orders.
    let (plain_app,): (String,) = sqlx::query_as(
        "INSERT INTO apps (id, org_id, name, icon, description, origin, version, created_at, updated_at, updated_by) \
         SELECT 'n0t1nstalled00000000000000000000', id, 'North own', 'chart', '', 'own', 1, 0, 0, 'x' FROM organizations WHERE name = 'Northwind Trading' \
         RETURNING id",
    )
    .fetch_one(&i.s.t.db.pool)
    .await
    .unwrap();
    let other = i
        .call(
            IsvInMaintenance,
            "/api/apps/get",
            &format!("app_id={plain_app}"),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let list = i.call(IsvInMaintenance, "/api/apps/list", "").await;
    assert!(
        list.body.contains(w.id("installed")) && !list.body.contains(&plain_app),
        "{}",
        list.body
    );
    assert_eq!(
        i.call(IsvInMaintenance, "/api/list_members", "")
            .await
            .json()["code"],
        "not_during_maintenance"
    );
    assert_eq!(
        i.call(IsvInMaintenance, "/api/orders/list", "q=&access=")
            .await
            .json()["code"],
        "not_during_maintenance"
    );
    // Exit: back home.
    assert_eq!(
        i.call(IsvInMaintenance, "/api/maintenance/exit", "")
            .await
            .status,
        StatusCode::OK
    );
    let me = i.call(IsvInMaintenance, "/api/me", "").await.json();
    assert_eq!(me["current"]["name"], "Acme Software");
}
