//! Maintenance banners and the customer's access controls.

use super::api::*;
use super::domain::Access;
use crate::i18n::{t, use_lang, K};
use crate::session::use_session;
use crate::ui::{error_note, submit_button};
use leptos::prelude::*;

/// Banners at the top of every page: the ISV's "you are maintaining", the
/// customer admins' "is maintaining", and why a maintenance ended.
#[component]
pub fn MaintenanceBanners() -> impl IntoView {
    let session = use_session();
    let exit = ServerAction::<ExitMaintenance>::new();
    let end = ServerAction::<CloseAccess>::new();
    Effect::new(move |_| {
        if exit.value().get().is_some() || end.value().get().is_some() {
            session.refresh();
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Some(me)) = session.me.await else { return None };
                Some(view! {
                    {me.maintenance.map(|m| view! {
                        <div class="banner maintaining" role="status" data-testid="maintenance-banner">
                            <span>
                                {t(K::YouAreMaintaining)} " " <strong>{m.app_name.clone()}</strong> " · " {t(K::For)} " " <strong>{m.customer_name.clone()}</strong>
                                " · " <span data-testid="banner-data-access">{t(if m.data_access { K::DataAccessOn } else { K::DataAccessOff })}</span>
                            </span>
                            <ActionForm action=exit attr:class="inline">
                                <button type="submit" class="secondary">{t(K::ExitMaintenance)}</button>
                            </ActionForm>
                        </div>
                    })}
                    {me.maintenance_ended.map(|r| view! {
                        <div class="banner notice" role="alert" data-testid="maintenance-ended">{t(K::MaintenanceOver)} " " {t(r.label())}</div>
                    })}
                    {me.being_maintained.into_iter().map(|a| view! {
                        <div class="banner maintained" role="status" data-testid="being-maintained">
                            <span>
                                <strong>{a.isv_user.clone()}</strong> " (" {a.isv_name.clone()} ") " {t(K::IsMaintaining)} " " <strong>{a.app_name.clone()}</strong>
                                " · " {t(if a.data_access { K::DataAccessOn } else { K::DataAccessOff })}
                            </span>
                            <ActionForm action=end attr:class="inline">
                                <input type="hidden" name="app_id" value=a.app_id.clone() />
                                <button type="submit" class="danger">{t(K::EndMaintenance)}</button>
                            </ActionForm>
                        </div>
                    }).collect_view()}
                })
            })}
        </Transition>
    }
}

/// The state of the ISV's access, as its customer reads it.
pub fn access_text(a: &Access, now: i64, lang: crate::i18n::Lang) -> String {
    match (a.is_open(now), a.open_until) {
        (true, Some(until)) => format!(
            "{} {}",
            K::AccessOpenUntil.text(lang),
            crate::time::show(until)
        ),
        _ => K::AccessClosedState.text(lang).to_string(),
    }
}

/// The customer's access switch of one app: its actions and state. Made by
/// the page together with the page's own resource, never inside that
/// resource's `Suspend`: a resource created there hydrated out of step now
/// and then in release builds (an "unreachable" hydration panic).
#[derive(Clone, Copy)]
pub struct AccessSwitch {
    close: ServerAction<CloseAccess>,
    request: ServerAction<RequestMaintenance>,
    data: ServerAction<SetDataAccess>,
    access: Resource<Result<Option<Access>, crate::error::AppError>>,
}

impl AccessSwitch {
    pub fn new(app_id: impl Fn() -> String + Send + Sync + 'static) -> AccessSwitch {
        let close = ServerAction::<CloseAccess>::new();
        let request = ServerAction::<RequestMaintenance>::new();
        let data = ServerAction::<SetDataAccess>::new();
        let access = Resource::new(
            move || {
                (
                    app_id(),
                    close.version().get(),
                    request.version().get(),
                    data.version().get(),
                )
            },
            |(id, _, _, _)| app_access(id.into()),
        );
        AccessSwitch {
            close,
            request,
            data,
            access,
        }
    }
}

/// In an installed app's settings: 关闭开发状态 and 申请维护 (customer admins).
#[component]
pub fn AccessControl(app_id: crate::values::AppId, switch: AccessSwitch) -> impl IntoView {
    let AccessSwitch {
        close,
        request,
        data,
        access,
    } = switch;
    let lang = use_lang();
    let app_id = StoredValue::new(app_id);
    let session = crate::session::use_session();
    Effect::new(move |_| {
        let done = |ok: Option<bool>| ok == Some(true);
        if done(close.value().get().map(|r| r.is_ok()))
            || done(request.value().get().map(|r| r.is_ok()))
        {
            session.refresh();
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Some(a)) = access.await else { return None };
                let now = crate::ui::now_ms();
                let open = a.is_open(now);
                let allowed = a.data_access;
                Some(view! {
                    <section class="card" data-testid="access-control">
                        <h2>{t(K::RemoteMaintenance)}</h2>
                        <p data-testid="access-state" data-open=open.to_string()>{move || access_text(&a, now, lang.get())}</p>
                        {error_note(move || close.value().get().and_then(|r| r.err()).or_else(|| request.value().get().and_then(|r| r.err())).or_else(|| data.value().get().and_then(|r| r.err())))}
                        {open.then(|| {
                            view! {
                                <ActionForm action=data attr:class="row" attr:data-testid="data-access">
                                    <input type="hidden" name="app_id" value=app_id.get_value() />
                                    <input type="hidden" name="allow" value=if allowed { "no" } else { "yes" } />
                                    <span data-testid="data-access-state" data-allowed=allowed.to_string()>
                                        {t(if allowed { K::DataAccessOn } else { K::DataAccessOff })}
                                    </span>
                                    <button type="submit" class="secondary">{t(if allowed { K::DisallowData } else { K::AllowData })}</button>
                                    <span class="muted small">{t(K::DataAccessHint)}</span>
                                </ActionForm>
                            }
                        })}
                        {open.then(|| view! {
                            <ActionForm action=close attr:class="row">
                                <input type="hidden" name="app_id" value=app_id.get_value() />
                                <button type="submit" class="danger" data-testid="close-dev">{t(K::CloseDevState)}</button>
                                <span class="muted small">{t(K::CloseDevHint)}</span>
                            </ActionForm>
                        })}
                        <details class="add">
                            <summary>{t(K::RequestMaintenance)}</summary>
                            <ActionForm action=request attr:class="stack" attr:data-testid="request-maintenance">
                                <input type="hidden" name="app_id" value=app_id.get_value() />
                                <label>{t(K::AccessDays)} <input name="days" type="number" min="1" max="90" value="7" /></label>
                                <label>{t(K::Note)} <textarea name="note" maxlength="500" rows="2"></textarea></label>
                                {submit_button(K::RequestMaintenance, K::Saving, move || request.pending().get())}
                            </ActionForm>
                        </details>
                    </section>
                })
            })}
        </Transition>
    }
}
