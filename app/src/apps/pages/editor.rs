//! The app editor (`/apps/:id`): settings, app admins, forms with fields and
//! process, notification templates, third-party services. Every control is a
//! plain form posting to one server function, so it also works without
//! JavaScript; with it, the page refreshes in place.

use crate::accounts::Me;
use crate::apps::api::*;
use crate::apps::domain::*;
use crate::error::AppError;
use crate::i18n::{t, use_lang, K};
use crate::ui::{error_note, submit_button, textarea_text, SignedIn};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

macro_rules! editor_actions {
    ($($field:ident : $ty:ident),* $(,)?) => {
        /// One action per server function the editor calls.
        #[derive(Clone, Copy)]
        pub struct Actions { $(pub $field: ServerAction<$ty>,)* }

        impl Actions {
            fn new() -> Self {
                Self { $($field: ServerAction::<$ty>::new(),)* }
            }
            /// Changes whenever any edit completes: the page reloads the app then.
            fn version(&self) -> usize {
                0 $(+ self.$field.version().get())*
            }
            /// The error of the edit that finished last (kept in `last`).
            fn track_errors(&self, last: RwSignal<Option<AppError>>) {
                $(
                    let a = self.$field;
                    if let Some(Err(e)) = a.value().get_untracked() {
                        last.set(Some(e));
                    }
                    Effect::new(move |_| match a.value().get() {
                        Some(Err(e)) => {
                            // Maintenance ended: reload the session to go home.
                            if e.code == crate::error::ErrorCode::MaintenanceEnded {
                                crate::session::use_session().refresh();
                            }
                            last.set(Some(e));
                        }
                        Some(Ok(_)) => {
                            last.set(None);
                            crate::ui::reset_forms();
                        }
                        None => {}
                    });
                )*
            }
        }
    };
}

editor_actions! {
    update: UpdateApp, delete: DeleteApp, add_admin: AddAppAdmin, remove_admin: RemoveAppAdmin,
    add_form: AddForm, rename_form: RenameForm, move_form: MoveForm, delete_form: DeleteForm,
    add_field: AddField, update_field: UpdateField, move_field: MoveField, delete_field: DeleteField,
    add_step: AddStep, rename_step: RenameStep, move_step: MoveStep, delete_step: DeleteStep,
    add_approver: AddApprover, remove_approver: RemoveApprover,
    add_template: AddTemplate, update_template: UpdateTemplate, delete_template: DeleteTemplate,
    add_recipient: AddRecipient, remove_recipient: RemoveRecipient,
    add_service: AddService, update_service: UpdateService, set_credential: SetCredential, delete_service: DeleteService,
    add_service_call: AddServiceCall, remove_service_call: RemoveServiceCall,
    set_use_by: SetUseBy, add_user: AddAppUser, remove_user: RemoveAppUser,
}

pub fn use_actions() -> Actions {
    expect_context::<Actions>()
}

/// A hidden input carrying a value every edit form needs.
pub fn hidden(name: &'static str, value: impl std::fmt::Display) -> impl IntoView {
    view! { <input type="hidden" name=name value=value.to_string() /> }
}

/// Two small forms that move an item up or down (a macro: `ActionForm`'s
/// bounds are long to spell out for a generic function).
macro_rules! move_buttons {
    ($action:expr, $app_id:expr, $id_name:literal, $id:expr) => {{
        let lang = $crate::i18n::use_lang();
        let (app_id, id): (String, String) = ($app_id.to_string(), $id.to_string());
        [("up", $crate::i18n::K::MoveUp, "↑"), ("down", $crate::i18n::K::MoveDown, "↓")]
            .into_iter()
            .map(|(dir, label, glyph)| {
                let (app_id, id) = (app_id.clone(), id.clone());
                view! {
                    <ActionForm action=$action attr:class="inline">
                        {$crate::apps::pages::editor::hidden("app_id", app_id.clone())}
                        {$crate::apps::pages::editor::hidden($id_name, id.clone())}
                        {$crate::apps::pages::editor::hidden("direction", dir.to_string())}
                        <button type="submit" class="secondary icon" aria-label=move || label.text(lang.get()) title=move || label.text(lang.get())>
                            {glyph}
                        </button>
                    </ActionForm>
                }
            })
            .collect_view()
    }};
}
pub(crate) use move_buttons;

