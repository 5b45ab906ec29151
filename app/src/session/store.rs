//! Server-side sessions: the cookie holds a random token, the database holds
//! its hash. A new token is issued at every sign-in. A session may carry a
//! remote maintenance session, re-checked here on every request.

use crate::db::{Db, Tx};
use crate::error::AppResult;
use crate::maintenance::domain::{EndReason, Maintenance};
use crate::maintenance::policy::IsvStanding;
use crate::values::SessionId;
use sha2::{Digest, Sha256};

pub const COOKIE: &str = "fenfa_session";
/// With `--secure-cookies`: the `__Host-` prefix makes browsers refuse the
/// cookie unless it is Secure, for this exact host and for every path, so a
/// sibling subdomain or plain-HTTP page cannot plant or shadow it.
pub const SECURE_COOKIE: &str = "__Host-fenfa_session";

/// The session cookie's name for this deployment.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}
/// A session unused for this long is over.
pub const IDLE_MS: i64 = 7 * 24 * 3600 * 1000;
/// No session lives longer than this, however active.
pub const ABSOLUTE_MS: i64 = 30 * 24 * 3600 * 1000;
/// Last-seen is written at most this often, to keep reads cheap.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Creates a session and returns the token for the cookie.
pub async fn create(
    tx: &mut Tx,
    user_id: &str,
    current_org: Option<&str>,
    now: i64,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query("INSERT INTO sessions (id_hash, user_id, current_org, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(hash_token(&token))
        .bind(user_id)
        .bind(current_org)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(token)
}

pub struct SessionRow {
    pub id_hash: String,
    pub user_id: String,
    pub current_org: Option<String>,
    /// Set while the user maintains a customer's app.
    pub maintenance_id: Option<String>,
    pub email: String,
    pub display_name: String,
    pub is_operator: bool,
    pub must_change_password: bool,
    pub email_verified: bool,
    /// The current organization as (name, role, certification) when the user
    /// is still a member of it.
    pub membership: Option<(String, String, String)>,
    /// The current organization's time zone.
    pub org_time_zone: Option<String>,
}

/// The live session behind a token, if any; expired ones are deleted.
/// One statement reads the session, its user and the membership in the
/// current organization: every request starts here.
pub async fn resolve(db: &Db, token: &str, now: i64) -> Result<Option<SessionRow>, sqlx::Error> {
    let id_hash = hash_token(token);
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: String,
        current_org: Option<String>,
        created_at: i64,
        last_seen_at: i64,
        maintenance_id: Option<String>,
        email: String,
        display_name: String,
        is_operator: i64,
        must_change_password: i64,
        email_verified_at: Option<i64>,
        org_name: Option<String>,
        role: Option<String>,
        cert_level: Option<String>,
        time_zone: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.user_id, s.current_org, s.created_at, s.last_seen_at, s.maintenance_id, \
                u.email, u.display_name, u.is_operator, u.must_change_password, u.email_verified_at, o.name AS org_name, m.role, o.cert_level, o.time_zone \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN memberships m ON m.user_id = s.user_id AND m.org_id = s.current_org \
         LEFT JOIN organizations o ON o.id = m.org_id \
         WHERE s.id_hash = $1",
    )
    .bind(&id_hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    if now - r.last_seen_at > IDLE_MS || now - r.created_at > ABSOLUTE_MS {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&id_hash)
            .execute(&db.pool)
            .await?;
        return Ok(None);
    }
    if now - r.last_seen_at > TOUCH_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(&id_hash)
            .execute(&db.pool)
            .await?;
    }
    let membership = match (r.org_name, r.role, r.cert_level) {
        (Some(name), Some(role), Some(cert)) => Some((name, role, cert)),
        _ => None,
    };
    Ok(Some(SessionRow {
        id_hash,
        maintenance_id: r.maintenance_id,
        user_id: r.user_id,
        current_org: r.current_org,
        email: r.email,
        display_name: r.display_name,
        is_operator: r.is_operator != 0,
        must_change_password: r.must_change_password != 0,
        email_verified: r.email_verified_at.is_some(),
        membership,
        org_time_zone: r.time_zone,
    }))
}

