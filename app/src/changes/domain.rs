//! Values of change sets.

use crate::values::{AppId, ChangeSetId};
use crate::versions::domain::{Change, Outcome, Part, Prop};
use serde::{Deserialize, Serialize};

crate::str_enum!(
    /// Who made a change set.
    SetKind, InvalidInput {
        Maintenance => "maintenance", SetKindMaintenance;
        Revert => "revert", SetKindRevert;
    }
);

crate::str_enum!(
    /// Kinds of change a customer should look at first.
    Risk, InvalidInput {
        Process => "process", RiskProcess;
        Recipients => "recipients", RiskRecipients;
        Endpoints => "endpoints", RiskEndpoints;
        Deletions => "deletions", RiskDeletions;
    }
);

/// The risky kinds among a change set's changes.
pub fn risks(changes: &[Change]) -> Vec<Risk> {
    let mut out = Vec::new();
    for c in changes {
        let risk = match (c.part, c.prop, c.outcome) {
            (_, _, Outcome::Removed) => Risk::Deletions,
            (Part::Step, _, _) | (_, Prop::Approvers, _) => Risk::Process,
            (_, Prop::Recipients, _) => Risk::Recipients,
            (Part::Service, Prop::Exists | Prop::Endpoint, _) => Risk::Endpoints,
            _ => continue,
        };
        if !out.contains(&risk) {
            out.push(risk);
        }
    }
    out.sort_by_key(|r| Risk::ALL.iter().position(|x| x == r));
    out
}

/// Stored as a comma-separated list.
pub fn risks_text(risks: &[Risk]) -> String {
    let v: Vec<&str> = risks.iter().map(|r| r.as_str()).collect();
    v.join(",")
}

pub fn parse_risks(s: &str) -> Vec<Risk> {
    s.split(',').filter_map(|r| Risk::parse(r).ok()).collect()
}

/// A change set in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSummary {
    pub id: ChangeSetId,
    pub app_id: AppId,
    pub kind: SetKind,
    pub author: String,
    pub author_org: String,
    pub started_at: i64,
    /// When the session ended (`None`: in progress); a revert's own time.
    pub ended_at: Option<i64>,
    pub changes: i64,
    pub risky: Vec<Risk>,
    pub reviewed: bool,
    /// The change set a revert undid.
    pub reverts: Option<ChangeSetId>,
}

crate::str_enum!(
    /// Where one change of a set stands in the app now: still the set's
    /// value (reverting restores the one before), changed again since (kept
    /// unless restored), or already as before the set.
    Standing, InvalidInput {
        Restorable => "restorable", StandingRestorable;
        ChangedSince => "changed_since", StandingChangedSince;
        AsBefore => "as_before", StandingAsBefore;
    }
);

/// One change of a set: `change.base` before it, `change.new` after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub change: Change,
    pub at: i64,
    pub standing: Standing,
    /// The value now, when it differs from the set's.
    pub now: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetView {
    pub set: SetSummary,
    pub app_name: String,
    pub rows: Vec<ChangeRow>,
    /// Whether the caller may revert (and mark reviewed) now.
    pub may_revert: bool,
    /// Why not, when a provider is maintaining the app right now.
    pub busy: bool,
}

/// A part that refers to one a revert would remove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependent {
    pub key: String,
    pub part: Part,
    pub name: String,
    pub form: Option<String>,
    /// Made by the same change set (so it can be reverted with it).
    pub in_set: bool,
}

/// What a revert did (`reverted` 0 and no dependents: nothing was left to revert).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevertOutcome {
    pub reverted: usize,
    /// Refused: these depend on what would be removed.
    pub dependents: Vec<Dependent>,
    /// The new change set the revert made.
    pub set: Option<ChangeSetId>,
    /// When refused for dependents: what was asked (to ask again with them).
    pub only: Vec<String>,
    pub restore: Vec<String>,
}

/// A list of change ids or part keys sent by a form, one per line.
pub fn selection(raw: &str) -> crate::error::AppResult<Vec<String>> {
    let items: Vec<String> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if items.len() > 2000 || items.iter().any(|i| i.chars().count() > 300) {
        return Err(crate::error::AppError::new(
            crate::error::ErrorCode::InvalidInput,
        ));
    }
    Ok(items)
}

/// The ISV's view of one of its sessions on an order (definitions only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSet {
    pub set: SetSummary,
    pub changes: Vec<Change>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::domain::Outcome;

    fn change(part: Part, prop: Prop, outcome: Outcome) -> Change {
        Change {
            id: String::new(),
            key: "k".into(),
            part,
            name: String::new(),
            form: None,
            prop,
            outcome,
            base: None,
            mine: None,
            new: None,
            resolution: None,
            needs_setup: false,
        }
    }

    #[test]
    fn risky_kinds_are_named_once_in_a_fixed_order() {
        let c = [
            change(Part::Service, Prop::Endpoint, Outcome::Applied),
            change(Part::Field, Prop::Label, Outcome::Applied),
            change(Part::Field, Prop::Exists, Outcome::Removed),
            change(Part::Step, Prop::Approvers, Outcome::Applied),
            change(Part::Step, Prop::Name, Outcome::Applied),
        ];
        let r = risks(&c);
        assert_eq!(r, [Risk::Process, Risk::Endpoints, Risk::Deletions]);
        assert_eq!(parse_risks(&risks_text(&r)), r);
        assert!(risks(&c[1..2]).is_empty());
    }

    #[test]
    fn a_selection_is_one_item_a_line() {
        assert_eq!(selection(" a/name \n\nb\n").unwrap(), ["a/name", "b"]);
        assert!(selection("").unwrap().is_empty());
        assert!(selection(&"x".repeat(301)).is_err());
    }
}
