//! The purchase: one transaction that re-checks the link, records the order
//! and deploys a complete copy into the buyer's organization — or does nothing.

use super::links::{valid_link, LinkRef};
use crate::accounts::Role;
use crate::apps::snapshot;
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{is_unique_violation, new_id, Db};
use crate::distribution::cache::LinkCache;
use crate::distribution::domain::*;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::{AppId, OrderId, RequestId};
use serde_json::json;

/// Human-readable and unique: `FF` + UTC date + 8 random digits.
fn order_no(now: i64) -> String {
    use rand::Rng;
    let date = crate::time::utc_date_digits(now);
    format!(
        "FF{date}{:08}",
        rand::thread_rng().gen_range(0..100_000_000u32)
    )
}

/// Buys through a link (by token or, from a purchase request, by id) into
/// `org_id`, one of the caller's organizations. Repeating an idempotency key
/// returns the first purchase.
pub async fn purchase(
    db: &Db,
    cache: &LinkCache,
    ctx: &Ctx,
    link: LinkRef<'_>,
    org_id: &str,
    idempotency_key: &str,
    now: i64,
) -> AppResult<PurchaseOutcome> {
    if idempotency_key.is_empty() || idempotency_key.len() > 64 {
        return Err(AppError::new(ErrorCode::InvalidInput));
    }
    // An attempt whose order row collides (a concurrent twin with the same
    // key or for the same organization, or a random order number already
    // taken) rolls back; the next one finds the twin or draws a new number.
    for _ in 0..ATTEMPTS {
        if let Some(outcome) =
            purchase_once(db, cache, ctx, link, org_id, idempotency_key, now).await?
        {
            return Ok(outcome);
        }
    }
    Err(AppError::internal("a purchase collided three times"))
}

/// Tries of one purchase (see [`purchase`]).
const ATTEMPTS: usize = 3;

/// The purchase an idempotency key already made, if any; a key is the
/// caller's own, so another user's key is refused.
async fn prior(tx: &mut crate::db::Tx, ctx: &Ctx, key: &str) -> AppResult<Option<PurchaseOutcome>> {
    let done: Option<(String, String, String)> = sqlx::query_as(
        "SELECT installed_app_id, order_no, buyer_user_id FROM distribution_orders WHERE idempotency_key = $1 \
         UNION ALL SELECT o.installed_app_id, o.order_no, r.buyer_user_id \
         FROM licence_renewals r JOIN distribution_orders o ON o.id = r.order_id WHERE r.idempotency_key = $1",
    )
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    match done {
        Some((_, _, buyer)) if buyer != ctx.user_id.0 => {
            Err(AppError::new(ErrorCode::InvalidInput))
        }
        Some((app_id, order_no, _)) => Ok(Some(PurchaseOutcome::Bought {
            app_id: AppId(app_id),
            order_no,
        })),
        None => Ok(None),
    }
}

