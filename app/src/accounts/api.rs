//! Accounts server functions, at stable paths under `/api/`.

#[cfg(feature = "ssr")]
use super::queries::{self, invitations, throttle};
use super::*;
#[cfg(feature = "ssr")]
use crate::error::{AppError, AppResult, ErrorCode};
use crate::i18n::Lang;
#[cfg(feature = "ssr")]
use crate::session::{call::set_cookie, store as session, Call, Ctx};
use crate::values::{InvitationId, OrgId, UserId};

/// Issues a fresh session (a new id at every sign-in) and sets its cookie,
/// dropping whatever session the browser had before.
#[cfg(feature = "ssr")]
async fn start_session(c: &Call<Option<Ctx>>, user: &UserId) -> AppResult<()> {
    if let Some(old) = &c.ctx {
        session::delete(&c.s.db, &old.session_hash).await?;
    }
    let org = queries::default_org(&c.s.db, user).await?;
    let mut tx = c.s.db.begin_write().await?;
    let token = session::create(&mut tx, &user.0, org.as_deref(), c.now).await?;
    tx.commit().await?;
    set_cookie(&session::cookie_header(&token, c.s.secure_cookies));
    Ok(())
}

crate::api!(
    /// The signed-in user with their organizations, or `None` when signed out.
    get_me at "me" for anyone () -> Option<Me>, |c| {
        let Some(ctx) = c.ctx else {
            return Ok(None);
        };
        let db = &c.s.db;
        if ctx.maintenance_ended.is_some() {
            // Told now: back to the user's own organization from here on.
            crate::maintenance::queries::exit(db, &ctx.session_hash, None, c.now).await?;
        }
        let orgs = queries::orgs_of(db, &ctx.user_id).await?;
        let current = match &ctx.maintenance {
            // Maintaining: the customer's organization, with no role there.
            Some(_) => ctx.org.as_ref().map(|m| OrgView {
                id: m.org_id.clone(),
                name: m.org_name.clone(),
                role: m.role,
                cert: m.cert,
            }),
            None => ctx.org.as_ref().and_then(|m| orgs.iter().find(|o| o.id == m.org_id).cloned()),
        };
        let being_maintained = match (&ctx.maintenance, ctx.org.as_ref()) {
            (None, Some(m)) if m.role == Role::Admin => {
                crate::maintenance::queries::active_in(db, &m.org_id.0, c.now).await?
            }
            _ => Vec::new(),
        };
        // Nobody's to-do or messages show to a maintaining ISV user.
        let counts = match (&ctx.maintenance, ctx.org.as_ref()) {
            (None, Some(m)) => crate::runtime::queries::counts(db, &ctx.user_id, &m.org_id.0).await?,
            _ => Default::default(),
        };
        Ok(Some(Me {
            user_id: ctx.user_id,
            email: ctx.email,
            display_name: ctx.display_name,
            is_operator: ctx.is_operator,
            must_change_password: ctx.must_change_password,
            email_verified: ctx.email_verified,
            current,
            zone: ctx.org.as_ref().and_then(|m| crate::time::zone(&m.time_zone)).unwrap_or_default(),
            orgs,
            maintenance: ctx.maintenance,
            maintenance_ended: ctx.maintenance_ended,
            being_maintained,
            counts,
        }))
    }
);

crate::api!(
    sign_up at "sign_up" for anyone (email: String, display_name: String, password: String, next: Option<String>) -> (), |c| {
        let keys = throttle::sign_up_keys(&email, c.client_ip());
        throttle::attempt(&c.s.db, &keys, ErrorCode::SignUpSlowDown, c.now).await?;
        let email = Email::parse(&email)?;
        let name = DisplayName::parse(&display_name)?;
        let password = NewPassword::chosen_for(&password, email.as_str())?;
        let user = queries::create_user(&c.s.db, &email, &name, &password, c.now).await?;
        start_session(&c, &user).await?;
        // The account works at once; the address is trusted once its
        // owner opens the mailed link (a failed mail can be sent again).
        if let Err(e) =
            invitations::send_verification(&c.s.db, &c.s.mailer, &user, email.as_str(), c.now).await
        {
            tracing::warn!(code = ?e.code, "sign-up: verification mail not sent");
        }
        leptos_axum::redirect(&safe_return_path(next.as_deref()));
        Ok(())
    }
);

