//! Licences in the screens: the customer's card on an installed app (state,
//! end, seats, what comes next, and that the records stay theirs), the notice
//! on the app's use page when new records are refused, and the ISV's panel
//! in an order's detail (extend, seats, suspend, resume).

use super::api::*;
use super::domain::*;
use crate::error::AppError;
use crate::i18n::{t, use_lang, K};
use crate::ui::{error_note, submit_button};
use leptos::prelude::*;

/// A time as the user's zone shows it, or "No end".
fn end_text(ends: Option<i64>) -> impl IntoView {
    match ends {
        Some(ms) => crate::time::show(ms).into_any(),
        None => t(K::LicenceNoEnd).into_any(),
    }
}

fn seats_text(v: &LicenceView) -> impl IntoView {
    let used = v.seats_used;
    match v.seats {
        Some(n) => format!("{used} / {n}").into_any(),
        None => view! { {used} " / " {t(K::LicenceUnlimited)} }.into_any(),
    }
}

/// What a link's purchase gets, on the link page.
#[component]
pub fn OfferTerms(terms: Terms) -> impl IntoView {
    view! {
        <dl class="facts" data-testid="offer-terms">
            {terms.trial_days.map(|d| view! { <dt>{t(K::OfferTrialDays)}</dt><dd data-testid="offer-trial">{d}</dd> })}
            {terms.term.map(|term| view! {
                <dt>{t(K::OfferTermMonths)}</dt>
                <dd data-testid="offer-term">{match term.months() {
                    Some(m) => m.to_string().into_any(),
                    None => t(K::LicenceNoEnd).into_any(),
                }}</dd>
            })}
            <dt>{t(K::LicenceSeats)}</dt>
            <dd data-testid="offer-seats">{match terms.seats {
                Some(n) => n.to_string().into_any(),
                None => t(K::LicenceUnlimited).into_any(),
            }}</dd>
        </dl>
    }
}

/// State, end, seats and what comes next: both sides read the same facts.
#[component]
fn Facts(v: LicenceView) -> impl IntoView {
    let lang = use_lang();
    let (state, kind) = (v.state, v.kind);
    let next = v.next().zip(v.state_ends);
    view! {
        <dl class="facts">
            <dt>{t(K::Licence)}</dt>
            <dd>
                <span class=if state.warns() { "badge warn" } else { "badge" } data-testid="licence-state" data-state=state.as_str()>
                    {move || state.label().text(lang.get())}
                </span>
                " " <span class="muted small">{move || kind.label().text(lang.get())}</span>
            </dd>
            <dt>{t(K::LicenceEnds)}</dt>
            <dd data-testid="licence-ends">{end_text(v.ends_at)}</dd>
            {v.days_left.map(|d| view! { <dt>{t(K::LicenceDaysLeft)}</dt><dd data-testid="licence-days-left">{d}</dd> })}
            <dt>{t(K::LicenceSeats)}</dt>
            <dd data-testid="licence-seats">{seats_text(&v)}</dd>
            {next.map(|(n, at)| view! {
                <dt>{t(K::LicenceNext)}</dt>
                <dd data-testid="licence-next">{move || n.label().text(lang.get())} " · " {crate::time::show(at)}</dd>
            })}
        </dl>
        {v.suspended.clone().map(|r| view! {
            <p class="notice" data-testid="licence-suspended">{t(K::LicenceSuspendedReason)} {r}</p>
        })}
        {(!v.over_seat.is_empty()).then(|| view! {
            <p class="notice" data-testid="over-seat">
                {t(K::OverSeat)} {v.over_seat_from.map(crate::time::show)} " — " {v.over_seat.join(", ")}
            </p>
        })}
    }
}

/// The customer's data, made before the sign-in guard (see `SignedIn`).
#[derive(Clone, Copy)]
pub struct LicenceSwitch {
    pub licence: Resource<Result<Option<LicenceView>, AppError>>,
}

impl LicenceSwitch {
    pub fn new(app_id: impl Fn() -> String + Send + Sync + 'static) -> LicenceSwitch {
        let licence = Resource::new(app_id, |id| get_app_licence(id.into()));
        LicenceSwitch { licence }
    }
}

/// On an installed app: its licence, for the organization's people.
#[component]
pub fn LicenceCard(switch: LicenceSwitch) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let v = switch.licence.await.ok()??;
                let warns = v.state.warns();
                Some(view! {
                    <section class=if warns { "card licence warn" } else { "card licence" } data-testid="licence-card" aria-labelledby="licence-title">
                        <h2 id="licence-title">{t(K::Licence)}</h2>
                        <Facts v />
                        <p class="small muted">{t(K::LicenceDataStays)}</p>
                    </section>
                })
            })}
        </Transition>
    }
}