/// The `<option>`s of a closed set, in the page's language.
pub fn choice_options<T: Choice>(selected: Option<T>) -> impl IntoView {
    let lang = use_lang();
    T::all()
        .iter()
        .map(|c| {
            let c = *c;
            view! { <option value=c.as_str() selected=Some(c) == selected>{move || c.label().text(lang.get())}</option> }
        })
        .collect_view()
}

/// Options for choosing a user of the organization.
pub fn user_options(users: &[UserRef]) -> impl IntoView {
    users
        .iter()
        .map(|u| view! { <option value=u.id.clone()>{person_label(&u.name, &u.email)}</option> })
        .collect_view()
}

#[component]
pub fn AppEditorPage() -> impl IntoView {
    // The page's data outside the sign-in guard (see `SignedIn`).
    let params = use_params_map();
    let app_id = move || params.read().get("id").unwrap_or_default();
    let actions = Actions::new();
    provide_context(actions);
    let last_error = RwSignal::new(None::<AppError>);
    actions.track_errors(last_error);
    let app = Resource::new(
        move || (app_id(), actions.version()),
        |(id, _)| get_app(id.into()),
    );
    let access = crate::maintenance::pages::AccessSwitch::new(app_id);
    let upgrades = crate::upgrades::pages::UpgradeSwitch::new(app_id);
    let changes = crate::changes::pages::ChangesSwitch::new(app_id);
    let licence = crate::licences::pages::LicenceSwitch::new(app_id);
    let switches = Switches {
        access,
        upgrades,
        changes,
        licence,
    };
    view! { <SignedIn children=move |me: Me| view! { <AppEditor app switches last_error maintaining=me.maintenance.is_some() /> } /> }
}

/// The installed-copy panels' data, made before the sign-in guard.
#[derive(Clone, Copy)]
struct Switches {
    access: crate::maintenance::pages::AccessSwitch,
    upgrades: crate::upgrades::pages::UpgradeSwitch,
    changes: crate::changes::pages::ChangesSwitch,
    licence: crate::licences::pages::LicenceSwitch,
}

