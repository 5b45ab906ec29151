//! Demo data, only on demand (`fenfa-server --seed-demo`): every account's
//! password is `fenfa-demo` and printed in the README, so it must never be
//! added to a database with real accounts.

use crate::accounts::queries::hash_password;
use crate::accounts::{CertLevel, Role};
use crate::db::{new_id, Db};

pub const PASSWORD: &str = "fenfa-demo";

pub struct DemoOrg {
    pub name: &'static str,
    pub cert: CertLevel,
    pub members: &'static [(&'static str, &'static str, Role)],
}

pub const ORGS: &[DemoOrg] = &[
    DemoOrg {
        name: "Acme Software",
        cert: CertLevel::Intermediate,
        members: &[
            ("isv-admin@acme.example", "Alice Admin", Role::Admin),
            ("isv-dev@acme.example", "Dev Deng", Role::Member),
        ],
    },
    DemoOrg {
        name: "Northwind Trading",
        cert: CertLevel::None,
        members: &[
            ("admin@north.example", "Nora North", Role::Admin),
            ("member@north.example", "Ned North", Role::Member),
        ],
    },
    DemoOrg {
        name: "Southgate Logistics",
        cert: CertLevel::None,
        members: &[
            ("admin@south.example", "Sam South", Role::Admin),
            ("member@south.example", "Sue South", Role::Member),
        ],
    },
    DemoOrg {
        name: "Plain Studio",
        cert: CertLevel::None,
        members: &[("admin@plain.example", "Pat Plain", Role::Admin)],
    },
];

pub const OPERATOR: (&str, &str) = ("operator@fenfa.example", "Platform Operator");

/// Why demo data was not added.
#[derive(Debug)]
pub enum SeedError {
    /// The database holds accounts that `--seed-demo` did not make.
    RealAccounts {
        count: i64,
        example: String,
    },
    Db(crate::error::AppError),
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeedError::RealAccounts { count, example } => write!(
                f,
                "refusing to add demo data: this database has {count} account(s) that demo \
                 seeding did not create (for example {example}). Demo accounts share a \
                 published password; use --seed-demo only on a new database."
            ),
            SeedError::Db(e) => write!(f, "adding demo data failed: {e}"),
        }
    }
}

impl std::error::Error for SeedError {}

impl From<crate::error::AppError> for SeedError {
    fn from(e: crate::error::AppError) -> Self {
        SeedError::Db(e)
    }
}

impl From<sqlx::Error> for SeedError {
    fn from(e: sqlx::Error) -> Self {
        SeedError::Db(e.into())
    }
}

/// Adds whatever part of the demo data is missing; running it twice is
/// harmless. Refused on a database with accounts of real people, unless it
/// is a demo database already (its demo accounts were made here): demo data
/// only ever goes to accounts marked as demo accounts.
pub async fn seed(db: &Db, now: i64) -> Result<(), SeedError> {
    let hash = hash_password(PASSWORD.to_string()).await?;
    let mut tx = db.begin_write().await?;
    let (demo, real, example): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COALESCE(SUM(is_demo), 0), COUNT(*) - COALESCE(SUM(is_demo), 0), \
                MIN(CASE WHEN is_demo = 0 THEN email END) FROM users",
    )
    .fetch_one(&mut *tx)
    .await?;
    if real > 0 && demo == 0 {
        return Err(SeedError::RealAccounts {
            count: real,
            example: example.unwrap_or_default(),
        });
    }
    let mut ensure_user = vec![(OPERATOR.0, OPERATOR.1, true)];
    for org in ORGS {
        for (email, name, _) in org.members {
            ensure_user.push((email, name, false));
        }
    }
    for (email, name, operator) in ensure_user {
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, is_operator, created_at, is_demo, email_verified_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $6) ON CONFLICT (email) DO NOTHING",
        )
        .bind(new_id())
        .bind(email)
        .bind(name)
        .bind(&hash)
        .bind(operator as i64)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    for org in ORGS {
        let existing: Option<(String,)> =
            sqlx::query_as("SELECT id FROM organizations WHERE name = $1")
                .bind(org.name)
                .fetch_optional(&mut *tx)
                .await?;
        let org_id = match existing {
            Some((id,)) => id,
            None => {
                let id = new_id();
                sqlx::query("INSERT INTO organizations (id, name, cert_level, created_at, time_zone) VALUES ($1, $2, $3, $4, 'Asia/Shanghai')")
                    .bind(&id)
                    .bind(org.name)
                    .bind(org.cert.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                id
            }
        };
        for (email, _, role) in org.members {
            sqlx::query(
                "INSERT INTO memberships (org_id, user_id, role, created_at) \
                 SELECT $1, id, $2, $3 FROM users WHERE email = $4 AND is_demo = 1 ON CONFLICT (org_id, user_id) DO NOTHING",
            )
            .bind(&org_id)
            .bind(role.as_str())
            .bind(now)
            .bind(*email)
            .execute(&mut *tx)
            .await?;
        }
    }
    crate::apps::demo::seed(&mut tx, &db.secrets, now).await?;
    tx.commit().await?;
    tracing::info!("demo data is in place (password: {PASSWORD})");
    Ok(())
}
