//! The customer's steps on its copy: preview, apply or roll back, decline.

use super::*;

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
    crate::upgrades::policy::may_change_now(
        crate::maintenance::queries::in_progress(&mut tx, app_id, now).await?,
    )?;
    let sides = sides(&mut tx, &row, step).await?;
    if basis(&sides.1) != basis_seen {
        return Err(AppError::new(ErrorCode::UpgradeChanged));
    }
    let merged = resolved(&sides, picks);
    sync(
        &mut tx,
        app_id,
        &merged.app,
        &merged.needing_setup(),
        &Default::default(),
    )
    .await?;
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
    audit_both(
        &mut tx,
        ctx,
        &access,
        &row,
        [action, isv_action],
        after,
        now,
    )
    .await?;
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
    let actions = ["upgrade.decline", "order.upgrade_declined"];
    audit_both(&mut tx, ctx, &access, &row, actions, after, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A customer's step, in its own audit log and (as the customer's) in the
/// ISV's, where the order's timeline finds it.
async fn audit_both(
    tx: &mut Tx,
    ctx: &Ctx,
    access: &AppAccess,
    row: &UpgradeRow,
    [own, isv]: [&str; 2],
    after: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    for (org, action, acting_as) in [
        (access.org_id.as_str(), own, access.acting_as.clone()),
        (row.isv_org_id.as_str(), isv, ActingAs::Customer),
    ] {
        let entry = Entry {
            org_id: org,
            actor_user_id: &ctx.user_id.0,
            acting_as,
            actor_org_id: (org != access.org_id).then_some(access.org_id.as_str()),
            app_id: Some(&row.app_id),
            action,
            target: &row.id,
            before: None,
            after: Some(after.clone()),
        };
        audit::record(tx, entry, now).await?;
    }
    Ok(())
}
