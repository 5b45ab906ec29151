//! Using an app, at `/api/runtime/...`: for people working in their own
//! organization (a maintaining ISV user sees definitions, never records).

use super::domain::{MessageView, RawValues, RecordDetail, RecordPage, TodoItem};
use crate::values::{AppId, FormId, MessageId, RecordId};

#[cfg(feature = "ssr")]
use super::queries;

crate::api!(
/// Submits a form: `values[f<field id>]`, and `values[f<field id>~<n>]`
/// for each ticked option of a multiple choice.
submit_record at "runtime/submit" for member
(app_id: AppId, form_id: FormId, values: Option<RawValues>) -> RecordId, |c| {
    let values = values.unwrap_or_default();
    if values.len() > 2 * crate::apps::domain::limits::FIELDS * crate::apps::domain::limits::OPTIONS {
        return Err(crate::error::AppError::new(crate::error::ErrorCode::TooLarge));
    }
    // On its own task (see `session::detached`): submissions come in bulk.
    let (db, ctx, now) = (c.s.db.clone(), c.ctx.clone(), c.now);
    crate::session::detached(async move {
        queries::submit(&db, &ctx, &app_id, &form_id, &values, now).await
    })
    .await
});

crate::api!(
    /// One page of a form's records, newest first.
    /// A maintaining provider reads them only while the customer allows it.
    list_records at "runtime/records" for app_editor
    (app_id: AppId, form_id: FormId, q: String, status: String, after: Option<String>) -> RecordPage,
    |c| queries::list(&c.s.db, &c.ctx, &app_id, &form_id, &q, &status, after.as_deref(), c.now).await);

crate::api!(get_record at "runtime/record" for app_editor (record_id: RecordId) -> RecordDetail, |c|
    queries::detail(&c.s.db, &c.ctx, &record_id, c.now).await);

crate::api!(
/// Approves or rejects the step of a record waiting for the caller.
decide at "runtime/decide" for member
(record_id: RecordId, decision: String, comment: Option<String>) -> (), |c| {
    let decision = super::domain::Decision::parse(&decision)?;
    let (db, ctx, now) = (c.s.db.clone(), c.ctx.clone(), c.now);
    crate::session::detached(async move {
        let comment = comment.unwrap_or_default();
        queries::decide(&db, &ctx, &record_id, decision, &comment, now).await
    })
    .await
});

crate::api!(list_todo at "runtime/todo" for member () -> Vec<TodoItem>, |c|
    queries::todo(&c.s.db, &c.ctx).await);

crate::api!(list_messages at "runtime/messages" for member () -> Vec<MessageView>, |c|
    queries::messages(&c.s.db, &c.ctx).await);

crate::api!(
    /// Marks a message read; without `message_id`, all of them.
    read_messages at "runtime/read" for member (message_id: Option<MessageId>) -> (), |c|
    queries::mark_read(&c.s.db, &c.ctx, message_id.as_ref().filter(|m| !m.is_empty()), c.now).await);

crate::api!(
    /// The app's calls to third-party services (its admins; a maintaining
    /// provider while the customer allows it to see data).
    list_deliveries at "runtime/deliveries" for app_editor (app_id: AppId) -> Vec<super::domain::DeliveryView>, |c|
    queries::deliveries(&c.s.db, &c.ctx, &app_id, c.now).await);

crate::api!(
    /// Sends a call again now, with a fresh 24-hour retry window.
    retry_delivery at "runtime/retry" for member (app_id: AppId, delivery_id: crate::values::DeliveryId) -> (), |c|
    queries::retry_delivery(&c.s.db, &c.ctx, &app_id, &delivery_id, c.now).await);
