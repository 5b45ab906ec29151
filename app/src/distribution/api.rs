//! Distribution server functions, at `/api/distribution/...`.

use super::domain::*;
#[cfg(feature = "ssr")]
use super::queries::links::{self, LinkRef};
#[cfg(feature = "ssr")]
use super::queries::purchase;
use crate::values::{AppId, LinkId, OrgId, RequestId};

/// Buys into `org_id`, then works in that organization, on the installed app.
#[cfg(feature = "ssr")]
async fn buy_and_land(
    c: &crate::session::Call<crate::session::Ctx>,
    link: LinkRef<'_>,
    org_id: &str,
    key: &str,
) -> crate::error::AppResult<PurchaseOutcome> {
    // On a task of its own (see `session::detached`).
    let (db, cache, ctx, now) = (c.s.db.clone(), c.s.links.clone(), c.ctx.clone(), c.now);
    let (org, key) = (org_id.to_string(), key.to_string());
    let link = match link {
        LinkRef::Token(t) => (true, t.to_string()),
        LinkRef::Id(i) => (false, i.to_string()),
    };
    let outcome = crate::session::detached(async move {
        let link = if link.0 {
            LinkRef::Token(&link.1)
        } else {
            LinkRef::Id(&link.1)
        };
        purchase::purchase(&db, &cache, &ctx, link, &org, &key, now).await
    })
    .await?;
    crate::session::store::set_current_org(&c.s.db, &c.ctx.session_hash, org_id).await?;
    let app_id = match &outcome {
        PurchaseOutcome::Bought { app_id, .. } | PurchaseOutcome::AlreadyInstalled { app_id } => {
            app_id
        }
    };
    leptos_axum::redirect(&format!("/apps/{app_id}"));
    Ok(outcome)
}

crate::api!(
    /// The distribution dialog of an app (certified ISVs only).
    distribute_dialog at "distribution/dialog" for member (app_id: AppId) -> DistributeView, |c|
        links::distribute_view(&c.s.db, &c.s.links, &c.ctx, &app_id, c.now).await
);

crate::api!(
    /// Creates a link that sells a published version (default: the latest;
    /// before the first, the app is published as 1.0.0 with the link).
    create_link at "distribution/create_link" for member
    (app_id: AppId, expires_days: String, max_purchases: String, bound_org: String, note: String,
     version_id: Option<String>, terms: Option<crate::licences::domain::TermsForm>) -> NewLink, |c| {
        let version = version_id.unwrap_or_default();
        let mut options = LinkOptions::parse(&expires_days, &max_purchases, &bound_org, &note, &version)?;
        options.terms = terms.unwrap_or_default().parse()?;
        links::create_link(&c.s.db, &c.ctx, &app_id, &options, c.now).await
    }
);

crate::api!(
    revoke_link at "distribution/revoke_link" for member (link_id: LinkId) -> (), |c|
        links::revoke_link(&c.s.db, &c.ctx, &link_id, c.now).await
);

crate::api!(
    /// What a link sells; open to anyone holding it. Invalid links are a 404.
    get_link_page at "distribution/link" for anyone (token: String) -> LinkPage, |c|
        links::link_page(&c.s.db, &c.s.links, c.ctx.as_ref(), &token, c.now).await
);

crate::api!(
    /// Buys through a link into one of the caller's organizations (its admins only).
    buy at "distribution/buy" for member (token: String, org_id: OrgId, idempotency_key: String) -> PurchaseOutcome, |c|
        buy_and_land(&c, LinkRef::Token(&token), &org_id, &idempotency_key).await
);

crate::api!(
    /// A member asks the organization's admins to buy.
    ask_admin at "distribution/ask_admin" for member (token: String, org_id: OrgId) -> (), |c|
        purchase::ask_admin(&c.s.db, &c.s.links, &c.ctx, &token, &org_id, c.now).await
);

crate::api!(
    /// Open purchase requests of the current organization (admins).
    purchase_requests at "distribution/requests" for member () -> Vec<RequestView>, |c|
        purchase::requests(&c.s.db, &c.ctx, c.now).await
);

crate::api!(
    /// Buys what a member asked for, into the current organization.
    buy_request at "distribution/buy_request" for member (request_id: RequestId, idempotency_key: String) -> PurchaseOutcome, |c| {
        let link_id = purchase::request_link(&c.s.db, &c.ctx, &request_id).await?;
        let org_id = c.ctx.org()?.org_id.0.clone();
        buy_and_land(&c, LinkRef::Id(&link_id), &org_id, &idempotency_key).await
    }
);

crate::api!(
    dismiss_request at "distribution/dismiss_request" for member (request_id: RequestId) -> (), |c|
        purchase::dismiss_request(&c.s.db, &c.ctx, &request_id, c.now).await
);
