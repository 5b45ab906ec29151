//! Accounts server functions, at stable paths under `/api/`.

use super::*;
use crate::error::AppError;
use crate::i18n::Lang;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod imp {
    pub use super::super::{ctx::Ctx, invitations, queries, session, throttle};
    pub use crate::error::{respond, AppResult, ErrorCode};
    pub use crate::state::{app_state, AppState};

    /// Issues a fresh session (a new id at every sign-in) and sets its cookie.
    pub async fn start_session(state: &AppState, user: &super::UserId) -> AppResult<()> {
        // Drop whatever session the browser had before.
        if let Some(old) = Ctx::resolve().await? {
            session::delete(&state.db, &old.session_hash).await?;
        }
        let org = queries::default_org(&state.db, user).await?;
        let mut tx = state.db.begin_write().await?;
        let token = session::create(&mut tx, &user.0, org.as_deref(), state.clock.now_ms()).await?;
        tx.commit().await?;
        set_cookie(&session::cookie_header(&token, state.secure_cookies));
        Ok(())
    }

    /// The client's address: the connection's peer, or what a trusted
    /// proxy forwarded (`http::client_ip`). Unknown in tests that call the
    /// router without a peer.
    pub fn client_ip(state: &AppState) -> Option<std::net::IpAddr> {
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        crate::http::client_ip(peer, &parts.headers, &state.trusted_proxies)
    }

    pub fn set_cookie(value: &str) {
        if let (Some(opts), Ok(v)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }
}

/// The signed-in user with their organizations, or `None` when signed out.
#[server(prefix = "/api", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let Some(ctx) = Ctx::resolve().await? else {
                return Ok(None);
            };
            if ctx.maintenance_ended.is_some() {
                // Told now: back to the user's own organization from here on.
                crate::maintenance::store::exit(
                    &state.db,
                    &ctx.session_hash,
                    None,
                    state.clock.now_ms(),
                )
                .await?;
            }
            let orgs = queries::orgs_of(&state.db, &ctx.user_id).await?;
            let current = match &ctx.maintenance {
                // Maintaining: the customer's organization, with no role there.
                Some(_) => ctx.org.as_ref().map(|m| OrgView {
                    id: m.org_id.clone(),
                    name: m.org_name.clone(),
                    role: m.role,
                    cert: m.cert,
                }),
                None => ctx
                    .org
                    .as_ref()
                    .and_then(|m| orgs.iter().find(|o| o.id == m.org_id).cloned()),
            };
            let being_maintained = match (&ctx.maintenance, ctx.org.as_ref()) {
                (None, Some(m)) if m.role == Role::Admin => {
                    crate::maintenance::store::active_in(
                        &state.db,
                        &m.org_id.0,
                        state.clock.now_ms(),
                    )
                    .await?
                }
                _ => Vec::new(),
            };
            Ok(Some(Me {
                user_id: ctx.user_id,
                email: ctx.email,
                display_name: ctx.display_name,
                is_operator: ctx.is_operator,
                must_change_password: ctx.must_change_password,
                email_verified: ctx.email_verified,
                current,
                orgs,
                maintenance: ctx.maintenance,
                maintenance_ended: ctx.maintenance_ended,
                being_maintained,
            }))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    display_name: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let keys = throttle::sign_up_keys(&email, client_ip(&state));
            throttle::attempt(
                &state.db,
                &keys,
                ErrorCode::SignUpSlowDown,
                state.clock.now_ms(),
            )
            .await?;
            let email = Email::parse(&email)?;
            let name = DisplayName::parse(&display_name)?;
            let password = NewPassword::chosen_for(&password, email.as_str())?;
            let user =
                queries::create_user(&state.db, &email, &name, &password, state.clock.now_ms())
                    .await?;
            start_session(&state, &user).await?;
            // The account works at once; the address is trusted once its
            // owner opens the mailed link (a failed mail can be sent again).
            if let Err(e) = invitations::send_verification(
                &state.db,
                &state.mailer,
                &user,
                email.as_str(),
                state.clock.now_ms(),
            )
            .await
            {
                tracing::warn!(code = ?e.code, "sign-up: verification mail not sent");
            }
            leptos_axum::redirect(&safe_return_path(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let now = state.clock.now_ms();
            // Counted before the password check: parallel guesses wait like
            // sequential ones.
            let addr = client_ip(&state);
            let keys = throttle::keys(&email, addr);
            throttle::attempt(&state.db, &keys, ErrorCode::SignInSlowDown, now).await?;
            let user = match queries::check_credentials(&state.db, &email, &password).await {
                Err(e) if e.code == ErrorCode::BadCredentials => {
                    // The account's organizations see guessing at their people.
                    if let Some(id) = queries::user_by_email(&state.db, &email).await? {
                        queries::record_security_event(
                            &state.db,
                            &id,
                            "security.sign_in_failed",
                            serde_json::json!({ "address": addr.map(|a| a.to_string()) }),
                            now,
                        )
                        .await?;
                    }
                    return Err(e);
                }
                other => other?,
            };
            throttle::succeeded(&state.db, &keys).await?;
            start_session(&state, &user).await?;
            leptos_axum::redirect(&safe_return_path(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            if let Some(ctx) = Ctx::resolve().await? {
                session::delete(&state.db, &ctx.session_hash).await?;
            }
            set_cookie(&session::cookie_header("", state.secure_cookies));
            leptos_axum::redirect("/sign-in");
            Ok(())
        }
        .await,
    )
}

/// Changes the caller's password and ends their other sessions (a stolen
/// session ends with the password it was opened with).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require_even_with_one_time_password().await?;
            if ctx.maintenance.is_some() {
                return Err(AppError::new(ErrorCode::NotDuringMaintenance));
            }
            let now = state.clock.now_ms();
            let new = NewPassword::chosen_for(&new_password, &ctx.email)?;
            // Guessing the current password through a session is throttled
            // like guessing it at sign-in.
            let keys = throttle::keys(&ctx.email, client_ip(&state));
            throttle::attempt(&state.db, &keys, ErrorCode::SignInSlowDown, now).await?;
            match queries::check_credentials(&state.db, &ctx.email, &current_password).await {
                Err(e) if e.code == ErrorCode::BadCredentials => {
                    return Err(AppError::new(ErrorCode::WrongCurrentPassword));
                }
                other => other?,
            };
            throttle::succeeded(&state.db, &keys).await?;
            queries::set_password(&state.db, &ctx.user_id, &new, &ctx.session_hash, now).await?;
            leptos_axum::redirect("/account?changed=1");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "switch_org")]
