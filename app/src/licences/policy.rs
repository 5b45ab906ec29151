//! Who may see and change a licence. Pure rules: the queries gather the
//! facts, these decide. The ISV that sold the order sets its terms; the
//! customer never changes its own licence (it renews by buying a renewal
//! link: `distribution::policy::may_buy`).

use crate::accounts::Role;
use crate::error::{AppError, AppResult, ErrorCode};

/// How the caller's current organization stands to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The ISV that sold it.
    Seller,
    /// The organization that bought it. An ISV user maintaining the copy
    /// acts in the customer's organization, so is on this side there.
    Customer,
    Other,
}

impl Side {
    pub fn of(caller_org: &str, seller_org: &str, customer_org: &str) -> Side {
        if caller_org == seller_org {
            Side::Seller
        } else if caller_org == customer_org {
            Side::Customer
        } else {
            Side::Other
        }
    }
}

/// The caller, as a licence change sees them.
#[derive(Clone, Copy, Debug)]
pub struct Standing {
    pub side: Side,
    /// The caller's role in its current organization.
    pub role: Role,
    /// Whether the caller is an app admin of the ISV's source app.
    pub source_app_admin: bool,
}

/// Both sides see the licence; to anyone else the order does not exist.
pub fn may_see(side: Side) -> AppResult<()> {
    match side {
        Side::Seller | Side::Customer => Ok(()),
        Side::Other => Err(AppError::new(ErrorCode::NotFound)),
    }
}

/// Extending, changing seats, suspending and resuming: the selling ISV's
/// admins and the source app's app admins, as for maintenance.
pub fn may_change(s: &Standing) -> AppResult<()> {
    may_see(s.side)?;
    match s.side {
        Side::Seller if s.role == Role::Admin || s.source_app_admin => Ok(()),
        _ => Err(AppError::new(ErrorCode::LicenceIsvOnly)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: AppResult<()>) -> Option<ErrorCode> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn sides_follow_the_caller_s_current_organization() {
        assert_eq!(Side::of("i", "i", "c"), Side::Seller);
        assert_eq!(Side::of("c", "i", "c"), Side::Customer);
        assert_eq!(Side::of("x", "i", "c"), Side::Other);
        assert!(may_see(Side::Customer).is_ok());
        assert_eq!(code(may_see(Side::Other)), Some(ErrorCode::NotFound));
    }

    #[test]
    fn only_the_seller_s_admins_and_source_app_admins_change_a_licence() {
        let s = |side, role, source_app_admin| Standing {
            side,
            role,
            source_app_admin,
        };
        assert!(may_change(&s(Side::Seller, Role::Admin, false)).is_ok());
        assert!(may_change(&s(Side::Seller, Role::Member, true)).is_ok());
        assert_eq!(
            code(may_change(&s(Side::Seller, Role::Member, false))),
            Some(ErrorCode::LicenceIsvOnly)
        );
        // The customer never, not even its admins and app admins.
        for (role, app_admin) in [
            (Role::Admin, false),
            (Role::Admin, true),
            (Role::Member, true),
        ] {
            assert_eq!(
                code(may_change(&s(Side::Customer, role, app_admin))),
                Some(ErrorCode::LicenceIsvOnly)
            );
        }
        assert_eq!(
            code(may_change(&s(Side::Other, Role::Admin, true))),
            Some(ErrorCode::NotFound)
        );
    }
}
