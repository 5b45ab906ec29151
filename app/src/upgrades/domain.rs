//! Upgrades of installed copies: the ISV offers a published version to its
//! orders; the customer previews it, applies it (a three-way merge keeping
//! its own changes), declines it, or rolls it back within 30 days.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::str_enum;
use crate::values::{AppId, UpgradeId};
use crate::versions::domain::{Change, Resolution};
use serde::{Deserialize, Serialize};

/// How long an applied upgrade (or a rollback) can be undone.
pub const ROLLBACK_MS: i64 = 30 * 24 * 3600 * 1000;

str_enum!(
    /// Where one offer stands.
    UpgradeState, InvalidInput {
        Offered => "offered", UpgradeOffered;
        Applied => "applied", UpgradeApplied;
        Declined => "declined", UpgradeDeclined;
        Failed => "failed", UpgradeFailed;
        Superseded => "superseded", UpgradeSuperseded;
        RolledBack => "rolled_back", UpgradeRolledBack;
    }
);

str_enum!(
    /// Which orders an offer goes to.
    OfferScope, InvalidInput {
        All => "all", ScopeAll;
        Chosen => "chosen", ScopeChosen;
        AllExcept => "all_except", ScopeAllExcept;
    }
);

str_enum!(
    /// What the customer does with an offer.
    Step, InvalidInput {
        Apply => "apply", ApplyUpgrade;
        Rollback => "rollback", RollBackUpgrade;
    }
);

/// Order numbers typed by the ISV: one per line or separated by commas.
pub fn order_numbers(raw: &str) -> AppResult<Vec<String>> {
    let list: Vec<String> = raw
        .split(|c: char| c == ',' || c == '\n' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_uppercase)
        .collect();
    if list.len() > 10_000
        || list
            .iter()
            .any(|n| n.len() > 32 || !n.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(AppError::new(ErrorCode::InvalidOrderList));
    }
    Ok(list)
}

/// What an offer did, order by order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferOutcome {
    /// Newly offered.
    pub offered: i64,
    /// Already offered that version, already on it or past it.
    pub unchanged: i64,
    /// Bought before versions: their copies cannot be merged.
    pub not_upgradable: i64,
}

/// The upgrade that concerns a copy now, as its admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeView {
    pub id: UpgradeId,
    pub app_id: AppId,
    pub state: UpgradeState,
    /// The version installed before it.
    pub from: Option<String>,
    pub to: String,
    pub notes: String,
    pub offered_at: i64,
    /// When it was last applied, declined or rolled back.
    pub decided_at: Option<i64>,
    /// Until when the last step can be undone.
    pub undo_until: Option<i64>,
}

impl UpgradeView {
    /// The step the customer may take next, if any.
    pub fn next_step(&self, now: i64) -> Option<Step> {
        let undoable = self.undo_until.is_some_and(|u| now < u);
        match self.state {
            UpgradeState::Offered | UpgradeState::Failed => Some(Step::Apply),
            UpgradeState::Applied if undoable => Some(Step::Rollback),
            UpgradeState::RolledBack if undoable => Some(Step::Apply),
            _ => None,
        }
    }
}

/// The installed version and the upgrade in view, for an installed copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeCard {
    pub installed: Option<String>,
    /// An open offer, then the last one decided.
    pub upgrades: Vec<UpgradeView>,
    pub now: i64,
}

/// What a step would do, computed without changing anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub upgrade: UpgradeView,
    pub step: Step,
    pub changes: Vec<Change>,
    /// Names the copy's definition the preview was computed on: applying
    /// refuses if it changed since (review again).
    pub basis: String,
}

impl Preview {
    pub fn conflicts(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.outcome == crate::versions::domain::Outcome::Conflict)
    }
}

/// The customer's resolutions as the form sends them: `c<n>` (the n-th
/// conflict of the preview) → `keep_mine` / `take_new`.
pub fn resolutions(
    form: &std::collections::HashMap<String, String>,
) -> AppResult<std::collections::HashMap<usize, Resolution>> {
    form.iter()
        .map(|(k, v)| {
            let n = k
                .strip_prefix('c')
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n < 10_000)
                .ok_or_else(|| AppError::new(ErrorCode::InvalidInput))?;
            Ok((n, Resolution::parse(v)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_lists_accept_commas_and_lines_and_refuse_anything_else() {
        assert_eq!(
            order_numbers(" ff1, ff2\nFF3 ").unwrap(),
            ["FF1", "FF2", "FF3"]
        );
        assert!(order_numbers("").unwrap().is_empty());
        assert!(order_numbers("ff1; drop").is_err());
    }

    #[test]
    fn the_next_step_follows_the_state_and_the_undo_window() {
        let mut u = UpgradeView {
            id: UpgradeId("u".into()),
            app_id: AppId("a".into()),
            state: UpgradeState::Offered,
            from: Some("1.0.0".into()),
            to: "1.1.0".into(),
            notes: String::new(),
            offered_at: 0,
            decided_at: None,
            undo_until: None,
        };
        assert_eq!(u.next_step(5), Some(Step::Apply));
        u.state = UpgradeState::Applied;
        u.undo_until = Some(10);
        assert_eq!(u.next_step(5), Some(Step::Rollback));
        assert_eq!(u.next_step(10), None);
        u.state = UpgradeState::RolledBack;
        assert_eq!(u.next_step(5), Some(Step::Apply));
        u.state = UpgradeState::Declined;
        assert_eq!(u.next_step(5), None);
    }

    #[test]
    fn resolutions_name_conflicts_by_position() {
        let form = std::collections::HashMap::from([
            ("c0".to_string(), "take_new".to_string()),
            ("c2".to_string(), "keep_mine".to_string()),
        ]);
        let r = resolutions(&form).unwrap();
        assert_eq!(r[&0], Resolution::TakeNew);
        assert_eq!(r[&2], Resolution::KeepMine);
        let bad = std::collections::HashMap::from([("x".to_string(), "take_new".to_string())]);
        assert!(resolutions(&bad).is_err());
    }
}
