//! The app snapshot: the one versioned, serialised form of an app definition.
//! Distribution freezes apps as snapshots and deploys copies from them.
//! Ids are not part of it (a copy gets new ones); credentials never are.

use super::domain::{FieldType, FormKind, Icon, Recipient, Trigger};
use serde::{Deserialize, Serialize};

/// Bumped whenever the shape below changes; old snapshots stay readable.
pub const FORMAT: u32 = 1;

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
    pub name: String,
    pub kind: FormKind,
    pub fields: Vec<FieldSnap>,
    pub process: Vec<StepSnap>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSnap {
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSnap {
    pub name: String,
    pub approvers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSnap {
    /// Index into `forms`.
    pub form: usize,
    pub trigger: Trigger,
    pub recipients: Vec<Recipient>,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSnap {
    pub name: String,
    pub endpoint: String,
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
mod store {
    use super::*;
    use crate::db::{new_id, Tx};
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
        app_id: &str,
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
        let form_rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, name, kind FROM forms WHERE app_id = $1 ORDER BY position, id",
        )
        .bind(app_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut forms = Vec::new();
        let mut form_index = std::collections::HashMap::new();
        for (i, (form_id, name, kind)) in form_rows.into_iter().enumerate() {
            let fields: Vec<(String, String, i64, String)> = sqlx::query_as(
                "SELECT label, field_type, required, options_json FROM fields WHERE form_id = $1 ORDER BY position, id",
            )
            .bind(&form_id)
            .fetch_all(&mut *conn)
            .await?;
            let steps: Vec<(String, String)> =
                sqlx::query_as("SELECT name, approvers_json FROM process_steps WHERE form_id = $1 ORDER BY position, id")
                    .bind(&form_id)
                    .fetch_all(&mut *conn)
                    .await?;
            forms.push(FormSnap {
                name,
                kind: decode(FormKind::parse(&kind))?,
                fields: fields
                    .into_iter()
                    .map(|(label, t, required, options)| {
                        Ok(FieldSnap {
                            label,
                            field_type: decode(FieldType::parse(&t))?,
                            required: required != 0,
                            options: parse_json(&options)?,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()?,
                process: steps
                    .into_iter()
                    .map(|(name, approvers)| {
                        Ok(StepSnap {
                            name,
                            approvers: parse_json(&approvers)?,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()?,
            });
            form_index.insert(form_id, i);
        }
        let template_rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT form_id, trigger_event, recipients_json, message FROM notification_templates \
             WHERE app_id = $1 ORDER BY position, id",
        )
        .bind(app_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut templates = Vec::new();
        for (form_id, trigger, recipients, message) in template_rows {
            let form = *form_index
                .get(&form_id)
                .ok_or_else(|| sqlx::Error::Decode("template of unknown form".into()))?;
            templates.push(TemplateSnap {
                form,
                trigger: decode(Trigger::parse(&trigger))?,
                recipients: parse_json(&recipients)?,
                message,
            });
        }
        let services: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, endpoint FROM services WHERE app_id = $1 ORDER BY position, id",
        )
        .bind(app_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Some(AppSnapshot {
            format: FORMAT,
            name,
            icon: decode(Icon::parse(&icon))?,
            description,
            admins: admins.into_iter().map(|(id,)| id).collect(),
            forms,
            templates,
            services: services
                .into_iter()
                .map(|(name, endpoint)| ServiceSnap { name, endpoint })
                .collect(),
        }))
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
    ) -> Result<String, sqlx::Error> {
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
            for user in &snap.admins {
                sqlx::query("INSERT INTO app_admins (app_id, user_id) VALUES ($1, $2)")
                    .bind(&app_id)
                    .bind(user)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let mut form_ids = Vec::new();
        for (fi, form) in snap.forms.iter().enumerate() {
            let form_id = new_id();
            let needs = d.foreign && form.kind == FormKind::Process;
            sqlx::query("INSERT INTO forms (id, app_id, name, kind, position, process_needs_config) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&form_id)
                .bind(&app_id)
                .bind(&form.name)
                .bind(form.kind.as_str())
                .bind(fi as i64)
                .bind(needs as i64)
                .execute(&mut **tx)
                .await?;
            for (i, f) in form.fields.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO fields (id, form_id, label, field_type, required, options_json, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(new_id())
                .bind(&form_id)
                .bind(&f.label)
                .bind(f.field_type.as_str())
                .bind(f.required as i64)
                .bind(json(&f.options))
                .bind(i as i64)
                .execute(&mut **tx)
                .await?;
            }
            for (i, s) in form.process.iter().enumerate() {
                let approvers: &[String] = if d.foreign { &[] } else { &s.approvers };
                sqlx::query("INSERT INTO process_steps (id, form_id, name, approvers_json, position) VALUES ($1, $2, $3, $4, $5)")
                    .bind(new_id())
                    .bind(&form_id)
                    .bind(&s.name)
                    .bind(json(&approvers))
                    .bind(i as i64)
                    .execute(&mut **tx)
                    .await?;
            }
            form_ids.push(form_id);
        }
        for (i, t) in snap.templates.iter().enumerate() {
            let form_id = form_ids
                .get(t.form)
                .ok_or_else(|| sqlx::Error::Decode("template of unknown form".into()))?;
            let recipients: Vec<Recipient> = if d.foreign {
                Vec::new()
            } else {
                t.recipients.clone()
            };
            sqlx::query(
                "INSERT INTO notification_templates (id, app_id, form_id, trigger_event, recipients_json, message, needs_config, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(new_id())
            .bind(&app_id)
            .bind(form_id)
            .bind(t.trigger.as_str())
            .bind(json(&recipients))
            .bind(&t.message)
            .bind(d.foreign as i64)
            .bind(i as i64)
            .execute(&mut **tx)
            .await?;
        }
        for (i, s) in snap.services.iter().enumerate() {
            sqlx::query(
                "INSERT INTO services (id, app_id, name, endpoint, credential, credential_set_at, needs_config, position) \
                 VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)",
            )
            .bind(new_id())
            .bind(&app_id)
            .bind(&s.name)
            .bind(&s.endpoint)
            .bind(d.foreign as i64)
            .bind(i as i64)
            .execute(&mut **tx)
            .await?;
        }
        Ok(app_id)
    }
}
