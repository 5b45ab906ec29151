//! CSV export of a form's records (`GET /use/:id/records.csv?form=…`): the
//! records the caller's list shows (all of them for the app's admins), with
//! the list's search and status filter, one column per field of the form as
//! it is now and the values of fields removed since in a last column. The
//! records are the customer's: the export works in every licence state.

use super::domain::EnteredValue;
use super::queries::{listed, Listed};
use crate::apps::domain::FieldView;
use crate::csv::{end_line, push_field};
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::values::{AppId, FormId};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::HeaderMap;
use std::collections::HashMap;

/// Records per query: one keyset page.
const PAGE: usize = 500;

fn lines(rows: &[Listed], fields: &[FieldView], zone: &jiff::tz::TimeZone) -> String {
    let mut out = String::with_capacity(rows.len() * 160);
    for r in rows {
        push_field(&mut out, r.id.as_str());
        push_field(&mut out, &r.submitted_by);
        push_field(&mut out, &crate::time::iso(r.submitted_at, zone));
        push_field(&mut out, r.status.as_str());
        for f in fields {
            let value = r.values.iter().find(|v| v.field_id == f.id);
            push_field(&mut out, &value.map(|v| v.value.show()).unwrap_or_default());
        }
        // Values of fields the form no longer has stay in the export.
        let removed: Vec<String> = r
            .values
            .iter()
            .filter(|v| !fields.iter().any(|f| f.id == v.field_id))
            .map(|v: &EnteredValue| format!("{}: {}", v.label, v.value.show()))
            .collect();
        push_field(&mut out, &removed.join("; "));
        end_line(&mut out);
    }
    out
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(app_id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let (ctx, lang) = match crate::csv::caller(&state, &headers).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let param = |k: &str| params.get(k).cloned().unwrap_or_default();
    let (app_id, form_id): (AppId, FormId) = (app_id.into(), param("form").into());
    let (q, status_filter) = (param("q"), param("status"));
    let now = state.clock.now_ms();
    // The form's fields as they are now name the columns.
    let fields = async {
        let mut conn = state.db.pool.acquire().await?;
        let app = crate::apps::queries::detail_in(&mut conn, &ctx, &app_id).await?;
        app.forms
            .into_iter()
            .find(|f| f.id == form_id)
            .map(|f| f.fields)
            .ok_or_else(|| AppError::new(ErrorCode::NotFound))
    };
    let fields = match fields.await {
        Ok(f) => std::sync::Arc::new(f),
        Err(e) => return crate::csv::refuse(e, lang),
    };
    let db = state.db.clone();
    let first = listed(
        &db,
        &ctx,
        &app_id,
        &form_id,
        &q,
        &status_filter,
        None,
        PAGE,
        now,
    )
    .await;
    let first = match first {
        Ok(p) => p,
        Err(e) => return crate::csv::refuse(e, lang),
    };
    let zone = crate::time::rules(ctx.org().map(|m| m.time_zone.as_str()).unwrap_or("UTC"));
    let mut head = String::from("\u{feff}");
    for h in ["record", "submitted_by", "submitted_at", "status"] {
        push_field(&mut head, h);
    }
    for f in fields.iter() {
        push_field(&mut head, &f.label);
    }
    push_field(&mut head, "removed_fields");
    end_line(&mut head);
    head.push_str(&lines(&first.rows, &fields, &zone));
    let ctx2 = ctx.clone();
    crate::csv::download(
        &state,
        &ctx,
        lang,
        "fenfa-records.csv",
        head,
        first.next,
        move |after: String| {
            let (db, ctx, fields, zone) = (db.clone(), ctx2.clone(), fields.clone(), zone.clone());
            let (app_id, form_id, q, s) = (
                app_id.clone(),
                form_id.clone(),
                q.clone(),
                status_filter.clone(),
            );
            async move {
                let page = listed(
                    &db,
                    &ctx,
                    &app_id,
                    &form_id,
                    &q,
                    &s,
                    Some(&after),
                    PAGE,
                    now,
                )
                .await?;
                Ok((lines(&page.rows, &fields, &zone), page.next))
            }
        },
    )
}
