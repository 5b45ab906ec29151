//! Writes a merged definition over an existing app, part by part by key:
//! parts with a known key are updated in place (keeping their ids, their
//! configuration state and credentials), new keys are inserted, parts no
//! longer there are deleted. Records are not touched: they keep every value
//! and label, whatever the definition loses.

use super::*;
use crate::db::{new_id, Tx};
use crate::values::AppId;
use std::collections::{HashMap, HashSet};

/// Rows of one kind of part: key → id.
async fn keyed(
    tx: &mut Tx,
    sql: &str,
    parent: &str,
) -> Result<HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(sql)
        .bind(parent)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().collect())
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Deletes the rows of `table` under `parent` whose key is not kept.
async fn remove_others(
    tx: &mut Tx,
    table: &str,
    rows: &HashMap<String, String>,
    kept: &HashSet<&str>,
) -> Result<(), sqlx::Error> {
    for (key, id) in rows {
        if !kept.contains(key.as_str()) {
            sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Makes `app_id`'s definition equal to `snap`; parts whose keys are in
/// `needs_setup` are marked for the customer's setup.
pub async fn sync(
    tx: &mut Tx,
    app_id: &AppId,
    snap: &AppSnapshot,
    needs_setup: &HashSet<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE apps SET name = $1, icon = $2, description = $3 WHERE id = $4")
        .bind(&snap.name)
        .bind(snap.icon.as_str())
        .bind(&snap.description)
        .bind(app_id)
        .execute(&mut **tx)
        .await?;
    let forms = keyed(
        tx,
        "SELECT COALESCE(origin_key, id), id FROM forms WHERE app_id = $1",
        app_id,
    )
    .await?;
    let kept: HashSet<&str> = snap.forms.iter().map(|f| f.key.as_str()).collect();
    // Deleting a form takes its fields, steps, templates and calls with it.
    remove_others(tx, "forms", &forms, &kept).await?;
    let mut form_ids = Vec::new();
    for (position, form) in snap.forms.iter().enumerate() {
        let setup = needs_setup.contains(form.key.as_str())
            || form
                .process
                .iter()
                .any(|s| needs_setup.contains(s.key.as_str()));
        let id = match forms.get(&form.key) {
            Some(id) => {
                sqlx::query(
                    "UPDATE forms SET name = $1, kind = $2, position = $3, \
                     process_needs_config = CASE WHEN $4 = 1 THEN 1 ELSE process_needs_config END WHERE id = $5",
                )
                .bind(&form.name)
                .bind(form.kind.as_str())
                .bind(position as i64)
                .bind(setup as i64)
                .bind(id)
                .execute(&mut **tx)
                .await?;
                id.clone()
            }
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO forms (id, origin_key, app_id, name, kind, position, process_needs_config) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&id)
                .bind(&form.key)
                .bind(app_id)
                .bind(&form.name)
                .bind(form.kind.as_str())
                .bind(position as i64)
                .bind(setup as i64)
                .execute(&mut **tx)
                .await?;
                id
            }
        };
        fields(tx, &id, form).await?;
        steps(tx, &id, form).await?;
        form_ids.push(id);
    }
    templates(tx, app_id, snap, &form_ids, needs_setup).await?;
    services(tx, app_id, snap, &form_ids, needs_setup).await
}

async fn fields(tx: &mut Tx, form_id: &str, form: &FormSnap) -> Result<(), sqlx::Error> {
    let rows = keyed(
        tx,
        "SELECT COALESCE(origin_key, id), id FROM fields WHERE form_id = $1",
        form_id,
    )
    .await?;
    let kept: HashSet<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    remove_others(tx, "fields", &rows, &kept).await?;
    for (position, f) in form.fields.iter().enumerate() {
        let q = match rows.get(&f.key) {
            Some(_) => sqlx::query(
                "UPDATE fields SET label = $1, field_type = $2, required = $3, options_json = $4, position = $5 \
                 WHERE id = $6",
            ),
            None => sqlx::query(
                "INSERT INTO fields (label, field_type, required, options_json, position, id, origin_key, form_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            ),
        };
        let q = q
            .bind(&f.label)
            .bind(f.field_type.as_str())
            .bind(f.required as i64)
            .bind(json(&f.options))
            .bind(position as i64);
        let q = match rows.get(&f.key) {
            Some(id) => q.bind(id),
            None => q.bind(new_id()).bind(&f.key).bind(form_id),
        };
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn steps(tx: &mut Tx, form_id: &str, form: &FormSnap) -> Result<(), sqlx::Error> {
    let rows = keyed(
        tx,
        "SELECT COALESCE(origin_key, id), id FROM process_steps WHERE form_id = $1",
        form_id,
    )
    .await?;
    let kept: HashSet<&str> = form.process.iter().map(|s| s.key.as_str()).collect();
    remove_others(tx, "process_steps", &rows, &kept).await?;
    for (position, s) in form.process.iter().enumerate() {
        let q = match rows.get(&s.key) {
            Some(_) => sqlx::query(
                "UPDATE process_steps SET name = $1, approvers_json = $2, position = $3 WHERE id = $4",
            ),
            None => sqlx::query(
                "INSERT INTO process_steps (name, approvers_json, position, id, origin_key, form_id) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            ),
        };
        let q = q
            .bind(&s.name)
            .bind(json(&s.approvers))
            .bind(position as i64);
        let q = match rows.get(&s.key) {
            Some(id) => q.bind(id),
            None => q.bind(new_id()).bind(&s.key).bind(form_id),
        };
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn templates(
    tx: &mut Tx,
    app_id: &AppId,
    snap: &AppSnapshot,
    form_ids: &[String],
    needs_setup: &HashSet<&str>,
) -> Result<(), sqlx::Error> {
    let rows = keyed(
        tx,
        "SELECT COALESCE(origin_key, id), id FROM notification_templates WHERE app_id = $1",
        app_id,
    )
    .await?;
    let kept: HashSet<&str> = snap.templates.iter().map(|t| t.key.as_str()).collect();
    remove_others(tx, "notification_templates", &rows, &kept).await?;
    for (position, t) in snap.templates.iter().enumerate() {
        let form_id = form_ids
            .get(t.form)
            .ok_or_else(|| sqlx::Error::Decode("template of unknown form".into()))?;
        let setup = needs_setup.contains(t.key.as_str()) as i64;
        let q = match rows.get(&t.key) {
            Some(_) => sqlx::query(
                "UPDATE notification_templates SET form_id = $1, trigger_event = $2, recipients_json = $3, \
                 message = $4, position = $5, needs_config = CASE WHEN $6 = 1 THEN 1 ELSE needs_config END \
                 WHERE id = $7",
            ),
            None => sqlx::query(
                "INSERT INTO notification_templates (form_id, trigger_event, recipients_json, message, position, \
                 needs_config, id, origin_key, app_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            ),
        };
        let q = q
            .bind(form_id)
            .bind(t.trigger.as_str())
            .bind(json(&t.recipients))
            .bind(&t.message)
            .bind(position as i64)
            .bind(setup);
        let q = match rows.get(&t.key) {
            Some(id) => q.bind(id),
            None => q.bind(new_id()).bind(&t.key).bind(app_id),
        };
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn services(
    tx: &mut Tx,
    app_id: &AppId,
    snap: &AppSnapshot,
    form_ids: &[String],
    needs_setup: &HashSet<&str>,
) -> Result<(), sqlx::Error> {
    let rows = keyed(
        tx,
        "SELECT COALESCE(origin_key, id), id FROM services WHERE app_id = $1",
        app_id,
    )
    .await?;
    let kept: HashSet<&str> = snap.services.iter().map(|v| v.key.as_str()).collect();
    remove_others(tx, "services", &rows, &kept).await?;
    // Calls are rewritten whole: they are the (service, form, event) triples.
    sqlx::query(
        "DELETE FROM service_calls WHERE service_id IN (SELECT id FROM services WHERE app_id = $1)",
    )
    .bind(app_id)
    .execute(&mut **tx)
    .await?;
    for (position, v) in snap.services.iter().enumerate() {
        // A service arriving now has no credential: it needs one.
        let setup = (needs_setup.contains(v.key.as_str()) || !rows.contains_key(&v.key)) as i64;
        let id = rows.get(&v.key).cloned().unwrap_or_else(new_id);
        let q = match rows.get(&v.key) {
            Some(_) => sqlx::query(
                "UPDATE services SET name = $1, endpoint = $2, position = $3, \
                 needs_config = CASE WHEN $4 = 1 THEN 1 ELSE needs_config END WHERE id = $5",
            ),
            None => sqlx::query(
                "INSERT INTO services (name, endpoint, position, needs_config, id, origin_key, app_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            ),
        };
        let q = q
            .bind(&v.name)
            .bind(&v.endpoint)
            .bind(position as i64)
            .bind(setup)
            .bind(&id);
        let q = match rows.get(&v.key) {
            Some(_) => q,
            None => q.bind(&v.key).bind(app_id),
        };
        q.execute(&mut **tx).await?;
        for (form, trigger) in &v.calls {
            let form_id = form_ids
                .get(*form)
                .ok_or_else(|| sqlx::Error::Decode("call of unknown form".into()))?;
            sqlx::query(
                "INSERT INTO service_calls (service_id, form_id, trigger_event) VALUES ($1, $2, $3)",
            )
            .bind(&id)
            .bind(form_id)
            .bind(trigger.as_str())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