pub async fn switch_org(org_id: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            // Only an organization the caller belongs to; others are "not found".
            if queries::membership(&state.db, &ctx.user_id.0, &org_id)
                .await?
                .is_none()
            {
                return Err(AppError::new(ErrorCode::NotFound));
            }
            session::set_current_org(&state.db, &ctx.session_hash, &org_id).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_org")]
pub async fn create_org(name: String) -> Result<OrgId, AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            let name = OrgName::parse(&name)?;
            let id = queries::create_org(&state.db, &ctx, &name, state.clock.now_ms()).await?;
            session::set_current_org(&state.db, &ctx.session_hash, &id.0).await?;
            leptos_axum::redirect("/");
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "list_members")]
pub async fn list_members() -> Result<Vec<MemberView>, AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            queries::members(&state.db, &ctx).await
        }
        .await,
    )
}

/// 邀请成员: mails an invitation to an address (admins). Answered the same
/// whether or not an account exists for it.
#[server(prefix = "/api", endpoint = "invite_member")]
pub async fn invite_member(email: String, role: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            ctx.org_admin()?;
            let email = Email::parse(&email)?;
            let role = Role::parse(&role)?;
            invitations::invite(
                &state.db,
                &state.mailer,
                &ctx,
                &email,
                role,
                state.clock.now_ms(),
            )
            .await
        }
        .await,
    )
}

/// Pending invitations of the current organization (admins).
#[server(prefix = "/api", endpoint = "list_invitations")]
pub async fn list_invitations() -> Result<Vec<InvitationView>, AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            invitations::pending(&state.db, &ctx, state.clock.now_ms()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "withdraw_invitation")]
pub async fn withdraw_invitation(invitation_id: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            invitations::withdraw(&state.db, &ctx, &invitation_id, state.clock.now_ms()).await
        }
        .await,
    )
}

/// What an invitation offers; open to whoever holds its link.
#[server(prefix = "/api", endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<InvitationPreview, AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            invitations::preview(&state.db, &token, state.clock.now_ms()).await
        }
        .await,
    )
}

/// Joins the inviting organization (signed in with the invited address).
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            let org = invitations::accept(&state.db, &ctx, &token, state.clock.now_ms()).await?;
            session::set_current_org(&state.db, &ctx.session_hash, &org.0).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Confirms an address with the token mailed to it (signed in or not: the
/// token is the proof).
#[server(prefix = "/api", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            invitations::verify_email(&state.db, &token, state.clock.now_ms()).await
        }
        .await,
    )
}

/// Mails a new verification link to the caller's address.
#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            if ctx.email_verified {
                return Ok(());
            }
            // Each mail is a sign-up-like attempt: throttled the same way.
            let keys = throttle::sign_up_keys(&ctx.email, client_ip(&state));
            throttle::attempt(
                &state.db,
                &keys,
                ErrorCode::SignUpSlowDown,
                state.clock.now_ms(),
            )
            .await?;
            invitations::send_verification(
                &state.db,
                &state.mailer,
                &ctx.user_id,
                &ctx.email,
                state.clock.now_ms(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "change_role")]
pub async fn change_role(user_id: String, role: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            ctx.org_admin()?;
            let role = Role::parse(&role)?;
            queries::change_role(
                &state.db,
                &ctx,
                &UserId(user_id),
                role,
                state.clock.now_ms(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(user_id: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            queries::remove_member(&state.db, &ctx, &UserId(user_id), state.clock.now_ms()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "operator_orgs")]
pub async fn operator_orgs() -> Result<Vec<OrgCertView>, AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            queries::all_orgs(&state.db, &ctx).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "set_certification")]
pub async fn set_certification(org_id: String, level: String) -> Result<(), AppError> {
    use imp::*;
    respond(
        async {
            let state = app_state()?;
            let ctx = Ctx::require().await?;
            ctx.operator()?;
            let level = CertLevel::parse(&level)?;
            queries::set_certification(&state.db, &ctx, &OrgId(org_id), level, state.clock.now_ms())
                .await
        }
        .await,
    )
}

/// Remembers the interface language in a cookie (works signed out too).
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<Lang, AppError> {
    use imp::*;
    respond(
        async {
            let lang = Lang::parse(&lang).ok_or_else(|| AppError::new(ErrorCode::InvalidInput))?;
            let state = app_state()?;
            let secure = if state.secure_cookies { "; Secure" } else { "" };
            set_cookie(&format!(
                "{}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
                Lang::COOKIE,
                lang.code()
            ));
            Ok(lang)
        }
        .await,
    )
}
