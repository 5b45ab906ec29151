//! Database access shared by every part: the pool, migrations, write
//! transactions and the clock. Only compiled on the server.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub type Pool = AnyPool;

/// A write transaction; it reads and writes like the connection it holds.
/// On SQLite it also holds this process's turn to write: writers queue in
/// order (a tokio mutex is fair) instead of racing SQLite's busy handler,
/// which under load let some wait past the busy timeout.
pub struct Tx {
    tx: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Schema only one backend can express (full-text indexes), in
/// `migrations/<backend>/`: applied after the shared migrations at every
/// start, each statement idempotent. PostgreSQL instances starting together
/// take turns (as the migrator does).
async fn apply_backend_schema(pool: &Pool, backend: Backend) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let sql = match backend {
        Backend::Sqlite => include_str!("../../migrations/sqlite/order_search.sql"),
        Backend::Postgres => {
            sqlx::query("SELECT pg_advisory_xact_lock(7436121)")
                .execute(&mut *tx)
                .await?;
            include_str!("../../migrations/postgres/order_search.sql")
        }
    };
    sqlx::raw_sql(sql).execute(&mut *tx).await?;
    tx.commit().await
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database and what must be known about it at run time.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: Pool,
    pub backend: Backend,
    /// Whose turn it is to write (SQLite; see [`Tx`]).
    writers: Arc<tokio::sync::Mutex<()>>,
    /// The keys that seal secrets at rest (third-party credentials).
    pub secrets: Arc<crate::secrets::Secrets>,
}

impl Db {
    /// Opens (creating if needed) the database and applies migrations.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url);
        let mut sqlite_file = None;
        if backend == Backend::Sqlite {
            prepare_sqlite_file(url).await?;
            sqlite_file = Some(
                sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                    .get_filename()
                    .to_path_buf(),
            );
        }
        let secrets = crate::secrets::Secrets::load(url, sqlite_file.as_deref())
            .map_err(|e| sqlx::Error::Configuration(Box::new(e)))?;
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Per-connection settings: enforce foreign keys and wait
                        // for a writer rather than failing with "database is locked".
                        // Checkpoints are mostly the upkeep task's (see
                        // `spawn_upkeep`); a writer still does one past SQLite's
                        // default 1,000 pages. A 20,000-page limit let one
                        // checkpoint's fsync stall the log's writes for over the
                        // busy timeout under purchase load ("database is locked").
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        apply_backend_schema(&pool, backend).await?;
        let db = Db {
            pool,
            backend,
            writers: Arc::default(),
            secrets: Arc::new(secrets),
        };
        spawn_upkeep(db.clone());
        Ok(db)
    }

    /// Starts a write transaction. SQLite takes the write lock up front
    /// (IMMEDIATE) so two writers never deadlock upgrading read locks.
    /// On SQLite writers of this process take turns first (see [`Tx`]).
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let turn = self.writers.clone().lock_owned().await;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(Tx {
                    tx,
                    _turn: Some(turn),
                })
            }
            Backend::Postgres => Ok(Tx {
                tx: self.pool.begin().await?,
                _turn: None,
            }),
        }
    }
}

/// How often the upkeep task runs.
pub const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Work kept off the request path, until the last other handle on the
/// database is dropped (then once more): on SQLite the write-ahead log is
/// checkpointed. A checkpoint ends with
/// an fsync; run by whichever writer crossed the log limit, it held up that
/// purchase and every writer queued behind it.
fn spawn_upkeep(db: Db) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(UPKEEP_EVERY).await;
            let last = Arc::strong_count(&db.writers) == 1;
            if db.backend == Backend::Sqlite {
                // PASSIVE: copies what it can without waiting for anyone.
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&db.pool)
                    .await
                {
                    tracing::warn!(error = %e, "checkpoint failed; retried next time");
                }
            }
            if last {
                break;
            }
        }
    });
}

/// Why a backup was refused or failed; the message says what to do instead.
#[derive(Debug)]
pub enum BackupError {
    /// PostgreSQL has its own consistent online dump.
    Postgres,
    /// No SQLite file where DATABASE_URL points (a typo would otherwise
    /// "back up" a new empty database).
    NoDatabase(PathBuf),
    /// Never overwrite: the target may be an earlier backup.
    TargetExists(PathBuf),
    /// SQLite takes the file name as text.
    InvalidTarget(PathBuf),
    Db(sqlx::Error),
}

impl std::fmt::Display for BackupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackupError::Postgres => write!(
                f,
                "--backup copies SQLite databases only; for PostgreSQL use pg_dump, \
                 e.g. pg_dump -Fc -f fenfa.dump \"$DATABASE_URL\""
            ),
            BackupError::NoDatabase(p) => {
                write!(
                    f,
                    "no database file at {} (check DATABASE_URL)",
                    p.display()
                )
            }
            BackupError::TargetExists(p) => write!(
                f,
                "refusing to overwrite {}: it already exists; choose a new file",
                p.display()
            ),
            BackupError::InvalidTarget(p) => {
                write!(f, "the backup file name {} is not UTF-8", p.display())
            }
            BackupError::Db(e) => write!(f, "backup failed: {e}"),
        }
    }
}

