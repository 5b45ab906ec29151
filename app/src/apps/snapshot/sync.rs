//! Writes a merged definition over an existing app, part by part by key:
//! parts with a known key are updated in place (keeping their ids, their
//! configuration state and credentials), new keys are inserted, parts no
//! longer there are deleted. Records are not touched: they keep every value
//! and label, whatever the definition loses.

use super::*;
use crate::db::{new_id, Tx};
use crate::values::AppId;
use std::collections::{HashMap, HashSet};

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// A column of a part's row and its value.
enum Col {
    Text(&'static str, String),
    Int(&'static str, i64),
    /// "Needs configuration": set on a new row; on an existing one only
    /// ever raised (the customer's setup is not undone by a merge).
    Flag(&'static str, bool),
}

/// The rows of one kind of part under one parent (an app or a form), by key.
struct Rows<'f> {
    table: &'static str,
    parent: &'static str,
    parent_id: String,
    ids: HashMap<String, String>,
    /// Ids the parts had before (see `sync`).
    former: &'f HashMap<String, String>,
}

impl<'f> Rows<'f> {
    async fn of(
        tx: &mut Tx,
        table: &'static str,
        parent: &'static str,
        parent_id: &str,
        former: &'f HashMap<String, String>,
    ) -> Result<Rows<'f>, sqlx::Error> {
        let ids: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT COALESCE(origin_key, id), id FROM {table} WHERE {parent} = $1"
        ))
        .bind(parent_id)
        .fetch_all(&mut **tx)
        .await?;
        Ok(Rows {
            table,
            parent,
            parent_id: parent_id.to_string(),
            ids: ids.into_iter().collect(),
            former,
        })
    }

    /// Deletes the rows whose key is not kept (their children go with them).
    async fn keep_only<'k>(
        &self,
        tx: &mut Tx,
        kept: impl Iterator<Item = &'k str>,
    ) -> Result<(), sqlx::Error> {
        let kept: HashSet<&str> = kept.collect();
        for (key, id) in &self.ids {
            if !kept.contains(key.as_str()) {
                sqlx::query(&format!("DELETE FROM {} WHERE id = $1", self.table))
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Updates the part's row, or inserts it with its key; returns its id.
    async fn put(&self, tx: &mut Tx, key: &str, cols: Vec<Col>) -> Result<String, sqlx::Error> {
        let existing = self.ids.get(key);
        let n = cols.len();
        let names = cols.iter().map(|c| match c {
            Col::Text(name, _) | Col::Int(name, _) | Col::Flag(name, _) => *name,
        });
        let sql = match existing {
            Some(_) => {
                let sets: Vec<String> = cols
                    .iter()
                    .zip(names)
                    .enumerate()
                    .map(|(i, (c, name))| match c {
                        Col::Flag(..) => {
                            format!("{name} = CASE WHEN ${} = 1 THEN 1 ELSE {name} END", i + 1)
                        }
                        _ => format!("{name} = ${}", i + 1),
                    })
                    .collect();
                format!(
                    "UPDATE {} SET {} WHERE id = ${}",
                    self.table,
                    sets.join(", "),
                    n + 1
                )
            }
            None => {
                let names: Vec<&str> = names.collect();
                let params: Vec<String> = (1..=n + 3).map(|i| format!("${i}")).collect();
                format!(
                    "INSERT INTO {} ({}, id, origin_key, {}) VALUES ({})",
                    self.table,
                    names.join(", "),
                    self.parent,
                    params.join(", ")
                )
            }
        };
        let id = existing
            .or_else(|| self.former.get(key))
            .cloned()
            .unwrap_or_else(new_id);
        let mut q = sqlx::query(&sql);
        for c in &cols {
            q = match c {
                Col::Text(_, v) => q.bind(v.as_str()),
                Col::Int(_, v) => q.bind(*v),
                Col::Flag(_, v) => q.bind(*v as i64),
            };
        }
        q = q.bind(id.as_str());
        if existing.is_none() {
            q = q.bind(key).bind(self.parent_id.as_str());
        }
        q.execute(&mut **tx).await?;
        Ok(id)
    }
}

/// Makes `app_id`'s definition equal to `snap`; parts whose keys are in
/// `needs_setup` are marked for the customer's setup. A part that comes
/// back takes the id `former` gives its key, so the values its records
/// hold under that id are its values again.
pub async fn sync(
    tx: &mut Tx,
    app_id: &AppId,
    snap: &AppSnapshot,
    needs_setup: &HashSet<&str>,
    former: &HashMap<String, String>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE apps SET name = $1, icon = $2, description = $3 WHERE id = $4")
        .bind(&snap.name)
        .bind(snap.icon.as_str())
        .bind(&snap.description)
        .bind(app_id)
        .execute(&mut **tx)
        .await?;
    let setup = |key: &str| needs_setup.contains(key);
    let forms = Rows::of(tx, "forms", "app_id", app_id.as_str(), former).await?;
    // Deleting a form takes its fields, steps, templates and calls with it.
    forms
        .keep_only(tx, snap.forms.iter().map(|f| f.key.as_str()))
        .await?;
    let mut form_ids = Vec::new();
    for (position, form) in snap.forms.iter().enumerate() {
        let needs = setup(&form.key) || form.process.iter().any(|s| setup(&s.key));
        let cols = vec![
            Col::Text("name", form.name.clone()),
            Col::Text("kind", form.kind.as_str().into()),
            Col::Int("position", position as i64),
            Col::Flag("process_needs_config", needs),
        ];
        let id = forms.put(tx, &form.key, cols).await?;
        let fields = Rows::of(tx, "fields", "form_id", &id, former).await?;
        fields
            .keep_only(tx, form.fields.iter().map(|f| f.key.as_str()))
            .await?;
        for (position, f) in form.fields.iter().enumerate() {
            let cols = vec![
                Col::Text("label", f.label.clone()),
                Col::Text("field_type", f.field_type.as_str().into()),
                Col::Int("required", f.required as i64),
                Col::Text("options_json", json(&f.options)),
                Col::Int("position", position as i64),
            ];
            fields.put(tx, &f.key, cols).await?;
        }
        let steps = Rows::of(tx, "process_steps", "form_id", &id, former).await?;
        steps
            .keep_only(tx, form.process.iter().map(|s| s.key.as_str()))
            .await?;
        for (position, s) in form.process.iter().enumerate() {
            let cols = vec![
                Col::Text("name", s.name.clone()),
                Col::Text("approvers_json", json(&s.approvers)),
                Col::Int("position", position as i64),
            ];
            steps.put(tx, &s.key, cols).await?;
        }
        form_ids.push(id);
    }
    let form_of = |i: usize| {
        form_ids
            .get(i)
            .cloned()
            .ok_or_else(|| sqlx::Error::Decode("a part of an unknown form".into()))
    };
    let templates = Rows::of(
        tx,
        "notification_templates",
        "app_id",
        app_id.as_str(),
        former,
    )
    .await?;
    templates
        .keep_only(tx, snap.templates.iter().map(|t| t.key.as_str()))
        .await?;
    for (position, t) in snap.templates.iter().enumerate() {
        let cols = vec![
            Col::Text("form_id", form_of(t.form)?),
            Col::Text("trigger_event", t.trigger.as_str().into()),
            Col::Text("recipients_json", json(&t.recipients)),
            Col::Text("message", t.message.clone()),
            Col::Int("position", position as i64),
            Col::Flag("needs_config", setup(&t.key)),
        ];
        templates.put(tx, &t.key, cols).await?;
    }
    let services = Rows::of(tx, "services", "app_id", app_id.as_str(), former).await?;
    services
        .keep_only(tx, snap.services.iter().map(|v| v.key.as_str()))
        .await?;
    // Calls are rewritten whole: they are the (service, form, event) triples.
    sqlx::query(
        "DELETE FROM service_calls WHERE service_id IN (SELECT id FROM services WHERE app_id = $1)",
    )
    .bind(app_id)
    .execute(&mut **tx)
    .await?;
    for (position, v) in snap.services.iter().enumerate() {
        // A service arriving now has no credential: it needs one.
        let needs = setup(&v.key) || !services.ids.contains_key(&v.key);
        let cols = vec![
            Col::Text("name", v.name.clone()),
            Col::Text("endpoint", v.endpoint.clone()),
            Col::Int("position", position as i64),
            Col::Flag("needs_config", needs),
        ];
        let id = services.put(tx, &v.key, cols).await?;
        for (form, trigger) in &v.calls {
            sqlx::query(
                "INSERT INTO service_calls (service_id, form_id, trigger_event) VALUES ($1, $2, $3)",
            )
            .bind(&id)
            .bind(form_of(*form)?)
            .bind(trigger.as_str())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Every part's key and row id in an app (what `sync` takes as `former`).
pub async fn part_ids(
    conn: &mut sqlx::AnyConnection,
    app_id: &AppId,
) -> Result<HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT COALESCE(origin_key, id), id FROM forms WHERE app_id = $1 \
         UNION ALL SELECT COALESCE(f.origin_key, f.id), f.id FROM fields f JOIN forms p ON p.id = f.form_id WHERE p.app_id = $1 \
         UNION ALL SELECT COALESCE(s.origin_key, s.id), s.id FROM process_steps s JOIN forms p ON p.id = s.form_id WHERE p.app_id = $1 \
         UNION ALL SELECT COALESCE(origin_key, id), id FROM notification_templates WHERE app_id = $1 \
         UNION ALL SELECT COALESCE(origin_key, id), id FROM services WHERE app_id = $1",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}
