//! Server-side sessions: the cookie holds a random token, the database holds
//! its hash. A new token is issued at every sign-in.

use crate::db::{Db, Tx};
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
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.user_id, s.current_org, s.created_at, s.last_seen_at, s.maintenance_id, \
                u.email, u.display_name, u.is_operator, u.must_change_password, u.email_verified_at, o.name AS org_name, m.role, o.cert_level \
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
    }))
}

pub async fn delete(db: &Db, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_current_org(db: &Db, id_hash: &str, org: &str) -> Result<(), sqlx::Error> {
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

/// One cookie's value from the request headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}
