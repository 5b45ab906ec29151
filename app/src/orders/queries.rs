//! Order Center reads. Keyset pagination: pages stay fast however deep.

use super::domain::*;
use super::search;
use crate::apps::queries::access::is_app_admin;
use crate::db::{Backend, Db};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::licences::domain::{LicenceKind, LicenceState, Timeline};
use crate::maintenance::policy::IsvStanding;
use crate::session::Ctx;
use crate::values::{AppId, OrderId};

pub use super::policy::require_isv;

/// An order as read, column by column (`detail`) or as one element of a
/// packed page: a JSON array of the fields in this order (see [`PACKED`]).
#[derive(sqlx::FromRow, serde::Deserialize)]
struct Row {
    id: String,
    order_no: String,
    app_name: String,
    customer: String,
    buyer: String,
    created_at: i64,
    app_version: i64,
    version: Option<String>,
    upgrade_state: Option<String>,
    /// 1 while the copy has something to configure again (one probe each
    /// in the partial indexes of migration 0006).
    pending_setup: i64,
    open_until: Option<i64>,
    requested_at: Option<i64>,
    request_note: Option<String>,
    licence_kind: Option<String>,
    licence_ends: Option<i64>,
    licence_read_only_from: Option<i64>,
    licence_archived_from: Option<i64>,
    licence_suspended: i64,
}

impl Row {
    fn view(self, now: i64) -> OrderRow {
        let access = match (self.open_until, self.requested_at) {
            (Some(until), Some(_)) if now < until => AccessState::Requested {
                until,
                note: self.request_note.unwrap_or_default(),
            },
            (Some(until), None) if now < until => AccessState::Open { until },
            _ => AccessState::Closed,
        };
        OrderRow {
            id: self.id.into(),
            order_no: self.order_no,
            app_name: self.app_name,
            customer: self.customer,
            buyer: self.buyer,
            created_at: self.created_at,
            app_version: self.app_version,
            version: self.version,
            upgrade: self
                .upgrade_state
                .as_deref()
                .and_then(|s| crate::upgrades::domain::UpgradeState::parse(s).ok()),
            setup_done: self.pending_setup == 0,
            access,
            licence: Timeline {
                ends: self.licence_ends,
                read_only_from: self.licence_read_only_from,
                archived_from: self.licence_archived_from,
            }
            .state_of(
                LicenceKind::stored(self.licence_kind.as_deref()),
                self.licence_suspended != 0,
                now,
            ),
            licence_ends: self.licence_ends,
        }
    }
}

const COLUMNS: &str = "SELECT o.id, o.order_no, l.app_name, c.name AS customer, b.display_name AS buyer, o.created_at, \
        o.app_version, o.version, o.upgrade_state, \
        CAST(CASE WHEN EXISTS (SELECT 1 FROM forms f WHERE f.app_id = o.installed_app_id AND f.process_needs_config = 1) \
        OR EXISTS (SELECT 1 FROM notification_templates t WHERE t.app_id = o.installed_app_id AND t.needs_config = 1) \
        OR EXISTS (SELECT 1 FROM services s WHERE s.app_id = o.installed_app_id AND s.needs_config = 1) \
        THEN 1 ELSE 0 END AS BIGINT) AS pending_setup, \
        g.open_until, g.requested_at, g.request_note, o.licence_kind, o.licence_ends, \
        o.licence_read_only_from, o.licence_archived_from, o.licence_suspended";

const JOINS: &str = "JOIN distribution_links l ON l.id = o.link_id \
    JOIN organizations c ON c.id = o.customer_org_id JOIN users b ON b.id = o.buyer_user_id \
    LEFT JOIN maintenance_grants g ON g.app_id = o.installed_app_id";

/// Order rows read from `source` (which names the orders `o`).
fn select(source: &str) -> String {
    format!("{COLUMNS} FROM {source} {JOINS}")
}

/// One page of the organization's orders, newest first; `q` searches the
/// customer, app, buyer name and email, link creator and order number
/// (see `search`).
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    q: &str,
    filters: impl Into<Filters>,
    after: Option<&str>,
    limit: i64,
    now: i64,
) -> AppResult<OrderPage> {
    let filters = filters.into();
    require_isv(ctx)?;
    let org = &ctx.org()?.org_id.0;
    let term = search::term(q)?;
    let (c_time, c_id) = match after {
        Some(a) => parse_cursor(a).ok_or_else(|| AppError::new(ErrorCode::InvalidInput))?,
        None => (i64::MAX, "~".repeat(64)),
    };
    let page = Page {
        org,
        c_time,
        c_id: &c_id,
        filter: filters.access,
        upgrade: filters.upgrade,
        licence: filters.licence,
        limit,
        now,
    };
    let rows = match &term {
        None => page.read(db, None).await?,
        Some(t) => match search::few_hits(db, t).await? {
            Some(hits) => page.read(db, Some((&search::Scan::Hits(hits), t))).await?,
            None => match search::window_end(db, org, c_time, &c_id).await? {
                None => page.read(db, Some((&search::Scan::Rest, t))).await?,
                Some((end_time, end_id)) => {
                    let window = search::Scan::Window(end_time, end_id);
                    let newest = page.read(db, Some((&window, t))).await?;
                    if newest.len() as i64 > limit {
                        newest
                    } else {
                        let rest = search::Scan::after_window(t);
                        page.read(db, Some((&rest, t))).await?
                    }
                }
            },
        },
    };
    let more = rows.len() as i64 > limit;
    let rows: Vec<OrderRow> = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| r.view(now))
        .collect();
    let next = if more {
        rows.last().map(|r| cursor(r.created_at, &r.id))
    } else {
        None
    };
    Ok(OrderPage { rows, next })
}

