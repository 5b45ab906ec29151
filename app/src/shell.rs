//! The page frame: document shell, header, routes and the shared session state.

use crate::accounts::api::{get_me, CreateOrg, SignIn, SignOut, SignUp, SwitchOrg};
use crate::accounts::pages::invitations::{InvitationPage, VerifyEmailPage};
use crate::accounts::pages::{
    AccountPage, MembersPage, NewOrgPage, OperatorPage, SignInPage, SignUpPage,
};
use crate::accounts::Me;
use crate::apps::pages::editor::AppEditorPage;
use crate::apps::pages::WorkbenchPage;
use crate::audit::pages::AuditPage;
use crate::changes::pages::ChangeSetPage;
use crate::distribution::pages::{DistributePage, LinkRoutePage};
use crate::i18n::{t, use_lang, LangCtx, K};
use crate::orders::pages::{OrderDetailPage, OrdersPage};
use crate::runtime::pages::{DeliveriesPage, MessagesPage, RecordPage, TodoPage, UseAppPage};
use crate::session::{use_session, SessionCtx};
use crate::upgrades::pages::UpgradePage;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// Every page but the purchase-link page loads its code when first visited
/// (`cargo leptos build --split`): a customer opening a link loads only the
/// frame and that page.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        struct $route;
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    };
}
lazy_page!(WorkbenchRoute, WorkbenchPage);
lazy_page!(SignInRoute, SignInPage);
lazy_page!(SignUpRoute, SignUpPage);
lazy_page!(NewOrgRoute, NewOrgPage);
lazy_page!(MembersRoute, MembersPage);
lazy_page!(AccountRoute, AccountPage);
lazy_page!(OperatorRoute, OperatorPage);
lazy_page!(AppEditorRoute, AppEditorPage);
lazy_page!(DistributeRoute, DistributePage);
lazy_page!(OrdersRoute, OrdersPage);
lazy_page!(OrderDetailRoute, OrderDetailPage);
lazy_page!(AuditRoute, AuditPage);
lazy_page!(InvitationRoute, InvitationPage);
lazy_page!(VerifyEmailRoute, VerifyEmailPage);
lazy_page!(UseAppRoute, UseAppPage);
lazy_page!(RecordRoute, RecordPage);
lazy_page!(TodoRoute, TodoPage);
lazy_page!(MessagesRoute, MessagesPage);
lazy_page!(DeliveriesRoute, DeliveriesPage);
lazy_page!(UpgradeRoute, UpgradePage);
lazy_page!(ChangeSetRoute, ChangeSetPage);

#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = crate::i18n::initial_lang();
    // leptos_axum puts a fresh nonce on every inline script it renders; the
    // page's policy allows exactly those, our own files and the WASM.
    if let (Some(nonce), Some(resp)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(v) = http::HeaderValue::from_str(&crate::http::page_csp(&nonce)) {
            resp.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                // The stylesheet by its built name (rendered here, on the server).
                <crate::hydration::StyleLink options=options.clone() />
                <crate::hydration::IdleHydration options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(not(feature = "ssr"))]
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    view! { <App /> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(crate::i18n::initial_lang());
    provide_context(LangCtx(lang));

    // Browser tests wait for this marker instead of sleeping.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title text="Fenfa 分发" />
        <Router>
            <Frame />
        </Router>
    }
}

/// Inside the router, so that actions see errors of no-JavaScript form posts.
#[component]
fn Frame() -> impl IntoView {
    // `<Routes>` provides a no-JavaScript form error only to route components;
    // these actions live above it, so provide it here as well.
    leptos_router::hooks::use_url()
        .read_untracked()
        .provide_server_action_error();
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let switch_org = ServerAction::<SwitchOrg>::new();
    let create_org = ServerAction::<CreateOrg>::new();
    let epoch = RwSignal::new(0u32);
    let me = Resource::new(
        move || {
            (
                epoch.get(),
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
                switch_org.version().get(),
                create_org.version().get(),
            )
        },
        |_| get_me(),
    );
    provide_context(SessionCtx {
        me,
        sign_in,
        sign_up,
        sign_out,
        switch_org,
        create_org,
        epoch,
    });

    view! {
        <Header />
        <crate::maintenance::pages::MaintenanceBanners />
        <main class="page">
            // Async rendering: pages arrive complete, so they work without JavaScript.
            <Routes fallback=NotFound>
                <Route path=path!("/") view={Lazy::<WorkbenchRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/sign-in") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/sign-up") view={Lazy::<SignUpRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/orgs/new") view={Lazy::<NewOrgRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/members") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/operator") view={Lazy::<OperatorRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/apps/:id") view={Lazy::<AppEditorRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/apps/:id/distribute") view={Lazy::<DistributeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/apps/:id/upgrades/:upgrade") view={Lazy::<UpgradeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/apps/:id/changes/:set") view={Lazy::<ChangeSetRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/l/:token") view=LinkRoutePage ssr=SsrMode::Async />
                <Route path=path!("/orders") view={Lazy::<OrdersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/orders/:id") view={Lazy::<OrderDetailRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/invitations/:token") view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/use/:id") view={Lazy::<UseAppRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/records/:id") view={Lazy::<RecordRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/todo") view={Lazy::<TodoRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/messages") view={Lazy::<MessagesRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/apps/:id/deliveries") view={Lazy::<DeliveriesRoute>::new()} ssr=SsrMode::Async />
            </Routes>
        </main>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card narrow">
            <h1>{t(K::PageNotFound)}</h1>
            <A href="/">{t(K::BackToWorkbench)}</A>
        </section>
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    // On a phone the navigation folds behind a menu button: a checkbox and
    // its label, so it opens without JavaScript too. It closes again when
    // the page changes.
    let menu = NodeRef::<leptos::html::Input>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        if let Some(m) = menu.get_untracked() {
            m.set_checked(false);
        }
    });
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="logo" aria-hidden="true">"分"</span>
                {t(K::Brand)}
            </A>
            <LanguageSwitch />
            <input type="checkbox" id="menu-toggle" class="menu-toggle" node_ref=menu aria-controls="menu-body" />
            <label for="menu-toggle" class="menu-button" data-testid="menu-button">{t(K::Menu)}</label>
            <div class="menu-body" id="menu-body">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match session.me.await {
                            Ok(Some(me)) => view! { <UserNav me /> }.into_any(),
                            _ => view! {
                                <nav class="nav">
                                    <A href="/sign-in">{t(K::SignIn)}</A>
                                    <A href="/sign-up">{t(K::SignUp)}</A>
                                </nav>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </header>
    }
}

