//! Who may read the audit log: the organization's admins, in their own
//! organization (never a provider during remote maintenance: every server
//! function but the app editor's refuses maintenance, see `session::Call`).

#[cfg(feature = "ssr")]
use crate::{
    error::AppResult,
    session::{Ctx, Membership},
};

/// The organization whose log the caller may read.
#[cfg(feature = "ssr")]
pub fn reader(ctx: &Ctx) -> AppResult<&Membership> {
    ctx.org_admin()
}
