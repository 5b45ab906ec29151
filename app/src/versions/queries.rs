//! Published versions of an ISV's app: listed, compared with the draft (the
//! app as the editor has it now) and published, each publication immutable.

use super::domain::merge::diff;
use super::domain::*;
use crate::apps::snapshot::{self, AppSnapshot};
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{is_unique_violation, new_id, Db, Tx};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::{AppId, VersionId};
use serde_json::json;
use sqlx::AnyConnection;

/// A published version with its definition.
pub struct Published {
    pub id: VersionId,
    pub version: Version,
    pub snapshot: AppSnapshot,
}

fn number(major: i64, minor: i64, patch: i64) -> Version {
    Version {
        major: major as u32,
        minor: minor as u32,
        patch: patch as u32,
    }
}

type VersionRow = (String, i64, i64, i64, String);

fn published(row: VersionRow) -> AppResult<Published> {
    let (id, major, minor, patch, json) = row;
    Ok(Published {
        id: VersionId(id),
        version: number(major, minor, patch),
        snapshot: AppSnapshot::from_json(&json).map_err(AppError::internal)?,
    })
}

/// The app's latest published version, if any.
pub async fn latest(conn: &mut AnyConnection, app_id: &AppId) -> AppResult<Option<Published>> {
    let row: Option<VersionRow> = sqlx::query_as(
        "SELECT id, major, minor, patch, snapshot_json FROM app_versions WHERE app_id = $1 \
         ORDER BY major DESC, minor DESC, patch DESC LIMIT 1",
    )
    .bind(app_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(published).transpose()
}

/// One published version of the app; "not found" for another app's.
pub async fn one(conn: &mut AnyConnection, app_id: &AppId, id: &VersionId) -> AppResult<Published> {
    let row: Option<VersionRow> = sqlx::query_as(
        "SELECT id, major, minor, patch, snapshot_json FROM app_versions WHERE app_id = $1 AND id = $2",
    )
    .bind(app_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    published(row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?)
}

/// The app's versions, newest first.
pub async fn list(conn: &mut AnyConnection, app_id: &AppId) -> AppResult<Vec<VersionView>> {
    type Row = (
        String,
        i64,
        i64,
        i64,
        String,
        Option<String>,
        i64,
        i64,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT v.id, v.major, v.minor, v.patch, v.notes, v.level, v.changes, v.published_at, \
                COALESCE(u.display_name, '') FROM app_versions v LEFT JOIN users u ON u.id = v.published_by \
         WHERE v.app_id = $1 ORDER BY v.major DESC, v.minor DESC, v.patch DESC",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, ma, mi, pa, notes, level, changes, at, by)| {
            Ok(VersionView {
                id: VersionId(id),
                version: number(ma, mi, pa),
                notes,
                level: level.as_deref().map(Level::parse).transpose()?,
                changes,
                published_at: at,
                published_by: by,
            })
        })
        .collect()
}

/// The app as the editor has it now.
async fn draft(conn: &mut AnyConnection, app_id: &AppId) -> AppResult<AppSnapshot> {
    snapshot::load(conn, app_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// The versions panel: published versions and what publishing now carries.
pub async fn view(db: &Db, ctx: &Ctx, app_id: &AppId) -> AppResult<VersionsView> {
    crate::distribution::queries::links::require_distributor(db, ctx, app_id).await?;
    let mut conn = db.pool.acquire().await?;
    let draft = draft(&mut conn, app_id).await?;
    let (changes, suggested) = match latest(&mut conn, app_id).await? {
        None => (vec![], Version::FIRST),
        Some(p) => {
            let changes = diff(&p.snapshot, &draft);
            let level = needed_level(&changes).unwrap_or(Level::Patch);
            (changes, p.version.next(level))
        }
    };
    Ok(VersionsView {
        app_id: app_id.clone(),
        versions: list(&mut conn, app_id).await?,
        needed: needed_level(&changes),
        changes,
        suggested,
    })
}

/// Publishes the draft as `p.version` (certified ISVs, app editors).
pub async fn publish(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    p: &Publish,
    now: i64,
) -> AppResult<VersionId> {
    let acting_as =
        crate::distribution::queries::links::require_distributor(db, ctx, app_id).await?;
    let mut tx = db.begin_write().await?;
    let v = publish_in(&mut tx, ctx, acting_as, app_id, p, now).await?;
    tx.commit().await?;
    Ok(v.id)
}

/// Publishes inside `tx` (a link's first version is published with it).
pub async fn publish_in(
    tx: &mut Tx,
    ctx: &Ctx,
    acting_as: ActingAs,
    app_id: &AppId,
    p: &Publish,
    now: i64,
) -> AppResult<Published> {
    let org = ctx.org()?.org_id.0.clone();
    let draft = draft(tx, app_id).await?;
    let latest = latest(tx, app_id).await?;
    let changes = latest.as_ref().map(|l| diff(&l.snapshot, &draft));
    let level = changes.as_deref().and_then(needed_level);
    check_publish(latest.as_ref().map(|l| l.version), level, p.version)?;
    let id = VersionId(new_id());
    let v = p.version;
    let count = changes.as_ref().map_or(0, Vec::len) as i64;
    let inserted = sqlx::query(
        "INSERT INTO app_versions (id, app_id, isv_org_id, major, minor, patch, notes, snapshot_json, level, changes, \
         published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(app_id)
    .bind(&org)
    .bind(v.major as i64)
    .bind(v.minor as i64)
    .bind(v.patch as i64)
    .bind(&p.notes)
    .bind(draft.to_json())
    .bind(level.map(Level::as_str))
    .bind(count)
    .bind(&ctx.user_id.0)
    .bind(now)
    .execute(&mut **tx)
    .await;
    match inserted {
        // The same number published at the same moment by someone else.
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::new(ErrorCode::VersionNotGreater))
        }
        r => r?,
    };
    let after = json!({ "version": v.to_string(), "notes": p.notes,
        "level": level.map(Level::as_str), "changes": count });
    let entry = Entry {
        org_id: &org,
        actor_user_id: &ctx.user_id.0,
        acting_as,
        actor_org_id: None,
        app_id: Some(app_id),
        action: "version.publish",
        target: &id,
        before: None,
        after: Some(after),
    };
    audit::record(tx, entry, now).await?;
    Ok(Published {
        id,
        version: v,
        snapshot: draft,
    })
}
