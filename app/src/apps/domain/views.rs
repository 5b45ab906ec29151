//! What the apps pages are sent: cards, the app with its parts, times.

use super::*;

/// A person in a choice list: "name <email>", or the name alone when the
/// address is withheld (an ISV in maintenance sees names only).
pub fn person_label(name: &str, email: &str) -> String {
    if email.is_empty() {
        name.to_string()
    } else {
        format!("{name} <{email}>")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCard {
    pub id: String,
    pub name: String,
    pub icon: Icon,
    pub description: String,
    pub origin: String,
    pub updated_at: i64,
    pub updated_by: String,
    pub forms: i64,
    pub can_edit: bool,
    /// The card menu offers "Distribute this app" (certified ISV, may edit).
    pub can_distribute: bool,
    /// Parts of an installed copy still need configuration.
    pub setup_incomplete: bool,
    /// An installed app whose maintenance access is open (shown to admins).
    pub access_open: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldView {
    pub id: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub id: String,
    pub name: String,
    pub approvers: Vec<UserRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormView {
    pub id: String,
    pub name: String,
    pub kind: FormKind,
    pub fields: Vec<FieldView>,
    pub steps: Vec<StepView>,
    pub process_needs_config: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientView {
    pub value: String,
    /// A user's name, or empty for "the submitter".
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: String,
    pub form_id: String,
    pub form_name: String,
    pub trigger: Trigger,
    pub recipients: Vec<RecipientView>,
    pub message: String,
    pub needs_config: bool,
}

/// A third-party service as the browser may see it: never the credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub endpoint: String,
    pub credential_set_at: Option<i64>,
    pub needs_config: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppDetail {
    pub id: String,
    pub name: String,
    pub icon: Icon,
    pub description: String,
    pub origin: String,
    pub version: i64,
    pub updated_at: i64,
    pub can_edit: bool,
    pub admins: Vec<UserRef>,
    /// Users of the owning organization, to choose admins and approvers from.
    pub users: Vec<UserRef>,
    pub forms: Vec<FormView>,
    pub templates: Vec<TemplateView>,
    pub services: Vec<ServiceView>,
}

/// `YYYY-MM-DD HH:MM` (UTC) from unix milliseconds; the same on server and browser.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}
