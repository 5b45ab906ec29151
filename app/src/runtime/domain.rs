//! Using an app: the values people enter, the records they make, their
//! approval steps and the messages the app sends. Pure: checked the same way
//! wherever they are read.

use crate::apps::domain::{FieldType, FieldView};
use crate::error::{ErrorCode, FieldError};
use crate::str_enum;
use crate::values::{FieldId, MessageId, RecordId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest text value, in characters.
pub const TEXT_MAX: usize = 2000;
/// Records per page of a records list.
pub const PAGE: usize = 50;

str_enum!(RecordStatus, InvalidInput {
    Submitted => "submitted", StatusSubmitted;
    InApproval => "in_approval", StatusInApproval;
    Approved => "approved", StatusApproved;
    Rejected => "rejected", StatusRejected;
});

str_enum!(Decision, InvalidInput {
    Approve => "approve", Approve;
    Reject => "reject", Reject;
});

/// One value as a user entered it, checked against its field's type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Text(String),
    /// A number as written (`12.50` stays `12.50`).
    Number(String),
    /// `YYYY-MM-DD`.
    Date(String),
    One(String),
    Many(Vec<String>),
    Member {
        id: UserId,
        name: String,
    },
}

impl Value {
    /// How the value reads on a page, in a message or in a search.
    pub fn show(&self) -> String {
        match self {
            Value::Text(s) | Value::Number(s) | Value::Date(s) | Value::One(s) => s.clone(),
            Value::Many(v) => v.join(", "),
            Value::Member { name, .. } => name.clone(),
        }
    }

    /// The choices this value holds (none for other types).
    pub fn choices(&self) -> &[String] {
        match self {
            Value::One(s) => std::slice::from_ref(s),
            Value::Many(v) => v,
            _ => &[],
        }
    }
}

/// A value as stored on its record: with the label and type its field had,
/// so the record reads the same after the field changes or goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnteredValue {
    pub field_id: FieldId,
    pub label: String,
    pub field_type: FieldType,
    pub value: Value,
}

/// What the submit form sends: `values[f<field id>]` for one value, and
/// `values[f<field id>~<n>]` for each ticked option of a multiple choice.
/// (The `f` keeps a key from starting with a digit, which the form decoder
/// would read as a list index.)
pub type RawValues = BTreeMap<String, String>;

/// The key of a field's value in [`RawValues`]; `option` for the n-th
/// checkbox of a multiple choice.
pub fn value_key(field: &FieldId, option: Option<usize>) -> String {
    match option {
        Some(n) => format!("f{field}~{n}"),
        None => format!("f{field}"),
    }
}

/// The raw inputs for one field.
fn inputs<'a>(raw: &'a RawValues, field: &FieldId) -> Vec<&'a str> {
    let key = value_key(field, None);
    raw.iter()
        .filter(|(k, _)| {
            k.as_str() == key
                || k.strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.starts_with('~'))
        })
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Whether `s` is a calendar date written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

