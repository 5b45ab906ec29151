//! Apps server functions, at `/api/apps/...`. Each resolves the caller first;
//! the organization comes from the session, never from the arguments.

use super::domain::{AppCard, AppDetail};
use crate::values::{AppId, FieldId, FormId, ServiceId, StepId, TemplateId, UserId};

#[cfg(feature = "ssr")]
use super::queries::{self, edits};

/// A yes/no form value: `yes`, `on` (a checkbox), `true` or `1` mean yes.
#[cfg(feature = "ssr")]
fn is_yes(v: Option<&str>) -> bool {
    matches!(v, Some("yes" | "on" | "true" | "1"))
}

#[cfg(feature = "ssr")]
fn up(direction: &str) -> crate::error::AppResult<bool> {
    match direction {
        "up" => Ok(true),
        "down" => Ok(false),
        _ => Err(crate::error::AppError::new(
            crate::error::ErrorCode::InvalidInput,
        )),
    }
}

crate::api!(
    /// The apps of the current organization, most recently changed first.
    list_apps at "apps/list" for app_editor () -> Vec<AppCard>, |c| queries::list(&c.s.db, &c.ctx, c.now).await);

crate::api!(
    /// One app with everything in it (never a credential).
    get_app at "apps/get" for app_editor (app_id: AppId) -> AppDetail, |c| queries::detail(&c.s.db, &c.ctx, &app_id).await);

crate::api!(create_app at "apps/create" for app_editor (name: String, icon: String, description: String) -> AppId, |c| {
    let settings = edits::AppSettings::parse(&name, &icon, &description)?;
    let id = edits::create_app(&c.s.db, &c.ctx, &settings, c.now).await?;
    leptos_axum::redirect(&format!("/apps/{id}"));
    Ok(id)
});

crate::api!(update_app at "apps/update" for app_editor (app_id: AppId, name: String, icon: String, description: String) -> (), |c| {
    let settings = edits::AppSettings::parse(&name, &icon, &description)?;
    edits::update_app(&c.s.db, &c.ctx, &app_id, &settings, c.now).await
});

crate::api!(delete_app at "apps/delete" for app_editor (app_id: AppId) -> (), |c| {
    edits::delete_app(&c.s.db, &c.ctx, &app_id, c.now).await?;
    leptos_axum::redirect("/");
    Ok(())
});

crate::api!(add_app_admin at "apps/add_admin" for app_editor (app_id: AppId, user_id: UserId) -> (), |c|
    edits::add_app_admin(&c.s.db, &c.ctx, &app_id, &user_id, c.now).await);

crate::api!(remove_app_admin at "apps/remove_admin" for app_editor (app_id: AppId, user_id: UserId) -> (), |c|
    edits::remove_app_admin(&c.s.db, &c.ctx, &app_id, &user_id, c.now).await);

crate::api!(add_form at "apps/add_form" for app_editor (app_id: AppId, name: String, kind: String) -> FormId, |c|
    edits::add_form(&c.s.db, &c.ctx, &app_id, &name, &kind, c.now).await);

crate::api!(rename_form at "apps/rename_form" for app_editor (app_id: AppId, form_id: FormId, name: String) -> (), |c|
    edits::rename_form(&c.s.db, &c.ctx, &app_id, &form_id, &name, c.now).await);

crate::api!(move_form at "apps/move_form" for app_editor (app_id: AppId, form_id: FormId, direction: String) -> (), |c|
    edits::move_form(&c.s.db, &c.ctx, &app_id, &form_id, up(&direction)?, c.now).await);

crate::api!(delete_form at "apps/delete_form" for app_editor (app_id: AppId, form_id: FormId) -> (), |c|
    edits::delete_form(&c.s.db, &c.ctx, &app_id, &form_id, c.now).await);

crate::api!(add_field at "apps/add_field" for app_editor
(app_id: AppId, form_id: FormId, label: String, field_type: String, required: Option<String>, options: Option<String>) -> FieldId,
|c| {
    let f = edits::FieldInput::parse(&label, &field_type, is_yes(required.as_deref()), options.as_deref().unwrap_or(""))?;
    edits::add_field(&c.s.db, &c.ctx, &app_id, &form_id, &f, c.now).await
});

crate::api!(update_field at "apps/update_field" for app_editor
(app_id: AppId, field_id: FieldId, label: String, field_type: String, required: Option<String>, options: Option<String>) -> (),
|c| {
    let f = edits::FieldInput::parse(&label, &field_type, is_yes(required.as_deref()), options.as_deref().unwrap_or(""))?;
    edits::update_field(&c.s.db, &c.ctx, &app_id, &field_id, &f, c.now).await
});

crate::api!(move_field at "apps/move_field" for app_editor (app_id: AppId, field_id: FieldId, direction: String) -> (), |c|
    edits::move_field(&c.s.db, &c.ctx, &app_id, &field_id, up(&direction)?, c.now).await);

crate::api!(delete_field at "apps/delete_field" for app_editor (app_id: AppId, field_id: FieldId) -> (), |c|
    edits::delete_field(&c.s.db, &c.ctx, &app_id, &field_id, c.now).await);

crate::api!(add_step at "apps/add_step" for app_editor (app_id: AppId, form_id: FormId, name: String) -> StepId, |c|
    edits::add_step(&c.s.db, &c.ctx, &app_id, &form_id, &name, c.now).await);

crate::api!(rename_step at "apps/rename_step" for app_editor (app_id: AppId, step_id: StepId, name: String) -> (), |c|
    edits::rename_step(&c.s.db, &c.ctx, &app_id, &step_id, &name, c.now).await);

