//! The Workbench (工作台) of the current organization.

use crate::accounts::Me;
use crate::i18n::{t, use_lang, K};
use crate::ui::SignedIn;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn WorkbenchPage() -> impl IntoView {
    view! { <SignedIn children=move |me: Me| view! { <Workbench me /> } /> }
}

#[component]
fn Workbench(me: Me) -> impl IntoView {
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
                    </dl>
                </section>
                <section class="card">
                    <h2>{t(K::MyApps)}</h2>
                    <p class="muted">{t(K::NoAppsYet)}</p>
                </section>
            }
            .into_any()
        }
    }
}
