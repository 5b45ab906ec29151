//! Rows: distribution, the Order Center, remote maintenance and the audit log.

use super::{post, Row};
use crate::callers::{ACME_USERS, APP_EDITORS, ORG_ADMINS, SIGNED_IN};
use crate::common::world::{Caller::*, ALL};

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Distribution
        post("/api/distribution/dialog", "app_id={app}", APP_EDITORS),
        post(
            "/api/distribution/create_link",
            "app_id={app}&expires_days=30&max_purchases=&bound_org=&note=",
            APP_EDITORS,
        ),
        post(
            "/api/distribution/create_link",
            "app_id={installed}&expires_days=30&max_purchases=&bound_org=&note=",
            &[],
        ),
        post(
            "/api/distribution/create_link",
            "app_id={app}&expires_days=30&max_purchases=&bound_org=&note=&version_id={version}",
            APP_EDITORS,
        ),
        post(
            "/api/distribution/revoke_link",
            "link_id={link}",
            APP_EDITORS,
        ),
        // Versions
        post("/api/versions/view", "app_id={app}", APP_EDITORS).seeing("1.0.0", APP_EDITORS),
        post(
            "/api/versions/publish",
            "app_id={app}&version=9.0.0&notes=fix",
            APP_EDITORS,
        ),
        post(
            "/api/versions/publish",
            "app_id={installed}&version=9.0.0&notes=fix",
            &[],
        ),
        // Upgrades: the ISV offers, the customer's admins decide (never a
        // provider in maintenance; none while one maintains the copy).
        post(
            "/api/upgrades/offer",
            "app_id={app}&version_id={version2}&scope=all&orders=",
            APP_EDITORS,
        ),
        post("/api/upgrades/card", "app_id={installed}", &[CustomerAdmin])
            .seeing("1.1.0", &[CustomerAdmin]),
        post(
            "/api/upgrades/preview",
            "app_id={installed}&upgrade_id={upgrade}",
            &[CustomerAdmin],
        ),
        post(
            "/api/upgrades/run",
            "app_id={other_installed}&upgrade_id={other_upgrade}&step=apply&basis={other_basis}",
            &[OtherOrgAdmin],
        ),
        post(
            "/api/upgrades/run",
            "app_id={installed}&upgrade_id={upgrade}&step=apply&basis={basis}",
            &[],
        ),
        post(
            "/api/upgrades/decline",
            "app_id={installed}&upgrade_id={upgrade}",
            &[CustomerAdmin],
        ),
        post("/api/distribution/link", "token={token}", &ALL),
        post(
            "/api/distribution/buy",
            "token={token2}&org_id={north}&idempotency_key=m1",
            &[CustomerAdmin],
        ),
        post(
            "/api/distribution/ask_admin",
            "token={token2}&org_id={north}",
            &[CustomerAdmin, CustomerMember],
        ),
        post("/api/distribution/requests", "", ORG_ADMINS).seeing("{request}", &[CustomerAdmin]),
        post(
            "/api/distribution/buy_request",
            "request_id={request}&idempotency_key=m2",
            &[CustomerAdmin],
        ),
        post(
            "/api/distribution/dismiss_request",
            "request_id={request}",
            &[CustomerAdmin],
        ),
        // Order Center
        post(
            "/api/orders/list",
            "q=&access=",
            &[IsvAdmin, IsvAppAdmin, IsvMember, OtherIsv],
        )
        .seeing("{order_no}", ACME_USERS),
        post("/api/orders/get", "order_id={order}", ACME_USERS),
        // Remote maintenance
        post("/api/maintenance/start", "order_id={order}", APP_EDITORS),
        post("/api/maintenance/exit", "", SIGNED_IN),
        post(
            "/api/maintenance/close",
            "app_id={installed}",
            &[CustomerAdmin],
        ),
        post(
            "/api/maintenance/request",
            "app_id={installed}&note=please&days=3",
            &[CustomerAdmin],
        ),
        post(
            "/api/maintenance/access",
            "app_id={installed}",
            &[CustomerAdmin, CustomerMember, IsvInMaintenance],
        )
        .seeing("open_until", &[CustomerAdmin]),
        // Audit: both customers have had a provider in (Acme at Northwind,
        // Plain Studio at Southgate); the ISVs' own logs do not show it.
        post("/api/audit/list", "providers_only=false", ORG_ADMINS)
            .seeing("maintenance.start", &[CustomerAdmin, OtherOrgAdmin]),
    ]
}
