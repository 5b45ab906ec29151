//! Invitations and email verification: the members page's invitation part,
//! the page an invitation link opens, and the page a verification link opens.

use crate::accounts::api::{
    AcceptInvitation, InviteMember, ResendVerification, VerifyEmail, WithdrawInvitation,
};
use crate::accounts::{Me, Role};
use crate::i18n::{t, use_lang, K};
use crate::session::use_session;
use crate::ui::{error_note, submit_button};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The pending invitations and the actions that change them, created by the
/// members page (outside its sign-in guard, see `SignedIn`).
#[derive(Clone, Copy)]
pub struct InvitationsData {
    invite: ServerAction<InviteMember>,
    withdraw: ServerAction<WithdrawInvitation>,
    pending: Resource<Result<Vec<crate::accounts::InvitationView>, crate::error::AppError>>,
}

impl InvitationsData {
    /// Creates the actions and starts loading the list (an admin's only: a
    /// member's would be refused).
    pub fn load() -> Self {
        let invite = ServerAction::<InviteMember>::new();
        let withdraw = ServerAction::<WithdrawInvitation>::new();
        let session = crate::session::use_session();
        let pending = Resource::new(
            move || (invite.version().get(), withdraw.version().get()),
            move |_| async move {
                if session.caller_may(crate::accounts::Me::is_org_admin).await {
                    crate::accounts::api::list_invitations().await
                } else {
                    Ok(Vec::new())
                }
            },
        );
        InvitationsData {
            invite,
            withdraw,
            pending,
        }
    }
}

/// Inviting members, and the invitations still pending (admins).
#[component]
pub fn Invitations(data: InvitationsData) -> impl IntoView {
    let InvitationsData {
        invite,
        withdraw,
        pending,
    } = data;
    let lang = use_lang();
    let sending = move || invite.pending().get();
    view! {
        <section class="card">
            <h2>{t(K::InviteMember)}</h2>
            <ActionForm action=invite attr:class="row" attr:data-testid="invite-form">
                <label class="grow">
                    <span class="sr-only">{t(K::Email)}</span>
                    <input type="email" name="email" required maxlength="254" placeholder=move || K::InviteHint.text(lang.get()) />
                </label>
                {super::role_select("role", Role::Member)}
                {submit_button(K::Invite, K::Inviting, sending)}
            </ActionForm>
            {error_note(move || invite.value().get().and_then(|r| r.err()))}
            <Show when=move || matches!(invite.value().get(), Some(Ok(())))>
                <p class="ok" role="status" data-testid="invitation-sent">{t(K::InvitationSent)}</p>
            </Show>
            <h3>{t(K::PendingInvitations)}</h3>
            {error_note(move || withdraw.value().get().and_then(|r| r.err()))}
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(K::NoPendingInvitations)}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="invitations">
                                <thead>
                                    <tr>
                                        <th>{t(K::Email)}</th>
                                        <th>{t(K::Role)}</th>
                                        <th>{t(K::InvitedBy)}</th>
                                        <th>{t(K::Expires)}</th>
                                        <th>{t(K::Actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|i| {
                                        let role = i.role.label();
                                        view! {
                                            <tr data-email=i.email.clone()>
                                                <td>{i.email.clone()}</td>
                                                <td>{move || role.text(lang.get())}</td>
                                                <td>{i.invited_by.clone()}</td>
                                                <td>{crate::time::show(i.expires_at)}</td>
                                                <td>
                                                    <ActionForm action=withdraw attr:class="inline">
                                                        <input type="hidden" name="invitation_id" value=i.id.clone() />
                                                        <button type="submit" class="danger">{t(K::Withdraw)}</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/invitations/:token`: what the invitation offers; accept it signed in
/// with the invited address, or sign in / sign up first and come back.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, crate::accounts::api::invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let session = use_session();
    // Joining changed the current organization: the header and pages reload it.
    session.refresh_when(move || matches!(accept.value().get(), Some(Ok(()))));
    let lang = use_lang();
    let here = move || format!("/invitations/{}", token());
    view! {
        <section class="card narrow" data-testid="invitation">
            <h1>{t(K::Invitation)}</h1>
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let me = session.me.await.ok().flatten();
                    match preview.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(p) => {
                            let role = p.role.label();
                            let signed_in = me.is_some();
                            view! {
                                <p>
                                    <strong>{p.invited_by.clone()}</strong> " " {t(K::InvitationTo)} " "
                                    <strong data-testid="invitation-org">{p.org_name.clone()}</strong>
                                    " (" {t(K::AsRole)} " " {move || role.text(lang.get())} ")"
                                </p>
                                <p class="muted">{t(K::SentTo)} " " {p.email.clone()} " · " {t(K::Expires)} " " {crate::time::show(p.expires_at)}</p>
                                {if signed_in {
                                    view! {
                                        <ActionForm action=accept attr:class="stack" attr:data-testid="accept-form">
                                            <input type="hidden" name="token" value=token() />
                                            {error_note(move || accept.value().get().and_then(|r| r.err()))}
                                            {submit_button(K::AcceptInvitation, K::Accepting, move || accept.pending().get())}
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    let next = crate::ui::urlencode(&here());
                                    view! {
                                        <p>{t(K::SignInToAccept)}</p>
                                        <p class="row">
                                            <A href=format!("/sign-in?next={next}") attr:class="button">{t(K::SignIn)}</A>
                                            <A href=format!("/sign-up?next={next}") attr:class="button secondary">{t(K::SignUp)}</A>
                                        </p>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/verify-email?token=…`: confirming is a button (a page view changes nothing).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let verify = ServerAction::<VerifyEmail>::new();
    let done = move || matches!(verify.value().get(), Some(Ok(())));
    use_session().refresh_when(done);
    view! {
        <section class="card narrow">
            <h1>{t(K::VerifyEmail)}</h1>
            <Show
                when=done
                fallback=move || view! {
                    <ActionForm action=verify attr:class="stack" attr:data-testid="verify-form">
                        <input type="hidden" name="token" value=token() />
                        {error_note(move || verify.value().get().and_then(|r| r.err()))}
                        {submit_button(K::ConfirmEmail, K::Confirming, move || verify.pending().get())}
                    </ActionForm>
                }
            >
                <p class="ok" role="status" data-testid="email-verified">{t(K::EmailVerified)}</p>
                <A href="/">{t(K::BackToWorkbench)}</A>
            </Show>
        </section>
    }
}

/// A notice for a signed-in user whose address is not verified yet.
#[component]
pub fn VerifyNotice(me: Me) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    (!me.email_verified).then(|| {
        view! {
            <div class="notice" role="status" data-testid="verify-notice">
                {t(K::EmailNotVerifiedYet)} " "
                <ActionForm action=resend attr:class="inline">
                    {submit_button(K::ResendVerification, K::Inviting, move || resend.pending().get())}
                </ActionForm>
                <Show when=move || matches!(resend.value().get(), Some(Ok(())))>
                    <span class="ok">{t(K::VerificationSent)}</span>
                </Show>
                {error_note(move || resend.value().get().and_then(|r| r.err()))}
            </div>
        }
    })
}
