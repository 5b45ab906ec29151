//! Change sets in the database: opened when a maintenance session starts,
//! kept current by every edit made in it (in the edit's transaction),
//! reviewed and reverted by the customer, taken home by the ISV.

use super::domain::*;
use super::policy;
use crate::apps::queries::access::{is_app_admin, ours, AppEdit};
use crate::apps::snapshot::{self, sync, AppSnapshot};
use crate::audit::{self, Entry};
use crate::db::{new_id, Db, Tx};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::maintenance::domain::SESSION_MS;
use crate::session::Ctx;
use crate::values::{AppId, ChangeSetId, MaintenanceId, OrderId};
use crate::versions::domain::merge::{self, diff_all, merge_selected, Choices, Incoming};
use crate::versions::domain::{Change, Outcome, Part, Prop, Resolution};
use serde_json::json;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// Change id -> when it was last made.
type Times = HashMap<String, i64>;

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

fn parse<T: serde::de::DeserializeOwned>(s: &str) -> AppResult<T> {
    serde_json::from_str(s).map_err(AppError::internal)
}

async fn current(conn: &mut AnyConnection, app_id: &AppId) -> AppResult<AppSnapshot> {
    snapshot::load(conn, app_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// A change set about to be written.
struct NewSet<'a> {
    app_id: &'a AppId,
    org_id: &'a str,
    kind: SetKind,
    session: Option<&'a str>,
    order: Option<&'a str>,
    reverts: Option<&'a str>,
    author: &'a str,
    author_org: &'a str,
    at: i64,
    before: &'a AppSnapshot,
    after: &'a AppSnapshot,
    ids: &'a HashMap<String, String>,
    times: &'a Times,
}

async fn insert(tx: &mut Tx, s: NewSet<'_>) -> AppResult<ChangeSetId> {
    let id = ChangeSetId(new_id());
    let changes = diff_all(s.before, s.after);
    // A revert is the customer's own: nothing to review.
    let reviewed = (s.kind == SetKind::Revert).then_some(s.at);
    sqlx::query(
        "INSERT INTO change_sets (id, app_id, org_id, kind, session_id, order_id, reverts_id, author_id, author_org_id, \
         started_at, changed_at, before_json, after_json, ids_json, times_json, changes, risky, reviewed_at, reviewed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&id)
    .bind(s.app_id)
    .bind(s.org_id)
    .bind(s.kind.as_str())
    .bind(s.session)
    .bind(s.order)
    .bind(s.reverts)
    .bind(s.author)
    .bind(s.author_org)
    .bind(s.at)
    .bind(s.before.to_json())
    .bind(s.after.to_json())
    .bind(to_json(s.ids))
    .bind(to_json(s.times))
    .bind(changes.len() as i64)
    .bind(risks_text(&risks(&changes)))
    .bind(reviewed)
    .bind(reviewed.map(|_| s.author))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Opens the change set of a maintenance session starting now.
#[allow(clippy::too_many_arguments)]
pub async fn open(
    tx: &mut Tx,
    session: &str,
    order_id: &OrderId,
    app_id: &AppId,
    org_id: &str,
    author: &str,
    author_org: &str,
    now: i64,
) -> AppResult<()> {
    let snap = current(tx, app_id).await?;
    let ids = sync::part_ids(tx, app_id).await?;
    let set = NewSet {
        app_id,
        org_id,
        kind: SetKind::Maintenance,
        session: Some(session),
        order: Some(order_id.as_str()),
        reverts: None,
        author,
        author_org,
        at: now,
        before: &snap,
        after: &snap,
        ids: &ids,
        times: &Times::new(),
    };
    insert(tx, set).await?;
    Ok(())
}

/// Brings a maintenance session's change set up to date after one of its
/// edits (inside the edit's transaction).
pub async fn track(tx: &mut Tx, session: &MaintenanceId, app_id: &str, now: i64) -> AppResult<()> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, before_json, after_json, times_json FROM change_sets WHERE session_id = $1 AND app_id = $2",
    )
    .bind(session)
    .bind(app_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((id, before, prev, times)) = row else {
        return Ok(());
    };
    let (before, prev): (AppSnapshot, AppSnapshot) = (parse(&before)?, parse(&prev)?);
    let now_snap = current(tx, &AppId(app_id.to_string())).await?;
    let mut times: Times = parse(&times)?;
    for c in diff_all(&prev, &now_snap) {
        times.insert(c.id, now);
    }
    let all = diff_all(&before, &now_snap);
    sqlx::query(
        "UPDATE change_sets SET after_json = $1, times_json = $2, changes = $3, risky = $4, changed_at = $5 WHERE id = $6",
    )
    .bind(now_snap.to_json())
    .bind(to_json(&times))
    .bind(all.len() as i64)
    .bind(risks_text(&risks(&all)))
    .bind(now)
    .bind(&id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SetRow {
    id: String,
    app_id: String,
    kind: String,
    author: String,
    author_org: String,
    started_at: i64,
    changed_at: i64,
    ended_at: Option<i64>,
    changes: i64,
    risky: String,
    reviewed_at: Option<i64>,
    reverts_id: Option<String>,
}

const SET_COLUMNS: &str = "c.id, c.app_id, c.kind, COALESCE(u.display_name, '') AS author, \
     COALESCE(o.name, '') AS author_org, c.started_at, c.changed_at, s.ended_at, c.changes, c.risky, \
     c.reviewed_at, c.reverts_id \
     FROM change_sets c LEFT JOIN users u ON u.id = c.author_id \
     LEFT JOIN organizations o ON o.id = c.author_org_id \
     LEFT JOIN maintenance_sessions s ON s.id = c.session_id";

impl SetRow {
    fn summary(self, now: i64) -> AppResult<SetSummary> {
        let kind = SetKind::parse(&self.kind)?;
        // A session nobody ended is over once its time is up.
        let ended_at = match kind {
            SetKind::Revert => Some(self.changed_at),
            SetKind::Maintenance => self.ended_at.or_else(|| {
                (now - self.started_at >= SESSION_MS).then_some(self.started_at + SESSION_MS)
            }),
        };
        Ok(SetSummary {
            id: self.id.into(),
            app_id: self.app_id.into(),
            kind,
            author: self.author,
            author_org: self.author_org,
            started_at: self.started_at,
            ended_at,
            changes: self.changes,
            risky: parse_risks(&self.risky),
            reviewed: self.reviewed_at.is_some(),
            reverts: self.reverts_id.map(Into::into),
        })
    }
}

/// The customer's admins, outside maintenance: the app must be theirs.
async fn customer(conn: &mut AnyConnection, ctx: &Ctx, app_id: &AppId) -> AppResult<String> {
    if ctx.maintenance.is_some() {
        return Err(AppError::new(ErrorCode::NotDuringMaintenance));
    }
    let org = ctx.org_admin()?;
    ours(conn, &org.org_id.0, app_id).await
}

/// An installed app's change sets, newest first.
pub async fn list(db: &Db, ctx: &Ctx, app_id: &AppId, now: i64) -> AppResult<Vec<SetSummary>> {
    let mut conn = db.pool.acquire().await?;
    customer(&mut conn, ctx, app_id).await?;
    let rows: Vec<SetRow> = sqlx::query_as(&format!(
        "SELECT {SET_COLUMNS} WHERE c.app_id = $1 ORDER BY c.started_at DESC, c.id DESC LIMIT 200"
    ))
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| r.summary(now)).collect()
}

/// Maintenance sessions with changes the customer has not reviewed yet.
pub async fn unreviewed(conn: &mut AnyConnection, app_id: &AppId) -> AppResult<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM change_sets WHERE app_id = $1 AND kind = 'maintenance' AND changes > 0 AND reviewed_at IS NULL",
    )
    .bind(app_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

/// A set with its definitions.
struct Stored {
    row: SetRow,
    before: AppSnapshot,
    after: AppSnapshot,
    ids: HashMap<String, String>,
    times: Times,
}

async fn stored(conn: &mut AnyConnection, app_id: &AppId, id: &ChangeSetId) -> AppResult<Stored> {
    let row: Option<SetRow> = sqlx::query_as(&format!(
        "SELECT {SET_COLUMNS} WHERE c.id = $1 AND c.app_id = $2"
    ))
    .bind(id)
    .bind(app_id)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let (before, after, ids, times): (String, String, String, String) = sqlx::query_as(
        "SELECT before_json, after_json, ids_json, times_json FROM change_sets WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Stored {
        row,
        before: parse(&before)?,
        after: parse(&after)?,
        ids: parse(&ids)?,
        times: parse(&times)?,
    })
}

/// Approvers and recipients are shown by name.
fn named(c: &mut Change, names: &HashMap<String, String>) {
    if !matches!(c.prop, Prop::Approvers | Prop::Recipients) {
        return;
    }
    let show = |v: &mut Option<String>| {
        if let Some(s) = v {
            let parts: Vec<String> = s
                .split(", ")
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let id = p.strip_prefix("user:").unwrap_or(p);
                    names.get(id).cloned().unwrap_or_else(|| p.to_string())
                })
                .collect();
            *s = parts.join(", ");
        }
    };
    show(&mut c.base);
    show(&mut c.mine);
    show(&mut c.new);
}

