//! Rows: licences. An installed copy's licence is its organization's people's
//! to see (an own app has none: `null`); an order's licence is seen by the
//! ISV that sold it (the customer reads it on its app); only the selling
//! ISV's admins and the source app's app admins change it. A provider in
//! remote maintenance is refused all three (`not_during_maintenance`).

use super::{post, Row};
use crate::callers::{ACME_USERS, APP_EDITORS};
use crate::common::world::{Caller, Caller::*};

/// Northwind's people, who bought Acme's app (`order`, copy `installed`).
const NORTH_USERS: &[Caller] = &[CustomerAdmin, CustomerMember];

pub(super) fn rows() -> Vec<Row> {
    vec![
        // The customer's side: an installed copy's licence (bought forever).
        post("/api/licences/app", "app_id={installed}", NORTH_USERS)
            .seeing("\"state\":\"active\"", NORTH_USERS),
        post(
            "/api/licences/app",
            "app_id={plain_installed}",
            &[OtherOrgAdmin],
        )
        .seeing("\"state\":\"active\"", &[OtherOrgAdmin]),
        // An organization's own app has no licence.
        post("/api/licences/app", "app_id={app}", ACME_USERS).seeing("null", ACME_USERS),
        // An order's licence: the ISV that sold it.
        post("/api/licences/order", "order_id={order}", ACME_USERS)
            .seeing("\"state\":\"active\"", ACME_USERS),
        post("/api/licences/order", "order_id={plain_order}", &[OtherIsv])
            .seeing("{plain_order_no}", &[OtherIsv]),
        // Changes: the selling ISV's admins and the source app's app admins
        // (its members and the customer `licence_isv_only`).
        post(
            "/api/licences/change",
            "order_id={order}&action=seats&months=&seats=50&reason=",
            APP_EDITORS,
        ),
        post(
            "/api/licences/change",
            "order_id={order}&action=extend&months=12&seats=&reason=",
            APP_EDITORS,
        ),
        post(
            "/api/licences/change",
            "order_id={plain_order}&action=suspend&months=&seats=&reason=unpaid",
            &[OtherIsv],
        ),
        // Renewal links: who may change the licence may sell its renewal.
        post(
            "/api/licences/renewal_link",
            "order_id={order}&months=12",
            APP_EDITORS,
        )
        .seeing("/l/", APP_EDITORS),
        post(
            "/api/licences/renewal_link",
            "order_id={plain_order}&months=",
            &[OtherIsv],
        ),
    ]
}
