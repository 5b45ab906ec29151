//! Change-set server functions, at `/api/changes/...`.

use super::domain::*;
#[cfg(feature = "ssr")]
use super::queries;
#[cfg(feature = "ssr")]
use crate::error::{AppError, ErrorCode};
use crate::values::{AppId, ChangeSetId, OrderId};

crate::api!(
    /// An installed app's change sets: maintenance sessions and reverts
    /// (the customer's admins).
    get_change_sets at "changes/list" for member (app_id: AppId) -> Vec<SetSummary>, |c|
        queries::list(&c.s.db, &c.ctx, &app_id, c.now).await
);

crate::api!(
    /// One change set, change by change, with where each stands now.
    get_change_set at "changes/view" for member (app_id: AppId, set_id: ChangeSetId) -> SetView, |c|
        queries::view(&c.s.db, &c.ctx, &app_id, &set_id, c.now).await
);

crate::api!(
    /// Reverts a change set: all of it (`only` empty), or the change ids and
    /// part keys `only` lists (one a line). A change made since is kept
    /// unless `restore` lists it; `with_dependents` (yes/no) takes the
    /// set's parts that refer to what is removed along.
    revert_changes at "changes/revert" for member
    (app_id: AppId, set_id: ChangeSetId, only: String, restore: String, with_dependents: String) -> RevertOutcome, |c| {
        let (only, restore) = (selection(&only)?, selection(&restore)?);
        let with_dependents = match with_dependents.as_str() {
            "yes" => true,
            "no" | "" => false,
            _ => return Err(AppError::new(ErrorCode::InvalidInput)),
        };
        let (db, ctx, now) = (c.s.db.clone(), c.ctx.clone(), c.now);
        // On a task of its own (see `session::detached`).
        crate::session::detached(async move {
            let r = queries::Revert { only: &only, restore: &restore, with_dependents };
            queries::revert(&db, &ctx, &app_id, &set_id, &r, now).await
        })
        .await
    }
);

crate::api!(
    /// Marks a maintenance session reviewed.
    mark_reviewed at "changes/reviewed" for member (app_id: AppId, set_id: ChangeSetId) -> (), |c|
        queries::mark_reviewed(&c.s.db, &c.ctx, &app_id, &set_id, c.now).await
);

crate::api!(
    /// The ISV's maintenance sessions on one of its orders, with their changes.
    get_order_changes at "changes/order" for member (order_id: OrderId) -> Vec<OrderSet>, |c|
        queries::for_order(&c.s.db, &c.ctx, &order_id, c.now).await
);

crate::api!(
    /// Applies what a session changed at the customer to the ISV's own app
    /// (as a draft for its next version); returns how many changes it took.
    take_fix_home at "changes/take_home" for member (order_id: OrderId, set_id: ChangeSetId) -> usize, |c|
        queries::take_home(&c.s.db, &c.ctx, &order_id, &set_id, c.now).await
);
