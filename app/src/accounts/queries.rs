//! Accounts data access. Every function that acts for a user takes its `Ctx`.

use super::ctx::{Ctx, Membership};
use super::*;
use crate::audit::{self, Entry};
use crate::db::{is_unique_violation, new_id, Db};
use crate::error::{AppError, AppResult, ErrorCode};
use serde_json::json;

/// Password hashes computed at once are bounded: an Argon2 check holds
/// about 19 MiB, and a burst of sign-ins must not queue memory without end.
/// At most `running` run, at most `waiting` wait for a turn; anyone beyond
/// is told at once that the server is busy.
pub struct HashTurns {
    running: tokio::sync::Semaphore,
    waiting: tokio::sync::Semaphore,
}

impl HashTurns {
    pub fn new(running: usize, waiting: usize) -> HashTurns {
        HashTurns {
            running: tokio::sync::Semaphore::new(running),
            waiting: tokio::sync::Semaphore::new(waiting),
        }
    }

    /// Runs `work` (blocking) in its turn, or answers `ServerBusy` at once.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let queued = self
            .waiting
            .try_acquire()
            .map_err(|_| AppError::new(ErrorCode::ServerBusy))?;
        let turn = self.running.acquire().await.map_err(AppError::internal)?;
        drop(queued);
        let out = tokio::task::spawn_blocking(work)
            .await
            .map_err(AppError::internal);
        drop(turn);
        out
    }
}

/// This process's turns: one hash per core (at least two) and a short queue.
static HASHING: std::sync::LazyLock<HashTurns> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    HashTurns::new(cores.max(2), 16 * cores.max(2))
});

pub async fn hash_password(password: String) -> AppResult<String> {
    HASHING
        .run(move || {
            use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
            let salt = SaltString::generate(&mut OsRng);
            argon2::Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
        .map_err(AppError::internal)
}

pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    HASHING
        .run(move || {
            use argon2::password_hash::{PasswordHash, PasswordVerifier};
            let parsed = PasswordHash::new(&hash)?;
            Ok::<bool, argon2::password_hash::Error>(
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok(),
            )
        })
        .await?
        .map_err(AppError::internal)
}

/// A valid hash of nothing in particular: checked when the email is unknown so
/// that both failures take the same time.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$mGuVpmwKkBrzqD8Ue6JQ1RgNp4fOq9gEc0EHuCTQZWg";

pub async fn create_user(
    db: &Db,
    email: &Email,
    name: &DisplayName,
    password: &NewPassword,
    now: i64,
) -> AppResult<UserId> {
    insert_user(db, email, name.as_str(), password.as_str(), false, now).await
}

/// `fenfa-server create-operator`: the first platform operator of a real
/// deployment. The password is a one-time password: the operator must choose
/// a new one at the first sign-in. The address is the installer's word, so
/// it counts as verified. An existing account is never promoted (its owner
/// may be whoever registered the address first).
pub async fn create_operator(
    db: &Db,
    email: &Email,
    one_time_password: &str,
    now: i64,
) -> AppResult<UserId> {
    insert_user(db, email, "Platform operator", one_time_password, true, now).await
}

/// A new account; `operator`: a platform operator with a one-time password
/// and the installer's (verified) address.
async fn insert_user(
    db: &Db,
    email: &Email,
    name: &str,
    password: &str,
    operator: bool,
    now: i64,
) -> AppResult<UserId> {
    let hash = hash_password(password.to_string()).await?;
    let id = new_id();
    let res = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, is_operator, created_at, must_change_password, email_verified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $5, $7)",
    )
    .bind(&id)
    .bind(email.as_str())
    .bind(name)
    .bind(hash)
    .bind(operator as i64)
    .bind(now)
    .bind(operator.then_some(now))
    .execute(&db.pool)
    .await;
    match res {
        Ok(_) => Ok(UserId(id)),
        Err(e) if is_unique_violation(&e) => Err(AppError::new(ErrorCode::EmailTaken)),
        Err(e) => Err(AppError::internal(e)),
    }
}

