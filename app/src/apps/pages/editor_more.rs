//! The editor's notification templates and third-party services.

use super::editor::{choice_options, hidden, use_actions};
use crate::apps::domain::Trigger;
use crate::apps::domain::*;
use crate::i18n::{t, use_lang, K};
use crate::ui::{submit_button, textarea_text};
use leptos::prelude::*;

#[component]
pub fn Templates(app: AppDetail) -> impl IntoView {
    let a = use_actions();
    let app_id = StoredValue::new(app.id.clone());
    let has_forms = !app.forms.is_empty();
    let forms = StoredValue::new(app.forms.clone());
    view! {
        <section class="card" data-testid="templates">
            <h2>{t(K::Templates)}</h2>
            {app.templates.is_empty().then(|| view! { <p class="muted">{t(K::NoTemplates)}</p> })}
            <ul class="list">
                {app.templates.iter().map(|tp| view! { <TemplateRow app=app.clone() tp=tp.clone() /> }).collect_view()}
            </ul>
            {(app.can_edit && has_forms).then(|| view! {
                <details class="add">
                    <summary>{t(K::AddTemplate)}</summary>
                    <ActionForm action=a.add_template attr:class="stack" attr:data-testid="add-template">
                        {hidden("app_id", app_id.get_value())}
                        <label>
                            {t(K::Form)}
                            <select name="form_id">
                                {forms.with_value(|fs| fs.iter().map(|f| view! { <option value=f.id.clone()>{f.name.clone()}</option> }).collect_view())}
                            </select>
                        </label>
                        <label>{t(K::Trigger)} <select name="trigger">{choice_options(Some(Trigger::Submitted))}</select></label>
                        <label>
                            {t(K::Message)}
                            <textarea name="message" required maxlength="1000" rows="3"></textarea>
                            <small class="muted">{t(K::MessageHint)}</small>
                        </label>
                        {submit_button(K::Add, K::Adding, move || a.add_template.pending().get())}
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

#[component]
fn TemplateRow(app: AppDetail, tp: TemplateView) -> impl IntoView {
    let a = use_actions();
    let lang = use_lang();
    let trigger = tp.trigger;
    let (app_id, tid) = (
        StoredValue::new(app.id.clone()),
        StoredValue::new(tp.id.clone()),
    );
    let edit = app.can_edit;
    let users = StoredValue::new(app.users.clone());
    let message = StoredValue::new(tp.message.clone());
    view! {
        <li class="item" data-template=tp.message.clone() id=format!("template-{}", tp.id)>
            <div class="item-main">
                <strong>{tp.form_name.clone()}</strong> " · " {move || trigger.label().text(lang.get())}
                {tp.needs_config.then(|| view! { " " <span class="badge warn">{t(K::NeedsConfig)}</span> })}
                <p class="message">{tp.message.clone()}</p>
                <span class="muted small">{t(K::Recipients)} ":"</span>
                {tp.recipients.is_empty().then(|| view! { <span class="badge warn">{t(K::NoRecipients)}</span> })}
                <ul class="chips inline-list">
                    {tp.recipients.iter().map(|r| {
                        let is_submitter = r.name.is_empty();
                        let name = r.name.clone();
                        let value = r.value.clone();
                        view! {
                            <li class="chip">
                                {move || if is_submitter { K::Submitter.text(lang.get()).to_string() } else { name.clone() }}
                                {edit.then(|| view! {
                                    <ActionForm action=a.remove_recipient attr:class="inline">
                                        {hidden("app_id", app_id.get_value())}
                                        {hidden("template_id", tid.get_value())}
                                        {hidden("recipient", value.clone())}
                                        <button type="submit" class="link" aria-label=t(K::Remove)>"×"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            {edit.then(|| view! {
                <div class="tools">
                    <ActionForm action=a.add_recipient attr:class="inline">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("template_id", tid.get_value())}
                        <select name="recipient" aria-label=t(K::AddRecipient)>
                            <option value="submitter">{t(K::Submitter)}</option>
                            {users.with_value(|us| us.iter().map(|u| view! {
                                <option value=format!("user:{}", u.id)>{person_label(&u.name, &u.email)}</option>
                            }).collect_view())}
                        </select>
                        <button type="submit" class="secondary">{t(K::AddRecipient)}</button>
                    </ActionForm>
                    <ActionForm action=a.delete_template attr:class="inline">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("template_id", tid.get_value())}
                        <button type="submit" class="danger">{t(K::Delete)}</button>
                    </ActionForm>
                </div>
                <details class="wide">
                    <summary>{t(K::Edit)}</summary>
                    <ActionForm action=a.update_template attr:class="stack">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("template_id", tid.get_value())}
                        <label>{t(K::Trigger)} <select name="trigger">{choice_options(Some(trigger))}</select></label>
                        <label>{t(K::Message)} <textarea name="message" required maxlength="1000" rows="3">{textarea_text(&message.get_value())}</textarea></label>
                        {submit_button(K::Save, K::Saving, move || a.update_template.pending().get())}
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

#[component]
pub fn Services(app: AppDetail, in_maintenance: bool) -> impl IntoView {
    let a = use_actions();
    let app_id = StoredValue::new(app.id.clone());
    let forms: Vec<(crate::values::FormId, String, FormKind)> = app
        .forms
        .iter()
        .map(|f| (f.id.clone(), f.name.clone(), f.kind))
        .collect();
    view! {
        <section class="card" data-testid="services">
            <h2>{t(K::Services)}</h2>
            {app.services.is_empty().then(|| view! { <p class="muted">{t(K::NoServices)}</p> })}
            <ul class="list">
                {app.services.iter().map(|s| view! { <ServiceRow app_id=app_id.get_value() s=s.clone() edit=app.can_edit forms=forms.clone() /> }).collect_view()}
            </ul>
            // The calls carry the app's records: its own admins only.
            {(app.can_edit && !in_maintenance && !app.services.is_empty()).then(|| view! {
                <a href=format!("/apps/{}/deliveries", app.id) data-testid="delivery-log">{t(K::DeliveryLog)}</a>
            })}
            {app.can_edit.then(|| view! {
                <details class="add">
                    <summary>{t(K::AddService)}</summary>
                    <ActionForm action=a.add_service attr:class="stack" attr:data-testid="add-service">
                        {hidden("app_id", app_id.get_value())}
                        <label>{t(K::ServiceName)} <input name="name" required maxlength="60" /></label>
                        <label>{t(K::Endpoint)} <input name="endpoint" type="url" required maxlength="500" placeholder="https://" /></label>
                        <label>
                            {t(K::Credential)}
                            <input name="credential" type="password" autocomplete="off" maxlength="4096" />
                            <small class="muted">{t(K::CredentialHint)}</small>
                        </label>
                        {submit_button(K::Add, K::Adding, move || a.add_service.pending().get())}
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

#[component]
fn ServiceRow(
    app_id: crate::values::AppId,
    s: ServiceView,
    edit: bool,
    forms: Vec<(crate::values::FormId, String, FormKind)>,
) -> impl IntoView {
    let a = use_actions();
    let lang = use_lang();
    let calls = s.calls.clone();
    let set_at = s.credential_set_at.map(crate::time::show);
    let has_credential = set_at.is_some();
    let app_id = StoredValue::new(app_id);
    let sid = StoredValue::new(s.id.clone());
    let (name, endpoint) = (
        StoredValue::new(s.name.clone()),
        StoredValue::new(s.endpoint.clone()),
    );
    view! {
        <li class="item" data-service=s.name.clone() id=format!("service-{}", s.id)>
            <div class="item-main">
                <strong>{s.name.clone()}</strong>
                {s.needs_config.then(|| view! { " " <span class="badge warn">{t(K::NeedsConfig)}</span> })}
                <div class="muted small endpoint">{s.endpoint.clone()}</div>
                <div class="small" data-testid="credential-state">
                    {t(K::Credential)} ": "
                    {match set_at {
                        Some(at) => view! { <span class="ok">{t(K::CredentialSet)} " · " {t(K::SetAt)} " " {at}</span> }.into_any(),
                        None => view! { <span class="badge warn">{t(K::CredentialNotSet)}</span> }.into_any(),
                    }}
                </div>
                <span class="muted small">{t(K::CalledOn)} ":"</span>
                {calls.is_empty().then(|| view! { <span class="badge warn">{t(K::NotCalled)}</span> })}
                <ul class="chips inline-list" data-testid="service-calls">
                    {calls.iter().map(|c| {
                        let trigger = c.trigger;
                        let form_id = c.form_id.clone();
                        view! {
                            <li class="chip">
                                {c.form_name.clone()} " · " {move || trigger.label().text(lang.get())}
                                {edit.then(|| view! {
                                    <ActionForm action=a.remove_service_call attr:class="inline">
                                        {hidden("app_id", app_id.get_value())}
                                        {hidden("service_id", sid.get_value())}
                                        {hidden("form_id", form_id.clone())}
                                        {hidden("trigger", trigger.as_str())}
                                        <button type="submit" class="link" aria-label=t(K::Remove)>"×"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
            {edit.then(|| view! {
                <div class="tools">
                    // A form's event: a plain form has only "submitted".
                    <ActionForm action=a.add_service_call attr:class="inline" attr:data-testid="add-service-call">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("service_id", sid.get_value())}
                        <select name="form_id" aria-label=t(K::Form)>
                            {forms.iter().map(|(id, name, _)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                        </select>
                        <select name="trigger" aria-label=t(K::Trigger)>{choice_options::<Trigger>(None)}</select>
                        <button type="submit" class="secondary">{t(K::AddCall)}</button>
                    </ActionForm>
                    <ActionForm action=a.delete_service attr:class="inline">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("service_id", sid.get_value())}
                        <button type="submit" class="danger">{t(K::Delete)}</button>
                    </ActionForm>
                </div>
                <details class="wide">
                    <summary>{move || if has_credential { K::ReplaceCredential } else { K::SetCredential }.text(use_lang().get())}</summary>
                    <ActionForm action=a.set_credential attr:class="row">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("service_id", sid.get_value())}
                        <input name="credential" type="password" required autocomplete="off" maxlength="4096" aria-label=t(K::Credential) />
                        {submit_button(K::Save, K::Saving, move || a.set_credential.pending().get())}
                    </ActionForm>
                </details>
                <details class="wide">
                    <summary>{t(K::Edit)}</summary>
                    <ActionForm action=a.update_service attr:class="stack">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("service_id", sid.get_value())}
                        <label>{t(K::ServiceName)} <input name="name" required maxlength="60" value=name.get_value() /></label>
                        <label>{t(K::Endpoint)} <input name="endpoint" type="url" required maxlength="500" value=endpoint.get_value() /></label>
                        {submit_button(K::Save, K::Saving, move || a.update_service.pending().get())}
                    </ActionForm>
                </details>
            })}
        </li>
    }
}
