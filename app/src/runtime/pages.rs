//! Using an app: `/use/:id` (its forms; `?form=` one form to fill in, with
//! its records), `/records/:id`, `/todo` and `/messages`. Every control is a
//! plain form, so it works without JavaScript too.

use super::api::*;
use super::domain::*;
use crate::accounts::Me;
use crate::apps::api::get_app;
use crate::apps::domain::{AppDetail, FieldType, FieldView, FormKind, FormView, UserRef};
use crate::error::AppError;
use crate::i18n::{t, use_lang, K};
use crate::ui::{error_note, submit_button, urlencode, SignedIn};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

type Loaded<T> = Resource<Result<T, AppError>>;

fn status_label(s: RecordStatus) -> K {
    s.label()
}

#[component]
pub fn UseAppPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let app_id = move || params.read().get("id").unwrap_or_default();
    let submit = ServerAction::<SubmitRecord>::new();
    // Outside the sign-in guard (see `SignedIn`).
    let app = Resource::new(app_id, |id| get_app(id.into()));
    let licence = crate::licences::pages::LicenceSwitch::new(app_id);
    let records = Resource::new(
        move || {
            let q = query.read();
            (
                app_id(),
                q.get("form"),
                q.get("q").unwrap_or_default(),
                q.get("status").unwrap_or_default(),
                q.get("after"),
                submit.version().get(),
            )
        },
        |(app, form, q, status, after, _)| async move {
            match form {
                Some(form) => list_records(app.into(), form.into(), q, status, after)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
    );
    Effect::new(move |_| {
        if matches!(submit.value().get(), Some(Ok(_))) {
            crate::ui::reset_forms();
        }
    });
    // A submission may send the submitter a message (the header counts it).
    crate::session::use_session().refresh_when(move || matches!(submit.value().get(), Some(Ok(_))));
    view! { <SignedIn children=move |me: Me| view! { <UseApp app licence records submit maintaining=me.maintenance.is_some() /> } /> }
}

#[component]
fn UseApp(
    app: Loaded<AppDetail>,
    licence: crate::licences::pages::LicenceSwitch,
    records: Loaded<Option<RecordPage>>,
    submit: ServerAction<SubmitRecord>,
    /// A provider maintaining the app tries nothing out in the customer's data.
    maintaining: bool,
) -> impl IntoView {
    let query = use_query_map();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || {
                // The chosen form lives in the address (tracked here, outside
                // the suspended part, so choosing another re-renders).
                let chosen = query.read().get("form");
                Suspend::new(async move {
                match app.await {
                    Err(e) => error_note(move || Some(e.clone())).into_any(),
                    Ok(app) => {
                        // An ended or suspended licence: the records stay, nothing new.
                        let refused = licence.licence.await.ok().flatten().filter(|l| !l.allows.submit);
                        let form = chosen.and_then(|id| app.forms.iter().find(|f| f.id.as_str() == id).cloned());
                        view! {
                            <section class="card" data-testid="use-app">
                                <h1>
                                    <crate::apps::pages::AppIcon icon=app.icon />
                                    " " {app.name.clone()}
                                </h1>
                                <FormTabs app=app.clone() current=form.as_ref().map(|f| f.id.to_string()) />
                            </section>
                            {form.map(|form| view! {
                                {refused.as_ref().map(crate::licences::pages::read_only_notice)}
                                {(!maintaining && app.can_use && refused.is_none()).then(|| view! { <FillIn app=app.clone() form=form.clone() submit /> })}
                                {(!maintaining && !app.can_use).then(|| view! { <p class="notice" data-testid="not-app-user">{t(K::ErrNotAppUser)}</p> })}
                                <Records app_id=app.id.to_string() form records />
                            })}
                        }
                        .into_any()
                    }
                }
            })}}
        </Transition>
    }
}

