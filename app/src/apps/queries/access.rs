//! Who may read or change an app, and the transaction every change runs in.

use crate::apps::policy::Standing;
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::AppId;

/// The caller's standing towards one app of their current organization.
pub struct AppAccess {
    pub app_id: String,
    pub org_id: String,
    pub can_edit: bool,
    /// The role recorded in audit entries.
    pub acting_as: ActingAs,
    /// The real actor's own organization, during remote maintenance.
    pub actor_org_id: Option<String>,
}

/// Resolves access inside `conn`. An app of another organization is "not
/// found", whatever its id, so ids reveal nothing.
pub async fn resolve(
    conn: &mut sqlx::AnyConnection,
    ctx: &Ctx,
    app_id: &AppId,
) -> AppResult<AppAccess> {
    let org = ctx.org()?;
    // In remote maintenance the ISV user is app admin of that one app only.
    if let Some(m) = &ctx.maintenance {
        if &m.app_id != app_id {
            return Err(AppError::new(ErrorCode::NotFound));
        }
        return Ok(AppAccess {
            app_id: app_id.to_string(),
            org_id: m.customer_org_id.clone(),
            can_edit: true,
            acting_as: ActingAs::Maintainer(m.order_no.clone()),
            actor_org_id: Some(m.isv_org_id.clone()),
        });
    }
    ours(conn, &org.org_id.0, app_id).await?;
    let standing = Standing::of(org.role, is_app_admin(conn, app_id, &ctx.user_id.0).await?);
    Ok(AppAccess {
        app_id: app_id.to_string(),
        org_id: org.org_id.0.clone(),
        can_edit: standing.may_edit(),
        acting_as: standing.acting_as(),
        actor_org_id: None,
    })
}

/// The app's name if it belongs to `org_id`; "not found" otherwise, so ids
/// of other organizations' apps reveal nothing.
pub async fn ours(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    app_id: &AppId,
) -> AppResult<String> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT name FROM apps WHERE id = $1 AND org_id = $2")
            .bind(app_id)
            .bind(org_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|(name,)| name)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Whether the user is an app admin (应用管理员) of the app.
pub async fn is_app_admin(
    conn: &mut sqlx::AnyConnection,
    app_id: &AppId,
    user_id: &str,
) -> AppResult<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM app_admins WHERE app_id = $1 AND user_id = $2")
            .bind(app_id)
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(n > 0)
}

/// One change to an app: checked, written and audited in one transaction.
pub struct AppEdit {
    pub tx: Tx,
    pub app_id: String,
    pub org_id: String,
    pub(crate) actor: String,
    pub(crate) acting_as: ActingAs,
    pub(crate) actor_org_id: Option<String>,
    /// The maintenance session the change is made in (its change set follows).
    pub(crate) maintenance: Option<crate::values::MaintenanceId>,
    pub now: i64,
}

impl AppEdit {
    pub async fn begin(db: &Db, ctx: &Ctx, app_id: &AppId, now: i64) -> AppResult<AppEdit> {
        let mut tx = db.begin_write().await?;
        let access = resolve(&mut tx, ctx, app_id).await?;
        if !access.can_edit {
            return Err(AppError::new(ErrorCode::AppEditOnly));
        }
        Ok(AppEdit {
            tx,
            app_id: access.app_id,
            org_id: access.org_id,
            actor: ctx.user_id.0.clone(),
            acting_as: access.acting_as,
            actor_org_id: access.actor_org_id,
            maintenance: ctx.maintenance.as_ref().map(|m| m.id.clone()),
            now,
        })
    }

    /// Bumps the app's version, records the change and commits.
    pub async fn finish(
        mut self,
        action: &str,
        target: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> AppResult<()> {
        sqlx::query(
            "UPDATE apps SET version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3",
        )
        .bind(self.now)
        .bind(&self.actor)
        .bind(&self.app_id)
        .execute(&mut *self.tx)
        .await?;
        let entry = Entry {
            org_id: &self.org_id,
            actor_user_id: &self.actor,
            acting_as: self.acting_as.clone(),
            actor_org_id: self.actor_org_id.as_deref(),
            app_id: Some(&self.app_id),
            action,
            target,
            before,
            after,
        };
        audit::record(&mut self.tx, entry, self.now).await?;
        if let Some(session) = &self.maintenance {
            crate::changes::queries::track(&mut self.tx, session, &self.app_id, self.now).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    /// Fails with "not found" unless `user_id` belongs to the app's organization.
    pub async fn require_org_user(&mut self, user_id: &str) -> AppResult<()> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(&self.org_id)
                .bind(user_id)
                .fetch_one(&mut *self.tx)
                .await?;
        if n == 0 {
            return Err(AppError::new(ErrorCode::NotOrgUser));
        }
        Ok(())
    }

    /// The position for a new item under `parent`, or "too many" when the
    /// list already holds `max` items.
    pub async fn next_slot(&mut self, table: Sibling, parent: &str, max: usize) -> AppResult<i64> {
        let sql = format!(
            "SELECT COUNT(*), COALESCE(MAX(position) + 1, 0) FROM {} WHERE {} = $1",
            table.table(),
            table.parent()
        );
        let (n, next): (i64, i64) = sqlx::query_as(&sql)
            .bind(parent)
            .fetch_one(&mut *self.tx)
            .await?;
        if n as usize >= max {
            return Err(AppError::new(ErrorCode::TooMany));
        }
        Ok(next)
    }

    /// Deletes one part of the app (its id already checked against the app).
    pub async fn delete(&mut self, table: Sibling, id: &str) -> AppResult<()> {
        sqlx::query(&format!("DELETE FROM {} WHERE id = $1", table.table()))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Swaps an item with its neighbour above or below; false at the edge.
    pub async fn move_item(
        &mut self,
        table: Sibling,
        parent: &str,
        id: &str,
        up: bool,
    ) -> AppResult<bool> {
        let (t, p) = (table.table(), table.parent());
        let row: Option<(i64,)> = sqlx::query_as(&format!(
            "SELECT position FROM {t} WHERE id = $1 AND {p} = $2"
        ))
        .bind(id)
        .bind(parent)
        .fetch_optional(&mut *self.tx)
        .await?;
        let (pos,) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
        let neighbour_sql = if up {
            format!("SELECT id, position FROM {t} WHERE {p} = $1 AND position < $2 ORDER BY position DESC LIMIT 1")
        } else {
            format!("SELECT id, position FROM {t} WHERE {p} = $1 AND position > $2 ORDER BY position ASC LIMIT 1")
        };
        let other: Option<(String, i64)> = sqlx::query_as(&neighbour_sql)
            .bind(parent)
            .bind(pos)
            .fetch_optional(&mut *self.tx)
            .await?;
        let Some((other_id, other_pos)) = other else {
            return Ok(false);
        };
        let set = format!("UPDATE {t} SET position = $1 WHERE id = $2");
        sqlx::query(&set)
            .bind(other_pos)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(&set)
            .bind(pos)
            .bind(&other_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(true)
    }
}

/// Ordered children of an app or a form. Table names are fixed here, never input.
#[derive(Clone, Copy)]
pub enum Sibling {
    Form,
    Field,
    Step,
    Template,
    Service,
}

impl Sibling {
    fn table(self) -> &'static str {
        match self {
            Sibling::Form => "forms",
            Sibling::Field => "fields",
            Sibling::Step => "process_steps",
            Sibling::Template => "notification_templates",
            Sibling::Service => "services",
        }
    }
    fn parent(self) -> &'static str {
        match self {
            Sibling::Field | Sibling::Step => "form_id",
            _ => "app_id",
        }
    }
}
