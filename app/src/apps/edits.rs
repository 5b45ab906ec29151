//! Changes to apps. Each runs in one write transaction with its audit entry
//! (see `AppEdit`); a failed check leaves nothing behind.

use super::access::{AppEdit, Sibling};
use super::domain::{limits, *};
use super::snapshot::{self, AppSnapshot};
use crate::accounts::ctx::Ctx;
use crate::accounts::Role;
use crate::db::{new_id, Db};
use crate::error::{AppError, AppResult, ErrorCode};
use serde_json::{json, Value};

#[derive(Debug)]
pub struct AppSettings {
    pub name: String,
    pub icon: Icon,
    pub description: String,
}

impl AppSettings {
    pub fn parse(name: &str, icon: &str, description: &str) -> AppResult<AppSettings> {
        Ok(AppSettings {
            name: text(name, limits::APP_NAME, ErrorCode::InvalidAppName)?,
            icon: Icon::parse(icon)?,
            description: optional_text(
                description,
                limits::DESCRIPTION,
                ErrorCode::InvalidDescription,
            )?,
        })
    }
}

/// A new, empty app in the caller's organization (admins only).
pub async fn create_app(db: &Db, ctx: &Ctx, s: &AppSettings, now: i64) -> AppResult<String> {
    let org = ctx.org()?;
    if org.role != Role::Admin {
        return Err(AppError::new(ErrorCode::AppCreateAdminOnly));
    }
    let snap = AppSnapshot {
        format: snapshot::FORMAT,
        name: s.name.clone(),
        icon: s.icon,
        description: s.description.clone(),
        admins: vec![],
        forms: vec![],
        templates: vec![],
        services: vec![],
    };
    let mut tx = db.begin_write().await?;
    let deploy = snapshot::Deploy {
        org_id: &org.org_id.0,
        actor_user_id: &ctx.user_id.0,
        origin: "own",
        foreign: false,
        now,
    };
    let app_id = snapshot::deploy(&mut tx, &snap, &deploy).await?;
    let entry = crate::audit::Entry {
        org_id: &org.org_id.0,
        actor_user_id: &ctx.user_id.0,
        acting_as: "admin",
        actor_org_id: None,
        app_id: Some(&app_id),
        action: "app.create",
        target: &app_id,
        before: None,
        after: Some(
            json!({ "name": s.name, "icon": s.icon.as_str(), "description": s.description }),
        ),
    };
    crate::audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(app_id)
}

pub async fn update_app(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    s: &AppSettings,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (name, icon, description): (String, String, String) =
        sqlx::query_as("SELECT name, icon, description FROM apps WHERE id = $1")
            .bind(app_id)
            .fetch_one(&mut *e.tx)
            .await?;
    sqlx::query("UPDATE apps SET name = $1, icon = $2, description = $3 WHERE id = $4")
        .bind(&s.name)
        .bind(s.icon.as_str())
        .bind(&s.description)
        .bind(app_id)
        .execute(&mut *e.tx)
        .await?;
    let before = json!({ "name": name, "icon": icon, "description": description });
    let after = json!({ "name": s.name, "icon": s.icon.as_str(), "description": s.description });
    e.finish("app.update", app_id, Some(before), Some(after))
        .await
}

pub async fn delete_app(db: &Db, ctx: &Ctx, app_id: &str, now: i64) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let before = snapshot::load(&mut e.tx, app_id)
        .await?
        .map(|s| serde_json::to_value(s).unwrap_or(Value::Null));
    // Foreign keys cascade to forms, fields, steps, templates, services, admins.
    sqlx::query("DELETE FROM apps WHERE id = $1")
        .bind(app_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish_deleted("app.delete", app_id, before).await
}

impl AppEdit {
    /// Moves an item and records it; at the edge nothing changes and nothing is recorded.
    async fn move_and_finish(
        mut self,
        table: Sibling,
        parent: &str,
        id: &str,
        up: bool,
        action: &str,
    ) -> AppResult<()> {
        if !self.move_item(table, parent, id, up).await? {
            return Ok(());
        }
        let direction = json!({ "direction": if up { "up" } else { "down" } });
        self.finish(action, id, None, Some(direction)).await
    }

