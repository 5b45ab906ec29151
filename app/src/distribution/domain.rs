//! Values of distribution: link options, link and order views.

use crate::apps::domain::{FormKind, Icon};
use crate::apps::snapshot::AppSnapshot;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::i18n::K;
use crate::values::{AppId, LinkId, OrgId, RequestId, VersionId};
use serde::{Deserialize, Serialize};

pub const DEFAULT_EXPIRY_DAYS: i64 = 30;
pub const MAX_EXPIRY_DAYS: i64 = 365;
pub const NOTE_MAX: usize = 200;
pub const DAY_MS: i64 = 24 * 3600 * 1000;

/// What the customer receives and must set up again, from a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contents {
    pub name: String,
    pub icon: Icon,
    pub description: String,
    pub forms: Vec<(String, FormKind)>,
    pub process_forms: usize,
    pub templates: usize,
    pub services: usize,
}

impl Contents {
    pub fn of(s: &AppSnapshot) -> Contents {
        Contents {
            name: s.name.clone(),
            icon: s.icon,
            description: s.description.clone(),
            forms: s.forms.iter().map(|f| (f.name.clone(), f.kind)).collect(),
            process_forms: s
                .forms
                .iter()
                .filter(|f| f.kind == FormKind::Process)
                .count(),
            templates: s.templates.len(),
            services: s.services.len(),
        }
    }
}

/// Options of a new link, parsed from the dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOptions {
    pub expires_days: i64,
    pub max_purchases: Option<i64>,
    pub bound_org: Option<String>,
    pub note: String,
    /// The published version it sells; `None`: the latest.
    pub version: Option<VersionId>,
    /// The licence it sells (default: forever, for everyone).
    pub terms: crate::licences::domain::Terms,
    /// A renewal link: buying it extends this order's licence.
    pub renews: Option<crate::values::OrderId>,
}

impl LinkOptions {
    pub fn parse(
        expires_days: &str,
        max_purchases: &str,
        bound_org: &str,
        note: &str,
        version: &str,
    ) -> AppResult<LinkOptions> {
        let expires_days = match expires_days.trim() {
            "" => DEFAULT_EXPIRY_DAYS,
            d => d
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=MAX_EXPIRY_DAYS).contains(d))
                .ok_or_else(|| AppError::new(ErrorCode::InvalidExpiry))?,
        };
        let max_purchases = match max_purchases.trim() {
            "" => None,
            m => Some(
                m.parse::<i64>()
                    .ok()
                    .filter(|m| (1..=1_000_000).contains(m))
                    .ok_or_else(|| AppError::new(ErrorCode::InvalidMaxPurchases))?,
            ),
        };
        let bound_org = match bound_org.trim() {
            "" => None,
            o if o.len() <= 64 && o.chars().all(|c| c.is_ascii_alphanumeric()) => {
                Some(o.to_string())
            }
            _ => return Err(AppError::new(ErrorCode::InvalidBoundOrg)),
        };
        let note = note.trim();
        if note.chars().count() > NOTE_MAX || note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(AppError::new(ErrorCode::InvalidNote));
        }
        let version = match version.trim() {
            "" => None,
            v if v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric()) => {
                Some(VersionId(v.to_string()))
            }
            _ => return Err(AppError::new(ErrorCode::NotFound)),
        };
        Ok(LinkOptions {
            terms: Default::default(),
            renews: None,
            version,
            expires_days,
            max_purchases,
            bound_org,
            note: note.to_string(),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    Active,
    Expired,
    UsedUp,
    Revoked,
}

impl LinkStatus {
    pub fn of(
        revoked: bool,
        expires_at: i64,
        purchases: i64,
        max: Option<i64>,
        now: i64,
    ) -> LinkStatus {
        if revoked {
            LinkStatus::Revoked
        } else if now >= expires_at {
            LinkStatus::Expired
        } else if max.is_some_and(|m| purchases >= m) {
            LinkStatus::UsedUp
        } else {
            LinkStatus::Active
        }
    }
    pub fn label(self) -> K {
        match self {
            LinkStatus::Active => K::LinkActive,
            LinkStatus::Expired => K::LinkExpired,
            LinkStatus::UsedUp => K::LinkUsedUp,
            LinkStatus::Revoked => K::LinkRevoked,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub id: LinkId,
    pub created_at: i64,
    pub created_by: String,
    pub expires_at: i64,
    pub purchases: i64,
    pub max_purchases: Option<i64>,
    pub views: i64,
    pub status: LinkStatus,
    pub bound_org: Option<String>,
    pub note: String,
    pub app_version: i64,
    /// The published version it sells (`None`: made before versions).
    pub version: Option<String>,
}

/// The distribution dialog: what the link will sell, and its links so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributeView {
    pub app_id: AppId,
    pub version: i64,
    /// What a new link sells by default: the latest version (or, before
    /// the first, the app as it is now).
    pub contents: Contents,
    /// Published versions, newest first.
    pub versions: Vec<crate::versions::domain::VersionView>,
    pub links: Vec<LinkView>,
}

/// A created link: the token is shown once, to be copied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLink {
    pub id: LinkId,
    pub path: String,
}

/// One organization the buyer could buy into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerOrg {
    pub id: OrgId,
    pub name: String,
    pub role: crate::accounts::Role,
    /// The app of this link is already installed there.
    pub installed_app: Option<String>,
}

