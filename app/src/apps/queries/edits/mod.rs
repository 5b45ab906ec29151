//! Changes to apps. Each runs in one write transaction with its audit entry
//! (see `AppEdit`); a failed check leaves nothing behind.

use crate::values::AppId;
mod forms;
mod process;
mod services;
mod templates;

use crate::audit::domain::ActingAs;
use crate::maintenance::policy::{refuse_in_maintenance, CustomerOnly};
pub use forms::*;
pub use process::*;
pub use services::*;
pub use templates::*;

/// What every part of the editor's changes uses.
mod prelude {
    pub(super) use super::super::access::{AppEdit, Sibling};
    pub(super) use crate::apps::domain::{limits, *};
    pub(super) use crate::db::{new_id, Db};
    pub(super) use crate::error::{AppError, AppResult, ErrorCode};
    pub(super) use crate::session::Ctx;
    pub(super) use serde_json::{json, Value};
}

use crate::apps::snapshot::{self, AppSnapshot};
use prelude::*;

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
pub async fn create_app(db: &Db, ctx: &Ctx, s: &AppSettings, now: i64) -> AppResult<AppId> {
    let org = ctx.org_admin_or(ErrorCode::AppCreateAdminOnly)?;
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
        acting_as: ActingAs::Admin,
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
    app_id: &AppId,
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

pub async fn delete_app(db: &Db, ctx: &Ctx, app_id: &AppId, now: i64) -> AppResult<()> {
    refuse_in_maintenance(ctx.maintenance.is_some(), CustomerOnly::DeleteApp)?;
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
            acting_as: self.acting_as.clone(),
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
    app_id: &AppId,
    user_id: &str,
    now: i64,
) -> AppResult<()> {
    refuse_in_maintenance(ctx.maintenance.is_some(), CustomerOnly::AppAdmins)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    people(&mut e, People::Admins, user_id, true).await?;
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
    app_id: &AppId,
    user_id: &str,
    now: i64,
) -> AppResult<()> {
    refuse_in_maintenance(ctx.maintenance.is_some(), CustomerOnly::AppAdmins)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    people(&mut e, People::Admins, user_id, false).await?;
    e.finish(
        "app.admin_remove",
        user_id,
        Some(json!({ "app_admin": user_id })),
        None,
    )
    .await
}

/// The app's lists of people: its admins, and the members chosen to use it.
#[derive(Clone, Copy)]
enum People {
    Admins,
    Users,
}

/// Puts a member of the organization on one of the app's lists (`add`), or
/// takes them off: "already added" / "not found" when there is nothing to do.
async fn people(e: &mut AppEdit, list: People, user_id: &str, add: bool) -> AppResult<()> {
    let table = match list {
        People::Admins => "app_admins",
        People::Users => "app_users",
    };
    if add {
        e.require_org_user(user_id).await?;
    }
    let sql = match (add, list) {
        // When each user was chosen decides who loses a seat first.
        (true, People::Users) => {
            "INSERT INTO app_users (app_id, user_id, granted_at) VALUES ($1, $2, $3)".to_string()
        }
        (true, People::Admins) => {
            "INSERT INTO app_admins (app_id, user_id) VALUES ($1, $2)".to_string()
        }
        (false, _) => format!("DELETE FROM {table} WHERE app_id = $1 AND user_id = $2"),
    };
    let mut q = sqlx::query(&sql).bind(&e.app_id).bind(user_id);
    if add && matches!(list, People::Users) {
        q = q.bind(e.now);
    }
    let res = q.execute(&mut *e.tx).await;
    match res {
        Err(err) if crate::db::is_unique_violation(&err) => {
            Err(AppError::new(ErrorCode::AlreadyAdded))
        }
        Ok(done) if !add && done.rows_affected() == 0 => Err(AppError::new(ErrorCode::NotFound)),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

/// Who may use the app: everyone in the organization, or the chosen members.
pub async fn set_use_by(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    use_by: UseBy,
    now: i64,
) -> AppResult<()> {
    refuse_in_maintenance(ctx.maintenance.is_some(), CustomerOnly::AppUsers)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (before,): (String,) = sqlx::query_as("SELECT use_by FROM apps WHERE id = $1")
        .bind(app_id)
        .fetch_one(&mut *e.tx)
        .await?;
    sqlx::query("UPDATE apps SET use_by = $1 WHERE id = $2")
        .bind(use_by.as_str())
        .bind(app_id)
        .execute(&mut *e.tx)
        .await?;
    // The users it now has must fit the licence's seats.
    crate::licences::queries::check_seat(&mut e.tx, app_id.as_str()).await?;
    e.finish(
        "app.use_by",
        app_id,
        Some(json!({ "use_by": before })),
        Some(json!({ "use_by": use_by.as_str() })),
    )
    .await
}

/// Chooses a member to use the app (`add`), or takes them off the list.
pub async fn set_app_user(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    user_id: &str,
    add: bool,
    now: i64,
) -> AppResult<()> {
    refuse_in_maintenance(ctx.maintenance.is_some(), CustomerOnly::AppUsers)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    people(&mut e, People::Users, user_id, add).await?;
    if add {
        // Refused past the licence's seats (the grant is rolled back).
        crate::licences::queries::check_seat(&mut e.tx, app_id.as_str()).await?;
    }
    let user = Some(json!({ "app_user": user_id }));
    let (action, before, after) = if add {
        ("app.user_add", None, user)
    } else {
        ("app.user_remove", user, None)
    };
    e.finish(action, user_id, before, after).await
}
