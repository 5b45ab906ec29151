//! HTTP-level tests: the whole router, called as a browser or a script would.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use common::site::site;
use http::{header, Request, StatusCode};

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let s = site(false).await;
    let r = s
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn a_wrong_password_gets_a_coded_localized_error_and_no_cookie() {
    let s = site(false).await;
    let r = s
        .call(
            "/api/sign_in",
            "email=admin%40north.example&password=nope",
            None,
            &[("accept-language", "en-US,en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["code"], "bad_credentials");
    assert_eq!(v["message"], "Wrong email or password");
    assert!(r.session_cookie().is_none());

    let zh = s
        .call(
            "/api/sign_in",
            "email=admin%40north.example&password=nope",
            None,
            &[("accept-language", "zh-CN")],
        )
        .await;
    let v: serde_json::Value = serde_json::from_str(&zh.body).unwrap();
    assert_eq!(v["message"], "邮箱或密码错误");
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_with_safe_cookie_flags() {
    let s = site(false).await;
    let first = s.sign_in("admin%40north.example", None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let cookie = first.session_cookie().unwrap();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let old = first.token().unwrap();

    let second = s.sign_in("admin%40north.example", Some(&old)).await;
    let new = second.token().unwrap();
    assert_ne!(old, new);
    // The old id is gone; the new one works.
    let me_old = s.call("/api/me", "", Some(&old), &[]).await;
    assert_eq!(me_old.body, "null");
    let me_new = s.call("/api/me", "", Some(&new), &[]).await;
    let v: serde_json::Value = serde_json::from_str(&me_new.body).unwrap();
    assert_eq!(v["email"], "admin@north.example");
    assert_eq!(v["current"]["name"], "Northwind Trading");
}

#[tokio::test]
async fn cookies_are_secure_when_configured() {
    let s = site(true).await;
    let r = s.sign_in("admin%40north.example", None).await;
    let cookie = r.session_cookie().unwrap();
    assert!(cookie.starts_with("__Host-fenfa_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    assert_eq!(
        r.headers
            .get("strict-transport-security")
            .map(|v| v.to_str().unwrap()),
        Some("max-age=31536000; includeSubDomains")
    );
    // The prefixed cookie is the session; the plain name means nothing here.
    let token = r.token().unwrap();
    let me = s
        .send(
            Request::post("/api/me")
                .header(header::HOST, "localhost:3000")
                .header(header::COOKIE, format!("__Host-fenfa_session={token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(me.body.contains("admin@north.example"), "{}", me.body);
    let plain = s.call("/api/me", "", Some(&token), &[]).await;
    assert_eq!(plain.body, "null");
    // Without --secure-cookies: no HSTS (it would pin plain-HTTP set-ups).
    let plain_site = site(false).await;
    let r = plain_site.sign_in("admin%40north.example", None).await;
    assert!(r.headers.get("strict-transport-security").is_none());
}

#[tokio::test]
async fn signing_out_makes_the_old_cookie_anonymous() {
    let s = site(false).await;
    let token = s
        .sign_in("admin%40north.example", None)
        .await
        .token()
        .unwrap();
    let out = s.call("/api/sign_out", "", Some(&token), &[]).await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(out.session_cookie().unwrap().contains("Max-Age=0"));
    assert_eq!(s.call("/api/me", "", Some(&token), &[]).await.body, "null");
    let members = s.call("/api/list_members", "", Some(&token), &[]).await;
    assert_eq!(members.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cross_site_state_changes_are_refused_and_change_nothing() {
    let s = site(false).await;
    let before = s.t.count("SELECT COUNT(*) FROM sessions").await;
    let form = "email=admin%40north.example&password=fenfa-demo";
    for extra in [
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://localhost:3000"),
        ],
    ] {
        let r = s.call("/api/sign_in", form, None, &extra).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{extra:?}");
        assert!(r.session_cookie().is_none());
    }
    assert_eq!(s.t.count("SELECT COUNT(*) FROM sessions").await, before);

    let same = s
        .call(
            "/api/sign_in",
            form,
            None,
            &[
                ("origin", "http://localhost:3000"),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(same.status, StatusCode::OK);
}

#[tokio::test]
async fn only_the_operator_may_set_certification_over_http() {
    let s = site(false).await;
    let admin = s
        .sign_in("isv-admin%40acme.example", None)
        .await
        .token()
        .unwrap();
    let orgs = s.call("/api/operator_orgs", "", Some(&admin), &[]).await;
    assert_eq!(orgs.status, StatusCode::FORBIDDEN);
    let (plain,): (String,) =
        sqlx::query_as("SELECT id FROM organizations WHERE name = 'Plain Studio'")
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();
    let form = format!("org_id={plain}&level=advanced");
    let denied = s
        .call("/api/set_certification", &form, Some(&admin), &[])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(denied.body.contains("operator_only"));

    let op = s
        .sign_in("operator%40fenfa.example", None)
        .await
        .token()
        .unwrap();
    assert_eq!(
        s.call("/api/set_certification", &form, Some(&op), &[])
            .await
            .status,
        StatusCode::OK
    );
    let (level,): (String,) = sqlx::query_as("SELECT cert_level FROM organizations WHERE id = $1")
        .bind(&plain)
        .fetch_one(&s.t.db.pool)
        .await
        .unwrap();
    assert_eq!(level, "advanced");
}

#[tokio::test]
async fn a_plain_form_sign_in_redirects_to_a_same_site_return_path_only() {
    let s = site(false).await;
    let form = |next: &str| format!("email=admin%40north.example&password=fenfa-demo&next={next}");
    let html = [
        ("accept", "text/html"),
        ("referer", "http://localhost:3000/sign-in"),
    ];
    let ok = s
        .call("/api/sign_in", &form("%2Fmembers"), None, &html)
        .await;
    assert_eq!(ok.status, StatusCode::FOUND);
    assert_eq!(ok.headers[header::LOCATION], "/members");
    let evil = s
        .call(
            "/api/sign_in",
            &form("https%3A%2F%2Fevil.example%2F"),
            None,
            &html,
        )
        .await;
    assert_eq!(evil.headers[header::LOCATION], "/");
    let failed = s
        .call(
            "/api/sign_in",
            "email=admin%40north.example&password=bad",
            None,
            &html,
        )
        .await;
    assert_eq!(failed.status, StatusCode::FOUND);
    assert!(failed.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("http://localhost:3000/sign-in?__path=%2Fapi%2Fsign_in&__err="));
}

#[tokio::test]
async fn removing_a_member_ends_their_access_on_the_next_request() {
    let s = site(false).await;
    let admin = s
        .sign_in("admin%40north.example", None)
        .await
        .token()
        .unwrap();
    let member = s
        .sign_in("member%40north.example", None)
        .await
        .token()
        .unwrap();
    let me: serde_json::Value =
        serde_json::from_str(&s.call("/api/me", "", Some(&member), &[]).await.body).unwrap();
    assert_eq!(me["current"]["name"], "Northwind Trading");
    let uid = me["user_id"].as_str().unwrap().to_string();
    let r = s
        .call(
            "/api/remove_member",
            &format!("user_id={uid}"),
            Some(&admin),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let me: serde_json::Value =
        serde_json::from_str(&s.call("/api/me", "", Some(&member), &[]).await.body).unwrap();
    assert!(me["current"].is_null());
}

#[tokio::test]
async fn malformed_arguments_are_a_clear_4xx() {
    let s = site(false).await;
    let r = s.call("/api/sign_in", "%ff%fe=\u{0}", None, &[]).await;
    assert_eq!(r.status.as_u16() / 100, 4, "{} {}", r.status, r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["code"], "invalid_input");
}

#[tokio::test]
async fn unknown_pages_are_404_in_the_users_language() {
    let s = site(false).await;
    let r = s
        .send(
            Request::get("/no/such/page")
                .header("accept-language", "en")
                .header("accept", "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body.contains("Page not found"),
        "{}",
        &r.body[..r.body.len().min(500)]
    );
    assert!(r.body.contains("<html lang=\"en\""));
    // Signed in, the 404 page's header still knows who it is.
    let isv = s.session("isv-admin@acme.example").await;
    let r = s
        .send(
            Request::get("/no/such/page")
                .header("accept-language", "en")
                .header("accept", "text/html")
                .header(header::COOKIE, format!("fenfa_session={isv}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page not found"));
    assert!(
        r.body.contains("Alice Admin"),
        "the signed-in user's name in the header"
    );
    assert!(
        !r.body.contains("internal"),
        "no internal error on the page"
    );
}

#[tokio::test]
async fn pages_carry_a_csp_whose_nonce_is_on_every_inline_script() {
    let s = site(false).await;
    let isv = s.session("isv-admin@acme.example").await;
    let mut nonces = std::collections::HashSet::new();
    for (path, cookie) in [
        ("/", Some(&isv)),
        ("/sign-in", None),
        ("/apps", Some(&isv)),
        ("/orders", Some(&isv)),
        ("/no/such/page", None),
    ] {
        let mut b = Request::get(path).header("accept", "text/html");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, format!("fenfa_session={c}"));
        }
        let r = s.send(b.body(Body::empty()).unwrap()).await;
        let csp = r.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"));
        assert!(!csp.contains("'unsafe-inline'") && !csp.contains(" 'unsafe-eval'"));
        // Every script element the page has carries this response's nonce.
        let scripts: Vec<&str> = r.body.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "{path}: no scripts");
        for tag in scripts {
            let open = &tag[..tag.find('>').unwrap()];
            assert!(
                open.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: script without the nonce: <script{open}>"
            );
        }
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert_eq!(r.headers["referrer-policy"], "same-origin");
        assert_eq!(r.headers["x-frame-options"], "DENY");
        nonces.insert(nonce.to_string());
    }
    assert_eq!(nonces.len(), 5, "a fresh nonce per response");
    // Answers that are not pages may run nothing.
    let me = s.call("/api/me", "", Some(&isv), &[]).await;
    assert_eq!(
        me.headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

#[tokio::test]
async fn pages_and_answers_are_compressed_for_clients_that_accept_it() {
    use tower::ServiceExt;
    let s = site(false).await;
    let get = |encoding: Option<&str>| {
        let mut b = Request::get("/sign-in").header(header::ACCEPT, "text/html");
        if let Some(e) = encoding {
            b = b.header(header::ACCEPT_ENCODING, e);
        }
        b.body(Body::empty()).unwrap()
    };
    let plain = s.send(get(None)).await;
    assert_eq!(plain.status, StatusCode::OK);
    // A page may carry a user's data: never stored by a browser or proxy.
    assert_eq!(plain.headers[header::CACHE_CONTROL], "no-store");
    assert!(!plain.headers.contains_key(header::CONTENT_ENCODING));
    assert!(plain.body.contains("sign-in-form"));
    for (accept, encoding) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let _answering = common::site::ROUTE_LIST.read().await;
        let res = s.router.clone().oneshot(get(Some(accept))).await.unwrap();
        assert_eq!(res.headers()[header::CONTENT_ENCODING], encoding);
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
            .await
            .unwrap();
        let mut page = String::new();
        let decoded = match encoding {
            "br" => std::io::Read::read_to_string(
                &mut brotli::Decompressor::new(&bytes[..], 4096),
                &mut page,
            ),
            _ => std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(&bytes[..]),
                &mut page,
            ),
        };
        decoded.unwrap();
        assert!(bytes.len() < page.len(), "{encoding}: smaller");
        // The same page (its nonce differs from request to request).
        assert!(
            page.starts_with("<!DOCTYPE html>") && page.contains("sign-in-form"),
            "{encoding}"
        );
    }
}

#[tokio::test]
async fn built_files_named_by_content_are_cached_for_a_year_and_nothing_else_is() {
    use leptos::config::LeptosOptions;
    // A site as a `hash-files` build leaves it.
    let t = common::fresh().await;
    let root = t.dir().join("site");
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("pkg/fenfa.Qm9vZ3VzSGFzaA.js"), "export {}").unwrap();
    // Where the build writes the names (an absolute path replaces the
    // default place beside the server binary).
    let hash_file = t.dir().join("hash.txt");
    std::fs::write(
        &hash_file,
        "js: Qm9vZ3VzSGFzaA\nwasm: V2FzbUhhc2g\ncss: Q3NzSGFzaA\n",
    )
    .unwrap();
    let hash_file = hash_file.to_string_lossy().to_string();
    let site_root = root.to_string_lossy().to_string();
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    for hashed in [true, false] {
        let t = common::fresh().await;
        let (root, hash_file) = (site_root.clone(), hash_file.clone());
        let s = common::site::site_with(t, move |s| {
            s.leptos_options = LeptosOptions::builder()
                .output_name("fenfa")
                .site_root(root)
                .hash_files(hashed)
                .hash_file(hash_file.as_str().into())
                .build();
        })
        .await;
        let file = s.send(get("/pkg/fenfa.Qm9vZ3VzSGFzaA.js")).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.body, "export {}");
        let cache = file.headers.get(header::CACHE_CONTROL);
        if hashed {
            assert_eq!(cache.unwrap(), "public, max-age=31536000, immutable");
        } else {
            // Unhashed names may change content: left to the browser.
            assert!(cache.is_none(), "{cache:?}");
        }
        // A name that is not there is not remembered as missing.
        let missing = s.send(get("/pkg/fenfa.Tm90VGhlcmU.js")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_ne!(
            missing
                .headers
                .get(header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap()),
            Some("public, max-age=31536000, immutable")
        );
        // Pages still carry a user's data: never stored; they name the
        // files the build wrote.
        let page = s.send(get("/sign-in")).await;
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
        let (js, css) = if hashed {
            ("/pkg/fenfa.Qm9vZ3VzSGFzaA.js", "/pkg/fenfa.Q3NzSGFzaA.css")
        } else {
            ("/pkg/fenfa.js", "/pkg/fenfa.css")
        };
        assert!(page.body.contains(js), "{js}");
        assert!(page.body.contains(&format!("href=\"{css}\"")), "{css}");
    }
}

#[tokio::test]
async fn a_signed_in_page_sends_its_data_once() {
    let s = site(false).await;
    let isv = s.session("isv-admin@acme.example").await;
    // What each page hands the browser for hydration: one value per
    // resource (the session's, then the page's). A resource created inside
    // the sign-in guard was created, read and serialized three times by the
    // server render (the Workbench sent its app list thrice).
    let apps = s.call("/api/apps/list", "", Some(&isv), &[]).await.json();
    let app = apps[0]["id"].as_str().unwrap().to_string();
    let (editor, distribute) = (format!("/apps/{app}"), format!("/apps/{app}/distribute"));
    // Using the demo app: its plain form with a record.
    let visits = apps
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "客户拜访管理 Customer visits")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let detail = s
        .call(
            "/api/apps/get",
            &format!("app_id={visits}"),
            Some(&isv),
            &[],
        )
        .await
        .json();
    let log = detail["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "plain")
        .unwrap();
    let (form, field) = (
        log["id"].as_str().unwrap(),
        log["fields"][0]["id"].as_str().unwrap(),
    );
    let record = s
        .call(
            "/api/runtime/submit",
            &format!("app_id={visits}&form_id={form}&values[f{field}]=Once"),
            Some(&isv),
            &[],
        )
        .await
        .json();
    let use_page = format!("/use/{visits}?form={form}");
    let record_page = format!("/records/{}", record.as_str().unwrap());
    // An order of the app: Northwind's admin buys it through a link.
    let token = s.create_link(&isv, "客户拜访管理").await;
    let north =
        s.t.one(
            "SELECT id FROM organizations WHERE name = $1",
            "Northwind Trading",
        )
        .await;
    let buyer = s.session("admin@north.example").await;
    let bought = s
        .call(
            "/api/distribution/buy",
            &format!("token={token}&org_id={north}&idempotency_key=once"),
            Some(&buyer),
            &[],
        )
        .await;
    assert_eq!(bought.status, StatusCode::OK, "{}", bought.body);
    let installed_editor = format!(
        "/apps/{}",
        bought.json()["Bought"]["app_id"].as_str().unwrap()
    );
    let order_page = format!(
        "/orders/{}",
        s.t.one(
            "SELECT id FROM distribution_orders WHERE customer_org_id = $1",
            &north
        )
        .await
    );
    // A page, whose it is, its values, and how many of them equal another
    // by coincidence (two resources with nothing to say).
    for (path, who, resources, alike) in [
        // The use page: me, the app, its licence, the form's records.
        (use_page.as_str(), &isv, 4, 0),
        (record_page.as_str(), &isv, 2, 0),
        ("/todo", &isv, 2, 0),
        ("/messages", &isv, 2, 0),
        ("/", &isv, 3, 0),
        ("/orders", &isv, 2, 0),
        ("/members", &isv, 3, 0),
        ("/audit", &isv, 2, 0),
        // The editor: me, the app, its maintenance access, its upgrades,
        // its change sets, its licence (an own app has no upgrade and no
        // licence: two equal empty answers).
        (editor.as_str(), &isv, 6, 1),
        // The same for an installed copy, opened by the customer's admin.
        (installed_editor.as_str(), &buyer, 6, 0),
        // An order: me, the order, its licence, its maintenance sessions'
        // changes.
        (order_page.as_str(), &isv, 4, 0),
        // The distribution page: me, the dialog, the versions panel.
        (distribute.as_str(), &isv, 3, 0),
    ] {
        let r = s
            .send(
                Request::get(path)
                    .header("accept", "text/html")
                    .header(header::COOKIE, format!("fenfa_session={who}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let values: Vec<&str> = r
            .body
            .split("__RESOLVED_RESOURCES[")
            .skip(1)
            .map(|v| v.split("\";").next().unwrap_or(""))
            .collect();
        assert_eq!(values.len(), resources, "{path}: {values:?}");
        let distinct: std::collections::HashSet<_> = values
            .iter()
            .map(|v| v.split_once('=').map(|(_, d)| d))
            .collect();
        assert_eq!(
            distinct.len() + alike,
            values.len(),
            "{path}: a value sent twice: {values:?}"
        );
    }
}