/// What anyone holding a valid link sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPage {
    pub isv_name: String,
    pub contents: Contents,
    pub app_version: i64,
    /// The published version sold (`None`: a link made before versions).
    pub version: Option<String>,
    pub bound: bool,
    /// Empty when signed out.
    pub orgs: Vec<BuyerOrg>,
    pub signed_in: bool,
    /// Rendered into the buy form: a double click or a resend buys once.
    pub idempotency_key: String,
    /// What a purchase gets: trial, paid term, seats.
    pub terms: crate::licences::domain::Terms,
    /// A renewal link: the number of the order whose licence it extends.
    pub renews: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PurchaseOutcome {
    Bought { app_id: AppId, order_no: String },
    AlreadyInstalled { app_id: AppId },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: RequestId,
    pub app_name: String,
    pub isv_name: String,
    pub requested_by: String,
    pub created_at: i64,
    pub link_valid: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_options_have_defaults_and_bounds() {
        let d = LinkOptions::parse("", "", "", "", "").unwrap();
        assert_eq!(
            (d.expires_days, d.max_purchases, d.bound_org),
            (30, None, None)
        );
        assert_eq!(
            LinkOptions::parse("0", "", "", "", "").unwrap_err().code,
            ErrorCode::InvalidExpiry
        );
        assert_eq!(
            LinkOptions::parse("366", "", "", "", "").unwrap_err().code,
            ErrorCode::InvalidExpiry
        );
        assert_eq!(
            LinkOptions::parse("7", "0", "", "", "").unwrap_err().code,
            ErrorCode::InvalidMaxPurchases
        );
        assert_eq!(
            LinkOptions::parse("7", "x", "", "", "").unwrap_err().code,
            ErrorCode::InvalidMaxPurchases
        );
        assert_eq!(
            LinkOptions::parse("7", "3", "a b", "", "")
                .unwrap_err()
                .code,
            ErrorCode::InvalidBoundOrg
        );
        assert_eq!(
            LinkOptions::parse("7", "", "", &"注".repeat(201), "")
                .unwrap_err()
                .code,
            ErrorCode::InvalidNote
        );
        let o = LinkOptions::parse("7", "3", "abc123", " 给北风 ", "").unwrap();
        assert_eq!(
            (o.max_purchases, o.bound_org.as_deref(), o.note.as_str()),
            (Some(3), Some("abc123"), "给北风")
        );
    }

    #[test]
    fn link_status_follows_revocation_expiry_and_uses() {
        assert_eq!(LinkStatus::of(false, 100, 0, None, 50), LinkStatus::Active);
        assert_eq!(LinkStatus::of(true, 100, 0, None, 50), LinkStatus::Revoked);
        assert_eq!(
            LinkStatus::of(false, 100, 0, None, 100),
            LinkStatus::Expired
        );
        assert_eq!(
            LinkStatus::of(false, 100, 2, Some(2), 50),
            LinkStatus::UsedUp
        );
        assert_eq!(
            LinkStatus::of(false, 100, 1, Some(2), 50),
            LinkStatus::Active
        );
    }
}
