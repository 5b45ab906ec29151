//! The deterministic sweep: every bad value in every argument of every function.

use super::*;

/// The bad requests for one function: each argument spoiled in turn (the
/// others plausible), then bodies that are wrong as a whole.
pub(crate) fn bad_requests(
    w: &World,
    c: Caller,
    ep: &Endpoint,
    cookie: Option<&str>,
) -> Vec<(String, Request<Body>)> {
    let base = base(w, c, ep);
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
        .map(|f| (f.clone(), json_value(w, c, f)))
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
pub(crate) fn ends_something(path: &str) -> bool {
    [
        "delete", "remove", "revoke", "dismiss", "close", "exit", "sign_out",
    ]
    .iter()
    .any(|w| path.contains(w))
}

pub(crate) async fn sweep(c: Caller) {
    let w = world().await;
    let i = w.instance().await;
    let b = before(&i).await;
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
        let cookie = session(&i, c).await;
        for (what, req) in bad_requests(&w, c, ep, cookie.as_deref()) {
            calls += 1;
            let r = match send(&i.s, req).await {
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
            let mut body = form(&base(&w, c, ep));
            body.extend_from_slice(b"&big=");
            body.extend_from_slice(&one_mb());
            let n = body.len();
            let mut req = post(&ep.path, FORM, body, cookie.as_deref());
            if declared {
                req.headers_mut().insert(header::CONTENT_LENGTH, n.into());
            }
            calls += 1;
            match send(&i.s, req).await {
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
    check_database(&i, &b).await;
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
