//! Change sets in the screens: the customer's list on an installed app and
//! the page of one session (`/apps/:id/changes/:set`), where it is reviewed
//! and reverted whole, by part or by change; the ISV's sessions on an order
//! with "apply to my app".

use super::api::*;
use super::domain::*;
use crate::accounts::Me;
use crate::error::AppError;
use crate::i18n::{t, use_lang, K};
use crate::ui::{error_note, submit_button, SignedIn};
use crate::values::AppId;
use crate::versions::domain::{Change, Prop};
use crate::versions::pages::{part_name, shown, ChangeList};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The list's data, made before the editor's sign-in guard (see `SignedIn`).
#[derive(Clone, Copy)]
pub struct ChangesSwitch {
    sets: Resource<Result<Vec<SetSummary>, AppError>>,
}

impl ChangesSwitch {
    pub fn new(app_id: impl Fn() -> String + Send + Sync + 'static) -> ChangesSwitch {
        let sets = Resource::new(app_id, |id| get_change_sets(id.into()));
        ChangesSwitch { sets }
    }
}

fn when(s: &SetSummary) -> String {
    let end = match s.ended_at {
        Some(e) if s.kind == SetKind::Maintenance => format!(" – {}", crate::time::show(e)),
        _ => String::new(),
    };
    format!("{}{end}", crate::time::show(s.started_at))
}

fn risk_badges(risky: &[Risk]) -> impl IntoView {
    let lang = use_lang();
    (!risky.is_empty()).then(|| {
        let risky = risky.to_vec();
        view! {
            <span class="small" data-testid="risky">
                {t(K::Risky)}
                {risky.into_iter().map(|r| view! { " " <span class="badge warn" data-risk=r.as_str()>{move || r.label().text(lang.get())}</span> }).collect_view()}
            </span>
        }
    })
}

/// On an installed app, for the customer's admins: its maintenance sessions.
#[component]
pub fn ChangeSetsCard(switch: ChangesSwitch) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let sets = switch.sets.await.ok()?;
                if sets.is_empty() {
                    return None;
                }
                let unreviewed = sets.iter().filter(|s| s.kind == SetKind::Maintenance && s.changes > 0 && !s.reviewed).count();
                Some(view! {
                    <section class="card" data-testid="change-sets" aria-labelledby="change-sets-title">
                        <h2 id="change-sets-title">
                            {t(K::MaintenanceChanges)}
                            {(unreviewed > 0).then(|| view! { " " <span class="badge warn" data-testid="unreviewed-count">{unreviewed}</span> })}
                        </h2>
                        <p class="small muted">{t(K::MaintenanceChangesHint)}</p>
                        <table class="table">
                            <tbody>
                                {sets.into_iter().map(|s| {
                                    let kind = s.kind;
                                    let href = format!("/apps/{}/changes/{}", s.app_id, s.id);
                                    let open = s.kind == SetKind::Maintenance && s.ended_at.is_none();
                                    view! {
                                        <tr data-set=s.id.to_string() data-kind=kind.as_str()>
                                            <td><span class="badge">{move || kind.label().text(lang.get())}</span></td>
                                            <td>{s.author.clone()} <span class="muted small">" · " {s.author_org.clone()}</span></td>
                                            <td class="small">{when(&s)} {open.then(|| view! { " " <span class="badge">{t(K::SessionInProgress)}</span> })}</td>
                                            <td data-testid="set-changes">{s.changes} " " {t(K::ChangeCount)}</td>
                                            <td>{risk_badges(&s.risky)}</td>
                                            <td>{(kind == SetKind::Maintenance).then(|| if s.reviewed {
                                                view! { <span class="badge">{t(K::ReviewedMark)}</span> }.into_any()
                                            } else {
                                                view! { <span class="badge warn">{t(K::Unreviewed)}</span> }.into_any()
                                            })}</td>
                                            <td><A href=href attr:data-testid="open-set">{t(K::OpenSession)}</A></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })
            })}
        </Transition>
    }
}

