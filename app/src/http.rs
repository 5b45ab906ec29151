//! The HTTP surface: routes, request guards and response headers.

use crate::error::{AppError, ErrorCode};
use crate::i18n::{Lang, RequestLang, K};
use crate::state::AppState;
use crate::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, HeaderValue, Method, StatusCode};
use leptos_axum::{generate_route_list, LeptosRoutes};

/// The routes outside leptos (listed so the permission matrix test can
/// check that it covers every route the server has).
pub const PLAIN_ROUTES: [&str; 4] = ["/healthz", "/orders.csv", "/ping", "/use/{id}/records.csv"];

/// The largest request body accepted, in bytes. The longest legitimate form
/// (a 4096-character credential of 4-byte characters, percent-encoded) is
/// about 48 KiB; anything larger is refused with 413 `too_large` unread.
pub const MAX_BODY: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let https_only = state.secure_cookies;
    let router = Router::new()
        .route(PLAIN_ROUTES[0], get(healthz))
        .route(PLAIN_ROUTES[1], get(crate::orders::csv::export))
        .route(PLAIN_ROUTES[2], get(ping))
        .route(PLAIN_ROUTES[3], get(crate::runtime::csv::export));
    // Debug builds' browser tests only (see `Clock::shifted`).
    #[cfg(debug_assertions)]
    let router = if state.clock.is_shifted() {
        router.route("/test/clock", axum::routing::post(move_clock))
    } else {
        router
    };
    let router = router
        .leptos_routes_with_context(&state, routes, request_context, move || {
            shell(options.clone())
        })
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(request_context, shell))
        .layer(middleware::from_fn(page_redirects))
        .layer(middleware::from_fn(limit_body))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn_with_state(
            state.leptos_options.hash_files,
            security_headers,
        ));
    // An HTTPS deployment tells browsers never to use plain HTTP for it.
    let router = if https_only {
        router.layer(middleware::from_fn(strict_transport_security))
    } else {
        router
    };
    // Brotli or gzip for whatever the client accepts: pages, server function
    // answers, the CSV export, scripts and styles. Release builds' static
    // files go out precompressed (`--precompress`); WASM is never compressed
    // on the fly: a debug build's is tens of megabytes, and compressing it
    // per request delayed its pages' code by seconds.
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    let compress = DefaultPredicate::new().and(NotForContentType::const_new("application/wasm"));
    router
        .layer(tower_http::compression::CompressionLayer::new().compress_when(compress))
        .with_state(state)
}

/// `POST /test/clock?days=N`: moves a test clock N days (1–400) forward;
/// `?reset=1`: back to the system's time.
#[cfg(debug_assertions)]
async fn move_clock(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    if q.get("reset").is_some_and(|v| v == "1") {
        state.clock.reset_shift();
    } else {
        match q.get("days").and_then(|d| d.parse::<i64>().ok()) {
            Some(days @ 1..=400) => state.clock.advance_ms(days * 24 * 3600 * 1000),
            _ => return StatusCode::BAD_REQUEST.into_response(),
        }
    }
    tracing::warn!(now = state.clock.now_ms(), "test clock moved");
    (StatusCode::OK, state.clock.now_ms().to_string()).into_response()
}

/// What every page render and server function call gets besides the request:
/// a place to resolve the caller once, and the request's language.
fn request_context() {
    use leptos::prelude::{provide_context, use_context};
    provide_context(crate::session::RequestCtx::default());
    if let Some(parts) = use_context::<http::request::Parts>() {
        provide_context(RequestLang(lang_from_headers(&parts.headers)));
    }
}

/// The language to answer in: the remembered choice, else the browser's.
pub fn lang_from_headers(headers: &http::HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::from_request(cookie_value(headers, Lang::COOKIE).as_deref(), accept)
}

/// One cookie's value from the request headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

async fn strict_transport_security(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    res
}

/// A page that sends its visitor elsewhere (to sign in first, to change a
/// one-time password) answers `303 See Other` without a body: browsers follow
/// it with or without JavaScript, and there is no page to hydrate. (Leptos
/// sets the address, with 302 and the page only for clients that ask for
/// HTML.)
async fn page_redirects(req: Request, next: Next) -> Response {
    let page = req.method() == Method::GET && !req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !page || !res.headers().contains_key(header::LOCATION) {
        return res;
    }
    let (mut parts, _page) = res.into_parts();
    parts.status = StatusCode::SEE_OTHER;
    for h in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
    ] {
        parts.headers.remove(h);
    }
    Response::from_parts(parts, Body::empty())
}