/// One page's question: whose orders, from where, which access state.
struct Page<'a> {
    org: &'a str,
    c_time: i64,
    c_id: &'a str,
    filter: AccessFilter,
    upgrade: UpgradeFilter,
    licence: LicenceFilter,
    limit: i64,
    now: i64,
}

impl Page<'_> {
    /// Up to `limit + 1` orders from the cursor on, searched as `search` says.
    async fn read(&self, db: &Db, search: Option<(&search::Scan, &str)>) -> AppResult<Vec<Row>> {
        let access_sql = match self.filter {
            AccessFilter::All => "",
            AccessFilter::Open => " AND g.open_until > $4 AND g.requested_at IS NULL",
            AccessFilter::Requested => " AND g.open_until > $4 AND g.requested_at IS NOT NULL",
            AccessFilter::Closed => " AND (g.open_until IS NULL OR g.open_until <= $4)",
        };
        // The state is one of a fixed set of codes, never input text.
        let upgrade_sql = match self.upgrade {
            UpgradeFilter::All => String::new(),
            UpgradeFilter::UpToDate => " AND o.upgrade_state IS NULL".into(),
            UpgradeFilter::State(s) => format!(" AND o.upgrade_state = '{}'", s.as_str()),
        };
        let licence_sql = licence_sql(self.licence);
        let plan = search.map(|(scan, term)| (scan, scan.plan(db.backend, term)));
        let (source, condition) = match &plan {
            None => ("distribution_orders o", ""),
            Some((_, p)) => (p.source, p.condition.as_str()),
        };
        // `$4 = $4` keeps the time parameter referenced when no filter uses
        // it (PostgreSQL must be able to type every bound parameter).
        let sql = format!(
            "{} WHERE o.isv_org_id = $1 \
               AND (o.created_at < $2 OR (o.created_at = $2 AND o.id < $3)) \
               AND $4 = $4{access_sql}{upgrade_sql}{licence_sql}{condition} \
             ORDER BY o.created_at DESC, o.id DESC LIMIT $5",
            select(source)
        );
        // The rows come back packed by the database into one value: they
        // then cross from the database's thread to the request's at once,
        // not one by one (a third of an export's time, and of a page's
        // database work).
        let sql = match db.backend {
            Backend::Sqlite => format!(
                "SELECT json_group_array(json_array({PACKED}) ORDER BY p.created_at DESC, p.id DESC) FROM ({sql}) p"
            ),
            Backend::Postgres => format!(
                "SELECT CAST(json_agg(json_build_array({PACKED}) ORDER BY p.created_at DESC, p.id DESC) AS TEXT) FROM ({sql}) p"
            ),
        };
        let mut query = sqlx::query_scalar(&sql)
            .bind(self.org)
            .bind(self.c_time)
            .bind(self.c_id)
            .bind(self.now)
            .bind(self.limit + 1);
        if let Some((scan, p)) = plan {
            query = query.bind(p.value);
            if let search::Scan::Window(end_time, end_id) = scan {
                query = query.bind(*end_time).bind(end_id.clone());
            }
        }
        // No orders: the aggregate is NULL.
        let packed: Option<String> = query.fetch_one(&db.pool).await?;
        match packed {
            Some(json) => serde_json::from_str(&json).map_err(AppError::internal),
            None => Ok(vec![]),
        }
    }
}

