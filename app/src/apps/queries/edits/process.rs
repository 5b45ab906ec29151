//! Changes to the approval steps of process forms.

use super::forms::form_of;
use super::prelude::*;
use crate::values::{AppId, FormId, StepId};

// ---- process -----------------------------------------------------------

async fn step_of(e: &mut AppEdit, step_id: &StepId) -> AppResult<(FormId, String, Vec<String>)> {
    let row: Option<(FormId, String, String)> = sqlx::query_as(
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
async fn refresh_process_flag(e: &mut AppEdit, form_id: &FormId) -> AppResult<()> {
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
    app_id: &AppId,
    form_id: &FormId,
    name: &str,
    now: i64,
) -> AppResult<StepId> {
    let name = text(name, limits::STEP_NAME, ErrorCode::InvalidStepName)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, kind) = form_of(&mut e, form_id).await?;
    if kind != FormKind::Process {
        return Err(AppError::new(ErrorCode::NotAProcessForm));
    }
    let id = StepId(new_id());
    let pos = e.next_slot(Sibling::Step, form_id, limits::STEPS).await?;
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

pub async fn rename_step(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    step_id: &StepId,
    name: &str,
    now: i64,
) -> AppResult<()> {
    let name = text(name, limits::STEP_NAME, ErrorCode::InvalidStepName)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, before, _) = step_of(&mut e, step_id).await?;
    sqlx::query("UPDATE process_steps SET name = $1 WHERE id = $2")
        .bind(&name)
        .bind(step_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "step.rename",
        step_id,
        Some(json!({ "name": before })),
        Some(json!({ "name": name })),
    )
    .await
}

pub async fn move_step(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    step_id: &StepId,
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
    app_id: &AppId,
    step_id: &StepId,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (form_id, name, approvers) = step_of(&mut e, step_id).await?;
    e.delete(Sibling::Step, step_id).await?;
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
    app_id: &AppId,
    step_id: &StepId,
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
