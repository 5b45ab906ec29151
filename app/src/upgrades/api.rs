//! Upgrade server functions, at `/api/upgrades/...`.

use super::domain::*;
#[cfg(feature = "ssr")]
use super::queries;
use crate::values::{AppId, UpgradeId, VersionId};
use std::collections::HashMap;

crate::api!(
    /// Offers a published version to the app's orders: all, the listed
    /// order numbers, or all except them.
    offer_upgrade at "upgrades/offer" for member
    (app_id: AppId, version_id: VersionId, scope: String, orders: String) -> OfferOutcome, |c| {
        let scope = OfferScope::parse(&scope)?;
        let orders = order_numbers(&orders)?;
        queries::offer(&c.s.db, &c.ctx, &app_id, &version_id, scope, &orders, c.now).await
    }
);

crate::api!(
    /// The installed version of a copy and its upgrades in view.
    get_upgrade_card at "upgrades/card" for member (app_id: AppId) -> UpgradeCard, |c|
        queries::card(&c.s.db, &c.ctx, &app_id, c.now).await
);

crate::api!(
    /// What the next step of an upgrade would do; nothing changes.
    preview_upgrade at "upgrades/preview" for member (app_id: AppId, upgrade_id: UpgradeId) -> Preview, |c|
        queries::preview(&c.s.db, &c.ctx, &app_id, &upgrade_id, c.now).await
);

crate::api!(
    /// Applies or rolls back an upgrade as previewed (`basis`), with the
    /// conflicts resolved as `choices[c<n>]` says (default: keep mine).
    run_upgrade at "upgrades/run" for member
    (app_id: AppId, upgrade_id: UpgradeId, step: String, basis: String,
     choices: Option<HashMap<String, String>>) -> (), |c| {
        let step = Step::parse(&step)?;
        let picks = resolutions(&choices.unwrap_or_default())?;
        let (db, ctx, now, app) = (c.s.db.clone(), c.ctx.clone(), c.now, app_id.clone());
        // On a task of its own (see `session::detached`).
        crate::session::detached(async move {
            queries::run(&db, &ctx, &app, &upgrade_id, step, &basis, &picks, now).await
        })
        .await?;
        leptos_axum::redirect(&format!("/apps/{app_id}"));
        Ok(())
    }
);

crate::api!(
    /// Declines an offered upgrade.
    decline_upgrade at "upgrades/decline" for member (app_id: AppId, upgrade_id: UpgradeId) -> (), |c| {
        queries::decline(&c.s.db, &c.ctx, &app_id, &upgrade_id, c.now).await?;
        leptos_axum::redirect(&format!("/apps/{app_id}"));
        Ok(())
    }
);
