//! The customer's records during remote maintenance: the provider sees the
//! app's definition, and its records only while the customer allows it for
//! the access period; every record it reads is in the customer's audit log
//! (a list page: one entry per record shown).

use crate::common::world::{world, Caller::*};
use http::StatusCode;

#[tokio::test]
async fn the_provider_reads_records_only_while_allowed_and_every_read_is_audited() {
    let w = world().await;
    let i = w.instance().await;
    let app = w.id("installed");
    // Northwind's member logs a visit in its copy (a plain form).
    let form =
        i.s.t
            .one(
                "SELECT id FROM forms WHERE app_id = $1 AND kind = 'plain'",
                app,
            )
            .await;
    let field =
        i.s.t
            .one(
                "SELECT id FROM fields WHERE form_id = $1 ORDER BY position LIMIT 1",
                &form,
            )
            .await;
    let mut records = Vec::new();
    for v in ["Northwind-secret", "Northwind-two", "Northwind-three"] {
        let r = i
            .call(
                CustomerMember,
                "/api/runtime/submit",
                &format!("app_id={app}&form_id={form}&values[f{field}]={v}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        records.push(r.json().as_str().unwrap().to_string());
    }
    let record = records[0].clone();
    let list = format!("app_id={app}&form_id={form}&q=&status=");
    let one = format!("record_id={record}");
    // The targets of the provider's `record.read` entries, sorted.
    let reads = |i: &'_ crate::common::world::Instance<'_>| {
        let pool = i.s.t.db.pool.clone();
        async move {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT target FROM audit_entries WHERE action = 'record.read' AND actor_org_id IS NOT NULL \
                 ORDER BY target",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            rows.into_iter().map(|(t,)| t).collect::<Vec<String>>()
        }
    };

    // Off by default: the definition, not the data.
    assert_eq!(
        i.call(IsvInMaintenance, "/api/apps/get", &format!("app_id={app}"))
            .await
            .status,
        StatusCode::OK
    );
    for (path, form) in [
        ("/api/runtime/records", &list),
        ("/api/runtime/record", &one),
    ] {
        let r = i.call(IsvInMaintenance, path, form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert_eq!(r.json()["code"], "no_data_access");
        assert!(!r.body.contains("Northwind-secret"));
    }
    // Nor does it submit, ask for messages or (yet) see the calls.
    for (path, form) in [
        (
            "/api/runtime/submit",
            format!("app_id={app}&form_id={form}&values[f{field}]=x"),
        ),
        ("/api/runtime/messages", String::new()),
        ("/api/runtime/deliveries", format!("app_id={app}")),
    ] {
        assert!(
            i.call(IsvInMaintenance, path, &form)
                .await
                .status
                .is_client_error(),
            "{path}"
        );
    }
    assert!(reads(&i).await.is_empty());

    // The customer's admin allows it: the provider reads, and each read is logged.
    let allow = |v: &'static str| format!("app_id={app}&allow={v}");
    let r = i
        .call(CustomerAdmin, "/api/maintenance/data_access", &allow("yes"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Only the customer's admins may.
    for c in [CustomerMember, IsvInMaintenance, OtherOrgAdmin] {
        assert!(
            i.call(c, "/api/maintenance/data_access", &allow("no"))
                .await
                .status
                .is_client_error(),
            "{c:?}"
        );
    }
    // Now the delivery log too (this app calls no service: an empty log, no entry).
    let r = i
        .call(
            IsvInMaintenance,
            "/api/runtime/deliveries",
            &format!("app_id={app}"),
        )
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "[]"));
    let r = i
        .call(IsvInMaintenance, "/api/runtime/records", &list)
        .await;
    assert!(
        r.status == StatusCode::OK && records.iter().all(|id| r.body.contains(id)),
        "{}",
        r.body
    );
    // The list page: one entry per record shown, naming the record.
    let mut listed = records.clone();
    listed.sort();
    assert_eq!(reads(&i).await, listed);
    let r = i.call(IsvInMaintenance, "/api/runtime/record", &one).await;
    assert!(
        r.status == StatusCode::OK && r.body.contains("Northwind-secret"),
        "{}",
        r.body
    );
    // The single record: one more entry for it.
    listed.push(record.clone());
    listed.sort();
    assert_eq!(reads(&i).await, listed);
    // A page showing no record reads none.
    let none = format!("app_id={app}&form_id={form}&q=&status=rejected");
    let r = i
        .call(IsvInMaintenance, "/api/runtime/records", &none)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(reads(&i).await, listed);
    let log = i
        .call(CustomerAdmin, "/api/audit/list", "providers_only=true")
        .await;
    assert!(
        log.body.contains("record.read") || log.body.contains("read records"),
        "{}",
        log.body
    );

    // A new access period starts without it.
    let r = i
        .call(
            CustomerAdmin,
            "/api/maintenance/request",
            &format!("app_id={app}&note=again&days=3"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = i
        .call(
            CustomerAdmin,
            "/api/maintenance/access",
            &format!("app_id={app}"),
        )
        .await;
    assert_eq!(r.json()["data_access"], false);
    let r = i
        .call(IsvInMaintenance, "/api/runtime/records", &list)
        .await;
    assert_eq!(r.json()["code"], "no_data_access");
    // Closed access: nothing to allow.
    i.call(
        CustomerAdmin,
        "/api/maintenance/close",
        &format!("app_id={app}"),
    )
    .await;
    let r = i
        .call(CustomerAdmin, "/api/maintenance/data_access", &allow("yes"))
        .await;
    assert_eq!(r.json()["code"], "access_closed");
}
