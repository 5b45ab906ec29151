//! Slows down and then refuses repeated sign-in (and sign-up) attempts, per
//! account and per client address. Counts live in the database so every
//! instance sees them.
//!
//! Every attempt is counted *before* the password is checked, in one
//! statement that both decides and counts, so parallel guesses are throttled
//! exactly like sequential ones. A successful sign-in takes its own count
//! back. A streak lasts while attempts come within [`STREAK_MS`] of the
//! previous one. From `slow_after` counted attempts on, the next must wait
//! twice as long as the one before (1 s, 2 s, 4 s … at most a minute); from
//! `lock_after` on, it is refused for [`STREAK_MS`]. A refused attempt is
//! answered before any password check and is not counted.

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
/// One address: several people may share it (an office behind one router,
/// everyone behind an untrusted proxy), so it slows down but never locks.
pub const ADDRESS: Limits = Limits {
    slow_after: 10,
    lock_after: i64::MAX,
};
/// New accounts from one address: a few are normal (colleagues signing up).
pub const SIGN_UP: Limits = Limits {
    slow_after: 5,
    lock_after: i64::MAX,
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

/// `wait_ms` as SQL over the stored count (our constants only, no input).
fn wait_sql(limits: Limits) -> String {
    let f = "sign_in_failures.failures";
    let mut sql = format!("CASE WHEN {f} < {} THEN 0", limits.slow_after);
    if limits.lock_after != i64::MAX {
        sql.push_str(&format!(
            " WHEN {f} >= {} THEN {STREAK_MS}",
            limits.lock_after
        ));
    }
    let mut n = limits.slow_after;
    while let Some(w) = wait_ms(limits, n).filter(|w| *w < MAX_WAIT_MS && n < limits.lock_after) {
        sql.push_str(&format!(" WHEN {f} = {n} THEN {w}"));
        n += 1;
    }
    sql.push_str(&format!(" ELSE {MAX_WAIT_MS} END"));
    sql
}

/// An account's key, whatever the case and spacing the email was typed in.
fn account_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

/// The keys a sign-in counts against: the account, and the address if known.
pub fn keys(email: &str, addr: Option<std::net::IpAddr>) -> Vec<(String, Limits)> {
    let mut k = vec![(account_key(email), ACCOUNT)];
    if let Some(a) = addr {
        k.push((format!("addr:{a}"), ADDRESS));
    }
    k
}

/// The keys a sign-up counts against: the address (and the address typed).
pub fn sign_up_keys(email: &str, addr: Option<std::net::IpAddr>) -> Vec<(String, Limits)> {
    let mut k = vec![(
        format!("signup-email:{}", email.trim().to_lowercase()),
        ACCOUNT,
    )];
    if let Some(a) = addr {
        k.push((format!("signup-addr:{a}"), SIGN_UP));
    }
    k
}

/// Counts one attempt against every key, or refuses it (`SignInLocked` once
/// locked, else `slow_down`) without counting it anywhere.
pub async fn attempt(
    db: &Db,
    keys: &[(String, Limits)],
    slow_down: ErrorCode,
    now: i64,
) -> AppResult<()> {
    // Forget finished streaks, so guessing at random emails cannot grow the table.
    sqlx::query("DELETE FROM sign_in_failures WHERE last_at <= $1")
        .bind(now - STREAK_MS)
        .execute(&db.pool)
        .await?;
    for (i, (key, limits)) in keys.iter().enumerate() {
        // One statement: a row lock (PostgreSQL) or the single writer
        // (SQLite) orders parallel attempts; each sees the ones before it.
        let wait = wait_sql(*limits);
        let sql = format!(
            "INSERT INTO sign_in_failures (key, failures, last_at, refused) VALUES ($1, 1, $2, 0) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN sign_in_failures.last_at <= $3 THEN 1 \
                             WHEN $2 < sign_in_failures.last_at + ({wait}) THEN sign_in_failures.failures \
                             ELSE sign_in_failures.failures + 1 END, \
             last_at = CASE WHEN sign_in_failures.last_at <= $3 THEN $2 \
                            WHEN $2 < sign_in_failures.last_at + ({wait}) THEN sign_in_failures.last_at \
                            ELSE $2 END, \
             refused = CASE WHEN sign_in_failures.last_at <= $3 THEN 0 \
                            WHEN $2 < sign_in_failures.last_at + ({wait}) THEN 1 ELSE 0 END \
             RETURNING failures, refused"
        );
        let (failures, refused): (i64, i64) = sqlx::query_as(&sql)
            .bind(key)
            .bind(now)
            .bind(now - STREAK_MS)
            .fetch_one(&db.pool)
            .await?;
        if refused != 0 {
            // Not attempted after all: the keys already counted take it back.
            for (earlier, _) in &keys[..i] {
                take_back(db, earlier).await?;
            }
            return Err(AppError::new(if failures >= limits.lock_after {
                ErrorCode::SignInLocked
            } else {
                slow_down
            }));
        }
    }
    Ok(())
}

/// Takes one counted attempt back (the row goes when nothing is left).
async fn take_back(db: &Db, key: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE key = $1 AND failures <= 1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    sqlx::query("UPDATE sign_in_failures SET failures = failures - 1 WHERE key = $1")
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A successful sign-in clears the account's streak, and takes back its own
/// count at the address (not the address's other failures: one good
/// password must not reset guessing at others from there).
pub async fn succeeded(db: &Db, keys: &[(String, Limits)]) -> AppResult<()> {
    for (i, (key, _)) in keys.iter().enumerate() {
        if i == 0 {
            sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
                .bind(key)
                .execute(&db.pool)
                .await?;
        } else {
            take_back(db, key).await?;
        }
    }
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
    fn an_address_slows_down_but_never_locks() {
        assert_eq!(wait_ms(ADDRESS, 9), None);
        assert_eq!(wait_ms(ADDRESS, 10), Some(1000));
        assert_eq!(wait_ms(ADDRESS, 1_000_000), Some(MAX_WAIT_MS));
    }

    #[test]
    fn the_sql_wait_matches_the_rule() {
        let sql = wait_sql(ACCOUNT);
        for n in 3..9 {
            assert!(
                sql.contains(&format!("= {n} THEN {}", wait_ms(ACCOUNT, n).unwrap())),
                "{sql}"
            );
        }
        assert!(sql.contains(&format!(">= 10 THEN {STREAK_MS}")), "{sql}");
        assert!(!wait_sql(ADDRESS).contains(&STREAK_MS.to_string()));
    }

    #[test]
    fn accounts_are_keyed_case_insensitively_and_addresses_when_known() {
        let k = keys(" Ann@X.example ", Some("10.0.0.1".parse().unwrap()));
        assert_eq!(k[0].0, "email:ann@x.example");
        assert_eq!(k[1].0, "addr:10.0.0.1");
        assert_eq!(keys("a@b.c", None).len(), 1);
    }
}
