//! Reading the audit trail (customer admins).

use super::domain::{diff, EntryView};
use crate::accounts::ctx::Ctx;
use crate::db::Db;
use crate::error::AppResult;

pub const LIMIT: i64 = 200;

pub async fn list(db: &Db, ctx: &Ctx, providers_only: bool) -> AppResult<Vec<EntryView>> {
    let org = ctx.org_admin()?;
    let rows: Vec<(i64, String, Option<String>, String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT e.at, COALESCE(u.display_name, e.actor_user_id), o.name, e.acting_as, e.action, e.before_json, e.after_json \
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
        .map(
            |(at, actor, actor_org, acting_as, action, before, after)| EntryView {
                at,
                actor,
                actor_org,
                acting_as,
                action,
                changes: diff(before.as_deref(), after.as_deref()),
            },
        )
        .collect())
}
