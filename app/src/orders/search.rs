//! Order search: every order has one line of searchable text (customer,
//! app, buyer name and email, link creator, order number), lowercased here
//! so both backends compare the same characters, and kept in the same
//! transaction as what it is made of. The index over it is the backend's
//! (`migrations/<backend>/order_search.sql`): SQLite FTS5 trigrams,
//! PostgreSQL pg_trgm.
//!
//! A term the index finds rarely (three characters or more) is read from its
//! hits. Otherwise a search reads the newest [`WINDOW`] orders first: a
//! common term fills a page there at once. Otherwise the index answers; a
//! shorter term reads on, newest first, until the page is full.

use crate::db::{Backend, Db};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::values::OrderId;

/// How many of the newest orders a search reads before it asks the index.
pub const WINDOW: i64 = 2_000;
/// The shortest term the trigram indexes serve.
pub const INDEXED_FROM: usize = 3;
/// The longest search accepted, in characters.
pub const MAX_QUERY: usize = 100;

/// What a user typed, as it is compared: trimmed and lowercased; `None`
/// when there is nothing to search for.
pub fn term(q: &str) -> AppResult<Option<String>> {
    let q = q.trim().to_lowercase();
    // Nothing searched contains control characters (and SQLite's index
    // refuses NUL).
    if q.chars().count() > MAX_QUERY || q.chars().any(char::is_control) {
        return Err(AppError::new(ErrorCode::InvalidInput));
    }
    Ok((!q.is_empty()).then_some(q))
}

/// The text one order is found by.
pub fn text(parts: &[&str]) -> String {
    parts.join("\n").to_lowercase()
}

