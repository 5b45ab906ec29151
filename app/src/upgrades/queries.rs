//! Offers of a version to orders (ISV side) and the customer's steps on its
//! copy: preview, apply, decline, roll back. Every step is one transaction
//! with its audit entries on both sides; the merge is `versions::domain::merge`.

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

// ---------------------------------------------------------------- ISV side

/// Offers `version_id` of the caller's app to its orders in `scope`
/// (`orders`: order numbers, for the chosen or excepted ones). Offering
/// again changes nothing; a newer offer supersedes one still open.
pub async fn offer(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    version_id: &VersionId,
    scope: OfferScope,
    orders: &[String],
    now: i64,
) -> AppResult<OfferOutcome> {
    let acting_as =
        crate::distribution::queries::links::require_distributor(db, ctx, app_id).await?;
    let isv = ctx.org()?.org_id.0.clone();
    let mut tx = db.begin_write().await?;
    let v = versions::one(&mut tx, app_id, version_id).await?;
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.id, o.order_no, o.installed_app_id, o.customer_org_id, o.version, a.base_version_id \
         FROM distribution_orders o LEFT JOIN apps a ON a.id = o.installed_app_id \
         WHERE o.isv_org_id = $1 AND o.source_app_id = $2 ORDER BY o.created_at, o.id",
    )
    .bind(&isv)
    .bind(app_id)
    .fetch_all(&mut *tx)
    .await?;
    let named: std::collections::HashSet<&str> = orders.iter().map(String::as_str).collect();
    if named
        .iter()
        .any(|n| !rows.iter().any(|r| r.1.eq_ignore_ascii_case(n)))
    {
        return Err(AppError::new(ErrorCode::InvalidOrderList));
    }
    let mut out = OfferOutcome {
        offered: 0,
        unchanged: 0,
        not_upgradable: 0,
    };
    for (order_id, order_no, copy, customer, installed, base) in rows {
        let listed = named.contains(order_no.to_uppercase().as_str());
        let included = match scope {
            OfferScope::All => true,
            OfferScope::Chosen => listed,
            OfferScope::AllExcept => !listed,
        };
        if !included {
            continue;
        }
        // A copy bought before versions (or deleted) has no base to merge from.
        let (Some(installed), Some(_)) = (installed, base) else {
            out.not_upgradable += 1;
            continue;
        };
        let behind = Version::parse(&installed).is_ok_and(|i| i < v.version);
        let (already,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM upgrades WHERE order_id = $1 AND version_id = $2")
                .bind(&order_id)
                .bind(version_id)
                .fetch_one(&mut *tx)
                .await?;
        if !behind || already > 0 {
            out.unchanged += 1;
            continue;
        }
        sqlx::query(
            "UPDATE upgrades SET state = 'superseded' WHERE order_id = $1 AND state IN ('offered', 'failed')",
        )
        .bind(&order_id)
        .execute(&mut *tx)
        .await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO upgrades (id, order_id, isv_org_id, customer_org_id, app_id, version_id, version, state, \
             offered_by, offered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'offered', $8, $9)",
        )
        .bind(&id)
        .bind(&order_id)
        .bind(&isv)
        .bind(&customer)
        .bind(&copy)
        .bind(version_id)
        .bind(v.version.to_string())
        .bind(&ctx.user_id.0)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        set_order(&mut tx, &order_id, UpgradeState::Offered).await?;
        // The customer's admins find it in their audit log and on the app.
        let entry = Entry {
            org_id: &customer,
            actor_user_id: &ctx.user_id.0,
            acting_as: ActingAs::Provider,
            actor_org_id: Some(&isv),
            app_id: Some(&copy),
            action: "upgrade.offered",
            target: &id,
            before: Some(json!({ "version": installed })),
            after: Some(json!({ "version": v.version.to_string() })),
        };
        audit::record(&mut tx, entry, now).await?;
        out.offered += 1;
    }
    let entry = Entry {
        org_id: &isv,
        actor_user_id: &ctx.user_id.0,
        acting_as,
        actor_org_id: None,
        app_id: Some(app_id),
        action: "upgrade.offer",
        target: version_id,
        before: None,
        after: Some(
            json!({ "version": v.version.to_string(), "scope": scope.as_str(),
            "offered": out.offered, "unchanged": out.unchanged, "not_upgradable": out.not_upgradable }),
        ),
    };
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(out)
}

