//! Distribution links: created by certified ISVs, opened by anyone holding one.

use crate::apps::snapshot::{self, AppSnapshot};
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{new_id, Db};
use crate::distribution::cache::LinkCache;
use crate::distribution::domain::*;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::{AppId, LinkId};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A new link token: 160 random bits, hex (URL-safe). Only its hash is stored
/// and it is never logged.
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks `policy::may_distribute` for the caller and app; returns the role
/// to record.
pub async fn require_distributor(db: &Db, ctx: &Ctx, app_id: &AppId) -> AppResult<ActingAs> {
    let org = ctx.org()?;
    let mut conn = db.pool.acquire().await?;
    let access = crate::apps::queries::access::resolve(&mut conn, ctx, app_id).await?;
    let (origin,): (String,) = sqlx::query_as("SELECT origin FROM apps WHERE id = $1")
        .bind(app_id)
        .fetch_one(&mut *conn)
        .await?;
    crate::distribution::policy::may_distribute(org.cert, access.can_edit, origin == "own")?;
    Ok(access.acting_as)
}

fn link_view(row: LinkRow, now: i64) -> LinkView {
    LinkView {
        status: LinkStatus::of(
            row.revoked_at.is_some(),
            row.expires_at,
            row.purchases,
            row.max_purchases,
            now,
        ),
        id: row.id.into(),
        created_at: row.created_at,
        created_by: row.created_by,
        expires_at: row.expires_at,
        purchases: row.purchases,
        max_purchases: row.max_purchases,
        views: row.views,
        bound_org: row.bound_org_id,
        note: row.note,
        app_version: row.app_version,
        version: row.version,
    }
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: String,
    created_at: i64,
    created_by: String,
    expires_at: i64,
    purchases: i64,
    max_purchases: Option<i64>,
    views: i64,
    bound_org_id: Option<String>,
    note: String,
    app_version: i64,
    version: Option<String>,
    revoked_at: Option<i64>,
}

