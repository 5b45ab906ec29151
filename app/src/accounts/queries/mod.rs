//! Accounts data access. Every function that acts for a user takes its `Ctx`.

use crate::accounts::*;
use crate::audit::domain::ActingAs;
use crate::audit::{self, Entry};
use crate::db::{is_unique_violation, new_id, Db};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::session::{Ctx, Membership};

pub mod invitations;
mod orgs;
pub mod throttle;

pub use orgs::*;
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
            acting_as: ActingAs::OwnAccount,
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
