//! Who may read the Order Center: users of a certified ISV organization.
//! (Who may start maintenance from an order is `maintenance::policy`.)

use crate::error::{AppError, AppResult, ErrorCode};
#[cfg(feature = "ssr")]
use crate::session::Ctx;

/// An organization at this certification sells, so it has orders.
pub fn has_orders(cert: crate::accounts::CertLevel) -> AppResult<()> {
    if !cert.may_distribute() {
        return Err(AppError::new(ErrorCode::IsvOnly));
    }
    Ok(())
}

/// Users of a certified ISV organization.
#[cfg(feature = "ssr")]
pub fn require_isv(ctx: &Ctx) -> AppResult<()> {
    has_orders(ctx.org()?.cert)
}
