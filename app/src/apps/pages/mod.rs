//! The Workbench (工作台) of the current organization and its My Apps (我的应用).

use super::api::{list_apps, CreateApp};
use super::domain::{AppCard, Icon};
use crate::accounts::{Me, OrgView, Role};
use crate::i18n::{t, use_lang, K};
use crate::ui::{error_note, submit_button, SignedIn};
use editor::choice_options;
use leptos::prelude::*;
use leptos_router::components::A;

pub mod editor;
mod editor_forms;
mod editor_more;

#[component]
pub fn WorkbenchPage() -> impl IntoView {
    // The page's data is created here, outside the sign-in guard (see
    // `SignedIn`): inside, the server render would create it three times.
    let apps = AppsData::load();
    let requests = crate::distribution::pages::RequestsData::load();
    view! {
        <SignedIn children=move |me: Me| view! {
            <crate::accounts::pages::invitations::VerifyNotice me=me.clone() />
            <Workbench me apps requests />
        } />
    }
}

/// The organization's apps and the actions that change the list.
#[derive(Clone, Copy)]
struct AppsData {
    create: ServerAction<CreateApp>,
    close: ServerAction<crate::maintenance::api::CloseAccess>,
    list: Resource<Result<Vec<AppCard>, crate::error::AppError>>,
}

impl AppsData {
    /// Creates the actions and starts loading the list.
    fn load() -> Self {
        let create = ServerAction::<CreateApp>::new();
        let close = ServerAction::<crate::maintenance::api::CloseAccess>::new();
        let list = Resource::new(
            move || (create.version().get(), close.version().get()),
            |_| list_apps(),
        );
        // Closing access also ends the "is maintaining" banner.
        crate::session::use_session()
            .refresh_when(move || matches!(close.value().get(), Some(Ok(()))));
        AppsData {
            create,
            close,
            list,
        }
    }
}

#[component]
fn Workbench(
    me: Me,
    apps: AppsData,
    requests: crate::distribution::pages::RequestsData,
) -> impl IntoView {
    let lang = use_lang();
    match me.current.clone() {
        None => view! {
            <section class="card narrow" data-testid="workbench">
                <h1>{t(K::Workbench)}</h1>
                <p>{t(K::Hello)} {me.display_name.clone()}</p>
                <p>{t(K::NoOrgYet)}</p>
                <A href="/orgs/new" attr:class="button">{t(K::CreateOrg)}</A>
            </section>
        }
        .into_any(),
        Some(org) => {
            let role = org.role.label();
            let cert = org.cert.label();
            view! {
                <section class="card" data-testid="workbench">
                    <h1>{t(K::Workbench)} <span class="muted">" · "</span> <span data-testid="current-org">{org.name.clone()}</span></h1>
                    <p>{t(K::Hello)} {me.display_name.clone()}</p>
                    <dl class="facts">
                        <dt>{t(K::YourRole)}</dt>
                        <dd data-testid="current-role">{move || role.text(lang.get())}</dd>
                        <dt>{t(K::Certification)}</dt>
                        <dd>{move || cert.text(lang.get())}</dd>
                        <dt>{t(K::OrgId)}</dt>
                        <dd><code data-testid="org-id">{org.id.0.clone()}</code></dd>
                    </dl>
                </section>
                {(org.role == Role::Admin).then(|| view! { <crate::distribution::pages::Requests data=requests /> })}
                <MyApps org data=apps />
            }
            .into_any()
        }
    }
}

