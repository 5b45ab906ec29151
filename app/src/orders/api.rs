//! Order Center server functions, at `/api/orders/...`.

use super::domain::*;
use crate::error::AppError;
use leptos::prelude::*;

/// A page of the organization's orders: newest first, searched and filtered.
#[server(prefix = "/api", endpoint = "orders/list")]
pub async fn list_orders(
    q: String,
    access: String,
    after: Option<String>,
) -> Result<OrderPage, AppError> {
    crate::error::respond(
        async {
            let (s, ctx) = crate::accounts::ctx::caller().await?;
            let after = after.filter(|a| !a.is_empty());
            super::queries::list(
                &s.db,
                &ctx,
                &q,
                AccessFilter::parse(&access),
                after.as_deref(),
                PAGE_SIZE,
                s.clock.now_ms(),
            )
            .await
        }
        .await,
    )
}

/// One order with its timeline.
#[server(prefix = "/api", endpoint = "orders/get")]
pub async fn get_order(order_id: String) -> Result<OrderDetail, AppError> {
    crate::error::respond(
        async {
            let (s, ctx) = crate::accounts::ctx::caller().await?;
            super::queries::detail(&s.db, &ctx, &order_id, s.clock.now_ms()).await
        }
        .await,
    )
}
