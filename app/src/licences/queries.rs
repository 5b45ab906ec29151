//! Licences in the database: given at purchase (one trial per organization
//! and app), read wherever the app is used (what its state allows), changed
//! by the selling ISV (extend, seats, suspend, resume) with an audit entry
//! on both sides.

use super::domain::*;
use super::policy::{self, Side, Standing};
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::{AppId, OrderId, UserId};
use serde_json::json;
use sqlx::AnyConnection;

async fn zone_of(conn: &mut AnyConnection, org_id: &str) -> AppResult<TimeZone> {
    let (name,): (String,) = sqlx::query_as("SELECT time_zone FROM organizations WHERE id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(crate::time::rules(&name))
}

/// Stores a licence and its timeline (in the customer's zone) on the order;
/// a new end starts its reminders again.
async fn write(
    tx: &mut Tx,
    order_id: &OrderId,
    licence: &Licence,
    zone: &TimeZone,
) -> AppResult<()> {
    let t = timeline(licence, zone);
    sqlx::query(
        "UPDATE distribution_orders SET licence_json = $1, \
         licence_reminded = CASE WHEN licence_ends = $2 THEN licence_reminded ELSE NULL END, \
         licence_ends = $2, licence_read_only_from = $3, \
         licence_archived_from = $4, licence_suspended = $5, licence_kind = $6 WHERE id = $7",
    )
    .bind(serde_json::to_string(licence).map_err(AppError::internal)?)
    .bind(t.ends)
    .bind(t.read_only_from)
    .bind(t.archived_from)
    .bind(licence.suspended.is_some() as i64)
    .bind(licence.kind.as_str())
    .bind(order_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The licence a purchase gets (in the purchase's transaction).
pub async fn on_purchase(
    tx: &mut Tx,
    order_id: &OrderId,
    customer_org: &str,
    source_app: &str,
    terms: &Terms,
    now: i64,
) -> AppResult<Licence> {
    let zone = zone_of(tx, customer_org).await?;
    let (used,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM licence_trials WHERE customer_org_id = $1 AND source_app_id = $2",
    )
    .bind(customer_org)
    .bind(source_app)
    .fetch_one(&mut **tx)
    .await?;
    let licence = terms.licence(used > 0, now, &zone)?;
    if licence.kind == LicenceKind::Trial {
        sqlx::query(
            "INSERT INTO licence_trials (customer_org_id, source_app_id, order_id, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(customer_org)
        .bind(source_app)
        .bind(order_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    write(tx, order_id, &licence, &zone).await?;
    Ok(licence)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    isv_org_id: String,
    customer_org_id: String,
    source_app_id: String,
    installed_app_id: String,
    order_no: String,
    licence_json: Option<String>,
    licence_ends: Option<i64>,
    licence_read_only_from: Option<i64>,
    licence_archived_from: Option<i64>,
}

const COLUMNS: &str =
    "id, isv_org_id, customer_org_id, source_app_id, installed_app_id, order_no, licence_json, \
     licence_ends, licence_read_only_from, licence_archived_from FROM distribution_orders";

impl Row {
    /// Orders from before licences hold one forever, for everyone.
    fn licence(&self) -> AppResult<Licence> {
        match &self.licence_json {
            Some(j) => serde_json::from_str(j).map_err(AppError::internal),
            None => Ok(Licence {
                kind: LicenceKind::Paid,
                starts_at: 0,
                ends_at: None,
                seats: None,
                grace_days: DEFAULT_GRACE_DAYS,
                suspended: None,
                seats_lowered_at: None,
            }),
        }
    }

    fn timeline(&self) -> Timeline {
        Timeline {
            ends: self.licence_ends,
            read_only_from: self.licence_read_only_from,
            archived_from: self.licence_archived_from,
        }
    }
}

/// What an app's licence allows now: an installed copy's order's, or
/// everything (the organization's own apps).
pub async fn use_of(conn: &mut AnyConnection, app_id: &str, now: i64) -> AppResult<Use> {
    let row = row_of_app(conn, app_id).await?;
    Ok(match row {
        Some(r) => r.timeline().state(&r.licence()?, now).allows(),
        None => LicenceState::Active.allows(),
    })
}

/// Users holding seats of an app: everyone in the organization, or the
/// chosen users.
pub async fn seats_used(conn: &mut AnyConnection, app_id: &str) -> AppResult<u32> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CASE WHEN a.use_by = 'everyone' \
                THEN (SELECT COUNT(*) FROM memberships m WHERE m.org_id = a.org_id) \
                ELSE (SELECT COUNT(*) FROM app_users u WHERE u.app_id = a.id) END \
         FROM apps a WHERE a.id = $1",
    )
    .bind(app_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The users holding seats of an app, with when they got one: everyone in
/// the organization (since joining), or the chosen users (since chosen).
async fn seat_holders(conn: &mut AnyConnection, app_id: &str) -> AppResult<Vec<(UserId, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT m.user_id, m.created_at FROM apps a JOIN memberships m ON m.org_id = a.org_id \
         WHERE a.id = $1 AND a.use_by = 'everyone' \
         UNION ALL SELECT u.user_id, u.granted_at FROM apps a JOIN app_users u ON u.app_id = a.id \
         WHERE a.id = $1 AND a.use_by <> 'everyone'",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(u, at)| (UserId(u), at)).collect())
}

/// Refuses a new record while the licence takes none (`licence_read_only`:
/// read-only, archived, suspended), and from a user over the seats once the
/// over-seat grace has passed.
pub async fn may_submit(
    conn: &mut AnyConnection,
    app_id: &str,
    user: &UserId,
    now: i64,
) -> AppResult<()> {
    let row = row_of_app(conn, app_id).await?;
    let Some(r) = row else { return Ok(()) };
    let licence = r.licence()?;
    if !r.timeline().state(&licence, now).allows().submit {
        return Err(AppError::new(ErrorCode::LicenceReadOnly));
    }
    if licence.seats_lowered_at.is_none() {
        return Ok(());
    }
    let holders = seat_holders(conn, app_id).await?;
    if over_seat(&holders, licence.seats, licence.seats_lowered_at, now).contains(user) {
        return Err(AppError::new(ErrorCode::SeatsExhausted));
    }
    Ok(())
}

/// Refuses when the seat holders of an installed copy exceed its seats
/// (called after a grant is written, in its transaction).
pub async fn check_seat(conn: &mut AnyConnection, app_id: &str) -> AppResult<()> {
    let row = row_of_app(conn, app_id).await?;
    let Some(r) = row else { return Ok(()) };
    let seats = r.licence()?.seats;
    let used = seats_used(conn, app_id).await?;
    // The grant is written: the users before it must have left a seat.
    seat_check(used.saturating_sub(1), seats)
}

async fn view_of(conn: &mut AnyConnection, r: &Row, now: i64) -> AppResult<LicenceView> {
    let licence = r.licence()?;
    let zone = zone_of(conn, &r.customer_org_id).await?;
    let t = r.timeline();
    let state = t.state(&licence, now);
    // Who is over the seats, shown before it takes effect.
    let holders = seat_holders(conn, &r.installed_app_id).await?;
    let over = over_seat_order(&holders, licence.seats);
    let names: std::collections::HashMap<String, String> =
        crate::apps::queries::org_users(conn, &r.customer_org_id)
            .await?
            .into_iter()
            .map(|u| (u.id.0, u.name))
            .collect();
    Ok(LicenceView {
        over_seat: over
            .iter()
            .map(|u| names.get(&u.0).cloned().unwrap_or_else(|| u.0.clone()))
            .collect(),
        over_seat_from: licence
            .seats_lowered_at
            .filter(|_| !over.is_empty())
            .map(|at| at + OVER_SEAT_MS),
        order_id: r.id.clone().into(),
        order_no: r.order_no.clone(),
        app_id: r.installed_app_id.clone().into(),
        kind: licence.kind,
        state,
        ends_at: t.ends,
        state_ends: t.state_ends(&licence, now),
        days_left: days_left(&licence, now, &zone),
        seats: licence.seats,
        seats_used: u32::try_from(holders.len()).unwrap_or(u32::MAX),
        grace_days: licence.grace_days,
        suspended: licence.suspended.clone(),
        allows: state.allows(),
    })
}

/// The licence of an installed copy, for the customer's people.
pub async fn for_app(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    now: i64,
) -> AppResult<Option<LicenceView>> {
    let org = ctx.org()?;
    let mut conn = db.pool.acquire().await?;
    crate::apps::queries::access::ours(&mut conn, &org.org_id.0, app_id).await?;
    let row = row_of_app(&mut conn, app_id.as_str()).await?;
    match row {
        Some(r) => Ok(Some(view_of(&mut conn, &r, now).await?)),
        None => Ok(None),
    }
}

/// The order an installed copy was bought with (`None`: an own app).
async fn row_of_app(conn: &mut AnyConnection, app_id: &str) -> AppResult<Option<Row>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} WHERE installed_app_id = $1"))
            .bind(app_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

async fn order_row(conn: &mut AnyConnection, order_id: &OrderId) -> AppResult<Row> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} WHERE id = $1"))
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

async fn standing(conn: &mut AnyConnection, ctx: &Ctx, r: &Row) -> AppResult<Standing> {
    let org = ctx.org()?;
    Ok(Standing {
        side: Side::of(&org.org_id.0, &r.isv_org_id, &r.customer_org_id),
        role: org.role,
        source_app_admin: crate::apps::queries::access::is_app_admin(
            conn,
            &AppId(r.source_app_id.clone()),
            &ctx.user_id.0,
        )
        .await?,
    })
}

/// The licence of one order, for the ISV that sold it.
pub async fn for_order(db: &Db, ctx: &Ctx, order_id: &OrderId, now: i64) -> AppResult<LicenceView> {
    let mut conn = db.pool.acquire().await?;
    let r = order_row(&mut conn, order_id).await?;
    let s = standing(&mut conn, ctx, &r).await?;
    // The customer reads its licence on its app (`for_app`); the order is
    // the ISV's.
    if s.side != Side::Seller {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    view_of(&mut conn, &r, now).await
}

/// What the ISV does to an order's licence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Months from max(now, the end), or no end.
    Extend(Option<u16>),
    Seats(Option<u32>),
    Suspend(String),
    Resume,
}

/// Changes an order's licence (the selling ISV), audited on both sides.
pub async fn change(db: &Db, ctx: &Ctx, order_id: &OrderId, c: &Change, now: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let r = order_row(&mut tx, order_id).await?;
    let s = standing(&mut tx, ctx, &r).await?;
    policy::may_change(&s)?;
    let zone = zone_of(&mut tx, &r.customer_org_id).await?;
    let before = r.licence()?;
    let after = match c {
        Change::Extend(months) => renew(&before, *months, now, &zone),
        Change::Seats(seats) => {
            // Below the users: their 7 days start now (or keep running).
            let used = seat_holders(&mut tx, &r.installed_app_id).await?.len();
            let below = seats.is_some_and(|s| (s as usize) < used);
            Licence {
                seats: *seats,
                seats_lowered_at: below.then(|| before.seats_lowered_at.unwrap_or(now)),
                ..before.clone()
            }
        }
        Change::Suspend(reason) => Licence {
            suspended: Some(reason.clone()),
            ..before.clone()
        },
        Change::Resume => Licence {
            suspended: None,
            ..before.clone()
        },
    };
    if after == before {
        return Ok(());
    }
    write(&mut tx, order_id, &after, &zone).await?;
    let change = Audited {
        action: "licence.change",
        before: &before,
        after: &after,
    };
    audit_both(&mut tx, ctx, &r, Side::Seller, change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A licence change as both audit logs record it.
struct Audited<'a> {
    action: &'a str,
    before: &'a Licence,
    after: &'a Licence,
}

/// One entry in the ISV's audit log and one in the customer's, naming the
/// side `by` acted from.
async fn audit_both(
    tx: &mut Tx,
    ctx: &Ctx,
    r: &Row,
    by: Side,
    c: Audited<'_>,
    now: i64,
) -> AppResult<()> {
    let json_of = |l: &Licence| json!({ "kind": l.kind.as_str(), "ends_at": l.ends_at, "seats": l.seats, "suspended": l.suspended });
    let (isv, customer) = (r.isv_org_id.as_str(), r.customer_org_id.as_str());
    let sides = if by == Side::Seller {
        [
            (isv, ActingAs::Admin, None),
            (customer, ActingAs::Provider, Some(isv)),
        ]
    } else {
        [
            (customer, ActingAs::BuyerAdmin, None),
            (isv, ActingAs::BuyerAdmin, Some(customer)),
        ]
    };
    for (org, acting_as, actor_org) in sides {
        let entry = Entry {
            org_id: org,
            actor_user_id: &ctx.user_id.0,
            acting_as,
            actor_org_id: actor_org,
            app_id: Some(&r.installed_app_id),
            action: c.action,
            target: &r.id,
            before: Some(json_of(c.before)),
            after: Some(json_of(c.after)),
        };
        audit::record(tx, entry, now).await?;
    }
    Ok(())
}

/// A renewal link bought by the order's customer (in the purchase's
/// transaction): the licence extended by the link's term from max(now, its
/// end) — a trial becomes paid on the same copy, a lapsed licence works
/// again at once. Returns the copy and the order number.
pub async fn renew_in(
    tx: &mut Tx,
    ctx: &Ctx,
    order_id: &OrderId,
    org_id: &str,
    terms: &Terms,
    now: i64,
) -> AppResult<(AppId, String)> {
    let r = order_row(tx, order_id).await?;
    if r.customer_org_id != org_id {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let zone = zone_of(tx, org_id).await?;
    let before = r.licence()?;
    let months = terms.term.and_then(Term::months);
    let after = renew(&before, months, now, &zone);
    write(tx, order_id, &after, &zone).await?;
    let renewed = Audited {
        action: "licence.renewed",
        before: &before,
        after: &after,
    };
    audit_both(tx, ctx, &r, Side::Customer, renewed, now).await?;
    Ok((AppId(r.installed_app_id), r.order_no))
}

/// The selling ISV's renewal link for an order: bound to its customer, one
/// purchase, 30 days; it sells `term` with the licence's seats and grace.
pub async fn renewal_link(
    db: &Db,
    ctx: &Ctx,
    order_id: &OrderId,
    term: Term,
    now: i64,
) -> AppResult<crate::distribution::domain::NewLink> {
    let mut conn = db.pool.acquire().await?;
    let r = order_row(&mut conn, order_id).await?;
    policy::may_change(&standing(&mut conn, ctx, &r).await?)?;
    drop(conn);
    let licence = r.licence()?;
    let options = crate::distribution::domain::LinkOptions {
        expires_days: crate::distribution::domain::DEFAULT_EXPIRY_DAYS,
        max_purchases: Some(1),
        bound_org: Some(r.customer_org_id.clone()),
        note: r.order_no.clone(),
        version: None,
        terms: Terms {
            trial_days: None,
            term: Some(term),
            seats: licence.seats,
            grace_days: licence.grace_days,
        },
        renews: Some(order_id.clone()),
    };
    let app = AppId(r.source_app_id);
    crate::distribution::queries::links::create_link(db, ctx, &app, &options, now).await
}

/// Sends the reminders due now (30, 7 and 1 days before a licence ends) to
/// the customer's admins' messages, once each; returns how many orders were
/// reminded.
pub async fn remind(db: &Db, now: i64) -> AppResult<usize> {
    let due: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT id, licence_reminded FROM distribution_orders \
         WHERE licence_ends > $1 AND licence_ends <= $2 AND licence_suspended = 0 \
         AND (licence_reminded IS NULL OR licence_reminded > 1)",
    )
    .bind(now)
    .bind(now + i64::from(REMINDER_DAYS[0] + 1) * 24 * 3600 * 1000)
    .fetch_all(&db.pool)
    .await?;
    let mut sent = 0;
    for (id, reminded) in due {
        let mut tx = db.begin_write().await?;
        let r = order_row(&mut tx, &OrderId(id)).await?;
        let zone = zone_of(&mut tx, &r.customer_org_id).await?;
        let last = reminded.and_then(|d| u16::try_from(d).ok());
        let Some(days) = reminders_due(&r.licence()?, last, now, &zone) else {
            continue;
        };
        let (app,): (String,) = sqlx::query_as("SELECT name FROM apps WHERE id = $1")
            .bind(&r.installed_app_id)
            .fetch_one(&mut *tx)
            .await?;
        // Messages are stored text: both languages, as mails are.
        let body = format!(
            "「{app}」的许可将在 {days} 天后到期（订单 {no}）。The licence of “{app}” ends in {days} days (order {no}).",
            no = r.order_no
        );
        let admins: Vec<(String,)> =
            sqlx::query_as("SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'admin'")
                .bind(&r.customer_org_id)
                .fetch_all(&mut *tx)
                .await?;
        for (user,) in admins {
            sqlx::query(
                "INSERT INTO messages (id, org_id, user_id, app_id, record_id, body, created_at) \
                 VALUES ($1, $2, $3, $4, '', $5, $6)",
            )
            .bind(crate::db::new_id())
            .bind(&r.customer_org_id)
            .bind(&user)
            .bind(&r.installed_app_id)
            .bind(&body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE distribution_orders SET licence_reminded = $1 WHERE id = $2")
            .bind(i64::from(days))
            .bind(&r.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// Sends the reminders due every minute, for as long as the server runs.
pub fn spawn_reminders(db: Db, clock: crate::db::Clock) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = remind(&db, clock.now_ms()).await {
                tracing::warn!(error = %e, "licence reminders failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    });
}