async fn purchase_once(
    db: &Db,
    cache: &LinkCache,
    ctx: &Ctx,
    link_ref: LinkRef<'_>,
    org_id: &str,
    key: &str,
    now: i64,
) -> AppResult<Option<PurchaseOutcome>> {
    let mut tx = db.begin_write().await?;
    // The same key again (a double click, a resent form): the first result,
    // even if the link has since expired.
    if let Some(done) = prior(&mut tx, ctx, key).await? {
        return Ok(Some(done));
    }

    let link = valid_link(cache, &mut tx, link_ref, now).await?;
    // The caller must belong to the buying organization, as its admin.
    let role: Option<(String,)> =
        sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(&ctx.user_id.0)
            .fetch_optional(&mut *tx)
            .await?;
    let (role,) = role.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    crate::distribution::policy::may_buy(&crate::distribution::policy::Purchase {
        role: Role::parse(&role)?,
        buying_org: org_id,
        bound_org: link.bound_org_id.as_deref(),
        isv_org: &link.isv_org_id,
    })?;
    // Count the use first: the conditional update keeps a link's maximum
    // under concurrent purchases on any database, and on PostgreSQL its row
    // lock queues the link's purchases, so what is read below is what a
    // concurrent twin committed (SQLite's write lock already serialises).
    let counted = sqlx::query(
        "UPDATE distribution_links SET purchases = purchases + 1 \
         WHERE id = $1 AND (max_purchases IS NULL OR purchases < max_purchases)",
    )
    .bind(&link.id)
    .execute(&mut *tx)
    .await?;
    // Returning early rolls the count back.
    if let Some(done) = prior(&mut tx, ctx, key).await? {
        return Ok(Some(done));
    }
    if let Some(order) = &link.renews_order_id {
        return renew(
            tx,
            ctx,
            &link,
            order,
            org_id,
            key,
            counted.rows_affected(),
            now,
        )
        .await;
    }
    let installed: Option<(AppId,)> =
        sqlx::query_as("SELECT installed_app_id FROM distribution_orders WHERE link_id = $1 AND customer_org_id = $2")
            .bind(&link.id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((app_id,)) = installed {
        return Ok(Some(PurchaseOutcome::AlreadyInstalled { app_id }));
    }
    if counted.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::LinkInvalid));
    }

    let d = snapshot::Deploy {
        org_id,
        actor_user_id: &ctx.user_id.0,
        origin: "installed",
        foreign: true,
        now,
    };
    let app_id = snapshot::deploy(&mut tx, &link.snapshot, &d).await?;
    // The version sold is the copy's merge base for later upgrades.
    sqlx::query("UPDATE apps SET base_version_id = $1 WHERE id = $2")
        .bind(link.version_id.as_deref())
        .bind(&app_id)
        .execute(&mut *tx)
        .await?;
    let order_id = OrderId(new_id());
    let order_no = order_no(now);
    let inserted = sqlx::query(
        "INSERT INTO distribution_orders (id, order_no, link_id, isv_org_id, customer_org_id, buyer_user_id, source_app_id, \
         installed_app_id, app_version, idempotency_key, created_at, version_id, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&order_id)
    .bind(&order_no)
    .bind(&link.id)
    .bind(&link.isv_org_id)
    .bind(org_id)
    .bind(&ctx.user_id.0)
    .bind(&link.source_app_id)
    .bind(&app_id)
    .bind(link.app_version)
    .bind(key)
    .bind(now)
    .bind(link.version_id.as_deref())
    .bind(link.version.as_deref())
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            tracing::info!("a purchase's order row collided; trying again");
            return Ok(None);
        }
        Err(e) => return Err(AppError::internal(e)),
        Ok(_) => {}
    }
    crate::orders::search::index(&mut tx, crate::orders::search::Orders::One(&order_id)).await?;
    // The licence it sells (a trial once per organization and app).
    crate::licences::queries::on_purchase(
        &mut tx,
        &order_id,
        org_id,
        &link.source_app_id,
        &link.terms,
        now,
    )
    .await?;
    // Maintenance access is open after purchase, for 30 days by default.
    crate::maintenance::queries::open_after_purchase(&mut tx, &app_id, &order_id, now).await?;
    sqlx::query("UPDATE purchase_requests SET status = 'bought' WHERE link_id = $1 AND org_id = $2 AND status = 'open'")
        .bind(&link.id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let order = json!({ "order_no": order_no, "app": link.snapshot.name,
        "version": link.version.clone().unwrap_or_else(|| link.app_version.to_string()) });
    for (org, action, target) in [
        (
            link.isv_org_id.as_str(),
            "order.purchased",
            order_id.as_str(),
        ),
        (org_id, "app.installed", app_id.as_str()),
    ] {
        let entry = Entry {
            org_id: org,
            actor_user_id: &ctx.user_id.0,
            acting_as: ActingAs::BuyerAdmin,
            actor_org_id: None,
            app_id: Some(&app_id),
            action,
            target,
            before: None,
            after: Some(order.clone()),
        };
        audit::record(&mut tx, entry, now).await?;
    }
    tx.commit().await?;
    Ok(Some(PurchaseOutcome::Bought { app_id, order_no }))
}

