//! Slows down and then refuses repeated failed sign-ins, per account and per
//! client address. Counts live in the database so every instance sees them.
//!
//! A streak of failures lasts while each comes within [`STREAK_MS`] of the
//! previous one. From `slow_after` failures on, each further attempt must wait
//! twice as long as the one before (1 s, 2 s, 4 s … at most a minute); from
//! `lock_after` on, sign-in is refused for [`STREAK_MS`] after the last failure.
//! A refused attempt is answered before any password check and is not counted.

use crate::db::Db;
use crate::error::{AppError, AppResult, ErrorCode};

/// How long a failure is remembered, and how long a lock lasts.
pub const STREAK_MS: i64 = 15 * 60 * 1000;
const MAX_WAIT_MS: i64 = 60 * 1000;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub slow_after: i64,
    pub lock_after: i64,
}

/// One account: a person mistyping gets three free tries.
pub const ACCOUNT: Limits = Limits {
    slow_after: 3,
    lock_after: 10,
};
/// One address: several people may share it (an office behind one router).
pub const ADDRESS: Limits = Limits {
    slow_after: 10,
    lock_after: 50,
};

/// The wait before the next attempt after `failures` in a streak, if any.
pub fn wait_ms(limits: Limits, failures: i64) -> Option<i64> {
    if failures >= limits.lock_after {
        Some(STREAK_MS)
    } else if failures >= limits.slow_after {
        let doublings = (failures - limits.slow_after).min(16) as u32;
        Some((1000i64 << doublings).min(MAX_WAIT_MS))
    } else {
        None
    }
}

/// An account's key, whatever the case and spacing the email was typed in.
fn account_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

/// The keys an attempt counts against: the account, and the address if known.
pub fn keys(email: &str, addr: Option<std::net::IpAddr>) -> Vec<(String, Limits)> {
    let mut k = vec![(account_key(email), ACCOUNT)];
    if let Some(a) = addr {
        k.push((format!("addr:{a}"), ADDRESS));
    }
    k
}

/// Refuses the attempt if any key is still waiting: `SignInLocked` once
/// locked, `SignInSlowDown` while slowed.
pub async fn check(db: &Db, keys: &[(String, Limits)], now: i64) -> AppResult<()> {
    for (key, limits) in keys {
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT failures, last_at FROM sign_in_failures WHERE key = $1")
                .bind(key)
                .fetch_optional(&db.pool)
                .await?;
        let Some((failures, last_at)) = row else {
            continue;
        };
        if now - last_at >= STREAK_MS {
            continue;
        }
        if let Some(wait) = wait_ms(*limits, failures) {
            if now < last_at + wait {
                return Err(AppError::new(if failures >= limits.lock_after {
                    ErrorCode::SignInLocked
                } else {
                    ErrorCode::SignInSlowDown
                }));
            }
        }
    }
    Ok(())
}

/// Counts a failed attempt against every key (a streak restarts after a pause).
pub async fn failed(db: &Db, keys: &[(String, Limits)], now: i64) -> AppResult<()> {
    // Forget finished streaks, so guessing at random emails cannot grow the table.
    sqlx::query("DELETE FROM sign_in_failures WHERE last_at <= $1")
        .bind(now - STREAK_MS)
        .execute(&db.pool)
        .await?;
    for (key, _) in keys {
        sqlx::query(
            "INSERT INTO sign_in_failures (key, failures, last_at) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN sign_in_failures.last_at <= $3 THEN 1 ELSE sign_in_failures.failures + 1 END, \
             last_at = $2",
        )
        .bind(key)
        .bind(now)
        .bind(now - STREAK_MS)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// A successful sign-in clears the account's streak (not the address's:
/// one good password must not reset guessing at others from there).
pub async fn succeeded(db: &Db, email: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
        .bind(account_key(email))
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_then_lock() {
        let w: Vec<Option<i64>> = (0..12).map(|n| wait_ms(ACCOUNT, n)).collect();
        assert_eq!(&w[..3], &[None, None, None]);
        assert_eq!(
            &w[3..10],
            &[
                Some(1000),
                Some(2000),
                Some(4000),
                Some(8000),
                Some(16000),
                Some(32000),
                Some(60000)
            ]
        );
        assert_eq!(w[10], Some(STREAK_MS));
        assert_eq!(w[11], Some(STREAK_MS));
    }

    #[test]
    fn accounts_are_keyed_case_insensitively_and_addresses_when_known() {
        let k = keys(" Ann@X.example ", Some("10.0.0.1".parse().unwrap()));
        assert_eq!(k[0].0, "email:ann@x.example");
        assert_eq!(k[1].0, "addr:10.0.0.1");
        assert_eq!(keys("a@b.c", None).len(), 1);
    }
}
