//! Changes to notification templates.

use super::forms::form_of;
use super::prelude::*;
use crate::values::{AppId, FormId, TemplateId};

// ---- notification templates --------------------------------------------

/// The message's placeholders must name fields of the template's form.
async fn check_message(e: &mut AppEdit, form_id: &FormId, message: &str) -> AppResult<String> {
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
    template_id: &TemplateId,
) -> AppResult<(FormId, String, Vec<Recipient>, String)> {
    let row: Option<(FormId, String, String, String)> = sqlx::query_as(
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
    app_id: &AppId,
    form_id: &FormId,
    trigger: &str,
    message: &str,
    now: i64,
) -> AppResult<TemplateId> {
    let trigger = Trigger::parse(trigger)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    form_of(&mut e, form_id).await?;
    let message = check_message(&mut e, form_id, message).await?;
    let id = TemplateId(new_id());
    let pos = e
        .next_slot(Sibling::Template, app_id, limits::TEMPLATES)
        .await?;
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
    app_id: &AppId,
    template_id: &TemplateId,
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
    app_id: &AppId,
    template_id: &TemplateId,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, trigger, _, message) = template_of(&mut e, template_id).await?;
    e.delete(Sibling::Template, template_id).await?;
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
    app_id: &AppId,
    template_id: &TemplateId,
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
