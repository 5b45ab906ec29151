//! Organizations and their members: creating, listing, roles, certification.

use super::*;
use crate::orders::search;

pub async fn membership(db: &Db, user_id: &str, org_id: &str) -> AppResult<Option<Membership>> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.name, m.role, o.cert_level FROM memberships m JOIN organizations o ON o.id = m.org_id \
         WHERE m.user_id = $1 AND m.org_id = $2",
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(id, name, role, cert)| Membership::from_row(id, name, &role, &cert))
        .transpose()
}

pub async fn orgs_of(db: &Db, user_id: &UserId) -> AppResult<Vec<OrgView>> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.name, m.role, o.cert_level FROM memberships m JOIN organizations o ON o.id = m.org_id \
         WHERE m.user_id = $1 ORDER BY o.name, o.id",
    )
    .bind(&user_id.0)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, name, role, cert)| {
            Ok(OrgView {
                id: OrgId(id),
                name,
                role: Role::parse(&role)?,
                cert: CertLevel::parse(&cert)?,
            })
        })
        .collect()
}

/// A first organization to land in after sign-in.
pub async fn default_org(db: &Db, user_id: &UserId) -> AppResult<Option<String>> {
    Ok(orgs_of(db, user_id)
        .await?
        .into_iter()
        .next()
        .map(|o| o.id.0))
}

pub async fn create_org(
    db: &Db,
    ctx: &Ctx,
    name: &OrgName,
    time_zone: &str,
    now: i64,
) -> AppResult<OrgId> {
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO organizations (id, name, cert_level, created_at, time_zone) VALUES ($1, $2, 'none', $3, $4)",
    )
    .bind(&id)
    .bind(name.as_str())
    .bind(now)
    .bind(time_zone)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'admin', $3)",
    )
    .bind(&id)
    .bind(&ctx.user_id.0)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            org_id: &id,
            actor_user_id: &ctx.user_id.0,
            acting_as: ActingAs::Admin,
            actor_org_id: None,
            app_id: None,
            action: "org.create",
            target: &id,
            before: None,
            after: Some(json!({ "name": name.as_str(), "time_zone": time_zone })),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(OrgId(id))
}

pub async fn members(db: &Db, ctx: &Ctx) -> AppResult<Vec<MemberView>> {
    let org = ctx.org()?;
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 ORDER BY m.role, u.display_name, u.email",
    )
    .bind(&org.org_id.0)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, email, display_name, role)| {
            Ok(MemberView {
                user_id: UserId(id),
                email,
                display_name,
                role: Role::parse(&role)?,
            })
        })
        .collect()
}

pub(super) fn member_entry<'a>(
    ctx: &'a Ctx,
    org: &'a str,
    action: &'a str,
    target: &'a str,
) -> Entry<'a> {
    Entry {
        org_id: org,
        actor_user_id: &ctx.user_id.0,
        acting_as: ActingAs::Admin,
        actor_org_id: None,
        app_id: None,
        action,
        target,
        before: None,
        after: None,
    }
}

/// The member's current role in the caller's organization, inside `tx`.
async fn role_in(tx: &mut crate::db::Tx, org: &str, user_id: &str) -> AppResult<Role> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (role,) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Role::parse(&role)
}

async fn admin_count(tx: &mut crate::db::Tx, org: &str) -> AppResult<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'")
            .bind(org)
            .fetch_one(&mut **tx)
            .await?;
    Ok(n)
}