/// On the app's use page, instead of its form: why nothing new can be
/// submitted now.
pub fn read_only_notice(v: &LicenceView) -> impl IntoView {
    view! {
        <p class="notice" role="status" data-testid="licence-read-only" data-state=v.state.as_str()>
            {t(K::ErrLicenceReadOnly)}
            {v.suspended.clone().map(|r| view! { " " {t(K::LicenceSuspendedReason)} {r} })}
        </p>
    }
}

/// The ISV's data for an order's licence, made before the sign-in guard.
#[derive(Clone, Copy)]
pub struct OrderLicenceSwitch {
    licence: Resource<Result<LicenceView, AppError>>,
    change: ServerAction<ChangeLicence>,
    renewal: ServerAction<CreateRenewalLink>,
}

impl OrderLicenceSwitch {
    pub fn new(order_id: impl Fn() -> String + Send + Sync + 'static) -> OrderLicenceSwitch {
        let change = ServerAction::<ChangeLicence>::new();
        let renewal = ServerAction::<CreateRenewalLink>::new();
        let licence = Resource::new(
            move || (order_id(), change.version().get()),
            |(id, _)| get_order_licence(id.into()),
        );
        OrderLicenceSwitch {
            licence,
            change,
            renewal,
        }
    }
}

/// In an order's detail, for the ISV that sold it: the licence and its
/// changes. Each form sends every argument (the unused ones empty).
#[component]
pub fn OrderLicence(switch: OrderLicenceSwitch) -> impl IntoView {
    let OrderLicenceSwitch {
        licence,
        change,
        renewal,
    } = switch;
    let pending = move || change.pending().get();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let v = licence.await.ok()?;
                let order_id = v.order_id.to_string();
                let suspended = v.suspended.is_some();
                let form = move |action: &'static str, body: AnyView, button: K| {
                    let order_id = order_id.clone();
                    view! {
                        <ActionForm action=change attr:class="row" attr:data-testid=format!("licence-{action}")>
                            <input type="hidden" name="order_id" value=order_id />
                            <input type="hidden" name="action" value=action />
                            {body}
                            {submit_button(button, K::Saving, pending)}
                        </ActionForm>
                    }
                };
                let hidden = |names: &[&'static str]| names.iter().map(|n| view! { <input type="hidden" name=*n value="" /> }).collect_view();
                Some(view! {
                    <section class="card" data-testid="order-licence" aria-labelledby="order-licence-title">
                        <h2 id="order-licence-title">{t(K::Licence)}</h2>
                        <Facts v=v.clone() />
                        {error_note(move || change.value().get().and_then(|r| r.err()))}
                        {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! {
                            <p class="ok" role="status" data-testid="licence-changed">{t(K::Saved)}</p>
                        })}
                        {form("extend", view! {
                            <label>{t(K::LicenceMonths)} " " <input name="months" type="number" min="1" max="120" /></label>
                            {hidden(&["seats", "reason"])}
                        }.into_any(), K::LicenceExtend)}
                        {form("seats", view! {
                            <label>{t(K::LicenceSeatsHint)} " " <input name="seats" type="number" min="1" value=v.seats.map(|s| s.to_string()).unwrap_or_default() /></label>
                            {hidden(&["months", "reason"])}
                        }.into_any(), K::LicenceSetSeats)}
                        {if suspended {
                            form("resume", hidden(&["months", "seats", "reason"]).into_any(), K::LicenceResume)
                        } else {
                            form("suspend", view! {
                                <label>{t(K::LicenceReason)} " " <input name="reason" required maxlength="200" /></label>
                                {hidden(&["months", "seats"])}
                            }.into_any(), K::LicenceSuspend)
                        }}
                        <RenewalLink renewal order_id=v.order_id.to_string() />
                    </section>
                })
            })}
        </Transition>
    }
}

/// The ISV's renewal link for the order: made on request, shown to copy.
#[component]
fn RenewalLink(renewal: ServerAction<CreateRenewalLink>, order_id: String) -> impl IntoView {
    view! {
        <h3>{t(K::RenewalLink)}</h3>
        <p class="small muted">{t(K::RenewalLinkHint)}</p>
        <ActionForm action=renewal attr:class="row" attr:data-testid="renewal-form">
            <input type="hidden" name="order_id" value=order_id />
            <label>{t(K::LicenceMonths)} " " <input name="months" type="number" min="1" max="120" /></label>
            {submit_button(K::CreateRenewalLink, K::CreatingRenewalLink, move || renewal.pending().get())}
        </ActionForm>
        {error_note(move || renewal.value().get().and_then(|r| r.err()))}
        {move || renewal.value().get().and_then(|r| r.ok()).map(|l| view! {
            <label>{t(K::RenewalLink)} " "
                <input readonly data-testid="renewal-link" value=crate::distribution::pages::full_url(&l.path) />
            </label>
        })}
    }
}
