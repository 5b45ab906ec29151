//! The versions panel of the distribution page: published versions, the
//! changes since the latest, and publishing; the change list is shared with
//! the upgrade preview.

use super::api::PublishVersion;
use super::domain::*;
use crate::apps::domain::{FieldType, FormKind, Icon, Trigger};
use crate::i18n::{t, use_lang, Lang, K};
use crate::ui::{error_note, submit_button, textarea_text};
use crate::upgrades::api::OfferUpgrade;
use crate::upgrades::domain::OfferScope;
use leptos::prelude::*;

/// A value as the report shows it: typed values by their label.
pub(crate) fn shown(prop: Prop, value: &str, lang: Lang) -> String {
    let label = match prop {
        Prop::Type => FieldType::parse(value).ok().map(FieldType::label),
        Prop::Kind => FormKind::parse(value).ok().map(FormKind::label),
        Prop::Icon => Icon::parse(value).ok().map(Icon::label),
        Prop::Trigger | Prop::Call => Trigger::parse(value).ok().map(Trigger::label),
        Prop::Required => Some(if value == "true" { K::Yes } else { K::No }),
        _ => None,
    };
    label.map_or_else(|| value.to_string(), |k| k.text(lang).to_string())
}

/// Which part, in words: "Field «Days» (Request)".
pub(crate) fn part_name(c: &Change, lang: Lang) -> String {
    let name = match c.part {
        Part::App => String::new(),
        Part::Template => format!(" «{}»", shown(Prop::Trigger, &c.name, lang)),
        _ => format!(" «{}»", c.name),
    };
    let form = c
        .form
        .as_ref()
        .map(|f| format!(" · {f}"))
        .unwrap_or_default();
    format!("{}{name}{form}", c.part.label().text(lang))
}

