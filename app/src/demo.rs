//! Demo data: seeded on first start with an empty database, or on demand.
//! Every account's password is `fenfa-demo`.

use crate::accounts::queries::hash_password;
use crate::accounts::{CertLevel, Role};
use crate::db::{new_id, Db};
use crate::error::AppResult;

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

pub async fn is_empty(db: &Db) -> AppResult<bool> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await?;
    Ok(n == 0)
}

/// Adds whatever part of the demo data is missing; running it twice is harmless.
pub async fn seed(db: &Db, now: i64) -> AppResult<()> {
    let hash = hash_password(PASSWORD.to_string()).await?;
    let mut tx = db.begin_write().await?;
    let mut ensure_user = vec![(OPERATOR.0, OPERATOR.1, true)];
    for org in ORGS {
        for (email, name, _) in org.members {
            ensure_user.push((email, name, false));
        }
    }
    for (email, name, operator) in ensure_user {
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, is_operator, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING",
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
                sqlx::query("INSERT INTO organizations (id, name, cert_level, created_at) VALUES ($1, $2, $3, $4)")
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
                 SELECT $1, id, $2, $3 FROM users WHERE email = $4 ON CONFLICT (org_id, user_id) DO NOTHING",
            )
            .bind(&org_id)
            .bind(role.as_str())
            .bind(now)
            .bind(*email)
            .execute(&mut *tx)
            .await?;
        }
    }
    crate::apps::demo::seed(&mut tx, now).await?;
    tx.commit().await?;
    tracing::info!("demo data is in place (password: {PASSWORD})");
    Ok(())
}