    /// Like `finish`, for a change that removed the app itself.
    async fn finish_deleted(
        mut self,
        action: &str,
        target: &str,
        before: Option<Value>,
    ) -> AppResult<()> {
        let entry = crate::audit::Entry {
            org_id: &self.org_id,
            actor_user_id: &self.actor,
            acting_as: &self.acting_as,
            actor_org_id: self.actor_org_id.as_deref(),
            app_id: Some(target),
            action,
            target,
            before,
            after: None,
        };
        crate::audit::record(&mut self.tx, entry, self.now).await?;
        self.tx.commit().await?;
        Ok(())
    }
}

pub async fn add_app_admin(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    user_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    e.require_org_user(user_id).await?;
    let res = sqlx::query("INSERT INTO app_admins (app_id, user_id) VALUES ($1, $2)")
        .bind(app_id)
        .bind(user_id)
        .execute(&mut *e.tx)
        .await;
    match res {
        Err(err) if crate::db::is_unique_violation(&err) => {
            return Err(AppError::new(ErrorCode::AlreadyAdded))
        }
        other => {
            other?;
        }
    }
    e.finish(
        "app.admin_add",
        user_id,
        None,
        Some(json!({ "app_admin": user_id })),
    )
    .await
}

pub async fn remove_app_admin(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    user_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let done = sqlx::query("DELETE FROM app_admins WHERE app_id = $1 AND user_id = $2")
        .bind(app_id)
        .bind(user_id)
        .execute(&mut *e.tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    e.finish(
        "app.admin_remove",
        user_id,
        Some(json!({ "app_admin": user_id })),
        None,
    )
    .await
}

// ---- forms -------------------------------------------------------------

async fn form_of(e: &mut AppEdit, form_id: &str) -> AppResult<(String, FormKind)> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, kind FROM forms WHERE id = $1 AND app_id = $2")
            .bind(form_id)
            .bind(&e.app_id)
            .fetch_optional(&mut *e.tx)
            .await?;
    let (name, kind) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((name, FormKind::parse(&kind)?))
}

pub async fn add_form(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    name: &str,
    kind: &str,
    now: i64,
) -> AppResult<String> {
    let name = text(name, limits::FORM_NAME, ErrorCode::InvalidFormName)?;
    let kind = FormKind::parse(kind)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    e.require_below(
        "SELECT COUNT(*) FROM forms WHERE app_id = $1",
        app_id,
        limits::FORMS,
    )
    .await?;
    let id = new_id();
    let pos = e.next_position(Sibling::Form, app_id).await?;
    sqlx::query("INSERT INTO forms (id, app_id, name, kind, position, process_needs_config) VALUES ($1, $2, $3, $4, $5, 0)")
        .bind(&id)
        .bind(app_id)
        .bind(&name)
        .bind(kind.as_str())
        .bind(pos)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "form.add",
        &id,
        None,
        Some(json!({ "name": name, "kind": kind.as_str() })),
    )
    .await?;
    Ok(id)
}

pub async fn rename_form(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    form_id: &str,
    name: &str,
    now: i64,
) -> AppResult<()> {
    let name = text(name, limits::FORM_NAME, ErrorCode::InvalidFormName)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (before, _) = form_of(&mut e, form_id).await?;
    sqlx::query("UPDATE forms SET name = $1 WHERE id = $2")
        .bind(&name)
        .bind(form_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "form.rename",
        form_id,
        Some(json!({ "name": before })),
        Some(json!({ "name": name })),
    )
    .await
}

pub async fn move_form(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    form_id: &str,
    up: bool,
    now: i64,
) -> AppResult<()> {
    let e = AppEdit::begin(db, ctx, app_id, now).await?;
    e.move_and_finish(Sibling::Form, app_id, form_id, up, "form.move")
        .await
}

pub async fn delete_form(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    form_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (name, kind) = form_of(&mut e, form_id).await?;
    sqlx::query("DELETE FROM forms WHERE id = $1")
        .bind(form_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "form.delete",
        form_id,
        Some(json!({ "name": name, "kind": kind.as_str() })),
        None,
    )
    .await
}