/// Which orders' text to write again.
pub enum Orders<'a> {
    One(&'a OrderId),
    /// A customer organization's (its name changed).
    OfCustomer(&'a str),
}

/// Writes the search text of `which` orders (inside the caller's transaction).
pub async fn index(conn: &mut sqlx::AnyConnection, which: Orders<'_>) -> AppResult<()> {
    let (filter, arg) = match which {
        Orders::One(id) => ("o.id = $1", id.as_str()),
        Orders::OfCustomer(org) => ("o.customer_org_id = $1", org),
    };
    let rows: Vec<Parts> = sqlx::query_as(&format!("{PARTS} WHERE {filter}"))
        .bind(arg)
        .fetch_all(&mut *conn)
        .await?;
    for r in rows {
        write(conn, &r).await?;
    }
    Ok(())
}

/// Gives every order that lacks one its search text (orders made before
/// search existed), a thousand per transaction in id order; returns how many.
pub async fn backfill(db: &Db) -> AppResult<u64> {
    // Every search row is one existing order's (unique, deleted with it):
    // equal counts mean nothing is missing, without probing every order at
    // each start.
    let (missing,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM distribution_orders) - (SELECT COUNT(*) FROM order_search)",
    )
    .fetch_one(&db.pool)
    .await?;
    if missing == 0 {
        return Ok(0);
    }
    let (mut done, mut last) = (0, String::new());
    loop {
        let mut tx = db.begin_write().await?;
        let rows: Vec<Parts> = sqlx::query_as(&format!(
            "{PARTS} WHERE o.id > $1 AND NOT EXISTS (SELECT 1 FROM order_search s WHERE s.order_id = o.id) \
             ORDER BY o.id LIMIT 1000"
        ))
        .bind(&last)
        .fetch_all(&mut *tx)
        .await?;
        let Some(end) = rows.last().map(|r| r.id.clone()) else {
            break;
        };
        for r in &rows {
            write(&mut tx, r).await?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
        last = end;
    }
    if db.backend == Backend::Sqlite {
        // A backfill writes the index a thousand rows at a time, in many
        // pieces; merged into one it answers a search in about two thirds
        // of the time.
        let mut tx = db.begin_write().await?;
        sqlx::query("INSERT INTO order_search_fts (order_search_fts) VALUES ('optimize')")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(done)
}

#[derive(sqlx::FromRow)]
struct Parts {
    id: String,
    isv_org_id: String,
    created_at: i64,
    customer: String,
    app_name: String,
    buyer: String,
    buyer_email: String,
    link_creator: String,
    order_no: String,
}

const PARTS: &str = "SELECT o.id, o.isv_org_id, o.created_at, c.name AS customer, l.app_name, \
        b.display_name AS buyer, b.email AS buyer_email, lc.display_name AS link_creator, o.order_no \
    FROM distribution_orders o JOIN distribution_links l ON l.id = o.link_id \
    JOIN organizations c ON c.id = o.customer_org_id JOIN users b ON b.id = o.buyer_user_id \
    JOIN users lc ON lc.id = l.created_by";

async fn write(conn: &mut sqlx::AnyConnection, r: &Parts) -> AppResult<()> {
    let body = text(&[
        &r.customer,
        &r.app_name,
        &r.buyer,
        &r.buyer_email,
        &r.link_creator,
        &r.order_no,
    ]);
    sqlx::query(
        "INSERT INTO order_search (order_id, isv_org_id, created_at, body) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (order_id) DO UPDATE SET body = excluded.body",
    )
    .bind(&r.id)
    .bind(&r.isv_org_id)
    .bind(r.created_at)
    .bind(body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Which orders a page of a search reads, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    /// The newest [`WINDOW`] orders from the cursor on, down to this last
    /// one (`created_at`, id), each checked.
    Window(i64, String),
    /// Every order from the cursor on, newest first, each checked: for the
    /// rest when the window held all of them, and for terms too short for
    /// the trigram index.
    Rest,
    /// Every order from the cursor on, through the backend's index.
    Index,
    /// These search rows' orders (the index's hits, read already).
    Hits(Vec<i64>),
}

/// How a search's page is read: its orders (`o`, with `s` their search
/// text) and the condition on them, binding `$6` (and `$7`, `$8`).
pub struct Plan {
    pub source: &'static str,
    pub condition: String,
    pub value: String,
}

const WITH_TEXT: &str = "distribution_orders o JOIN order_search s ON s.order_id = o.id";

impl Scan {
    pub fn plan(&self, backend: Backend, term: &str) -> Plan {
        let like = format!("%{}%", like_escaped(term));
        let matches = "s.body LIKE $6 ESCAPE '\\'";
        match self {
            Scan::Window(..) => Plan {
                source: WITH_TEXT,
                condition: format!(
                    " AND {matches} AND (o.created_at > $7 OR (o.created_at = $7 AND o.id >= $8))"
                ),
                value: like,
            },
            Scan::Hits(hits) => Plan {
                source: "(SELECT s.order_id FROM json_each($6) h JOIN order_search s ON s.id = h.value) h \
                          CROSS JOIN distribution_orders o ON o.id = h.order_id",
                condition: String::new(),
                value: serde_json::to_string(hits).unwrap_or_default(),
            },
            Scan::Index if backend == Backend::Sqlite => Plan {
                // The hits drive (CROSS JOIN keeps SQLite from walking every
                // order instead).
                source: "(SELECT s.order_id FROM order_search_fts f JOIN order_search s ON s.id = f.rowid \
                          WHERE order_search_fts MATCH $6) h \
                          CROSS JOIN distribution_orders o ON o.id = h.order_id",
                condition: String::new(),
                value: fts_phrase(term),
            },
            // PostgreSQL's planner takes the trigram index when the term is
            // rare and walks the newest orders when it is common.
            Scan::Index | Scan::Rest => Plan {
                source: WITH_TEXT,
                condition: format!(" AND {matches}"),
                value: like,
            },
        }
    }

    /// How the rest of the orders is read once the window had too few hits.
    pub fn after_window(term: &str) -> Scan {
        if indexable(term) {
            Scan::Index
        } else {
            Scan::Rest
        }
    }
}

/// At most this many index hits are read before a search reads the window
/// instead (SQLite).
pub const FEW_HITS: i64 = 5_000;

/// Whether the index alone answers best, with its hits: on SQLite, a term
/// of three characters or more that the index finds at most [`FEW_HITS`]
/// times (in any organization) is read from these, without the window. The
/// hits are read once and handed back to the page's query (a trigram search
/// of a long term costs more than reading its hits).
pub async fn few_hits(db: &Db, term: &str) -> AppResult<Option<Vec<i64>>> {
    if db.backend != Backend::Sqlite || !indexable(term) {
        return Ok(None);
    }
    let hits: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT rowid FROM order_search_fts WHERE order_search_fts MATCH $1 LIMIT {}",
        FEW_HITS + 1
    ))
    .bind(fts_phrase(term))
    .fetch_all(&db.pool)
    .await?;
    Ok((hits.len() as i64 <= FEW_HITS).then_some(hits))
}

/// The last order of the window from the cursor on (`created_at`, id), or
/// `None` when fewer orders than the window remain.
pub async fn window_end(
    db: &Db,
    org: &str,
    c_time: i64,
    c_id: &str,
) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT created_at, order_id FROM order_search WHERE isv_org_id = $1 \
           AND (created_at < $2 OR (created_at = $2 AND order_id < $3)) \
         ORDER BY created_at DESC, order_id DESC LIMIT 1 OFFSET {}",
        WINDOW - 1
    ))
    .bind(org)
    .bind(c_time)
    .bind(c_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Whether the trigram indexes can serve `term`.
fn indexable(term: &str) -> bool {
    term.chars().count() >= INDEXED_FROM
}

/// A quoted FTS5 string: the term's characters in sequence.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Typed text matches literally: `%` and `_` are not wildcards.
fn like_escaped(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_trimmed_lowercased_and_bounded() {
        assert_eq!(
            term("  North 北风 ").unwrap().as_deref(),
            Some("north 北风")
        );
        assert_eq!(term("   ").unwrap(), None);
        assert!(term(&"x".repeat(MAX_QUERY + 1)).is_err());
        assert!(term(&"北".repeat(MAX_QUERY)).is_ok());
        assert!(term("a\0b").is_err() && term("a\nb").is_err());
    }

    #[test]
    fn the_index_serves_long_terms_on_sqlite_and_like_the_rest() {
        let p = Scan::after_window("ab").plan(Backend::Sqlite, "ab");
        assert!(p.condition.contains("LIKE") && p.value == "%ab%");
        let p = Scan::after_window("a\"b_c").plan(Backend::Sqlite, "a\"b_c");
        assert!(p.source.contains("MATCH") && p.value == "\"a\"\"b_c\"");
        let p = Scan::Index.plan(Backend::Postgres, "50%_off");
        assert!(p.condition.contains("LIKE") && p.value == "%50\\%\\_off%");
        let p = Scan::Hits(vec![3, 5]).plan(Backend::Sqlite, "abc");
        assert!(p.source.contains("json_each") && p.value == "[3,5]");
        let p = Scan::Window(1, "x".into()).plan(Backend::Sqlite, "abc");
        assert!(p.condition.contains("LIKE") && p.condition.contains("$8"));
    }
}