crate::api!(
    sign_in at "sign_in" for anyone (email: String, password: String, next: Option<String>) -> (), |c| {
        // Counted before the password check: parallel guesses wait like
        // sequential ones.
        let addr = c.client_ip();
        let keys = throttle::keys(&email, addr);
        throttle::attempt(&c.s.db, &keys, ErrorCode::SignInSlowDown, c.now).await?;
        let user = match queries::check_credentials(&c.s.db, &email, &password).await {
            Err(e) if e.code == ErrorCode::BadCredentials => {
                // The account's organizations see guessing at their people.
                if let Some(id) = queries::user_by_email(&c.s.db, &email).await? {
                    let detail = serde_json::json!({ "address": addr.map(|a| a.to_string()) });
                    queries::record_security_event(&c.s.db, &id, "security.sign_in_failed", detail, c.now)
                        .await?;
                }
                return Err(e);
            }
            other => other?,
        };
        throttle::succeeded(&c.s.db, &keys).await?;
        start_session(&c, &user).await?;
        leptos_axum::redirect(&safe_return_path(next.as_deref()));
        Ok(())
    }
);

crate::api!(
    sign_out at "sign_out" for anyone () -> (), |c| {
        if let Some(ctx) = &c.ctx {
            session::delete(&c.s.db, &ctx.session_hash).await?;
        }
        set_cookie(&session::cookie_header("", c.s.secure_cookies));
        leptos_axum::redirect("/sign-in");
        Ok(())
    }
);

crate::api!(
    /// Changes the caller's password and ends their other sessions (a stolen
    /// session ends with the password it was opened with).
    change_password at "change_password" for password_holder (current_password: String, new_password: String) -> (), |c| {
        if c.ctx.maintenance.is_some() {
            return Err(AppError::new(ErrorCode::NotDuringMaintenance));
        }
        let new = NewPassword::chosen_for(&new_password, &c.ctx.email)?;
        // Guessing the current password through a session is throttled
        // like guessing it at sign-in.
        let keys = throttle::keys(&c.ctx.email, c.client_ip());
        throttle::attempt(&c.s.db, &keys, ErrorCode::SignInSlowDown, c.now).await?;
        match queries::check_credentials(&c.s.db, &c.ctx.email, &current_password).await {
            Err(e) if e.code == ErrorCode::BadCredentials => {
                return Err(AppError::new(ErrorCode::WrongCurrentPassword));
            }
            other => other?,
        };
        throttle::succeeded(&c.s.db, &keys).await?;
        queries::set_password(&c.s.db, &c.ctx.user_id, &new, &c.ctx.session_hash, c.now).await?;
        leptos_axum::redirect("/account?changed=1");
        Ok(())
    }
);

crate::api!(
    switch_org at "switch_org" for member (org_id: OrgId) -> (), |c| {
        // Only an organization the caller belongs to; others are "not found".
        if queries::membership(&c.s.db, &c.ctx.user_id.0, &org_id).await?.is_none() {
            return Err(AppError::new(ErrorCode::NotFound));
        }
        session::set_current_org(&c.s.db, &c.ctx.session_hash, &org_id).await?;
        leptos_axum::redirect("/");
        Ok(())
    }
);

crate::api!(
    /// A new organization, the caller its admin. Its time zone: the one
    /// chosen (the form offers the browser's), else by the interface language.
    create_org at "create_org" for member (name: String, time_zone: Option<String>) -> OrgId, |c| {
        let name = OrgName::parse(&name)?;
        let zone = match time_zone.as_deref().map(str::trim) {
            Some(z) if !z.is_empty() => crate::time::parse_zone_name(z)?,
            _ => crate::time::default_zone_name(crate::i18n::initial_lang()).to_string(),
        };
        let id = queries::create_org(&c.s.db, &c.ctx, &name, &zone, c.now).await?;
        session::set_current_org(&c.s.db, &c.ctx.session_hash, &id.0).await?;
        leptos_axum::redirect("/");
        Ok(id)
    }
);

crate::api!(
    /// The time zone every time of the current organization is shown in (admins).
    set_time_zone at "set_time_zone" for member (time_zone: String) -> (), |c| {
        c.ctx.org_admin()?;
        let zone = crate::time::parse_zone_name(&time_zone)?;
        queries::set_time_zone(&c.s.db, &c.ctx, &zone, c.now).await
    }
);