// ---- fields ------------------------------------------------------------

#[derive(Debug)]
pub struct FieldInput {
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub options: Vec<String>,
}

impl FieldInput {
    pub fn parse(
        label: &str,
        field_type: &str,
        required: bool,
        options: &str,
    ) -> AppResult<FieldInput> {
        let field_type = FieldType::parse(field_type)?;
        Ok(FieldInput {
            label: text(label, limits::FIELD_LABEL, ErrorCode::InvalidFieldLabel)?,
            field_type,
            required,
            options: parse_options(options, field_type)?,
        })
    }
    fn json(&self) -> Value {
        json!({ "label": self.label, "type": self.field_type.as_str(), "required": self.required, "options": self.options })
    }
}

pub async fn add_field(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    form_id: &str,
    f: &FieldInput,
    now: i64,
) -> AppResult<String> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    form_of(&mut e, form_id).await?;
    e.require_below(
        "SELECT COUNT(*) FROM fields WHERE form_id = $1",
        form_id,
        limits::FIELDS,
    )
    .await?;
    let id = new_id();
    let pos = e.next_position(Sibling::Field, form_id).await?;
    sqlx::query(
        "INSERT INTO fields (id, form_id, label, field_type, required, options_json, position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(form_id)
    .bind(&f.label)
    .bind(f.field_type.as_str())
    .bind(f.required as i64)
    .bind(serde_json::to_string(&f.options).map_err(AppError::internal)?)
    .bind(pos)
    .execute(&mut *e.tx)
    .await?;
    e.finish("field.add", &id, None, Some(f.json())).await?;
    Ok(id)
}

/// The field's row if it belongs to this app.
async fn field_of(e: &mut AppEdit, field_id: &str) -> AppResult<(String, Value)> {
    let row: Option<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT f.form_id, f.label, f.field_type, f.required, f.options_json FROM fields f JOIN forms fo ON fo.id = f.form_id \
         WHERE f.id = $1 AND fo.app_id = $2",
    )
    .bind(field_id)
    .bind(&e.app_id)
    .fetch_optional(&mut *e.tx)
    .await?;
    let (form_id, label, t, required, options) =
        row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let options: Value = serde_json::from_str(&options).unwrap_or(Value::Null);
    Ok((
        form_id,
        json!({ "label": label, "type": t, "required": required != 0, "options": options }),
    ))
}

pub async fn update_field(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    field_id: &str,
    f: &FieldInput,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, before) = field_of(&mut e, field_id).await?;
    sqlx::query("UPDATE fields SET label = $1, field_type = $2, required = $3, options_json = $4 WHERE id = $5")
        .bind(&f.label)
        .bind(f.field_type.as_str())
        .bind(f.required as i64)
        .bind(serde_json::to_string(&f.options).map_err(AppError::internal)?)
        .bind(field_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish("field.update", field_id, Some(before), Some(f.json()))
        .await
}

pub async fn move_field(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    field_id: &str,
    up: bool,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (form_id, _) = field_of(&mut e, field_id).await?;
    e.move_and_finish(Sibling::Field, &form_id, field_id, up, "field.move")
        .await
}

pub async fn delete_field(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    field_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, before) = field_of(&mut e, field_id).await?;
    sqlx::query("DELETE FROM fields WHERE id = $1")
        .bind(field_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish("field.delete", field_id, Some(before), None).await
}

// ---- process -----------------------------------------------------------

async fn step_of(e: &mut AppEdit, step_id: &str) -> AppResult<(String, String, Vec<String>)> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT s.form_id, s.name, s.approvers_json FROM process_steps s JOIN forms fo ON fo.id = s.form_id \
         WHERE s.id = $1 AND fo.app_id = $2",
    )
    .bind(step_id)
    .bind(&e.app_id)
    .fetch_optional(&mut *e.tx)
    .await?;
    let (form_id, name, approvers) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((
        form_id,
        name,
        serde_json::from_str(&approvers).map_err(AppError::internal)?,
    ))
}

