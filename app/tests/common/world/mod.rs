//! A demo world seen by every kind of caller: the ISV Acme sells an app to
//! Northwind and Southgate; a look-alike ISV (Plain Studio) has the same
//! shapes of data (an app with every kind of part, a link, an order, a
//! member); an Acme session is in remote maintenance of Northwind's copy,
//! where it has renamed a form (its change set, `change_set`, is open and
//! unreviewed), and Plain Studio has maintained Southgate's copy of its app
//! once, renaming its form (`plain_change_set`, over: revertable).
//!
//! Built once per test and then copied: every call that may change data gets
//! its own copy of the database, sessions included.
//!
//! Tests of the database layer use the same cast without the web server:
//! [`cast`] (an ISV, two customers, an operator, one app), as contexts.

mod build;
mod cast;

pub use build::world;
pub use cast::{cast, Cast, APP_NAME};

use super::site::{site_on, Reply, Site};
use super::TestDb;
use std::collections::BTreeMap;

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Caller {
    Anonymous,
    Operator,
    IsvAdmin,
    IsvAppAdmin,
    IsvMember,
    OtherIsv,
    CustomerAdmin,
    CustomerMember,
    OtherOrgAdmin,
    IsvInMaintenance,
}
use Caller::*;

pub const ALL: [Caller; 10] = [
    Anonymous,
    Operator,
    IsvAdmin,
    IsvAppAdmin,
    IsvMember,
    OtherIsv,
    CustomerAdmin,
    CustomerMember,
    OtherOrgAdmin,
    IsvInMaintenance,
];

/// The world's database (closed, to be copied) and what tests refer to.
pub struct World {
    pub template: TestDb,
    pub ids: BTreeMap<String, String>,
    pub tokens: Vec<(Caller, Option<String>)>,
}

/// One copy of the world, served by the whole router.
pub struct Instance<'w> {
    pub s: Site,
    pub w: &'w World,
}

impl World {
    pub fn id(&self, key: &str) -> &str {
        self.ids
            .get(key)
            .unwrap_or_else(|| panic!("no id {key:?} in the world"))
    }

    pub fn token(&self, c: Caller) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(k, _)| *k == c)
            .and_then(|(_, t)| t.as_deref())
    }

    /// `{key}` in `template` replaced by the world's ids.
    pub fn fill(&self, template: &str) -> String {
        let mut out = template.to_string();
        for (k, v) in &self.ids {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        assert!(!out.contains('{'), "unknown id in {template:?}");
        out
    }

    /// A fresh copy of the world to act on.
    pub async fn instance(&self) -> Instance<'_> {
        Instance {
            s: site_on(self.template.copy().await, false).await,
            w: self,
        }
    }
}

impl Instance<'_> {
    pub async fn call(&self, c: Caller, path: &str, form: &str) -> Reply {
        self.s.call(path, form, self.w.token(c), &[]).await
    }

    /// Everything a refused call must leave alone.
    pub async fn fingerprint(&self) -> Vec<(String, String)> {
        let mut f = self.s.t.snapshot().await;
        for (table, cols) in [
            (
                "maintenance_grants",
                "app_id || COALESCE(open_until, 0) || COALESCE(requested_at, 0) || request_note",
            ),
            ("maintenance_sessions", "id || COALESCE(ended_at, 0)"),
            (
                "change_sets",
                "id || kind || changes || after_json || COALESCE(reviewed_at, 0)",
            ),
            (
                "sessions",
                "id_hash || COALESCE(current_org, '') || COALESCE(maintenance_id, '')",
            ),
            ("users", "id || password_hash"),
            // Each order's licence, and the trials organizations have had.
            (
                "(SELECT id, licence_json, licence_ends, licence_suspended FROM distribution_orders) licences",
                "id || COALESCE(licence_json, '') || COALESCE(licence_ends, 0) || licence_suspended",
            ),
            (
                "licence_trials",
                "customer_org_id || source_app_id || order_id",
            ),
            // Links again without their view count (see the matrix's GETs).
            (
                "(SELECT id, purchases, revoked_at FROM distribution_links) links",
                "id || purchases || COALESCE(revoked_at, 0)",
            ),
        ] {
            let mut r: Vec<(String, String)> =
                sqlx::query_as(&format!("SELECT '{table}', {cols} FROM {table} ORDER BY 2"))
                    .fetch_all(&self.s.t.db.pool)
                    .await
                    .unwrap();
            f.append(&mut r);
        }
        f
    }
}