/// One change set, change by change, with where each stands now.
pub async fn view(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    id: &ChangeSetId,
    now: i64,
) -> AppResult<SetView> {
    let mut conn = db.pool.acquire().await?;
    let app_name = customer(&mut conn, ctx, app_id).await?;
    let s = stored(&mut conn, app_id, id).await?;
    let now_snap = current(&mut conn, app_id).await?;
    let org = ctx.org()?.org_id.0.clone();
    let names: HashMap<String, String> = crate::apps::queries::org_users(&mut conn, &org)
        .await?
        .into_iter()
        .map(|u| (u.id.0, u.name))
        .collect();
    // What reverting all of it would do now.
    let preview = merge::merge(
        &s.after,
        &now_snap,
        &s.before,
        Incoming::Revert,
        &Choices::new(),
    );
    let by_id: HashMap<&str, &Change> =
        preview.changes.iter().map(|c| (c.id.as_str(), c)).collect();
    let rows = diff_all(&s.before, &s.after)
        .into_iter()
        .map(|mut change| {
            let p = by_id.get(change.id.as_str());
            let standing = match p.map(|p| p.outcome) {
                Some(Outcome::Applied | Outcome::Removed | Outcome::Added | Outcome::Merged) => {
                    Standing::Restorable
                }
                Some(Outcome::Conflict | Outcome::NowYours | Outcome::StaysDeleted) => {
                    Standing::ChangedSince
                }
                _ => Standing::AsBefore,
            };
            let mut now_value = match standing {
                Standing::ChangedSince => p.and_then(|p| p.mine.clone()),
                _ => None,
            };
            named(&mut change, &names);
            if change.prop == Prop::Approvers || change.prop == Prop::Recipients {
                let mut c = Change {
                    base: now_value.take(),
                    ..change.clone()
                };
                named(&mut c, &names);
                now_value = c.base;
            }
            ChangeRow {
                at: s.times.get(&change.id).copied().unwrap_or(s.row.started_at),
                change,
                standing,
                now: now_value,
            }
        })
        .collect();
    let busy = crate::maintenance::queries::in_progress(&mut conn, app_id, now).await?;
    Ok(SetView {
        set: s.row.summary(now)?,
        app_name,
        rows,
        may_revert: !busy,
        busy,
    })
}

