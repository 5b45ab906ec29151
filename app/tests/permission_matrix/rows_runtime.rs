//! Rows: using an app (records, approvals, messages). A maintaining ISV
//! user sees the definition, never the customer's records.

use super::{page, post, Row};
use crate::callers::{ACME_USERS, APP_EDITORS, IN_AN_ORG};
use crate::common::world::Caller::*;

/// A complete visit request: its required customer, date and purpose.
const VISIT: &str = "app_id={app}&form_id={form}&values[f{field}]=Visit&values[f{field_date}]=2027-02-01&values[f{field_purpose}]=%E5%95%86%E5%8A%A1%E6%B4%BD%E8%B0%88";

pub(super) fn rows() -> Vec<Row> {
    vec![
        post("/api/runtime/submit", VISIT, ACME_USERS),
        // The member submitted it and the app's admins see everything.
        post(
            "/api/runtime/records",
            "app_id={app}&form_id={form}&q=&status=",
            ACME_USERS,
        )
        .seeing("{record}", ACME_USERS),
        post("/api/runtime/record", "record_id={record}", ACME_USERS),
        // Its first step waits for Acme's admin alone.
        post(
            "/api/runtime/decide",
            "record_id={record}&decision=approve&comment=ok",
            &[IsvAdmin],
        ),
        post("/api/runtime/todo", "", IN_AN_ORG).seeing("{record}", &[IsvAdmin]),
        post("/api/runtime/messages", "", IN_AN_ORG).seeing("{message}", &[IsvAdmin]),
        post("/api/runtime/read", "message_id={message}", &[IsvAdmin]),
        // Who may use the app: its editors decide.
        post(
            "/api/apps/set_use_by",
            "app_id={app}&use_by=chosen",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_user",
            "app_id={app}&user_id={newdev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_user",
            "app_id={app}&user_id={isv_dev}",
            APP_EDITORS,
        ),
        // Calls to third-party services: the app's admins set them up and
        // see their log (the calls carry records).
        post(
            "/api/apps/add_service_call",
            "app_id={app}&service_id={service}&form_id={form}&trigger=rejected",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_service_call",
            "app_id={app}&service_id={service}&form_id={form}&trigger=submitted",
            APP_EDITORS,
        ),
        post("/api/runtime/deliveries", "app_id={app}", APP_EDITORS)
            .seeing("{delivery}", APP_EDITORS),
        post(
            "/api/runtime/retry",
            "app_id={app}&delivery_id={delivery}",
            APP_EDITORS,
        ),
        // The customer's copy: its people read its records; the provider in
        // maintenance does not, until allowed (`maintenance_http/data.rs`).
        post(
            "/api/runtime/records",
            "app_id={installed}&form_id={installed_process_form}&q=&status=",
            &[CustomerAdmin, CustomerMember],
        ),
        // The customer's admin lets the provider see the copy's records.
        post(
            "/api/maintenance/data_access",
            "app_id={installed}&allow=yes",
            &[CustomerAdmin],
        ),
        page("/apps/{app}/deliveries", Some(("{delivery}", APP_EDITORS))),
        page("/use/{app}", Some(("{form}", ACME_USERS))),
        page("/records/{record}", Some(("世界客户", ACME_USERS))),
        page("/todo", Some(("{record}", &[IsvAdmin]))),
        page("/messages", Some(("{message}", &[IsvAdmin]))),
    ]
}
