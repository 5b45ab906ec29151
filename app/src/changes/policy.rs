//! Who may review and revert change sets. The customer owns its app: its
//! admins review and revert; a provider in maintenance never may (it would
//! undo the customer's review), and nothing changes while a provider is in.

use crate::error::{AppError, AppResult, ErrorCode};

/// A revert needs the customer's own admin, outside maintenance, while no
/// provider is maintaining the app.
pub fn may_revert(in_maintenance: bool, provider_in: bool) -> AppResult<()> {
    if in_maintenance {
        return Err(AppError::new(ErrorCode::NotDuringMaintenance));
    }
    if provider_in {
        return Err(AppError::new(ErrorCode::MaintenanceInProgress));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_outside_maintenance() {
        assert!(may_revert(false, false).is_ok());
        assert_eq!(
            may_revert(true, false).unwrap_err().code,
            ErrorCode::NotDuringMaintenance
        );
        assert_eq!(
            may_revert(false, true).unwrap_err().code,
            ErrorCode::MaintenanceInProgress
        );
    }
}