/// A random one-time password: 20 characters from an alphabet without
/// look-alikes (about 115 bits).
pub fn one_time_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Stores a new password hash and ends every session of the user but `keep`;
/// the user's organizations' audit logs record it.
pub async fn set_password(
    db: &Db,
    user: &UserId,
    password: &NewPassword,
    keep: &str,
    now: i64,
) -> AppResult<()> {
    let hash = hash_password(password.as_str().to_string()).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(hash)
        .bind(&user.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(&user.0)
        .bind(keep)
        .execute(&mut *tx)
        .await?;
    security_entries(
        &mut tx,
        &user.0,
        "security.password_changed",
        json!({ "other_sessions": "ended" }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A security event of a user (a failed sign-in, a password change), in the
/// audit log of every organization the user belongs to, so its admins see it.
pub async fn record_security_event(
    db: &Db,
    user_id: &str,
    action: &str,
    detail: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    security_entries(&mut tx, user_id, action, detail, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The entries of a security event, inside the change's own transaction.
async fn security_entries(
    tx: &mut crate::db::Tx,
    user_id: &str,
    action: &str,
    detail: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    let orgs: Vec<(String,)> = sqlx::query_as("SELECT org_id FROM memberships WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&mut **tx)
        .await?;
    for (org,) in &orgs {
        let entry = Entry {
            org_id: org,
            actor_user_id: user_id,
            acting_as: "self",
            actor_org_id: None,
            app_id: None,
            action,
            target: user_id,
            before: None,
            after: Some(detail.clone()),
        };
        audit::record(tx, entry, now).await?;
    }
    Ok(())
}

/// The id of the account with this address, if any.
pub async fn user_by_email(db: &Db, email: &str) -> AppResult<Option<String>> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The user behind these credentials; one error whichever part was wrong.
pub async fn check_credentials(db: &Db, email: &str, password: &str) -> AppResult<UserId> {
    let row: Option<(String, String)> = match Email::parse(email) {
        Ok(e) => {
            sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                .bind(e.as_str())
                .fetch_optional(&db.pool)
                .await?
        }
        Err(_) => None,
    };
    let (id, hash) = match row {
        Some((id, hash)) => (Some(id), hash),
        None => (None, DUMMY_HASH.to_string()),
    };
    let ok = verify_password(password.to_string(), hash).await?;
    match (id, ok) {
        (Some(id), true) => Ok(UserId(id)),
        _ => Err(AppError::new(ErrorCode::BadCredentials)),
    }
}

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

pub async fn create_org(db: &Db, ctx: &Ctx, name: &OrgName, now: i64) -> AppResult<OrgId> {
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO organizations (id, name, cert_level, created_at) VALUES ($1, $2, 'none', $3)",
    )
    .bind(&id)
    .bind(name.as_str())
    .bind(now)
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
            acting_as: "admin",
            actor_org_id: None,
            app_id: None,
            action: "org.create",
            target: &id,
            before: None,
            after: Some(json!({ "name": name.as_str() })),
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
        acting_as: "admin",
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
    if before == Role::Admin && admin_count(&mut tx, &org).await? <= 1 {
        return Err(AppError::new(ErrorCode::LastAdmin));
    }
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
    if before == Role::Admin && admin_count(&mut tx, &org).await? <= 1 {
        return Err(AppError::new(ErrorCode::LastAdmin));
    }
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
            acting_as: "platform_operator",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashing_turns_are_bounded_and_the_overflow_is_told_at_once() {
        let turns = std::sync::Arc::new(HashTurns::new(1, 1));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = tokio::sync::oneshot::channel::<()>();
        // One job runs and holds its turn until released.
        let t = turns.clone();
        let running = tokio::spawn(async move {
            t.run(move || {
                let _ = started_tx.send(());
                held.recv().ok();
            })
            .await
        });
        started.await.unwrap();
        // One more may wait…
        let t = turns.clone();
        let queued = tokio::spawn(async move { t.run(|| 2).await });
        while turns.waiting.available_permits() != 0 {
            tokio::task::yield_now().await;
        }
        // …the next is refused without waiting.
        let refused = turns.run(|| 3).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::ServerBusy);
        release.send(()).unwrap();
        running.await.unwrap().unwrap();
        assert_eq!(queued.await.unwrap().unwrap(), 2);
        // Turns are given back: work runs again.
        assert_eq!(turns.run(|| 4).await.unwrap(), 4);
    }
}
