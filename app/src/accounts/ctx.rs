//! The caller's context: resolved first by every server function, passed to
//! every query. The organization always comes from here, never from arguments.

use super::{session, CertLevel, OrgId, Role, UserId};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::maintenance::domain::{EndReason, Maintenance};
use crate::state::{app_state, AppState};

#[derive(Clone, Debug)]
pub struct Membership {
    pub org_id: OrgId,
    pub org_name: String,
    pub role: Role,
    pub cert: CertLevel,
}

impl Membership {
    /// From a stored row: organization id and name, role, certification level.
    pub fn from_row(org_id: String, org_name: String, role: &str, cert: &str) -> AppResult<Self> {
        Ok(Membership {
            org_id: OrgId(org_id),
            org_name,
            role: Role::parse(role)?,
            cert: CertLevel::parse(cert)?,
        })
    }
}

/// The caller, resolved at most once per request (provided by the router
/// for every page render and server function call).
#[derive(Clone, Default)]
pub struct RequestCtx(std::sync::Arc<tokio::sync::OnceCell<Option<Ctx>>>);

#[derive(Clone, Debug)]
pub struct Ctx {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub is_operator: bool,
    /// A one-time password is still in use: only changing it is allowed.
    pub must_change_password: bool,
    pub email_verified: bool,
    pub session_hash: String,
    /// The current organization, re-checked against memberships on every request.
    /// During remote maintenance: the customer's organization.
    pub org: Option<Membership>,
    /// Remote maintenance in progress, re-checked on every request.
    pub maintenance: Option<Maintenance>,
    /// The maintenance this request found over (refused once, then normal).
    pub maintenance_ended: Option<EndReason>,
}

impl Ctx {
    /// The caller of the current request, if signed in. Resolved once per
    /// request: a page render asks from several resources.
    pub async fn resolve() -> AppResult<Option<Ctx>> {
        let state = app_state()?;
        let parts = leptos::prelude::use_context::<http::request::Parts>()
            .ok_or_else(|| AppError::internal("request parts missing"))?;
        let Some(token) =
            session::cookie_value(&parts.headers, session::cookie_name(state.secure_cookies))
        else {
            return Ok(None);
        };
        match leptos::prelude::use_context::<RequestCtx>() {
            Some(memo) => memo
                .0
                .get_or_try_init(|| Self::from_token(&state, &token))
                .await
                .cloned(),
            None => Self::from_token(&state, &token).await,
        }
    }

    pub async fn from_token(state: &AppState, token: &str) -> AppResult<Option<Ctx>> {
        let now = state.clock.now_ms();
        let Some(s) = session::resolve(&state.db, token, now).await? else {
            return Ok(None);
        };
        let mut maintenance = None;
        let mut maintenance_ended = None;
        if let Some(id) = &s.maintenance_id {
            match crate::maintenance::store::check(&state.db, id, now).await? {
                Ok(m) => maintenance = Some(m),
                // Every request is refused until the user has been told (`get_me`).
                Err(reason) => maintenance_ended = Some(reason),
            }
        }
        let org = match (&maintenance, s.current_org, s.membership) {
            // Inside the customer's organization, with no role of its own there.
            (Some(m), _, _) => Some(Membership {
                org_id: OrgId(m.customer_org_id.clone()),
                org_name: m.customer_name.clone(),
                role: Role::Member,
                cert: CertLevel::None,
            }),
            (None, Some(org_id), Some((org_name, role, cert))) => {
                Some(Membership::from_row(org_id, org_name, &role, &cert)?)
            }
            (None, _, _) => None,
        };
        Ok(Some(Ctx {
            user_id: UserId(s.user_id),
            email: s.email,
            display_name: s.display_name,
            is_operator: s.is_operator,
            must_change_password: s.must_change_password,
            email_verified: s.email_verified,
            session_hash: s.id_hash,
            org,
            maintenance,
            maintenance_ended,
        }))
    }

    /// The signed-in caller, or "please sign in".
    /// Refused during remote maintenance: only the app editor is open to a
    /// maintaining ISV user.
    pub async fn require() -> AppResult<Ctx> {
        let ctx = Self::require_for_apps().await?;
        if ctx.maintenance.is_some() {
            return Err(AppError::new(ErrorCode::NotDuringMaintenance));
        }
        Ok(ctx)
    }

    /// The signed-in caller, who may be maintaining one app of a customer.
    pub async fn require_for_apps() -> AppResult<Ctx> {
        let ctx = Self::require_even_with_one_time_password().await?;
        if ctx.must_change_password {
            return Err(AppError::new(ErrorCode::PasswordChangeRequired));
        }
        Ok(ctx)
    }

    /// The signed-in caller, even one who must still replace a one-time
    /// password (for changing it), never in maintenance.
    pub async fn require_even_with_one_time_password() -> AppResult<Ctx> {
        let ctx = Self::resolve()
            .await?
            .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated))?;
        if ctx.maintenance_ended.is_some() {
            return Err(AppError::new(ErrorCode::MaintenanceEnded));
        }
        Ok(ctx)
    }

    pub fn org(&self) -> AppResult<&Membership> {
        self.org
            .as_ref()
            .ok_or_else(|| AppError::new(ErrorCode::NoOrg))
    }

    pub fn org_admin(&self) -> AppResult<&Membership> {
        let m = self.org()?;
        if m.role != Role::Admin {
            return Err(AppError::new(ErrorCode::AdminOnly));
        }
        Ok(m)
    }

    pub fn operator(&self) -> AppResult<()> {
        if !self.is_operator {
            return Err(AppError::new(ErrorCode::OperatorOnly));
        }
        Ok(())
    }
}

/// The server state and the signed-in caller: the first line of a server function.
pub async fn caller() -> AppResult<(AppState, Ctx)> {
    let state = app_state()?;
    let ctx = Ctx::require().await?;
    Ok((state, ctx))
}

/// Like `caller`, for the app editor's functions, which remote maintenance may use.
pub async fn app_caller() -> AppResult<(AppState, Ctx)> {
    let state = app_state()?;
    let ctx = Ctx::require_for_apps().await?;
    Ok((state, ctx))
}