crate::api!(move_step at "apps/move_step" for app_editor (app_id: AppId, step_id: StepId, direction: String) -> (), |c|
    edits::move_step(&c.s.db, &c.ctx, &app_id, &step_id, up(&direction)?, c.now).await);

crate::api!(delete_step at "apps/delete_step" for app_editor (app_id: AppId, step_id: StepId) -> (), |c|
    edits::delete_step(&c.s.db, &c.ctx, &app_id, &step_id, c.now).await);

crate::api!(add_approver at "apps/add_approver" for app_editor (app_id: AppId, step_id: StepId, user_id: UserId) -> (), |c|
    edits::set_approver(&c.s.db, &c.ctx, &app_id, &step_id, &user_id, true, c.now).await);

crate::api!(remove_approver at "apps/remove_approver" for app_editor (app_id: AppId, step_id: StepId, user_id: UserId) -> (), |c|
    edits::set_approver(&c.s.db, &c.ctx, &app_id, &step_id, &user_id, false, c.now).await);

crate::api!(add_template at "apps/add_template" for app_editor (app_id: AppId, form_id: FormId, trigger: String, message: String) -> TemplateId,
    |c| edits::add_template(&c.s.db, &c.ctx, &app_id, &form_id, &trigger, &message, c.now).await);

crate::api!(update_template at "apps/update_template" for app_editor (app_id: AppId, template_id: TemplateId, trigger: String, message: String) -> (),
    |c| edits::update_template(&c.s.db, &c.ctx, &app_id, &template_id, &trigger, &message, c.now).await);

crate::api!(delete_template at "apps/delete_template" for app_editor (app_id: AppId, template_id: TemplateId) -> (), |c|
    edits::delete_template(&c.s.db, &c.ctx, &app_id, &template_id, c.now).await);

crate::api!(add_recipient at "apps/add_recipient" for app_editor (app_id: AppId, template_id: TemplateId, recipient: String) -> (), |c| {
    let r = super::domain::Recipient::parse(&recipient)?;
    edits::set_recipient(&c.s.db, &c.ctx, &app_id, &template_id, &r, true, c.now).await
});

crate::api!(remove_recipient at "apps/remove_recipient" for app_editor (app_id: AppId, template_id: TemplateId, recipient: String) -> (), |c| {
    let r = super::domain::Recipient::parse(&recipient)?;
    edits::set_recipient(&c.s.db, &c.ctx, &app_id, &template_id, &r, false, c.now).await
});

crate::api!(add_service at "apps/add_service" for app_editor (app_id: AppId, name: String, endpoint: String, credential: Option<String>) -> ServiceId,
|c| {
    let input = edits::ServiceInput::parse(&name, &endpoint)?;
    edits::add_service(&c.s.db, &c.ctx, &app_id, &input, credential.as_deref(), c.now).await
});

crate::api!(update_service at "apps/update_service" for app_editor (app_id: AppId, service_id: ServiceId, name: String, endpoint: String) -> (),
|c| {
    let input = edits::ServiceInput::parse(&name, &endpoint)?;
    edits::update_service(&c.s.db, &c.ctx, &app_id, &service_id, &input, c.now).await
});

crate::api!(
    /// Replaces a credential. Write-only: no function ever returns it.
    set_credential at "apps/set_credential" for app_editor (app_id: AppId, service_id: ServiceId, credential: String) -> (), |c|
    edits::set_credential(&c.s.db, &c.ctx, &app_id, &service_id, &credential, c.now).await);

crate::api!(delete_service at "apps/delete_service" for app_editor (app_id: AppId, service_id: ServiceId) -> (), |c|
    edits::delete_service(&c.s.db, &c.ctx, &app_id, &service_id, c.now).await);

crate::api!(
/// Calls the service on a form's event (`submitted`, `approved`, `rejected`).
add_service_call at "apps/add_service_call" for app_editor (app_id: AppId, service_id: ServiceId, form_id: FormId, trigger: String) -> (), |c| {
    let trigger = super::domain::Trigger::parse(&trigger)?;
    edits::set_service_call(&c.s.db, &c.ctx, &app_id, &service_id, &form_id, trigger, true, c.now).await
});

crate::api!(remove_service_call at "apps/remove_service_call" for app_editor (app_id: AppId, service_id: ServiceId, form_id: FormId, trigger: String) -> (), |c| {
    let trigger = super::domain::Trigger::parse(&trigger)?;
    edits::set_service_call(&c.s.db, &c.ctx, &app_id, &service_id, &form_id, trigger, false, c.now).await
});

crate::api!(
/// Who may use the app: `everyone` in the organization, or `chosen` members.
set_use_by at "apps/set_use_by" for app_editor (app_id: AppId, use_by: String) -> (), |c| {
    let use_by = super::domain::UseBy::parse(&use_by)?;
    edits::set_use_by(&c.s.db, &c.ctx, &app_id, use_by, c.now).await
});

crate::api!(add_app_user at "apps/add_user" for app_editor (app_id: AppId, user_id: UserId) -> (), |c|
    edits::set_app_user(&c.s.db, &c.ctx, &app_id, &user_id, true, c.now).await);

crate::api!(remove_app_user at "apps/remove_user" for app_editor (app_id: AppId, user_id: UserId) -> (), |c|
    edits::set_app_user(&c.s.db, &c.ctx, &app_id, &user_id, false, c.now).await);
