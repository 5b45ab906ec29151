//! Remote maintenance server functions, at `/api/maintenance/...`.

use super::domain::Access;
use crate::error::AppError;
use leptos::prelude::*;

/// 远程维护: enter the customer's organization as app admin of that app.
#[server(prefix = "/api", endpoint = "maintenance/start")]
pub async fn start_maintenance(order_id: String) -> Result<(), AppError> {
    crate::error::respond(
        async {
            let (s, ctx) = crate::accounts::ctx::caller().await?;
            let app_id =
                super::store::start(&s.db, &ctx, &ctx.session_hash, &order_id, s.clock.now_ms())
                    .await?;
            leptos_axum::redirect(&format!("/apps/{app_id}"));
            Ok(())
        }
        .await,
    )
}

/// 退出维护: back to the user's own organization.
#[server(prefix = "/api", endpoint = "maintenance/exit")]
pub async fn exit_maintenance() -> Result<(), AppError> {
    crate::error::respond(
        async {
            let s = crate::state::app_state()?;
            let ctx = crate::accounts::ctx::Ctx::resolve()
                .await?
                .ok_or_else(|| AppError::new(crate::error::ErrorCode::Unauthenticated))?;
            let id = ctx.maintenance.as_ref().map(|m| m.id.as_str());
            super::store::exit(&s.db, &ctx.session_hash, id, s.clock.now_ms()).await?;
            leptos_axum::redirect("/orders");
            Ok(())
        }
        .await,
    )
}

/// 关闭开发状态 (also the customer's "结束维护"): closes access at once.
#[server(prefix = "/api", endpoint = "maintenance/close")]
pub async fn close_access(app_id: String) -> Result<(), AppError> {
    crate::error::respond(
        async {
            let (s, ctx) = crate::accounts::ctx::caller().await?;
            super::store::close_access(&s.db, &ctx, &app_id, s.clock.now_ms()).await
        }
        .await,
    )
}

/// 申请维护: opens access for 1–90 days, with a note for the ISV.
#[server(prefix = "/api", endpoint = "maintenance/request")]
pub async fn request_maintenance(
    app_id: String,
    note: String,
    days: String,
) -> Result<(), AppError> {
    crate::error::respond(
        async {
            let (s, ctx) = crate::accounts::ctx::caller().await?;
            let days: i64 = days
                .trim()
                .parse()
                .map_err(|_| AppError::new(crate::error::ErrorCode::InvalidAccessDays))?;
            super::store::request(&s.db, &ctx, &app_id, &note, days, s.clock.now_ms()).await
        }
        .await,
    )
}

/// The access switch of an installed app (customer admins; `None` otherwise).
#[server(prefix = "/api", endpoint = "maintenance/access")]
pub async fn app_access(app_id: String) -> Result<Option<Access>, AppError> {
    crate::error::respond(
        async {
            let (s, ctx) = crate::accounts::ctx::app_caller().await?;
            if ctx.maintenance.is_some() {
                return Ok(None);
            }
            super::store::access_for_customer(&s.db, &ctx, &app_id).await
        }
        .await,
    )
}