/// A plain JSON answer with no database work: the benchmark's baseline.
async fn ping() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "ok": true }))
}

/// 200 when the database answers.
async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Whether a state-changing request comes from another site. Browsers send
/// Sec-Fetch-Site and/or Origin on such requests; scripts without them pass.
pub fn is_cross_site(req: &http::request::Parts) -> bool {
    let h = &req.headers;
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return true;
        }
    }
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
        let host = h
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if origin == "null" || origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
            return true;
        }
    }
    false
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy;
/// then the nearest address in `X-Forwarded-For` that is not itself a
/// trusted proxy (each proxy appends the address it saw, so the rightmost
/// entries are the ones our proxies wrote). From any other peer the header
/// is ignored: a client can write anything there.
pub fn client_ip(
    peer: Option<std::net::IpAddr>,
    headers: &http::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(forwarded.first())
        .copied()
        .or(Some(peer))
}

async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let (parts, body) = req.into_parts();
        if is_cross_site(&parts) {
            tracing::warn!(path = %parts.uri.path(), "refused a cross-site request");
            let lang = lang_from_headers(&parts.headers);
            return (StatusCode::FORBIDDEN, K::ErrCrossSite.text(lang)).into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(req).await
}

/// Reads a state-changing request's body up to [`MAX_BODY`]: a larger one
/// (declared or actual) is answered 413 `too_large` before any handler runs.
async fn limit_body(req: Request, next: Next) -> Response {
    use http_body_util::{BodyExt, LengthLimitError, Limited};
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let lang = lang_from_headers(&parts.headers);
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return error_json(ErrorCode::TooLarge, lang);
    }
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => {
            let body = Body::from(collected.to_bytes());
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            error_json(ErrorCode::TooLarge, lang)
        }
        Err(e) => {
            tracing::debug!(error = %e, "unreadable request body");
            error_json(ErrorCode::InvalidInput, lang)
        }
    }
}

/// A known path called with a method it does not take (a GET of a server
/// function, a POST of a page): 405 with a coded error.
async fn method_not_allowed(headers: http::HeaderMap) -> Response {
    error_json(ErrorCode::MethodNotAllowed, lang_from_headers(&headers))
}

/// A coded JSON error, as server functions answer them.
fn error_json(code: ErrorCode, lang: Lang) -> Response {
    let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_string(&AppError::in_lang(code, lang)).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `hashed_names`: the built files' names carry a content hash.
async fn security_headers(
    State(hashed_names): State<bool>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let static_file = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let found = res.status() == StatusCode::OK;
    let h = res.headers_mut();
    if static_file {
        // A hashed name never changes content: kept for a year, never
        // revalidated. (Unhashed, as in a build without `hash-files`, they
        // are left to the browser's own judgement.)
        if hashed_names && found {
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
        }
    } else if !h.contains_key(header::CACHE_CONTROL) {
        // Pages, answers and exports carry a user's data: never kept by a
        // browser or a proxy.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // Pages carry their own policy (with the render's nonce, see `shell`);
    // everything else (JSON, CSV, files) may run nothing at all.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let html = h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if html {
            return with_page_policy(res).await;
        }
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    res
}

/// A page whose render's policy header did not reach the response (seen
/// now and then in release builds, when a page's request followed a burst
/// of the same browser's calls): its policy is made from the nonce its own
/// scripts carry, read from the (already complete) page.
async fn with_page_policy(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, 8 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "reading a page to find its nonce");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let nonce = text
        .split("nonce=\"")
        .nth(1)
        .and_then(|r| r.split('"').next());
    let policy = match nonce {
        Some(n) => {
            tracing::debug!("a page's policy made from its nonce");
            page_csp(n)
        }
        // No script to allow: nothing may run.
        None => "default-src 'none'; frame-ancestors 'none'".to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&policy) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The Content-Security-Policy of a rendered page: scripts only from this
/// site or with the page's nonce, WASM allowed, no plugins, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn policy_of(html: &'static str) -> (String, String) {
        let res = with_page_policy(Response::new(Body::from(html))).await;
        let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (csp, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn a_page_without_its_policy_gets_one_from_its_own_nonce() {
        let page = r#"<html><script nonce="aB+c/9=">x</script></html>"#;
        let (csp, body) = policy_of(page).await;
        assert_eq!(csp, page_csp("aB+c/9="));
        assert_eq!(body, page, "the page itself is unchanged");
        let (csp, _) = policy_of("<html><p>no script</p></html>").await;
        assert!(csp.starts_with("default-src 'none'"));
    }
}
