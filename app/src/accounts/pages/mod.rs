//! Accounts pages: sign-in, sign-up, new organization, members, operator.

use crate::accounts::api::{
    ChangePassword, ChangeRole, RemoveMember, RenameOrg, SetCertification, SetTimeZone,
};
use crate::accounts::{CertLevel, Me, Role};

pub mod invitations;
use crate::i18n::{t, use_lang, K};
use crate::session::use_session;
use crate::ui::{error_note, submit_button, SignedIn};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

fn next_param() -> impl Fn() -> Option<String> + Send + Sync + Copy + 'static {
    let query = use_query_map();
    move || query.read().get("next").filter(|n| !n.is_empty())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = use_session().sign_in;
    let next = next_param();
    let pending = move || action.pending().get();
    let sign_up_href = move || match next() {
        Some(n) => format!("/sign-up?next={}", crate::ui::urlencode(&n)),
        None => "/sign-up".into(),
    };
    view! {
        <section class="card narrow">
            <h1>{t(K::SignIn)}</h1>
            <ActionForm action attr:class="stack" attr:data-testid="sign-in-form">
                {error_note(move || action.value().get().and_then(|r| r.err()))}
                <label>
                    {t(K::Email)}
                    <input type="email" name="email" autocomplete="username" required maxlength="254" />
                </label>
                <label>
                    {t(K::Password)}
                    <input type="password" name="password" autocomplete="current-password" required maxlength="128" />
                </label>
                {move || next().map(|n| view! { <input type="hidden" name="next" value=n /> })}
                {submit_button(K::SignIn, K::SigningIn, pending)}
            </ActionForm>
            <p class="muted">{t(K::NoAccount)} " " <A href=sign_up_href>{t(K::SignUp)}</A></p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = use_session().sign_up;
    let next = next_param();
    let pending = move || action.pending().get();
    view! {
        <section class="card narrow">
            <h1>{t(K::SignUp)}</h1>
            <ActionForm action attr:class="stack" attr:data-testid="sign-up-form">
                {error_note(move || action.value().get().and_then(|r| r.err()))}
                <label>
                    {t(K::Email)}
                    <input type="email" name="email" autocomplete="email" required maxlength="254" />
                </label>
                <label>
                    {t(K::DisplayName)}
                    <input type="text" name="display_name" autocomplete="name" required maxlength="50" />
                </label>
                // The hint describes the field; it is not part of its name.
                <label>
                    {t(K::Password)}
                    <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="password-hint" />
                </label>
                <small class="muted" id="password-hint">{t(K::PasswordHint)}</small>
                {move || next().map(|n| view! { <input type="hidden" name="next" value=n /> })}
                {submit_button(K::CreateAccount, K::SigningUp, pending)}
            </ActionForm>
            <p class="muted">{t(K::HaveAccount)} " " <A href="/sign-in">{t(K::SignIn)}</A></p>
        </section>
    }
}

#[component]
pub fn NewOrgPage() -> impl IntoView {
    let action = use_session().create_org;
    let pending = move || action.pending().get();
    view! {
        <SignedIn children=move |_me: Me| view! {
            <section class="card narrow">
                <h1>{t(K::CreateOrg)}</h1>
                <ActionForm action attr:class="stack" attr:data-testid="create-org-form">
                    {error_note(move || action.value().get().and_then(|r| r.err()))}
                    <label>
                        {t(K::OrgName)}
                        <input type="text" name="name" required maxlength="100" />
                    </label>
                    <TimeZoneField value=None />
                    {submit_button(K::Create, K::Creating, pending)}
                </ActionForm>
            </section>
        } />
    }
}

/// The time zone field: any IANA name, common ones offered. Without a
/// `value` it starts with the browser's zone (once the page runs), else the
/// interface language's default.
#[component]
fn TimeZoneField(value: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let chosen = value.is_some();
    let initial =
        value.unwrap_or_else(|| crate::time::default_zone_name(lang.get_untracked()).to_string());
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let (false, Some(el), Some(zone)) = (chosen, input.get(), crate::time::browser_zone()) {
            el.set_value(&zone);
        }
    });
    view! {
        <label>
            {t(K::TimeZone)}
            <input type="text" name="time_zone" value=initial list="time-zones" maxlength="64"
                autocomplete="off" node_ref=input data-testid="time-zone" />
            <span class="muted small">{t(K::TimeZoneHelp)}</span>
        </label>
        <datalist id="time-zones">
            {crate::time::COMMON_ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}
        </datalist>
    }
}

