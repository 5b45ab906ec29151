//! CSV export of the Order Center's current filter (`GET /orders.csv`).

use super::domain::{AccessFilter, AccessState};
use crate::accounts::ctx::Ctx;
use crate::apps::domain::format_time;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use std::collections::HashMap;

/// A CSV field: quoted, quotes doubled, and a leading formula sign defused.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = crate::i18n::lang_from_headers(&headers);
    let Some(token) = crate::accounts::session::cookie_value(
        &headers,
        crate::accounts::session::cookie_name(state.secure_cookies),
    ) else {
        return (
            StatusCode::UNAUTHORIZED,
            crate::i18n::K::ErrUnauthenticated.text(lang),
        )
            .into_response();
    };
    let ctx = match Ctx::from_token(&state, &token).await {
        Ok(Some(ctx)) if ctx.maintenance.is_none() => ctx,
        _ => {
            return (
                StatusCode::UNAUTHORIZED,
                crate::i18n::K::ErrUnauthenticated.text(lang),
            )
                .into_response()
        }
    };
    let q = params.get("q").map(String::as_str).unwrap_or("");
    let filter = AccessFilter::parse(params.get("access").map(String::as_str).unwrap_or(""));
    let now = state.clock.now_ms();
    let mut out = String::from(
        "order_no,app,customer,buyer,purchased_at,app_version,setup,maintenance_access\r\n",
    );
    let mut after: Option<String> = None;
    loop {
        let page = match super::queries::list(
            &state.db,
            &ctx,
            q,
            filter,
            after.as_deref(),
            500,
            now,
        )
        .await
        {
            Ok(p) => p,
            Err(e) => {
                return (
                    StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST),
                    e.message,
                )
                    .into_response()
            }
        };
        for r in &page.rows {
            let access = match &r.access {
                AccessState::Open { until } => format!("open until {}", format_time(*until)),
                AccessState::Requested { until, .. } => {
                    format!("requested, open until {}", format_time(*until))
                }
                AccessState::Closed => "closed".into(),
            };
            let line = [
                field(&r.order_no),
                field(&r.app_name),
                field(&r.customer),
                field(&r.buyer),
                field(&format_time(r.created_at)),
                r.app_version.to_string(),
                (if r.setup_done { "done" } else { "incomplete" }).to_string(),
                field(&access),
            ]
            .join(",");
            out.push_str(&line);
            out.push_str("\r\n");
        }
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fenfa-orders.csv\"",
            ),
        ],
        format!("\u{feff}{out}"),
    )
        .into_response()
}
