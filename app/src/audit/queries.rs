//! Reading the audit trail (customer admins).

use super::domain::{diff, EntryView};
use crate::accounts::ctx::Ctx;
use crate::db::Db;
use crate::error::AppResult;

pub const LIMIT: i64 = 200;

pub async fn list(db: &Db, ctx: &Ctx, providers_only: bool) -> AppResult<Vec<EntryView>> {
    let org = ctx.org_admin()?;
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
            acting_as: r.acting_as,
            action: r.action,
        })
        .collect())
}
