//! Audit server functions.

use super::domain::EntryView;

crate::api!(
    /// The organization's audit log, newest first (admins; not during maintenance).
    list_audit at "audit/list" for member (providers_only: bool) -> Vec<EntryView>, |c|
        super::queries::list(&c.s.db, &c.ctx, providers_only).await
);
