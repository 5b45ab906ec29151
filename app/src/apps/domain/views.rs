//! What the apps pages are sent: cards, the app with its parts, times.

use super::*;
use crate::values::{AppId, FieldId, FormId, ServiceId, StepId, TemplateId, UserId};

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
    pub id: UserId,
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCard {
    pub id: AppId,
    pub name: String,
    pub icon: Icon,
    pub description: String,
    pub origin: String,
    pub updated_at: i64,
    pub updated_by: String,
    pub forms: i64,
    pub can_edit: bool,
    /// The caller may use the app (submit its forms).
    pub can_use: bool,
    /// The card menu offers "Distribute this app" (certified ISV, may edit).
    pub can_distribute: bool,
    /// Parts of an installed copy still need configuration.
    pub setup_incomplete: bool,
    /// An installed app whose maintenance access is open (shown to admins).
    pub access_open: bool,
    /// A version offered to this copy and not yet decided (shown to its admins).
    pub upgrade_offered: Option<String>,
    /// Maintenance sessions whose changes its admins have not reviewed.
    pub unreviewed_changes: i64,
    /// An installed copy's licence when it limits use (read-only,
    /// archived, suspended), or its grace (for the admins), with the end of
    /// normal use while in grace.
    pub licence_warning: Option<(crate::licences::domain::LicenceState, Option<i64>)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldView {
    pub id: FieldId,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub id: StepId,
    pub name: String,
    pub approvers: Vec<UserRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormView {
    pub id: FormId,
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
    pub id: TemplateId,
    pub form_id: FormId,
    pub form_name: String,
    pub trigger: Trigger,
    pub recipients: Vec<RecipientView>,
    pub message: String,
    pub needs_config: bool,
}

/// A third-party service as the browser may see it: never the credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceView {
    pub id: ServiceId,
    pub name: String,
    pub endpoint: String,
    pub credential_set_at: Option<i64>,
    pub needs_config: bool,
    /// The form events it is called on.
    pub calls: Vec<ServiceCall>,
}

/// One form event a service is called on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCall {
    pub form_id: FormId,
    pub form_name: String,
    pub trigger: Trigger,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppDetail {
    pub id: AppId,
    pub name: String,
    pub icon: Icon,
    pub description: String,
    pub origin: String,
    pub version: i64,
    pub updated_at: i64,
    pub can_edit: bool,
    /// The caller may use the app (submit its forms).
    pub can_use: bool,
    pub use_by: UseBy,
    /// The members chosen to use it (when `use_by` is `Chosen`).
    pub app_users: Vec<UserRef>,
    pub admins: Vec<UserRef>,
    /// Users of the owning organization, to choose admins and approvers from.
    pub users: Vec<UserRef>,
    pub forms: Vec<FormView>,
    pub templates: Vec<TemplateView>,
    pub services: Vec<ServiceView>,
}
