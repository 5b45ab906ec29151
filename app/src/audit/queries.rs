//! Writing the audit trail (in the change's transaction) and reading it
//! (customer admins).

use super::domain::{diff, ActingAs, EntryView};
use crate::db::{new_id, Db, Tx};
use crate::error::AppResult;
use crate::session::Ctx;

pub const LIMIT: i64 = 200;

pub async fn list(db: &Db, ctx: &Ctx, providers_only: bool) -> AppResult<Vec<EntryView>> {
    let org = super::policy::reader(ctx)?;
    #[derive(sqlx::FromRow)]
    struct Row {
        at: i64,
        actor: String,
        actor_org: Option<String>,
        acting_as: String,
        action: String,
        before_json: Option<String>,
        after_json: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.at, COALESCE(u.display_name, e.actor_user_id) AS actor, o.name AS actor_org, e.acting_as, e.action, e.before_json, e.after_json \
         FROM audit_entries e LEFT JOIN users u ON u.id = e.actor_user_id LEFT JOIN organizations o ON o.id = e.actor_org_id \
         WHERE e.org_id = $1 AND ($2 = 0 OR e.actor_org_id IS NOT NULL) ORDER BY e.at DESC, e.id DESC LIMIT $3",
    )
    .bind(&org.org_id.0)
    .bind(providers_only as i64)
    .bind(LIMIT)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| EntryView {
            changes: diff(r.before_json.as_deref(), r.after_json.as_deref()),
            at: r.at,
            actor: r.actor,
            actor_org: r.actor_org,
            acting_as: ActingAs::parse(&r.acting_as),
            action: r.action,
        })
        .collect())
}

/// One change: who (the real user), in which role, what, before and after.
pub struct Entry<'a> {
    pub org_id: &'a str,
    pub actor_user_id: &'a str,
    pub acting_as: super::domain::ActingAs,
    /// The real actor's organization when it is not `org_id` (remote maintenance).
    pub actor_org_id: Option<&'a str>,
    /// The app the change concerns, if any.
    pub app_id: Option<&'a str>,
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Entry<'a> {
    /// An admin acting on an app of their own organization (before and
    /// after added with `..`).
    pub fn by_admin(
        org_id: &'a str,
        actor_user_id: &'a str,
        app_id: &'a str,
        action: &'a str,
        target: &'a str,
    ) -> Entry<'a> {
        Entry {
            org_id,
            actor_user_id,
            acting_as: super::domain::ActingAs::Admin,
            actor_org_id: None,
            app_id: Some(app_id),
            action,
            target,
            before: None,
            after: None,
        }
    }
}

pub async fn record(tx: &mut Tx, e: Entry<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_entries (id, org_id, actor_user_id, acting_as, action, target, before_json, after_json, at, \
         actor_org_id, app_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(e.org_id)
    .bind(e.actor_user_id)
    .bind(e.acting_as.code())
    .bind(e.action)
    .bind(e.target)
    .bind(e.before.map(|v| v.to_string()))
    .bind(e.after.map(|v| v.to_string()))
    .bind(now)
    .bind(e.actor_org_id)
    .bind(e.app_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
