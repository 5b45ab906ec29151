//! Distribution server functions, at `/api/distribution/...`.

use super::domain::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod imp {
    pub use crate::accounts::ctx::{caller, Ctx};
    pub use crate::distribution::links::{self, LinkRef};
    pub use crate::distribution::purchase;
    pub use crate::error::respond;
    pub use crate::state::{app_state, AppState};

    /// Buys into `org_id`, then works in that organization, on the installed app.
    pub async fn buy_and_land(
        s: &AppState,
        ctx: &Ctx,
        link: LinkRef<'_>,
        org_id: &str,
        key: &str,
    ) -> crate::error::AppResult<super::PurchaseOutcome> {
        let outcome = purchase::purchase(&s.db, ctx, link, org_id, key, s.clock.now_ms()).await?;
        crate::accounts::session::set_current_org(&s.db, &ctx.session_hash, org_id).await?;
        let app_id = match &outcome {
            super::PurchaseOutcome::Bought { app_id, .. }
            | super::PurchaseOutcome::AlreadyInstalled { app_id } => app_id,
        };
        leptos_axum::redirect(&format!("/apps/{app_id}"));
        Ok(outcome)
    }
}

/// The distribution dialog of an app (certified ISVs only).
#[server(prefix = "/api", endpoint = "distribution/dialog")]
pub async fn distribute_dialog(app_id: String) -> Result<DistributeView, AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            links::distribute_view(&s.db, &ctx, &app_id, s.clock.now_ms()).await
        }
        .await,
    )
}

/// Creates a link that sells the app as it is now.
#[server(prefix = "/api", endpoint = "distribution/create_link")]
pub async fn create_link(
    app_id: String,
    expires_days: String,
    max_purchases: String,
    bound_org: String,
    note: String,
) -> Result<NewLink, AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            let options = LinkOptions::parse(&expires_days, &max_purchases, &bound_org, &note)?;
            links::create_link(&s.db, &ctx, &app_id, &options, s.clock.now_ms()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "distribution/revoke_link")]
pub async fn revoke_link(link_id: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            links::revoke_link(&s.db, &ctx, &link_id, s.clock.now_ms()).await
        }
        .await,
    )
}

/// What a link sells; open to anyone holding it. Invalid links are a 404.
#[server(prefix = "/api", endpoint = "distribution/link")]
pub async fn get_link_page(token: String) -> Result<LinkPage, AppError> {
    use imp::*;
    respond(
        async {
            let s = app_state()?;
            let ctx = Ctx::resolve().await?;
            links::link_page(&s.db, ctx.as_ref(), &token, s.clock.now_ms()).await
        }
        .await,
    )
}

/// Buys through a link into one of the caller's organizations (its admins only).
#[server(prefix = "/api", endpoint = "distribution/buy")]
pub async fn buy(
    token: String,
    org_id: String,
    idempotency_key: String,
) -> Result<PurchaseOutcome, AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            buy_and_land(&s, &ctx, LinkRef::Token(&token), &org_id, &idempotency_key).await
        }
        .await,
    )
}

/// A member asks the organization's admins to buy.
#[server(prefix = "/api", endpoint = "distribution/ask_admin")]
pub async fn ask_admin(token: String, org_id: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            purchase::ask_admin(&s.db, &ctx, &token, &org_id, s.clock.now_ms()).await
        }
        .await,
    )
}

/// Open purchase requests of the current organization (admins).
#[server(prefix = "/api", endpoint = "distribution/requests")]
pub async fn purchase_requests() -> Result<Vec<RequestView>, AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            purchase::requests(&s.db, &ctx, s.clock.now_ms()).await
        }
        .await,
    )
}

/// Buys what a member asked for, into the current organization.
#[server(prefix = "/api", endpoint = "distribution/buy_request")]
pub async fn buy_request(
    request_id: String,
    idempotency_key: String,
) -> Result<PurchaseOutcome, AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            let link_id = purchase::request_link(&s.db, &ctx, &request_id).await?;
            let org_id = ctx.org()?.org_id.0.clone();
            buy_and_land(&s, &ctx, LinkRef::Id(&link_id), &org_id, &idempotency_key).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "distribution/dismiss_request")]
pub async fn dismiss_request(request_id: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let (s, ctx) = caller().await?;
            purchase::dismiss_request(&s.db, &ctx, &request_id, s.clock.now_ms()).await
        }
        .await,
    )
}
