//! Reading apps for pages: the My Apps cards and the editor's full view.

use super::domain::*;
use crate::accounts::Role;
use crate::apps::policy::Standing;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::session::Ctx;
use crate::values::AppId;
use std::collections::HashMap;

pub mod access;
pub mod edits;

/// A stored JSON column; a value that does not decode is our fault.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(AppError::internal)
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: String,
    name: String,
    icon: String,
    description: String,
    origin: String,
    updated_at: i64,
    updated_by: String,
    forms: i64,
    is_app_admin: i64,
    use_by: String,
    is_app_user: i64,
    pending_setup: i64,
    open_until: Option<i64>,
    offered: Option<String>,
    unreviewed: i64,
    licence_kind: Option<String>,
    licence_ends: Option<i64>,
    licence_read_only_from: Option<i64>,
    licence_archived_from: Option<i64>,
    /// NULL: an own app (no order).
    licence_suspended: Option<i64>,
}

impl CardRow {
    /// An installed copy's licence state now (`None`: an own app).
    fn licence(&self, now: i64) -> Option<crate::licences::domain::LicenceState> {
        use crate::licences::domain::{LicenceKind, Timeline};
        let suspended = self.licence_suspended?;
        let kind = LicenceKind::stored(self.licence_kind.as_deref());
        let t = Timeline {
            ends: self.licence_ends,
            read_only_from: self.licence_read_only_from,
            archived_from: self.licence_archived_from,
        };
        Some(t.state_of(kind, suspended != 0, now))
    }
}

pub async fn list(db: &Db, ctx: &Ctx, now: i64) -> AppResult<Vec<AppCard>> {
    let org = ctx.org()?;
    let rows: Vec<CardRow> = sqlx::query_as(
        "SELECT a.id, a.name, a.icon, a.description, a.origin, a.updated_at, \
                COALESCE(u.display_name, '') AS updated_by, \
                (SELECT COUNT(*) FROM forms f WHERE f.app_id = a.id) AS forms, \
                (SELECT COUNT(*) FROM app_admins x WHERE x.app_id = a.id AND x.user_id = $2) AS is_app_admin, \
                a.use_by, (SELECT COUNT(*) FROM app_users x WHERE x.app_id = a.id AND x.user_id = $2) AS is_app_user, \
                (SELECT COUNT(*) FROM forms f WHERE f.app_id = a.id AND f.process_needs_config = 1) \
                + (SELECT COUNT(*) FROM notification_templates t WHERE t.app_id = a.id AND t.needs_config = 1) \
                + (SELECT COUNT(*) FROM services s WHERE s.app_id = a.id AND s.needs_config = 1) AS pending_setup, \
                (SELECT g.open_until FROM maintenance_grants g WHERE g.app_id = a.id) AS open_until, \
                (SELECT MAX(x.version) FROM upgrades x WHERE x.app_id = a.id AND x.state IN ('offered', 'failed')) AS offered, \
                (SELECT COUNT(*) FROM change_sets c WHERE c.app_id = a.id AND c.kind = 'maintenance' AND c.changes > 0 AND c.reviewed_at IS NULL) AS unreviewed, \
                o.licence_kind, o.licence_ends, o.licence_read_only_from, o.licence_archived_from, o.licence_suspended \
         FROM apps a LEFT JOIN users u ON u.id = a.updated_by \
         LEFT JOIN distribution_orders o ON o.installed_app_id = a.id \
         WHERE a.org_id = $1 AND ($3 = '' OR a.id = $3) ORDER BY a.updated_at DESC, a.id",
    )
    .bind(&org.org_id.0)
    .bind(&ctx.user_id.0)
    // In remote maintenance only the maintained app exists.
    .bind(ctx.maintenance.as_ref().map(|m| m.app_id.as_str()).unwrap_or(""))
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        // An archived licence hides the app from members; its admins still
        // see it, read and export everything.
        .filter(|r| {
            org.role == Role::Admin
                || r.is_app_admin > 0
                || r.licence_archived_from.is_none_or(|a| now < a)
        })
        .map(|r| {
            let can_edit =
                org.role == Role::Admin || r.is_app_admin > 0 || ctx.maintenance.is_some();
            let standing = Standing::of(org.role, r.is_app_admin > 0);
            let admin = org.role == Role::Admin || r.is_app_admin > 0;
            // Grace is the admins' banner; what stops use, everyone's.
            let licence_warning = r
                .licence(now)
                .filter(|s| s.warns() && ctx.maintenance.is_none())
                .filter(|s| admin || *s != crate::licences::domain::LicenceState::Grace)
                .map(|s| {
                    let until = (s == crate::licences::domain::LicenceState::Grace)
                        .then_some(r.licence_read_only_from)
                        .flatten();
                    (s, until)
                });
            Ok(AppCard {
                licence_warning,
                icon: Icon::parse(&r.icon)?,
                can_use: ctx.maintenance.is_none()
                    && standing.may_use(UseBy::parse(&r.use_by)?, r.is_app_user > 0),
                can_edit,
                can_distribute: can_edit && org.cert.may_distribute() && r.origin == "own",
                setup_incomplete: r.pending_setup > 0,
                upgrade_offered: r.offered.filter(|_| can_edit && ctx.maintenance.is_none()),
                // Reviewing what a provider changed is the customer's admins' task.
                unreviewed_changes: if org.role == Role::Admin && ctx.maintenance.is_none() {
                    r.unreviewed
                } else {
                    0
                },
                access_open: org.role == Role::Admin
                    && ctx.maintenance.is_none()
                    && r.open_until.is_some_and(|u| u > now),
                id: r.id.into(),
                name: r.name,
                description: r.description,
                origin: r.origin,
                updated_at: r.updated_at,
                updated_by: r.updated_by,
                forms: r.forms,
            })
        })
        .collect()
}