pub(super) fn role_select(name: &'static str, selected: Role) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select name=name aria-label=t(K::Role)>
            {[Role::Member, Role::Admin]
                .into_iter()
                .map(|r| view! {
                    <option value=r.as_str() selected=r == selected>{move || r.label().text(lang.get())}</option>
                })
                .collect_view()}
        </select>
    }
}

#[component]
pub fn MembersPage() -> impl IntoView {
    // The page's data outside the sign-in guard (see `SignedIn`).
    let change = ServerAction::<ChangeRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let members = Resource::new(
        move || (change.version().get(), remove.version().get()),
        |_| super::api::list_members(),
    );
    let data = MembersData {
        change,
        remove,
        members,
    };
    let invitations = invitations::InvitationsData::load();
    view! { <SignedIn children=move |me: Me| view! { <Members me data invitations /> } /> }
}

#[derive(Clone, Copy)]
struct MembersData {
    change: ServerAction<ChangeRole>,
    remove: ServerAction<RemoveMember>,
    members: Resource<Result<Vec<crate::accounts::MemberView>, crate::error::AppError>>,
}

#[component]
fn Members(me: Me, data: MembersData, invitations: invitations::InvitationsData) -> impl IntoView {
    let MembersData {
        change,
        remove,
        members,
    } = data;
    let me_id = me.user_id.clone();
    // Invitations are the admins' (in maintenance the ISV is no admin here).
    let is_admin = me.maintenance.is_none() && me.is_org_admin();
    let org_name = me
        .current
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    view! {
        <section class="card">
            <h1>{t(K::Members)} <span class="muted">" · " {org_name}</span></h1>
            {error_note(move || change.value().get().and_then(|r| r.err()))}
            {error_note(move || remove.value().get().and_then(|r| r.err()))}
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || {
                    let me_id = me_id.clone();
                    Suspend::new(async move {
                        match members.await {
                            Err(e) => error_note(move || Some(e.clone())).into_any(),
                            Ok(list) => view! {
                                <table class="table" data-testid="members">
                                    <thead>
                                        <tr>
                                            <th>{t(K::Name)}</th>
                                            <th>{t(K::Email)}</th>
                                            <th>{t(K::Role)}</th>
                                            <th>{t(K::Actions)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|m| {
                                                let is_me = m.user_id == me_id;
                                                let uid = m.user_id.0.clone();
                                                let uid2 = uid.clone();
                                                view! {
                                                    <tr data-email=m.email.clone()>
                                                        <td>{m.display_name.clone()} {is_me.then(|| view! { <span class="muted">{t(K::You)}</span> })}</td>
                                                        <td>{m.email.clone()}</td>
                                                        <td>
                                                            <ActionForm action=change attr:class="inline">
                                                                <input type="hidden" name="user_id" value=uid />
                                                                {role_select("role", m.role)}
                                                                <button type="submit" class="secondary">{t(K::Save)}</button>
                                                            </ActionForm>
                                                        </td>
                                                        <td>
                                                            <ActionForm action=remove attr:class="inline">
                                                                <input type="hidden" name="user_id" value=uid2 />
                                                                <button type="submit" class="danger">{t(K::Remove)}</button>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                            .into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
        {is_admin.then(|| view! { <OrgNameForm current=me.current.as_ref().map(|o| o.name.clone()).unwrap_or_default() /> })}
        {is_admin.then(|| view! { <OrgTimeZone current=me.zone.name.clone() /> })}
        {is_admin.then(|| view! { <invitations::Invitations data=invitations /> })}
    }
}

/// The organization's name, for its admins.
#[component]
fn OrgNameForm(current: String) -> impl IntoView {
    let action = ServerAction::<RenameOrg>::new();
    let pending = move || action.pending().get();
    // The header names the organization.
    use_session().refresh_when(move || matches!(action.value().get(), Some(Ok(()))));
    view! {
        <section class="card narrow">
            <h2>{t(K::OrgName)}</h2>
            <ActionForm action attr:class="stack" attr:data-testid="org-name-form">
                {error_note(move || action.value().get().and_then(|r| r.err()))}
                <label>
                    {t(K::OrgName)}
                    <input type="text" name="name" required maxlength="100" value=current />
                </label>
                {submit_button(K::Save, K::Saving, pending)}
            </ActionForm>
        </section>
    }
}

/// The organization's time zone, for its admins.
#[component]
fn OrgTimeZone(current: String) -> impl IntoView {
    let action = ServerAction::<SetTimeZone>::new();
    let pending = move || action.pending().get();
    // Every time on every page changes with it.
    use_session().refresh_when(move || matches!(action.value().get(), Some(Ok(()))));
    view! {
        <section class="card narrow">
            <h2>{t(K::TimeZone)}</h2>
            <ActionForm action attr:class="stack" attr:data-testid="time-zone-form">
                {error_note(move || action.value().get().and_then(|r| r.err()))}
                <TimeZoneField value=Some(current) />
                {submit_button(K::Save, K::Saving, pending)}
            </ActionForm>
        </section>
    }
}

#[component]
pub fn OperatorPage() -> impl IntoView {
    // The page's data outside the sign-in guard (see `SignedIn`); only an
    // operator's is asked for.
    let set = ServerAction::<SetCertification>::new();
    let session = use_session();
    let orgs = Resource::new(
        move || set.version().get(),
        move |_| async move {
            if session.caller_may(|me| me.is_operator).await {
                super::api::operator_orgs().await
            } else {
                Ok(Vec::new())
            }
        },
    );
    view! {
        <SignedIn children=move |me: Me| {
            if me.is_operator {
                view! { <Operator set orgs /> }.into_any()
            } else {
                view! {
                    <section class="card narrow">
                        <p class="error" role="alert" data-code="operator_only">{t(K::ErrOperatorOnly)}</p>
                    </section>
                }
                .into_any()
            }
        } />
    }
}

#[component]
fn Operator(
    set: ServerAction<SetCertification>,
    orgs: Resource<Result<Vec<crate::accounts::OrgCertView>, crate::error::AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="card">
            <h1>{t(K::Operator)} " · " {t(K::Organizations)}</h1>
            {error_note(move || set.value().get().and_then(|r| r.err()))}
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match orgs.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="orgs">
                                <thead>
                                    <tr>
                                        <th>{t(K::Organization)}</th>
                                        <th>{t(K::Members)}</th>
                                        <th>{t(K::Certification)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|o| {
                                            let cert = o.cert;
                                            view! {
                                                <tr data-org=o.name.clone()>
                                                    <td>{o.name.clone()}</td>
                                                    <td>{o.members}</td>
                                                    <td>
                                                        <ActionForm action=set attr:class="inline">
                                                            <input type="hidden" name="org_id" value=o.id.0.clone() />
                                                            <select name="level" aria-label=t(K::Certification)>
                                                                {CertLevel::ALL
                                                                    .into_iter()
                                                                    .map(|c| view! {
                                                                        <option value=c.as_str() selected=c == cert>
                                                                            {move || c.label().text(lang.get())}
                                                                        </option>
                                                                    })
                                                                    .collect_view()}
                                                            </select>
                                                            <button type="submit" class="secondary">{t(K::Save)}</button>
                                                            <span class="muted" data-testid="cert-label">{move || cert.label().text(lang.get())}</span>
                                                        </ActionForm>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The signed-in user's own account: changing the password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let pending = move || action.pending().get();
    let query = use_query_map();
    let changed = move || {
        matches!(action.value().get(), Some(Ok(()))) || query.read().get("changed").is_some()
    };
    // The header and the page guards learn that a one-time password is gone.
    use_session().refresh_when(move || matches!(action.value().get(), Some(Ok(()))));
    view! {
        <SignedIn children=move |me: Me| view! {
            <section class="card narrow">
                <h1>{t(K::Account)}</h1>
                <p class="muted">{me.display_name.clone()} " · " {me.email.clone()}</p>
                <h2>{t(K::ChangePassword)}</h2>
                {me.must_change_password.then(|| view! {
                    <p class="notice" role="status" data-testid="must-change-password">{t(K::MustChangePassword)}</p>
                })}
                <Show when=changed>
                    <p class="ok" role="status" data-testid="password-changed">{t(K::PasswordChanged)}</p>
                </Show>
                <ActionForm action attr:class="stack" attr:data-testid="change-password-form">
                    {error_note(move || action.value().get().and_then(|r| r.err()))}
                    <label>
                        {t(K::CurrentPassword)}
                        <input type="password" name="current_password" autocomplete="current-password" required maxlength="128" />
                    </label>
                    <label>
                        {t(K::NewPassword)}
                        <input type="password" name="new_password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="new-password-hint" />
                    </label>
                    <small class="muted" id="new-password-hint">{t(K::PasswordHint)}</small>
                    {submit_button(K::ChangePassword, K::Saving, pending)}
                </ActionForm>
            </section>
        } />
    }
}