/// The changes of a publication or an upgrade, one line each.
#[component]
pub fn ChangeList(changes: Vec<Change>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="changes" data-testid="changes">
            {changes.into_iter().map(|c| {
                let outcome = c.outcome;
                let c2 = c.clone();
                view! {
                    <li data-change=c.id.clone() data-outcome=outcome.as_str()>
                        <span class="badge">{move || outcome.label().text(lang.get())}</span>
                        " " {move || part_name(&c2, lang.get())}
                        {(c.prop != Prop::Exists).then(|| {
                            let prop = c.prop;
                            view! { " · " {move || prop.label().text(lang.get())} }
                        })}
                        {values(&c)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Before → after, when the change has values to show.
fn values(c: &Change) -> impl IntoView {
    let lang = use_lang();
    let prop = c.prop;
    let (before, after) = match c.outcome {
        Outcome::Kept => (c.base.clone(), c.mine.clone()),
        Outcome::Applied | Outcome::Agreed => (c.base.clone(), c.new.clone()),
        Outcome::Conflict | Outcome::Merged => (c.mine.clone(), c.new.clone()),
        _ => (None, c.new.clone().or_else(|| c.mine.clone())),
    };
    let multiline = matches!(prop, Prop::Message);
    (after.is_some() && prop != Prop::Order).then(move || {
        let show = move |v: &Option<String>| {
            let v = v.clone();
            move || {
                v.as_deref()
                    .map(|v| shown(prop, v, lang.get()))
                    .unwrap_or_default()
            }
        };
        let class = if multiline { "value pre" } else { "value" };
        view! {
            ": "
            {before.is_some().then(|| view! { <span class=class>{show(&before)}</span> " → " })}
            <span class=class>{show(&after)}</span>
        }
    })
}

/// Published versions and the form to publish the next one.
#[component]
pub fn VersionsPanel(
    v: VersionsView,
    publish: ServerAction<PublishVersion>,
    offer: ServerAction<OfferUpgrade>,
) -> impl IntoView {
    let lang = use_lang();
    let latest = v.versions.first().map(|x| x.version);
    let can = v.can_publish();
    let needed = v.needed;
    view! {
        <section class="card" aria-labelledby="versions-title" data-testid="versions">
            <h2 id="versions-title">{t(K::Versions)}</h2>
            {v.versions.is_empty().then(|| view! { <p class="muted">{t(K::NoVersions)}</p> })}
            {(!v.versions.is_empty()).then(|| view! {
                <table class="table" data-testid="version-list">
                    <thead><tr>
                        <th>{t(K::VersionNumber)}</th><th>{t(K::Published)}</th><th>{t(K::CreatedBy)}</th><th>{t(K::ReleaseNotes)}</th>
                    </tr></thead>
                    <tbody>
                        {v.versions.iter().map(|x| {
                            let level = x.level;
                            view! {
                                <tr data-version=x.version.to_string()>
                                    <td>{x.version.to_string()}
                                        {level.map(|l| view! { " " <span class="badge">{move || l.label().text(lang.get())}</span> })}
                                    </td>
                                    <td>{crate::time::show(x.published_at)}</td>
                                    <td>{x.published_by.clone()}</td>
                                    <td class="pre">{x.notes.clone()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!v.versions.is_empty()).then(|| view! { <Offer v=v.clone() offer /> })}
            <h3>{t(K::PublishVersion)}</h3>
            {match (latest, can) {
                (Some(l), false) => view! {
                    <p class="muted" data-testid="nothing-to-publish">{t(K::NoChangesSince)} " " {l.to_string()}</p>
                }.into_any(),
                _ => view! {
                    {latest.map(|l| view! {
                        <p class="small">{t(K::ChangesSince)} " " {l.to_string()} ":"</p>
                        <ChangeList changes=v.changes.clone() />
                        {needed.map(|n| view! {
                            <p class="small" data-testid="needed-level">{t(K::NeedsAtLeast)} " " {move || n.label().text(lang.get())}</p>
                        })}
                    })}
                    <ActionForm action=publish attr:class="stack" attr:data-testid="publish-form">
                        <input type="hidden" name="app_id" value=v.app_id.clone() />
                        <label>{t(K::VersionNumber)}
                            <input name="version" required pattern="[0-9]+\\.[0-9]+\\.[0-9]+" value=v.suggested.to_string() />
                        </label>
                        <label>{t(K::ReleaseNotes)}
                            <textarea name="notes" rows="3" maxlength=limits::NOTES>{textarea_text("")}</textarea>
                        </label>
                        {error_note(move || publish.value().get().and_then(|r| r.err()))}
                        {submit_button(K::Publish, K::Publishing, move || publish.pending().get())}
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

/// Offers a published version to the app's orders.
#[component]
fn Offer(v: VersionsView, offer: ServerAction<OfferUpgrade>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <h3>{t(K::OfferUpgrade)}</h3>
        <ActionForm action=offer attr:class="stack" attr:data-testid="offer-form">
            <input type="hidden" name="app_id" value=v.app_id.clone() />
            <div class="grid2">
                <label>{t(K::VersionNumber)}
                    <select name="version_id">
                        {v.versions.iter().map(|x| view! { <option value=x.id.to_string()>{x.version.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t(K::UpgradeState)}
                    <select name="scope">
                        {OfferScope::ALL.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str()>{move || s.label().text(lang.get())}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <label>{t(K::OrderNumbers)} <textarea name="orders" rows="2"></textarea></label>
            {error_note(move || offer.value().get().and_then(|r| r.err()))}
            {move || offer.value().get().and_then(|r| r.ok()).map(|o| view! {
                <p class="ok" role="status" data-testid="offer-outcome" data-offered=o.offered>
                    {t(K::OfferResult)} ": " {o.offered} " · " {t(K::OfferUnchanged)} ": " {o.unchanged}
                    " · " {t(K::OfferNotUpgradable)} ": " {o.not_upgradable}
                </p>
            })}
            {submit_button(K::OfferUpgrade, K::Offering, move || offer.pending().get())}
        </ActionForm>
    }
}