#[component]
fn UserNav(me: Me) -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let is_admin = me
        .current
        .as_ref()
        .is_some_and(|o| o.role == crate::accounts::Role::Admin);
    let current_id = me
        .current
        .as_ref()
        .map(|o| o.id.0.clone())
        .unwrap_or_default();
    let orgs = me.orgs.clone();
    let is_operator = me.is_operator;
    let maintaining = me.maintenance.is_some();
    let is_isv = !maintaining && me.current.as_ref().is_some_and(|o| o.cert.may_distribute());
    let works_here = !maintaining && me.current.is_some();
    let counts = me.counts;
    let switcher = (!orgs.is_empty() && !maintaining).then(|| {
        view! {
            <ActionForm action=session.switch_org attr:class="org-switch">
                <label class="sr-only" for="org-switch">{t(K::SwitchOrg)}</label>
                <select id="org-switch" name="org_id" data-testid="org-switch">
                    {orgs
                        .iter()
                        .map(|o| {
                            let selected = o.id.0 == current_id;
                            let role = o.role.label();
                            let name = o.name.clone();
                            view! {
                                <option value=o.id.0.clone() selected=selected>
                                    {move || format!("{} · {}", name, role.text(lang.get()))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="secondary">{t(K::Switch)}</button>
            </ActionForm>
        }
    });
    view! {
        <nav class="nav">
            <A href="/">{t(K::Workbench)}</A>
            {works_here.then(|| view! {
                <A href="/todo" attr:data-testid="todo-link">
                    {t(K::Todo)}
                    {(counts.todo > 0).then(|| view! {
                        " " <span class="badge" data-testid="todo-count" title=t(K::TodoCount)>{counts.todo}</span>
                    })}
                </A>
                <A href="/messages" attr:data-testid="messages-link">
                    {t(K::InboxMessages)}
                    {(counts.unread > 0).then(|| view! {
                        " " <span class="badge" data-testid="unread-count" title=t(K::UnreadCount)>{counts.unread}</span>
                    })}
                </A>
            })}
            <Show when=move || is_admin>
                <A href="/members">{t(K::Members)}</A>
            </Show>
            <Show when=move || is_isv>
                <A href="/orders">{t(K::OrderCenter)}</A>
            </Show>
            <Show when=move || is_admin>
                <A href="/audit">{t(K::AuditLog)}</A>
            </Show>
            <Show when=move || is_operator>
                <A href="/operator">{t(K::Operator)}</A>
            </Show>
        </nav>
        <div class="user">
            {switcher}
            <A href="/orgs/new" attr:class="button secondary">{t(K::CreateOrg)}</A>
            <A href="/account" attr:class="who" attr:title=me.email.clone() attr:data-testid="account-link">{me.display_name.clone()}</A>
            <ActionForm action=session.sign_out>
                <button type="submit" class="link">{t(K::SignOut)}</button>
            </ActionForm>
        </div>
    }
}

/// Toggles zh-CN / en. Works as a plain form without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<crate::accounts::api::SetLanguage>::new();
    // Apply the new language once the server has remembered it.
    Effect::new(move |_| {
        if let Some(Ok(l)) = action.value().get() {
            lang.set(l);
            #[cfg(feature = "hydrate")]
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = el.set_attribute("lang", l.code());
            }
        }
    });
    view! {
        <ActionForm action attr:class="lang-switch">
            <input type="hidden" name="lang" value=move || lang.get().other().code() />
            // Named by what it shows (the other language), with what it is
            // for read out first: "Language: English".
            <button type="submit" class="link" data-testid="lang-switch">
                <span class="sr-only">{t(K::Language)} ": "</span>
                {t(K::LangSwitchLabel)}
            </button>
        </ActionForm>
    }
}
