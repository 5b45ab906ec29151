//! Bad input: every server function — enumerated from the server function
//! registry, so a new one is covered without editing this file — is sent
//! malformed, oversized, wrong-typed, non-UTF-8, SQL-looking and HTML-looking
//! arguments, anonymously and as an ISV admin and a customer admin. Every
//! answer must be a legitimate 2xx/3xx or a 4xx with a coded JSON error: never
//! a 5xx, a panic or a hang, and the database stays whole. HTML that is
//! accepted comes back escaped in the pages; Chinese text and emoji round-trip;
//! the documented size limits are enforced with their codes.
#![cfg(feature = "ssr")]

mod common;

use app::apps::domain::limits;
use app::error::{AppError, ErrorCode};
use axum::body::{to_bytes, Body};
use common::site::{site, Reply, Site};
use http::{header, Method, Request, StatusCode};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;
use tower::ServiceExt;

const SCRIPT: &str = "<script>alert(1)</script>";
const SCRIPT_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const IMG_RAW: &str = "<img src=x onerror=alert(1)>";
const IMG_ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";
/// Closes a `<textarea>` (whose text HTML reads raw) and runs a script.
const BREAKOUT: &str = "</textarea><script>alert(1)</script>";
const BREAKOUT_ESCAPED: &str = "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;";

/// Form-encodes text (UTF-8, every byte but the unreserved ones escaped).
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A form body from already-encoded pairs.
fn form(pairs: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k.as_bytes());
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

// ---------------------------------------------------------------------------
// The server functions and their arguments

/// A registered server function and its argument names.
#[derive(Clone, Debug)]
struct Endpoint {
    path: String,
    method: Method,
    fields: Vec<String>,
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// An argument cell without its parenthesised value notes, except `(+ name)`,
/// which lists further arguments.
fn without_value_notes(cell: &str) -> String {
    let mut out = String::new();
    let mut skipping = 0;
    let mut rest = cell;
    while let Some(c) = rest.chars().next() {
        if c == '(' && !rest.starts_with("(+") {
            skipping += 1;
        } else if c == ')' && skipping > 0 {
            skipping -= 1;
        } else if skipping == 0 {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// README's API table: each documented `/api/...` path with its argument names.
fn documented() -> BTreeMap<String, Vec<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let mut out = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("| `/api/")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        assert!(
            cells.len() >= 3,
            "an API table row without arguments: {line}"
        );
        let args: Vec<String> = backticked(&without_value_notes(cells[1]))
            .into_iter()
            .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        for path in backticked(cells[0]) {
            out.insert(path, args.clone());
        }
    }
    out
}

/// Every server function, with its argument names, from the registry the
/// `api!` macro fills (call after the router is built). Each one is also
/// in leptos' own registry, which is what the router serves.
fn endpoints() -> Vec<Endpoint> {
    let served: BTreeMap<String, Method> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_string(), method))
        .collect();
    let out: Vec<Endpoint> = app::session::endpoints()
        .into_iter()
        .map(|e| Endpoint {
            path: e.path.to_string(),
            method: served
                .get(e.path)
                .unwrap_or_else(|| panic!("{} is registered but not served", e.path))
                .clone(),
            fields: e.args.iter().map(|a| a.to_string()).collect(),
        })
        .collect();
    for path in served.keys() {
        assert!(
            out.iter().any(|e| &e.path == path),
            "{path} is served but was not declared with `api!`"
        );
    }
    assert!(
        out.len() >= 50 && out.iter().any(|e| e.path == "/api/apps/create"),
        "the registry lists too few server functions: {out:?}"
    );
    out
}

/// README's API table documents every server function with its arguments.
#[tokio::test]
async fn readme_documents_every_server_function() {
    let _site = site(false).await;
    let docs = documented();
    for e in endpoints() {
        let args = docs
            .get(&e.path)
            .unwrap_or_else(|| panic!("{} is missing from README's API table", e.path));
        // A row may document several functions (`(+ name)` adds arguments of
        // some of them): each real argument must be named there.
        for arg in &e.fields {
            assert!(
                args.contains(arg),
                "README's row of {} lacks `{arg}`",
                e.path
            );
        }
    }
    for p in docs.keys() {
        assert!(
            app::session::endpoints().iter().any(|e| e.path == p),
            "README documents {p}, which is not a server function"
        );
    }
}

// ---------------------------------------------------------------------------
// Bad values

/// Bad argument values, already form-encoded, with a name for the report.
fn nasty_values() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = Vec::new();
    let mut text = |name: &str, s: &str| v.push((name.to_string(), enc(s).into_bytes()));
    for s in [
        "",
        "   ",
        "' OR 1=1 --",
        "'; DROP TABLE users; --",
        "\" OR \"\"=\"",
        "1; SELECT * FROM sessions",
        SCRIPT,
        IMG,
        "客户拜访 🚀",
        "-1",
        "0",
        "99999999999999999999999",
        "1.5",
        "NaN",
        "true",
        "null",
        "[]",
        "{\"a\":1}",
        "a\u{0}b",
        "line\r\nbreak\ttab",
        "\u{202e}evil\u{feff}",
        "../../etc/passwd",
        "{{",
        "{{ 不存在 }}",
        "user:",
        "user:' OR 1=1 --",
        "javascript:alert(1)",
        "%00",
    ] {
        text(&format!("{s:?}"), s);
    }
    for (c, n) in [
        ('x', 61),
        ('名', 101),
        ('a', 201),
        ('b', 501),
        ('c', 1001),
        ('🚀', 4097),
        ('d', 40_000),
    ] {
        text(&format!("{c:?}×{n}"), &c.to_string().repeat(n));
    }
    text(
        "a 600-byte endpoint",
        &format!("https://{}.example", "a".repeat(600)),
    );
    // Not UTF-8, percent-encoded or raw, and broken escapes.
    for raw in [
        &b"%ff%fe"[..],
        b"%c3%28",
        b"%ed%a0%80",
        b"%e4%b8",
        b"%zz",
        b"%",
        b"\xff\xfe",
        b"\xc3\x28",
        b"+++",
    ] {
        v.push((
            format!("raw {}", String::from_utf8_lossy(raw)),
            raw.to_vec(),
        ));
    }
    v
}

