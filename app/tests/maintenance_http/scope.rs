//! What the ISV user sees and changes while maintaining: both identities in
//! the audit, only the maintained app, not the copy's ownership, no credential
//! following a new host, the customer's people by name only.

use crate::common::world::{world, Caller::*};
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
         JOIN organizations o ON o.id = e.actor_org_id JOIN organizations c ON c.id = e.org_id \
         WHERE e.action = 'form.rename' AND e.after_json LIKE '%改过%'",
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
    // Stored as a code (shown in the reader's language), naming the order.
    assert_eq!(acting_as, format!("maintainer:{}", w.id("order_no")));
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

#[tokio::test]
async fn maintenance_cannot_delete_the_copy_or_change_its_admins() {
    let w = world().await;
    let i = w.instance().await;
    let installed = w.id("installed");
    let member = w.id("member_north");
    // The customer makes one of its people an app admin first.
    let add = i
        .call(
            CustomerAdmin,
            "/api/apps/add_admin",
            &format!("app_id={installed}&user_id={member}"),
        )
        .await;
    assert_eq!(add.status, StatusCode::OK, "{}", add.body);
    let before = i.fingerprint().await;
    for (path, form) in [
        ("/api/apps/delete", format!("app_id={installed}")),
        (
            "/api/apps/add_admin",
            format!("app_id={installed}&user_id={}", w.id("isv_admin")),
        ),
        (
            "/api/apps/remove_admin",
            format!("app_id={installed}&user_id={member}"),
        ),
        ("/api/maintenance/close", format!("app_id={installed}")),
        (
            "/api/maintenance/request",
            format!("app_id={installed}&note=x&days=3"),
        ),
    ] {
        let r = i.call(IsvInMaintenance, path, &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert_eq!(r.json()["code"], "not_during_maintenance", "{path}");
    }
    assert_eq!(i.fingerprint().await, before);
}

#[tokio::test]
async fn a_new_endpoint_host_drops_the_customers_credential() {
    let w = world().await;
    let i = w.instance().await;
    let (app, service) = (w.id("installed"), w.id("installed_service"));
    let set = i
        .call(
            CustomerAdmin,
            "/api/apps/set_credential",
            &format!("app_id={app}&service_id={service}&credential=customer-secret"),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let state = || async {
        let r: (Option<String>, i64, String) =
            sqlx::query_as("SELECT credential, needs_config, endpoint FROM services WHERE id = $1")
                .bind(service)
                .fetch_one(&i.s.t.db.pool)
                .await
                .unwrap();
        r
    };
    let (cred, needs, endpoint) = state().await;
    assert!(cred.is_some() && needs == 0);
    // Another path on the same host keeps it.
    let same_host = format!("{}/v2/hook", endpoint.trim_end_matches('/'));
    let r = i
        .call(
            IsvInMaintenance,
            "/api/apps/update_service",
            &format!(
                "app_id={app}&service_id={service}&name=ERP&endpoint={}",
                app::ui::urlencode(&same_host)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(state().await.0.is_some(), "same host keeps the credential");
    // Another host: the secret never follows it.
    let r = i
        .call(
            IsvInMaintenance,
            "/api/apps/update_service",
            &format!("app_id={app}&service_id={service}&name=ERP&endpoint=https%3A%2F%2Fcollector.isv.example%2Fin"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (cred, needs, _) = state().await;
    assert_eq!((cred, needs), (None, 1));
}

#[tokio::test]
async fn in_maintenance_the_customers_people_are_shown_by_name_only() {
    let w = world().await;
    let i = w.instance().await;
    let form = format!("app_id={}", w.id("installed"));
    let isv = i.call(IsvInMaintenance, "/api/apps/get", &form).await;
    assert_eq!(isv.status, StatusCode::OK, "{}", isv.body);
    assert!(isv.body.contains("Ned North"), "{}", isv.body);
    assert!(!isv.body.contains("@north.example"), "{}", isv.body);
    let customer = i.call(CustomerAdmin, "/api/apps/get", &form).await;
    assert!(customer.body.contains("member@north.example"));
}
