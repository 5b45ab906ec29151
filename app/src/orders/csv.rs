//! CSV export of the Order Center's current filter (`GET /orders.csv`).

use super::domain::{AccessFilter, AccessState, Filters, LicenceFilter, UpgradeFilter};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use std::collections::HashMap;

/// Appends a CSV field: quoted, quotes doubled, and a leading formula sign
/// defused.
fn push_field(out: &mut String, s: &str) {
    out.push('"');
    if s.starts_with(['=', '+', '-', '@']) {
        out.push('\'');
    }
    for part in s.split_inclusive('"') {
        out.push_str(part);
        if part.ends_with('"') {
            out.push('"');
        }
    }
    out.push_str("\",");
}

/// Exports running per organization: at most [`MAX_EXPORTS`] at once each,
/// so a few users cannot keep every connection of the pool busy.
#[derive(Clone, Debug, Default)]
pub struct Exports(std::sync::Arc<std::sync::Mutex<HashMap<String, usize>>>);

pub const MAX_EXPORTS: usize = 2;
/// Rows per query: one keyset page.
pub const PAGE: i64 = 500;

/// One running export; its place is given back when the body ends or the
/// client goes away (the body, and so this, is dropped).
struct Running {
    exports: Exports,
    org: String,
}

impl Exports {
    fn start(&self, org: &str) -> Option<Running> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(org.to_string()).or_default();
        if *n >= MAX_EXPORTS {
            return None;
        }
        *n += 1;
        Some(Running {
            exports: self.clone(),
            org: org.to_string(),
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut map = self.exports.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.org) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.org);
            }
        }
    }
}

/// Appends one order as a CSV line; times in ISO 8601 with the zone's
/// offset.
fn push_line(out: &mut String, r: &super::domain::OrderRow, zone: &jiff::tz::TimeZone) {
    let time = |ms: i64| crate::time::iso(ms, zone);
    let access = match &r.access {
        AccessState::Open { until } => format!("open until {}", time(*until)),
        AccessState::Requested { until, .. } => {
            format!("requested, open until {}", time(*until))
        }
        AccessState::Closed => "closed".into(),
    };
    for text in [&r.order_no, &r.app_name, &r.customer, &r.buyer] {
        push_field(out, text);
    }
    push_field(out, &time(r.created_at));
    // A published version, else the revision number (orders before versions).
    match &r.version {
        Some(v) => out.push_str(v),
        None => out.push_str(&r.app_version.to_string()),
    }
    out.push_str(if r.setup_done {
        ",done,"
    } else {
        ",incomplete,"
    });
    push_field(out, &access);
    out.push_str(r.licence.as_str());
    out.push(',');
    if let Some(end) = r.licence_ends {
        out.push_str(&time(end));
    }
    out.push(',');
    // The last field's comma becomes the line's end.
    out.pop();
    out.push_str("\r\n");
}

/// The lines of a page of orders.
fn lines(rows: &[super::domain::OrderRow], zone: &jiff::tz::TimeZone) -> String {
    let mut out = String::with_capacity(rows.len() * 128);
    for r in rows {
        push_line(&mut out, r, zone);
    }
    out
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = crate::http::lang_from_headers(&headers);
    let Some(token) = crate::http::cookie_value(
        &headers,
        crate::session::store::cookie_name(state.secure_cookies),
    ) else {
        return (
            StatusCode::UNAUTHORIZED,
            crate::i18n::K::ErrUnauthenticated.text(lang),
        )
            .into_response();
    };
    let ctx = match crate::session::call::from_token(&state, &token).await {
        Ok(Some(ctx)) if ctx.maintenance.is_none() => ctx,
        _ => {
            return (
                StatusCode::UNAUTHORIZED,
                crate::i18n::K::ErrUnauthenticated.text(lang),
            )
                .into_response()
        }
    };
    let q = params.get("q").cloned().unwrap_or_default();
    let param = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let filter = Filters {
        access: AccessFilter::parse(param("access")),
        upgrade: UpgradeFilter::parse(param("upgrade")),
        licence: LicenceFilter::parse(param("licence")),
    };
    let now = state.clock.now_ms();
    let refuse = |e: crate::error::AppError| {
        (
            StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::BAD_REQUEST),
            crate::error::AppError::in_lang(e.code, lang).message,
        )
            .into_response()
    };
    // The first page is read before answering: a refused caller or a bad
    // query gets its status, not a 200 with an error inside the file.
    let first = match super::queries::list(&state.db, &ctx, &q, filter, None, PAGE, now).await {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let org = ctx.org().map(|m| m.org_id.0.clone()).unwrap_or_default();
    // Looked up once, not for every time written.
    let zone = crate::time::rules(ctx.org().map(|m| m.time_zone.as_str()).unwrap_or("UTC"));
    let Some(running) = state.exports.start(&org) else {
        return refuse(crate::error::AppError::new(
            crate::error::ErrorCode::ExportRunning,
        ));
    };
    // The header and that page go out first; then page by page as the
    // client reads, so memory stays at one page.
    let mut first_chunk = String::from(
        "\u{feff}order_no,app,customer,buyer,purchased_at,app_version,setup,maintenance_access,licence,licence_ends\r\n",
    );
    first_chunk.push_str(&lines(&first.rows, &zone));
    let rest = futures_util::stream::unfold(first.next, move |after| {
        let (state, ctx, q, zone) = (state.clone(), ctx.clone(), q.clone(), zone.clone());
        // The export's place is held until the body ends or is dropped.
        let _running = &running;
        async move {
            let after = after?;
            match super::queries::list(&state.db, &ctx, &q, filter, Some(&after), PAGE, now).await {
                Ok(page) => Some((Ok(bytes::Bytes::from(lines(&page.rows, &zone))), page.next)),
                // Headers are gone: cut the body, so the file is visibly incomplete.
                Err(e) => Some((Err(std::io::Error::other(e.message)), None)),
            }
        }
    });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(std::future::ready(Ok(bytes::Bytes::from(first_chunk)))),
        rest,
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fenfa-orders.csv\"",
            ),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}