/// Whether `s` is a finite decimal number (`-3`, `12.50`, `1e3`).
pub fn is_number(s: &str) -> bool {
    s.len() <= 40
        && s.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
        && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Checks every value of a submission against its form's fields. A member
/// field's value must name someone `member_name` knows (the organization's
/// people). Every problem is reported, each beside its field.
pub fn check(
    fields: &[FieldView],
    raw: &RawValues,
    member_name: impl Fn(&str) -> Option<String>,
) -> Result<Vec<EnteredValue>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for f in fields {
        let given = inputs(raw, &f.id);
        let fail = |code| FieldError {
            field_id: f.id.to_string(),
            code,
        };
        if given.is_empty() {
            if f.required {
                errors.push(fail(ErrorCode::ValueRequired));
            }
            continue;
        }
        let one = given[0];
        let value = match f.field_type {
            FieldType::MultiChoice => {
                if given.iter().any(|v| !f.options.iter().any(|o| o == v)) {
                    Err(ErrorCode::InvalidChoice)
                } else {
                    // In the options' order, each once.
                    Ok(Value::Many(
                        f.options
                            .iter()
                            .filter(|o| given.contains(&o.as_str()))
                            .cloned()
                            .collect(),
                    ))
                }
            }
            _ if given.len() > 1 => Err(ErrorCode::InvalidInput),
            FieldType::Text => {
                if one.chars().count() > TEXT_MAX {
                    Err(ErrorCode::ValueTooLong)
                } else if one
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r')
                {
                    Err(ErrorCode::InvalidInput)
                } else {
                    Ok(Value::Text(one.replace("\r\n", "\n")))
                }
            }
            FieldType::Number if is_number(one) => Ok(Value::Number(one.to_string())),
            FieldType::Number => Err(ErrorCode::InvalidNumber),
            FieldType::Date if is_date(one) => Ok(Value::Date(one.to_string())),
            FieldType::Date => Err(ErrorCode::InvalidDate),
            FieldType::SingleChoice if f.options.iter().any(|o| o == one) => {
                Ok(Value::One(one.to_string()))
            }
            FieldType::SingleChoice => Err(ErrorCode::InvalidChoice),
            FieldType::Member => match member_name(one) {
                Some(name) => Ok(Value::Member {
                    id: one.into(),
                    name,
                }),
                None => Err(ErrorCode::InvalidMember),
            },
        };
        match value {
            Ok(value) => out.push(EnteredValue {
                field_id: f.id.clone(),
                label: f.label.clone(),
                field_type: f.field_type,
                value,
            }),
            Err(code) => errors.push(fail(code)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The text a records search looks in: every value, lower-cased.
pub fn search_text(values: &[EnteredValue]) -> String {
    values
        .iter()
        .map(|v| v.value.show().to_lowercase())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A message with each `{{label}}` replaced by the record's value of that
/// field (empty when the record has none).
pub fn render(message: &str, values: &[EnteredValue]) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push_str(&rest[..start]);
        let label = after[..end].trim();
        if let Some(v) = values.iter().find(|v| v.label == label) {
            out.push_str(&v.value.show());
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// An approval step as a record keeps it: its name and approvers when the
/// approval started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub name: String,
    pub approvers: Vec<UserId>,
}

/// A value on a record page, with what became of its field since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueView {
    pub label: String,
    pub text: String,
    /// The field is no longer in the form.
    pub field_removed: bool,
    /// Stored options the field no longer offers.
    pub removed_options: Vec<String>,
}

/// How stored values read against the form as it is now.
pub fn value_views(values: &[EnteredValue], fields: &[FieldView]) -> Vec<ValueView> {
    values
        .iter()
        .map(|v| {
            let now = fields.iter().find(|f| f.id == v.field_id);
            ValueView {
                label: now
                    .map(|f| f.label.clone())
                    .unwrap_or_else(|| v.label.clone()),
                text: v.value.show(),
                field_removed: now.is_none(),
                removed_options: match now {
                    Some(f) if f.field_type.has_options() => v
                        .value
                        .choices()
                        .iter()
                        .filter(|c| !f.options.contains(c))
                        .cloned()
                        .collect(),
                    _ => Vec::new(),
                },
            }
        })
        .collect()
}

/// A row of a records list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRow {
    pub id: RecordId,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub status: RecordStatus,
    /// The first few values, to tell records apart.
    pub summary: String,
}

/// One page of records, newest first; `next` continues after the last row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordPage {
    pub rows: Vec<RecordRow>,
    pub next: Option<String>,
    /// The caller sees every record of the app (an admin), not only their own.
    pub sees_all: bool,
}

str_enum!(EventKind, InvalidInput {
    Submitted => "submitted", EvSubmitted;
    Approved => "approved", EvApproved;
    Rejected => "rejected", EvRejected;
    Notified => "notified", EvNotified;
    NotifySkipped => "notify_skipped", EvNotifySkipped;
    ServiceQueued => "service_queued", EvServiceQueued;
    ServiceSent => "service_sent", EvServiceSent;
    ServiceFailed => "service_failed", EvServiceFailed;
});

/// One line of a record's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: i64,
    pub kind: EventKind,
    pub actor: String,
    /// A step's name, or whom a message went to.
    pub detail: String,
    /// An approver's comment.
    pub comment: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordDetail {
    pub id: RecordId,
    pub app_id: crate::values::AppId,
    pub app_name: String,
    pub form_name: String,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub status: RecordStatus,
    pub values: Vec<ValueView>,
    pub steps: Vec<String>,
    /// The step waiting for a decision (in approval only).
    pub current_step: Option<usize>,
    /// The caller is one of the current step's approvers.
    pub may_decide: bool,
    pub history: Vec<EventView>,
}

/// A record waiting for the caller's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodoItem {
    pub record_id: RecordId,
    pub app_name: String,
    pub form_name: String,
    pub step: String,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: MessageId,
    pub record_id: RecordId,
    pub app_name: String,
    pub body: String,
    pub created_at: i64,
    pub read: bool,
}

/// What the header counts: decisions waiting and unread messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub todo: i64,
    pub unread: i64,
}

str_enum!(DeliveryStatus, InvalidInput {
    Pending => "pending", DeliveryPending;
    Held => "held", DeliveryHeld;
    Sent => "sent", DeliverySent;
    Failed => "failed", DeliveryFailed;
});

/// One call to a third-party service, as the app's delivery log shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: crate::values::DeliveryId,
    pub service: String,
    pub event: crate::apps::domain::Trigger,
    pub record_id: RecordId,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_code: Option<i64>,
    pub last_error: String,
    /// When the next attempt is due (pending calls).
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
}

/// The first values of a record, for lists.
pub fn summary(values: &[EnteredValue]) -> String {
    let mut s = values
        .iter()
        .take(3)
        .map(|v| v.value.show())
        .collect::<Vec<_>>()
        .join(" · ");
    if s.chars().count() > 120 {
        s = s.chars().take(119).collect::<String>() + "…";
    }
    s
}

#[cfg(test)]
mod tests;