/// The app as a link would sell it now, with its version.
async fn current_snapshot(
    conn: &mut sqlx::AnyConnection,
    app_id: &AppId,
) -> AppResult<(AppSnapshot, i64)> {
    let snap = snapshot::load(conn, app_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let (version,): (i64,) = sqlx::query_as("SELECT version FROM apps WHERE id = $1")
        .bind(app_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((snap, version))
}

/// The dialog: what a link would sell now, and the app's links so far.
pub async fn distribute_view(
    db: &Db,
    cache: &LinkCache,
    ctx: &Ctx,
    app_id: &AppId,
    now: i64,
) -> AppResult<DistributeView> {
    require_distributor(db, ctx, app_id).await?;
    let mut conn = db.pool.acquire().await?;
    let (mut snap, version) = current_snapshot(&mut conn, app_id).await?;
    if let Some(latest) = crate::versions::queries::latest(&mut conn, app_id).await? {
        snap = latest.snapshot;
    }
    let versions = crate::versions::queries::list(&mut conn, app_id).await?;
    let rows = sqlx::query_as::<_, LinkRow>(
        "SELECT l.id, l.created_at, COALESCE(u.display_name, '') AS created_by, l.expires_at, l.purchases, l.max_purchases, \
                l.views, l.bound_org_id, l.note, l.app_version, l.version, l.revoked_at \
         FROM distribution_links l LEFT JOIN users u ON u.id = l.created_by \
         WHERE l.source_app_id = $1 AND l.isv_org_id = $2 ORDER BY l.created_at DESC, l.id",
    )
    .bind(app_id)
    .bind(&ctx.org()?.org_id.0);
    let (rows, pending) = cache.with_pending_views(rows.fetch_all(&mut *conn)).await;
    let mut rows: Vec<LinkRow> = rows?;
    for r in &mut rows {
        r.views += pending.get(&r.id).copied().unwrap_or(0);
    }
    Ok(DistributeView {
        app_id: app_id.clone(),
        version,
        contents: Contents::of(&snap),
        versions,
        links: rows.into_iter().map(|r| link_view(r, now)).collect(),
    })
}

/// Makes a link selling a published version (the latest unless one is
/// chosen; with none yet, the app as it is now is published as 1.0.0 in the
/// same transaction) and returns the link's path (`/l/<token>`).
pub async fn create_link(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    o: &LinkOptions,
    now: i64,
) -> AppResult<NewLink> {
    let acting_as = require_distributor(db, ctx, app_id).await?;
    let org = ctx.org()?.org_id.0.clone();
    let mut tx = db.begin_write().await?;
    let (_, version) = current_snapshot(&mut tx, app_id).await?;
    let sold = match &o.version {
        Some(id) => crate::versions::queries::one(&mut tx, app_id, id).await?,
        None => match crate::versions::queries::latest(&mut tx, app_id).await? {
            Some(latest) => latest,
            None => {
                let first = crate::versions::domain::Publish {
                    version: crate::versions::domain::Version::FIRST,
                    notes: String::new(),
                };
                crate::versions::queries::publish_in(
                    &mut tx,
                    ctx,
                    acting_as.clone(),
                    app_id,
                    &first,
                    now,
                )
                .await?
            }
        },
    };
    let snap = &sold.snapshot;
    if let Some(bound) = &o.bound_org {
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT id FROM organizations WHERE id = $1")
                .bind(bound)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(AppError::new(ErrorCode::InvalidBoundOrg));
        }
    }
    let token = new_token();
    let id = new_id();
    sqlx::query(
        "INSERT INTO distribution_links (id, token_hash, isv_org_id, source_app_id, app_name, app_version, snapshot_json, \
         created_by, created_at, expires_at, max_purchases, purchases, views, bound_org_id, note, version_id, version, terms_json, renews_order_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, 0, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&id)
    .bind(hash_token(&token))
    .bind(&org)
    .bind(app_id)
    .bind(&snap.name)
    .bind(version)
    .bind(snap.to_json())
    .bind(&ctx.user_id.0)
    .bind(now)
    .bind(now + o.expires_days * DAY_MS)
    .bind(o.max_purchases)
    .bind(o.bound_org.as_deref())
    .bind(&o.note)
    .bind(&sold.id)
    .bind(sold.version.to_string())
    .bind(serde_json::to_string(&o.terms).map_err(AppError::internal)?)
    .bind(o.renews.as_ref().map(|r| r.as_str()))
    .execute(&mut *tx)
    .await?;
    let after = json!({ "app": snap.name, "version": sold.version.to_string(), "expires_days": o.expires_days,
        "max_purchases": o.max_purchases, "bound_org": o.bound_org, "note": o.note, "terms": o.terms,
        "renews": o.renews });
    let entry = Entry {
        org_id: &org,
        actor_user_id: &ctx.user_id.0,
        acting_as: acting_as.clone(),
        actor_org_id: None,
        app_id: None,
        action: "link.create",
        target: &id,
        before: None,
        after: Some(after),
    };
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(NewLink {
        id: id.into(),
        path: format!("/l/{token}"),
    })
}

pub async fn revoke_link(db: &Db, ctx: &Ctx, link_id: &LinkId, now: i64) -> AppResult<()> {
    let org = ctx.org()?.org_id.0.clone();
    let row: Option<(AppId,)> = sqlx::query_as(
        "SELECT source_app_id FROM distribution_links WHERE id = $1 AND isv_org_id = $2",
    )
    .bind(link_id)
    .bind(&org)
    .fetch_optional(&db.pool)
    .await?;
    let (app_id,) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let acting_as = require_distributor(db, ctx, &app_id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE distribution_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(link_id)
    .execute(&mut *tx)
    .await?;
    let entry = Entry {
        org_id: &org,
        actor_user_id: &ctx.user_id.0,
        acting_as: acting_as.clone(),
        actor_org_id: None,
        app_id: None,
        action: "link.revoke",
        target: link_id,
        before: None,
        after: Some(json!({ "revoked": true })),
    };
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A link that can still sell, read inside any connection or transaction.
pub struct ValidLink {
    pub id: LinkId,
    pub isv_org_id: String,
    pub isv_name: String,
    pub source_app_id: String,
    pub app_version: i64,
    /// The published version it sells (`None`: made before versions).
    pub version_id: Option<String>,
    pub version: Option<String>,
    /// Shared with the link cache: frozen when the link was made.
    pub snapshot: std::sync::Arc<AppSnapshot>,
    pub bound_org_id: Option<String>,
    /// The licence it sells.
    pub terms: crate::licences::domain::Terms,
    /// A renewal link's order (see `LinkOptions::renews`).
    pub renews_order_id: Option<String>,
}

/// Revoked, expired, used up and unknown links all give the same answer.
pub async fn valid_link(
    cache: &LinkCache,
    conn: &mut sqlx::AnyConnection,
    by: LinkRef<'_>,
    now: i64,
) -> AppResult<ValidLink> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: LinkId,
        isv_org_id: String,
        isv_name: String,
        source_app_id: String,
        app_version: i64,
        version_id: Option<String>,
        version: Option<String>,
        bound_org_id: Option<String>,
        expires_at: i64,
        purchases: i64,
        max_purchases: Option<i64>,
        revoked_at: Option<i64>,
        terms_json: Option<String>,
        renews_order_id: Option<String>,
    }
    let (column, value) = match by {
        LinkRef::Token(t) => ("l.token_hash", hash_token(t)),
        LinkRef::Id(id) => ("l.id", id.to_string()),
    };
    let sql = format!(
        "SELECT l.id, l.isv_org_id, o.name AS isv_name, l.source_app_id, l.app_version, l.version_id, l.version, l.bound_org_id, \
                l.expires_at, l.purchases, l.max_purchases, l.revoked_at, l.terms_json, l.renews_order_id \
         FROM distribution_links l JOIN organizations o ON o.id = l.isv_org_id WHERE {column} = $1 \
         AND NOT EXISTS (SELECT 1 FROM apps a WHERE a.id = l.source_app_id AND a.origin <> 'own')"
    );
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(value)
        .fetch_optional(&mut *conn)
        .await?;
    let invalid = || AppError::new(ErrorCode::LinkInvalid);
    let row = row.ok_or_else(invalid)?;
    if LinkStatus::of(
        row.revoked_at.is_some(),
        row.expires_at,
        row.purchases,
        row.max_purchases,
        now,
    ) != LinkStatus::Active
    {
        return Err(invalid());
    }
    // The snapshot never changes after the link is made: parsed once.
    let snapshot = match cache.snapshot(&row.id) {
        Some(s) => s,
        None => {
            let (json,): (String,) =
                sqlx::query_as("SELECT snapshot_json FROM distribution_links WHERE id = $1")
                    .bind(&row.id)
                    .fetch_one(&mut *conn)
                    .await?;
            let s = std::sync::Arc::new(AppSnapshot::from_json(&json).map_err(AppError::internal)?);
            cache.keep_snapshot(&row.id, s.clone());
            s
        }
    };
    // Links made before licences sell forever, for everyone.
    let terms = match &row.terms_json {
        Some(j) => serde_json::from_str(j).map_err(AppError::internal)?,
        None => Default::default(),
    };
    Ok(ValidLink {
        terms,
        renews_order_id: row.renews_order_id,
        id: row.id,
        isv_org_id: row.isv_org_id,
        isv_name: row.isv_name,
        source_app_id: row.source_app_id,
        app_version: row.app_version,
        version_id: row.version_id,
        version: row.version,
        snapshot,
        bound_org_id: row.bound_org_id,
    })
}

#[derive(Clone, Copy)]
pub enum LinkRef<'a> {
    Token(&'a str),
    Id(&'a str),
}

/// The link page: counts a view (written within a second, see
/// [`super::cache`]), lists where the caller could buy.
pub async fn link_page(
    db: &Db,
    cache: &LinkCache,
    ctx: Option<&Ctx>,
    token: &str,
    now: i64,
) -> AppResult<LinkPage> {
    let mut conn = db.pool.acquire().await?;
    let link = valid_link(cache, &mut conn, LinkRef::Token(token), now).await?;
    cache.count_view(&link.id);
    let mut orgs = Vec::new();
    if let Some(ctx) = ctx {
        for o in crate::accounts::queries::orgs_of(db, &ctx.user_id).await? {
            let installed: Option<(String,)> =
                sqlx::query_as("SELECT installed_app_id FROM distribution_orders WHERE link_id = $1 AND customer_org_id = $2")
                    .bind(&link.id)
                    .bind(&o.id.0)
                    .fetch_optional(&mut *conn)
                    .await?;
            // A link for one customer offers only that organization.
            if link.bound_org_id.as_ref().is_some_and(|b| *b != o.id.0) {
                continue;
            }
            orgs.push(BuyerOrg {
                id: o.id,
                name: o.name,
                role: o.role,
                installed_app: installed.map(|(a,)| a),
            });
        }
    }
    // A renewal names its order to the customer's people only.
    let renews = match &link.renews_order_id {
        Some(order) if !orgs.is_empty() => {
            let (no,): (String,) =
                sqlx::query_as("SELECT order_no FROM distribution_orders WHERE id = $1")
                    .bind(order)
                    .fetch_one(&mut *conn)
                    .await?;
            Some(no)
        }
        Some(_) => Some(String::new()),
        None => None,
    };
    Ok(LinkPage {
        isv_name: link.isv_name,
        contents: Contents::of(&link.snapshot),
        app_version: link.app_version,
        version: link.version,
        bound: link.bound_org_id.is_some(),
        orgs,
        signed_in: ctx.is_some(),
        idempotency_key: new_id(),
        terms: link.terms,
        renews,
    })
}
