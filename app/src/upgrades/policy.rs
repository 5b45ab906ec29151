//! Who may take which upgrade step. Pure rules: the queries gather the
//! facts, these decide. The ISV offers versions of the apps it may
//! distribute (`distribution::policy::may_distribute`, as for links).

use crate::error::{AppError, AppResult, ErrorCode};

/// The customer's admins (its organization admins and the copy's app
/// admins) take upgrade steps in their own right: a provider maintaining
/// the copy never does, it is the customer's decision.
pub fn may_decide(can_edit: bool, in_maintenance: bool) -> AppResult<()> {
    if in_maintenance {
        return Err(AppError::new(ErrorCode::NotDuringMaintenance));
    }
    if !can_edit {
        return Err(AppError::new(ErrorCode::AppEditOnly));
    }
    Ok(())
}

/// No step while a provider maintains the copy: the merge would race its edits.
pub fn may_change_now(maintenance_open: bool) -> AppResult<()> {
    if maintenance_open {
        return Err(AppError::new(ErrorCode::MaintenanceInProgress));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_customer_s_own_editors_decide_and_never_during_maintenance() {
        assert!(may_decide(true, false).is_ok());
        assert_eq!(
            may_decide(true, true).unwrap_err().code,
            ErrorCode::NotDuringMaintenance
        );
        assert_eq!(
            may_decide(false, false).unwrap_err().code,
            ErrorCode::AppEditOnly
        );
        assert_eq!(
            may_change_now(true).unwrap_err().code,
            ErrorCode::MaintenanceInProgress
        );
    }
}
