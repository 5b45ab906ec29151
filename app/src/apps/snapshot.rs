//! The app snapshot: the one versioned, serialised form of an app definition.
//! Distribution freezes apps as snapshots and deploys copies from them.
//! Row ids are not part of it (a copy gets new ones) but every part carries
//! its **key**: the id of the part it stands for in the ISV's source app,
//! kept by every copy (`origin_key`), so versions of the same app can be
//! compared and merged part by part. Credentials never are.

use super::domain::{FieldType, FormKind, Icon, Recipient, Trigger};
use serde::{Deserialize, Serialize};

/// Bumped whenever the shape below changes; old snapshots stay readable.
/// 2: parts carry keys (format 1 has none: such copies cannot be merged).
pub const FORMAT: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSnapshot {
    pub format: u32,
    pub name: String,
    pub icon: Icon,
    pub description: String,
    /// App admins (user ids of the owning organization).
    pub admins: Vec<String>,
    pub forms: Vec<FormSnap>,
    pub templates: Vec<TemplateSnap>,
    pub services: Vec<ServiceSnap>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSnap {
    /// The part's key (see the module); empty in format 1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    pub name: String,
    pub kind: FormKind,
    pub fields: Vec<FieldSnap>,
    pub process: Vec<StepSnap>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSnap {
    /// The part's key (see the module); empty in format 1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSnap {
    /// The part's key (see the module); empty in format 1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    pub name: String,
    pub approvers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSnap {
    /// The part's key (see the module); empty in format 1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Index into `forms`.
    pub form: usize,
    pub trigger: Trigger,
    pub recipients: Vec<Recipient>,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSnap {
    /// The part's key (see the module); empty in format 1.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    pub name: String,
    pub endpoint: String,
    /// The form events it is called on: (index into `forms`, event).
    /// Snapshots made before calls existed have none.
    #[serde(default)]
    pub calls: Vec<(usize, Trigger)>,
}

impl AppSnapshot {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<AppSnapshot, serde_json::Error> {
        serde_json::from_str(s)
    }
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
pub mod sync;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::{new_id, Tx};
    use crate::values::AppId;
    use sqlx::AnyConnection;

    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
    }

    fn parse_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, sqlx::Error> {
        serde_json::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }

    fn decode<T>(r: crate::error::AppResult<T>) -> Result<T, sqlx::Error> {
        r.map_err(|e| sqlx::Error::Decode(e.message.into()))
    }

    /// Reads an app's definition as a snapshot (inside any transaction or connection).
    pub async fn load(
        conn: &mut AnyConnection,
        app_id: &AppId,
    ) -> Result<Option<AppSnapshot>, sqlx::Error> {
        let app: Option<(String, String, String)> =
            sqlx::query_as("SELECT name, icon, description FROM apps WHERE id = $1")
                .bind(app_id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((name, icon, description)) = app else {
            return Ok(None);
        };
        let admins: Vec<(String,)> =
            sqlx::query_as("SELECT user_id FROM app_admins WHERE app_id = $1 ORDER BY user_id")
                .bind(app_id)
                .fetch_all(&mut *conn)
                .await?;
        let form_rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, COALESCE(origin_key, id), name, kind FROM forms WHERE app_id = $1 ORDER BY position, id",
        )
        .bind(app_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut forms = Vec::new();
        let mut form_index = std::collections::HashMap::new();
        for (i, (form_id, key, name, kind)) in form_rows.into_iter().enumerate() {
            let fields: Vec<(String, String, String, i64, String)> = sqlx::query_as(
                "SELECT COALESCE(origin_key, id), label, field_type, required, options_json FROM fields \
                 WHERE form_id = $1 ORDER BY position, id",
            )
            .bind(&form_id)
            .fetch_all(&mut *conn)
            .await?;
            let steps: Vec<(String, String, String)> =
                sqlx::query_as("SELECT COALESCE(origin_key, id), name, approvers_json FROM process_steps WHERE form_id = $1 ORDER BY position, id")
                    .bind(&form_id)
                    .fetch_all(&mut *conn)
                    .await?;
            forms.push(FormSnap {
                key,
                name,
                kind: decode(FormKind::parse(&kind))?,
                fields: fields
                    .into_iter()
                    .map(|(key, label, t, required, options)| {
                        Ok(FieldSnap {
                            key,
                            label,
                            field_type: decode(FieldType::parse(&t))?,
                            required: required != 0,
                            options: parse_json(&options)?,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()?,
                process: steps
                    .into_iter()
                    .map(|(key, name, approvers)| {
                        Ok(StepSnap {
                            key,
                            name,
                            approvers: parse_json(&approvers)?,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()?,
            });
            form_index.insert(form_id, i);
        }
        let template_rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT COALESCE(origin_key, id), form_id, trigger_event, recipients_json, message FROM notification_templates \
             WHERE app_id = $1 ORDER BY position, id",
        )
        .bind(app_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut templates = Vec::new();
        for (key, form_id, trigger, recipients, message) in template_rows {
            let form = *form_index
                .get(&form_id)
                .ok_or_else(|| sqlx::Error::Decode("template of unknown form".into()))?;
            templates.push(TemplateSnap {
                key,
                form,
                trigger: decode(Trigger::parse(&trigger))?,
                recipients: parse_json(&recipients)?,
                message,
            });
        }
        let services: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, COALESCE(origin_key, id), name, endpoint FROM services WHERE app_id = $1 ORDER BY position, id",
        )
        .bind(app_id)
        .fetch_all(&mut *conn)
        .await?;
        let call_rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT c.service_id, c.form_id, c.trigger_event FROM service_calls c \
             JOIN services s ON s.id = c.service_id WHERE s.app_id = $1 \
             ORDER BY c.form_id, c.trigger_event",
        )
        .bind(app_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut service_snaps = Vec::new();
        for (id, key, name, endpoint) in services {
            let mut calls = Vec::new();
            for (_, form_id, trigger) in call_rows.iter().filter(|(s, _, _)| *s == id) {
                let form = *form_index
                    .get(form_id)
                    .ok_or_else(|| sqlx::Error::Decode("call of unknown form".into()))?;
                calls.push((form, decode(Trigger::parse(trigger))?));
            }
            calls.sort_by_key(|(f, t)| (*f, t.as_str()));
            service_snaps.push(ServiceSnap {
                key,
                name,
                endpoint,
                calls,
            });
        }
        Ok(Some(AppSnapshot {
            format: FORMAT,
            name,
            icon: decode(Icon::parse(&icon))?,
            description,
            admins: admins.into_iter().map(|(id,)| id).collect(),
            forms,
            templates,
            services: service_snaps,
        }))
    }

    /// A value of a row written by [`insert_many`].
    enum V<'a> {
        S(&'a str),
        /// A part's key: NULL when the snapshot has none.
        Key(&'a str),
        Owned(String),
        I(i64),
    }

    /// Rows of one table in as few statements as possible: a copy is about
    /// a hundred rows, and a statement per row was most of a purchase's time.
    async fn insert_many(
        tx: &mut Tx,
        head: &str,
        rows: Vec<Vec<V<'_>>>,
    ) -> Result<(), sqlx::Error> {
        // Well under SQLite's (32,766) and PostgreSQL's (65,535) bound parameters.
        const ROWS_PER_STATEMENT: usize = 500;
        // SQLite looks each numbered parameter up by a linear scan (quadratic
        // in a long statement); its anonymous `?` needs none. PostgreSQL
        // takes only `$n`.
        let anonymous = tx.backend_name() == "SQLite";
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut sql = format!("{head} VALUES ");
            let mut n = 0;
            for (r, row) in chunk.iter().enumerate() {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for c in 0..row.len() {
                    n += 1;
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    if anonymous {
                        sql.push('?');
                    } else {
                        sql.push_str(&format!("${n}"));
                    }
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for v in chunk.iter().flatten() {
                q = match v {
                    V::S(s) => q.bind(*s),
                    V::Key(k) => q.bind((!k.is_empty()).then_some(*k)),
                    V::Owned(s) => q.bind(s.as_str()),
                    V::I(i) => q.bind(*i),
                };
            }
            q.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// How a snapshot lands in an organization.
    pub struct Deploy<'a> {
        pub org_id: &'a str,
        pub actor_user_id: &'a str,
        pub origin: &'a str,
        /// A copy into another organization: people and credentials of the
        /// source do not carry over, and what pointed at them needs configuration.
        pub foreign: bool,
        pub now: i64,
    }

    /// Writes a complete app from a snapshot, with new ids; returns the app id.
    pub async fn deploy(
        tx: &mut Tx,
        snap: &AppSnapshot,
        d: &Deploy<'_>,
    ) -> Result<AppId, sqlx::Error> {
        let app_id = new_id();
        sqlx::query(
            "INSERT INTO apps (id, org_id, name, icon, description, origin, version, created_at, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8)",
        )
        .bind(&app_id)
        .bind(d.org_id)
        .bind(&snap.name)
        .bind(snap.icon.as_str())
        .bind(&snap.description)
        .bind(d.origin)
        .bind(d.now)
        .bind(d.actor_user_id)
        .execute(&mut **tx)
        .await?;
        if !d.foreign {
            let rows = snap
                .admins
                .iter()
                .map(|u| vec![V::S(&app_id), V::S(u)])
                .collect();
            insert_many(tx, "INSERT INTO app_admins (app_id, user_id)", rows).await?;
        }
        let form_ids: Vec<String> = snap.forms.iter().map(|_| new_id()).collect();
        let (mut forms, mut fields, mut steps) = (Vec::new(), Vec::new(), Vec::new());
        let no_approvers = json(&Vec::<String>::new());
        for ((fi, form), form_id) in snap.forms.iter().enumerate().zip(&form_ids) {
            let needs = d.foreign && form.kind == FormKind::Process;
            forms.push(vec![
                V::S(form_id),
                V::Key(&form.key),
                V::S(&app_id),
                V::S(&form.name),
                V::S(form.kind.as_str()),
                V::I(fi as i64),
                V::I(needs as i64),
            ]);
            for (i, f) in form.fields.iter().enumerate() {
                fields.push(vec![
                    V::Owned(new_id()),
                    V::Key(&f.key),
                    V::S(form_id),
                    V::S(&f.label),
                    V::S(f.field_type.as_str()),
                    V::I(f.required as i64),
                    V::Owned(json(&f.options)),
                    V::I(i as i64),
                ]);
            }
            for (i, st) in form.process.iter().enumerate() {
                let approvers = if d.foreign {
                    no_approvers.clone()
                } else {
                    json(&st.approvers)
                };
                steps.push(vec![
                    V::Owned(new_id()),
                    V::Key(&st.key),
                    V::S(form_id),
                    V::S(&st.name),
                    V::Owned(approvers),
                    V::I(i as i64),
                ]);
            }
        }
        insert_many(
            tx,
            "INSERT INTO forms (id, origin_key, app_id, name, kind, position, process_needs_config)",
            forms,
        )
        .await?;
        insert_many(
            tx,
            "INSERT INTO fields (id, origin_key, form_id, label, field_type, required, options_json, position)",
            fields,
        )
        .await?;
        insert_many(
            tx,
            "INSERT INTO process_steps (id, origin_key, form_id, name, approvers_json, position)",
            steps,
        )
        .await?;
        let mut templates = Vec::new();
        for (i, t) in snap.templates.iter().enumerate() {
            let form_id = form_ids
                .get(t.form)
                .ok_or_else(|| sqlx::Error::Decode("template of unknown form".into()))?;
            let recipients: &[Recipient] = if d.foreign { &[] } else { &t.recipients };
            templates.push(vec![
                V::Owned(new_id()),
                V::Key(&t.key),
                V::S(&app_id),
                V::S(form_id),
                V::S(t.trigger.as_str()),
                V::Owned(json(&recipients)),
                V::S(&t.message),
                V::I(d.foreign as i64),
                V::I(i as i64),
            ]);
        }
        insert_many(
            tx,
            "INSERT INTO notification_templates (id, origin_key, app_id, form_id, trigger_event, recipients_json, message, needs_config, position)",
            templates,
        )
        .await?;
        // Credentials never travel: the copy's are NULL until set.
        let service_ids: Vec<String> = snap.services.iter().map(|_| new_id()).collect();
        let services = snap
            .services
            .iter()
            .zip(&service_ids)
            .enumerate()
            .map(|(i, (sv, id))| {
                vec![
                    V::S(id),
                    V::Key(&sv.key),
                    V::S(&app_id),
                    V::S(&sv.name),
                    V::S(&sv.endpoint),
                    V::I(d.foreign as i64),
                    V::I(i as i64),
                ]
            })
            .collect();
        insert_many(
            tx,
            "INSERT INTO services (id, origin_key, app_id, name, endpoint, needs_config, position)",
            services,
        )
        .await?;
        let mut calls = Vec::new();
        for (sv, id) in snap.services.iter().zip(&service_ids) {
            for (form, trigger) in &sv.calls {
                let form_id = form_ids
                    .get(*form)
                    .ok_or_else(|| sqlx::Error::Decode("call of unknown form".into()))?;
                calls.push(vec![V::S(id), V::S(form_id), V::S(trigger.as_str())]);
            }
        }
        insert_many(
            tx,
            "INSERT INTO service_calls (service_id, form_id, trigger_event)",
            calls,
        )
        .await?;
        Ok(AppId(app_id))
    }
}