/// Parts of `after` that refer to a field `now` has and `after` has not
/// (a template's `{{label}}`).
fn dependents(now: &AppSnapshot, after: &AppSnapshot, in_set: &HashSet<&str>) -> Vec<Dependent> {
    let mut out = Vec::new();
    for t in &after.templates {
        let Some(form) = after.forms.get(t.form) else {
            continue;
        };
        let Some(was) = now.forms.iter().find(|f| f.key == form.key) else {
            continue;
        };
        let gone = was
            .fields
            .iter()
            .filter(|f| !form.fields.iter().any(|x| x.key == f.key));
        for f in gone {
            if t.message.contains(&format!("{{{{{}}}}}", f.label)) {
                out.push(Dependent {
                    key: t.key.clone(),
                    part: Part::Template,
                    name: t.trigger.as_str().to_string(),
                    form: Some(form.name.clone()),
                    in_set: in_set.contains(t.key.as_str()),
                });
                break;
            }
        }
    }
    out
}

/// What the customer asked to revert.
pub struct Revert<'a> {
    /// Change ids or part keys; empty: the whole set.
    pub only: &'a [String],
    /// Changes changed since whose earlier value is to be restored anyway.
    pub restore: &'a [String],
    /// Revert the parts that depend on what is removed too.
    pub with_dependents: bool,
}

