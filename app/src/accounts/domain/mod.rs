//! Values of the accounts domain, parsed once at the edge and trusted after.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::i18n::K;
use crate::values::InvitationId;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod common_passwords;

pub use crate::values::{OrgId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> AppResult<Role> {
        match s {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err(AppError::new(ErrorCode::InvalidRole)),
        }
    }

    pub fn label(self) -> K {
        match self {
            Role::Admin => K::RoleAdmin,
            Role::Member => K::RoleMember,
        }
    }
}

/// ISV certification granted by the platform operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertLevel {
    None,
    Basic,
    Intermediate,
    Advanced,
}

impl CertLevel {
    pub const ALL: [CertLevel; 4] = [
        CertLevel::None,
        CertLevel::Basic,
        CertLevel::Intermediate,
        CertLevel::Advanced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CertLevel::None => "none",
            CertLevel::Basic => "basic",
            CertLevel::Intermediate => "intermediate",
            CertLevel::Advanced => "advanced",
        }
    }

    pub fn parse(s: &str) -> AppResult<CertLevel> {
        CertLevel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| AppError::new(ErrorCode::InvalidCert))
    }

    /// Only intermediate certification or above may distribute apps.
    pub fn may_distribute(self) -> bool {
        self >= CertLevel::Intermediate
    }

    pub fn label(self) -> K {
        match self {
            CertLevel::None => K::CertNone,
            CertLevel::Basic => K::CertBasic,
            CertLevel::Intermediate => K::CertIntermediate,
            CertLevel::Advanced => K::CertAdvanced,
        }
    }
}

/// A lower-cased, plausibly deliverable email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> AppResult<Email> {
        let s = raw.trim().to_lowercase();
        let bad = || AppError::new(ErrorCode::InvalidEmail);
        if s.is_empty() || s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || local.len() > 64
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || s.contains(['<', '>', '"', '\'', ',', ';', '\\'])
        {
            return Err(bad());
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX: usize = 50;
    pub fn parse(raw: &str) -> AppResult<DisplayName> {
        crate::values::line(raw, Self::MAX, ErrorCode::InvalidDisplayName).map(DisplayName)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub const MAX: usize = 100;
    pub fn parse(raw: &str) -> AppResult<OrgName> {
        crate::values::line(raw, Self::MAX, ErrorCode::InvalidOrgName).map(OrgName)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8–128 characters. Not trimmed: spaces are allowed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> AppResult<NewPassword> {
        let n = raw.chars().count();
        if !(8..=128).contains(&n) {
            return Err(AppError::new(ErrorCode::InvalidPassword));
        }
        Ok(NewPassword(raw.to_string()))
    }

    /// A password a person chose for the account `email`: long enough, not
    /// one of the 10,000 most common passwords, and not containing the
    /// address's local part (at least three characters of it).
    pub fn chosen_for(raw: &str, email: &str) -> AppResult<NewPassword> {
        let p = Self::parse(raw)?;
        let lower = raw.to_lowercase();
        let local = email.split('@').next().unwrap_or("").trim().to_lowercase();
        if local.chars().count() >= 3 && lower.contains(&local) {
            return Err(AppError::new(ErrorCode::PasswordHasEmail));
        }
        #[cfg(feature = "ssr")]
        if common_passwords::is_common(&lower) {
            return Err(AppError::new(ErrorCode::CommonPassword));
        }
        Ok(p)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Pages that must never be returned to after signing in: returning to them
/// would show the sign-in form again to a signed-in user.
const AUTH_PAGES: [&str; 2] = ["/sign-in", "/sign-up"];

/// Where to go after signing in: only a path on this site, never another
/// host, an API path or a sign-in/sign-up page (those fall back to `/`).
pub fn safe_return_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && !p.contains('\\')
                // Visible ASCII only: it becomes a Location header.
                && p.bytes().all(|b| (0x21..=0x7e).contains(&b))
                && !p.starts_with("/api/")
                && !is_auth_page(p)
                && p.len() <= 2000 =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Whether a path (with or without its query) is the sign-in or sign-up page.
fn is_auth_page(p: &str) -> bool {
    let path = p.split(['?', '#']).next().unwrap_or(p);
    let path = path.trim_end_matches('/');
    AUTH_PAGES.iter().any(|a| path.eq_ignore_ascii_case(a))
}

/// The sign-in page for a signed-out visitor of `here`: it comes back to
/// `here` afterwards, unless `here` is not worth returning to.
pub fn sign_in_url(here: &str) -> String {
    match safe_return_path(Some(here)) {
        p if p == "/" && here != "/" => "/sign-in".to_string(),
        p => format!("/sign-in?next={}", crate::ui::urlencode(&p)),
    }
}

/// One organization as its member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgView {
    pub id: OrgId,
    pub name: String,
    pub role: Role,
    pub cert: CertLevel,
}

/// The signed-in user, for the header and the Workbench.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub is_operator: bool,
    /// Signed in with a one-time password: the account page asks for a new one.
    pub must_change_password: bool,
    pub email_verified: bool,
    pub current: Option<OrgView>,
    /// The current organization's time zone: every time is shown in it.
    pub zone: crate::time::Zone,
    pub orgs: Vec<OrgView>,
    /// Remote maintenance in progress by this user.
    pub maintenance: Option<crate::maintenance::domain::Maintenance>,
    /// A maintenance that just ended, and why.
    pub maintenance_ended: Option<crate::maintenance::domain::EndReason>,
    /// Service providers maintaining apps of the current organization (for its admins).
    pub being_maintained: Vec<crate::maintenance::domain::ActiveView>,
    /// Decisions waiting and unread messages in the current organization.
    pub counts: crate::runtime::domain::Counts,
}

impl Me {
    /// An admin of the current organization (a maintaining ISV user is a
    /// plain member there).
    pub fn is_org_admin(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|o| o.role == crate::accounts::Role::Admin)
    }
}

/// How long an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 7;
/// How long an email verification link works.
pub const VERIFICATION_HOURS: i64 = 48;

/// A pending invitation, as the organization's admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: InvitationId,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// An invitation as whoever holds its link sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub org_name: String,
    pub role: Role,
    pub invited_by: String,
    /// The address it was sent to: only an account with it may accept.
    pub email: String,
    pub expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// An organization as the platform operator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCertView {
    pub id: OrgId,
    pub name: String,
    pub cert: CertLevel,
    pub members: i64,
}

#[cfg(test)]
mod tests;
