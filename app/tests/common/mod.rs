//! Shared set-up for tests: a fresh SQLite database per test.
#![allow(dead_code, unused_imports)] // each test uses a part of it

pub mod process;
pub mod site;
pub mod world;

use app::accounts::queries;
use app::accounts::{DisplayName, Email, NewPassword, OrgName, UserId};
use app::db::{Clock, Db};
use app::session::Ctx;

pub const T0: i64 = 1_800_000_000_000;

pub struct TestDb {
    pub db: Db,
    pub clock: Clock,
    /// The link cache an application state would hold over this database.
    pub links: std::sync::Arc<app::distribution::cache::LinkCache>,
    _dir: tempfile::TempDir,
    /// Where the database is (to open a second pool on it).
    pub url: String,
}

/// A fresh, migrated database: SQLite in a temporary folder, or, when
/// `FENFA_TEST_PG` names a PostgreSQL server (an admin URL), a new database
/// there. The same tests run on both; `.ci/test` runs them twice.
pub async fn fresh() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_url(&dir).await;
    open(dir, url, T0).await
}

/// A fresh SQLite file database whatever `FENFA_TEST_PG` says: for tests of
/// SQLite's own behaviour (crashes, backups of the file).
pub async fn fresh_sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/fenfa.db", dir.path().display());
    open(dir, url, T0).await
}

async fn open(dir: tempfile::TempDir, url: String, now: i64) -> TestDb {
    let db = Db::connect(&url).await.expect("connect");
    TestDb {
        db,
        clock: Clock::manual(now),
        links: Default::default(),
        _dir: dir,
        url,
    }
}

/// A connection to the `FENFA_TEST_PG` server's maintenance database, to
/// create and drop test databases.
async fn pg_admin(admin: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(&format!("{admin}/postgres"))
        .await
        .expect("connect to FENFA_TEST_PG")
}

