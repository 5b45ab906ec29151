//! Who may do what with accounts and organizations. The caller's role checks
//! themselves are `Ctx::org_admin` and `Ctx::operator` (one place for all
//! domains): members and invitations are managed by the organization's
//! admins, certification by platform operators.

use super::Role;
use crate::error::{AppError, AppResult, ErrorCode};

/// An organization never loses its last admin: a member whose role was
/// `before` may be demoted or removed only while `admins` counts another.
pub fn may_stop_being_admin(before: Role, admins: i64) -> AppResult<()> {
    if before == Role::Admin && admins <= 1 {
        return Err(AppError::new(ErrorCode::LastAdmin));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_admin_stays() {
        assert!(may_stop_being_admin(Role::Admin, 1).is_err());
        assert!(may_stop_being_admin(Role::Admin, 2).is_ok());
        assert!(may_stop_being_admin(Role::Member, 1).is_ok());
    }
}
