//! Changes to forms and their fields.

use super::prelude::*;
use crate::values::{AppId, FieldId, FormId};

// ---- forms -------------------------------------------------------------

pub(super) async fn form_of(e: &mut AppEdit, form_id: &FormId) -> AppResult<(String, FormKind)> {
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
    app_id: &AppId,
    name: &str,
    kind: &str,
    now: i64,
) -> AppResult<FormId> {
    let name = text(name, limits::FORM_NAME, ErrorCode::InvalidFormName)?;
    let kind = FormKind::parse(kind)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let id = FormId(new_id());
    let pos = e.next_slot(Sibling::Form, app_id, limits::FORMS).await?;
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
    app_id: &AppId,
    form_id: &FormId,
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
    app_id: &AppId,
    form_id: &FormId,
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
    app_id: &AppId,
    form_id: &FormId,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (name, kind) = form_of(&mut e, form_id).await?;
    e.delete(Sibling::Form, form_id).await?;
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
    app_id: &AppId,
    form_id: &FormId,
    f: &FieldInput,
    now: i64,
) -> AppResult<FieldId> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    form_of(&mut e, form_id).await?;
    let id = FieldId(new_id());
    let pos = e.next_slot(Sibling::Field, form_id, limits::FIELDS).await?;
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
async fn field_of(e: &mut AppEdit, field_id: &FieldId) -> AppResult<(String, Value)> {
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
    app_id: &AppId,
    field_id: &FieldId,
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
    app_id: &AppId,
    field_id: &FieldId,
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
    app_id: &AppId,
    field_id: &FieldId,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (_, before) = field_of(&mut e, field_id).await?;
    e.delete(Sibling::Field, field_id).await?;
    e.finish("field.delete", field_id, Some(before), None).await
}
