//! What is accepted comes back safely and unchanged.

use super::*;

/// `html` never holds the script or image values as markup, and shows the
/// escaped text of those it should.
pub(crate) fn assert_escaped(path: &str, html: &str, script: bool, img: bool) {
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