impl std::error::Error for BackupError {}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Db(e)
    }
}

impl Db {
    /// Writes a consistent copy of the SQLite database to `target`, a new
    /// file, while other connections (a running server) keep writing:
    /// `VACUUM INTO` reads one snapshot, so WAL writers are not blocked and
    /// the copy holds exactly the transactions committed before it began.
    pub async fn backup_to(&self, target: &Path) -> Result<(), BackupError> {
        if self.backend == Backend::Postgres {
            return Err(BackupError::Postgres);
        }
        if target.symlink_metadata().is_ok() {
            return Err(BackupError::TargetExists(target.to_path_buf()));
        }
        let name = target
            .to_str()
            .ok_or_else(|| BackupError::InvalidTarget(target.to_path_buf()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// `fenfa-server --backup <file>`: checks what can be checked before
/// connecting (so PostgreSQL and a missing file are refused without side
/// effects), then [`Db::backup_to`].
pub async fn backup(url: &str, target: &Path) -> Result<(), BackupError> {
    if backend_of(url) == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    let file = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_path_buf();
    if !file.is_file() {
        return Err(BackupError::NoDatabase(file));
    }
    if target.symlink_metadata().is_ok() {
        return Err(BackupError::TargetExists(target.to_path_buf()));
    }
    let db = Db::connect(url).await?;
    let done = db.backup_to(target).await;
    db.pool.close().await;
    done
}

fn backend_of(url: &str) -> Backend {
    if url.starts_with("postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Creates the file and switches it to WAL once; WAL is a property of the file.
async fn prepare_sqlite_file(url: &str) -> Result<(), sqlx::Error> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    use sqlx::ConnectOptions;
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal);
    if let Some(dir) = opts.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    let conn = opts.connect().await?;
    sqlx::Connection::close(conn).await
}

/// Time source. Tests move it by hand; production reads the system clock.
/// A debug build's browser tests run the server on the system clock moved
/// forward by hand ([`Clock::shifted`]): a licence runs out in a second.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Stands still unless moved (integration tests).
    manual: Option<Arc<AtomicI64>>,
    /// Added to the system clock (debug builds' browser tests).
    shift: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Self {
        Clock::default()
    }

    pub fn manual(start_ms: i64) -> Self {
        Clock {
            manual: Some(Arc::new(AtomicI64::new(start_ms))),
            shift: None,
        }
    }

    /// The system clock, movable forward with [`Clock::advance_ms`]. Only
    /// debug builds have it: a release binary's time cannot be moved.
    #[cfg(debug_assertions)]
    pub fn shifted() -> Self {
        Clock {
            manual: None,
            shift: Some(Arc::new(AtomicI64::new(0))),
        }
    }

    /// Back to the system clock's time (a shifted clock; see `shifted`).
    pub fn reset_shift(&self) {
        if let Some(s) = &self.shift {
            s.store(0, Ordering::SeqCst);
        }
    }

    /// Whether [`Clock::advance_ms`] moves the system clock (see `shifted`).
    pub fn is_shifted(&self) -> bool {
        self.shift.is_some()
    }

    pub fn advance_ms(&self, ms: i64) {
        if let Some(t) = self.manual.as_ref().or(self.shift.as_ref()) {
            t.fetch_add(ms, Ordering::SeqCst);
        }
    }

    pub fn now_ms(&self) -> i64 {
        if let Some(t) = &self.manual {
            return t.load(Ordering::SeqCst);
        }
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        system + self.shift.as_ref().map_or(0, |s| s.load(Ordering::SeqCst))
    }
}

/// A fresh id: 32 hex characters, the first 12 the time in milliseconds,
/// then 80 random bits (unguessable; they reveal only when the row was made,
/// which the screens show anyway). Ids made close in time sort together, so a
/// purchase's ~100 new rows land in a few index pages, not ~100 random ones,
/// each of which SQLite writes to its log in full.
pub fn new_id() -> String {
    use rand::RngCore;
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut random = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut random);
    id_from(ms, random)
}

fn id_from(ms: u64, random: [u8; 10]) -> String {
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6..].copy_from_slice(&random);
    hex::encode(bytes)
}

/// Whether a database error is a uniqueness violation (both backends).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.kind() == sqlx::error::ErrorKind::UniqueViolation,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_hex_unique_and_sort_by_time() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids
            .iter()
            .all(|i| i.len() == 32 && i.bytes().all(|b| b.is_ascii_hexdigit())));
        // A later millisecond sorts after, whatever the random part.
        assert!(id_from(1_700_000_000_000, [0xff; 10]) < id_from(1_700_000_000_001, [0; 10]));
        assert!(id_from(255, [0; 10]) < id_from(256, [0; 10]));
    }
}