/// One mebibyte (and a bit) of text in one argument.
fn one_mb() -> Vec<u8> {
    vec![b'a'; (1 << 20) + 1]
}

// ---------------------------------------------------------------------------
// Sending and judging

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    IsvAdmin,
    CustomerAdmin,
}
use Caller::*;

/// A POST to `path` as a browser's fetch makes it, with any body bytes.
fn post(
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    cookie: Option<&str>,
) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, "localhost:3000")
        .header(header::ACCEPT, "application/json");
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("fenfa_session={c}"));
    }
    b.body(Body::from(body)).unwrap()
}

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

async fn new_site() -> Site {
    site(false).await
}

/// Sends a request through the whole router on its own task: a panic or a
/// hang becomes an error naming the request instead of ending the test.
async fn send(s: &Site, req: Request<Body>) -> Result<Reply, String> {
    let router = s.router.clone();
    let task = tokio::spawn(async move {
        let res = router.oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = to_bytes(res.into_body(), 1 << 24)
            .await
            .map_err(|e| format!("unreadable answer: {e}"))?;
        Ok::<_, String>(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).to_string(),
        })
    });
    match tokio::time::timeout(Duration::from_secs(60), task).await {
        Err(_) => Err("no answer within 60 s".into()),
        Ok(Err(e)) if e.is_panic() => {
            let p = e.into_panic();
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {msg}"))
        }
        Ok(Err(e)) => Err(format!("task failed: {e}")),
        Ok(Ok(r)) => r,
    }
}