#[component]
fn MyApps(org: OrgView, data: AppsData) -> impl IntoView {
    let AppsData {
        create,
        close,
        list: apps,
    } = data;
    let is_admin = org.role == Role::Admin;
    view! {
        <section class="card" data-testid="my-apps">
            <div class="section-head">
                <h2>{t(K::MyApps)}</h2>
            </div>
            {is_admin.then(|| view! { <NewApp create /> })}
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match apps.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(K::NoAppsYet)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="cards">
                                {list.into_iter().map(|app| view! { <AppCardView app close /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewApp(create: ServerAction<CreateApp>) -> impl IntoView {
    view! {
        <details class="add">
            <summary>{t(K::NewApp)}</summary>
            <ActionForm action=create attr:class="stack" attr:data-testid="create-app">
                {error_note(move || create.value().get().and_then(|r| r.err()))}
                <label>{t(K::AppName)} <input name="name" required maxlength="60" /></label>
                <label>
                    {t(K::Icon)}
                    <select name="icon">{choice_options::<Icon>(None)}</select>
                </label>
                <label>{t(K::Description)} <textarea name="description" maxlength="500" rows="2"></textarea></label>
                {submit_button(K::Create, K::Creating, move || create.pending().get())}
            </ActionForm>
        </details>
    }
}

#[component]
fn AppCardView(
    app: AppCard,
    close: ServerAction<crate::maintenance::api::CloseAccess>,
) -> impl IntoView {
    let lang = use_lang();
    let href = format!("/apps/{}", app.id);
    let use_href = format!("/use/{}", app.id);
    let origin = if app.origin == "installed" {
        K::OriginInstalled
    } else {
        K::OriginOwn
    };
    let can_edit = app.can_edit;
    let distribute = app
        .can_distribute
        .then(|| format!("/apps/{}/distribute", app.id));
    let setup_incomplete = app.setup_incomplete;
    let offered = app.upgrade_offered.clone();
    let unreviewed = app.unreviewed_changes;
    let licence_warning = app.licence_warning;
    let access_open = app.access_open;
    let app_id = app.id.clone();
    let updated = crate::time::show(app.updated_at);
    let by = (!app.updated_by.is_empty()).then(|| format!(" · {}", app.updated_by));
    let (name, icon, description) = (app.name.clone(), app.icon, app.description.clone());
    view! {
        <li class="app-card" data-app=app.name.clone() data-app-id=app.id.to_string()>
            // Plain links (the router still navigates in place): a router
            // component per link made hydrating a long Workbench a long task.
            <a href=href.clone() class="app-card-main">
                <AppIcon icon />
                <span class="app-card-text">
                    <strong>{name} {setup_incomplete.then(|| view! { " " <span class="badge warn" data-testid="setup-incomplete">{t(K::SetupIncomplete)}</span> })}
                        {offered.map(|v| view! { " " <span class="badge" data-testid="upgrade-offered">{t(K::UpgradeOffered)} " " {v}</span> })}
                        {(unreviewed > 0).then(|| view! { " " <span class="badge warn" data-testid="unreviewed-changes">{t(K::UnreviewedSessions)} " " {unreviewed}</span> })}
                        {licence_warning.map(|(state, until)| view! {
                            " " <span class="badge warn" data-testid="licence-warning" data-state=state.as_str()>
                                {move || state.label().text(lang.get())}
                                {until.map(|u| view! { " · " {t(K::LicenceUntil)} " " {crate::time::show(u)} })}
                            </span>
                        })}</strong>
                    <span class="muted small clamp">{description}</span>
                    <span class="muted small">
                        {move || origin.text(lang.get())} " · " {t(K::LastChange)} " " {updated} {by}
                    </span>
                </span>
            </a>
            {app.can_use.then(|| view! { <a href=use_href class="button secondary" data-testid="use-app">{t(K::UseApp)}</a> })}
            // The card menu (▾): its entries depend on what the user may do.
            <details class="menu">
                <summary aria-label=t(K::MoreActions) data-testid="app-menu">"▾"</summary>
                <ul role="menu">
                    <li role="none">
                        <a href=href role="menuitem">{move || if can_edit { K::EditApp } else { K::OpenApp }.text(lang.get())}</a>
                    </li>
                    {access_open.then(|| view! {
                        <li role="none">
                            <ActionForm action=close attr:class="inline">
                                <input type="hidden" name="app_id" value=app_id.clone() />
                                <button type="submit" role="menuitem" class="link danger-text" data-testid="close-dev-card">{t(K::CloseDevState)}</button>
                            </ActionForm>
                        </li>
                    })}
                    {distribute.map(|href| view! {
                        <li role="none">
                            <a href=href role="menuitem" data-testid="distribute-entry">{t(K::DistributeApp)}</a>
                        </li>
                    })}
                </ul>
            </details>
        </li>
    }
}

/// An app's icon, drawn inline (decorative: the app's name is beside it).
#[component]
pub fn AppIcon(icon: Icon) -> impl IntoView {
    view! {
        <span class="app-icon" aria-hidden="true">
            <svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
                <path d=icon.path() />
            </svg>
        </span>
    }
}
