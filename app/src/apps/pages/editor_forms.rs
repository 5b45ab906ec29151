//! The editor's forms section: forms, their fields and, for process forms,
//! the ordered approval steps.

use super::editor::{choice_options, hidden, move_buttons, use_actions, user_options};
use crate::apps::domain::*;
use crate::i18n::{t, use_lang, K};
use crate::ui::{submit_button, textarea_text};
use leptos::prelude::*;

#[component]
pub fn Forms(app: AppDetail) -> impl IntoView {
    let a = use_actions();
    let app_id = StoredValue::new(app.id.clone());
    view! {
        <section class="card" data-testid="forms">
            <h2>{t(K::Forms)}</h2>
            {app.forms.is_empty().then(|| view! { <p class="muted">{t(K::NoForms)}</p> })}
            {app.forms.iter().map(|f| view! { <FormCard app=app.clone() form=f.clone() /> }).collect_view()}
            {app.can_edit.then(|| view! {
                <h3>{t(K::AddForm)}</h3>
                <ActionForm action=a.add_form attr:class="row" attr:data-testid="add-form">
                    {hidden("app_id", app_id.get_value())}
                    <label class="grow">{t(K::FormName)} <input name="name" required maxlength="60" /></label>
                    <label>{t(K::Kind)} <select name="kind">{choice_options::<FormKind>(None)}</select></label>
                    {submit_button(K::Add, K::Adding, move || a.add_form.pending().get())}
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn FormCard(app: AppDetail, form: FormView) -> impl IntoView {
    let a = use_actions();
    let lang = use_lang();
    let kind = form.kind;
    let edit = app.can_edit;
    let (app_id, form_id) = (
        StoredValue::new(app.id.clone()),
        StoredValue::new(form.id.clone()),
    );
    let form_name = StoredValue::new(form.name.clone());
    let process = (kind == FormKind::Process)
        .then(|| view! { <Process app=app.clone() form=form.clone() /> });
    view! {
        <article class="subcard" data-form=form.name.clone() id=format!("form-{}", form.id)>
            <header class="subcard-head">
                <h3>{form.name.clone()} " " <span class="badge">{move || kind.label().text(lang.get())}</span></h3>
                {edit.then(|| view! {
                    <div class="tools">
                        {move_buttons!(a.move_form, app_id.get_value(), "form_id", form_id.get_value())}
                        <ActionForm action=a.delete_form attr:class="inline">
                            {hidden("app_id", app_id.get_value())}
                            {hidden("form_id", form_id.get_value())}
                            <button type="submit" class="danger">{t(K::Delete)}</button>
                        </ActionForm>
                    </div>
                })}
            </header>
            {edit.then(|| view! {
                <details>
                    <summary>{t(K::Rename)}</summary>
                    <ActionForm action=a.rename_form attr:class="row">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("form_id", form_id.get_value())}
                        <input name="name" required maxlength="60" value=form_name.get_value() aria-label=t(K::FormName) />
                        {submit_button(K::Save, K::Saving, move || a.rename_form.pending().get())}
                    </ActionForm>
                </details>
            })}
            <h4>{t(K::Fields)}</h4>
            {form.fields.is_empty().then(|| view! { <p class="muted">{t(K::NoFields)}</p> })}
            <ul class="list">
                {form.fields.iter().map(|f| view! { <FieldRow app_id=app_id.get_value() field=f.clone() edit /> }).collect_view()}
            </ul>
            {edit.then(|| view! {
                <details class="add">
                    <summary>{t(K::AddField)}</summary>
                    <ActionForm action=a.add_field attr:class="stack" attr:data-testid="add-field">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("form_id", form_id.get_value())}
                        <FieldInputs label=String::new() field_type=FieldType::Text required=false options=String::new() />
                        {submit_button(K::Add, K::Adding, move || a.add_field.pending().get())}
                    </ActionForm>
                </details>
            })}
            {process}
        </article>
    }
}

#[component]
fn FieldInputs(
    label: String,
    field_type: FieldType,
    required: bool,
    options: String,
) -> impl IntoView {
    view! {
        <label>{t(K::FieldLabel)} <input name="label" required maxlength="60" value=label /></label>
        <label>{t(K::FieldType)} <select name="field_type">{choice_options(Some(field_type))}</select></label>
        // A select rather than a checkbox: Chromium can drop a re-rendered
        // checkbox from the layout when its <details> panel is reopened.
        <label>
            {t(K::Required)}
            <select name="required">
                <option value="no" selected=!required>{t(K::No)}</option>
                <option value="yes" selected=required>{t(K::Yes)}</option>
            </select>
        </label>
        <label>{t(K::Options)} <textarea name="options" rows="3">{textarea_text(&options)}</textarea></label>
    }
}

#[component]
fn FieldRow(app_id: crate::values::AppId, field: FieldView, edit: bool) -> impl IntoView {
    let a = use_actions();
    let lang = use_lang();
    let ft = field.field_type;
    let options = field.options.join(" / ");
    let app_id = StoredValue::new(app_id);
    let fid = StoredValue::new(field.id.clone());
    let (label, required, options_text) = (
        field.label.clone(),
        field.required,
        field.options.join("\n"),
    );
    view! {
        <li class="item" data-field=field.label.clone()>
            <div class="item-main">
                <strong>{field.label.clone()}</strong>
                {field.required.then(|| view! { <span class="req" title=t(K::Required)>"*"</span> })}
                " " <span class="badge">{move || ft.label().text(lang.get())}</span>
                {(!options.is_empty()).then(|| view! { <span class="muted small">" " {options.clone()}</span> })}
            </div>
            {edit.then(|| view! {
                <div class="tools">
                    {move_buttons!(a.move_field, app_id.get_value(), "field_id", fid.get_value())}
                    <ActionForm action=a.delete_field attr:class="inline">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("field_id", fid.get_value())}
                        <button type="submit" class="danger">{t(K::Delete)}</button>
                    </ActionForm>
                </div>
                <details class="wide">
                    <summary>{t(K::Edit)}</summary>
                    <ActionForm action=a.update_field attr:class="stack">
                        {hidden("app_id", app_id.get_value())}
                        {hidden("field_id", fid.get_value())}
                        <FieldInputs label=label.clone() field_type=ft required options=options_text.clone() />
                        {submit_button(K::Save, K::Saving, move || a.update_field.pending().get())}
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

#[component]
fn Process(app: AppDetail, form: FormView) -> impl IntoView {
    let a = use_actions();
    let edit = app.can_edit;
    let (app_id, form_id) = (
        StoredValue::new(app.id.clone()),
        StoredValue::new(form.id.clone()),
    );
    let users = StoredValue::new(app.users.clone());
    view! {
        <div class="process" data-testid="process">
            <h4>
                {t(K::Process)}
                {form.process_needs_config.then(|| view! { " " <span class="badge warn">{t(K::NeedsConfig)}</span> })}
            </h4>
            {form.steps.is_empty().then(|| view! { <p class="muted">{t(K::NoSteps)}</p> })}
            <ol class="list">
                {form
                    .steps
                    .iter()
                    .map(|s| {
                        let step_id = StoredValue::new(s.id.clone());
                        let step_name = s.name.clone();
                        view! {
                            <li class="item" data-step=s.name.clone()>
                                <div class="item-main">
                                    <strong>{s.name.clone()}</strong>
                                    <span class="muted small">" · " {t(K::Approvers)} ":"</span>
                                    {s.approvers.is_empty().then(|| view! { <span class="badge warn">{t(K::NoApprovers)}</span> })}
                                    <ul class="chips inline-list">
                                        {s.approvers.iter().map(|u| {
                                            let uid = u.id.clone();
                                            view! {
                                            <li class="chip">
                                                {u.name.clone()}
                                                {edit.then(|| view! {
                                                    <ActionForm action=a.remove_approver attr:class="inline">
                                                        {hidden("app_id", app_id.get_value())}
                                                        {hidden("step_id", step_id.get_value())}
                                                        {hidden("user_id", uid.clone())}
                                                        <button type="submit" class="link" aria-label=t(K::Remove)>"×"</button>
                                                    </ActionForm>
                                                })}
                                            </li>
                                        }}).collect_view()}
                                    </ul>
                                </div>
                                {edit.then(|| view! {
                                    <div class="tools">
                                        <ActionForm action=a.add_approver attr:class="inline">
                                            {hidden("app_id", app_id.get_value())}
                                            {hidden("step_id", step_id.get_value())}
                                            <select name="user_id" aria-label=t(K::AddApprover)>{users.with_value(|u| user_options(u))}</select>
                                            <button type="submit" class="secondary">{t(K::AddApprover)}</button>
                                        </ActionForm>
                                        <details>
                                            <summary>{t(K::Rename)}</summary>
                                            <ActionForm action=a.rename_step attr:class="row">
                                                {hidden("app_id", app_id.get_value())}
                                                {hidden("step_id", step_id.get_value())}
                                                <input name="name" required maxlength="60" value=step_name.clone() aria-label=t(K::StepName) />
                                                {submit_button(K::Save, K::Saving, move || a.rename_step.pending().get())}
                                            </ActionForm>
                                        </details>
                                        {move_buttons!(a.move_step, app_id.get_value(), "step_id", step_id.get_value())}
                                        <ActionForm action=a.delete_step attr:class="inline">
                                            {hidden("app_id", app_id.get_value())}
                                            {hidden("step_id", step_id.get_value())}
                                            <button type="submit" class="danger">{t(K::Delete)}</button>
                                        </ActionForm>
                                    </div>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {edit.then(|| view! {
                <ActionForm action=a.add_step attr:class="row" attr:data-testid="add-step">
                    {hidden("app_id", app_id.get_value())}
                    {hidden("form_id", form_id.get_value())}
                    <label class="grow">{t(K::StepName)} <input name="name" required maxlength="60" /></label>
                    {submit_button(K::AddStep, K::Adding, move || a.add_step.pending().get())}
                </ActionForm>
            })}
        </div>
    }
}
