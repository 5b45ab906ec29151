//! CSV export of the Order Center's current filter (`GET /orders.csv`).

use super::domain::{AccessFilter, AccessState, Filters, LicenceFilter, UpgradeFilter};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use http::HeaderMap;
use std::collections::HashMap;

/// Rows per query: one keyset page.
pub const PAGE: i64 = 500;

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
        crate::csv::push_field(out, text);
    }
    crate::csv::push_field(out, &time(r.created_at));
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
    crate::csv::push_field(out, &access);
    out.push_str(r.licence.as_str());
    out.push(',');
    if let Some(end) = r.licence_ends {
        out.push_str(&time(end));
    }
    out.push(',');
    crate::csv::end_line(out);
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
    let (ctx, lang) = match crate::csv::caller(&state, &headers).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let q = params.get("q").cloned().unwrap_or_default();
    let param = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    let filter = Filters {
        access: AccessFilter::parse(param("access")),
        upgrade: UpgradeFilter::parse(param("upgrade")),
        licence: LicenceFilter::parse(param("licence")),
    };
    let now = state.clock.now_ms();
    let first = match super::queries::list(&state.db, &ctx, &q, filter, None, PAGE, now).await {
        Ok(p) => p,
        Err(e) => return crate::csv::refuse(e, lang),
    };
    // Looked up once, not for every time written.
    let zone = crate::time::rules(ctx.org().map(|m| m.time_zone.as_str()).unwrap_or("UTC"));
    let mut head = String::from(
        "\u{feff}order_no,app,customer,buyer,purchased_at,app_version,setup,maintenance_access,licence,licence_ends\r\n",
    );
    head.push_str(&lines(&first.rows, &zone));
    let (db, ctx2) = (state.db.clone(), ctx.clone());
    crate::csv::download(
        &state,
        &ctx,
        lang,
        "fenfa-orders.csv",
        head,
        first.next,
        move |after| {
            let (db, ctx, q, zone) = (db.clone(), ctx2.clone(), q.clone(), zone.clone());
            async move {
                let page =
                    super::queries::list(&db, &ctx, &q, filter, Some(&after), PAGE, now).await?;
                Ok((lines(&page.rows, &zone), page.next))
            }
        },
    )
}