pub async fn delete(db: &Db, id_hash: &SessionId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_current_org(db: &Db, id_hash: &SessionId, org: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET current_org = $1 WHERE id_hash = $2")
        .bind(org)
        .bind(id_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The `Set-Cookie` value for a session token; an empty token clears it.
pub fn cookie_header(token: &str, secure: bool) -> String {
    let max_age = if token.is_empty() {
        0
    } else {
        ABSOLUTE_MS / 1000
    };
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

#[derive(sqlx::FromRow)]
struct MaintenanceRow {
    id: String,
    order_id: String,
    order_no: String,
    app_id: String,
    app_name: String,
    customer_org_id: String,
    customer_name: String,
    customer_time_zone: String,
    isv_org_id: String,
    isv_name: String,
    started_at: i64,
    ended_at: Option<i64>,
    end_reason: Option<String>,
    open_until: Option<i64>,
    data_access: Option<i64>,
    isv_role: Option<String>,
    source_app_admin: i64,
    isv_cert: String,
}

/// The ISV side's standing, from a row's role, app-admin flag and certification.
fn standing(role: Option<&str>, source_app_admin: bool, cert: &str) -> IsvStanding {
    IsvStanding {
        role: role.and_then(|r| crate::accounts::Role::parse(r).ok()),
        source_app_admin,
        cert: crate::accounts::CertLevel::parse(cert).unwrap_or(crate::accounts::CertLevel::None),
    }
}

/// The live maintenance session behind `id`, or why it is over. An ending
/// discovered here is recorded, so it takes effect on this very request.
/// The ISV side is re-checked every time: a user removed from the ISV, no
/// longer its admin or the source app's app admin, or an ISV that lost its
/// certification, maintains nothing from the next request on.
pub async fn maintenance(db: &Db, id: &str, now: i64) -> AppResult<Result<Maintenance, EndReason>> {
    let row: Option<MaintenanceRow> = sqlx::query_as(
        "SELECT s.id, s.order_id, o.order_no, s.app_id, a.name AS app_name, s.customer_org_id, c.name AS customer_name, c.time_zone AS customer_time_zone, \
                s.isv_org_id, i.name AS isv_name, s.started_at, s.ended_at, s.end_reason, g.open_until, g.data_access, \
                m.role AS isv_role, \
                (SELECT COUNT(*) FROM app_admins aa WHERE aa.app_id = o.source_app_id AND aa.user_id = s.isv_user_id) AS source_app_admin, \
                i.cert_level AS isv_cert \
         FROM maintenance_sessions s JOIN distribution_orders o ON o.id = s.order_id \
         JOIN apps a ON a.id = s.app_id JOIN organizations c ON c.id = s.customer_org_id \
         JOIN organizations i ON i.id = s.isv_org_id LEFT JOIN maintenance_grants g ON g.app_id = s.app_id \
         LEFT JOIN memberships m ON m.org_id = s.isv_org_id AND m.user_id = s.isv_user_id \
         WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else {
        return Ok(Err(EndReason::AccessClosed));
    };
    if r.ended_at.is_some() {
        return Ok(Err(EndReason::parse(r.end_reason.as_deref().unwrap_or(""))));
    }
    let isv = standing(r.isv_role.as_deref(), r.source_app_admin > 0, &r.isv_cert);
    if let Some(reason) =
        crate::maintenance::policy::end_reason(r.open_until, r.started_at, &isv, now)
    {
        let mut tx = db.begin_write().await?;
        end_maintenance(&mut tx, "id", &r.id, reason, now).await?;
        tx.commit().await?;
        return Ok(Err(reason));
    }
    Ok(Ok(Maintenance {
        id: r.id.into(),
        order_id: r.order_id.into(),
        order_no: r.order_no,
        app_id: r.app_id.into(),
        app_name: r.app_name,
        customer_org_id: r.customer_org_id,
        customer_name: r.customer_name,
        customer_time_zone: r.customer_time_zone,
        isv_org_id: r.isv_org_id,
        isv_name: r.isv_name,
        started_at: r.started_at,
        data_access: r.data_access.unwrap_or(0) != 0,
    }))
}

/// Ends the open maintenance sessions matching `column = value` (`id` or `app_id`).
pub async fn end_maintenance(
    tx: &mut Tx,
    column: &str,
    value: &str,
    reason: EndReason,
    now: i64,
) -> Result<(), sqlx::Error> {
    let column = if column == "id" { "id" } else { "app_id" };
    sqlx::query(&format!("UPDATE maintenance_sessions SET ended_at = $1, end_reason = $2 WHERE {column} = $3 AND ended_at IS NULL"))
        .bind(now)
        .bind(reason.as_str())
        .bind(value)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