fn excerpt(s: &str) -> &str {
    let mut end = s.len().min(200);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A legitimate 2xx/3xx, or a 4xx carrying a known error code that matches
/// the status and a non-empty message. Anything else is a finding.
fn judge(r: &Reply) -> Result<(), String> {
    let status = r.status.as_u16();
    match status {
        200..=399 => Ok(()),
        400..=499 => {
            let e: AppError = serde_json::from_str(&r.body).map_err(|e| {
                format!(
                    "{status} without a coded JSON error ({e}): {:?}",
                    excerpt(&r.body)
                )
            })?;
            if e.message.trim().is_empty() || e.code == ErrorCode::Internal {
                return Err(format!("{status} with an unclear error: {:?}", r.body));
            }
            if e.code.status() != status {
                return Err(format!("{status} does not match code {:?}", e.code));
            }
            Ok(())
        }
        _ => Err(format!("{status}: {:?}", excerpt(&r.body))),
    }
}

// ---------------------------------------------------------------------------
// The world: demo data, a purchase, an open purchase request

/// The parts of one app that arguments may name.
#[derive(Clone, Debug, Default)]
struct AppIds {
    app: String,
    form: String,
    field: String,
    step: String,
    template: String,
    service: String,
}

struct World {
    s: Site,
    isv_user: String,
    customer_user: String,
    acme: String,
    north: String,
    isv_dev: String,
    north_member: String,
    source: AppIds,
    installed: AppIds,
    order: String,
    link: String,
    /// A link the customer has not bought yet.
    token: String,
    request: String,
    /// Users as the demo seeded them: id, email, password hash.
    demo_users: Vec<(String, String, String)>,
    orgs: i64,
}

async fn one(s: &Site, sql: &str, bind: &str) -> String {
    let row: Option<(String,)> = sqlx::query_as(sql)
        .bind(bind)
        .fetch_optional(&s.t.db.pool)
        .await
        .unwrap();
    row.map(|r| r.0).unwrap_or_else(|| "none".into())
}

async fn app_ids(s: &Site, app: &str) -> AppIds {
    let form = one(
        s,
        "SELECT id FROM forms WHERE app_id = $1 AND kind = 'process' ORDER BY position LIMIT 1",
        app,
    )
    .await;
    AppIds {
        app: app.to_string(),
        field: one(
            s,
            "SELECT id FROM fields WHERE form_id = $1 ORDER BY position LIMIT 1",
            &form,
        )
        .await,
        step: one(
            s,
            "SELECT id FROM process_steps WHERE form_id = $1 ORDER BY position LIMIT 1",
            &form,
        )
        .await,
        template: one(
            s,
            "SELECT id FROM notification_templates WHERE app_id = $1 ORDER BY position LIMIT 1",
            app,
        )
        .await,
        service: one(
            s,
            "SELECT id FROM services WHERE app_id = $1 ORDER BY position LIMIT 1",
            app,
        )
        .await,
        form,
    }
}

async fn world() -> World {
    let s = new_site().await;
    // The only sign-ins (Argon2 is slow); later sessions are minted directly.
    let isv = s.session("isv-admin@acme.example").await;
    let customer = s.session("admin@north.example").await;
    let id_of = |email: &'static str| {
        let s = &s;
        async move { s.t.user_id(email).await }
    };
    let isv_user = id_of("isv-admin@acme.example").await;
    let customer_user = id_of("admin@north.example").await;
    let isv_dev = id_of("isv-dev@acme.example").await;
    let north_member = id_of("member@north.example").await;
    let acme = one(
        &s,
        "SELECT id FROM organizations WHERE name = $1",
        "Acme Software",
    )
    .await;
    let north = one(
        &s,
        "SELECT id FROM organizations WHERE name = $1",
        "Northwind Trading",
    )
    .await;

    let bought = s.create_link(&isv, "客户拜访管理").await;
    let r = s
        .call(
            "/api/distribution/buy",
            &format!("token={bought}&org_id={north}&idempotency_key=setup"),
            Some(&customer),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let installed_app = r.json()["Bought"]["app_id"].as_str().unwrap().to_string();
    let token = s.create_link(&isv, "设备报修").await;
    let w0 = World {
        isv_user,
        customer_user,
        acme,
        north: north.clone(),
        isv_dev,
        north_member: north_member.clone(),
        source: Default::default(),
        installed: Default::default(),
        order: String::new(),
        link: String::new(),
        token: token.clone(),
        request: String::new(),
        demo_users: Vec::new(),
        orgs: 0,
        s,
    };
    let member = w0.mint(&north_member, Some(&north)).await;
    let r =
        w0.s.call(
            "/api/distribution/ask_admin",
            &format!("token={token}&org_id={north}"),
            Some(&member),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let s = &w0.s;
    let source_app = one(
        s,
        "SELECT id FROM apps WHERE name LIKE $1 || '%'",
        "客户拜访管理",
    )
    .await;
    let source = app_ids(s, &source_app).await;
    let installed = app_ids(s, &installed_app).await;
    let order = one(
        s,
        "SELECT id FROM distribution_orders WHERE installed_app_id = $1",
        &installed_app,
    )
    .await;
    let link = one(
        s,
        "SELECT link_id FROM distribution_orders WHERE installed_app_id = $1",
        &installed_app,
    )
    .await;
    let request = one(
        s,
        "SELECT id FROM purchase_requests WHERE org_id = $1",
        &north,
    )
    .await;
    let demo_users = sqlx::query_as("SELECT id, email, password_hash FROM users ORDER BY id")
        .fetch_all(&s.t.db.pool)
        .await
        .unwrap();
    for id in [&source.step, &installed.template, &order, &request] {
        assert_ne!(
            id, "none",
            "the world lacks a part: {source:?} {installed:?}"
        );
    }
    World {
        source,
        installed,
        order,
        link,
        request,
        demo_users,
        orgs: s.t.count("SELECT COUNT(*) FROM organizations").await,
        ..w0
    }
}

impl World {
    /// A fresh session, as signing in makes it (without Argon2's cost).
    async fn mint(&self, user: &str, org: Option<&str>) -> String {
        let mut tx = self.s.t.db.begin_write().await.unwrap();
        let token = app::session::store::create(&mut tx, user, org, self.s.t.clock.now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        token
    }

    async fn session(&self, c: Caller) -> Option<String> {
        match c {
            Anonymous => None,
            IsvAdmin => Some(self.mint(&self.isv_user, Some(&self.acme)).await),
            CustomerAdmin => Some(self.mint(&self.customer_user, Some(&self.north)).await),
        }
    }

    /// A plausible value for an argument, so that a call gets past the
    /// arguments that are not being spoiled.
    fn baseline(&self, c: Caller, field: &str) -> String {
        let (a, org, other) = match c {
            CustomerAdmin => (&self.installed, &self.north, &self.north_member),
            _ => (&self.source, &self.acme, &self.isv_dev),
        };
        let v = match field {
            "app_id" => &a.app,
            "form_id" => &a.form,
            "field_id" => &a.field,
            "step_id" => &a.step,
            "template_id" => &a.template,
            "service_id" => &a.service,
            "user_id" => other,
            "org_id" => org,
            "order_id" => &self.order,
            "link_id" => &self.link,
            "token" => &self.token,
            "request_id" => &self.request,
            "email" => "admin@plain.example",
            "display_name" => "Fuzz 用户",
            "password" => "fenfa-demo",
            "next" => "/",
            "name" => "Fuzz 名称",
            "icon" => "clipboard",
            "description" => "描述",
            "kind" => "process",
            "label" => "标签",
            "field_type" => "single_choice",
            "required" => "yes",
            "options" => "甲\n乙",
            "direction" => "up",
            "trigger" => "submitted",
            "message" => "提交了",
            "recipient" => "submitter",
            "endpoint" => "https://api.example.com/v1",
            "credential" => "secret-1",
            "role" => "member",
            "level" => "basic",
            "lang" => "en",
            "idempotency_key" => "fuzz-key",
            "expires_days" => "30",
            "days" => "30",
            "providers_only" => "false",
            "access" => "all",
            "note" => "备注",
            "max_purchases" | "bound_org" | "q" | "after" => "",
            _ => "fuzz",
        };
        v.to_string()
    }

    /// The arguments of `ep` with plausible values, encoded.
    fn base(&self, c: Caller, ep: &Endpoint) -> Vec<(String, Vec<u8>)> {
        ep.fields
            .iter()
            .map(|f| (f.clone(), enc(&self.baseline(c, f)).into_bytes()))
            .collect()
    }

    /// Every table of the migrations is there, the demo users are untouched,
    /// nothing is orphaned and every organization keeps an admin.
    async fn check_database(&self) {
        let pool = &self.s.t.db.pool;
        let mut tables = Vec::new();
        for entry in
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations")).unwrap()
        {
            let sql = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in sql.split("CREATE TABLE ").skip(1) {
                tables.push(part.split_whitespace().next().unwrap().to_string());
            }
        }
        assert!(tables.len() >= 15, "{tables:?}");
        for t in &tables {
            // Panics when the table is gone.
            self.s.t.count(&format!("SELECT COUNT(*) FROM {t}")).await;
        }
        let users: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, email, password_hash FROM users ORDER BY id")
                .fetch_all(pool)
                .await
                .unwrap();
        for u in &self.demo_users {
            assert!(users.contains(u), "a user changed or vanished: {}", u.1);
        }
        // Organizations are never deleted; apps may be, by whoever may.
        assert!(self.s.t.count("SELECT COUNT(*) FROM organizations").await >= self.orgs);
        for (what, sql) in [
            (
                "organizations without an admin",
                "SELECT COUNT(*) FROM organizations o WHERE NOT EXISTS \
                 (SELECT 1 FROM memberships m WHERE m.org_id = o.id AND m.role = 'admin')",
            ),
            (
                "apps without an organization",
                "SELECT COUNT(*) FROM apps a WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = a.org_id)",
            ),
            (
                "forms without an app",
                "SELECT COUNT(*) FROM forms f WHERE NOT EXISTS (SELECT 1 FROM apps a WHERE a.id = f.app_id)",
            ),
            (
                "fields without a form",
                "SELECT COUNT(*) FROM fields f WHERE NOT EXISTS (SELECT 1 FROM forms x WHERE x.id = f.form_id)",
            ),
            (
                "templates without a form",
                "SELECT COUNT(*) FROM notification_templates t WHERE NOT EXISTS (SELECT 1 FROM forms f WHERE f.id = t.form_id)",
            ),
            (
                "apps with too many forms",
                &format!(
                    "SELECT COUNT(*) FROM (SELECT app_id FROM forms GROUP BY app_id HAVING COUNT(*) > {}) x",
                    limits::FORMS
                ),
            ),
            (
                "forms with too many fields",
                &format!(
                    "SELECT COUNT(*) FROM (SELECT form_id FROM fields GROUP BY form_id HAVING COUNT(*) > {}) x",
                    limits::FIELDS
                ),
            ),
        ] {
            assert_eq!(self.s.t.count(sql).await, 0, "{what}");
        }
    }
}

// ---------------------------------------------------------------------------
// The deterministic sweep: every bad value in every argument of every function

/// The bad requests for one function: each argument spoiled in turn (the
/// others plausible), then bodies that are wrong as a whole.
fn bad_requests(
    w: &World,
    c: Caller,
    ep: &Endpoint,
    cookie: Option<&str>,
) -> Vec<(String, Request<Body>)> {
    let base = w.base(c, ep);
    let p = ep.path.as_str();
    let mut out = Vec::new();
    let mut push = |what: String, ct: Option<&str>, body: Vec<u8>| {
        out.push((what, post(p, ct, body, cookie)));
    };
    let nasty = nasty_values();
    for (i, (f, _)) in base.iter().enumerate() {
        for (name, v) in &nasty {
            let mut b = base.clone();
            b[i].1 = v.clone();
            push(format!("{f} = {name}"), FORM, form(&b));
        }
        let mut missing = base.clone();
        missing.remove(i);
        push(format!("{f} missing"), FORM, form(&missing));
        let mut twice = base.clone();
        twice.push((f.clone(), b"other".to_vec()));
        push(format!("{f} twice"), FORM, form(&twice));
        // A list or a map where text is expected.
        for shape in ["[]", "[0]", "[x][y]"] {
            let mut b = missing.clone();
            b.push((format!("{f}{shape}"), base[i].1.clone()));
            b.push((format!("{f}{shape}"), b"other".to_vec()));
            push(format!("{f} as {shape}"), FORM, form(&b));
        }
    }
    // No arguments: the same values as an unexpected one.
    if base.is_empty() {
        for (name, v) in &nasty {
            push(
                format!("extra = {name}"),
                FORM,
                form(&[("extra".into(), v.clone())]),
            );
        }
    }
    let plain = form(&base);
    let json: serde_json::Map<String, serde_json::Value> = ep
        .fields
        .iter()
        .map(|f| (f.clone(), w.baseline(c, f).into()))
        .collect();
    let json = serde_json::to_vec(&json).unwrap();
    let with = |suffix: &[u8]| {
        let mut b = plain.clone();
        b.extend_from_slice(suffix);
        b
    };
    let bodies: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
        ("empty body", FORM, Vec::new()),
        ("only separators", FORM, b"&&=&==&".to_vec()),
        ("deep nesting", FORM, with(b"&a[b][c][d][e][f][g][h][i]=1")),
        ("bracket soup", FORM, with(b"&a]]][[[=1&[=&]=")),
        ("raw bytes", FORM, with(b"&\xff\xfe=\xc3\x28&\x00=\x00")),
        ("only raw bytes", FORM, b"\xff\xfe\xfd\x00\x01".to_vec()),
        ("JSON as a form", FORM, json.clone()),
        ("JSON", Some("application/json"), json),
        ("no content type", None, plain.clone()),
        (
            "multipart",
            Some("multipart/form-data; boundary=x"),
            plain.clone(),
        ),
        ("text content type", Some("text/plain"), plain.clone()),
        ("10 000 arguments", FORM, with(&b"&k=v".repeat(10_000)[..])),
    ];
    for (what, ct, body) in bodies {
        push(what.to_string(), ct, body);
    }
    for m in [Method::GET, Method::PUT, Method::DELETE] {
        let mut req = post(p, FORM, plain.clone(), cookie);
        *req.method_mut() = m.clone();
        out.push((format!("method {m}"), req));
    }
    let mut req = post(p, FORM, plain.clone(), None);
    let h = req.headers_mut();
    h.insert(
        header::COOKIE,
        "fenfa_session=' OR 1=1 --; fenfa_lang=<script>"
            .parse()
            .unwrap(),
    );
    h.insert(
        header::ACCEPT_LANGUAGE,
        "'; DROP TABLE users; --".parse().unwrap(),
    );
    out.push(("SQL in the cookie".into(), req));
    out
}

/// Whether a function deletes or ends something (by its name).
fn ends_something(path: &str) -> bool {
    [
        "delete", "remove", "revoke", "dismiss", "close", "exit", "sign_out",
    ]
    .iter()
    .any(|w| path.contains(w))
}

async fn sweep(c: Caller) {
    let w = world().await;
    let mut eps = endpoints();
    // Some bad bodies still carry every plausible argument (a duplicate, an
    // extra key, another content type) and succeed. So the functions that
    // delete run last, in reverse order (`apps/delete` after
    // `apps/delete_form`): the parts the others name exist while they run.
    eps.sort_by(|a, b| {
        let (x, y) = (ends_something(&a.path), ends_something(&b.path));
        x.cmp(&y).then_with(|| {
            if x {
                b.path.cmp(&a.path)
            } else {
                a.path.cmp(&b.path)
            }
        })
    });
    let mut findings: Vec<String> = Vec::new();
    let mut calls = 0;
    for ep in &eps {
        assert_eq!(ep.method, Method::POST, "{}", ep.path);
        // A fresh session per function: one that signs out or switches
        // organizations does not change what the next one sees.
        let cookie = w.session(c).await;
        for (what, req) in bad_requests(&w, c, ep, cookie.as_deref()) {
            calls += 1;
            let r = match send(&w.s, req).await {
                Ok(r) => r,
                Err(e) => {
                    findings.push(format!("{} [{what}]: {e}", ep.path));
                    continue;
                }
            };
            if let Err(e) = judge(&r) {
                findings.push(format!("{} [{what}]: {e}", ep.path));
            }
            // SQL-looking or otherwise bad credentials never sign anyone in.
            if ep.path == "/api/sign_in"
                && (what.starts_with("email = ") || what.starts_with("password = "))
                && r.token().is_some()
            {
                findings.push(format!("{} [{what}]: signed in", ep.path));
            }
        }
        // More than the limit is refused unread, with the same coded answer.
        for declared in [false, true] {
            let mut body = form(&w.base(c, ep));
            body.extend_from_slice(b"&big=");
            body.extend_from_slice(&one_mb());
            let n = body.len();
            let mut req = post(&ep.path, FORM, body, cookie.as_deref());
            if declared {
                req.headers_mut().insert(header::CONTENT_LENGTH, n.into());
            }
            calls += 1;
            match send(&w.s, req).await {
                Ok(r)
                    if r.status == StatusCode::PAYLOAD_TOO_LARGE
                        && r.json()["code"] == "too_large" => {}
                Ok(r) => findings.push(format!(
                    "{} [1 MB, Content-Length {declared}]: {} {:?}",
                    ep.path,
                    r.status,
                    excerpt(&r.body)
                )),
                Err(e) => findings.push(format!("{} [1 MB]: {e}", ep.path)),
            }
        }
    }
    assert!(calls >= eps.len() * 20, "only {calls} calls");
    assert!(
        findings.is_empty(),
        "{} of {calls} bad calls as {c:?} were not answered cleanly (the first 80):\n{}",
        findings.len(),
        findings
            .iter()
            .take(80)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    w.check_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_answers_bad_input_cleanly_anonymously() {
    sweep(Anonymous).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_answers_bad_input_cleanly_for_an_isv_admin() {
    sweep(IsvAdmin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_answers_bad_input_cleanly_for_a_customer_admin() {
    sweep(CustomerAdmin).await;
}

// ---------------------------------------------------------------------------
// Generated input

/// A generated argument value, form-encoded.
fn any_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Any characters, control characters included.
        any::<String>().prop_map(|s| enc(&s).into_bytes()),
        "\\PC{0,300}".prop_map(|s| enc(&s).into_bytes()),
        // Any bytes, percent-encoded (mostly not UTF-8) or raw.
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| {
            b.iter()
                .flat_map(|x| format!("%{x:02x}").into_bytes())
                .collect()
        }),
        prop::collection::vec(any::<u8>(), 0..64),
        // Form syntax.
        "[%&=\\[\\]+;a-z0-9]{0,40}".prop_map(String::into_bytes),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    endpoint: usize,
    field: prop::sample::Index,
    caller: Caller,
    value: Vec<u8>,
    /// The value is the whole body rather than one argument.
    whole: bool,
    /// A plain HTML form post (redirects back) rather than a fetch.
    html: bool,
    referer: String,
}

#[test]
fn generated_arguments_are_answered_cleanly() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let w = rt.block_on(world());
    let eps = endpoints();
    let strategy = (
        0..eps.len(),
        any::<prop::sample::Index>(),
        prop::sample::select(vec![Anonymous, IsvAdmin, CustomerAdmin]),
        any_value(),
        any::<bool>(),
        any::<bool>(),
        "[ -~]{0,60}",
    )
        .prop_map(
            |(endpoint, field, caller, value, whole, html, referer)| Case {
                endpoint,
                field,
                caller,
                value,
                whole,
                html,
                referer,
            },
        );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&strategy, |case| {
        let ep = &eps[case.endpoint];
        let mut args = w.base(case.caller, ep);
        let body = if case.whole || args.is_empty() {
            case.value.clone()
        } else {
            let i = case.field.index(args.len());
            args[i].1 = case.value.clone();
            form(&args)
        };
        let r = rt.block_on(async {
            let cookie = w.session(case.caller).await;
            let mut req = post(&ep.path, FORM, body, cookie.as_deref());
            if case.html {
                let h = req.headers_mut();
                h.insert(header::ACCEPT, "text/html".parse().unwrap());
                if let Ok(v) = case.referer.parse() {
                    h.insert(header::REFERER, v);
                }
            }
            send(&w.s, req).await
        });
        let r = r.map_err(|e| TestCaseError::fail(format!("{}: {e}", ep.path)))?;
        judge(&r).map_err(|e| TestCaseError::fail(format!("{}: {e}", ep.path)))?;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    rt.block_on(w.check_database());
}

// ---------------------------------------------------------------------------
// What is accepted comes back safely and unchanged

async fn ok(s: &Site, path: &str, form: &str, cookie: &str) -> Reply {
    let req = post(path, FORM, form.as_bytes().to_vec(), Some(cookie));
    let r = send(s, req).await.unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.body);
    r
}

async fn page(s: &Site, path: &str, cookie: &str) -> String {
    let req = Request::get(path)
        .header(header::HOST, "localhost:3000")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("fenfa_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let rendering = common::site::ROUTE_LIST.read().await;
    let r = send(s, req).await.unwrap_or_else(|e| panic!("{path}: {e}"));
    drop(rendering);
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", excerpt(&r.body));
    r.body
}

/// `html` never holds the script or image values as markup, and shows the
/// escaped text of those it should.
fn assert_escaped(path: &str, html: &str, script: bool, img: bool) {
    assert!(!html.contains(SCRIPT), "{path} shows a raw script tag");
    if let Some(i) = html.find(IMG_RAW) {
        panic!(
            "{path} shows a raw img tag: {}",
            &html[i.saturating_sub(300)..(i + 100).min(html.len())]
        );
    }
    assert!(
        !html.contains("<script>alert"),
        "{path} shows a raw script tag"
    );
    if script {
        assert!(
            html.contains(SCRIPT_ESCAPED),
            "{path} does not show the escaped script text"
        );
    }
    if img {
        assert!(
            html.contains(IMG_ESCAPED),
            "{path} does not show the escaped img text"
        );
    }
}

#[tokio::test]
async fn accepted_html_is_shown_escaped() {
    let s = new_site().await;
    let isv = s.session("isv-admin@acme.example").await;
    ok(
        &s,
        "/api/apps/create",
        &format!(
            "name={}&icon=clipboard&description={}",
            enc(SCRIPT),
            enc(BREAKOUT)
        ),
        &isv,
    )
    .await;
    let (app,): (String,) = sqlx::query_as("SELECT id FROM apps WHERE name = $1")
        .bind(SCRIPT)
        .fetch_one(&s.t.db.pool)
        .await
        .unwrap();
    let form = ok(
        &s,
        "/api/apps/add_form",
        &format!("app_id={app}&name={}&kind=process", enc(IMG)),
        &isv,
    )
    .await;
    let form: String = serde_json::from_str(&form.body).unwrap();
    for (path, args) in [
        (
            "/api/apps/add_field",
            format!(
                "form_id={form}&label={}&field_type=single_choice&options={}",
                enc(SCRIPT),
                enc(BREAKOUT)
            ),
        ),
        (
            "/api/apps/add_step",
            format!("form_id={form}&name={}", enc(SCRIPT)),
        ),
        (
            "/api/apps/add_template",
            format!("form_id={form}&trigger=submitted&message={}", enc(BREAKOUT)),
        ),
        (
            "/api/apps/add_service",
            format!("name={}&endpoint=https%3A%2F%2Fapi.example.com", enc(IMG)),
        ),
    ] {
        ok(&s, path, &format!("app_id={app}&{args}"), &isv).await;
    }

    // The Workbench card shows the name and the description.
    let workbench = page(&s, "/", &isv).await;
    assert_escaped("/", &workbench, true, false);
    assert!(
        workbench.contains(BREAKOUT_ESCAPED),
        "the card's description"
    );
    let editor = page(&s, &format!("/apps/{app}"), &isv).await;
    assert_escaped("the editor", &editor, true, true);
    // The description, the option and the message, each also in a textarea.
    assert!(
        editor.matches(BREAKOUT_ESCAPED).count() >= 3,
        "the editor does not show the textarea texts escaped"
    );

    // An organization named like a script: the header names it on every page.
    ok(
        &s,
        "/api/create_org",
        &format!("name={}", enc(SCRIPT)),
        &isv,
    )
    .await;
    for path in ["/", "/members"] {
        assert_escaped(path, &page(&s, path, &isv).await, true, false);
    }
}

#[tokio::test]
async fn chinese_text_and_emoji_round_trip() {
    let s = new_site().await;
    let isv = s.session("isv-admin@acme.example").await;
    let name = "客户拜访 🚀";
    let description = "说明：👩‍💻 家庭 👨‍👩‍👧 ｜ Ünïcödé";
    ok(
        &s,
        "/api/apps/create",
        &format!(
            "name={}&icon=briefcase&description={}",
            enc(name),
            enc(description)
        ),
        &isv,
    )
    .await;
    let (app,): (String,) = sqlx::query_as("SELECT id FROM apps WHERE name = $1")
        .bind(name)
        .fetch_one(&s.t.db.pool)
        .await
        .unwrap();
    let form_name = "拜访记录 📋";
    let label = "客户满意度 ⭐";
    let options = ["很好 😀", "一般 😐"];
    let form = ok(
        &s,
        "/api/apps/add_form",
        &format!("app_id={app}&name={}&kind=plain", enc(form_name)),
        &isv,
    )
    .await;
    let form: String = serde_json::from_str(&form.body).unwrap();
    ok(
        &s,
        "/api/apps/add_field",
        &format!(
            "app_id={app}&form_id={form}&label={}&field_type=single_choice&options={}",
            enc(label),
            enc(&options.join("\n"))
        ),
        &isv,
    )
    .await;
    let got = ok(&s, "/api/apps/get", &format!("app_id={app}"), &isv)
        .await
        .json();
    assert_eq!(got["name"], name);
    assert_eq!(got["description"], description);
    let f = got["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == form.as_str())
        .expect("the form");
    assert_eq!(f["name"], form_name);
    assert_eq!(f["fields"][0]["label"], label);
    assert_eq!(f["fields"][0]["options"], serde_json::json!(options));

    let org = "客户拜访 🚀 组织";
    ok(&s, "/api/create_org", &format!("name={}", enc(org)), &isv).await;
    let me = ok(&s, "/api/me", "", &isv).await.json();
    assert_eq!(me["current"]["name"], org);
}

// ---------------------------------------------------------------------------
// Size limits

/// One text limit: `max` characters are accepted, one more is refused.
struct TextLimit {
    path: &'static str,
    field: &'static str,
    max: usize,
    code: &'static str,
    /// The other arguments (`{app}`, `{form}`, `{service}`, `{installed}` filled in).
    rest: &'static str,
}

#[tokio::test]
async fn size_limits_are_enforced_with_their_codes() {
    use app::accounts::{DisplayName, OrgName};
    let w = world().await;
    let s = &w.s;
    let isv = w.session(IsvAdmin).await.unwrap();
    let fill = |t: &str| {
        t.replace("{app}", &w.source.app)
            .replace("{form}", &w.source.form)
            .replace("{service}", &w.source.service)
            .replace("{installed}", &w.installed.app)
    };
    let rows = [
        TextLimit {
            path: "/api/apps/create",
            field: "name",
            max: limits::APP_NAME,
            code: "invalid_app_name",
            rest: "icon=chart&description=",
        },
        TextLimit {
            path: "/api/apps/update",
            field: "description",
            max: limits::DESCRIPTION,
            code: "invalid_description",
            rest: "app_id={app}&name=n&icon=chart",
        },
        TextLimit {
            path: "/api/apps/add_form",
            field: "name",
            max: limits::FORM_NAME,
            code: "invalid_form_name",
            rest: "app_id={app}&kind=plain",
        },
        TextLimit {
            path: "/api/apps/add_field",
            field: "label",
            max: limits::FIELD_LABEL,
            code: "invalid_field_label",
            rest: "app_id={app}&form_id={form}&field_type=text",
        },
        TextLimit {
            path: "/api/apps/add_field",
            field: "options",
            max: limits::OPTION,
            code: "invalid_options",
            rest: "app_id={app}&form_id={form}&label=l&field_type=multi_choice",
        },
        TextLimit {
            path: "/api/apps/add_step",
            field: "name",
            max: limits::STEP_NAME,
            code: "invalid_step_name",
            rest: "app_id={app}&form_id={form}",
        },
        TextLimit {
            path: "/api/apps/add_template",
            field: "message",
            max: limits::MESSAGE,
            code: "invalid_message",
            rest: "app_id={app}&form_id={form}&trigger=approved",
        },
        TextLimit {
            path: "/api/apps/add_service",
            field: "name",
            max: limits::SERVICE_NAME,
            code: "invalid_service_name",
            rest: "app_id={app}&endpoint=https%3A%2F%2Fx.example",
        },
        TextLimit {
            path: "/api/apps/set_credential",
            field: "credential",
            max: limits::CREDENTIAL,
            code: "invalid_credential",
            rest: "app_id={app}&service_id={service}",
        },
        TextLimit {
            path: "/api/create_org",
            field: "name",
            max: OrgName::MAX,
            code: "invalid_org_name",
            rest: "",
        },
        TextLimit {
            path: "/api/distribution/create_link",
            field: "note",
            max: app::distribution::domain::NOTE_MAX,
            code: "invalid_note",
            rest: "app_id={app}&expires_days=&max_purchases=&bound_org=",
        },
        TextLimit {
            path: "/api/maintenance/request",
            field: "note",
            max: app::maintenance::domain::REQUEST_NOTE_MAX,
            code: "invalid_note",
            rest: "app_id={installed}&days=7",
        },
    ];
    for row in &rows {
        // A fresh session each: creating an organization switches to it.
        let who = w
            .session(if row.path.starts_with("/api/maintenance") {
                CustomerAdmin
            } else {
                IsvAdmin
            })
            .await
            .unwrap();
        let who = &who;
        // Characters, not bytes: four-byte ones make the largest bodies.
        for (n, accepted) in [(row.max, true), (row.max + 1, false)] {
            let value = "🚀".repeat(n);
            let body = format!("{}&{}={}", fill(row.rest), row.field, enc(&value));
            let r = s
                .call(row.path, body.trim_start_matches('&'), Some(who), &[])
                .await;
            if accepted {
                assert!(
                    r.status.is_success(),
                    "{} {} × {n}: {} {}",
                    row.path,
                    row.field,
                    r.status,
                    r.body
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::BAD_REQUEST,
                    "{} {} × {n}",
                    row.path,
                    row.field
                );
                assert_eq!(
                    r.json()["code"],
                    row.code,
                    "{} {} × {n}",
                    row.path,
                    row.field
                );
            }
        }
    }

    // Accounts: display name, password and email (sign-up, so Argon2: few).
    let long_email =
        |n: usize| format!("{}@{}.example", "a".repeat(64), "b".repeat(n - 64 - 1 - 8));
    for (display_name, password, email, code) in [
        (
            "名".repeat(DisplayName::MAX + 1),
            "fenfa-demo".to_string(),
            "x1@x.example".to_string(),
            "invalid_display_name",
        ),
        (
            "名".repeat(DisplayName::MAX),
            "密".repeat(129),
            "x2@x.example".to_string(),
            "invalid_password",
        ),
        (
            "名".repeat(DisplayName::MAX),
            "fenfa-demo".to_string(),
            long_email(255),
            "invalid_email",
        ),
    ] {
        let body = format!(
            "email={}&display_name={}&password={}",
            enc(&email),
            enc(&display_name),
            enc(&password)
        );
        let r = s.call("/api/sign_up", &body, None, &[]).await;
        assert_eq!(
            (r.status, r.json()["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{}",
            r.body
        );
    }
    let body = format!(
        "email={}&display_name={}&password={}",
        enc(&long_email(254)),
        enc(&"名".repeat(DisplayName::MAX)),
        enc(&"密".repeat(128))
    );
    let r = s.call("/api/sign_up", &body, None, &[]).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);

    // Options: at most limits::OPTIONS of them.
    for (n, accepted) in [(limits::OPTIONS, true), (limits::OPTIONS + 1, false)] {
        let options: Vec<String> = (0..n).map(|i| format!("选项{i}")).collect();
        let body = format!(
            "app_id={}&form_id={}&label=l&field_type=single_choice&options={}",
            w.source.app,
            w.source.form,
            enc(&options.join("\n"))
        );
        let r = s.call("/api/apps/add_field", &body, Some(&isv), &[]).await;
        assert_eq!(r.status.is_success(), accepted, "{n} options: {}", r.body);
        if !accepted {
            assert_eq!(r.json()["code"], "invalid_options");
        }
    }

    // Counted lists: fill up to the limit on a new app, then one more is too_many.
    let created = ok(
        s,
        "/api/apps/create",
        "name=limits&icon=chart&description=",
        &isv,
    )
    .await;
    let app: String = serde_json::from_str(&created.body).unwrap();
    let count = |sql: &'static str, id: String| async move {
        s.t.count(&sql.replace("$1", &format!("'{id}'"))).await as usize
    };
    let existing = count("SELECT COUNT(*) FROM forms WHERE app_id = $1", app.clone()).await;
    let mut process = String::new();
    for i in existing..limits::FORMS {
        let r = ok(
            s,
            "/api/apps/add_form",
            &format!("app_id={app}&name=f{i}&kind=process"),
            &isv,
        )
        .await;
        process = serde_json::from_str(&r.body).unwrap();
    }
    let lists: [(&str, String, usize, &str); 5] = [
        (
            "forms",
            format!("/api/apps/add_form?app_id={app}&name=more&kind=plain"),
            limits::FORMS,
            "SELECT COUNT(*) FROM forms WHERE app_id = $1",
        ),
        (
            "fields",
            format!("/api/apps/add_field?app_id={app}&form_id={process}&label=l&field_type=text"),
            limits::FIELDS,
            "SELECT COUNT(*) FROM fields WHERE form_id = $1",
        ),
        (
            "steps",
            format!("/api/apps/add_step?app_id={app}&form_id={process}&name=s"),
            limits::STEPS,
            "SELECT COUNT(*) FROM process_steps WHERE form_id = $1",
        ),
        (
            "templates",
            format!(
                "/api/apps/add_template?app_id={app}&form_id={process}&trigger=submitted&message=m"
            ),
            limits::TEMPLATES,
            "SELECT COUNT(*) FROM notification_templates WHERE app_id = $1",
        ),
        (
            "services",
            format!("/api/apps/add_service?app_id={app}&name=s&endpoint=https%3A%2F%2Fx.example"),
            limits::SERVICES,
            "SELECT COUNT(*) FROM services WHERE app_id = $1",
        ),
    ];
    for (what, call, max, sql) in lists {
        let (path, args) = call.split_once('?').unwrap();
        let owner = if what == "fields" || what == "steps" {
            process.clone()
        } else {
            app.clone()
        };
        let sql: &'static str = sql;
        for _ in count(sql, owner.clone()).await..max {
            ok(s, path, args, &isv).await;
        }
        let r = s.call(path, args, Some(&isv), &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{what}: {}", r.body);
        assert_eq!(r.json()["code"], "too_many", "{what}");
        assert_eq!(count(sql, owner).await, max, "{what}");
    }
    w.check_database().await;
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_unread() {
    use app::http::MAX_BODY;
    let s = new_site().await;
    let isv = s.session("isv-admin@acme.example").await;
    let apps = s.t.count("SELECT COUNT(*) FROM apps").await;
    // Exactly the limit is read; one byte more is not.
    for (n, refused) in [(MAX_BODY, false), (MAX_BODY + 1, true)] {
        let prefix = "name=big&icon=chart&description=&pad=";
        let body = format!("{prefix}{}", "p".repeat(n - prefix.len()));
        assert_eq!(body.len(), n);
        let r = s
            .call(
                "/api/apps/create",
                &body,
                Some(&isv),
                &[("accept-language", "en")],
            )
            .await;
        if refused {
            assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
            assert_eq!(r.json()["code"], "too_large");
            assert_eq!(r.json()["message"], "The request is too large");
        } else {
            assert!(r.status.is_success(), "{} {}", r.status, r.body);
        }
    }
    assert_eq!(s.t.count("SELECT COUNT(*) FROM apps").await, apps + 1);
    // A declared length over the limit is refused before the body is read.
    let mut req = post(
        "/api/apps/create",
        FORM,
        b"name=x&icon=chart&description=".to_vec(),
        Some(&isv),
    );
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, (MAX_BODY + 1).into());
    let r = s.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["code"], "too_large");
    assert_eq!(s.t.count("SELECT COUNT(*) FROM apps").await, apps + 1);
}
