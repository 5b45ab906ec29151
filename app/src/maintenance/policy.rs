//! Who may remote-maintain, what maintenance may touch, and when it ends.
//! Pure rules: the queries gather the facts, these decide.

use super::domain::{Access, EndReason, SESSION_MS};
use crate::accounts::{CertLevel, Role};
use crate::error::{AppError, AppResult, ErrorCode};

/// What the ISV side looks like right now, for one ISV user and one order.
#[derive(Clone, Copy, Debug)]
pub struct IsvStanding {
    /// The user's role in the ISV organization (`None`: no longer a member).
    pub role: Option<Role>,
    /// Whether the user is an app admin of the ISV's source app.
    pub source_app_admin: bool,
    pub cert: CertLevel,
}

impl IsvStanding {
    /// Admins of a certified ISV and app admins of the source app may
    /// maintain; anyone else is told why not.
    pub fn may_maintain(&self) -> Result<(), EndReason> {
        match self.role {
            None => Err(EndReason::RightsLost),
            Some(Role::Member) if !self.source_app_admin => Err(EndReason::RightsLost),
            Some(_) if !self.cert.may_distribute() => Err(EndReason::CertRevoked),
            Some(_) => Ok(()),
        }
    }
}

/// May this ISV user start maintaining now (the error the caller is shown)?
pub fn may_start(standing: &IsvStanding, access: Option<&Access>, now: i64) -> AppResult<()> {
    match standing.may_maintain() {
        Err(EndReason::CertRevoked) => return Err(AppError::new(ErrorCode::IsvOnly)),
        Err(_) => return Err(AppError::new(ErrorCode::MaintainerOnly)),
        Ok(()) => {}
    }
    if !access.is_some_and(|a| a.is_open(now)) {
        return Err(AppError::new(ErrorCode::AccessClosed));
    }
    Ok(())
}

/// Why a session in progress is over, if it is: checked on every request.
/// The customer's decision is named first, then the ISV side, then time.
pub fn end_reason(
    open_until: Option<i64>,
    started_at: i64,
    standing: &IsvStanding,
    now: i64,
) -> Option<EndReason> {
    match open_until {
        None => return Some(EndReason::AccessClosed),
        Some(until) if now >= until => return Some(EndReason::AccessExpired),
        Some(_) => {}
    }
    if let Err(reason) = standing.may_maintain() {
        return Some(reason);
    }
    (now - started_at >= SESSION_MS).then_some(EndReason::Timeout)
}

/// What an ISV user in maintenance may not do to the customer's copy: it is
/// there to fix the app, not to own it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerOnly {
    /// Deleting the installed app.
    DeleteApp,
    /// Adding or removing the app's admins.
    AppAdmins,
    /// Choosing who may use the app.
    AppUsers,
}

/// Refuses a customer-only change during maintenance.
pub fn refuse_in_maintenance(in_maintenance: bool, _what: CustomerOnly) -> AppResult<()> {
    if in_maintenance {
        return Err(AppError::new(ErrorCode::NotDuringMaintenance));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(role: Option<Role>, app_admin: bool, cert: CertLevel) -> IsvStanding {
        IsvStanding {
            role,
            source_app_admin: app_admin,
            cert,
        }
    }

    #[test]
    fn the_isv_side_must_keep_its_rights() {
        let ok = CertLevel::Intermediate;
        assert_eq!(
            standing(Some(Role::Admin), false, ok).may_maintain(),
            Ok(())
        );
        assert_eq!(
            standing(Some(Role::Member), true, ok).may_maintain(),
            Ok(())
        );
        assert_eq!(
            standing(Some(Role::Member), false, ok).may_maintain(),
            Err(EndReason::RightsLost)
        );
        assert_eq!(
            standing(None, true, ok).may_maintain(),
            Err(EndReason::RightsLost)
        );
        assert_eq!(
            standing(Some(Role::Admin), false, CertLevel::Basic).may_maintain(),
            Err(EndReason::CertRevoked)
        );
    }

    #[test]
    fn the_customers_decision_is_named_first() {
        let lost = standing(None, false, CertLevel::None);
        assert_eq!(end_reason(None, 0, &lost, 1), Some(EndReason::AccessClosed));
        assert_eq!(
            end_reason(Some(5), 0, &lost, 5),
            Some(EndReason::AccessExpired)
        );
        assert_eq!(
            end_reason(Some(i64::MAX), 0, &lost, 1),
            Some(EndReason::RightsLost)
        );
        let fine = standing(Some(Role::Admin), false, CertLevel::Advanced);
        assert_eq!(end_reason(Some(i64::MAX), 0, &fine, SESSION_MS - 1), None);
        assert_eq!(
            end_reason(Some(i64::MAX), 0, &fine, SESSION_MS),
            Some(EndReason::Timeout)
        );
    }
}
