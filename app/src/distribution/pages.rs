//! Distribution pages: the distribution dialog (`/apps/:id/distribute`), the
//! link page (`/l/:token`) and the purchase requests on the Workbench.

use super::api::*;
use super::domain::*;
use crate::accounts::{Me, Role};
use crate::error::ErrorCode;
use crate::i18n::{t, use_lang, K};
use crate::session::use_session;
use crate::ui::{error_note, submit_button, urlencode, SignedIn};
use crate::versions::api::{get_versions, PublishVersion};
use crate::versions::domain::VersionsView;
use crate::versions::pages::VersionsPanel;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_params_map};

/// The app's information, as a customer will receive it.
#[component]
pub fn ContentsView(contents: Contents) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="app-title">
            <crate::apps::pages::AppIcon icon=contents.icon />
            <div>
                <h2 data-testid="contents-name">{contents.name.clone()}</h2>
                <p class="muted">{contents.description.clone()}</p>
            </div>
        </div>
        <p class="small" data-testid="contents-counts">
            {t(K::Contains)} ": " {contents.forms.len()} " " {t(K::FormsCount)} " (" {contents.process_forms} " " {t(K::ProcessForms)} ") · "
            {contents.templates} " " {t(K::TemplatesCount)} " · " {contents.services} " " {t(K::ServicesCount)}
        </p>
        <ul class="chips">
            {contents.forms.iter().map(|(name, kind)| {
                let kind = *kind;
                view! { <li class="chip">{name.clone()} " · " {move || kind.label().text(lang.get())}</li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn DistributePage() -> impl IntoView {
    // The page's data outside the sign-in guard (see `SignedIn`).
    let params = use_params_map();
    let create = ServerAction::<CreateLink>::new();
    let revoke = ServerAction::<RevokeLink>::new();
    let publish = ServerAction::<PublishVersion>::new();
    let offer = ServerAction::<crate::upgrades::api::OfferUpgrade>::new();
    let dialog = Resource::new(
        move || {
            let id = params.read().get("id").unwrap_or_default();
            (
                id,
                create.version().get(),
                revoke.version().get(),
                publish.version().get(),
            )
        },
        |(id, _, _, _)| distribute_dialog(id.into()),
    );
    let versions = Resource::new(
        move || {
            let id = params.read().get("id").unwrap_or_default();
            (id, create.version().get(), publish.version().get())
        },
        |(id, _, _)| get_versions(id.into()),
    );
    let actions = Actions {
        create,
        revoke,
        publish,
        offer,
    };
    view! { <SignedIn children=move |_me: Me| view! { <Distribute actions dialog versions /> } /> }
}

/// The distribution page's actions.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateLink>,
    revoke: ServerAction<RevokeLink>,
    publish: ServerAction<PublishVersion>,
    offer: ServerAction<crate::upgrades::api::OfferUpgrade>,
}

#[component]
fn Distribute(
    actions: Actions,
    dialog: Resource<Result<DistributeView, crate::error::AppError>>,
    versions: Resource<Result<VersionsView, crate::error::AppError>>,
) -> impl IntoView {
    let Actions {
        create,
        revoke,
        publish,
        offer,
    } = actions;
    let copied = RwSignal::new(None::<(String, bool)>);
    // Once the link exists: put it on the clipboard, or show it selected.
    Effect::new(move |_| {
        if let Some(Ok(link)) = create.value().get() {
            let url = full_url(&link.path);
            copied.set(Some((url.clone(), false)));
            copy_to_clipboard(url, copied);
        }
    });
    let lang = use_lang();
    view! {
        // Outside the reloading part, so the selection survives the refresh.
        {move || copied.get().map(|(url, ok)| view! {
            <section class="card dialog copied" data-testid="copied">
                <p class=if ok { "ok" } else { "notice" } role="status">
                    {move || if ok { K::LinkCopied } else { K::LinkCopyManually }.text(lang.get())}
                </p>
                <input id="new-link" readonly value=url data-testid="new-link" aria-label=t(K::CopyLink) />
            </section>
        })}
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || Suspend::new(async move {
                match dialog.await {
                    Err(e) => view! {
                        <section class="card narrow" data-testid="distribute-refused">
                            {error_note(move || Some(e.clone()))}
                            <A href="/">{t(K::BackToWorkbench)}</A>
                        </section>
                    }.into_any(),
                    Ok(d) => view! { <Dialog d create revoke /> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                versions.await.ok().map(|v| view! { <VersionsPanel v publish offer /> })
            })}
        </Transition>
    }
}

#[component]
fn Dialog(
    d: DistributeView,
    create: ServerAction<CreateLink>,
    revoke: ServerAction<RevokeLink>,
) -> impl IntoView {
    let lang = use_lang();
    let c = d.contents.clone();
    let needs = c.process_forms + c.templates + c.services;
    view! {
        <section class="card dialog" role="dialog" aria-labelledby="distribute-title" data-testid="distribute-dialog">
            <h1 id="distribute-title">{t(K::DistributeApp)}</h1>
            <ContentsView contents=d.contents.clone() />
            <h3>{t(K::CustomerMustReconfigure)}</h3>
            {if needs == 0 {
                view! { <p class="muted">{t(K::NothingToReconfigure)}</p> }.into_any()
            } else {
                view! {
                    <ul class="small" data-testid="reconfigure">
                        {(c.process_forms > 0).then(|| view! { <li>{t(K::NeedProcess)} " × " {c.process_forms}</li> })}
                        {(c.templates > 0).then(|| view! { <li>{t(K::NeedTemplate)} " × " {c.templates}</li> })}
                        {(c.services > 0).then(|| view! { <li>{t(K::NeedService)} " × " {c.services}</li> })}
                    </ul>
                }.into_any()
            }}
            <h3>{t(K::LinkOptions)}</h3>
            <ActionForm action=create attr:class="stack" attr:data-testid="link-form">
                <input type="hidden" name="app_id" value=d.app_id.clone() />
                {if d.versions.is_empty() {
                    view! {
                        <p class="small notice" data-testid="first-version-hint">{t(K::FirstVersionHint)}</p>
                        <input type="hidden" name="version_id" value="" />
                    }.into_any()
                } else {
                    view! {
                        <label>{t(K::SellsVersion)}
                            <select name="version_id" data-testid="link-version">
                                {d.versions.iter().enumerate().map(|(i, v)| view! {
                                    <option value=v.id.to_string() selected=i == 0>
                                        {v.version.to_string()}
                                        {(i == 0).then(|| view! { " (" {t(K::LatestVersion)} ")" })}
                                    </option>
                                }).collect_view()}
                            </select>
                        </label>
                    }.into_any()
                }}
                <div class="grid2">
                    <label>{t(K::ExpiresDays)} <input name="expires_days" type="number" min="1" max="365" value="30" /></label>
                    <label>{t(K::MaxPurchases)} <input name="max_purchases" type="number" min="1" /></label>
                </div>
                <fieldset class="stack" data-testid="link-terms">
                    <legend>{t(K::LinkTerms)}</legend>
                    <div class="grid2">
                        <label>{t(K::LinkTrialDays)} <input name="terms[trial_days]" type="number" min="1" max="90" /></label>
                        <label>{t(K::LinkTerm)} <input name="terms[term]" value="no_end" maxlength="8" /></label>
                        <label>{t(K::LicenceSeatsHint)} <input name="terms[seats]" type="number" min="1" /></label>
                        <label>{t(K::LinkGraceDays)} <input name="terms[grace_days]" type="number" min="0" max="60" value="7" /></label>
                    </div>
                </fieldset>
                <label>{t(K::BoundOrg)} <input name="bound_org" maxlength="64" /></label>
                <label>{t(K::Note)} <input name="note" maxlength="200" /></label>
                {error_note(move || create.value().get().and_then(|r| r.err()))}
                {submit_button(K::CopyLink, K::CreatingLink, move || create.pending().get())}
            </ActionForm>
        </section>
        <section class="card">
            <h2>{t(K::Links)}</h2>
            {error_note(move || revoke.value().get().and_then(|r| r.err()))}
            {d.links.is_empty().then(|| view! { <p class="muted">{t(K::NoLinks)}</p> })}
            {(!d.links.is_empty()).then(|| view! {
                <table class="table" data-testid="links">
                    <thead><tr>
                        <th>{t(K::Created)}</th><th>{t(K::CreatedBy)}</th><th>{t(K::Version)}</th><th>{t(K::Expires)}</th>
                        <th>{t(K::Purchases)}</th><th>{t(K::Views)}</th><th>{t(K::Status)}</th><th>{t(K::Actions)}</th>
                    </tr></thead>
                    <tbody>
                        {d.links.iter().map(|l| {
                            let status = l.status;
                            let max = l.max_purchases;
                            let id = l.id.clone();
                            view! {
                                <tr data-link=l.id.clone() data-status=format!("{status:?}").to_lowercase()>
                                    <td>{crate::time::show(l.created_at)} {(!l.note.is_empty()).then(|| view! { <div class="muted small">{l.note.clone()}</div> })}</td>
                                    <td>{l.created_by.clone()}</td>
                                    <td data-testid="link-version-sold">{l.version.clone().unwrap_or_else(|| format!("#{}", l.app_version))}</td>
                                    <td>{crate::time::show(l.expires_at)}</td>
                                    <td>{l.purchases} " / " {move || max.map(|m| m.to_string()).unwrap_or_else(|| K::Unlimited.text(lang.get()).to_string())}</td>
                                    <td>{l.views}</td>
                                    <td><span class="badge">{move || status.label().text(lang.get())}</span></td>
                                    <td>
                                        {(status == LinkStatus::Active).then(|| view! {
                                            <ActionForm action=revoke attr:class="inline">
                                                <input type="hidden" name="link_id" value=id.clone() />
                                                <button type="submit" class="danger">{t(K::Revoke)}</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

pub fn full_url(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
        return format!("{origin}{path}");
    }
    path.to_string()
}

/// Writes `url` to the clipboard; `copied` says whether that worked.
fn copy_to_clipboard(url: String, copied: RwSignal<Option<(String, bool)>>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let select = || {
            if let Some(input) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("new-link"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.select();
            }
        };
        let Some(window) = web_sys::window() else {
            return;
        };
        // `navigator.clipboard` is missing on insecure origins: check before use.
        let has_clipboard = js_sys_has(&window.navigator(), "clipboard");
        if !has_clipboard {
            request_animation_frame(select);
            return;
        }
        let promise = window.navigator().clipboard().write_text(&url);
        leptos::task::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some((url, ok)));
            if !ok {
                request_animation_frame(select);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, copied);
}

#[cfg(feature = "hydrate")]
fn js_sys_has(target: &web_sys::Navigator, key: &str) -> bool {
    use wasm_bindgen::JsValue;
    let clipboard =
        js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    !clipboard.is_undefined() && !clipboard.is_null()
}

#[component]
pub fn LinkRoutePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let buy = ServerAction::<Buy>::new();
    let ask = ServerAction::<AskAdmin>::new();
    let page = Resource::new(token, get_link_page);
    let session = use_session();
    // A purchase changes the current organization: refresh the header.
    Effect::new(move |_| {
        if let Some(Ok(_)) = buy.value().get() {
            session.refresh();
        }
    });
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) if e.code == ErrorCode::LinkInvalid => view! { <InvalidLink /> }.into_any(),
                    Err(e) => error_note(move || Some(e.clone())).into_any(),
                    Ok(p) => view! { <Offer p token=token() buy ask /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn InvalidLink() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card narrow" data-testid="link-invalid">
            <h1>{t(K::LinkInvalidTitle)}</h1>
            <p class="muted">{t(K::LinkInvalidHint)}</p>
        </section>
    }
}

#[component]
fn Offer(
    p: LinkPage,
    token: String,
    buy: ServerAction<Buy>,
    ask: ServerAction<AskAdmin>,
) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let here = location.pathname.get_untracked();
    let member_orgs: Vec<BuyerOrg> = p
        .orgs
        .iter()
        .filter(|o| o.role == Role::Member && o.installed_app.is_none())
        .cloned()
        .collect();
    let first_choice = p
        .orgs
        .iter()
        .find(|o| o.installed_app.is_none())
        .map(|o| o.id.clone());
    let token2 = token.clone();
    let (buy_label, buying_label) = match p.renews {
        Some(_) => (K::RenewApp, K::Renewing),
        None => (K::BuyApp, K::Buying),
    };
    view! {
        <section class="card narrow-wide" data-testid="link-page">
            <p class="muted small">{t(K::ProvidedBy)} ": " <strong data-testid="isv-name">{p.isv_name.clone()}</strong>
                {p.version.clone().map(|v| view! { " · " {t(K::VersionNumber)} " " <span data-testid="link-page-version">{v}</span> })}
            </p>
            <ContentsView contents=p.contents.clone() />
            <crate::licences::pages::OfferTerms terms=p.terms />
            {p.renews.clone().map(|no| view! {
                <p class="notice" data-testid="renews">
                    {t(K::RenewsLicence)}
                    {(!no.is_empty()).then(|| view! { " " {t(K::RenewsOrder)} <strong>{no}</strong> })}
                </p>
            })}
            {if !p.signed_in {
                view! {
                    <A href=format!("/sign-in?next={}", urlencode(&here)) attr:class="button" attr:data-testid="sign-in-to-buy">{t(K::SignInToBuy)}</A>
                }.into_any()
            } else if p.orgs.is_empty() {
                view! { <p>{t(K::NoOrgToBuy)} " " <A href="/orgs/new">{t(K::CreateOrg)}</A></p> }.into_any()
            } else {
                view! {
                    <ActionForm action=buy attr:class="stack" attr:data-testid="buy-form">
                        <input type="hidden" name="token" value=token.clone() />
                        <input type="hidden" name="idempotency_key" value=p.idempotency_key.clone() />
                        <fieldset class="orgs">
                            <legend>{t(K::ChooseOrg)}</legend>
                            {p.orgs.iter().map(|o| {
                                let role = o.role;
                                let checked = first_choice.as_deref() == Some(o.id.as_str());
                                view! {
                                    <label class="org-choice" data-org=o.name.clone()>
                                        <input type="radio" name="org_id" value=o.id.clone() checked=checked disabled=o.installed_app.is_some() />
                                        <span>{o.name.clone()} " · " {move || role.label().text(lang.get())}</span>
                                        {o.installed_app.clone().map(|app| view! {
                                            <A href=format!("/apps/{app}")>{t(K::AlreadyInstalledIn)} " — " {t(K::OpenInstalled)}</A>
                                        })}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                        {error_note(move || buy.value().get().and_then(|r| r.err()))}
                        {submit_button(buy_label, buying_label, move || buy.pending().get())}
                    </ActionForm>
                    {(!member_orgs.is_empty()).then(|| view! {
                        <ActionForm action=ask attr:class="row ask" attr:data-testid="ask-form">
                            <span class="small muted">{t(K::AskAdminHint)}</span>
                            <input type="hidden" name="token" value=token2.clone() />
                            <select name="org_id" aria-label=t(K::ChooseOrg)>
                                {member_orgs.iter().map(|o| view! { <option value=o.id.clone()>{o.name.clone()}</option> }).collect_view()}
                            </select>
                            {submit_button(K::AskAdmin, K::Saving, move || ask.pending().get())}
                        </ActionForm>
                        {move || match ask.value().get() {
                            Some(Ok(())) => Some(view! { <p class="ok" role="status" data-testid="ask-sent">{t(K::AskSent)}</p> }.into_any()),
                            Some(Err(e)) => Some(error_note(move || Some(e.clone())).into_any()),
                            None => None,
                        }}
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// The purchase requests' list and actions, created by the page (outside
/// its sign-in guard, see [`crate::ui::SignedIn`]).
#[derive(Clone, Copy)]
pub struct RequestsData {
    buy: ServerAction<BuyRequest>,
    dismiss: ServerAction<DismissRequest>,
    list: Resource<Result<Vec<RequestView>, crate::error::AppError>>,
}

impl RequestsData {
    /// Creates the actions and starts loading the list.
    pub fn load() -> Self {
        let buy = ServerAction::<BuyRequest>::new();
        let dismiss = ServerAction::<DismissRequest>::new();
        let session = use_session();
        // Only an admin's are asked for (a member's would be refused).
        let list = Resource::new(
            move || (buy.version().get(), dismiss.version().get()),
            move |_| async move {
                if session.caller_may(Me::is_org_admin).await {
                    purchase_requests().await
                } else {
                    Ok(Vec::new())
                }
            },
        );
        session.refresh_when(move || matches!(buy.value().get(), Some(Ok(_))));
        RequestsData { buy, dismiss, list }
    }
}

/// Purchase requests of the organization, for its admins on the Workbench.
#[component]
pub fn Requests(data: RequestsData) -> impl IntoView {
    let RequestsData { buy, dismiss, list } = data;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let items = list.await.unwrap_or_default();
                (!items.is_empty()).then(|| view! {
                    <section class="card" data-testid="requests">
                        <h2>{t(K::Requests)}</h2>
                        {error_note(move || buy.value().get().and_then(|r| r.err()).or_else(|| dismiss.value().get().and_then(|r| r.err())))}
                        <ul class="list">
                            {items.into_iter().map(|r| {
                                let key = format!("{}-buy", r.id);
                                let (rid, rid2) = (r.id.clone(), r.id.clone());
                                view! {
                                    <li class="item" data-request=r.app_name.clone()>
                                        <div class="item-main">
                                            <strong>{r.app_name.clone()}</strong> " · " {r.isv_name.clone()}
                                            <div class="muted small">{t(K::RequestedBy)} ": " {r.requested_by.clone()} " · " {crate::time::show(r.created_at)}</div>
                                            {(!r.link_valid).then(|| view! { <span class="badge warn">{t(K::LinkInvalidTitle)}</span> })}
                                        </div>
                                        <div class="tools">
                                            {r.link_valid.then(|| view! {
                                                <ActionForm action=buy attr:class="inline">
                                                    <input type="hidden" name="request_id" value=rid.clone() />
                                                    <input type="hidden" name="idempotency_key" value=key.clone() />
                                                    <button type="submit">{t(K::BuyApp)}</button>
                                                </ActionForm>
                                            })}
                                            <ActionForm action=dismiss attr:class="inline">
                                                <input type="hidden" name="request_id" value=rid2.clone() />
                                                <button type="submit" class="secondary">{t(K::Dismiss)}</button>
                                            </ActionForm>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}