/// A renewal link bought: no copy deployed; the order's licence extended
/// by the link's term (see `licences::queries::renew_in`).
#[allow(clippy::too_many_arguments)]
async fn renew(
    mut tx: crate::db::Tx,
    ctx: &Ctx,
    link: &super::links::ValidLink,
    order_id: &str,
    org_id: &str,
    key: &str,
    counted: u64,
    now: i64,
) -> AppResult<Option<PurchaseOutcome>> {
    if counted != 1 {
        return Err(AppError::new(ErrorCode::LinkInvalid));
    }
    let stored = sqlx::query(
        "INSERT INTO licence_renewals (idempotency_key, order_id, link_id, buyer_user_id, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(key)
    .bind(order_id)
    .bind(&link.id)
    .bind(&ctx.user_id.0)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match stored {
        // A concurrent twin with the same key: the next try finds it.
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(AppError::internal(e)),
        Ok(_) => {}
    }
    let order = OrderId(order_id.to_string());
    let (app_id, order_no) =
        crate::licences::queries::renew_in(&mut tx, ctx, &order, org_id, &link.terms, now).await?;
    tx.commit().await?;
    Ok(Some(PurchaseOutcome::Bought { app_id, order_no }))
}

/// A member asks the admins of `org_id` to buy through the link.
pub async fn ask_admin(
    db: &Db,
    cache: &LinkCache,
    ctx: &Ctx,
    token: &str,
    org_id: &str,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let link = valid_link(cache, &mut tx, LinkRef::Token(token), now).await?;
    let member: Option<(String,)> =
        sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(&ctx.user_id.0)
            .fetch_optional(&mut *tx)
            .await?;
    if member.is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let open: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM purchase_requests WHERE link_id = $1 AND org_id = $2 AND status = 'open'",
    )
    .bind(&link.id)
    .bind(org_id)
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_none() {
        let id = new_id();
        sqlx::query("INSERT INTO purchase_requests (id, link_id, org_id, requested_by, created_at, status) VALUES ($1, $2, $3, $4, $5, 'open')")
            .bind(&id)
            .bind(&link.id)
            .bind(org_id)
            .bind(&ctx.user_id.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let entry = Entry {
            org_id,
            actor_user_id: &ctx.user_id.0,
            acting_as: ActingAs::Member,
            actor_org_id: None,
            app_id: None,
            action: "purchase.requested",
            target: &id,
            before: None,
            after: Some(json!({ "app": link.snapshot.name, "isv": link.isv_name })),
        };
        audit::record(&mut tx, entry, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Open requests of the caller's organization (admins only).
pub async fn requests(db: &Db, ctx: &Ctx, now: i64) -> AppResult<Vec<RequestView>> {
    let org = ctx.org_admin()?;
    #[derive(sqlx::FromRow)]
    struct Row {
        id: String,
        app_name: String,
        isv_name: String,
        requested_by: String,
        created_at: i64,
        expires_at: i64,
        purchases: i64,
        max_purchases: Option<i64>,
        revoked_at: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, l.app_name, o.name AS isv_name, u.display_name AS requested_by, r.created_at, \
                l.expires_at, l.purchases, l.max_purchases, l.revoked_at \
         FROM purchase_requests r JOIN distribution_links l ON l.id = r.link_id \
         JOIN organizations o ON o.id = l.isv_org_id JOIN users u ON u.id = r.requested_by \
         WHERE r.org_id = $1 AND r.status = 'open' ORDER BY r.created_at DESC",
    )
    .bind(&org.org_id.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RequestView {
            link_valid: LinkStatus::of(
                r.revoked_at.is_some(),
                r.expires_at,
                r.purchases,
                r.max_purchases,
                now,
            ) == LinkStatus::Active,
            id: r.id.into(),
            app_name: r.app_name,
            isv_name: r.isv_name,
            requested_by: r.requested_by,
            created_at: r.created_at,
        })
        .collect())
}

/// The link behind an open request of the caller's organization.
pub async fn request_link(db: &Db, ctx: &Ctx, request_id: &RequestId) -> AppResult<String> {
    let org = ctx.org_admin()?;
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT link_id FROM purchase_requests WHERE id = $1 AND org_id = $2 AND status = 'open'",
    )
    .bind(request_id)
    .bind(&org.org_id.0)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(l,)| l)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

pub async fn dismiss_request(
    db: &Db,
    ctx: &Ctx,
    request_id: &RequestId,
    now: i64,
) -> AppResult<()> {
    let org = ctx.org_admin()?.org_id.0.clone();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE purchase_requests SET status = 'dismissed' WHERE id = $1 AND org_id = $2 AND status = 'open'")
        .bind(request_id)
        .bind(&org)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let entry = Entry {
        org_id: &org,
        actor_user_id: &ctx.user_id.0,
        acting_as: ActingAs::Admin,
        actor_org_id: None,
        app_id: None,
        action: "purchase.dismissed",
        target: request_id,
        before: None,
        after: None,
    };
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}