/// The app's forms in order: each opens its page.
#[component]
fn FormTabs(app: AppDetail, current: Option<String>) -> impl IntoView {
    if app.forms.is_empty() {
        return view! { <p class="muted">{t(K::NoForms)}</p> }.into_any();
    }
    view! {
        {current.is_none().then(|| view! { <p class="muted">{t(K::ChooseForm)}</p> })}
        <nav aria-label=t(K::Forms)>
            <ul class="tabs" data-testid="use-forms">
                {app.forms.iter().map(|f| {
                    let href = format!("/use/{}?form={}", app.id, f.id);
                    let here = current.as_deref() == Some(f.id.as_str());
                    view! {
                        <li>
                            <a href=href aria-current=here.then_some("page") class=if here { "tab current" } else { "tab" }>
                                {f.name.clone()}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
    .into_any()
}

/// The error of one field, from the last submission.
fn field_error(
    submit: ServerAction<SubmitRecord>,
    field: String,
) -> impl Fn() -> Option<crate::error::ErrorCode> + Send + Sync + Copy + 'static {
    let field = StoredValue::new(field);
    move || {
        submit.value().with(|v| match v {
            Some(Err(e)) => {
                field.with_value(|f| e.fields.iter().find(|x| &x.field_id == f).map(|x| x.code))
            }
            _ => None,
        })
    }
}

#[component]
fn FillIn(app: AppDetail, form: FormView, submit: ServerAction<SubmitRecord>) -> impl IntoView {
    let lang = use_lang();
    let blocked = form.kind == FormKind::Process
        && crate::runtime::policy::steps_to_start(&form, &app.users).is_err();
    let users = app.users.clone();
    view! {
        <section class="card" data-testid="fill-in">
            <h2>{form.name.clone()}</h2>
            {(form.kind == FormKind::Process).then(|| view! {
                <p class="muted small" data-testid="approval-rule">{t(K::OneApproverRule)}</p>
            })}
            {blocked.then(|| view! {
                <p class="error" role="alert" data-testid="process-not-set-up">{t(K::ErrProcessNotSetUp)}</p>
            })}
            <ActionForm action=submit attr:class="stack" attr:data-testid="submit-form" attr:novalidate=true>
                <input type="hidden" name="app_id" value=app.id.to_string() />
                <input type="hidden" name="form_id" value=form.id.to_string() />
                {move || submit.value().get().and_then(|r| r.err()).filter(|e| e.fields.is_empty()).map(|e| error_note(move || Some(e.clone())))}
                {move || submit.value().get().and_then(|r| r.err()).filter(|e| !e.fields.is_empty()).map(|_| view! {
                    <p class="error" role="alert" data-code="invalid_values">{t(K::ErrInvalidValues)}</p>
                })}
                {form.fields.iter().map(|f| view! { <FieldInput f=f.clone() users=users.clone() submit /> }).collect_view()}
                {move || matches!(submit.value().get(), Some(Ok(_))).then(|| view! {
                    <p class="ok" role="status" data-testid="submitted">{move || K::RecordSubmitted.text(lang.get())}</p>
                })}
                {submit_button(K::SubmitForm, K::SubmittingForm, move || submit.pending().get())}
            </ActionForm>
        </section>
    }
}

/// One input per field type, named `values[<field id>]`.
#[component]
fn FieldInput(
    f: FieldView,
    users: Vec<UserRef>,
    submit: ServerAction<SubmitRecord>,
) -> impl IntoView {
    let lang = use_lang();
    let name = format!("values[{}]", value_key(&f.id, None));
    let input_id = format!("v-{}", f.id);
    let error_id = format!("e-{}", f.id);
    let error = field_error(submit, f.id.to_string());
    let described = error_id.clone();
    let label = view! {
        {f.label.clone()}
        {f.required.then(|| view! { " " <span class="muted small">"(" {t(K::Required)} ")"</span> })}
    };
    let note = view! {
        {move || error().map(|code| view! {
            <span class="field-error" id=described.clone() role="alert" data-code=format!("{code:?}")>
                {move || code.key().text(lang.get())}
            </span>
        })}
    };
    let invalid = move || error().is_some().then_some("true");
    let control = match f.field_type {
        FieldType::Text => view! {
            <textarea id=input_id.clone() name=name rows="2" maxlength="2000" required=f.required
                aria-invalid=invalid aria-describedby=error_id.clone()></textarea>
        }
        .into_any(),
        FieldType::Number => view! {
            <input id=input_id.clone() name=name inputmode="decimal" required=f.required
                aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
        FieldType::Date => view! {
            <input id=input_id.clone() name=name type="date" required=f.required
                aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
        FieldType::SingleChoice => view! {
            <select id=input_id.clone() name=name required=f.required aria-invalid=invalid aria-describedby=error_id.clone()>
                <option value="">{t(K::NoMemberChosen)}</option>
                {f.options.iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        FieldType::Member => view! {
            <select id=input_id.clone() name=name required=f.required aria-invalid=invalid aria-describedby=error_id.clone()>
                <option value="">{t(K::NoMemberChosen)}</option>
                {users.iter().map(|u| view! { <option value=u.id.to_string()>{u.name.clone()}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        FieldType::MultiChoice => {
            let boxes = f
                .options
                .iter()
                .enumerate()
                .map(|(n, o)| {
                    view! {
                        <label class="check">
                            <input type="checkbox" name=format!("values[{}]", value_key(&f.id, Some(n))) value=o.clone() />
                            {o.clone()}
                        </label>
                    }
                })
                .collect_view();
            return view! {
                <fieldset class="choices" data-field=f.label.clone() aria-invalid=invalid aria-describedby=error_id>
                    <legend>{label}</legend>
                    {boxes}
                    {note}
                </fieldset>
            }
            .into_any();
        }
    };
    view! {
        <div class="field" data-field=f.label.clone()>
            <label for=input_id>{label}</label>
            {control}
            {note}
        </div>
    }
    .into_any()
}

#[component]
fn Records(app_id: String, form: FormView, records: Loaded<Option<RecordPage>>) -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let q = move || query.read().get("q").unwrap_or_default();
    let status = move || query.read().get("status").unwrap_or_default();
    let action = format!("/use/{app_id}");
    let form_id = form.id.to_string();
    let is_process = form.kind == FormKind::Process;
    let base = format!("/use/{app_id}?form={form_id}");
    let export = format!("/use/{app_id}/records.csv?form={form_id}");
    view! {
        <section class="card" data-testid="records">
            <h2>{form.name.clone()} {move || K::RecordsOf.text(lang.get())}</h2>
            // A plain GET form: the filter lives in the address.
            <form method="get" action=action class="row">
                <input type="hidden" name="form" value=form_id.clone() />
                <label class="grow">
                    <span class="sr-only">{t(K::Search)}</span>
                    <input name="q" value=q maxlength="100" placeholder=move || K::Search.text(lang.get()) />
                </label>
                {is_process.then(|| view! {
                    <select name="status" aria-label=t(K::Status)>
                        <option value="">{t(K::AllStatuses)}</option>
                        {RecordStatus::ALL.iter().filter(|s| **s != RecordStatus::Submitted).map(|s| {
                            let v = s.as_str();
                            view! { <option value=v selected=move || status() == v>{t(status_label(*s))}</option> }
                        }).collect_view()}
                    </select>
                })}
                <button type="submit" class="secondary">{t(K::Search)}</button>
                // The records are the customer's: exportable whatever the licence.
                <a class="button secondary" data-testid="export-records" rel="external" download
                    href=move || format!("{export}&q={}&status={}", urlencode(&q()), urlencode(&status()))>
                    {t(K::ExportCsv)}
                </a>
            </form>
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || {
                    let base = base.clone();
                    Suspend::new(async move {
                        match records.await {
                            Err(e) => error_note(move || Some(e.clone())).into_any(),
                            Ok(None) => ().into_any(),
                            Ok(Some(p)) => view! { <RecordTable p base q=q() status=status() /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn RecordTable(p: RecordPage, base: String, q: String, status: String) -> impl IntoView {
    let lang = use_lang();
    let scope = if p.sees_all {
        K::SeesAllRecords
    } else {
        K::SeesOwnRecords
    };
    if p.rows.is_empty() {
        return view! {
            <p class="muted small">{t(scope)}</p>
            <p class="muted" data-testid="no-records">{t(K::NoRecords)}</p>
        }
        .into_any();
    }
    let next = p.next.map(|after| {
        format!(
            "{base}&q={}&status={}&after={}",
            urlencode(&q),
            urlencode(&status),
            urlencode(&after)
        )
    });
    view! {
        <p class="muted small">{t(scope)}</p>
        <table class="table" data-testid="record-table">
            <thead><tr>
                <th>{t(K::RecordTitle)}</th><th>{t(K::SubmittedBy)}</th><th>{t(K::SubmittedAt)}</th><th>{t(K::Status)}</th>
            </tr></thead>
            <tbody>
                {p.rows.into_iter().map(|r| {
                    let label = status_label(r.status);
                    view! {
                        <tr data-status=r.status.as_str()>
                            <td><a href=format!("/records/{}", r.id)>{if r.summary.is_empty() { "—".to_string() } else { r.summary.clone() }}</a></td>
                            <td>{r.submitted_by.clone()}</td>
                            <td class="nowrap">{crate::time::show(r.submitted_at)}</td>
                            <td><span class="badge">{move || label.text(lang.get())}</span></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! { <a class="button secondary" href=href>{t(K::NextPage)}</a> })}
    }
    .into_any()
}

/// Approve / reject with an optional comment (one form, two buttons).
#[component]
fn DecideForm(record_id: String, decide: ServerAction<Decide>) -> impl IntoView {
    let comment_id = format!("c-{record_id}");
    view! {
        <ActionForm action=decide attr:class="stack" attr:data-testid="decide">
            {error_note(move || decide.value().get().and_then(|r| r.err()))}
            <input type="hidden" name="record_id" value=record_id />
            <label for=comment_id.clone()>{t(K::CommentOptional)}</label>
            <input id=comment_id name="comment" maxlength="500" />
            <div class="row">
                <button type="submit" name="decision" value="approve" disabled=move || decide.pending().get() data-testid="approve">{t(K::Approve)}</button>
                <button type="submit" name="decision" value="reject" class="danger" disabled=move || decide.pending().get() data-testid="reject">{t(K::Reject)}</button>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let decide = ServerAction::<Decide>::new();
    let record = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                decide.version().get(),
            )
        },
        |(id, _)| get_record(id.into()),
    );
    crate::session::use_session()
        .refresh_when(move || matches!(decide.value().get(), Some(Ok(()))));
    view! { <SignedIn children=move |_me: Me| view! { <RecordView record decide /> } /> }
}

#[component]
fn RecordView(record: Loaded<RecordDetail>, decide: ServerAction<Decide>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Err(e) => error_note(move || Some(e.clone())).into_any(),
                    Ok(r) => {
                        let label = status_label(r.status);
                        let back = format!("/use/{}", r.app_id);
                        view! {
                            <section class="card" data-testid="record" data-status=r.status.as_str()>
                                <p class="muted small"><a href=back>{r.app_name.clone()}</a> " · " {r.form_name.clone()}</p>
                                <h1>{t(K::RecordTitle)} " " <span class="badge" data-testid="record-status">{move || label.text(lang.get())}</span></h1>
                                <dl class="facts">
                                    <dt>{t(K::SubmittedBy)}</dt><dd>{r.submitted_by.clone()}</dd>
                                    <dt>{t(K::SubmittedAt)}</dt><dd>{crate::time::show(r.submitted_at)}</dd>
                                    {r.values.iter().map(|v| view! {
                                        <dt>
                                            {v.label.clone()}
                                            {v.field_removed.then(|| view! { " " <span class="badge warn">{t(K::FieldRemoved)}</span> })}
                                        </dt>
                                        <dd data-value=v.label.clone()>
                                            {v.text.clone()}
                                            {(!v.removed_options.is_empty()).then(|| view! {
                                                " " <span class="badge warn">{t(K::OptionRemoved)} ": " {v.removed_options.join(", ")}</span>
                                            })}
                                        </dd>
                                    }).collect_view()}
                                </dl>
                                {(!r.steps.is_empty()).then(|| view! {
                                    <h2>{t(K::ApprovalSteps)}</h2>
                                    <p class="muted small">{t(K::OneApproverRule)}</p>
                                    <ol>
                                        {r.steps.iter().enumerate().map(|(i, s)| {
                                            let here = r.current_step == Some(i);
                                            view! { <li aria-current=here.then_some("step")>{s.clone()} {here.then(|| view! { " " <span class="badge">{t(K::CurrentStep)}</span> })}</li> }
                                        }).collect_view()}
                                    </ol>
                                })}
                                {r.may_decide.then(|| view! { <DecideForm record_id=r.id.to_string() decide /> })}
                            </section>
                            <section class="card" data-testid="history">
                                <h2>{t(K::RecordHistory)}</h2>
                                <ol class="history">
                                    {r.history.iter().map(|e| {
                                        let kind = e.kind.label();
                                        let detail = (!e.detail.is_empty()).then(|| format!(" {}", e.detail));
                                        let comment = (!e.comment.is_empty()).then(|| format!(" “{}”", e.comment));
                                        view! {
                                            <li data-kind=e.kind.as_str()>
                                                <span class="muted small">{crate::time::show(e.at)}</span> " "
                                                {e.actor.clone()} " · " {move || kind.text(lang.get())}
                                                {detail} {comment}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            </section>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn TodoPage() -> impl IntoView {
    let decide = ServerAction::<Decide>::new();
    let list = Resource::new(move || decide.version().get(), |_| list_todo());
    crate::session::use_session()
        .refresh_when(move || matches!(decide.value().get(), Some(Ok(()))));
    view! { <SignedIn children=move |_me: Me| view! { <Todo list decide /> } /> }
}

#[component]
fn Todo(list: Loaded<Vec<TodoItem>>, decide: ServerAction<Decide>) -> impl IntoView {
    view! {
        <section class="card" data-testid="todo">
            <h1>{t(K::Todo)}</h1>
            <p class="muted small">{t(K::OneApproverRule)}</p>
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="muted">{t(K::NoTodo)}</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="list">
                                {items.into_iter().map(|i| view! {
                                    <li class="todo-item" data-record=i.record_id.to_string()>
                                        <p>
                                            <strong>{i.app_name.clone()} " · " {i.form_name.clone()}</strong>
                                            " · " {t(K::CurrentStep)} ": " {i.step.clone()}
                                        </p>
                                        <p class="muted small">
                                            {i.submitted_by.clone()} " · " {crate::time::show(i.submitted_at)} " · " {i.summary.clone()}
                                            " · " <a href=format!("/records/{}", i.record_id)>{t(K::OpenRecord)}</a>
                                        </p>
                                        <DecideForm record_id=i.record_id.to_string() decide />
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let read = ServerAction::<ReadMessages>::new();
    let list = Resource::new(move || read.version().get(), |_| list_messages());
    crate::session::use_session().refresh_when(move || matches!(read.value().get(), Some(Ok(()))));
    view! { <SignedIn children=move |_me: Me| view! { <Messages list read /> } /> }
}

#[component]
fn Messages(list: Loaded<Vec<MessageView>>, read: ServerAction<ReadMessages>) -> impl IntoView {
    view! {
        <section class="card" data-testid="messages">
            <div class="section-head">
                <h1>{t(K::InboxMessages)}</h1>
                <ActionForm action=read>
                    <button type="submit" class="secondary" data-testid="read-all">{t(K::MarkAllRead)}</button>
                </ActionForm>
            </div>
            {error_note(move || read.value().get().and_then(|r| r.err()))}
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="muted">{t(K::NoMessages)}</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="list">
                                {items.into_iter().map(|m| view! {
                                    <li class="message" data-read=m.read.to_string()>
                                        <p>
                                            {(!m.read).then(|| view! { <span class="badge">{t(K::Unread)}</span> " " })}
                                            <span class="message-body">{m.body.clone()}</span>
                                        </p>
                                        <div class="muted small row">
                                            {m.app_name.clone()} " · " {crate::time::show(m.created_at)}
                                            // A licence reminder concerns no record.
                                            {(!m.record_id.is_empty()).then(|| view! {
                                                " · " <a href=format!("/records/{}", m.record_id)>{t(K::OpenRecord)}</a>
                                            })}
                                            {(!m.read).then(|| view! {
                                                <ActionForm action=read attr:class="inline">
                                                    <input type="hidden" name="message_id" value=m.id.to_string() />
                                                    <button type="submit" class="link">{t(K::MarkRead)}</button>
                                                </ActionForm>
                                            })}
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/apps/:id/deliveries`: the app's calls to third-party services, for its
/// admins, with a manual retry.
#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let params = use_params_map();
    let retry = ServerAction::<RetryDelivery>::new();
    let list = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                retry.version().get(),
            )
        },
        |(id, _)| list_deliveries(id.into()),
    );
    let app_id = move || params.read_untracked().get("id").unwrap_or_default();
    view! { <SignedIn children=move |_me: Me| view! { <Deliveries list retry app_id=app_id() /> } /> }
}

#[component]
fn Deliveries(
    list: Loaded<Vec<DeliveryView>>,
    retry: ServerAction<RetryDelivery>,
    app_id: String,
) -> impl IntoView {
    let lang = use_lang();
    let back = format!("/apps/{app_id}");
    view! {
        <section class="card" data-testid="deliveries">
            <p class="muted small"><a href=back>{t(K::Services)}</a></p>
            <h1>{t(K::DeliveryLog)}</h1>
            {error_note(move || retry.value().get().and_then(|r| r.err()))}
            <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || {
                    let app_id = app_id.clone();
                    Suspend::new(async move {
                    match list.await {
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="muted">{t(K::NoDeliveries)}</p> }.into_any(),
                        Ok(items) => view! {
                            <table class="table" data-testid="delivery-table">
                                <thead><tr>
                                    <th>{t(K::ServiceName)}</th><th>{t(K::Event)}</th><th>{t(K::Status)}</th>
                                    <th>{t(K::Attempts)}</th><th>{t(K::Response)}</th><th>{t(K::NextAttempt)}</th><th>{t(K::Actions)}</th>
                                </tr></thead>
                                <tbody>
                                    {items.into_iter().map(|d| {
                                        let (status, event) = (d.status.label(), d.event.label());
                                        let response = match (d.last_code, d.last_error.is_empty()) {
                                            (Some(c), _) => c.to_string(),
                                            (None, false) => d.last_error.clone(),
                                            (None, true) => "—".into(),
                                        };
                                        let retryable = matches!(d.status, DeliveryStatus::Failed | DeliveryStatus::Pending);
                                        let app_id = app_id.clone();
                                        view! {
                                            <tr data-status=d.status.as_str()>
                                                <td>{d.service.clone()} <div class="muted small"><a href=format!("/records/{}", d.record_id)>{t(K::OpenRecord)}</a></div></td>
                                                <td>{move || event.text(lang.get())}</td>
                                                <td><span class="badge">{move || status.text(lang.get())}</span></td>
                                                <td>{d.attempts}</td>
                                                <td class="small">{response}</td>
                                                <td class="nowrap">{d.next_attempt_at.map(crate::time::show).unwrap_or_else(|| "—".into())}</td>
                                                <td>{retryable.then(|| view! {
                                                    <ActionForm action=retry attr:class="inline">
                                                        <input type="hidden" name="app_id" value=app_id.clone() />
                                                        <input type="hidden" name="delivery_id" value=d.id.to_string() />
                                                        <button type="submit" class="secondary">{t(K::Retry)}</button>
                                                    </ActionForm>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}}
            </Transition>
        </section>
    }
}
