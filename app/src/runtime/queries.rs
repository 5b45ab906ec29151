//! Records: submitting, deciding and reading them; the messages they send.
//! Each change and its history lines share one transaction.

use super::domain::*;
use super::{outbox, policy};
use crate::apps::domain::{AppDetail, Recipient, Trigger, UserRef};
use crate::apps::queries::{access, decode_json as decode, detail_in};
use crate::db::{new_id, Db, Tx};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::Ctx;
use crate::values::{AppId, FormId, MessageId, RecordId, UserId};

fn encode<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(AppError::internal)
}

/// Longest approval comment, in characters.
pub const COMMENT_MAX: usize = 500;

/// Adds a line to a record's history.
pub(super) async fn event(
    tx: &mut Tx,
    record_id: &str,
    now: i64,
    kind: EventKind,
    actor: &str,
    detail: &str,
    comment: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO record_events (record_id, seq, at, kind, actor_id, detail, comment) \
         SELECT $1, COALESCE(MAX(seq) + 1, 0), $2, $3, $4, $5, $6 FROM record_events WHERE record_id = $1",
    )
    .bind(record_id)
    .bind(now)
    .bind(kind.as_str())
    .bind(actor)
    .bind(detail)
    .bind(comment)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes `users` the approvers of step `step` (their To do).
