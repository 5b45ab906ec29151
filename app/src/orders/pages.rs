//! Order Center pages: `/orders` and `/orders/:id`.

use super::api::*;
use super::domain::*;
use crate::accounts::Me;
use crate::i18n::{t, use_lang, Lang, K};
use crate::maintenance::api::StartMaintenance;
use crate::ui::{error_note, urlencode, SignedIn};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

fn access_view(a: &AccessState, lang: Lang) -> String {
    match a {
        AccessState::Open { until } => {
            format!("{} {}", K::OpenUntil.text(lang), crate::time::show(*until))
        }
        AccessState::Requested { until, .. } => format!(
            "{} · {} {}",
            K::Requested.text(lang),
            K::OpenUntil.text(lang),
            crate::time::show(*until)
        ),
        AccessState::Closed => K::Closed.text(lang).to_string(),
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    // Outside the sign-in guard (see `SignedIn`): inside, the server render
    // would create, query and serialize the page three times.
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("q").unwrap_or_default(),
                q.get("access").unwrap_or_default(),
                q.get("after"),
                q.get("upgrade"),
                q.get("licence"),
            )
        },
        |(q, a, after, upgrade, licence)| list_orders(q, a, after, upgrade, licence),
    );
    view! { <SignedIn children=move |_me: Me| view! { <Orders page /> } /> }
}

