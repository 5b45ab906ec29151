//! Remote maintenance server functions, at `/api/maintenance/...`.

use super::domain::Access;
#[cfg(feature = "ssr")]
use super::queries;
#[cfg(feature = "ssr")]
use crate::error::{AppError, ErrorCode};
use crate::values::{AppId, OrderId};

crate::api!(
    /// 远程维护: enter the customer's organization as app admin of that app.
    start_maintenance at "maintenance/start" for member (order_id: OrderId) -> (), |c| {
        let app_id = queries::start(&c.s.db, &c.ctx, &order_id, c.now).await?;
        leptos_axum::redirect(&format!("/apps/{app_id}"));
        Ok(())
    }
);

crate::api!(
    /// 退出维护: back to the user's own organization (also once it has ended).
    exit_maintenance at "maintenance/exit" for anyone () -> (), |c| {
        let ctx = c.ctx.ok_or_else(|| AppError::new(ErrorCode::Unauthenticated))?;
        let id = ctx.maintenance.as_ref().map(|m| &m.id);
        queries::exit(&c.s.db, &ctx.session_hash, id, c.now).await?;
        leptos_axum::redirect("/orders");
        Ok(())
    }
);

crate::api!(
    /// 关闭开发状态 (also the customer's "结束维护"): closes access at once.
    close_access at "maintenance/close" for member (app_id: AppId) -> (), |c|
        queries::close_access(&c.s.db, &c.ctx, &app_id, c.now).await
);

crate::api!(
    /// 申请维护: opens access for 1–90 days, with a note for the ISV.
    request_maintenance at "maintenance/request" for member (app_id: AppId, note: String, days: String) -> (), |c| {
        let days: i64 = days.trim().parse().map_err(|_| AppError::new(ErrorCode::InvalidAccessDays))?;
        queries::request(&c.s.db, &c.ctx, &app_id, &note, days, c.now).await
    }
);

crate::api!(
    /// The access switch of an installed app (customer admins; `None` otherwise).
    app_access at "maintenance/access" for app_editor (app_id: AppId) -> Option<Access>, |c| {
        if c.ctx.maintenance.is_some() {
            return Ok(None);
        }
        queries::access_for_customer(&c.s.db, &c.ctx, &app_id).await
    }
);

crate::api!(
    /// "Allow the provider to see data" (`allow`: yes/no), for the access
    /// period now open; customer admins.
    set_data_access at "maintenance/data_access" for member (app_id: AppId, allow: String) -> (), |c| {
        let allow = match allow.as_str() {
            "yes" => true,
            "no" => false,
            _ => return Err(AppError::new(ErrorCode::InvalidInput)),
        };
        queries::set_data_access(&c.s.db, &c.ctx, &app_id, allow, c.now).await
    }
);
