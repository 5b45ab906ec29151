//! The caller's context: resolved first by every server function (`call.rs`),
//! passed to every query. The organization always comes from here, never
//! from arguments.

use crate::accounts::{CertLevel, OrgId, Role, UserId};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::maintenance::domain::{EndReason, Maintenance};
use crate::values::SessionId;

#[derive(Clone, Debug)]
pub struct Membership {
    pub org_id: OrgId,
    pub org_name: String,
    pub role: Role,
    pub cert: CertLevel,
    /// The organization's time zone (IANA name).
    pub time_zone: String,
}

impl Membership {
    /// From a stored row: organization id and name, role, certification level.
    pub fn from_row(org_id: String, org_name: String, role: &str, cert: &str) -> AppResult<Self> {
        Ok(Membership {
            org_id: OrgId(org_id),
            org_name,
            role: Role::parse(role)?,
            cert: CertLevel::parse(cert)?,
            time_zone: "UTC".into(),
        })
    }

    pub fn in_zone(mut self, time_zone: String) -> Self {
        self.time_zone = time_zone;
        self
    }
}

#[derive(Clone, Debug)]
pub struct Ctx {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub is_operator: bool,
    /// A one-time password is still in use: only changing it is allowed.
    pub must_change_password: bool,
    pub email_verified: bool,
    /// The hash of the sign-in token (what the sessions table keys on).
    pub session_hash: SessionId,
    /// The current organization, re-checked against memberships on every request.
    /// During remote maintenance: the customer's organization.
    pub org: Option<Membership>,
    /// Remote maintenance in progress, re-checked on every request.
    pub maintenance: Option<Maintenance>,
    /// The maintenance this request found over (refused once, then normal).
    pub maintenance_ended: Option<EndReason>,
}

impl Ctx {
    pub fn org(&self) -> AppResult<&Membership> {
        self.org
            .as_ref()
            .ok_or_else(|| AppError::new(ErrorCode::NoOrg))
    }

    /// The current organization, if the caller is one of its admins: the
    /// one role check every domain uses.
    pub fn org_admin(&self) -> AppResult<&Membership> {
        self.org_admin_or(ErrorCode::AdminOnly)
    }

    /// Like `org_admin`, refusing with a more telling code.
    pub fn org_admin_or(&self, code: ErrorCode) -> AppResult<&Membership> {
        let m = self.org()?;
        if m.role != Role::Admin {
            return Err(AppError::new(code));
        }
        Ok(m)
    }

    pub fn operator(&self) -> AppResult<()> {
        if !self.is_operator {
            return Err(AppError::new(ErrorCode::OperatorOnly));
        }
        Ok(())
    }
}