pub async fn org_users(conn: &mut sqlx::AnyConnection, org_id: &str) -> AppResult<Vec<UserRef>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 ORDER BY u.display_name, u.email",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email)| UserRef {
            id: id.into(),
            name,
            email,
        })
        .collect())
}

pub async fn detail(db: &Db, ctx: &Ctx, app_id: &AppId) -> AppResult<AppDetail> {
    let mut conn = db.pool.acquire().await?;
    detail_in(&mut conn, ctx, app_id).await
}

/// The app as `detail` reads it, inside `conn` (a submission reads the form
/// it checks values against in its own transaction).
pub async fn detail_in(
    conn: &mut sqlx::AnyConnection,
    ctx: &Ctx,
    app_id: &AppId,
) -> AppResult<AppDetail> {
    let access = access::resolve(conn, ctx, app_id).await?;
    let (name, icon, description, origin, version, updated_at, use_by): (
        String,
        String,
        String,
        String,
        i64,
        i64,
        String,
    ) = sqlx::query_as(
        "SELECT name, icon, description, origin, version, updated_at, use_by FROM apps WHERE id = $1",
    )
    .bind(app_id)
    .fetch_one(&mut *conn)
    .await?;
    let mut users = org_users(conn, &access.org_id).await?;
    // In maintenance the ISV sees the customer's people by name only.
    if ctx.maintenance.is_some() {
        for u in &mut users {
            u.email.clear();
        }
    }
    let by_id: HashMap<&str, &UserRef> = users.iter().map(|u| (u.id.as_str(), u)).collect();
    // A user who has left the organization still shows, by id, until replaced.
    let user_ref = |id: &str| {
        by_id
            .get(id)
            .map(|u| (*u).clone())
            .unwrap_or_else(|| UserRef {
                id: id.into(),
                name: id.into(),
                email: String::new(),
            })
    };

    let admin_ids: Vec<(String,)> =
        sqlx::query_as("SELECT user_id FROM app_admins WHERE app_id = $1")
            .bind(app_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut admins: Vec<UserRef> = admin_ids.iter().map(|(id,)| user_ref(id)).collect();
    admins.sort_by(|a, b| a.name.cmp(&b.name));
    let user_ids: Vec<(String,)> =
        sqlx::query_as("SELECT user_id FROM app_users WHERE app_id = $1")
            .bind(app_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut app_users: Vec<UserRef> = user_ids.iter().map(|(id,)| user_ref(id)).collect();
    app_users.sort_by(|a, b| a.name.cmp(&b.name));
    let use_by = UseBy::parse(&use_by)?;
    let can_use = ctx.maintenance.is_none()
        && (access.can_edit
            || use_by == UseBy::Everyone
            || user_ids.iter().any(|(id,)| *id == ctx.user_id.0));

    let form_rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT id, name, kind, process_needs_config FROM forms WHERE app_id = $1 ORDER BY position, id",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut forms = Vec::new();
    for (id, name, kind, needs) in form_rows {
        let field_rows: Vec<(String, String, String, i64, String)> = sqlx::query_as(
            "SELECT id, label, field_type, required, options_json FROM fields WHERE form_id = $1 ORDER BY position, id",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await?;
        let step_rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, name, approvers_json FROM process_steps WHERE form_id = $1 ORDER BY position, id")
                .bind(&id)
                .fetch_all(&mut *conn)
                .await?;
        let fields = field_rows
            .into_iter()
            .map(|(id, label, t, required, options)| {
                Ok(FieldView {
                    id: id.into(),
                    label,
                    field_type: FieldType::parse(&t)?,
                    required: required != 0,
                    options: decode_json(&options)?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let steps = step_rows
            .into_iter()
            .map(|(id, name, approvers)| {
                let ids: Vec<String> = decode_json(&approvers)?;
                Ok(StepView {
                    id: id.into(),
                    name,
                    approvers: ids.iter().map(|a| user_ref(a)).collect(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        forms.push(FormView {
            id: id.into(),
            name,
            kind: FormKind::parse(&kind)?,
            fields,
            steps,
            process_needs_config: needs != 0,
        });
    }

    let template_rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, form_id, trigger_event, recipients_json, message, needs_config FROM notification_templates \
         WHERE app_id = $1 ORDER BY position, id",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    let templates = template_rows
        .into_iter()
        .map(|(id, form_id, trigger, recipients, message, needs)| {
            let list: Vec<Recipient> = decode_json(&recipients)?;
            let form_name = forms
                .iter()
                .find(|f| f.id.as_str() == form_id)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            Ok(TemplateView {
                id: id.into(),
                form_id: form_id.into(),
                form_name,
                trigger: Trigger::parse(&trigger)?,
                recipients: list
                    .iter()
                    .map(|r| RecipientView {
                        value: r.form_value(),
                        name: match r {
                            Recipient::Submitter => String::new(),
                            Recipient::User(id) => user_ref(id).name,
                        },
                    })
                    .collect(),
                message,
                needs_config: needs != 0,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;

    // Deliberately not selecting `credential`: it never leaves the server.
    let service_rows: Vec<(String, String, String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT id, name, endpoint, credential_set_at, needs_config FROM services WHERE app_id = $1 ORDER BY position, id",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    let call_rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.service_id, c.form_id, c.trigger_event FROM service_calls c \
         JOIN services s ON s.id = c.service_id WHERE s.app_id = $1",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    let services = service_rows
        .into_iter()
        .map(|(id, name, endpoint, credential_set_at, needs)| {
            // In the order of the forms, then of the events.
            let mut calls = Vec::new();
            for f in &forms {
                for t in Trigger::ALL {
                    if call_rows
                        .iter()
                        .any(|(s, form, tr)| *s == id && f.id.as_str() == form && tr == t.as_str())
                    {
                        calls.push(ServiceCall {
                            form_id: f.id.clone(),
                            form_name: f.name.clone(),
                            trigger: *t,
                        });
                    }
                }
            }
            ServiceView {
                id: id.into(),
                name,
                endpoint,
                credential_set_at,
                needs_config: needs != 0,
                calls,
            }
        })
        .collect();

    Ok(AppDetail {
        id: app_id.clone(),
        name,
        icon: Icon::parse(&icon)?,
        description,
        origin,
        version,
        updated_at,
        can_edit: access.can_edit,
        can_use,
        use_by,
        app_users,
        admins,
        users,
        forms,
        templates,
        services,
    })
}