/// Reverts a change set (or some of it) as a new change set, in one
/// transaction; a change made since is kept unless `restore` names it.
pub async fn revert(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    id: &ChangeSetId,
    r: &Revert<'_>,
    now: i64,
) -> AppResult<RevertOutcome> {
    let mut tx = db.begin_write().await?;
    let app_name = customer(&mut tx, ctx, app_id).await?;
    let s = stored(&mut tx, app_id, id).await?;
    // Not while a provider maintains the app or an upgrade step runs on it.
    crate::upgrades::queries::lock_app(&mut tx, app_id).await?;
    let busy = crate::maintenance::queries::in_progress(&mut tx, app_id, now).await?;
    policy::may_revert(false, busy)?;
    let now_snap = current(&mut tx, app_id).await?;
    let set_changes = diff_all(&s.before, &s.after);
    let in_set: HashSet<&str> = set_changes.iter().map(|c| c.key.as_str()).collect();
    let mut only: Option<HashSet<String>> =
        (!r.only.is_empty()).then(|| r.only.iter().cloned().collect());
    let choices: Choices = r
        .restore
        .iter()
        .map(|id| (id.clone(), Resolution::TakeNew))
        .collect();
    let mut merged;
    let mut rounds = 0;
    loop {
        merged = merge_selected(
            &s.after,
            &now_snap,
            &s.before,
            Incoming::Revert,
            &choices,
            only.as_ref(),
        );
        let deps = dependents(&now_snap, &merged.app, &in_set);
        if deps.is_empty() {
            break;
        }
        let all_in_set = deps.iter().all(|d| d.in_set);
        match (&mut only, r.with_dependents && all_in_set && rounds == 0) {
            (Some(sel), true) => sel.extend(deps.iter().map(|d| d.key.clone())),
            _ => {
                // Nothing is written: the caller is shown what depends on it.
                return Ok(RevertOutcome {
                    dependents: deps,
                    only: r.only.to_vec(),
                    restore: r.restore.to_vec(),
                    ..RevertOutcome::default()
                });
            }
        }
        rounds += 1;
    }
    let reverted = merged
        .changes
        .iter()
        .filter(|c| match c.outcome {
            Outcome::Applied | Outcome::Removed | Outcome::Added | Outcome::Merged => true,
            Outcome::Conflict => c.resolution == Some(Resolution::TakeNew),
            _ => false,
        })
        .count();
    if reverted == 0 || merged.app == now_snap {
        // Already reverted (a second click, a repeated request): nothing to do.
        return Ok(RevertOutcome::default());
    }
    let now_ids = sync::part_ids(&mut tx, app_id).await?;
    sync::sync(&mut tx, app_id, &merged.app, &HashSet::new(), &s.ids).await?;
    let result = current(&mut tx, app_id).await?;
    sqlx::query(
        "UPDATE apps SET version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(&ctx.user_id.0)
    .bind(app_id)
    .execute(&mut *tx)
    .await?;
    let org = ctx.org()?.org_id.0.clone();
    let times: Times = diff_all(&now_snap, &result)
        .into_iter()
        .map(|c| (c.id, now))
        .collect();
    let set = insert(
        &mut tx,
        NewSet {
            app_id,
            org_id: &org,
            kind: SetKind::Revert,
            session: None,
            order: None,
            reverts: Some(id.as_str()),
            author: &ctx.user_id.0,
            author_org: &org,
            at: now,
            before: &now_snap,
            after: &result,
            ids: &now_ids,
            times: &times,
        },
    )
    .await?;
    let entry = Entry {
        before: Some(json!({ "app": app_name, "change_set": id, "only": r.only })),
        after: Some(json!({ "reverted": reverted })),
        ..Entry::by_admin(&org, &ctx.user_id.0, app_id, "changes.revert", &set)
    };
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(RevertOutcome {
        reverted,
        set: Some(set),
        ..RevertOutcome::default()
    })
}

/// Marks a maintenance session reviewed (once).
pub async fn mark_reviewed(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    id: &ChangeSetId,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    customer(&mut tx, ctx, app_id).await?;
    let done = sqlx::query(
        "UPDATE change_sets SET reviewed_at = $1, reviewed_by = $2 WHERE id = $3 AND app_id = $4 AND reviewed_at IS NULL",
    )
    .bind(now)
    .bind(&ctx.user_id.0)
    .bind(id)
    .bind(app_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        stored(&mut tx, app_id, id).await?;
        return Ok(());
    }
    let org = ctx.org()?.org_id.0.clone();
    let entry = Entry::by_admin(&org, &ctx.user_id.0, app_id, "changes.reviewed", id);
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The ISV side of an order: its source app, when the caller may maintain.
async fn isv_order(conn: &mut AnyConnection, ctx: &Ctx, order_id: &OrderId) -> AppResult<AppId> {
    let org = ctx.org()?;
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT source_app_id FROM distribution_orders WHERE id = $1 AND isv_org_id = $2",
    )
    .bind(order_id)
    .bind(&org.org_id.0)
    .fetch_optional(&mut *conn)
    .await?;
    let (source,) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let source = AppId(source);
    let standing = crate::maintenance::policy::IsvStanding {
        role: Some(org.role),
        source_app_admin: is_app_admin(conn, &source, &ctx.user_id.0).await?,
        cert: org.cert,
    };
    if standing.may_maintain().is_err() {
        return Err(AppError::new(ErrorCode::MaintainerOnly));
    }
    Ok(source)
}

/// The ISV's maintenance sessions on one order, with their changes (the
/// definition only: no records).
pub async fn for_order(
    db: &Db,
    ctx: &Ctx,
    order_id: &OrderId,
    now: i64,
) -> AppResult<Vec<OrderSet>> {
    let mut conn = db.pool.acquire().await?;
    isv_order(&mut conn, ctx, order_id).await?;
    let rows: Vec<SetRow> = sqlx::query_as(&format!(
        "SELECT {SET_COLUMNS} WHERE c.order_id = $1 AND c.kind = 'maintenance' AND c.changes > 0 \
         ORDER BY c.started_at DESC, c.id DESC LIMIT 50"
    ))
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let (before, after): (String, String) =
            sqlx::query_as("SELECT before_json, after_json FROM change_sets WHERE id = $1")
                .bind(&r.id)
                .fetch_one(&mut *conn)
                .await?;
        let (before, after): (AppSnapshot, AppSnapshot) = (parse(&before)?, parse(&after)?);
        // The customer's people are not the ISV's business.
        let changes = diff_all(&before, &after)
            .into_iter()
            .filter(|c| !matches!(c.prop, Prop::Approvers | Prop::Recipients))
            .collect();
        out.push(OrderSet {
            set: r.summary(now)?,
            changes,
        });
    }
    Ok(out)
}

