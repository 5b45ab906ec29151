//! Values of the Order Center.

use crate::licences::domain::LicenceState;
use crate::upgrades::domain::UpgradeState;
use crate::values::OrderId;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessFilter {
    All,
    Open,
    Requested,
    Closed,
}

/// Orders by their upgrade state: every order, those never offered one
/// (up to date), or those in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UpgradeFilter {
    #[default]
    All,
    UpToDate,
    State(UpgradeState),
}

impl UpgradeFilter {
    /// The states the Order Center offers as filters.
    pub const CHOICES: [UpgradeFilter; 7] = [
        UpgradeFilter::All,
        UpgradeFilter::UpToDate,
        UpgradeFilter::State(UpgradeState::Offered),
        UpgradeFilter::State(UpgradeState::Applied),
        UpgradeFilter::State(UpgradeState::Declined),
        UpgradeFilter::State(UpgradeState::Failed),
        UpgradeFilter::State(UpgradeState::RolledBack),
    ];

    pub fn parse(s: &str) -> UpgradeFilter {
        match s {
            "up_to_date" => UpgradeFilter::UpToDate,
            s => UpgradeState::parse(s).map_or(UpgradeFilter::All, UpgradeFilter::State),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UpgradeFilter::All => "",
            UpgradeFilter::UpToDate => "up_to_date",
            UpgradeFilter::State(s) => s.as_str(),
        }
    }
}

/// Orders by the state of their licence, or those ending within 30 days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LicenceFilter {
    #[default]
    All,
    Expiring,
    State(LicenceState),
}

impl LicenceFilter {
    pub const CHOICES: [LicenceFilter; 8] = [
        LicenceFilter::All,
        LicenceFilter::Expiring,
        LicenceFilter::State(LicenceState::Trial),
        LicenceFilter::State(LicenceState::Active),
        LicenceFilter::State(LicenceState::Grace),
        LicenceFilter::State(LicenceState::ReadOnly),
        LicenceFilter::State(LicenceState::Archived),
        LicenceFilter::State(LicenceState::Suspended),
    ];

    pub fn parse(s: &str) -> LicenceFilter {
        match s {
            "expiring" => LicenceFilter::Expiring,
            s => LicenceState::parse(s).map_or(LicenceFilter::All, LicenceFilter::State),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceFilter::All => "",
            LicenceFilter::Expiring => "expiring",
            LicenceFilter::State(s) => s.as_str(),
        }
    }
}

/// "Expiring": normal use ends within this long.
pub const EXPIRING_MS: i64 = 30 * 24 * 3600 * 1000;

/// What the Order Center filters on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filters {
    pub access: AccessFilter,
    pub upgrade: UpgradeFilter,
    pub licence: LicenceFilter,
}

impl From<AccessFilter> for Filters {
    fn from(access: AccessFilter) -> Filters {
        Filters {
            access,
            upgrade: UpgradeFilter::All,
            licence: LicenceFilter::All,
        }
    }
}

impl AccessFilter {
    pub fn parse(s: &str) -> AccessFilter {
        match s {
            "open" => AccessFilter::Open,
            "requested" => AccessFilter::Requested,
            "closed" => AccessFilter::Closed,
            _ => AccessFilter::All,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AccessFilter::All => "all",
            AccessFilter::Open => "open",
            AccessFilter::Requested => "requested",
            AccessFilter::Closed => "closed",
        }
    }
}

/// Maintenance access as the ISV sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessState {
    Open { until: i64 },
    Requested { until: i64, note: String },
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: OrderId,
    pub order_no: String,
    pub app_name: String,
    pub customer: String,
    pub buyer: String,
    pub created_at: i64,
    pub app_version: i64,
    /// The published version installed (`None`: bought before versions).
    pub version: Option<String>,
    /// The last upgrade offered to the order, and what became of it.
    pub upgrade: Option<UpgradeState>,
    pub licence: LicenceState,
    /// Normal use ends (`None`: never).
    pub licence_ends: Option<i64>,
    pub setup_done: bool,
    pub access: AccessState,
}

impl OrderRow {
    /// The installed version's number, or the definition's revision for
    /// orders made before versions.
    pub fn version_label(&self) -> String {
        self.version
            .clone()
            .unwrap_or_else(|| format!("#{}", self.app_version))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    /// Pass as `after` for the next page; `None` on the last one.
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    LinkCreated {
        by: String,
    },
    Purchased {
        by: String,
    },
    SetupItem {
        by: String,
        action: String,
    },
    AccessClosed {
        by: String,
    },
    MaintenanceRequested {
        by: String,
        note: String,
    },
    Maintenance {
        by: String,
        minutes: i64,
        ended: bool,
    },
    /// An upgrade offered, applied, rolled back or declined (the audit
    /// action's code), to `version`.
    Upgrade {
        by: String,
        action: String,
        version: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub row: OrderRow,
    pub timeline: Vec<(i64, Event)>,
    /// Remote maintenance is possible now for this caller; else why not.
    pub can_maintain: Result<(), crate::error::ErrorCode>,
}

/// A page cursor: the last row's time and id.
pub fn cursor(created_at: i64, id: &str) -> String {
    format!("{created_at}-{id}")
}

pub fn parse_cursor(s: &str) -> Option<(i64, String)> {
    let (t, id) = s.split_once('-')?;
    let t = t.parse().ok()?;
    (id.len() <= 64 && id.chars().all(|c| c.is_ascii_hexdigit())).then(|| (t, id.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = super::cursor(1_800_000_000_000, "ab12");
        assert_eq!(
            super::parse_cursor(&c),
            Some((1_800_000_000_000, "ab12".into()))
        );
        assert_eq!(super::parse_cursor("x-ab"), None);
        assert_eq!(super::parse_cursor("1-a'b"), None);
    }
}
