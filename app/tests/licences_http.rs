//! Licences over HTTP: a trial bought through a link runs out; the app turns
//! read-only (new records refused) while its records stay listed and
//! exportable as CSV; the ISV extends and the app works again. And the
//! records export refuses what is not the caller's.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use common::site::{site, Reply, Site};
use http::{header, Request, StatusCode};

const DAY: i64 = 24 * 3600 * 1000;

async fn ok(s: &Site, path: &str, form: &str, who: &str) -> serde_json::Value {
    let r = s.call(path, form, Some(who), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    r.json()
}

async fn export(s: &Site, who: Option<&str>, path: &str) -> Reply {
    let mut b = Request::get(path).header(header::HOST, "localhost:3000");
    if let Some(t) = who {
        b = b.header(header::COOKIE, format!("fenfa_session={t}"));
    }
    s.send(b.body(Body::empty()).unwrap()).await
}

/// The CSV's lines after its header.
fn rows(r: &Reply) -> Vec<String> {
    r.body
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// The token of a link the API made.
fn token(link: &serde_json::Value) -> String {
    link["path"]
        .as_str()
        .unwrap()
        .trim_start_matches("/l/")
        .to_string()
}

/// A copy Northwind bought as a 2-day trial without grace.
struct Trial {
    /// Acme's source app.
    app: String,
    north: String,
    copy: String,
    /// The copy's form and its one text field ("Customer").
    form: String,
    field: String,
}

/// Acme's app (one plain form, one required text field "Customer") sold by
/// a link with a 2-day trial, no grace and `seats`; Northwind's admin buys.
async fn trial(s: &Site, isv: &str, admin: &str, seats: &str) -> Trial {
    let app = ok(
        s,
        "/api/apps/create",
        "name=Visits&icon=chart&description=",
        isv,
    )
    .await;
    let app = app.as_str().unwrap().to_string();
    let form = ok(
        s,
        "/api/apps/add_form",
        &format!("app_id={app}&name=Visit&kind=plain"),
        isv,
    )
    .await;
    let form = form.as_str().unwrap();
    let field =
        format!("app_id={app}&form_id={form}&label=Customer&field_type=text&required=yes&options=");
    ok(s, "/api/apps/add_field", &field, isv).await;
    let link = ok(
        s,
        "/api/distribution/create_link",
        &format!(
            "app_id={app}&expires_days=30&max_purchases=&bound_org=&note=\
             &terms[trial_days]=2&terms[term]=&terms[seats]={seats}&terms[grace_days]=0"
        ),
        isv,
    )
    .await;
    let page = ok(
        s,
        "/api/distribution/link",
        &format!("token={}", token(&link)),
        admin,
    )
    .await;
    assert_eq!(
        page["terms"]["trial_days"], 2,
        "the link page shows the offer"
    );
    let north = page["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Northwind Trading")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let buy = format!("token={}&org_id={north}&idempotency_key=t1", token(&link));
    let bought = ok(s, "/api/distribution/buy", &buy, admin).await;
    let copy = bought["Bought"]["app_id"].as_str().unwrap().to_string();
    let detail = ok(s, "/api/apps/get", &format!("app_id={copy}"), admin).await;
    let form = &detail["forms"][0];
    Trial {
        app,
        north,
        form: form["id"].as_str().unwrap().to_string(),
        field: form["fields"][0]["id"].as_str().unwrap().to_string(),
        copy,
    }
}

#[tokio::test]
async fn a_trial_runs_out_the_records_stay_exportable_and_an_extension_restores_use() {
    let s = site(false).await;
    let isv = s.session("isv-admin@acme.example").await;
    let admin = s.session("admin@north.example").await;
    let stranger = s.session("admin@south.example").await;

    let Trial {
        copy,
        form: cform,
        field,
        ..
    } = trial(&s, &isv, &admin, "").await;
    let submit = |name: &str| format!("app_id={copy}&form_id={cform}&values[f{field}]={name}");
    let licence = ok(&s, "/api/licences/app", &format!("app_id={copy}"), &admin).await;
    assert_eq!(licence["state"], "trial");
    ok(&s, "/api/runtime/submit", &submit("Contoso"), &admin).await;
    ok(&s, "/api/runtime/submit", &submit("%3Dcmd"), &admin).await;

    // Three days on (no grace): read-only. Nothing new; everything readable.
    s.t.clock.advance_ms(3 * DAY);
    let licence = ok(&s, "/api/licences/app", &format!("app_id={copy}"), &admin).await;
    assert_eq!(licence["state"], "read_only");
    assert_eq!(licence["allows"]["submit"], false);
    let refused = s
        .call(
            "/api/runtime/submit",
            &submit("Fabrikam"),
            Some(&admin),
            &[],
        )
        .await;
    assert_eq!(
        refused.json()["code"],
        "licence_read_only",
        "{}",
        refused.body
    );
    let list = ok(
        &s,
        "/api/runtime/records",
        &format!("app_id={copy}&form_id={cform}&q=&status="),
        &admin,
    )
    .await;
    assert_eq!(list["rows"].as_array().unwrap().len(), 2);
    let csv_path = format!("/use/{copy}/records.csv?form={cform}");
    let csv = export(&s, Some(&admin), &csv_path).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("fenfa-records.csv"));
    let header_line = csv
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(header_line.contains("\"Customer\""), "{header_line}");
    let lines = rows(&csv);
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines.iter().any(|l| l.contains("\"Contoso\"")));
    // A formula a spreadsheet would run is written as text.
    assert!(
        lines.iter().any(|l| l.contains("\"'=cmd\"")),
        "{}",
        csv.body
    );
    // As a browser asks for it (compressed): the same file, to its end.
    let brotli_csv = {
        let _answering = common::site::ROUTE_LIST.read().await;
        let req = Request::get(&csv_path)
            .header(header::COOKIE, format!("fenfa_session={admin}"))
            .header(header::ACCEPT_ENCODING, "br, gzip")
            .body(Body::empty())
            .unwrap();
        let res = tower::ServiceExt::oneshot(s.router.clone(), req)
            .await
            .unwrap();
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 24)
            .await
            .unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut brotli::Decompressor::new(&bytes[..], 4096), &mut text)
            .unwrap();
        text
    };
    assert_eq!(brotli_csv, csv.body);
    // The list's search narrows the export alike.
    let one = export(&s, Some(&admin), &format!("{csv_path}&q=contoso")).await;
    assert_eq!(rows(&one).len(), 1);

    // The ISV extends by a year: new records at once, the same copy.
    let order = &licence["order_id"];
    ok(
        &s,
        "/api/licences/change",
        &format!(
            "order_id={}&action=extend&months=12&seats=&reason=",
            order.as_str().unwrap()
        ),
        &isv,
    )
    .await;
    ok(&s, "/api/runtime/submit", &submit("Fabrikam"), &admin).await;
    assert_eq!(rows(&export(&s, Some(&admin), &csv_path).await).len(), 3);

    // Not the caller's: refused without a line of the records.
    for (who, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(stranger.as_str()), StatusCode::NOT_FOUND),
    ] {
        let r = export(&s, who, &csv_path).await;
        assert_eq!(r.status, status, "{}", r.body);
        assert!(!r.body.contains("Contoso"));
    }
    // Bad input: a form of no app, a bad status, a bad id.
    for path in [
        format!("/use/{copy}/records.csv?form=nope"),
        format!("/use/{copy}/records.csv?form={cform}&status=whatever"),
        format!("/use/{copy}/records.csv"),
        format!("/use/{}/records.csv?form={cform}", "z".repeat(5000)),
    ] {
        let r = export(&s, Some(&admin), &path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
    }
}