/// A process is configured when it has steps and every step has an approver.
async fn refresh_process_flag(e: &mut AppEdit, form_id: &str) -> AppResult<()> {
    let steps: Vec<(String,)> =
        sqlx::query_as("SELECT approvers_json FROM process_steps WHERE form_id = $1")
            .bind(form_id)
            .fetch_all(&mut *e.tx)
            .await?;
    let configured = !steps.is_empty() && steps.iter().all(|(a,)| a != "[]");
    if configured {
        sqlx::query("UPDATE forms SET process_needs_config = 0 WHERE id = $1")
            .bind(form_id)
            .execute(&mut *e.tx)
            .await?;
    }
    Ok(())
}

pub async fn add_step(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    form_id: &str,
    name: &str,
    now: i64,
) -> AppResult<String> {
    let name = text(name, limits::STEP_NAME, ErrorCode::InvalidStepName)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, kind) = form_of(&mut e, form_id).await?;
    if kind != FormKind::Process {
        return Err(AppError::new(ErrorCode::NotAProcessForm));
    }
    e.require_below(
        "SELECT COUNT(*) FROM process_steps WHERE form_id = $1",
        form_id,
        limits::STEPS,
    )
    .await?;
    let id = new_id();
    let pos = e.next_position(Sibling::Step, form_id).await?;
    sqlx::query("INSERT INTO process_steps (id, form_id, name, approvers_json, position) VALUES ($1, $2, $3, '[]', $4)")
        .bind(&id)
        .bind(form_id)
        .bind(&name)
        .bind(pos)
        .execute(&mut *e.tx)
        .await?;
    e.finish("step.add", &id, None, Some(json!({ "name": name })))
        .await?;
    Ok(id)
}

pub async fn move_step(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    step_id: &str,
    up: bool,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (form_id, _, _) = step_of(&mut e, step_id).await?;
    e.move_and_finish(Sibling::Step, &form_id, step_id, up, "step.move")
        .await
}

pub async fn delete_step(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    step_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (form_id, name, approvers) = step_of(&mut e, step_id).await?;
    sqlx::query("DELETE FROM process_steps WHERE id = $1")
        .bind(step_id)
        .execute(&mut *e.tx)
        .await?;
    refresh_process_flag(&mut e, &form_id).await?;
    e.finish(
        "step.delete",
        step_id,
        Some(json!({ "name": name, "approvers": approvers })),
        None,
    )
    .await
}

/// Adds or removes one approver of a step.
pub async fn set_approver(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    step_id: &str,
    user_id: &str,
    add: bool,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (form_id, _, before) = step_of(&mut e, step_id).await?;
    let mut after = before.clone();
    if add {
        e.require_org_user(user_id).await?;
        if after.iter().any(|a| a == user_id) {
            return Err(AppError::new(ErrorCode::AlreadyAdded));
        }
        if after.len() >= limits::APPROVERS {
            return Err(AppError::new(ErrorCode::TooMany));
        }
        after.push(user_id.to_string());
    } else {
        if !after.iter().any(|a| a == user_id) {
            return Err(AppError::new(ErrorCode::NotFound));
        }
        after.retain(|a| a != user_id);
    }
    sqlx::query("UPDATE process_steps SET approvers_json = $1 WHERE id = $2")
        .bind(serde_json::to_string(&after).map_err(AppError::internal)?)
        .bind(step_id)
        .execute(&mut *e.tx)
        .await?;
    refresh_process_flag(&mut e, &form_id).await?;
    let action = if add {
        "step.approver_add"
    } else {
        "step.approver_remove"
    };
    e.finish(
        action,
        step_id,
        Some(json!({ "approvers": before })),
        Some(json!({ "approvers": after })),
    )
    .await
}

// ---- notification templates --------------------------------------------

/// The message's placeholders must name fields of the template's form.
async fn check_message(e: &mut AppEdit, form_id: &str, message: &str) -> AppResult<String> {
    let message = text(message, limits::MESSAGE, ErrorCode::InvalidMessage)?;
    let labels: Vec<(String,)> = sqlx::query_as("SELECT label FROM fields WHERE form_id = $1")
        .bind(form_id)
        .fetch_all(&mut *e.tx)
        .await?;
    for p in placeholders(&message) {
        if !labels.iter().any(|(l,)| *l == p) {
            return Err(AppError::new(ErrorCode::UnknownPlaceholder));
        }
    }
    Ok(message)
}