async fn set_order(tx: &mut Tx, order_id: &str, state: UpgradeState) -> AppResult<()> {
    sqlx::query("UPDATE distribution_orders SET upgrade_state = $1 WHERE id = $2")
        .bind(state.as_str())
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ----------------------------------------------------------- customer side

/// The copy's admins (organization admins and its app admins), in their
/// own right: never a provider in maintenance.
async fn customer(conn: &mut AnyConnection, ctx: &Ctx, app_id: &AppId) -> AppResult<AppAccess> {
    super::policy::may_decide(true, ctx.maintenance.is_some())?;
    let access = resolve(conn, ctx, app_id).await?;
    super::policy::may_decide(access.can_edit, false)?;
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

/// A published version's definition by id (a copy's base may be a version
/// of an app since deleted).
async fn version_snapshot(conn: &mut AnyConnection, id: &str) -> AppResult<AppSnapshot> {
    let (json,): (String,) = sqlx::query_as("SELECT snapshot_json FROM app_versions WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    AppSnapshot::from_json(&json).map_err(AppError::internal)
}

fn stored(json: &Option<String>) -> AppResult<AppSnapshot> {
    let json = json
        .as_deref()
        .ok_or_else(|| AppError::internal("an applied upgrade without its definitions"))?;
    AppSnapshot::from_json(json).map_err(AppError::internal)
}

/// The three sides of a step: base, the copy now, and what comes in.
async fn sides(
    conn: &mut AnyConnection,
    row: &UpgradeRow,
    step: Step,
) -> AppResult<(AppSnapshot, AppSnapshot, AppSnapshot, Incoming)> {
    let app_id = AppId(row.app_id.clone());
    let mine = snapshot::load(conn, &app_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(match (step, row.state()?) {
        (Step::Apply, UpgradeState::RolledBack) => (
            stored(&row.rb_after_json)?,
            mine,
            stored(&row.rb_before_json)?,
            Incoming::Own,
        ),
        (Step::Apply, _) => {
            let (base,): (Option<String>,) =
                sqlx::query_as("SELECT base_version_id FROM apps WHERE id = $1")
                    .bind(&app_id)
                    .fetch_one(&mut *conn)
                    .await?;
            let base = base.ok_or_else(|| AppError::new(ErrorCode::NotUpgradable))?;
            (
                version_snapshot(conn, &base).await?,
                mine,
                version_snapshot(conn, &row.version_id).await?,
                Incoming::Published,
            )
        }
        (Step::Rollback, _) => (
            stored(&row.after_json)?,
            mine,
            stored(&row.before_json)?,
            Incoming::Own,
        ),
    })
}

/// Names a definition: a preview is applied only to what it was computed on.
fn basis(mine: &AppSnapshot) -> String {
    hex::encode(&Sha256::digest(mine.to_json().as_bytes())[..12])
}

/// What the next step of an upgrade would do, changing nothing.
pub async fn preview(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    id: &UpgradeId,
    now: i64,
) -> AppResult<Preview> {
    let mut conn = db.pool.acquire().await?;
    customer(&mut conn, ctx, app_id).await?;
    let row = upgrade_of(&mut conn, app_id, id).await?;
    let upgrade = row.view()?;
    let step = upgrade
        .next_step(now)
        .ok_or_else(|| AppError::new(ErrorCode::UpgradeNotPossible))?;
    let (base, mine, new, incoming) = sides(&mut conn, &row, step).await?;
    let merged = merge(&base, &mine, &new, incoming, &Choices::new());
    Ok(Preview {
        upgrade,
        step,
        changes: merged.changes,
        basis: basis(&mine),
    })
}

/// The merge with the customer's resolutions of the preview's conflicts.
fn resolved(
    sides: &(AppSnapshot, AppSnapshot, AppSnapshot, Incoming),
    picks: &HashMap<usize, crate::versions::domain::Resolution>,
) -> Merged {
    let (base, mine, new, incoming) = sides;
    let first = merge(base, mine, new, *incoming, &Choices::new());
    let choices: Choices = first
        .conflicts()
        .enumerate()
        .filter_map(|(n, c)| picks.get(&n).map(|r| (c.id.clone(), *r)))
        .collect();
    if choices.is_empty() {
        return first;
    }
    merge(base, mine, new, *incoming, &choices)
}

/// Takes the next step of an upgrade (apply, or roll back) as previewed on
/// `basis`. Repeating a step already taken changes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    id: &UpgradeId,
    step: Step,
    basis_seen: &str,
    picks: &HashMap<usize, crate::versions::domain::Resolution>,
    now: i64,
) -> AppResult<()> {
    let result = run_once(db, ctx, app_id, id, step, basis_seen, picks, now).await;
    if let Err(e) = &result {
        // A failure of our own (not a refusal) is shown to both sides.
        if e.code == ErrorCode::Internal && step == Step::Apply {
            let mut tx = db.begin_write().await?;
            let failed = sqlx::query(
                "UPDATE upgrades SET state = 'failed' WHERE id = $1 AND app_id = $2 AND state = 'offered'",
            )
            .bind(id)
            .bind(app_id)
            .execute(&mut *tx)
            .await?;
            if failed.rows_affected() == 1 {
                let (order_id,): (String,) =
                    sqlx::query_as("SELECT order_id FROM upgrades WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                set_order(&mut tx, &order_id, UpgradeState::Failed).await?;
            }
            tx.commit().await?;
        }
    }
    result
}

#[allow(clippy::too_many_arguments)]
async fn run_once(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    id: &UpgradeId,
    step: Step,
    basis_seen: &str,
    picks: &HashMap<usize, crate::versions::domain::Resolution>,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let access = customer(&mut tx, ctx, app_id).await?;
    // Taken first, so that a maintenance start on this app waits for the
    // step (it takes the same row) and sees its end.
    lock_app(&mut tx, app_id).await?;
    let row = upgrade_of(&mut tx, app_id, id).await?;
    let state = row.state()?;
    let done = match step {
        Step::Apply => UpgradeState::Applied,
        Step::Rollback => UpgradeState::RolledBack,
    };
    if state == done {
        return Ok(());
    }
    if row.view()?.next_step(now) != Some(step) {
        return Err(AppError::new(ErrorCode::UpgradeNotPossible));
    }
    if step == Step::Rollback || state == UpgradeState::RolledBack {
        // Only the copy's latest applied upgrade can be undone or redone.
        let (later,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM upgrades WHERE app_id = $1 AND id <> $2 \
             AND state IN ('applied', 'rolled_back') AND decided_at > $3",
        )
        .bind(app_id)
        .bind(id)
        .bind(row.decided_at.unwrap_or(0))
        .fetch_one(&mut *tx)
        .await?;
        if later > 0 {
            return Err(AppError::new(ErrorCode::UpgradeNotPossible));
        }
    }
    super::policy::may_change_now(maintenance_open(&mut tx, app_id, now).await?)?;
    let sides = sides(&mut tx, &row, step).await?;
    if basis(&sides.1) != basis_seen {
        return Err(AppError::new(ErrorCode::UpgradeChanged));
    }
    let merged = resolved(&sides, picks);
    sync(&mut tx, app_id, &merged.app, &merged.needing_setup()).await?;
    let mine_json = sides.1.to_json();
    let after_json = merged.app.to_json();
    let conflicts = merged.conflicts().count();
    match (step, state) {
        (Step::Apply, UpgradeState::RolledBack) => {
            sqlx::query("UPDATE upgrades SET state = 'applied', decided_at = $1, decided_by = $2 WHERE id = $3")
                .bind(now)
                .bind(&ctx.user_id.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        (Step::Apply, _) => {
            sqlx::query(
                "UPDATE upgrades SET state = 'applied', decided_at = $1, decided_by = $2, before_json = $3, after_json = $4, \
                 from_version_id = (SELECT base_version_id FROM apps WHERE id = $5), from_version = $6 WHERE id = $7",
            )
            .bind(now)
            .bind(&ctx.user_id.0)
            .bind(&mine_json)
            .bind(&after_json)
            .bind(app_id)
            .bind(row.installed.as_deref())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        (Step::Rollback, _) => {
            sqlx::query(
                "UPDATE upgrades SET state = 'rolled_back', decided_at = $1, decided_by = $2, rb_before_json = $3, \
                 rb_after_json = $4 WHERE id = $5",
            )
            .bind(now)
            .bind(&ctx.user_id.0)
            .bind(&mine_json)
            .bind(&after_json)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    // The copy's base and the order's version follow the step.
    let (base, version) = match step {
        Step::Apply => (Some(row.version_id.clone()), Some(row.version.clone())),
        Step::Rollback => (row.from_version_id.clone(), row.from_version.clone()),
    };
    sqlx::query(
        "UPDATE apps SET base_version_id = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $4",
    )
    .bind(base.as_deref())
    .bind(now)
    .bind(&ctx.user_id.0)
    .bind(app_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE distribution_orders SET version_id = $1, version = $2, upgrade_state = $3 WHERE id = $4",
    )
    .bind(base.as_deref())
    .bind(version.as_deref())
    .bind(done.as_str())
    .bind(&row.order_id)
    .execute(&mut *tx)
    .await?;
    let (action, isv_action) = match step {
        Step::Apply => ("upgrade.apply", "order.upgrade_applied"),
        Step::Rollback => ("upgrade.rollback", "order.upgrade_rolled_back"),
    };
    let after = json!({ "version": version, "from": row.installed, "changes": merged.changes.len(),
        "conflicts": conflicts });
    for (org, action, acting_as) in [
        (access.org_id.as_str(), action, access.acting_as.clone()),
        (row.isv_org_id.as_str(), isv_action, ActingAs::Customer),
    ] {
        let entry = Entry {
            org_id: org,
            actor_user_id: &ctx.user_id.0,
            acting_as,
            actor_org_id: (org != access.org_id).then_some(access.org_id.as_str()),
            app_id: Some(app_id),
            action,
            target: id,
            before: None,
            after: Some(after.clone()),
        };
        audit::record(&mut tx, entry, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Declines an open offer (the ISV sees it; a later offer can supersede it).
pub async fn decline(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    id: &UpgradeId,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let access = customer(&mut tx, ctx, app_id).await?;
    let row = upgrade_of(&mut tx, app_id, id).await?;
    match row.state()? {
        UpgradeState::Declined => return Ok(()),
        UpgradeState::Offered | UpgradeState::Failed => {}
        _ => return Err(AppError::new(ErrorCode::UpgradeNotPossible)),
    }
    sqlx::query(
        "UPDATE upgrades SET state = 'declined', decided_at = $1, decided_by = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(&ctx.user_id.0)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    set_order(&mut tx, &row.order_id, UpgradeState::Declined).await?;
    let after = json!({ "version": row.version });
    for (org, action, acting_as) in [
        (
            access.org_id.as_str(),
            "upgrade.decline",
            access.acting_as.clone(),
        ),
        (
            row.isv_org_id.as_str(),
            "order.upgrade_declined",
            ActingAs::Customer,
        ),
    ] {
        let entry = Entry {
            org_id: org,
            actor_user_id: &ctx.user_id.0,
            acting_as,
            actor_org_id: (org != access.org_id).then_some(access.org_id.as_str()),
            app_id: Some(app_id),
            action,
            target: id,
            before: None,
            after: Some(after.clone()),
        };
        audit::record(&mut tx, entry, now).await?;
    }
    tx.commit().await?;
    Ok(())
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

/// Whether a provider is maintaining the copy right now.
async fn maintenance_open(tx: &mut Tx, app_id: &AppId, now: i64) -> AppResult<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM maintenance_sessions s JOIN maintenance_grants g ON g.app_id = s.app_id \
         WHERE s.app_id = $1 AND s.ended_at IS NULL AND g.open_until > $2 AND s.started_at > $3",
    )
    .bind(app_id)
    .bind(now)
    .bind(now - crate::maintenance::domain::SESSION_MS)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}
