//! Audit server functions.

use super::domain::EntryView;
use crate::error::AppError;
use leptos::prelude::*;

/// The organization's audit log, newest first (admins; not during maintenance).
#[server(prefix = "/api", endpoint = "audit/list")]
pub async fn list_audit(providers_only: bool) -> Result<Vec<EntryView>, AppError> {
    crate::error::respond(
        async {
            let (s, ctx) = crate::accounts::ctx::caller().await?;
            super::queries::list(&s.db, &ctx, providers_only).await
        }
        .await,
    )
}