#[component]
pub fn ChangeSetPage() -> impl IntoView {
    let params = use_params_map();
    let revert = ServerAction::<RevertChanges>::new();
    let reviewed = ServerAction::<MarkReviewed>::new();
    let set = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("id").unwrap_or_default(),
                p.get("set").unwrap_or_default(),
                revert.version().get(),
                reviewed.version().get(),
            )
        },
        |(app, set, _, _)| get_change_set(app.into(), set.into()),
    );
    view! { <SignedIn children=move |_me: Me| view! { <SetPage set revert reviewed /> } /> }
}

#[component]
fn SetPage(
    set: Resource<Result<SetView, AppError>>,
    revert: ServerAction<RevertChanges>,
    reviewed: ServerAction<MarkReviewed>,
) -> impl IntoView {
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || Suspend::new(async move {
                match set.await {
                    Err(e) => view! {
                        <section class="card narrow" data-testid="set-refused">
                            {error_note(move || Some(e.clone()))}
                            <A href="/">{t(K::BackToWorkbench)}</A>
                        </section>
                    }.into_any(),
                    Ok(v) => view! { <SetBody v revert reviewed /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The change set a form acts on.
#[derive(Clone)]
struct Target {
    app_id: AppId,
    set_id: String,
}

/// A revert form: hidden fields and one button.
fn revert_form(
    revert: ServerAction<RevertChanges>,
    target: &Target,
    only: String,
    restore: String,
    with_dependents: bool,
    label: K,
    disabled: bool,
) -> impl IntoView {
    let (app_id, set_id) = (target.app_id.to_string(), target.set_id.clone());
    let pending = move || revert.pending().get();
    let testid = match label {
        K::RevertSession => "revert-session",
        K::RevertPart => "revert-part",
        K::RestoreBefore => "restore-before",
        K::RevertWithDependents => "revert-with-dependents",
        _ => "revert-one",
    };
    let lang = use_lang();
    view! {
        <ActionForm action=revert attr:class="inline">
            <input type="hidden" name="app_id" value=app_id />
            <input type="hidden" name="set_id" value=set_id />
            <input type="hidden" name="only" value=only />
            <input type="hidden" name="restore" value=restore />
            <input type="hidden" name="with_dependents" value=if with_dependents { "yes" } else { "no" } />
            <button type="submit" data-testid=testid disabled=move || disabled || pending() aria-busy=move || pending().to_string()>
                {move || if pending() { K::Reverting.text(lang.get()) } else { label.text(lang.get()) }}
            </button>
        </ActionForm>
    }
}

#[component]
fn SetBody(
    v: SetView,
    revert: ServerAction<RevertChanges>,
    reviewed: ServerAction<MarkReviewed>,
) -> impl IntoView {
    let lang = use_lang();
    let s = v.set.clone();
    let app_id = s.app_id.clone();
    let set_id = s.id.to_string();
    let blocked = !v.may_revert;
    let any = v.rows.iter().any(|r| r.standing != Standing::AsBefore);
    // Rows grouped by part, in the set's order.
    let mut groups: Vec<(String, Vec<ChangeRow>)> = Vec::new();
    for r in v.rows.clone() {
        match groups.last_mut() {
            Some((k, rows)) if *k == r.change.key => rows.push(r),
            _ => groups.push((r.change.key.clone(), vec![r])),
        }
    }
    let kind = s.kind;
    let target = Target {
        app_id: app_id.clone(),
        set_id: set_id.clone(),
    };
    let (app_for_last, set_for_last) = (app_id.clone(), set_id.clone());
    let in_note = target.clone();
    let last = move || revert.value().get();
    view! {
        <section class="card" data-testid="change-set" data-set=set_id.clone()>
            <p><A href=format!("/apps/{app_id}")>{v.app_name.clone()}</A></p>
            <h1>{move || kind.label().text(lang.get())} " · " {s.author.clone()} <span class="muted small">" · " {s.author_org.clone()}</span></h1>
            <p class="small">{when(&s)} " · " <span data-testid="set-changes">{s.changes}</span> " " {t(K::ChangeCount)} " " {risk_badges(&s.risky)}</p>
            <p class="small muted">{t(K::RevertRule)}</p>
            {blocked.then(|| view! { <p class="notice" role="status" data-testid="provider-in">{t(K::ProviderInNow)}</p> })}
            {error_note(move || revert.value().get().and_then(|r| r.err()))}
            {error_note(move || reviewed.value().get().and_then(|r| r.err()))}
            {move || last().and_then(|r| r.ok()).map(|o| {
                if !o.dependents.is_empty() {
                    let (only, restore) = (o.only.join("\n"), o.restore.join("\n"));
                    let can = o.dependents.iter().all(|d| d.in_set) && !o.only.is_empty();
                    view! {
                        <div class="notice" role="alert" data-testid="dependents">
                            <p>{t(K::DependentsTitle)}</p>
                            <ul>{o.dependents.iter().map(|d| {
                                let c = Change {
                                    id: String::new(), key: d.key.clone(), part: d.part, name: d.name.clone(), form: d.form.clone(),
                                    prop: Prop::Exists, outcome: crate::versions::domain::Outcome::Kept, base: None, mine: None, new: None,
                                    resolution: None, needs_setup: false,
                                };
                                view! { <li data-dependent=d.key.clone()>{move || part_name(&c, lang.get())}</li> }
                            }).collect_view()}</ul>
                            <p class="small">{t(K::DependentsHint)}</p>
                            {can.then(|| revert_form(revert, &in_note, only, restore, true, K::RevertWithDependents, blocked))}
                        </div>
                    }.into_any()
                } else if o.reverted > 0 {
                    view! { <p class="ok" role="status" data-testid="reverted">{t(K::RevertedCount)} {o.reverted}</p> }.into_any()
                } else {
                    view! { <p class="muted" role="status" data-testid="nothing-to-revert">{t(K::NothingToRevert)}</p> }.into_any()
                }
            })}
            <div class="row">
                {revert_form(revert, &target, String::new(), String::new(), false, K::RevertSession, blocked || !any)}
                {(kind == SetKind::Maintenance && !s.reviewed).then(|| {
                    let pending = move || reviewed.pending().get();
                    view! {
                        <ActionForm action=reviewed attr:class="inline">
                            <input type="hidden" name="app_id" value=app_for_last.to_string() />
                            <input type="hidden" name="set_id" value=set_for_last.clone() />
                            {submit_button(K::MarkReviewed, K::Saving, pending)}
                        </ActionForm>
                    }
                })}
                {s.reviewed.then(|| view! { <span class="badge" data-testid="reviewed">{t(K::ReviewedMark)}</span> })}
            </div>
            {groups.into_iter().map(|(key, rows)| {
                let first = rows[0].change.clone();
                let ids = rows.iter().map(|r| r.change.id.clone()).collect::<Vec<_>>().join("\n");
                let any_here = rows.iter().any(|r| r.standing == Standing::Restorable);
                view! {
                    <section class="change-part" data-part=key.clone()>
                        <h2 class="h3">{move || part_name(&first, lang.get())}</h2>
                        <table class="table">
                            <thead><tr>
                                <th>{t(K::ChangedAt)}</th><th></th><th>{t(K::BeforeSession)}</th><th>{t(K::AfterSession)}</th><th>{t(K::NowValue)}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| change_row(r, revert, &target, blocked)).collect_view()}
                            </tbody>
                        </table>
                        {revert_form(revert, &target, ids, String::new(), false, K::RevertPart, blocked || !any_here)}
                    </section>
                }
            }).collect_view()}
        </section>
    }
}

fn value_cell(prop: Prop, v: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let class = if prop == Prop::Message {
        "value pre"
    } else {
        "value"
    };
    move || {
        v.as_deref().map(|v| {
            let text = if prop == Prop::Recipients {
                v.split(", ")
                    .map(|x| {
                        if x == "submitter" {
                            K::Submitter.text(lang.get()).to_string()
                        } else {
                            x.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                shown(prop, v, lang.get())
            };
            view! { <span class=class>{text}</span> }
        })
    }
}

fn change_row(
    r: ChangeRow,
    revert: ServerAction<RevertChanges>,
    target: &Target,
    blocked: bool,
) -> impl IntoView {
    let lang = use_lang();
    let c = r.change.clone();
    let prop = c.prop;
    let outcome = c.outcome;
    let standing = r.standing;
    let (before, after) = if prop == Prop::Exists {
        (None, None)
    } else {
        (c.base.clone(), c.new.clone())
    };
    let action = match standing {
        Standing::Restorable => Some(
            revert_form(
                revert,
                target,
                c.id.clone(),
                String::new(),
                false,
                K::RevertOne,
                blocked,
            )
            .into_any(),
        ),
        Standing::ChangedSince if prop != Prop::Exists => Some(
            revert_form(
                revert,
                target,
                c.id.clone(),
                c.id.clone(),
                false,
                K::RestoreBefore,
                blocked,
            )
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <tr data-change=c.id.clone() data-standing=standing.as_str()>
            <td class="small">{crate::time::show(r.at)}</td>
            <td>
                <span class="badge">{move || outcome.label().text(lang.get())}</span>
                {(prop != Prop::Exists).then(|| view! { " " {move || prop.label().text(lang.get())} })}
                " " <span class="small muted">{move || standing.label().text(lang.get())}</span>
            </td>
            <td>{value_cell(prop, before)}</td>
            <td>{value_cell(prop, after)}</td>
            <td>{value_cell(prop, r.now.clone())}</td>
            <td>{action}</td>
        </tr>
    }
}

/// The ISV's data for an order's sessions, made before the sign-in guard.
#[derive(Clone, Copy)]
pub struct OrderChangesSwitch {
    sets: Resource<Result<Vec<OrderSet>, AppError>>,
    take: ServerAction<TakeFixHome>,
}

impl OrderChangesSwitch {
    pub fn new(order_id: impl Fn() -> String + Send + Sync + 'static) -> OrderChangesSwitch {
        let take = ServerAction::<TakeFixHome>::new();
        let sets = Resource::new(order_id, |id| get_order_changes(id.into()));
        OrderChangesSwitch { sets, take }
    }
}

/// In an order's detail, for the ISV: what its sessions changed, and
/// "apply to my app".
#[component]
pub fn OrderChanges(switch: OrderChangesSwitch, order_id: String) -> impl IntoView {
    let OrderChangesSwitch { sets, take } = switch;
    view! {
        <Transition fallback=|| ()>
            {move || {
                let order_id = order_id.clone();
                Suspend::new(async move {
                let sets = sets.await.ok()?;
                if sets.is_empty() {
                    return None;
                }
                Some(view! {
                    <section class="card" data-testid="order-changes" aria-labelledby="order-changes-title">
                        <h2 id="order-changes-title">{t(K::SessionsAtCustomer)}</h2>
                        <p class="small muted">{t(K::TakeFixHint)}</p>
                        {error_note(move || take.value().get().and_then(|r| r.err()))}
                        {move || take.value().get().and_then(|r| r.ok()).map(|n| view! {
                            <p class="ok" role="status" data-testid="taken-home">{t(K::TakenHome)} {n}</p>
                        })}
                        {sets.into_iter().map(|o| {
                            let order_id = order_id.clone();
                            let (set_id, set_attr) = (o.set.id.to_string(), o.set.id.to_string());
                            view! {
                                <div class="change-set" data-set=set_attr>
                                    <p><strong>{o.set.author.clone()}</strong> " · " <span class="small">{when(&o.set)}</span> " · " {o.set.changes} " " {t(K::ChangeCount)}</p>
                                    <ChangeList changes=o.changes />
                                    <ActionForm action=take attr:class="inline">
                                        <input type="hidden" name="order_id" value=order_id />
                                        <input type="hidden" name="set_id" value=set_id />
                                        {submit_button(K::TakeFixHome, K::Saving, move || take.pending().get())}
                                    </ActionForm>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                })
            })}}
        </Transition>
    }
}
