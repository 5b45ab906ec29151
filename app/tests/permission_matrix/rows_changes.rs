//! Rows: change sets. The customer's admins review and revert what a
//! maintenance session changed in their copy (never a provider in
//! maintenance, and no revert while one maintains the copy); the ISV's
//! maintainers see their sessions on an order and take a fix home.

use super::{page, post, Row};
use crate::callers::APP_EDITORS;
use crate::common::world::Caller::*;

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Northwind's copy: Acme's session is still in it.
        post("/api/changes/list", "app_id={installed}", &[CustomerAdmin])
            .seeing("{change_set}", &[CustomerAdmin]),
        post(
            "/api/changes/view",
            "app_id={installed}&set_id={change_set}",
            &[CustomerAdmin],
        )
        .seeing("Fixed in maintenance", &[CustomerAdmin]),
        post(
            "/api/changes/reviewed",
            "app_id={installed}&set_id={change_set}",
            &[CustomerAdmin],
        ),
        // Refused to all while a provider maintains the copy.
        post(
            "/api/changes/revert",
            "app_id={installed}&set_id={change_set}&only=&restore=&with_dependents=no",
            &[],
        ),
        // Southgate's copy of Plain's app: its session is over.
        post(
            "/api/changes/list",
            "app_id={plain_installed}",
            &[OtherOrgAdmin],
        )
        .seeing("{plain_change_set}", &[OtherOrgAdmin]),
        post(
            "/api/changes/revert",
            "app_id={plain_installed}&set_id={plain_change_set}&only=&restore=&with_dependents=no",
            &[OtherOrgAdmin],
        )
        .seeing("\"reverted\":1", &[OtherOrgAdmin]),
        // The ISV side: who may maintain the order's copy.
        post("/api/changes/order", "order_id={order}", APP_EDITORS)
            .seeing("{change_set}", APP_EDITORS),
        post("/api/changes/order", "order_id={plain_order}", &[OtherIsv])
            .seeing("{plain_change_set}", &[OtherIsv]),
        post(
            "/api/changes/take_home",
            "order_id={order}&set_id={change_set}",
            APP_EDITORS,
        )
        .seeing("1", APP_EDITORS),
        post(
            "/api/changes/take_home",
            "order_id={plain_order}&set_id={plain_change_set}",
            &[OtherIsv],
        ),
        // Pages: the copy's change sets in its editor, one set, an order's.
        page(
            "/apps/{installed}",
            Some(("{change_set}", &[CustomerAdmin])),
        ),
        page(
            "/apps/{installed}/changes/{change_set}",
            Some(("Fixed in maintenance", &[CustomerAdmin])),
        ),
        page(
            "/apps/{plain_installed}/changes/{plain_change_set}",
            Some(("Visit checked", &[OtherOrgAdmin])),
        ),
        page("/orders/{order}", Some(("{change_set}", APP_EDITORS))),
    ]
}
