//! Values of remote maintenance.

use crate::values::{AppId, MaintenanceId, OrderId};
use serde::{Deserialize, Serialize};

/// Open by default for this long after a purchase.
pub const DEFAULT_OPEN_DAYS: i64 = 30;
/// A maintenance session ends by itself after this long.
pub const SESSION_MS: i64 = 2 * 3600 * 1000;
pub const REQUEST_NOTE_MAX: usize = 500;

/// An ISV user's maintenance session, as resolved on every request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintenance {
    pub id: MaintenanceId,
    pub order_id: OrderId,
    pub order_no: String,
    pub app_id: AppId,
    pub app_name: String,
    pub customer_org_id: String,
    pub customer_name: String,
    pub customer_time_zone: String,
    pub isv_org_id: String,
    pub isv_name: String,
    pub started_at: i64,
    /// The customer allows reading the app's records (every read is audited).
    pub data_access: bool,
}

/// Why a maintenance session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Exit,
    Timeout,
    AccessClosed,
    AccessExpired,
    /// The ISV user left the ISV organization, or is no longer its admin or
    /// an app admin of the source app.
    RightsLost,
    /// The ISV organization is no longer certified to distribute.
    CertRevoked,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Exit => "exit",
            EndReason::Timeout => "timeout",
            EndReason::AccessClosed => "access_closed",
            EndReason::AccessExpired => "access_expired",
            EndReason::RightsLost => "rights_lost",
            EndReason::CertRevoked => "cert_revoked",
        }
    }
    pub fn parse(s: &str) -> EndReason {
        match s {
            "timeout" => EndReason::Timeout,
            "access_closed" => EndReason::AccessClosed,
            "access_expired" => EndReason::AccessExpired,
            "rights_lost" => EndReason::RightsLost,
            "cert_revoked" => EndReason::CertRevoked,
            _ => EndReason::Exit,
        }
    }
    pub fn label(self) -> crate::i18n::K {
        use crate::i18n::K;
        match self {
            EndReason::Exit => K::EndedExit,
            EndReason::Timeout => K::EndedTimeout,
            EndReason::AccessClosed => K::EndedClosed,
            EndReason::AccessExpired => K::EndedExpired,
            EndReason::RightsLost => K::EndedRightsLost,
            EndReason::CertRevoked => K::EndedCertRevoked,
        }
    }
}

/// The customer's access switch for one installed app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub open_until: Option<i64>,
    pub requested_at: Option<i64>,
    pub note: String,
    /// The provider may read the app's records during this access period.
    pub data_access: bool,
}

impl Access {
    pub fn is_open(&self, now: i64) -> bool {
        self.open_until.is_some_and(|u| now < u)
    }
}

/// Someone of an ISV maintaining one of the customer's apps right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveView {
    pub app_id: AppId,
    pub app_name: String,
    pub isv_user: String,
    pub isv_name: String,
    /// The customer allows it to see the app's records.
    pub data_access: bool,
}