#[component]
fn AppEditor(
    app: Resource<Result<AppDetail, AppError>>,
    switches: Switches,
    last_error: RwSignal<Option<AppError>>,
    maintaining: bool,
) -> impl IntoView {
    view! {
        <div class="toast">{error_note(move || last_error.get())}</div>
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || Suspend::new(async move {
                match app.await {
                    Ok(app) => view! { <Editor app switches maintaining /> }.into_any(),
                    Err(e) => view! {
                        <section class="card narrow" data-testid="app-missing">
                            {error_note(move || Some(e.clone()))}
                            <A href="/">{t(K::BackToWorkbench)}</A>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Editor(app: AppDetail, switches: Switches, maintaining: bool) -> impl IntoView {
    let Switches {
        access,
        upgrades,
        changes,
        licence,
    } = switches;
    let lang = use_lang();
    let origin = if app.origin == "installed" {
        K::OriginInstalled
    } else {
        K::OriginOwn
    };
    let updated = crate::time::show(app.updated_at);
    let can_edit = app.can_edit;
    view! {
        <section class="card app-head" data-testid="app-editor" data-version=app.version>
            <div class="app-title">
                <super::AppIcon icon=app.icon />
                <div>
                    <h1 data-testid="app-name">{app.name.clone()}</h1>
                    <p class="muted">{app.description.clone()}</p>
                    <p class="muted small">
                        {move || origin.text(lang.get())} " · " {t(K::Revision)} " " {app.version} " · " {t(K::LastChange)} " " {updated}
                    </p>
                </div>
            </div>
            {(!can_edit).then(|| view! { <p class="notice" data-testid="read-only">{t(K::ReadOnly)}</p> })}
        </section>
        {(app.origin == "installed" && !maintaining).then(|| view! { <crate::licences::pages::LicenceCard switch=licence /> })}
        {(app.origin == "installed" && app.can_edit && !maintaining).then(|| view! { <crate::upgrades::pages::UpgradeCardView switch=upgrades /> })}
        {(app.origin == "installed" && !maintaining).then(|| view! { <crate::changes::pages::ChangeSetsCard switch=changes /> })}
        <Checklist app=app.clone() />
        {(app.origin == "installed").then(|| view! { <crate::maintenance::pages::AccessControl app_id=app.id.clone() switch=access /> })}
        {can_edit.then(|| view! { <Settings app=app.clone() /> })}
        <Admins app=app.clone() />
        <AppUsers app=app.clone() maintaining />
        <super::editor_forms::Forms app=app.clone() />
        <super::editor_more::Templates app=app.clone() />
        <super::editor_more::Services app=app.clone() in_maintenance=maintaining />
        {can_edit.then(|| view! { <DeleteApp app_id=app.id.clone() /> })}
    }
}

/// What a deployed copy must configure again, each with a link to fix it.
#[component]
fn Checklist(app: AppDetail) -> impl IntoView {
    let mut items: Vec<(K, String, String)> = Vec::new();
    // A process that cannot start yet (no step, a step without approvers,
    // or a copy's process not yet set up again): its form cannot be submitted.
    for f in app.forms.iter().filter(|f| {
        f.kind == FormKind::Process
            && crate::runtime::policy::steps_to_start(f, &app.users).is_err()
    }) {
        items.push((K::NeedProcess, f.name.clone(), format!("#form-{}", f.id)));
    }
    for tp in app.templates.iter().filter(|t| t.needs_config) {
        items.push((
            K::NeedTemplate,
            format!("{} · {}", tp.form_name, tp.message),
            format!("#template-{}", tp.id),
        ));
    }
    for s in app.services.iter().filter(|s| s.needs_config) {
        items.push((K::NeedService, s.name.clone(), format!("#service-{}", s.id)));
    }
    let installed = app.origin == "installed";
    (installed || !items.is_empty()).then(|| {
        view! {
            <section class="card checklist" data-testid="checklist">
                <h2>{t(K::SetupChecklist)}</h2>
                {items.is_empty().then(|| view! { <p class="ok" data-testid="setup-done">{t(K::SetupDone)}</p> })}
                <ul class="list">
                    {items
                        .into_iter()
                        .map(|(k, what, href)| view! {
                            <li class="item" data-check=k.text(crate::i18n::Lang::En)>
                                <div class="item-main"><span class="badge warn">{t(k)}</span> " " {what}</div>
                                <a href=href class="button secondary">{t(K::Fix)}</a>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn Settings(app: AppDetail) -> impl IntoView {
    let a = use_actions();
    let current = app.icon;
    view! {
        <section class="card">
            <h2>{t(K::Settings)}</h2>
            <ActionForm action=a.update attr:class="stack" attr:data-testid="app-settings">
                {hidden("app_id", app.id.clone())}
                <label>{t(K::AppName)} <input name="name" required maxlength="60" value=app.name.clone() /></label>
                <label>
                    {t(K::Icon)}
                    <select name="icon">{choice_options(Some(current))}</select>
                </label>
                <label>{t(K::Description)} <textarea name="description" maxlength="500" rows="3">{textarea_text(&app.description)}</textarea></label>
                {submit_button(K::Save, K::Saving, move || a.update.pending().get())}
            </ActionForm>
        </section>
    }
}

#[component]
fn Admins(app: AppDetail) -> impl IntoView {
    let a = use_actions();
    let app_id = StoredValue::new(app.id.clone());
    let can_edit = app.can_edit;
    let users = StoredValue::new(app.users.clone());
    view! {
        <section class="card" data-testid="app-admins">
            <h2>{t(K::AppAdmins)}</h2>
            {app.admins.is_empty().then(|| view! { <p class="muted">{t(K::NoAppAdmins)}</p> })}
            <ul class="chips">
                {app
                    .admins
                    .iter()
                    .map(|u| {
                        let uid = u.id.clone();
                        view! {
                            <li class="chip">
                                {u.name.clone()}
                                {can_edit.then(|| view! {
                                    <ActionForm action=a.remove_admin attr:class="inline">
                                        {hidden("app_id", app_id.get_value())}
                                        {hidden("user_id", uid.clone())}
                                        <button type="submit" class="link" aria-label=t(K::Remove)>"×"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <ActionForm action=a.add_admin attr:class="row">
                    {hidden("app_id", app_id.get_value())}
                    <select name="user_id" aria-label=t(K::ChooseUser)>{users.with_value(|u| user_options(u))}</select>
                    {submit_button(K::Add, K::Adding, move || a.add_admin.pending().get())}
                </ActionForm>
            })}
        </section>
    }
}

/// Who may use the app: everyone, or chosen members (the customer decides:
/// not changeable in maintenance).
#[component]
fn AppUsers(app: AppDetail, maintaining: bool) -> impl IntoView {
    let a = use_actions();
    let lang = use_lang();
    let app_id = StoredValue::new(app.id.clone());
    let can_edit = app.can_edit && !maintaining;
    let users = StoredValue::new(app.users.clone());
    let use_by = app.use_by;
    view! {
        <section class="card" data-testid="app-users" data-use-by=use_by.as_str()>
            <h2>{t(K::WhoMayUse)}</h2>
            <p class="muted small">{t(K::WhoMayUseHint)}</p>
            {if can_edit {
                view! {
                    <ActionForm action=a.set_use_by attr:class="row">
                        {hidden("app_id", app_id.get_value())}
                        <select name="use_by" aria-label=t(K::WhoMayUse)>{choice_options(Some(use_by))}</select>
                        {submit_button(K::Save, K::Saving, move || a.set_use_by.pending().get())}
                    </ActionForm>
                }
                .into_any()
            } else {
                view! { <p>{move || use_by.label().text(lang.get())}</p> }.into_any()
            }}
            {(use_by == UseBy::Chosen).then(|| view! {
                {app.app_users.is_empty().then(|| view! { <p class="muted">{t(K::NoAppUsers)}</p> })}
                <ul class="chips">
                    {app.app_users.iter().map(|u| {
                        let uid = u.id.clone();
                        view! {
                            <li class="chip">
                                {u.name.clone()}
                                {can_edit.then(|| view! {
                                    <ActionForm action=a.remove_user attr:class="inline">
                                        {hidden("app_id", app_id.get_value())}
                                        {hidden("user_id", uid.clone())}
                                        <button type="submit" class="link" aria-label=t(K::Remove)>"×"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {can_edit.then(|| view! {
                    <ActionForm action=a.add_user attr:class="row" attr:data-testid="add-app-user">
                        {hidden("app_id", app_id.get_value())}
                        <select name="user_id" aria-label=t(K::ChooseUser)>{users.with_value(|u| user_options(u))}</select>
                        {submit_button(K::Add, K::Adding, move || a.add_user.pending().get())}
                    </ActionForm>
                })}
            })}
        </section>
    }
}

#[component]
fn DeleteApp(app_id: crate::values::AppId) -> impl IntoView {
    let a = use_actions();
    view! {
        <section class="card danger-zone">
            <details>
                <summary>{t(K::DeleteApp)}</summary>
                <p>{t(K::DeleteAppWarning)}</p>
                <ActionForm action=a.delete>
                    {hidden("app_id", app_id)}
                    <button type="submit" class="danger" data-testid="confirm-delete-app">{t(K::ConfirmDeleteApp)}</button>
                </ActionForm>
            </details>
        </section>
    }
}
