//! Upgrades in the database: offers of a version to orders (ISV side,
//! `offer`) and the customer's steps on its copy (`steps`: preview, apply,
//! decline, roll back). Every step is one transaction with its audit entries
//! on both sides; the merge is `versions::domain::merge`.

mod offer;
mod steps;

pub use offer::offer;
pub use steps::{decline, preview, run};

use super::domain::*;
use crate::apps::queries::access::{resolve, AppAccess};
use crate::apps::snapshot::{self, sync::sync, AppSnapshot};
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{new_id, Db, Tx};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::{AppId, UpgradeId, VersionId};
use crate::versions::domain::merge::{merge, Choices, Incoming, Merged};
use crate::versions::domain::Version;
use crate::versions::queries as versions;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use std::collections::HashMap;

async fn set_order(tx: &mut Tx, order_id: &str, state: UpgradeState) -> AppResult<()> {
    sqlx::query("UPDATE distribution_orders SET upgrade_state = $1 WHERE id = $2")
        .bind(state.as_str())
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The copy's admins (organization admins and its app admins), in their
/// own right: never a provider in maintenance.
async fn customer(conn: &mut AnyConnection, ctx: &Ctx, app_id: &AppId) -> AppResult<AppAccess> {
    crate::upgrades::policy::may_decide(true, ctx.maintenance.is_some())?;
    let access = resolve(conn, ctx, app_id).await?;
    crate::upgrades::policy::may_decide(access.can_edit, false)?;
    Ok(access)
}

#[derive(sqlx::FromRow)]
struct UpgradeRow {
    id: String,
    order_id: String,
    isv_org_id: String,
    app_id: String,
    version_id: String,
    version: String,
    state: String,
    from_version_id: Option<String>,
    from_version: Option<String>,
    offered_at: i64,
    decided_at: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    rb_before_json: Option<String>,
    rb_after_json: Option<String>,
    notes: String,
    installed: Option<String>,
}

const UPGRADE: &str = "SELECT u.id, u.order_id, u.isv_org_id, u.app_id, u.version_id, u.version, u.state, \
    u.from_version_id, u.from_version, u.offered_at, u.decided_at, u.before_json, u.after_json, \
    u.rb_before_json, u.rb_after_json, v.notes, o.version AS installed \
    FROM upgrades u JOIN app_versions v ON v.id = u.version_id JOIN distribution_orders o ON o.id = u.order_id";

impl UpgradeRow {
    fn state(&self) -> AppResult<UpgradeState> {
        UpgradeState::parse(&self.state)
    }

    fn view(&self) -> AppResult<UpgradeView> {
        let state = self.state()?;
        let from = match state {
            UpgradeState::Applied | UpgradeState::RolledBack => self.from_version.clone(),
            _ => self.installed.clone(),
        };
        Ok(UpgradeView {
            id: UpgradeId(self.id.clone()),
            app_id: AppId(self.app_id.clone()),
            state,
            from,
            to: self.version.clone(),
            notes: self.notes.clone(),
            offered_at: self.offered_at,
            decided_at: self.decided_at,
            undo_until: match state {
                UpgradeState::Applied | UpgradeState::RolledBack => {
                    self.decided_at.map(|d| d + ROLLBACK_MS)
                }
                _ => None,
            },
        })
    }
}

async fn upgrade_of(
    conn: &mut AnyConnection,
    app_id: &AppId,
    id: &UpgradeId,
) -> AppResult<UpgradeRow> {
    let row: Option<UpgradeRow> =
        sqlx::query_as(&format!("{UPGRADE} WHERE u.app_id = $1 AND u.id = $2"))
            .bind(app_id)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// The copy's installed version and the upgrades in view: an open offer
/// and the last one decided (newest first).
pub async fn card(db: &Db, ctx: &Ctx, app_id: &AppId, now: i64) -> AppResult<UpgradeCard> {
    let mut conn = db.pool.acquire().await?;
    customer(&mut conn, ctx, app_id).await?;
    let installed: Option<(Option<String>,)> =
        sqlx::query_as("SELECT version FROM distribution_orders WHERE installed_app_id = $1")
            .bind(app_id)
            .fetch_optional(&mut *conn)
            .await?;
    let rows: Vec<UpgradeRow> = sqlx::query_as(&format!(
        "{UPGRADE} WHERE u.app_id = $1 AND u.state <> 'superseded' ORDER BY COALESCE(u.decided_at, u.offered_at) DESC, u.id DESC"
    ))
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    let open = rows
        .iter()
        .find(|r| matches!(r.state.as_str(), "offered" | "failed"));
    let last = rows
        .iter()
        .find(|r| matches!(r.state.as_str(), "applied" | "rolled_back" | "declined"));
    Ok(UpgradeCard {
        installed: installed.and_then(|(v,)| v),
        upgrades: open
            .into_iter()
            .chain(last)
            .map(UpgradeRow::view)
            .collect::<AppResult<_>>()?,
        now,
    })
}

/// Takes the app's row for the rest of the transaction (PostgreSQL; SQLite
/// already serialises writers): upgrade steps and maintenance starts on the
/// same copy queue behind each other.
pub async fn lock_app(tx: &mut Tx, app_id: &AppId) -> AppResult<()> {
    sqlx::query("UPDATE apps SET version = version WHERE id = $1")
        .bind(app_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