#[component]
fn Orders(page: Resource<Result<OrderPage, crate::error::AppError>>) -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let access = move || query.read().get("access").unwrap_or_default();
    let upgrade = move || query.read().get("upgrade").unwrap_or_default();
    let licence = move || query.read().get("licence").unwrap_or_default();
    let lang = use_lang();
    view! {
        <section class="card" data-testid="orders">
            <h1>{t(K::OrderCenter)}</h1>
            // A plain GET form: the filter lives in the address, bookmarkable.
            <form method="get" action="/orders" class="row" data-testid="order-search">
                <label class="grow">
                    <span class="sr-only">{t(K::Search)}</span>
                    <input name="q" value=q placeholder=move || K::SearchHint.text(lang.get()) maxlength="100" />
                </label>
                <select name="access" aria-label=t(K::MaintenanceAccess)>
                    {[AccessFilter::All, AccessFilter::Open, AccessFilter::Requested, AccessFilter::Closed]
                        .into_iter()
                        .map(|f| {
                            let label = match f {
                                AccessFilter::All => K::AllAccess,
                                AccessFilter::Open => K::OpenNow,
                                AccessFilter::Requested => K::Requested,
                                AccessFilter::Closed => K::Closed,
                            };
                            view! { <option value=f.as_str() selected=move || access() == f.as_str()>{t(label)}</option> }
                        })
                        .collect_view()}
                </select>
                <select name="upgrade" aria-label=t(K::UpgradeState) data-testid="upgrade-filter">
                    {UpgradeFilter::CHOICES
                        .into_iter()
                        .map(|f| {
                            let label = match f {
                                UpgradeFilter::All => K::AllUpgrades,
                                UpgradeFilter::UpToDate => K::UpToDate,
                                UpgradeFilter::State(s) => s.label(),
                            };
                            view! { <option value=f.as_str() selected=move || upgrade() == f.as_str()>{t(label)}</option> }
                        })
                        .collect_view()}
                </select>
                <select name="licence" aria-label=t(K::Licence) data-testid="licence-filter">
                    {LicenceFilter::CHOICES
                        .into_iter()
                        .map(|f| {
                            let label = match f {
                                LicenceFilter::All => K::AllLicences,
                                LicenceFilter::Expiring => K::ExpiringSoon,
                                LicenceFilter::State(s) => s.label(),
                            };
                            view! { <option value=f.as_str() selected=move || licence() == f.as_str()>{t(label)}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="submit">{t(K::Search)}</button>
                <a class="button secondary" href=move || format!("/orders.csv?q={}&access={}&upgrade={}&licence={}", urlencode(&q()), urlencode(&access()), urlencode(&upgrade()), urlencode(&licence())) rel="external" download>
                    {t(K::ExportCsv)}
                </a>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(p) if p.rows.is_empty() => view! { <p class="muted">{t(K::NoOrders)}</p> }.into_any(),
                        Ok(p) => view! { <OrderTable p q=q() access=access() upgrade=upgrade() licence=licence() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn OrderTable(
    p: OrderPage,
    q: String,
    access: String,
    upgrade: String,
    licence: String,
) -> impl IntoView {
    let lang = use_lang();
    let start = start_action();
    view! {
        {error_note(move || start.value().get().and_then(|r| r.err()))}
        <table class="table" data-testid="order-table">
            <thead><tr>
                <th>{t(K::OrderNo)}</th><th>{t(K::App)}</th><th>{t(K::Customer)}</th><th>{t(K::Buyer)}</th>
                <th>{t(K::PurchasedAt)}</th><th>{t(K::Version)}</th><th>{t(K::UpgradeState)}</th><th>{t(K::Licence)}</th><th>{t(K::Setup)}</th><th>{t(K::MaintenanceAccess)}</th>
            </tr></thead>
            <tbody>
                {p.rows.into_iter().map(|r| {
                    let a = r.access.clone();
                    let note = match &r.access { AccessState::Requested { note, .. } => Some(note.clone()), _ => None };
                    let open = !matches!(r.access, AccessState::Closed);
                    let order_id = r.id.to_string();
                    let state = match &r.access { AccessState::Open { .. } => "open", AccessState::Requested { .. } => "requested", AccessState::Closed => "closed" };
                    let (no, no2, href) = (r.order_no.clone(), r.order_no.clone(), format!("/orders/{}", r.id));
                    view! {
                        <tr data-order=no data-customer=r.customer.clone() data-access=state>
                            // A plain link (the router still navigates in place): no
                            // per-row router component on a 50-row page.
                            <td class="nowrap"><a href=href>{no2}</a></td>
                            <td>{r.app_name.clone()}</td>
                            <td>{r.customer.clone()}</td>
                            <td>{r.buyer.clone()}</td>
                            <td>{crate::time::show(r.created_at)}</td>
                            <td data-testid="order-version">{r.version_label()}</td>
                            <td data-testid="order-upgrade">{r.upgrade.map(|s| view! { <span class="badge">{t(s.label())}</span> })}</td>
                            <td data-testid="order-licence" data-licence=r.licence.as_str()>
                                <span class="badge">{t(r.licence.label())}</span>
                                {r.licence_ends.map(|e| view! { <div class="small muted">{crate::time::show(e)}</div> })}
                            </td>
                            <td>{if r.setup_done { view! { <span class="ok">{t(K::SetupDone)}</span> }.into_any() } else { view! { <span class="badge warn">{t(K::SetupIncomplete)}</span> }.into_any() }}</td>
                            <td>
                                {move || access_view(&a, lang.get())}
                                {note.map(|n| view! { <div><span class="badge warn" data-testid="request-badge">{t(K::MaintenanceRequested)}</span> " " <span class="small">{n}</span></div> })}
                                // Straight from the list when the customer has opened
                                // access (the server re-checks who may maintain).
                                {open.then(|| view! { <StartForm start order_id=order_id.clone() /> })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {p.next.map(|n| view! {
            <A href=format!("/orders?q={}&access={}&upgrade={}&licence={}&after={}", urlencode(&q), urlencode(&access), urlencode(&upgrade), urlencode(&licence), urlencode(&n)) attr:class="button secondary" attr:data-testid="next-page">
                {t(K::NextPage)}
            </A>
        })}
    }
}

#[component]
pub fn OrderDetailPage() -> impl IntoView {
    // Outside the sign-in guard, as on `OrdersPage`.
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        |id| get_order(id.into()),
    );
    let order_id = move || params.read().get("id").unwrap_or_default();
    let changes = crate::changes::pages::OrderChangesSwitch::new(order_id);
    let licence = crate::licences::pages::OrderLicenceSwitch::new(order_id);
    view! { <SignedIn children=move |_me: Me| view! { <OrderDetailView detail changes licence /> } /> }
}

#[component]
fn OrderDetailView(
    detail: Resource<Result<OrderDetail, crate::error::AppError>>,
    changes: crate::changes::pages::OrderChangesSwitch,
    licence: crate::licences::pages::OrderLicenceSwitch,
) -> impl IntoView {
    let start = start_action();
    let lang = use_lang();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => error_note(move || Some(e.clone())).into_any(),
                    Ok(d) => {
                        let a = d.row.access.clone();
                        let order_id = d.row.id.to_string();
                        view! {
                            <section class="card" data-testid="order-detail">
                                <h1>{t(K::Order)} " " {d.row.order_no.clone()}</h1>
                                <dl class="facts">
                                    <dt>{t(K::App)}</dt><dd>{d.row.app_name.clone()}</dd>
                                    <dt>{t(K::Customer)}</dt><dd>{d.row.customer.clone()}</dd>
                                    <dt>{t(K::Buyer)}</dt><dd>{d.row.buyer.clone()}</dd>
                                    <dt>{t(K::MaintenanceAccess)}</dt><dd data-testid="order-access">{move || access_view(&a, lang.get())}</dd>
                                </dl>
                                {error_note(move || start.value().get().and_then(|r| r.err()))}
                                {match d.can_maintain {
                                    Ok(()) => view! {
                                        <StartForm start order_id />
                                    }.into_any(),
                                    Err(code) => view! {
                                        <p>
                                            <button type="button" disabled data-testid="start-maintenance">{t(K::RemoteMaintenance)}</button>
                                            " " <span class="muted small" data-testid="maintain-reason">{t(code.key())}</span>
                                        </p>
                                    }.into_any(),
                                }}
                            </section>
                            <crate::licences::pages::OrderLicence switch=licence />
                            <crate::changes::pages::OrderChanges switch=changes order_id=d.row.id.to_string() />
                            <section class="card">
                                <h2>{t(K::Timeline)}</h2>
                                <ol class="timeline" data-testid="timeline">
                                    {d.timeline.into_iter().map(|(at, e)| view! {
                                        <li><span class="muted small">{crate::time::show(at)}</span> " " {event_text(e)}</li>
                                    }).collect_view()}
                                </ol>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The 远程维护 action of a page; entering maintenance changes who the user
/// acts as, so the session is reloaded after it.
fn start_action() -> ServerAction<StartMaintenance> {
    let start = ServerAction::<StartMaintenance>::new();
    crate::session::use_session().refresh_when(move || matches!(start.value().get(), Some(Ok(()))));
    start
}

/// The Remote maintenance button of one order (a form: works without JavaScript).
#[component]
fn StartForm(start: ServerAction<StartMaintenance>, order_id: String) -> impl IntoView {
    view! {
        <ActionForm action=start>
            <input type="hidden" name="order_id" value=order_id />
            <button type="submit" data-testid="start-maintenance">{t(K::RemoteMaintenance)}</button>
        </ActionForm>
    }
}

fn event_text(e: Event) -> impl IntoView {
    match e {
        Event::LinkCreated { by } => view! { {t(K::EvLinkCreated)} " · " {by} }.into_any(),
        Event::Purchased { by } => view! { {t(K::EvPurchased)} " · " {by} }.into_any(),
        Event::SetupItem { by, action } => view! { {t(K::EvSetupItem)} " (" {action} ") · " {by} }.into_any(),
        Event::AccessClosed { by } => view! { {t(K::EvAccessClosed)} " · " {by} }.into_any(),
        Event::Upgrade { by, action, version } => {
            let lang = use_lang();
            view! { {move || crate::audit::domain::action_text(&action, lang.get())} " " {version} " · " {by} }.into_any()
        }
        Event::MaintenanceRequested { by, note } => view! { {t(K::EvRequested)} " · " {by} " · " {note} }.into_any(),
        Event::Maintenance { by, minutes, ended } => view! {
            {t(K::EvMaintenance)} " · " {by} " · " {minutes} " " {t(K::Minutes)} {(!ended).then(|| view! { " · " {t(K::InProgress)} })}
        }.into_any(),
    }
}