/// Applies what a session changed in the customer's copy to the ISV's own
/// app, with the upgrades' merge rules (its own draft's changes kept, the
/// customer's configuration left behind); returns how many changes it took.
pub async fn take_home(
    db: &Db,
    ctx: &Ctx,
    order_id: &OrderId,
    id: &ChangeSetId,
    now: i64,
) -> AppResult<usize> {
    let source = {
        let mut conn = db.pool.acquire().await?;
        isv_order(&mut conn, ctx, order_id).await?
    };
    let mut e = AppEdit::begin(db, ctx, &source, now).await?;
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT before_json, after_json FROM change_sets WHERE id = $1 AND order_id = $2 AND kind = 'maintenance'",
    )
    .bind(id)
    .bind(order_id)
    .fetch_optional(&mut *e.tx)
    .await?;
    let (before, after) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let (before, after): (AppSnapshot, AppSnapshot) = (parse(&before)?, parse(&after)?);
    let mine = current(&mut e.tx, &source).await?;
    let merged = merge::merge(&before, &mine, &after, Incoming::Published, &Choices::new());
    if merged.app == mine {
        return Ok(0);
    }
    let taken = merged
        .changes
        .iter()
        .filter(|c| {
            matches!(
                c.outcome,
                Outcome::Applied | Outcome::Removed | Outcome::Added | Outcome::Merged
            )
        })
        .count();
    sync::sync(
        &mut e.tx,
        &source,
        &merged.app,
        &merged.needing_setup(),
        &HashMap::new(),
    )
    .await?;
    e.finish(
        "app.take_fix",
        id,
        None,
        Some(json!({ "order": order_id, "changes": taken })),
    )
    .await?;
    Ok(taken)
}