async fn template_of(
    e: &mut AppEdit,
    template_id: &str,
) -> AppResult<(String, String, Vec<Recipient>, String)> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT form_id, trigger_event, recipients_json, message FROM notification_templates WHERE id = $1 AND app_id = $2",
    )
    .bind(template_id)
    .bind(&e.app_id)
    .fetch_optional(&mut *e.tx)
    .await?;
    let (form_id, trigger, recipients, message) =
        row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((
        form_id,
        trigger,
        serde_json::from_str(&recipients).map_err(AppError::internal)?,
        message,
    ))
}

pub async fn add_template(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    form_id: &str,
    trigger: &str,
    message: &str,
    now: i64,
) -> AppResult<String> {
    let trigger = Trigger::parse(trigger)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    form_of(&mut e, form_id).await?;
    let message = check_message(&mut e, form_id, message).await?;
    e.require_below(
        "SELECT COUNT(*) FROM notification_templates WHERE app_id = $1",
        app_id,
        limits::TEMPLATES,
    )
    .await?;
    let id = new_id();
    let pos = e.next_position(Sibling::Template, app_id).await?;
    sqlx::query(
        "INSERT INTO notification_templates (id, app_id, form_id, trigger_event, recipients_json, message, needs_config, position) \
         VALUES ($1, $2, $3, $4, '[]', $5, 0, $6)",
    )
    .bind(&id)
    .bind(app_id)
    .bind(form_id)
    .bind(trigger.as_str())
    .bind(&message)
    .bind(pos)
    .execute(&mut *e.tx)
    .await?;
    e.finish(
        "template.add",
        &id,
        None,
        Some(json!({ "form": form_id, "trigger": trigger.as_str(), "message": message })),
    )
    .await?;
    Ok(id)
}

pub async fn update_template(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    template_id: &str,
    trigger: &str,
    message: &str,
    now: i64,
) -> AppResult<()> {
    let trigger = Trigger::parse(trigger)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (form_id, old_trigger, _, old_message) = template_of(&mut e, template_id).await?;
    let message = check_message(&mut e, &form_id, message).await?;
    sqlx::query("UPDATE notification_templates SET trigger_event = $1, message = $2 WHERE id = $3")
        .bind(trigger.as_str())
        .bind(&message)
        .bind(template_id)
        .execute(&mut *e.tx)
        .await?;
    let before = json!({ "trigger": old_trigger, "message": old_message });
    let after = json!({ "trigger": trigger.as_str(), "message": message });
    e.finish("template.update", template_id, Some(before), Some(after))
        .await
}

pub async fn delete_template(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    template_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, trigger, _, message) = template_of(&mut e, template_id).await?;
    sqlx::query("DELETE FROM notification_templates WHERE id = $1")
        .bind(template_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "template.delete",
        template_id,
        Some(json!({ "trigger": trigger, "message": message })),
        None,
    )
    .await
}

/// Adds or removes one recipient; a template with recipients is configured.
pub async fn set_recipient(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    template_id: &str,
    recipient: &Recipient,
    add: bool,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, _, before, _) = template_of(&mut e, template_id).await?;
    let mut after = before.clone();
    if add {
        if let Recipient::User(id) = recipient {
            e.require_org_user(id).await?;
        }
        if after.contains(recipient) {
            return Err(AppError::new(ErrorCode::AlreadyAdded));
        }
        if after.len() >= limits::RECIPIENTS {
            return Err(AppError::new(ErrorCode::TooMany));
        }
        after.push(recipient.clone());
    } else {
        if !after.contains(recipient) {
            return Err(AppError::new(ErrorCode::NotFound));
        }
        after.retain(|r| r != recipient);
    }
    let needs = if after.is_empty() {
        "needs_config"
    } else {
        "0"
    };
    sqlx::query(&format!("UPDATE notification_templates SET recipients_json = $1, needs_config = {needs} WHERE id = $2"))
        .bind(serde_json::to_string(&after).map_err(AppError::internal)?)
        .bind(template_id)
        .execute(&mut *e.tx)
        .await?;
    let action = if add {
        "template.recipient_add"
    } else {
        "template.recipient_remove"
    };
    e.finish(
        action,
        template_id,
        Some(json!({ "recipients": before })),
        Some(json!({ "recipients": after })),
    )
    .await
}