pub async fn change_role(
    db: &Db,
    ctx: &Ctx,
    user_id: &UserId,
    role: Role,
    now: i64,
) -> AppResult<()> {
    let org = ctx.org_admin()?.org_id.0.clone();
    let mut tx = db.begin_write().await?;
    let before = role_in(&mut tx, &org, &user_id.0).await?;
    if before == role {
        return Ok(());
    }
    // Checked inside the write transaction, so two demotions cannot both pass.
    super::policy::may_stop_being_admin(before, admin_count(&mut tx, &org).await?)?;
    sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(&org)
        .bind(&user_id.0)
        .execute(&mut *tx)
        .await?;
    let mut entry = member_entry(ctx, &org, "member.role", &user_id.0);
    entry.before = Some(json!({ "role": before.as_str() }));
    entry.after = Some(json!({ "role": role.as_str() }));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_member(db: &Db, ctx: &Ctx, user_id: &UserId, now: i64) -> AppResult<()> {
    let org = ctx.org_admin()?.org_id.0.clone();
    let mut tx = db.begin_write().await?;
    let before = role_in(&mut tx, &org, &user_id.0).await?;
    super::policy::may_stop_being_admin(before, admin_count(&mut tx, &org).await?)?;
    sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(&org)
        .bind(&user_id.0)
        .execute(&mut *tx)
        .await?;
    let mut entry = member_entry(ctx, &org, "member.remove", &user_id.0);
    entry.before = Some(json!({ "role": before.as_str() }));
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn all_orgs(db: &Db, ctx: &Ctx) -> AppResult<Vec<OrgCertView>> {
    ctx.operator()?;
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT o.id, o.name, o.cert_level, (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) \
         FROM organizations o ORDER BY o.name, o.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, name, cert, members)| {
            Ok(OrgCertView {
                id: OrgId(id),
                name,
                cert: CertLevel::parse(&cert)?,
                members,
            })
        })
        .collect()
}

pub async fn set_certification(
    db: &Db,
    ctx: &Ctx,
    org: &OrgId,
    level: CertLevel,
    now: i64,
) -> AppResult<()> {
    ctx.operator()?;
    let mut tx = db.begin_write().await?;
    let row: Option<(String,)> =
        sqlx::query_as("SELECT cert_level FROM organizations WHERE id = $1")
            .bind(&org.0)
            .fetch_optional(&mut *tx)
            .await?;
    let (before,) = row.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    sqlx::query("UPDATE organizations SET cert_level = $1 WHERE id = $2")
        .bind(level.as_str())
        .bind(&org.0)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Entry {
            org_id: &org.0,
            actor_user_id: &ctx.user_id.0,
            acting_as: ActingAs::PlatformOperator,
            actor_org_id: None,
            app_id: None,
            action: "org.certification",
            target: &org.0,
            before: Some(json!({ "cert_level": before })),
            after: Some(json!({ "cert_level": level.as_str() })),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Renames the current organization (its admins), audited with before and
/// after; the search text of the orders it bought changes with it.
pub async fn rename_org(db: &Db, ctx: &Ctx, name: &OrgName, now: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    if let Some(org) = set_setting(&mut tx, ctx, Setting::Name, name.as_str(), now).await? {
        search::index(&mut tx, search::Orders::OfCustomer(&org)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Changes the current organization's time zone (its admins; `time_zone`
/// already checked), audited with before and after.
pub async fn set_time_zone(db: &Db, ctx: &Ctx, time_zone: &str, now: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    set_setting(&mut tx, ctx, Setting::TimeZone, time_zone, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A text setting of an organization its admins change.
#[derive(Clone, Copy)]
enum Setting {
    Name,
    TimeZone,
}

impl Setting {
    /// (column, audit action)
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Setting::Name => ("name", "org.rename"),
            Setting::TimeZone => ("time_zone", "org.time_zone"),
        }
    }
}

/// Sets `setting` of the caller's current organization (its admins) and
/// audits before and after, in `tx`; the organization when it changed.
async fn set_setting(
    tx: &mut crate::db::Tx,
    ctx: &Ctx,
    setting: Setting,
    value: &str,
    now: i64,
) -> AppResult<Option<String>> {
    let org = ctx.org_admin()?.org_id.0.clone();
    let (column, action) = setting.names();
    let (before,): (String,) =
        sqlx::query_as(&format!("SELECT {column} FROM organizations WHERE id = $1"))
            .bind(&org)
            .fetch_one(&mut **tx)
            .await?;
    if before == value {
        return Ok(None);
    }
    sqlx::query(&format!(
        "UPDATE organizations SET {column} = $1 WHERE id = $2"
    ))
    .bind(value)
    .bind(&org)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        Entry {
            org_id: &org,
            actor_user_id: &ctx.user_id.0,
            acting_as: ActingAs::Admin,
            actor_org_id: None,
            app_id: None,
            action,
            target: &org,
            before: Some(json!({ column: before })),
            after: Some(json!({ column: value })),
        },
        now,
    )
    .await?;
    Ok(Some(org))
}