async fn assign(
    tx: &mut Tx,
    record_id: &str,
    step: usize,
    users: &[UserId],
    now: i64,
) -> AppResult<()> {
    for u in users {
        sqlx::query(
            "INSERT INTO record_tasks (record_id, user_id, step, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(record_id)
        .bind(u)
        .bind(step as i64)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A record at one of its events, as its messages and service calls need it.
pub(super) struct Happened<'a> {
    pub app: &'a AppDetail,
    pub org_id: &'a str,
    pub form_id: &'a str,
    pub record_id: &'a str,
    pub status: RecordStatus,
    pub submitted_by: &'a str,
    pub submitted_at: i64,
    pub values: &'a [EnteredValue],
}

/// What a record's event sets off, in its transaction: the messages of the
/// form's templates on `trigger`, and the calls of its services.
async fn announce(
    tx: &mut Tx,
    h: &Happened<'_>,
    trigger: Trigger,
    actor: &str,
    now: i64,
) -> AppResult<()> {
    notify(tx, h, trigger, actor, now).await?;
    outbox::enqueue(tx, h, trigger, now).await
}

/// Sends the messages of every template of the form on `trigger`. A
/// template that still needs setting up is not sent; the history says so.
async fn notify(
    tx: &mut Tx,
    h: &Happened<'_>,
    trigger: Trigger,
    actor: &str,
    now: i64,
) -> AppResult<()> {
    for t in h
        .app
        .templates
        .iter()
        .filter(|t| t.form_id.as_str() == h.form_id && t.trigger == trigger)
    {
        if t.needs_config {
            event(
                tx,
                h.record_id,
                now,
                EventKind::NotifySkipped,
                actor,
                "",
                "",
            )
            .await?;
            continue;
        }
        let body = render(&t.message, h.values);
        let mut to: Vec<&UserRef> = Vec::new();
        for r in &t.recipients {
            let id = match Recipient::parse(&r.value)? {
                Recipient::Submitter => h.submitted_by.to_string(),
                Recipient::User(id) => id,
            };
            // Someone who has left the organization gets nothing.
            if let Some(u) = h.app.users.iter().find(|u| u.id.as_str() == id) {
                if !to.iter().any(|x| x.id == u.id) {
                    to.push(u);
                }
            }
        }
        for user in &to {
            sqlx::query(
                "INSERT INTO messages (id, org_id, user_id, app_id, record_id, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(h.org_id)
            .bind(&user.id)
            .bind(&h.app.id)
            .bind(h.record_id)
            .bind(&body)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        let names: Vec<&str> = to.iter().map(|u| u.name.as_str()).collect();
        event(
            tx,
            h.record_id,
            now,
            EventKind::Notified,
            actor,
            &names.join(", "),
            "",
        )
        .await?;
    }
    Ok(())
}

/// Submits a form of an app: checks every value, stores the record and
/// starts its approval and messages, all or nothing.
pub async fn submit(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    form_id: &FormId,
    raw: &RawValues,
    now: i64,
) -> AppResult<RecordId> {
    let org = ctx.org()?;
    let mut tx = db.begin_write().await?;
    let app = detail_in(&mut tx, ctx, app_id).await?;
    if !app.can_use {
        return Err(AppError::new(ErrorCode::NotAppUser));
    }
    // An ended or suspended licence keeps the records, takes no new ones.
    crate::licences::queries::may_submit(&mut tx, app_id.as_str(), &ctx.user_id, now).await?;
    let form = app
        .forms
        .iter()
        .find(|f| &f.id == form_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let values = check(&form.fields, raw, |id| {
        app.users
            .iter()
            .find(|u| u.id.as_str() == id)
            .map(|u| u.name.clone())
    })
    .map_err(AppError::values)?;
    let steps = policy::steps_to_start(form, &app.users)?;
    let id = RecordId(new_id());
    let status = if steps.is_empty() {
        RecordStatus::Submitted
    } else {
        RecordStatus::InApproval
    };
    sqlx::query(
        "INSERT INTO records (id, org_id, app_id, form_id, submitted_by, submitted_at, status, \
         values_json, search_text, steps_json, current_step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
    )
    .bind(&id)
    .bind(&org.org_id)
    .bind(app_id)
    .bind(form_id)
    .bind(&ctx.user_id)
    .bind(now)
    .bind(status.as_str())
    .bind(encode(&values)?)
    .bind(search_text(&values))
    .bind(encode(&steps)?)
    .execute(&mut *tx)
    .await?;
    let mut readers: Vec<&UserId> = vec![&ctx.user_id];
    for u in steps.iter().flat_map(|s| &s.approvers) {
        if !readers.contains(&u) {
            readers.push(u);
        }
    }
    for u in readers {
        sqlx::query(
            "INSERT INTO record_readers (record_id, user_id, form_id, submitted_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(u)
        .bind(form_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let me = ctx.user_id.as_str();
    event(&mut tx, &id, now, EventKind::Submitted, me, "", "").await?;
    if let Some(first) = steps.first() {
        assign(&mut tx, &id, 0, &first.approvers, now).await?;
    }
    let happened = Happened {
        app: &app,
        org_id: &org.org_id,
        form_id,
        record_id: &id,
        status,
        submitted_by: me,
        submitted_at: now,
        values: &values,
    };
    announce(&mut tx, &happened, Trigger::Submitted, me, now).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct RecordRowDb {
    app_id: AppId,
    form_id: String,
    submitted_by: String,
    submitted_at: i64,
    status: String,
    values_json: String,
    steps_json: String,
    current_step: i64,
}

async fn record_in(
    conn: &mut sqlx::AnyConnection,
    ctx: &Ctx,
    record_id: &RecordId,
) -> AppResult<RecordRowDb> {
    let org = ctx.org()?;
    sqlx::query_as(
        "SELECT app_id, form_id, submitted_by, submitted_at, status, values_json, steps_json, current_step \
         FROM records WHERE id = $1 AND org_id = $2",
    )
    .bind(record_id)
    .bind(&org.org_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// Approves or rejects the step waiting for the caller. One approver's
/// decision settles a step; the last step's approval approves the record.
pub async fn decide(
    db: &Db,
    ctx: &Ctx,
    record_id: &RecordId,
    decision: Decision,
    comment: &str,
    now: i64,
) -> AppResult<()> {
    let comment = crate::values::optional_text(comment, COMMENT_MAX, ErrorCode::InvalidComment)?;
    let mut tx = db.begin_write().await?;
    let r = record_in(&mut tx, ctx, record_id).await?;
    // Running approvals may finish while read-only, not once archived.
    if !crate::licences::queries::use_of(&mut tx, r.app_id.as_str(), now)
        .await?
        .decide_running
    {
        return Err(AppError::new(ErrorCode::LicenceReadOnly));
    }
    let me = ctx.user_id.as_str();
    let task: Option<(i64,)> =
        sqlx::query_as("SELECT step FROM record_tasks WHERE record_id = $1 AND user_id = $2")
            .bind(record_id)
            .bind(me)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((step,)) = task.filter(|(s,)| *s == r.current_step) else {
        return Err(AppError::new(ErrorCode::AlreadyDecided));
    };
    let steps: Vec<Step> = decode(&r.steps_json)?;
    let here = steps
        .get(step as usize)
        .ok_or_else(|| AppError::internal("record step out of range"))?;
    let next = steps
        .get(step as usize + 1)
        .filter(|_| decision == Decision::Approve);
    let status = match (decision, next) {
        (Decision::Reject, _) => RecordStatus::Rejected,
        (Decision::Approve, Some(_)) => RecordStatus::InApproval,
        (Decision::Approve, None) => RecordStatus::Approved,
    };
    // Only the first decision on a step counts, even when two approvers
    // press at the same moment.
    let moved = sqlx::query(
        "UPDATE records SET status = $1, current_step = $2 \
         WHERE id = $3 AND status = 'in_approval' AND current_step = $4",
    )
    .bind(status.as_str())
    .bind(if next.is_some() { step + 1 } else { step })
    .bind(record_id)
    .bind(step)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::AlreadyDecided));
    }
    sqlx::query("DELETE FROM record_tasks WHERE record_id = $1")
        .bind(record_id)
        .execute(&mut *tx)
        .await?;
    let kind = match decision {
        Decision::Approve => EventKind::Approved,
        Decision::Reject => EventKind::Rejected,
    };
    event(&mut tx, record_id, now, kind, me, &here.name, &comment).await?;
    if let Some(n) = next {
        assign(&mut tx, record_id, step as usize + 1, &n.approvers, now).await?;
    } else {
        let app = detail_in(&mut tx, ctx, &r.app_id).await?;
        let values: Vec<EnteredValue> = decode(&r.values_json)?;
        let trigger = match status {
            RecordStatus::Rejected => Trigger::Rejected,
            _ => Trigger::Approved,
        };
        let happened = Happened {
            app: &app,
            org_id: &ctx.org()?.org_id,
            form_id: &r.form_id,
            record_id,
            status,
            submitted_by: &r.submitted_by,
            submitted_at: r.submitted_at,
            values: &values,
        };
        announce(&mut tx, &happened, trigger, me, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A provider in remote maintenance reads records only while the customer
/// allows it: refused before anything is read.
fn provider_may_read(ctx: &Ctx) -> AppResult<()> {
    match &ctx.maintenance {
        Some(m) if !policy::provider_may_read(m.data_access) => {
            Err(AppError::new(ErrorCode::NoDataAccess))
        }
        _ => Ok(()),
    }
}

/// Every record a provider in maintenance reads is in the customer's audit
/// log: one `record.read` entry per record shown (a list page writes one
/// for each of its rows), in one transaction.
async fn provider_reads(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    record_ids: &[&str],
    now: i64,
) -> AppResult<()> {
    let Some(m) = &ctx.maintenance else {
        return Ok(());
    };
    provider_may_read(ctx)?;
    if record_ids.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    for target in record_ids {
        let entry = crate::audit::Entry {
            org_id: &m.customer_org_id,
            actor_user_id: &ctx.user_id,
            acting_as: crate::audit::domain::ActingAs::Maintainer(m.order_no.clone()),
            actor_org_id: Some(&m.isv_org_id),
            app_id: Some(app_id),
            action: "record.read",
            target,
            before: None,
            after: None,
        };
        crate::audit::record(&mut tx, entry, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether the caller sees every record of the app (see `policy::sees_all`).
async fn sees_all(conn: &mut sqlx::AnyConnection, ctx: &Ctx, app_id: &AppId) -> AppResult<bool> {
    Ok(policy::sees_all(
        access::resolve(conn, ctx, app_id).await?.can_edit,
    ))
}

/// `<submitted_at>.<id>`, the keyset position after a row.
fn cursor(at: i64, id: &str) -> String {
    format!("{at}.{id}")
}

fn parse_cursor(s: &str) -> AppResult<(i64, String)> {
    s.split_once('.')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.to_string())))
        .filter(|(_, id)| id.len() <= 64)
        .ok_or_else(|| AppError::new(ErrorCode::InvalidInput))
}

/// `%text%` for LIKE, with the wildcards in `text` taken literally.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page of a form's records, newest first: all of them for an admin of
/// the app, else those the caller submitted or must approve.
#[allow(clippy::too_many_arguments)]
pub async fn list(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    form_id: &FormId,
    q: &str,
    status: &str,
    after: Option<&str>,
    now: i64,
) -> AppResult<RecordPage> {
    let page = listed(db, ctx, app_id, form_id, q, status, after, PAGE, now).await?;
    Ok(RecordPage {
        rows: page
            .rows
            .into_iter()
            .map(|r| RecordRow {
                summary: summary(&r.values),
                id: r.id,
                submitted_by: r.submitted_by,
                submitted_at: r.submitted_at,
                status: r.status,
            })
            .collect(),
        next: page.next,
        sees_all: page.sees_all,
    })
}

/// A listed record with all its values (the CSV export writes them).
pub struct Listed {
    pub id: RecordId,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub status: RecordStatus,
    pub values: Vec<EnteredValue>,
}

pub struct ListedPage {
    pub rows: Vec<Listed>,
    pub next: Option<String>,
    pub sees_all: bool,
}

/// The records [`list`] shows, `limit` at a time, with their values.
#[allow(clippy::too_many_arguments)]
pub async fn listed(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    form_id: &FormId,
    q: &str,
    status: &str,
    after: Option<&str>,
    limit: usize,
    now: i64,
) -> AppResult<ListedPage> {
    let q = crate::values::optional_text(q, 100, ErrorCode::InvalidInput)?;
    let status = match status {
        "" => String::new(),
        s => RecordStatus::parse(s)?.as_str().to_string(),
    };
    let (after_at, after_id) = match after.filter(|a| !a.is_empty()) {
        Some(a) => parse_cursor(a)?,
        None => (i64::MAX, String::new()),
    };
    let mut conn = db.pool.acquire().await?;
    let all = sees_all(&mut conn, ctx, app_id).await?;
    // A form of another app is "not found", like every id that is not ours.
    let (forms,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM forms WHERE id = $1 AND app_id = $2")
            .bind(form_id)
            .bind(app_id)
            .fetch_one(&mut *conn)
            .await?;
    if forms == 0 {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    provider_may_read(ctx)?;
    // Both read the same columns; the member's list walks its readers index.
    let sql = if all {
        "SELECT r.id, r.submitted_at, r.status, r.values_json, COALESCE(u.display_name, '') \
         FROM records r LEFT JOIN users u ON u.id = r.submitted_by \
         WHERE r.form_id = $1 AND r.app_id = $2 AND ($3 = '' OR r.status = $3) \
           AND ($4 = '' OR r.search_text LIKE $5 ESCAPE '\\') \
           AND (r.submitted_at < $6 OR (r.submitted_at = $6 AND r.id < $7)) \
         ORDER BY r.submitted_at DESC, r.id DESC LIMIT $8"
    } else {
        "SELECT r.id, r.submitted_at, r.status, r.values_json, COALESCE(u.display_name, '') \
         FROM record_readers x JOIN records r ON r.id = x.record_id \
         LEFT JOIN users u ON u.id = r.submitted_by \
         WHERE x.form_id = $1 AND r.app_id = $2 AND ($3 = '' OR r.status = $3) \
           AND ($4 = '' OR r.search_text LIKE $5 ESCAPE '\\') \
           AND (x.submitted_at < $6 OR (x.submitted_at = $6 AND x.record_id < $7)) \
           AND x.user_id = $9 \
         ORDER BY x.submitted_at DESC, x.record_id DESC LIMIT $8"
    };
    let query = sqlx::query_as(sql)
        .bind(form_id)
        .bind(app_id)
        .bind(&status)
        .bind(&q)
        .bind(like_pattern(&q))
        .bind(after_at)
        // No cursor: every id sorts before "~".
        .bind(if after_id.is_empty() {
            "~".to_string()
        } else {
            after_id
        })
        .bind((limit + 1) as i64);
    let query = if all { query } else { query.bind(&ctx.user_id) };
    let rows: Vec<(String, i64, String, String, String)> = query.fetch_all(&mut *conn).await?;
    let more = rows.len() > limit;
    let rows = rows
        .into_iter()
        .take(limit)
        .map(|(id, at, status, values, by)| {
            Ok(Listed {
                id: id.into(),
                submitted_by: by,
                submitted_at: at,
                status: RecordStatus::parse(&status)?,
                values: decode(&values)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let next = more
        .then(|| rows.last().map(|r| cursor(r.submitted_at, &r.id)))
        .flatten();
    drop(conn);
    // The page shows these records: each one is a read.
    let shown: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    provider_reads(db, ctx, app_id, &shown, now).await?;
    Ok(ListedPage {
        rows,
        next,
        sees_all: all,
    })
}

/// A record with its values read against the form as it is now, and its
/// history.
pub async fn detail(db: &Db, ctx: &Ctx, record_id: &RecordId, now: i64) -> AppResult<RecordDetail> {
    let mut conn = db.pool.acquire().await?;
    let r = record_in(&mut conn, ctx, record_id).await?;
    // In maintenance only the maintained app's records (and if allowed).
    if let Some(m) = &ctx.maintenance {
        if m.app_id != r.app_id {
            return Err(AppError::new(ErrorCode::NotFound));
        }
    }
    let (reader,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM record_readers WHERE record_id = $1 AND user_id = $2")
            .bind(record_id)
            .bind(&ctx.user_id)
            .fetch_one(&mut *conn)
            .await?;
    let app = detail_in(&mut conn, ctx, &r.app_id).await?;
    if !policy::may_read(policy::sees_all(app.can_edit), reader > 0) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    drop(conn);
    provider_reads(db, ctx, &r.app_id, &[record_id.as_str()], now).await?;
    let mut conn = db.pool.acquire().await?;
    let form = app.forms.iter().find(|f| f.id.as_str() == r.form_id);
    let values: Vec<EnteredValue> = decode(&r.values_json)?;
    let steps: Vec<Step> = decode(&r.steps_json)?;
    let status = RecordStatus::parse(&r.status)?;
    let (task,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM record_tasks WHERE record_id = $1 AND user_id = $2")
            .bind(record_id)
            .bind(&ctx.user_id)
            .fetch_one(&mut *conn)
            .await?;
    let events: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT e.at, e.kind, COALESCE(u.display_name, ''), e.detail, e.comment \
         FROM record_events e LEFT JOIN users u ON u.id = e.actor_id \
         WHERE e.record_id = $1 ORDER BY e.seq",
    )
    .bind(record_id)
    .fetch_all(&mut *conn)
    .await?;
    let name_of = |id: &str| {
        app.users
            .iter()
            .find(|u| u.id.as_str() == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    Ok(RecordDetail {
        id: record_id.clone(),
        app_id: r.app_id.clone(),
        app_name: app.name.clone(),
        form_name: form.map(|f| f.name.clone()).unwrap_or_default(),
        submitted_by: name_of(&r.submitted_by),
        submitted_at: r.submitted_at,
        status,
        values: value_views(&values, form.map(|f| f.fields.as_slice()).unwrap_or(&[])),
        steps: steps.iter().map(|s| s.name.clone()).collect(),
        current_step: (status == RecordStatus::InApproval).then_some(r.current_step as usize),
        may_decide: task > 0,
        history: events
            .into_iter()
            .map(|(at, kind, actor, detail, comment)| {
                Ok(EventView {
                    at,
                    kind: EventKind::parse(&kind)?,
                    actor,
                    detail,
                    comment,
                })
            })
            .collect::<AppResult<Vec<_>>>()?,
    })
}

/// The records waiting for the caller's decision, oldest first.
pub async fn todo(db: &Db, ctx: &Ctx) -> AppResult<Vec<TodoItem>> {
    let org = ctx.org()?;
    let rows: Vec<TodoRow> = sqlx::query_as(
        "SELECT r.id, a.name AS app_name, COALESCE(f.name, '') AS form_name, r.submitted_at, t.step, \
                r.steps_json, r.values_json, COALESCE(u.display_name, '') AS submitted_by \
         FROM record_tasks t JOIN records r ON r.id = t.record_id \
         JOIN apps a ON a.id = r.app_id LEFT JOIN forms f ON f.id = r.form_id \
         LEFT JOIN users u ON u.id = r.submitted_by \
         WHERE t.user_id = $1 AND r.org_id = $2 ORDER BY t.created_at, r.id LIMIT 200",
    )
    .bind(&ctx.user_id)
    .bind(&org.org_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let steps: Vec<Step> = decode(&r.steps_json)?;
            let values: Vec<EnteredValue> = decode(&r.values_json)?;
            Ok(TodoItem {
                record_id: r.id,
                app_name: r.app_name,
                form_name: r.form_name,
                step: steps
                    .get(r.step as usize)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                submitted_by: r.submitted_by,
                submitted_at: r.submitted_at,
                summary: summary(&values),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct TodoRow {
    id: RecordId,
    app_name: String,
    form_name: String,
    submitted_at: i64,
    step: i64,
    steps_json: String,
    values_json: String,
    submitted_by: String,
}

/// The caller's latest messages in the current organization.
pub async fn messages(db: &Db, ctx: &Ctx) -> AppResult<Vec<MessageView>> {
    let org = ctx.org()?;
    let rows: Vec<(String, String, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT m.id, m.record_id, COALESCE(a.name, ''), m.body, m.created_at, m.read_at \
         FROM messages m LEFT JOIN apps a ON a.id = m.app_id \
         WHERE m.user_id = $1 AND m.org_id = $2 ORDER BY m.created_at DESC, m.id DESC LIMIT 100",
    )
    .bind(&ctx.user_id)
    .bind(&org.org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, record_id, app_name, body, created_at, read_at)| MessageView {
                id: id.into(),
                record_id: record_id.into(),
                app_name,
                body,
                created_at,
                read: read_at.is_some(),
            },
        )
        .collect())
}

/// Marks one of the caller's messages read, or all of them (`None`).
pub async fn mark_read(db: &Db, ctx: &Ctx, id: Option<&MessageId>, now: i64) -> AppResult<()> {
    let org = ctx.org()?;
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE messages SET read_at = $1 WHERE user_id = $2 AND org_id = $3 AND read_at IS NULL \
         AND ($4 = '' OR id = $4)",
    )
    .bind(now)
    .bind(&ctx.user_id)
    .bind(&org.org_id)
    .bind(id.map(|i| i.as_str()).unwrap_or(""))
    .execute(&mut *tx)
    .await?;
    if let Some(id) = id {
        if done.rows_affected() == 0 {
            // Already read is fine; someone else's is "not found".
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM messages WHERE id = $1 AND user_id = $2 AND org_id = $3",
            )
            .bind(id)
            .bind(&ctx.user_id)
            .bind(&org.org_id)
            .fetch_one(&mut *tx)
            .await?;
            if n == 0 {
                return Err(AppError::new(ErrorCode::NotFound));
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Decisions waiting for the caller and unread messages, in the current
/// organization (the header's counts).
pub async fn counts(db: &Db, user_id: &UserId, org_id: &str) -> AppResult<Counts> {
    let (todo, unread): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM record_tasks t JOIN records r ON r.id = t.record_id \
                 WHERE t.user_id = $1 AND r.org_id = $2), \
                (SELECT COUNT(*) FROM messages m WHERE m.user_id = $1 AND m.org_id = $2 AND m.read_at IS NULL)",
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(Counts { todo, unread })
}

/// Who may see and retry an app's calls: its admins, working in their own
/// organization (the calls carry the customer's records).
async fn app_admin_of(
    conn: &mut sqlx::AnyConnection,
    ctx: &Ctx,
    app_id: &AppId,
) -> AppResult<access::AppAccess> {
    let a = access::resolve(conn, ctx, app_id).await?;
    if !a.can_edit {
        return Err(AppError::new(ErrorCode::AppEditOnly));
    }
    Ok(a)
}

/// The app's newest 100 calls to third-party services. A provider in
/// maintenance sees them only while the customer allows it to see data;
/// each record they concern is then in the audit log.
pub async fn deliveries(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    now: i64,
) -> AppResult<Vec<DeliveryView>> {
    let mut conn = db.pool.acquire().await?;
    app_admin_of(&mut conn, ctx, app_id).await?;
    provider_may_read(ctx)?;
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "SELECT d.id, s.name AS service, d.event, d.record_id, d.status, d.attempts, d.last_code, \
                d.last_error, d.next_attempt_at, d.created_at, \
                CASE WHEN s.needs_config = 1 OR s.credential IS NULL THEN 1 ELSE 0 END AS held \
         FROM deliveries d JOIN services s ON s.id = d.service_id \
         WHERE d.app_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT 100",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    let views = rows
        .into_iter()
        .map(|r| {
            let status = match (r.status.as_str(), r.held) {
                ("pending", 1) => DeliveryStatus::Held,
                (s, _) => DeliveryStatus::parse(s)?,
            };
            Ok(DeliveryView {
                id: r.id.into(),
                service: r.service,
                event: Trigger::parse(&r.event)?,
                record_id: r.record_id.into(),
                status,
                attempts: r.attempts,
                last_code: r.last_code,
                last_error: r.last_error,
                next_attempt_at: (status == DeliveryStatus::Pending).then_some(r.next_attempt_at),
                created_at: r.created_at,
            })
        })
        .collect::<AppResult<Vec<DeliveryView>>>()?;
    drop(conn);
    let mut records: Vec<&str> = views.iter().map(|v| v.record_id.as_str()).collect();
    records.sort_unstable();
    records.dedup();
    provider_reads(db, ctx, app_id, &records, now).await?;
    Ok(views)
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    service: String,
    event: String,
    record_id: String,
    status: String,
    attempts: i64,
    last_code: Option<i64>,
    last_error: String,
    next_attempt_at: i64,
    created_at: i64,
    held: i64,
}

/// Sends a call again now, with a fresh 24-hour retry window (a failed one,
/// or a pending one without waiting for its backoff).
pub async fn retry_delivery(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    delivery_id: &crate::values::DeliveryId,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let a = app_admin_of(&mut tx, ctx, app_id).await?;
    let done = sqlx::query(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = $1, retry_until = $2 \
         WHERE id = $3 AND app_id = $4 AND status <> 'sent'",
    )
    .bind(now)
    .bind(now + outbox::RETRY_WINDOW_MS)
    .bind(delivery_id)
    .bind(app_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let entry = crate::audit::Entry {
        org_id: &a.org_id,
        actor_user_id: &ctx.user_id,
        acting_as: a.acting_as.clone(),
        actor_org_id: a.actor_org_id.as_deref(),
        app_id: Some(app_id),
        action: "delivery.retry",
        target: delivery_id,
        before: None,
        after: None,
    };
    crate::audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}
