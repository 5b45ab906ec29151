//! Rows: pages and plain routes (GET).

use super::{page, Row};
use crate::callers::{ACME_USERS, APP_EDITORS};
use crate::common::world::{Caller::*, ALL};

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Pages and plain routes (GET)
        page("/healthz", Some(("ok", &ALL))),
        page("/ping", Some(("\"ok\":true", &ALL))),
        page("/", Some(("/apps/{app}", ACME_USERS))),
        page("/sign-in", None),
        page("/sign-up", None),
        page("/orgs/new", None),
        page("/account", None),
        page(
            "/members",
            Some(("member@north.example", &[CustomerAdmin, CustomerMember])),
        ),
        // The operator's list names every organization; Plain Studio's own
        // admin sees its id in the organization switcher.
        page("/operator", Some(("{south}", &[Operator, OtherOrgAdmin]))),
        page("/apps/{app}", Some(("{step}", ACME_USERS))),
        page("/apps/{app}/distribute", Some(("{link}", APP_EDITORS))),
        // An upgrade's preview (its basis) only for the copy's own admin.
        page(
            "/apps/{installed}/upgrades/{upgrade}",
            Some(("{basis}", &[CustomerAdmin])),
        ),
        page("/l/{token}", Some(("客户拜访管理", &ALL))),
        page(
            "/invitations/{invitation_token}",
            Some(("pending@north.example", &ALL)),
        ),
        page("/verify-email", None),
        // The maintenance banner names the order being maintained, so the
        // list is checked with another order's number.
        page("/orders", Some(("{other_order_no}", ACME_USERS))),
        page(
            "/orders/{order}",
            Some((
                "{order_no}",
                &[IsvAdmin, IsvAppAdmin, IsvMember, IsvInMaintenance],
            )),
        ),
        page("/orders.csv", Some(("{other_order_no}", ACME_USERS))),
        // The member submitted it and the app's admins see everything; a
        // provider in maintenance exports nothing.
        page(
            "/use/{app}/records.csv?form={form}",
            Some(("{record}", ACME_USERS)),
        ),
        page(
            "/audit",
            Some(("maintenance.start", &[CustomerAdmin, OtherOrgAdmin])),
        ),
    ]
}