crate::api!(
    /// Renames the current organization (admins; audited). The orders it
    /// bought are found by the new name at once.
    rename_org at "rename_org" for member (name: String) -> (), |c| {
        c.ctx.org_admin()?;
        let name = OrgName::parse(&name)?;
        queries::rename_org(&c.s.db, &c.ctx, &name, c.now).await
    }
);

crate::api!(
    list_members at "list_members" for member () -> Vec<MemberView>, |c|
        queries::members(&c.s.db, &c.ctx).await
);

crate::api!(
    /// 邀请成员: mails an invitation to an address (admins). Answered the same
    /// whether or not an account exists for it.
    invite_member at "invite_member" for member (email: String, role: String) -> (), |c| {
        c.ctx.org_admin()?;
        let email = Email::parse(&email)?;
        let role = Role::parse(&role)?;
        invitations::invite(&c.s.db, &c.s.mailer, &c.ctx, &email, role, c.now).await
    }
);

crate::api!(
    /// Pending invitations of the current organization (admins).
    list_invitations at "list_invitations" for member () -> Vec<InvitationView>, |c|
        invitations::pending(&c.s.db, &c.ctx, c.now).await
);

crate::api!(
    withdraw_invitation at "withdraw_invitation" for member (invitation_id: InvitationId) -> (), |c|
        invitations::withdraw(&c.s.db, &c.ctx, &invitation_id, c.now).await
);

crate::api!(
    /// What an invitation offers; open to whoever holds its link.
    invitation at "invitation" for anyone (token: String) -> InvitationPreview, |c|
        invitations::preview(&c.s.db, &token, c.now).await
);

crate::api!(
    /// Joins the inviting organization (signed in with the invited address).
    accept_invitation at "accept_invitation" for member (token: String) -> (), |c| {
        let org = invitations::accept(&c.s.db, &c.ctx, &token, c.now).await?;
        session::set_current_org(&c.s.db, &c.ctx.session_hash, &org.0).await?;
        leptos_axum::redirect("/");
        Ok(())
    }
);

crate::api!(
    /// Confirms an address with the token mailed to it (signed in or not: the
    /// token is the proof).
    verify_email at "verify_email" for anyone (token: String) -> (), |c|
        invitations::verify_email(&c.s.db, &token, c.now).await
);

crate::api!(
    /// Mails a new verification link to the caller's address.
    resend_verification at "resend_verification" for member () -> (), |c| {
        if c.ctx.email_verified {
            return Ok(());
        }
        // Each mail is a sign-up-like attempt: throttled the same way.
        let keys = throttle::sign_up_keys(&c.ctx.email, c.client_ip());
        throttle::attempt(&c.s.db, &keys, ErrorCode::SignUpSlowDown, c.now).await?;
        invitations::send_verification(&c.s.db, &c.s.mailer, &c.ctx.user_id, &c.ctx.email, c.now).await
    }
);

crate::api!(
    change_role at "change_role" for member (user_id: UserId, role: String) -> (), |c| {
        c.ctx.org_admin()?;
        let role = Role::parse(&role)?;
        queries::change_role(&c.s.db, &c.ctx, &user_id, role, c.now).await
    }
);

crate::api!(
    remove_member at "remove_member" for member (user_id: UserId) -> (), |c|
        queries::remove_member(&c.s.db, &c.ctx, &user_id, c.now).await
);

crate::api!(
    operator_orgs at "operator_orgs" for operator () -> Vec<OrgCertView>, |c|
        queries::all_orgs(&c.s.db, &c.ctx).await
);

crate::api!(
    set_certification at "set_certification" for operator (org_id: OrgId, level: String) -> (), |c| {
        let level = CertLevel::parse(&level)?;
        queries::set_certification(&c.s.db, &c.ctx, &org_id, level, c.now).await
    }
);

crate::api!(
    /// Remembers the interface language in a cookie (works signed out too).
    set_language at "set_language" for anyone (lang: String) -> Lang, |c| {
        let lang = Lang::parse(&lang).ok_or_else(|| AppError::new(ErrorCode::InvalidInput))?;
        let secure = if c.s.secure_cookies { "; Secure" } else { "" };
        set_cookie(&format!(
            "{}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
            Lang::COOKIE,
            lang.code()
        ));
        Ok(lang)
    }
);