// ---- third-party services ----------------------------------------------

#[derive(Debug)]
pub struct ServiceInput {
    pub name: String,
    pub endpoint: String,
}

impl ServiceInput {
    pub fn parse(name: &str, endpoint: &str) -> AppResult<ServiceInput> {
        Ok(ServiceInput {
            name: text(name, limits::SERVICE_NAME, ErrorCode::InvalidServiceName)?,
            endpoint: parse_endpoint(endpoint)?,
        })
    }
}

/// A credential: 1–4096 characters, kept exactly as given.
pub fn parse_credential(raw: &str) -> AppResult<String> {
    let n = raw.chars().count();
    if n == 0 || n > limits::CREDENTIAL || raw.chars().any(char::is_control) {
        return Err(AppError::new(ErrorCode::InvalidCredential));
    }
    Ok(raw.to_string())
}

async fn service_of(e: &mut AppEdit, service_id: &str) -> AppResult<(String, String)> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, endpoint FROM services WHERE id = $1 AND app_id = $2")
            .bind(service_id)
            .bind(&e.app_id)
            .fetch_optional(&mut *e.tx)
            .await?;
    row.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

pub async fn add_service(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    s: &ServiceInput,
    credential: Option<&str>,
    now: i64,
) -> AppResult<String> {
    let credential = credential
        .filter(|c| !c.is_empty())
        .map(parse_credential)
        .transpose()?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    e.require_below(
        "SELECT COUNT(*) FROM services WHERE app_id = $1",
        app_id,
        limits::SERVICES,
    )
    .await?;
    let id = new_id();
    let pos = e.next_position(Sibling::Service, app_id).await?;
    sqlx::query(
        "INSERT INTO services (id, app_id, name, endpoint, credential, credential_set_at, needs_config, position) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
    )
    .bind(&id)
    .bind(app_id)
    .bind(&s.name)
    .bind(&s.endpoint)
    .bind(credential.as_deref())
    .bind(credential.as_ref().map(|_| now))
    .bind(pos)
    .execute(&mut *e.tx)
    .await?;
    // The audit trail records that a credential was set, never its value.
    let after =
        json!({ "name": s.name, "endpoint": s.endpoint, "credential": credential.is_some() });
    e.finish("service.add", &id, None, Some(after)).await?;
    Ok(id)
}

pub async fn update_service(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    service_id: &str,
    s: &ServiceInput,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (name, endpoint) = service_of(&mut e, service_id).await?;
    sqlx::query("UPDATE services SET name = $1, endpoint = $2 WHERE id = $3")
        .bind(&s.name)
        .bind(&s.endpoint)
        .bind(service_id)
        .execute(&mut *e.tx)
        .await?;
    let before = json!({ "name": name, "endpoint": endpoint });
    e.finish(
        "service.update",
        service_id,
        Some(before),
        Some(json!({ "name": s.name, "endpoint": s.endpoint })),
    )
    .await
}

pub async fn set_credential(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    service_id: &str,
    credential: &str,
    now: i64,
) -> AppResult<()> {
    let credential = parse_credential(credential)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    service_of(&mut e, service_id).await?;
    sqlx::query("UPDATE services SET credential = $1, credential_set_at = $2, needs_config = 0 WHERE id = $3")
        .bind(&credential)
        .bind(now)
        .bind(service_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "service.credential",
        service_id,
        None,
        Some(json!({ "credential": "set" })),
    )
    .await
}

pub async fn delete_service(
    db: &Db,
    ctx: &Ctx,
    app_id: &str,
    service_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (name, endpoint) = service_of(&mut e, service_id).await?;
    sqlx::query("DELETE FROM services WHERE id = $1")
        .bind(service_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "service.delete",
        service_id,
        Some(json!({ "name": name, "endpoint": endpoint })),
        None,
    )
    .await
}
