//! Upgrades in the customer's screens: the card on an installed app (its
//! version, an offer, the last step and its undo window) and the preview
//! page (`/apps/:id/upgrades/:upgrade`) where conflicts are resolved and the
//! step is taken.

use super::api::*;
use super::domain::*;
use crate::accounts::Me;
use crate::error::AppError;
use crate::i18n::{t, use_lang, K};
use crate::ui::{error_note, submit_button, SignedIn};
use crate::versions::domain::{Change, Resolution};
use crate::versions::pages::ChangeList;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// The card's data, made before the editor's sign-in guard (see `SignedIn`).
#[derive(Clone, Copy)]
pub struct UpgradeSwitch {
    decline: ServerAction<DeclineUpgrade>,
    card: Resource<Result<UpgradeCard, AppError>>,
}

impl UpgradeSwitch {
    pub fn new(app_id: impl Fn() -> String + Send + Sync + 'static) -> UpgradeSwitch {
        let decline = ServerAction::<DeclineUpgrade>::new();
        let card = Resource::new(
            move || (app_id(), decline.version().get()),
            |(id, _)| get_upgrade_card(id.into()),
        );
        UpgradeSwitch { decline, card }
    }
}

fn state_key(s: UpgradeState) -> K {
    s.label()
}

/// On an installed app: its version, an offered upgrade, the last one.
#[component]
pub fn UpgradeCardView(switch: UpgradeSwitch) -> impl IntoView {
    let UpgradeSwitch { decline, card } = switch;
    let lang = use_lang();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(c) = card.await else { return None };
                let installed = c.installed.clone()?;
                let now = c.now;
                Some(view! {
                    <section class="card" data-testid="upgrades" aria-labelledby="upgrades-title">
                        <h2 id="upgrades-title">{t(K::Versions)}</h2>
                        <p>{t(K::InstalledVersion)} " " <strong data-testid="installed-version">{installed}</strong></p>
                        {error_note(move || decline.value().get().and_then(|r| r.err()))}
                        {c.upgrades.into_iter().map(|u| {
                            let state = u.state;
                            let step = u.next_step(now);
                            let href = format!("/apps/{}/upgrades/{}", u.app_id, u.id);
                            let (app_id, id) = (u.app_id.clone(), u.id.clone());
                            view! {
                                <div class="upgrade" data-upgrade=u.to.clone() data-state=state.as_str()>
                                    <p>
                                        <strong>{u.to.clone()}</strong> " "
                                        <span class="badge">{move || state_key(state).text(lang.get())}</span>
                                        {u.undo_until.filter(|until| now < *until).map(|until| view! {
                                            " " <span class="small muted">{t(K::UndoUntil)} " " {crate::time::show(until)}</span>
                                        })}
                                    </p>
                                    {(!u.notes.is_empty()).then(|| view! { <p class="pre small">{u.notes.clone()}</p> })}
                                    <div class="row">
                                        {step.map(|s| view! {
                                            <A href=href.clone() attr:class="button" attr:data-testid="preview-upgrade">
                                                {move || if s == Step::Apply { K::PreviewUpgrade } else { K::PreviewRollback }.text(lang.get())}
                                            </A>
                                        })}
                                        {matches!(state, UpgradeState::Offered | UpgradeState::Failed).then(|| view! {
                                            <ActionForm action=decline attr:class="inline">
                                                <input type="hidden" name="app_id" value=app_id.to_string() />
                                                <input type="hidden" name="upgrade_id" value=id.to_string() />
                                                {submit_button(K::DeclineUpgrade, K::Saving, move || decline.pending().get())}
                                            </ActionForm>
                                        })}
                                    </div>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                })
            })}
        </Transition>
    }
}

#[component]
pub fn UpgradePage() -> impl IntoView {
    let params = use_params_map();
    let run = ServerAction::<RunUpgrade>::new();
    let preview = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("id").unwrap_or_default(),
                p.get("upgrade").unwrap_or_default(),
            )
        },
        |(app, upgrade)| preview_upgrade(app.into(), upgrade.into()),
    );
    view! { <SignedIn children=move |_me: Me| view! { <UpgradePreview preview run /> } /> }
}

