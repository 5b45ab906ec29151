//! Maintenance access and sessions in the database.

use super::domain::*;
use super::policy::{self, IsvStanding};
use crate::accounts::Role;
use crate::apps::queries::access::{is_app_admin, ours};
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{new_id, Db, Tx};
use crate::distribution::domain::DAY_MS;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::{AppId, MaintenanceId, OrderId, SessionId};
use serde_json::json;

pub async fn open_after_purchase(
    tx: &mut Tx,
    app_id: &AppId,
    order_id: &OrderId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO maintenance_grants (app_id, order_id, open_until, requested_at, request_note, changed_at) VALUES ($1, $2, $3, NULL, '', $4)")
        .bind(app_id)
        .bind(order_id)
        .bind(now + DEFAULT_OPEN_DAYS * DAY_MS)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn access_of(
    conn: &mut sqlx::AnyConnection,
    app_id: &AppId,
) -> AppResult<Option<Access>> {
    let row: Option<(Option<i64>, Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT open_until, requested_at, request_note, data_access FROM maintenance_grants WHERE app_id = $1",
    )
    .bind(app_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(
        row.map(|(open_until, requested_at, note, data_access)| Access {
            open_until,
            requested_at,
            note,
            data_access: data_access != 0,
        }),
    )
}

/// The ISV side: starts maintaining the app of one of its orders.
pub async fn start(db: &Db, ctx: &Ctx, order_id: &OrderId, now: i64) -> AppResult<AppId> {
    let org = ctx.org()?;
    let mut tx = db.begin_write().await?;
    let row: Option<(AppId, String, AppId, String)> = sqlx::query_as(
        "SELECT o.installed_app_id, o.customer_org_id, o.source_app_id, o.order_no FROM distribution_orders o \
         WHERE o.id = $1 AND o.isv_org_id = $2",
    )
    .bind(order_id)
    .bind(&org.org_id.0)
    .fetch_optional(&mut *tx)
    .await?;
    let (app_id, customer, source_app, order_no) =
        row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    // Admins of a certified ISV, and app admins of the source app.
    let isv = IsvStanding {
        role: Some(org.role),
        source_app_admin: is_app_admin(&mut tx, &source_app, &ctx.user_id.0).await?,
        cert: org.cert,
    };
    let access = access_of(&mut tx, &app_id).await?;
    policy::may_start(&isv, access.as_ref(), now)?;
    // Never while an upgrade step runs on the copy (it holds the same row).
    crate::upgrades::queries::lock_app(&mut tx, &app_id).await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO maintenance_sessions (id, order_id, app_id, customer_org_id, isv_org_id, isv_user_id, started_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(order_id)
    .bind(&app_id)
    .bind(&customer)
    .bind(&org.org_id.0)
    .bind(&ctx.user_id.0)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // What the session changes is kept as one change set for the customer.
    crate::changes::queries::open(
        &mut tx,
        &id,
        order_id,
        &app_id,
        &customer,
        &ctx.user_id.0,
        &org.org_id.0,
        now,
    )
    .await?;
    sqlx::query("UPDATE sessions SET maintenance_id = $1 WHERE id_hash = $2")
        .bind(&id)
        .bind(&ctx.session_hash)
        .execute(&mut *tx)
        .await?;
    let entry = Entry {
        org_id: &customer,
        actor_user_id: &ctx.user_id.0,
        acting_as: ActingAs::Maintenance(order_no.clone()),
        actor_org_id: Some(&org.org_id.0),
        app_id: Some(&app_id),
        action: "maintenance.start",
        target: &id,
        before: None,
        after: None,
    };
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(app_id)
}

/// Leaves maintenance (the browser session goes back to the user's own organization).
pub async fn exit(
    db: &Db,
    session: &SessionId,
    maintenance_id: Option<&MaintenanceId>,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    if let Some(id) = maintenance_id {
        crate::session::store::end_maintenance(&mut tx, "id", id, EndReason::Exit, now).await?;
    }
    sqlx::query("UPDATE sessions SET maintenance_id = NULL WHERE id_hash = $1")
        .bind(session)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a provider is maintaining the copy right now.
pub async fn in_progress(
    conn: &mut sqlx::AnyConnection,
    app_id: &AppId,
    now: i64,
) -> AppResult<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM maintenance_sessions s JOIN maintenance_grants g ON g.app_id = s.app_id \
         WHERE s.app_id = $1 AND s.ended_at IS NULL AND g.open_until > $2 AND s.started_at > $3",
    )
    .bind(app_id)
    .bind(now)
    .bind(now - crate::maintenance::domain::SESSION_MS)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// The customer side: an installed app of the caller's organization, admins only.
async fn customer_app(tx: &mut Tx, ctx: &Ctx, app_id: &AppId) -> AppResult<(String, Access)> {
    let org = ctx.org_admin()?;
    let name = ours(tx, &org.org_id.0, app_id).await?;
    let access = access_of(tx, app_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok((name, access))
}

fn access_json(a: &Access) -> serde_json::Value {
    json!({ "open_until": a.open_until, "requested_at": a.requested_at, "note": a.note, "data_access": a.data_access })
}

/// 关闭开发状态: access closes at once and sessions in progress end.
pub async fn close_access(db: &Db, ctx: &Ctx, app_id: &AppId, now: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let (_, before) = customer_app(&mut tx, ctx, app_id).await?;
    sqlx::query("UPDATE maintenance_grants SET open_until = NULL, requested_at = NULL, data_access = 0, changed_at = $1 WHERE app_id = $2")
        .bind(now)
        .bind(app_id)
        .execute(&mut *tx)
        .await?;
    crate::session::store::end_maintenance(&mut tx, "app_id", app_id, EndReason::AccessClosed, now)
        .await?;
    let after = Access {
        open_until: None,
        requested_at: None,
        note: before.note.clone(),
        data_access: false,
    };
    record_customer(
        &mut tx,
        ctx,
        app_id,
        "maintenance.close",
        &before,
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 申请维护: opens access for `days` and tells the ISV, with a note.
pub async fn request(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    note: &str,
    days: i64,
    now: i64,
) -> AppResult<()> {
    if !(1..=90).contains(&days) {
        return Err(AppError::new(ErrorCode::InvalidAccessDays));
    }
    let note = note.trim();
    if note.chars().count() > REQUEST_NOTE_MAX || note.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(AppError::new(ErrorCode::InvalidNote));
    }
    let mut tx = db.begin_write().await?;
    let (_, before) = customer_app(&mut tx, ctx, app_id).await?;
    let after = Access {
        open_until: Some(now + days * DAY_MS),
        requested_at: Some(now),
        note: note.to_string(),
        data_access: false,
    };
    sqlx::query("UPDATE maintenance_grants SET open_until = $1, requested_at = $2, request_note = $3, data_access = 0, changed_at = $2 WHERE app_id = $4")
        .bind(after.open_until)
        .bind(now)
        .bind(note)
        .bind(app_id)
        .execute(&mut *tx)
        .await?;
    record_customer(
        &mut tx,
        ctx,
        app_id,
        "maintenance.request",
        &before,
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// "Allow the provider to see data": for the access period now open only.
pub async fn set_data_access(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    allow: bool,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let (_, before) = customer_app(&mut tx, ctx, app_id).await?;
    if !before.is_open(now) {
        return Err(AppError::new(ErrorCode::AccessClosed));
    }
    sqlx::query(
        "UPDATE maintenance_grants SET data_access = $1, changed_at = $2 WHERE app_id = $3",
    )
    .bind(allow as i64)
    .bind(now)
    .bind(app_id)
    .execute(&mut *tx)
    .await?;
    let after = Access {
        data_access: allow,
        ..before.clone()
    };
    record_customer(
        &mut tx,
        ctx,
        app_id,
        "maintenance.data_access",
        &before,
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn record_customer(
    tx: &mut Tx,
    ctx: &Ctx,
    app_id: &AppId,
    action: &str,
    before: &Access,
    after: &Access,
    now: i64,
) -> AppResult<()> {
    let org = ctx.org()?.org_id.0.clone();
    let entry = Entry {
        before: Some(access_json(before)),
        after: Some(access_json(after)),
        ..Entry::by_admin(&org, &ctx.user_id.0, app_id, action, app_id)
    };
    audit::record(tx, entry, now).await?;
    Ok(())
}

/// The access switch of an installed app, for the customer's admins.
pub async fn access_for_customer(db: &Db, ctx: &Ctx, app_id: &AppId) -> AppResult<Option<Access>> {
    let org = ctx.org()?;
    let mut conn = db.pool.acquire().await?;
    ours(&mut conn, &org.org_id.0, app_id).await?;
    if org.role != Role::Admin {
        return Ok(None);
    }
    access_of(&mut conn, app_id).await
}

/// Maintenance sessions in progress in an organization (for its admins' banner).
pub async fn active_in(db: &Db, org_id: &str, now: i64) -> AppResult<Vec<ActiveView>> {
    let rows: Vec<ActiveRow> = sqlx::query_as(
        "SELECT s.app_id, a.name AS app_name, u.display_name AS isv_user, i.name AS isv_name, s.started_at, \
                g.open_until, COALESCE(g.data_access, 0) AS data_access \
         FROM maintenance_sessions s JOIN apps a ON a.id = s.app_id JOIN users u ON u.id = s.isv_user_id \
         JOIN organizations i ON i.id = s.isv_org_id LEFT JOIN maintenance_grants g ON g.app_id = s.app_id \
         WHERE s.customer_org_id = $1 AND s.ended_at IS NULL ORDER BY s.started_at",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| now - r.started_at < SESSION_MS && r.open_until.is_some_and(|u| now < u))
        .map(|r| ActiveView {
            app_id: r.app_id.into(),
            app_name: r.app_name,
            isv_user: r.isv_user,
            isv_name: r.isv_name,
            data_access: r.data_access != 0,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ActiveRow {
    app_id: String,
    app_name: String,
    isv_user: String,
    isv_name: String,
    started_at: i64,
    open_until: Option<i64>,
    data_access: i64,
}
