//! Size limits.

use super::*;

/// One text limit: `max` characters are accepted, one more is refused.
pub(crate) struct TextLimit {
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
    let i = w.instance().await;
    let b = before(&i).await;
    let s = &i.s;
    let isv = session(&i, IsvAdmin).await.unwrap();
    let fill = |t: &str| w.fill(t);
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
        let caller = if row.path.starts_with("/api/maintenance") {
            CustomerAdmin
        } else {
            IsvAdmin
        };
        let who = session(&i, caller).await.unwrap();
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
            w.id("app"),
            w.id("form"),
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
    check_database(&i, &b).await;
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