/// A new PostgreSQL database on the `FENFA_TEST_PG` server, empty or a copy
/// of `template`; returns its URL.
async fn create_pg_database(admin: &str, template: Option<&str>) -> String {
    let name = format!("fenfa_t_{}", app::db::new_id());
    let mut conn = pg_admin(admin).await;
    if let Some(t) = template {
        // A template must have no sessions. Its pool is closed, but server
        // processes can linger after their client went: end them, and wait
        // until PostgreSQL has let them go.
        for _ in 0..500 {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
            )
            .bind(t)
            .fetch_one(&mut conn)
            .await
            .unwrap();
            if n == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
    let from = template
        .map(|t| format!(" TEMPLATE {t}"))
        .unwrap_or_default();
    sqlx::query(&format!("CREATE DATABASE {name}{from}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    format!("{admin}/{name}")
}

/// The URL of a new empty database (see [`fresh`]).
pub async fn fresh_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("FENFA_TEST_PG") {
        Ok(admin) if !admin.is_empty() => {
            // PostgreSQL has no file beside which a key file would go.
            std::env::set_var("FENFA_SECRET_KEY", "11".repeat(32));
            create_pg_database(&admin, None).await
        }
        _ => format!("sqlite://{}/test.db", dir.path().display()),
    }
}

impl TestDb {
    /// Closes and removes the database now (PostgreSQL databases otherwise
    /// stay until the throw-away cluster goes; SQLite files go with `_dir`).
    pub async fn discard(self) {
        self.db.pool.close().await;
        if on_postgres() {
            let admin = std::env::var("FENFA_TEST_PG").unwrap();
            let name = self.url.rsplit('/').next().unwrap();
            let mut conn = pg_admin(&admin).await;
            sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .expect("drop test database");
        }
    }

    /// A copy of this (closed) database, to act on without touching it.
    pub async fn copy(&self) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = if on_postgres() {
            let admin = std::env::var("FENFA_TEST_PG").unwrap();
            let source = self.url.rsplit('/').next().unwrap();
            create_pg_database(&admin, Some(source)).await
        } else {
            let source = self.url.trim_start_matches("sqlite://");
            let target = dir.path().join("test.db");
            std::fs::copy(source, &target).expect("copy test database");
            let wal = format!("{source}-wal");
            if std::path::Path::new(&wal).exists() {
                std::fs::copy(&wal, dir.path().join("test.db-wal")).expect("copy WAL");
            }
            // The key that sealed the copy's secrets goes with it.
            let key = self.dir().join("secret.key");
            if key.exists() {
                std::fs::copy(&key, dir.path().join("secret.key")).expect("copy key");
            }
            format!("sqlite://{}", target.display())
        };
        open(dir, url, self.clock.now_ms()).await
    }
}

pub fn on_postgres() -> bool {
    std::env::var("FENFA_TEST_PG").is_ok_and(|v| !v.is_empty())
}

impl TestDb {
    /// The temporary folder the test owns (SQLite file, backups).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub async fn user(&self, email: &str) -> UserId {
        queries::create_user(
            &self.db,
            &Email::parse(email).unwrap(),
            &DisplayName::parse(email.split('@').next().unwrap()).unwrap(),
            &NewPassword::parse("correct horse").unwrap(),
            self.clock.now_ms(),
        )
        .await
        .expect("create user")
    }

    /// The test's mail outbox (a folder of `.eml` files).
    pub fn mailer(&self) -> app::mail::Mailer {
        app::mail::Mailer::files(self.dir().join("outbox"), "http://localhost:3000")
    }

    /// The token of the last link to `path` (`/invitations/` or
    /// `/verify-email?token=`) mailed to `to`.
    pub fn mailed_token(&self, to: &str, path: &str) -> Option<String> {
        let dir = self.dir().join("outbox");
        let mut mails: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| {
                let at = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                let raw = std::fs::read_to_string(e.path()).unwrap_or_default();
                let to = raw
                    .lines()
                    .find(|l| l.starts_with("To: "))
                    .unwrap_or("")
                    .to_string();
                (at, format!("{to}\n{}", app::mail::text_of(&raw)))
            })
            .collect();
        mails.sort_by_key(|(at, _)| *at);
        mails
            .iter()
            .rev()
            .filter(|(_, m)| m.contains(&format!("To: {to}")))
            .find_map(|(_, m)| {
                m.split_whitespace().find_map(|w| {
                    w.split_once(path).map(|(_, rest)| {
                        rest.chars()
                            .take_while(|c| c.is_ascii_hexdigit())
                            .collect::<String>()
                    })
                })
            })
    }

    /// `email` (an existing account) joins the admin's organization as
    /// `role`: invited, and the invitation accepted from the mail.
    pub async fn join(&self, admin: &Ctx, email: &str, role: app::accounts::Role) {
        let now = self.clock.now_ms();
        app::accounts::queries::invitations::invite(
            &self.db,
            &self.mailer(),
            admin,
            &Email::parse(email).unwrap(),
            role,
            now,
        )
        .await
        .expect("invite");
        let token = self
            .mailed_token(email, "/invitations/")
            .expect("invitation mailed");
        let user = UserId(self.user_id(email).await);
        let ctx = self.ctx(&user, None).await;
        app::accounts::queries::invitations::accept(&self.db, &ctx, &token, now)
            .await
            .expect("accept");
    }

    pub async fn user_id(&self, email: &str) -> String {
        let (id,): (String,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
        id
    }

    /// The context of `user` acting in `org` (or in no organization).
    pub async fn ctx(&self, user: &UserId, org: Option<&str>) -> Ctx {
        let (email, display_name, is_operator, verified): (String, String, i64, Option<i64>) =
            sqlx::query_as("SELECT email, display_name, is_operator, email_verified_at FROM users WHERE id = $1")
                .bind(&user.0)
                .fetch_one(&self.db.pool)
                .await
                .unwrap();
        let org = match org {
            Some(o) => queries::membership(&self.db, &user.0, o).await.unwrap(),
            None => None,
        };
        Ctx {
            user_id: user.clone(),
            email,
            display_name,
            is_operator: is_operator != 0,
            must_change_password: false,
            email_verified: verified.is_some(),
            session_hash: Default::default(),
            org,
            maintenance: None,
            maintenance_ended: None,
        }
    }

    /// A new organization with `admin` as its admin; returns its id.
    pub async fn org(&self, admin: &UserId, name: &str) -> String {
        let ctx = self.ctx(admin, None).await;
        queries::create_org(
            &self.db,
            &ctx,
            &OrgName::parse(name).unwrap(),
            "UTC",
            self.clock.now_ms(),
        )
        .await
        .unwrap()
        .0
    }

    /// The one text value `sql` (with `arg` bound as `$1`) selects.
    pub async fn one(&self, sql: &str, arg: &str) -> String {
        let (v,): (String,) = sqlx::query_as(sql)
            .bind(arg)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql} [{arg}]: {e}"));
        v
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&self.db.pool).await.unwrap();
        n
    }

    /// A fingerprint of every table a denied call must leave alone.
    pub async fn snapshot(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = Vec::new();
        for (table, cols) in [
            ("users", "id || email || display_name || is_operator"),
            ("organizations", "id || name || cert_level"),
            ("memberships", "org_id || user_id || role"),
            ("audit_entries", "id || action"),
            ("apps", "id || org_id || name || version"),
            ("forms", "id || name || position"),
            ("fields", "id || label || position"),
            ("process_steps", "id || approvers_json || position"),
            ("notification_templates", "id || message || recipients_json"),
            ("services", "id || endpoint || COALESCE(credential, '')"),
            ("app_admins", "app_id || user_id"),
            (
                "distribution_links",
                "id || purchases || views || COALESCE(revoked_at, 0)",
            ),
            ("distribution_orders", "id || installed_app_id"),
            ("purchase_requests", "id || status"),
        ] {
            let mut r: Vec<(String, String)> =
                sqlx::query_as(&format!("SELECT '{table}', {cols} FROM {table} ORDER BY 2"))
                    .fetch_all(&self.db.pool)
                    .await
                    .unwrap();
            rows.append(&mut r);
        }
        rows
    }
}
