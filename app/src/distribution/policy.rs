//! Who may distribute and who may buy. Pure rules: the queries gather the
//! facts, these decide.

use crate::accounts::{CertLevel, Role};
use crate::error::{AppError, AppResult, ErrorCode};

/// Only a certified ISV (intermediate or above), as an admin or the app's app
/// admin, may distribute an app, and only one of its own: a bought copy is
/// the ISV's work and cannot be resold.
pub fn may_distribute(cert: CertLevel, can_edit: bool, own_app: bool) -> AppResult<()> {
    if !cert.may_distribute() || !can_edit {
        return Err(AppError::new(ErrorCode::IsvOnly));
    }
    if !own_app {
        return Err(AppError::new(ErrorCode::NotOwnApp));
    }
    Ok(())
}

/// The facts of one purchase attempt, for [`may_buy`].
pub struct Purchase<'a> {
    /// The buyer's role in the buying organization.
    pub role: Role,
    pub buying_org: &'a str,
    /// The one organization a bound link sells to.
    pub bound_org: Option<&'a str>,
    pub isv_org: &'a str,
}

/// Admins buy, into the organization a bound link names, never from
/// themselves.
pub fn may_buy(p: &Purchase<'_>) -> AppResult<()> {
    if p.role != Role::Admin {
        return Err(AppError::new(ErrorCode::BuyAdminOnly));
    }
    if p.bound_org.is_some_and(|b| b != p.buying_org) {
        return Err(AppError::new(ErrorCode::LinkInvalid));
    }
    if p.buying_org == p.isv_org {
        return Err(AppError::new(ErrorCode::OwnApp));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T>(r: AppResult<T>) -> Option<ErrorCode> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn distributors_are_certified_editors_of_their_own_apps() {
        assert!(may_distribute(CertLevel::Intermediate, true, true).is_ok());
        assert_eq!(
            code(may_distribute(CertLevel::Basic, true, true)),
            Some(ErrorCode::IsvOnly)
        );
        assert_eq!(
            code(may_distribute(CertLevel::Advanced, false, true)),
            Some(ErrorCode::IsvOnly)
        );
        assert_eq!(
            code(may_distribute(CertLevel::Advanced, true, false)),
            Some(ErrorCode::NotOwnApp)
        );
    }

    #[test]
    fn buyers_are_admins_of_an_allowed_other_organization() {
        let ok = Purchase {
            role: Role::Admin,
            buying_org: "b",
            bound_org: None,
            isv_org: "i",
        };
        assert!(may_buy(&ok).is_ok());
        let member = Purchase {
            role: Role::Member,
            ..ok
        };
        assert_eq!(code(may_buy(&member)), Some(ErrorCode::BuyAdminOnly));
        let elsewhere = Purchase {
            bound_org: Some("c"),
            ..ok
        };
        assert_eq!(code(may_buy(&elsewhere)), Some(ErrorCode::LinkInvalid));
        let own = Purchase {
            buying_org: "i",
            ..ok
        };
        assert_eq!(code(may_buy(&own)), Some(ErrorCode::OwnApp));
    }
}
