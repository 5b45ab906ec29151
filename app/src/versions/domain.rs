//! Versions of an app and what changes between them: the version numbers,
//! the bump a change needs, and the change report the merge engine writes
//! (shown to the ISV when publishing and to the customer before an upgrade).

use crate::error::{AppError, AppResult, ErrorCode};
use crate::str_enum;
use crate::values::{AppId, VersionId};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod merge;

/// A published version number, `major.minor.patch` (also as JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const FIRST: Version = Version {
        major: 1,
        minor: 0,
        patch: 0,
    };

    /// Three numbers of at most six digits, no leading zeros (`1.10.0`).
    pub fn parse(raw: &str) -> AppResult<Version> {
        let bad = || AppError::new(ErrorCode::InvalidVersion);
        let parts: Vec<&str> = raw.trim().split('.').collect();
        let [a, b, c] = parts.as_slice() else {
            return Err(bad());
        };
        let num = |s: &str| -> AppResult<u32> {
            let ok = !s.is_empty()
                && s.len() <= 6
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0'));
            if !ok {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        Ok(Version {
            major: num(a)?,
            minor: num(b)?,
            patch: num(c)?,
        })
    }

    /// The smallest version after `self` with a bump of `level`.
    pub fn next(self, level: Level) -> Version {
        match level {
            Level::Patch => Version {
                patch: self.patch + 1,
                ..self
            },
            Level::Minor => Version {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
            Level::Major => Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }

    /// The bump from `self` to `to`; `None` unless `to` is greater.
    pub fn bump_to(self, to: Version) -> Option<Level> {
        if to <= self {
            None
        } else if to.major > self.major {
            Some(Level::Major)
        } else if to.minor > self.minor {
            Some(Level::Minor)
        } else {
            Some(Level::Patch)
        }
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Version, D::Error> {
        let s = String::deserialize(d)?;
        Version::parse(&s).map_err(|_| serde::de::Error::custom("not a version number"))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

str_enum!(
    /// How much a change set needs the version number to move.
    Level, InvalidInput {
        Patch => "patch", LevelPatch;
        Minor => "minor", LevelMinor;
        Major => "major", LevelMajor;
    }
);

impl Level {
    fn rank(self) -> u8 {
        match self {
            Level::Patch => 0,
            Level::Minor => 1,
            Level::Major => 2,
        }
    }

    /// Whether a bump of `self` is enough for changes needing `needed`.
    pub fn covers(self, needed: Level) -> bool {
        self.rank() >= needed.rank()
    }

    pub fn max(self, other: Level) -> Level {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

/// Checks a version about to be published against the latest published one
/// and the bump its changes need (`None`: nothing changed).
pub fn check_publish(
    latest: Option<Version>,
    needed: Option<Level>,
    version: Version,
) -> AppResult<()> {
    let Some(latest) = latest else {
        return Ok(());
    };
    let Some(needed) = needed else {
        return Err(AppError::new(ErrorCode::NothingToPublish));
    };
    match latest.bump_to(version) {
        None => Err(AppError::new(ErrorCode::VersionNotGreater)),
        Some(bump) if !bump.covers(needed) => Err(AppError::new(match needed {
            Level::Major => ErrorCode::NeedsMajor,
            _ => ErrorCode::NeedsMinor,
        })),
        Some(_) => Ok(()),
    }
}

str_enum!(
    /// The kinds of parts of an app definition.
    Part, InvalidInput {
        App => "app", PartApp;
        Form => "form", PartForm;
        Field => "field", PartField;
        Step => "step", PartStep;
        Template => "template", PartTemplate;
        Service => "service", PartService;
    }
);

str_enum!(
    /// A property of a part (`Exists` is the part itself: added or removed).
    Prop, InvalidInput {
        Exists => "exists", PropExists;
        Name => "name", PropName;
        Icon => "icon", PropIcon;
        Description => "description", PropDescription;
        Kind => "kind", PropKind;
        Label => "label", PropLabel;
        Type => "type", PropType;
        Required => "required", PropRequired;
        Option => "option", PropOption;
        Order => "order", PropOrder;
        Form => "form", PropForm;
        Trigger => "trigger", PropTrigger;
        Message => "message", PropMessage;
        Endpoint => "endpoint", PropEndpoint;
        Call => "call", PropCall;
        Approvers => "approvers", PropApprovers;
        Recipients => "recipients", PropRecipients;
    }
);

str_enum!(
    /// What a merge did with one property (or one part).
    Outcome, InvalidInput {
        Applied => "applied", OutcomeApplied;
        Kept => "kept", OutcomeKept;
        Agreed => "agreed", OutcomeAgreed;
        Merged => "merged", OutcomeMerged;
        Conflict => "conflict", OutcomeConflict;
        Added => "added", OutcomeAdded;
        Removed => "removed", OutcomeRemoved;
        StaysDeleted => "stays_deleted", OutcomeStaysDeleted;
        NowYours => "now_yours", OutcomeNowYours;
    }
);

str_enum!(
    /// A conflict's resolution; keeping the customer's value is the default.
    Resolution, InvalidInput {
        KeepMine => "keep_mine", KeepMine;
        TakeNew => "take_new", TakeNew;
    }
);

/// One line of a change report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Stable within one merge of the same three versions: names a conflict
    /// in the customer's choices (`<part key>/<prop>`).
    pub id: String,
    /// The part's key (see `apps::snapshot`); empty for the app itself.
    pub key: String,
    pub part: Part,
    /// The part's name or label as it reads after the merge (or before, if gone).
    pub name: String,
    /// The form the part belongs to, for fields, steps and templates.
    pub form: Option<String>,
    pub prop: Prop,
    pub outcome: Outcome,
    /// Shown values (choice codes for typed properties).
    pub base: Option<String>,
    pub mine: Option<String>,
    pub new: Option<String>,
    /// For conflicts: what the merge took.
    pub resolution: Option<Resolution>,
    /// A part added by the new version that needs the customer's setup
    /// (approvers, recipients, a credential).
    pub needs_setup: bool,
}

impl Change {
    /// The version bump this change needs when the ISV publishes it.
    pub fn level(&self) -> Level {
        match (self.outcome, self.prop) {
            (Outcome::Removed, _) => Level::Major,
            (_, Prop::Type | Prop::Kind) => Level::Major,
            (Outcome::Added, Prop::Option) => Level::Patch,
            (Outcome::Added, _) => Level::Minor,
            _ => Level::Patch,
        }
    }
}

/// The bump a list of changes needs; `None` when there is none.
pub fn needed_level(changes: &[Change]) -> Option<Level> {
    changes.iter().map(Change::level).reduce(|a, b| a.max(b))
}

/// A published version as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub id: VersionId,
    pub version: Version,
    pub notes: String,
    /// The bump its changes needed (`None`: the first version).
    pub level: Option<Level>,
    pub changes: i64,
    pub published_at: i64,
    pub published_by: String,
}

/// An app's versions and what publishing now would carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionsView {
    pub app_id: AppId,
    /// Newest first.
    pub versions: Vec<VersionView>,
    /// The changes since the latest version (empty before the first).
    pub changes: Vec<Change>,
    pub needed: Option<Level>,
    /// The smallest version number the changes allow.
    pub suggested: Version,
}

impl VersionsView {
    /// Whether publishing now is possible (something changed, or nothing is published yet).
    pub fn can_publish(&self) -> bool {
        self.versions.is_empty() || self.needed.is_some()
    }
}

/// What the ISV types to publish.
#[derive(Clone, Debug)]
pub struct Publish {
    pub version: Version,
    pub notes: String,
}

pub mod limits {
    pub const NOTES: usize = 2000;
}

impl Publish {
    pub fn parse(version: &str, notes: &str) -> AppResult<Publish> {
        Ok(Publish {
            version: Version::parse(version)?,
            notes: crate::values::optional_text(notes, limits::NOTES, ErrorCode::InvalidNotes)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_strictly_and_order_numerically() {
        assert_eq!(
            Version::parse(" 1.10.0 ").unwrap(),
            Version {
                major: 1,
                minor: 10,
                patch: 0
            }
        );
        for bad in [
            "1.0",
            "1.0.0.0",
            "01.0.0",
            "1.a.0",
            "",
            "1..0",
            "-1.0.0",
            "1.0.1234567",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
        assert!(Version::parse("1.10.0").unwrap() > Version::parse("1.9.9").unwrap());
        assert_eq!(Version::FIRST.next(Level::Minor).to_string(), "1.1.0");
        let json = serde_json::to_string(&Version::FIRST).unwrap();
        assert_eq!(json, "\"1.0.0\"");
        assert_eq!(
            serde_json::from_str::<Version>(&json).unwrap(),
            Version::FIRST
        );
        assert_eq!(
            Version::parse("1.2.3")
                .unwrap()
                .next(Level::Major)
                .to_string(),
            "2.0.0"
        );
    }

    #[test]
    fn a_bump_too_small_for_the_changes_is_refused() {
        let v = |s| Version::parse(s).unwrap();
        let code = |r: AppResult<()>| r.unwrap_err().code;
        assert!(check_publish(None, None, v("0.1.0")).is_ok());
        assert!(check_publish(Some(v("1.0.0")), Some(Level::Patch), v("1.0.1")).is_ok());
        assert!(check_publish(Some(v("1.0.0")), Some(Level::Patch), v("2.0.0")).is_ok());
        assert_eq!(
            code(check_publish(
                Some(v("1.0.0")),
                Some(Level::Minor),
                v("1.0.1")
            )),
            ErrorCode::NeedsMinor
        );
        assert_eq!(
            code(check_publish(
                Some(v("1.0.0")),
                Some(Level::Major),
                v("1.1.0")
            )),
            ErrorCode::NeedsMajor
        );
        assert_eq!(
            code(check_publish(
                Some(v("1.2.0")),
                Some(Level::Patch),
                v("1.1.9")
            )),
            ErrorCode::VersionNotGreater
        );
        assert_eq!(
            code(check_publish(Some(v("1.2.0")), None, v("1.3.0"))),
            ErrorCode::NothingToPublish
        );
    }
}