/// The licence filter as SQL over the order's stored timeline (`$4`: now).
/// Only fixed text: never input.
fn licence_sql(f: LicenceFilter) -> String {
    let live = " AND o.licence_suspended = 0";
    let cond = match f {
        LicenceFilter::All => return String::new(),
        LicenceFilter::Expiring => format!(
            "{live} AND o.licence_ends > $4 AND o.licence_ends <= $4 + {EXPIRING_MS}"
        ),
        LicenceFilter::State(s) => match s {
            LicenceState::Suspended => " AND o.licence_suspended = 1".to_string(),
            LicenceState::Trial => {
                format!("{live} AND o.licence_kind = 'trial' AND (o.licence_ends IS NULL OR o.licence_ends > $4)")
            }
            LicenceState::Active => format!(
                "{live} AND COALESCE(o.licence_kind, 'paid') = 'paid' AND (o.licence_ends IS NULL OR o.licence_ends > $4)"
            ),
            LicenceState::Grace => {
                format!("{live} AND o.licence_ends <= $4 AND o.licence_read_only_from > $4")
            }
            LicenceState::ReadOnly => format!(
                "{live} AND o.licence_read_only_from <= $4 AND o.licence_archived_from > $4"
            ),
            LicenceState::Archived => format!("{live} AND o.licence_archived_from <= $4"),
        },
    };
    cond
}

/// A [`Row`]'s columns, in its fields' order (a packed row is read as a
/// sequence).
const PACKED: &str =
    "p.id, p.order_no, p.app_name, p.customer, p.buyer, p.created_at, p.app_version, p.version, p.upgrade_state, \
    p.pending_setup, p.open_until, p.requested_at, p.request_note, p.licence_kind, p.licence_ends, \
    p.licence_read_only_from, p.licence_archived_from, p.licence_suspended";

/// One order with its timeline, and whether the caller may maintain now.
pub async fn detail(db: &Db, ctx: &Ctx, order_id: &OrderId, now: i64) -> AppResult<OrderDetail> {
    require_isv(ctx)?;
    let org = ctx.org()?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "{} WHERE o.isv_org_id = $1 AND o.id = $2",
        select("distribution_orders o")
    ))
    .bind(&org.org_id.0)
    .bind(order_id)
    .fetch_optional(&db.pool)
    .await?;
    let row = row
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?
        .view(now);
    let (installed, link_created, link_by, buyer, source_app): (String, i64, String, String, AppId) = sqlx::query_as(
        "SELECT o.installed_app_id, l.created_at, lc.display_name, b.display_name, o.source_app_id \
         FROM distribution_orders o JOIN distribution_links l ON l.id = o.link_id \
         JOIN users lc ON lc.id = l.created_by JOIN users b ON b.id = o.buyer_user_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_one(&db.pool)
    .await?;
    let mut timeline = vec![
        (link_created, Event::LinkCreated { by: link_by }),
        (row.created_at, Event::Purchased { by: buyer }),
    ];
    let entries: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT e.at, e.action, COALESCE(u.display_name, ''), e.after_json FROM audit_entries e \
         LEFT JOIN users u ON u.id = e.actor_user_id \
         WHERE e.app_id = $1 AND e.org_id = (SELECT customer_org_id FROM distribution_orders WHERE id = $2) \
           AND e.action IN ('step.approver_add', 'template.recipient_add', 'service.credential', 'maintenance.close', 'maintenance.request', \
             'upgrade.offered', 'upgrade.apply', 'upgrade.rollback', 'upgrade.decline') \
         ORDER BY e.at",
    )
    .bind(&installed)
    .bind(order_id)
    .fetch_all(&db.pool)
    .await?;
    for (at, action, by, after) in entries {
        let event = match action.as_str() {
            "maintenance.close" => Event::AccessClosed { by },
            "maintenance.request" => {
                let note = after
                    .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
                    .and_then(|v| v["note"].as_str().map(str::to_string))
                    .unwrap_or_default();
                Event::MaintenanceRequested { by, note }
            }
            a if a.starts_with("upgrade.") => {
                let version = after
                    .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
                    .and_then(|v| v["version"].as_str().map(str::to_string))
                    .unwrap_or_default();
                Event::Upgrade {
                    by,
                    action,
                    version,
                }
            }
            _ => Event::SetupItem { by, action },
        };
        timeline.push((at, event));
    }
    let sessions: Vec<(i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT s.started_at, s.ended_at, u.display_name FROM maintenance_sessions s JOIN users u ON u.id = s.isv_user_id \
         WHERE s.order_id = $1 ORDER BY s.started_at",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await?;
    for (start, end, by) in sessions {
        let minutes = (end.unwrap_or(now) - start) / 60_000;
        timeline.push((
            start,
            Event::Maintenance {
                by,
                minutes,
                ended: end.is_some(),
            },
        ));
    }
    timeline.sort_by_key(|(at, _)| *at);
    let can_maintain = if matches!(row.access, AccessState::Closed) {
        Err(ErrorCode::AccessClosed)
    } else {
        // The rule that starting maintenance applies (certification was
        // checked by `require_isv`).
        let mut conn = db.pool.acquire().await?;
        let isv = IsvStanding {
            role: Some(org.role),
            source_app_admin: is_app_admin(&mut conn, &source_app, &ctx.user_id.0).await?,
            cert: org.cert,
        };
        isv.may_maintain().map_err(|_| ErrorCode::MaintainerOnly)
    };
    Ok(OrderDetail {
        row,
        timeline,
        can_maintain,
    })
}
