//! The audit log page (`/audit`).

use super::api::list_audit;
use super::domain::action_text;
use crate::accounts::Me;
use crate::i18n::{t, K};
use crate::ui::{error_note, SignedIn};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    // Outside the sign-in guard (see `SignedIn`).
    let query = use_query_map();
    let entries = Resource::new(
        move || query.read().get("by").as_deref() == Some("providers"),
        list_audit,
    );
    view! { <SignedIn children=move |_me: Me| view! { <Audit entries /> } /> }
}

#[component]
fn Audit(
    entries: Resource<Result<Vec<super::domain::EntryView>, crate::error::AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    let providers = move || query.read().get("by").as_deref() == Some("providers");
    let lang = crate::i18n::use_lang();
    view! {
        <section class="card" data-testid="audit">
            <h1>{t(K::AuditLog)}</h1>
            <form method="get" action="/audit" class="row">
                <label class="row">
                    <input type="checkbox" name="by" value="providers" checked=providers class="plain-check" />
                    {t(K::ByProviders)}
                </label>
                <button type="submit" class="secondary">{t(K::Filter)}</button>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(K::NoEntries)}</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="audit-table">
                                <thead><tr><th>{t(K::When)}</th><th>{t(K::Who)}</th><th>{t(K::ActingAs)}</th><th>{t(K::What)}</th><th>{t(K::Changes)}</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| { let action = e.action.clone(); view! {
                                        <tr data-action=e.action.clone() data-provider=e.actor_org.is_some().to_string()>
                                            <td>{crate::time::show(e.at)}</td>
                                            <td>{e.actor.clone()} {e.actor_org.clone().map(|o| view! { <div class="muted small">{o}</div> })}</td>
                                            <td class="small">{move || e.acting_as.text(lang.get())}</td>
                                            <td title=e.action.clone()>{move || action_text(&action, lang.get())}</td>
                                            <td class="small">
                                                {e.changes.into_iter().map(|c| view! {
                                                    <div class="change">
                                                        <strong>{c.key}</strong> ": "
                                                        <del>{c.before.unwrap_or_default()}</del> " → " <ins>{c.after.unwrap_or_default()}</ins>
                                                    </div>
                                                }).collect_view()}
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
