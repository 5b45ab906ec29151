//! Resolving the caller: the first step of every server function (through
//! [`crate::api!`]) and of every server-rendered page.

use super::ctx::{Ctx, Membership};
use super::store;
use crate::accounts::{CertLevel, OrgId, Role, UserId};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::{app_state, AppState};
use crate::values::SessionId;

/// The caller, resolved at most once per request (provided by the router
/// for every page render and server function call).
#[derive(Clone, Default)]
pub struct RequestCtx(std::sync::Arc<tokio::sync::OnceCell<Option<Ctx>>>);

/// The caller of the current request, if signed in. Resolved once per
/// request: a page render asks from several resources.
pub async fn resolve() -> AppResult<Option<Ctx>> {
    let state = app_state()?;
    let parts = leptos::prelude::use_context::<http::request::Parts>()
        .ok_or_else(|| AppError::internal("request parts missing"))?;
    let Some(token) =
        crate::http::cookie_value(&parts.headers, store::cookie_name(state.secure_cookies))
    else {
        return Ok(None);
    };
    match leptos::prelude::use_context::<RequestCtx>() {
        Some(memo) => memo
            .0
            .get_or_try_init(|| from_token(&state, &token))
            .await
            .cloned(),
        None => from_token(&state, &token).await,
    }
}

/// The caller behind a session token (also for handlers outside server
/// functions, such as the CSV export).
pub async fn from_token(state: &AppState, token: &str) -> AppResult<Option<Ctx>> {
    let now = state.clock.now_ms();
    let Some(s) = store::resolve(&state.db, token, now).await? else {
        return Ok(None);
    };
    let mut maintenance = None;
    let mut maintenance_ended = None;
    if let Some(id) = &s.maintenance_id {
        match store::maintenance(&state.db, id, now).await? {
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
            time_zone: m.customer_time_zone.clone(),
        }),
        (None, Some(org_id), Some((org_name, role, cert))) => {
            let zone = s.org_time_zone.unwrap_or_else(|| "UTC".into());
            Some(Membership::from_row(org_id, org_name, &role, &cert)?.in_zone(zone))
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
        session_hash: SessionId(s.id_hash),
        org,
        maintenance,
        maintenance_ended,
    }))
}

/// Runs a write on a task of its own: a client that goes away (a timeout, a
/// closed tab) drops the request's future, and a write dropped halfway
/// through its transaction left its connection mid-transaction under load
/// ("database is locked" for every writer after it). Errors come back in the
/// request's language (the task has no request to read it from).
pub async fn detached<T: Send + 'static>(
    work: impl std::future::Future<Output = AppResult<T>> + Send + 'static,
) -> AppResult<T> {
    match tokio::spawn(work).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(AppError {
            fields: e.fields,
            ..AppError::new(e.code)
        }),
        Err(join) => Err(AppError::internal(join)),
    }
}

/// What a server function works with: the server state, the caller and the
/// time the call started.
pub struct Call<C> {
    pub s: AppState,
    pub ctx: C,
    pub now: i64,
}

impl<C> Call<C> {
    fn with(s: AppState, ctx: C) -> Self {
        let now = s.clock.now_ms();
        Call { s, ctx, now }
    }

    /// The client's address: the connection's peer, or what a trusted proxy
    /// forwarded. Unknown in tests that call the router without a peer.
    pub fn client_ip(&self) -> Option<std::net::IpAddr> {
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        crate::http::client_ip(peer, &parts.headers, &self.s.trusted_proxies)
    }
}

/// Who may call a server function: each is one step stricter than the last.
impl Call<Option<Ctx>> {
    /// Anyone, signed in or not (`ctx` says which).
    pub async fn anyone() -> AppResult<Self> {
        Ok(Self::with(app_state()?, resolve().await?))
    }
}

impl Call<Ctx> {
    /// Signed in, even with a one-time password still to replace (for
    /// replacing it); a maintenance that just ended is refused once.
    pub async fn password_holder() -> AppResult<Self> {
        let ctx = resolve()
            .await?
            .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated))?;
        if ctx.maintenance_ended.is_some() {
            return Err(AppError::new(ErrorCode::MaintenanceEnded));
        }
        Ok(Self::with(app_state()?, ctx))
    }

    /// Signed in; possibly maintaining one app of a customer (the app
    /// editor's functions).
    pub async fn app_editor() -> AppResult<Self> {
        let call = Self::password_holder().await?;
        if call.ctx.must_change_password {
            return Err(AppError::new(ErrorCode::PasswordChangeRequired));
        }
        Ok(call)
    }

    /// Signed in and working in one's own organizations: everything but
    /// the app editor is closed to a maintaining ISV user.
    pub async fn member() -> AppResult<Self> {
        let call = Self::app_editor().await?;
        if call.ctx.maintenance.is_some() {
            return Err(AppError::new(ErrorCode::NotDuringMaintenance));
        }
        Ok(call)
    }

    /// A platform operator: acts across organizations (certification).
    pub async fn operator() -> AppResult<Self> {
        let call = Self::member().await?;
        call.ctx.operator()?;
        Ok(call)
    }
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn set_cookie(value: &str) {
    if let (Some(opts), Ok(v)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        opts.append_header(http::header::SET_COOKIE, v);
    }
}
