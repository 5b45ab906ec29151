//! Order Center server functions, at `/api/orders/...`.

use super::domain::*;
use crate::values::OrderId;

crate::api!(
    /// A page of the organization's orders: newest first, searched and filtered.
    list_orders at "orders/list" for member
    (q: String, access: String, after: Option<String>, upgrade: Option<String>, licence: Option<String>) -> OrderPage, |c| {
        let after = after.filter(|a| !a.is_empty());
        let filters = Filters {
            access: AccessFilter::parse(&access),
            upgrade: UpgradeFilter::parse(upgrade.as_deref().unwrap_or("")),
            licence: LicenceFilter::parse(licence.as_deref().unwrap_or("")),
        };
        super::queries::list(&c.s.db, &c.ctx, &q, filters, after.as_deref(), PAGE_SIZE, c.now).await
    }
);

crate::api!(
    /// One order with its timeline.
    get_order at "orders/get" for member (order_id: OrderId) -> OrderDetail, |c|
        super::queries::detail(&c.s.db, &c.ctx, &order_id, c.now).await
);