#[component]
fn UpgradePreview(
    preview: Resource<Result<Preview, AppError>>,
    run: ServerAction<RunUpgrade>,
) -> impl IntoView {
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Err(e) => view! {
                        <section class="card narrow" data-testid="upgrade-refused">
                            {error_note(move || Some(e.clone()))}
                            <A href="/">{t(K::BackToWorkbench)}</A>
                        </section>
                    }.into_any(),
                    Ok(p) => view! { <PreviewView p run /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PreviewView(p: Preview, run: ServerAction<RunUpgrade>) -> impl IntoView {
    let lang = use_lang();
    let u = p.upgrade.clone();
    let conflicts: Vec<Change> = p.conflicts().cloned().collect();
    let others: Vec<Change> = p
        .changes
        .iter()
        .filter(|c| c.outcome != crate::versions::domain::Outcome::Conflict)
        .cloned()
        .collect();
    let setup = p.changes.iter().filter(|c| c.needs_setup).count();
    let rollback = p.step == Step::Rollback;
    let (title, button, busy) = if rollback {
        (K::RollbackTitle, K::RollBackUpgrade, K::RollingBack)
    } else {
        (K::UpgradeTitle, K::ApplyUpgrade, K::Applying)
    };
    let from = u.from.clone().unwrap_or_default();
    let cancel = format!("/apps/{}", u.app_id);
    view! {
        <section class="card" data-testid="upgrade-preview" data-step=p.step.as_str()>
            <h1>{t(title)}</h1>
            <p>
                {if rollback { u.to.clone() } else { from.clone() }} " → "
                <strong>{if rollback { from } else { u.to.clone() }}</strong>
            </p>
            {(!u.notes.is_empty()).then(|| view! { <p class="pre small">{u.notes.clone()}</p> })}
            {(setup > 0).then(|| view! { <p class="notice" data-testid="needs-setup">{t(K::UpgradeNeedsSetup)} " (" {setup} ")"</p> })}
            <ActionForm action=run attr:class="stack" attr:data-testid="upgrade-form">
                <input type="hidden" name="app_id" value=u.app_id.to_string() />
                <input type="hidden" name="upgrade_id" value=u.id.to_string() />
                <input type="hidden" name="step" value=p.step.as_str() />
                <input type="hidden" name="basis" value=p.basis.clone() />
                {(!conflicts.is_empty()).then(|| view! {
                    <h2>{t(K::Conflicts)} " (" {conflicts.len()} ")"</h2>
                    <p class="small muted">{move || if rollback { K::ConflictRollbackHint } else { K::ConflictHint }.text(lang.get())}</p>
                    {conflicts.iter().enumerate().map(|(n, c)| conflict(n, c.clone(), rollback)).collect_view()}
                })}
                <h2>{t(K::WhatChanges)}</h2>
                {if others.is_empty() {
                    view! { <p class="muted">{t(K::NothingElseChanges)}</p> }.into_any()
                } else {
                    view! { <ChangeList changes=others /> }.into_any()
                }}
                {error_note(move || run.value().get().and_then(|r| r.err()))}
                {submit_button(button, busy, move || run.pending().get())}
            </ActionForm>
            <A href=cancel>{t(K::Cancel)}</A>
        </section>
    }
}

/// One conflict: both values and the choice (keep mine by default).
fn conflict(n: usize, c: Change, rollback: bool) -> impl IntoView {
    let name = format!("choices[c{n}]");
    let (keep, take) = if rollback {
        (K::KeepCurrent, K::Restore)
    } else {
        (K::KeepMine, K::TakeNew)
    };
    let id = format!("conflict-{n}");
    let labelled = id.clone();
    view! {
        <fieldset class="conflict" data-change=c.id.clone() aria-labelledby=labelled>
            <legend id=id>
                <ChangeList changes=vec![c.clone()] />
            </legend>
            <label>
                <input type="radio" name=name.clone() value=Resolution::KeepMine.as_str() checked=true />
                {t(keep)} ": " <span class="value pre">{c.mine.clone().unwrap_or_default()}</span>
            </label>
            <label>
                <input type="radio" name=name value=Resolution::TakeNew.as_str() />
                {t(take)} ": " <span class="value pre">{c.new.clone().unwrap_or_default()}</span>
            </label>
        </fieldset>
    }
}
