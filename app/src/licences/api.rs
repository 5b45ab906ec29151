//! Licence server functions, at `/api/licences/...`.

use super::domain::*;
#[cfg(feature = "ssr")]
use super::queries::{self, Change};
#[cfg(feature = "ssr")]
use crate::error::{AppError, ErrorCode};
use crate::values::{AppId, OrderId};

crate::api!(
    /// An installed copy's licence (its organization's people; `None` for
    /// the organization's own apps).
    get_app_licence at "licences/app" for member (app_id: AppId) -> Option<LicenceView>, |c|
        queries::for_app(&c.s.db, &c.ctx, &app_id, c.now).await
);

crate::api!(
    /// One order's licence (the ISV that sold it).
    get_order_licence at "licences/order" for member (order_id: OrderId) -> LicenceView, |c|
        queries::for_order(&c.s.db, &c.ctx, &order_id, c.now).await
);

crate::api!(
    /// The selling ISV makes a renewal link for an order: bound to its
    /// customer, one purchase, 30 days; buying it extends the licence by
    /// `months` (empty: no end) from max(now, its end).
    create_renewal_link at "licences/renewal_link" for member
    (order_id: OrderId, months: String) -> crate::distribution::domain::NewLink, |c| {
        let term = parse_term(&months)?.unwrap_or(Term::NoEnd);
        queries::renewal_link(&c.s.db, &c.ctx, &order_id, term, c.now).await
    }
);

crate::api!(
    /// The selling ISV changes an order's licence: `action` `extend`
    /// (`months`, empty: no end), `seats` (`seats`, empty: unlimited),
    /// `suspend` (`reason`) or `resume`. Audited on both sides.
    change_licence at "licences/change" for member
    (order_id: OrderId, action: String, months: String, seats: String, reason: String) -> (), |c| {
        let change = match action.as_str() {
            "extend" => Change::Extend(parse_term(&months)?.and_then(Term::months)),
            "seats" => Change::Seats(parse_seats(&seats)?),
            "suspend" => Change::Suspend(parse_reason(&reason)?),
            "resume" => Change::Resume,
            _ => return Err(AppError::new(ErrorCode::InvalidInput)),
        };
        queries::change(&c.s.db, &c.ctx, &order_id, &change, c.now).await
    }
);
