//! Apps server functions, at `/api/apps/...`. Each resolves the caller first;
//! the organization comes from the session, never from the arguments.

use super::domain::{AppCard, AppDetail};
use crate::error::AppError;
use leptos::prelude::*;

/// A server function that runs `$body` with the server state, the caller and
/// the current time, and turns failures into coded 4xx answers.
macro_rules! app_fn {
    ($(#[$m:meta])* $name:ident, $endpoint:literal, ($($arg:ident : $ty:ty),*) -> $out:ty, |$s:ident, $ctx:ident, $now:ident| $body:expr) => {
        $(#[$m])*
        #[server(prefix = "/api", endpoint = $endpoint)]
        pub async fn $name($($arg: $ty),*) -> Result<$out, AppError> {
            #[allow(unused_imports)]
            use crate::apps::{edits, reads};
            crate::error::respond(
                async {
                    let ($s, $ctx) = crate::accounts::ctx::app_caller().await?;
                    let $now = $s.clock.now_ms();
                    let _ = $now;
                    $body
                }
                .await,
            )
        }
    };
}

/// A yes/no form value: `yes`, `on` (a checkbox), `true` or `1` mean yes.
#[cfg(feature = "ssr")]
fn is_yes(v: Option<&str>) -> bool {
    matches!(v, Some("yes" | "on" | "true" | "1"))
}

#[cfg(feature = "ssr")]
fn up(direction: &str) -> Result<bool, AppError> {
    match direction {
        "up" => Ok(true),
        "down" => Ok(false),
        _ => Err(AppError::new(crate::error::ErrorCode::InvalidInput)),
    }
}

app_fn!(
    /// The apps of the current organization, most recently changed first.
    list_apps, "apps/list", () -> Vec<AppCard>, |s, ctx, now| reads::list(&s.db, &ctx, now).await);

app_fn!(
    /// One app with everything in it (never a credential).
    get_app, "apps/get", (app_id: String) -> AppDetail, |s, ctx, now| reads::detail(&s.db, &ctx, &app_id).await);

app_fn!(create_app, "apps/create", (name: String, icon: String, description: String) -> String, |s, ctx, now| {
    let settings = edits::AppSettings::parse(&name, &icon, &description)?;
    let id = edits::create_app(&s.db, &ctx, &settings, now).await?;
    leptos_axum::redirect(&format!("/apps/{id}"));
    Ok(id)
});

app_fn!(update_app, "apps/update", (app_id: String, name: String, icon: String, description: String) -> (), |s, ctx, now| {
    let settings = edits::AppSettings::parse(&name, &icon, &description)?;
    edits::update_app(&s.db, &ctx, &app_id, &settings, now).await
});

app_fn!(delete_app, "apps/delete", (app_id: String) -> (), |s, ctx, now| {
    edits::delete_app(&s.db, &ctx, &app_id, now).await?;
    leptos_axum::redirect("/");
    Ok(())
});

app_fn!(add_app_admin, "apps/add_admin", (app_id: String, user_id: String) -> (), |s, ctx, now|
    edits::add_app_admin(&s.db, &ctx, &app_id, &user_id, now).await);

app_fn!(remove_app_admin, "apps/remove_admin", (app_id: String, user_id: String) -> (), |s, ctx, now|
    edits::remove_app_admin(&s.db, &ctx, &app_id, &user_id, now).await);

app_fn!(add_form, "apps/add_form", (app_id: String, name: String, kind: String) -> String, |s, ctx, now|
    edits::add_form(&s.db, &ctx, &app_id, &name, &kind, now).await);

app_fn!(rename_form, "apps/rename_form", (app_id: String, form_id: String, name: String) -> (), |s, ctx, now|
    edits::rename_form(&s.db, &ctx, &app_id, &form_id, &name, now).await);

app_fn!(move_form, "apps/move_form", (app_id: String, form_id: String, direction: String) -> (), |s, ctx, now|
    edits::move_form(&s.db, &ctx, &app_id, &form_id, up(&direction)?, now).await);

app_fn!(delete_form, "apps/delete_form", (app_id: String, form_id: String) -> (), |s, ctx, now|
    edits::delete_form(&s.db, &ctx, &app_id, &form_id, now).await);

app_fn!(add_field, "apps/add_field",
(app_id: String, form_id: String, label: String, field_type: String, required: Option<String>, options: Option<String>) -> String,
|s, ctx, now| {
    let f = edits::FieldInput::parse(&label, &field_type, is_yes(required.as_deref()), options.as_deref().unwrap_or(""))?;
    edits::add_field(&s.db, &ctx, &app_id, &form_id, &f, now).await
});

app_fn!(update_field, "apps/update_field",
(app_id: String, field_id: String, label: String, field_type: String, required: Option<String>, options: Option<String>) -> (),
|s, ctx, now| {
    let f = edits::FieldInput::parse(&label, &field_type, is_yes(required.as_deref()), options.as_deref().unwrap_or(""))?;
    edits::update_field(&s.db, &ctx, &app_id, &field_id, &f, now).await
});

app_fn!(move_field, "apps/move_field", (app_id: String, field_id: String, direction: String) -> (), |s, ctx, now|
    edits::move_field(&s.db, &ctx, &app_id, &field_id, up(&direction)?, now).await);

app_fn!(delete_field, "apps/delete_field", (app_id: String, field_id: String) -> (), |s, ctx, now|
    edits::delete_field(&s.db, &ctx, &app_id, &field_id, now).await);

app_fn!(add_step, "apps/add_step", (app_id: String, form_id: String, name: String) -> String, |s, ctx, now|
    edits::add_step(&s.db, &ctx, &app_id, &form_id, &name, now).await);

app_fn!(move_step, "apps/move_step", (app_id: String, step_id: String, direction: String) -> (), |s, ctx, now|
    edits::move_step(&s.db, &ctx, &app_id, &step_id, up(&direction)?, now).await);

app_fn!(delete_step, "apps/delete_step", (app_id: String, step_id: String) -> (), |s, ctx, now|
    edits::delete_step(&s.db, &ctx, &app_id, &step_id, now).await);

app_fn!(add_approver, "apps/add_approver", (app_id: String, step_id: String, user_id: String) -> (), |s, ctx, now|
    edits::set_approver(&s.db, &ctx, &app_id, &step_id, &user_id, true, now).await);

app_fn!(remove_approver, "apps/remove_approver", (app_id: String, step_id: String, user_id: String) -> (), |s, ctx, now|
    edits::set_approver(&s.db, &ctx, &app_id, &step_id, &user_id, false, now).await);

app_fn!(add_template, "apps/add_template", (app_id: String, form_id: String, trigger: String, message: String) -> String,
    |s, ctx, now| edits::add_template(&s.db, &ctx, &app_id, &form_id, &trigger, &message, now).await);

app_fn!(update_template, "apps/update_template", (app_id: String, template_id: String, trigger: String, message: String) -> (),
    |s, ctx, now| edits::update_template(&s.db, &ctx, &app_id, &template_id, &trigger, &message, now).await);

app_fn!(delete_template, "apps/delete_template", (app_id: String, template_id: String) -> (), |s, ctx, now|
    edits::delete_template(&s.db, &ctx, &app_id, &template_id, now).await);

app_fn!(add_recipient, "apps/add_recipient", (app_id: String, template_id: String, recipient: String) -> (), |s, ctx, now| {
    let r = super::domain::Recipient::parse(&recipient)?;
    edits::set_recipient(&s.db, &ctx, &app_id, &template_id, &r, true, now).await
});

app_fn!(remove_recipient, "apps/remove_recipient", (app_id: String, template_id: String, recipient: String) -> (), |s, ctx, now| {
    let r = super::domain::Recipient::parse(&recipient)?;
    edits::set_recipient(&s.db, &ctx, &app_id, &template_id, &r, false, now).await
});

app_fn!(add_service, "apps/add_service", (app_id: String, name: String, endpoint: String, credential: Option<String>) -> String,
|s, ctx, now| {
    let input = edits::ServiceInput::parse(&name, &endpoint)?;
    edits::add_service(&s.db, &ctx, &app_id, &input, credential.as_deref(), now).await
});

app_fn!(update_service, "apps/update_service", (app_id: String, service_id: String, name: String, endpoint: String) -> (),
|s, ctx, now| {
    let input = edits::ServiceInput::parse(&name, &endpoint)?;
    edits::update_service(&s.db, &ctx, &app_id, &service_id, &input, now).await
});

app_fn!(
    /// Replaces a credential. Write-only: no function ever returns it.
    set_credential, "apps/set_credential", (app_id: String, service_id: String, credential: String) -> (), |s, ctx, now|
    edits::set_credential(&s.db, &ctx, &app_id, &service_id, &credential, now).await);

app_fn!(delete_service, "apps/delete_service", (app_id: String, service_id: String) -> (), |s, ctx, now|
    edits::delete_service(&s.db, &ctx, &app_id, &service_id, now).await);
