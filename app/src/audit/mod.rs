//! The audit trail: every change writes one entry in the same transaction.
//! Entries are only ever inserted; nothing updates or deletes them.

pub mod api;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;

#[cfg(feature = "ssr")]
mod record {
    use crate::db::{new_id, Tx};

    /// One change: who (the real user), in which role, what, before and after.
    pub struct Entry<'a> {
        pub org_id: &'a str,
        pub actor_user_id: &'a str,
        pub acting_as: &'a str,
        /// The real actor's organization when it is not `org_id` (remote maintenance).
        pub actor_org_id: Option<&'a str>,
        /// The app the change concerns, if any.
        pub app_id: Option<&'a str>,
        pub action: &'a str,
        pub target: &'a str,
        pub before: Option<serde_json::Value>,
        pub after: Option<serde_json::Value>,
    }

    pub async fn record(tx: &mut Tx, e: Entry<'_>, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO audit_entries (id, org_id, actor_user_id, acting_as, action, target, before_json, after_json, at, \
             actor_org_id, app_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id())
        .bind(e.org_id)
        .bind(e.actor_user_id)
        .bind(e.acting_as)
        .bind(e.action)
        .bind(e.target)
        .bind(e.before.map(|v| v.to_string()))
        .bind(e.after.map(|v| v.to_string()))
        .bind(now)
        .bind(e.actor_org_id)
        .bind(e.app_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[cfg(feature = "ssr")]
pub use record::*;