#[tokio::test]
async fn a_renewal_link_bought_by_the_customer_extends_the_same_copy_once() {
    let s = site(false).await;
    let isv = s.session("isv-admin@acme.example").await;
    let admin = s.session("admin@north.example").await;
    let south = s.session("admin@south.example").await;

    // A 2-day trial bought by Northwind, then run out.
    let Trial {
        app, north, copy, ..
    } = trial(&s, &isv, &admin, "3").await;
    s.t.clock.advance_ms(3 * DAY);
    let lapsed = ok(&s, "/api/licences/app", &format!("app_id={copy}"), &admin).await;
    assert_eq!(lapsed["state"], "read_only");
    let order = lapsed["order_id"].as_str().unwrap().to_string();

    // The customer cannot make one; the ISV makes a 12-month renewal link.
    let refused = s
        .call(
            "/api/licences/renewal_link",
            &format!("order_id={order}&months=12"),
            Some(&admin),
            &[],
        )
        .await;
    assert!(refused.status.is_client_error(), "{}", refused.body);
    let renewal = ok(
        &s,
        "/api/licences/renewal_link",
        &format!("order_id={order}&months=12"),
        &isv,
    )
    .await;

    // Southgate cannot use it (it is bound to Northwind).
    let other = ok(
        &s,
        "/api/distribution/link",
        &format!("token={}", token(&renewal)),
        &south,
    )
    .await;
    assert_eq!(other["orgs"].as_array().unwrap().len(), 0);
    assert_eq!(
        other["renews"], "",
        "the order's number is Northwind's to see"
    );

    // Northwind's admin sees what it renews and buys it (twice the same form).
    let page = ok(
        &s,
        "/api/distribution/link",
        &format!("token={}", token(&renewal)),
        &admin,
    )
    .await;
    assert_eq!(page["renews"], lapsed["order_no"]);
    assert_eq!(page["terms"]["term"]["months"], 12);
    for _ in 0..2 {
        let again = ok(
            &s,
            "/api/distribution/buy",
            &format!(
                "token={}&org_id={north}&idempotency_key=r1",
                token(&renewal)
            ),
            &admin,
        )
        .await;
        assert_eq!(
            again["Bought"]["app_id"],
            copy.as_str(),
            "the same copy, no new one"
        );
    }
    let renewed = ok(&s, "/api/licences/app", &format!("app_id={copy}"), &admin).await;
    assert_eq!(renewed["state"], "active");
    assert_eq!(renewed["kind"], "paid");
    assert_eq!(renewed["seats"], 3, "the licence's seats stay");
    let days = renewed["days_left"].as_u64().unwrap();
    assert!(
        (364..=367).contains(&days),
        "a year from today: {days} days"
    );
    // Renewed once: the resent form did not extend again, and the link is used up.
    let (orders,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM distribution_orders WHERE customer_org_id = $1 AND source_app_id = $2",
    )
    .bind(&north)
    .bind(&app)
    .fetch_one(&s.t.db.pool)
    .await
    .unwrap();
    assert_eq!(orders, 1);
    let used = s
        .call(
            "/api/distribution/buy",
            &format!(
                "token={}&org_id={north}&idempotency_key=r2",
                token(&renewal)
            ),
            Some(&admin),
            &[],
        )
        .await;
    assert_eq!(used.json()["code"], "link_invalid", "{}", used.body);
    // Both audit logs say who renewed.
    let (entries,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_entries WHERE action = 'licence.renewed'")
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();
    assert_eq!(entries, 2);
}
