//! The permission matrix: every server function and every HTTP route of the
//! server, with who may use it, as one table. Each refused call is a 4xx that
//! changes nothing; each allowed call succeeds on its own copy of the world;
//! reads show their data only to whom they should. A second test fails when
//! the server registers a route the table does not list.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use common::world::{world, Caller, Caller::*, Instance, World, ALL};
use http::{header, Request, StatusCode};
use std::collections::BTreeSet;

/// One row: a call (POST to a server function, or GET of a route), who may
/// make it, and optionally a text only some callers may find in the answer.
struct Row {
    get: bool,
    path: &'static str,
    form: &'static str,
    allowed: &'static [Caller],
    sees: Option<(&'static str, &'static [Caller])>,
}

const fn post(path: &'static str, form: &'static str, allowed: &'static [Caller]) -> Row {
    Row {
        get: false,
        path,
        form,
        allowed,
        sees: None,
    }
}

/// A GET route: every caller gets an answer below 500 and nothing changes;
/// `secret` appears only for `seen_by`.
const fn page(path: &'static str, secret: Option<(&'static str, &'static [Caller])>) -> Row {
    Row {
        get: true,
        path,
        form: "",
        allowed: &ALL,
        sees: secret,
    }
}

impl Row {
    const fn seeing(mut self, text: &'static str, who: &'static [Caller]) -> Row {
        self.sees = Some((text, who));
        self
    }
}

// Slices of `ALL`, which lists Anonymous first, then the operator, the
// organization users, and the ISV user in maintenance last.
const SIGNED_IN: &[Caller] = ALL.split_at(1).1;
/// Signed in and not in remote maintenance (acting as themselves).
const SELF: &[Caller] = ALL.split_at(1).1.split_at(8).0;
const IN_AN_ORG: &[Caller] = ALL.split_at(2).1.split_at(7).0;
/// Organization users, and the ISV user acting in the customer's organization.
const ACTING_IN_AN_ORG: &[Caller] = ALL.split_at(2).1;
const ORG_ADMINS: &[Caller] = &[IsvAdmin, OtherIsv, CustomerAdmin, OtherOrgAdmin];
/// Who may change the ISV's app: its organization's admins and its app admins.
const APP_EDITORS: &[Caller] = &[IsvAdmin, IsvAppAdmin];
const ACME_USERS: &[Caller] = &[IsvAdmin, IsvAppAdmin, IsvMember];

fn matrix() -> Vec<Row> {
    vec![
        // Accounts
        post("/api/me", "", &ALL),
        post(
            "/api/sign_up",
            "email=fresh%40new.example&display_name=Fresh&password=fenfa-demo",
            &ALL,
        ),
        post(
            "/api/sign_in",
            "email=admin%40plain.example&password=fenfa-demo",
            &ALL,
        ),
        post("/api/sign_out", "", &ALL),
        post(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=another-secret",
            SELF,
        ),
        post(
            "/api/switch_org",
            "org_id={north}",
            &[CustomerAdmin, CustomerMember],
        ),
        post("/api/create_org", "name=New+Org&time_zone=Asia%2FTokyo", SELF),
        post("/api/set_time_zone", "time_zone=Asia%2FTokyo", ORG_ADMINS),
        post("/api/list_members", "", IN_AN_ORG)
            .seeing("member@north.example", &[CustomerAdmin, CustomerMember]),
        post(
            "/api/invite_member",
            "email=operator%40fenfa.example&role=member",
            ORG_ADMINS,
        ),
        post("/api/list_invitations", "", ORG_ADMINS)
            .seeing("pending@north.example", &[CustomerAdmin]),
        post(
            "/api/withdraw_invitation",
            "invitation_id={invitation}",
            &[CustomerAdmin],
        ),
        post("/api/invitation", "token={invitation_token}", &ALL),
        // Only the invited address may accept; no caller here has it.
        post("/api/accept_invitation", "token={invitation_token}", &[]),
        post("/api/verify_email", "token=00ff", &[]),
        post("/api/resend_verification", "", SELF),
        post(
            "/api/change_role",
            "user_id={member_north}&role=admin",
            &[CustomerAdmin],
        ),
        post(
            "/api/remove_member",
            "user_id={member_north}",
            &[CustomerAdmin],
        ),
        post("/api/operator_orgs", "", &[Operator]),
        post(
            "/api/set_certification",
            "org_id={north}&level=basic",
            &[Operator],
        ),
        post("/api/set_language", "lang=en", &ALL),
        // Apps: the ISV's own app
        post("/api/apps/list", "", ACTING_IN_AN_ORG).seeing("{app}", ACME_USERS),
        post("/api/apps/get", "app_id={app}", ACME_USERS),
        post(
            "/api/apps/create",
            "name=New+app&icon=chart&description=",
            ORG_ADMINS,
        ),
        post(
            "/api/apps/update",
            "app_id={app}&name=Renamed&icon=chart&description=x",
            APP_EDITORS,
        ),
        post("/api/apps/delete", "app_id={app}", APP_EDITORS),
        post(
            "/api/apps/add_admin",
            "app_id={app}&user_id={newdev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_admin",
            "app_id={app}&user_id={isv_dev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_form",
            "app_id={app}&name=New&kind=plain",
            APP_EDITORS,
        ),
        post(
            "/api/apps/rename_form",
            "app_id={app}&form_id={form}&name=Renamed",
            APP_EDITORS,
        ),
        post(
            "/api/apps/move_form",
            "app_id={app}&form_id={form}&direction=down",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_form",
            "app_id={app}&form_id={form}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_field",
            "app_id={app}&form_id={form}&label=New&field_type=text&required=no&options=",
            APP_EDITORS,
        ),
        post(
            "/api/apps/update_field",
            "app_id={app}&field_id={field}&label=Changed&field_type=text&required=no&options=",
            APP_EDITORS,
        ),
        post(
            "/api/apps/move_field",
            "app_id={app}&field_id={field}&direction=down",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_field",
            "app_id={app}&field_id={field}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_step",
            "app_id={app}&form_id={form}&name=Check",
            APP_EDITORS,
        ),
        post(
            "/api/apps/move_step",
            "app_id={app}&step_id={step}&direction=down",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_step",
            "app_id={app}&step_id={step}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_approver",
            "app_id={app}&step_id={step}&user_id={newdev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_approver",
            "app_id={app}&step_id={step}&user_id={isv_admin}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_template",
            "app_id={app}&form_id={form}&trigger=approved&message=Done",
            APP_EDITORS,
        ),
        post(
            "/api/apps/update_template",
            "app_id={app}&template_id={template}&trigger=approved&message=Changed",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_template",
            "app_id={app}&template_id={template}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_recipient",
            "app_id={app}&template_id={template}&recipient=user:{newdev}",
            APP_EDITORS,
        ),
        post(
            "/api/apps/remove_recipient",
            "app_id={app}&template_id={template}&recipient=submitter",
            APP_EDITORS,
        ),
        post(
            "/api/apps/add_service",
            "app_id={app}&name=ERP&endpoint=https%3A%2F%2Ferp.example&credential=",
            APP_EDITORS,
        ),
        post(
            "/api/apps/update_service",
            "app_id={app}&service_id={service}&name=ERP&endpoint=https%3A%2F%2Ferp.example",
            APP_EDITORS,
        ),
        post(
            "/api/apps/set_credential",
            "app_id={app}&service_id={service}&credential=new-secret",
            APP_EDITORS,
        ),
        post(
            "/api/apps/delete_service",
            "app_id={app}&service_id={service}",
            APP_EDITORS,
        ),
        // Apps: the customer's installed copies
        post(
            "/api/apps/get",
            "app_id={installed}",
            &[CustomerAdmin, CustomerMember, IsvInMaintenance],
        ),
        post(
            "/api/apps/rename_form",
            "app_id={installed}&form_id={installed_form}&name=Renamed",
            &[CustomerAdmin, IsvInMaintenance],
        ),
        post(
            "/api/apps/get",
            "app_id={other_installed}",
            &[OtherOrgAdmin],
        ),
        // Maintenance fixes the app; what the customer owns stays the customer's.
        post(
            "/api/apps/update_service",
            "app_id={installed}&service_id={installed_service}&name=ERP&endpoint=https%3A%2F%2Ferp.example",
            &[CustomerAdmin, IsvInMaintenance],
        ),
        post("/api/apps/delete", "app_id={installed}", &[CustomerAdmin]),
        post(
            "/api/apps/add_admin",
            "app_id={installed}&user_id={member_north}",
            &[CustomerAdmin],
        ),
        // Distribution
        post("/api/distribution/dialog", "app_id={app}", APP_EDITORS),
        post(
            "/api/distribution/create_link",
            "app_id={app}&expires_days=30&max_purchases=&bound_org=&note=",
            APP_EDITORS,
        ),
        post(
            "/api/distribution/create_link",
            "app_id={installed}&expires_days=30&max_purchases=&bound_org=&note=",
            &[],
        ),
        post(
            "/api/distribution/revoke_link",
            "link_id={link}",
            APP_EDITORS,
        ),
        post("/api/distribution/link", "token={token}", &ALL),
        post(
            "/api/distribution/buy",
            "token={token2}&org_id={north}&idempotency_key=m1",
            &[CustomerAdmin],
        ),
        post(
            "/api/distribution/ask_admin",
            "token={token2}&org_id={north}",
            &[CustomerAdmin, CustomerMember],
        ),
        post("/api/distribution/requests", "", ORG_ADMINS).seeing("{request}", &[CustomerAdmin]),
        post(
            "/api/distribution/buy_request",
            "request_id={request}&idempotency_key=m2",
            &[CustomerAdmin],
        ),
        post(
            "/api/distribution/dismiss_request",
            "request_id={request}",
            &[CustomerAdmin],
        ),
        // Order Center
        post(
            "/api/orders/list",
            "q=&access=",
            &[IsvAdmin, IsvAppAdmin, IsvMember, OtherIsv],
        )
        .seeing("{order_no}", ACME_USERS),
        post("/api/orders/get", "order_id={order}", ACME_USERS),
        // Remote maintenance
        post("/api/maintenance/start", "order_id={order}", APP_EDITORS),
        post("/api/maintenance/exit", "", SIGNED_IN),
        post(
            "/api/maintenance/close",
            "app_id={installed}",
            &[CustomerAdmin],
        ),
        post(
            "/api/maintenance/request",
            "app_id={installed}&note=please&days=3",
            &[CustomerAdmin],
        ),
        post(
            "/api/maintenance/access",
            "app_id={installed}",
            &[CustomerAdmin, CustomerMember, IsvInMaintenance],
        )
        .seeing("open_until", &[CustomerAdmin]),
        // Audit
        post("/api/audit/list", "providers_only=false", ORG_ADMINS)
            .seeing("maintenance.start", &[CustomerAdmin]),
        // Pages and plain routes (GET)
        page("/healthz", Some(("ok", &ALL))),
        page("/ping", Some(("\"ok\":true", &ALL))),
        page("/", Some(("/apps/{app}", ACME_USERS))),
        page("/sign-in", None),
        page("/sign-up", None),
        page("/orgs/new", None),
        page("/account", None),
        page(
            "/members",
            Some(("member@north.example", &[CustomerAdmin, CustomerMember])),
        ),
        // The operator's list names every organization; Plain Studio's own
        // admin sees its id in the organization switcher.
        page("/operator", Some(("{south}", &[Operator, OtherOrgAdmin]))),
        page("/apps/{app}", Some(("{step}", ACME_USERS))),
        page("/apps/{app}/distribute", Some(("{link}", APP_EDITORS))),
        page("/l/{token}", Some(("客户拜访管理", &ALL))),
        page("/invitations/{invitation_token}", Some(("pending@north.example", &ALL))),
        page("/verify-email", None),
        // The maintenance banner names the order being maintained, so the
        // list is checked with another order's number.
        page("/orders", Some(("{other_order_no}", ACME_USERS))),
        page(
            "/orders/{order}",
            Some((
                "{order_no}",
                &[IsvAdmin, IsvAppAdmin, IsvMember, IsvInMaintenance],
            )),
        ),
        page("/orders.csv", Some(("{other_order_no}", ACME_USERS))),
        page("/audit", Some(("maintenance.start", &[CustomerAdmin]))),
    ]
}

type Fingerprint = Vec<(String, String)>;

/// Fails with just the rows that differ.
fn unchanged(before: &Fingerprint, after: &Fingerprint, name: &str, c: Caller) {
    if before != after {
        let gone: Vec<_> = before.iter().filter(|r| !after.contains(r)).collect();
        let new: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
        panic!("{name} by {c:?} changed something: before {gone:?}, after {new:?}");
    }
}

/// Opening a link page counts a view: the one write a GET makes, and not one
/// a user can be tricked into harmfully (it only feeds the ISV's statistics).
fn without_views(f: Fingerprint) -> Fingerprint {
    f.into_iter()
        .filter(|(table, _)| table != "distribution_links")
        .collect()
}

async fn get(i: &Instance<'_>, c: Caller, path: &str) -> common::site::Reply {
    let mut b = Request::get(path)
        .header(header::HOST, "localhost:3000")
        .header(header::ACCEPT, "text/html");
    if let Some(t) = i.w.token(c) {
        b = b.header(header::COOKIE, format!("fenfa_session={t}"));
    }
    i.s.send(b.body(Body::empty()).unwrap()).await
}

fn label(row: &Row, w: &World) -> String {
    format!(
        "{} {} [{}]",
        if row.get { "GET" } else { "POST" },
        row.path,
        w.fill(row.form)
    )
}

#[test]
fn the_caller_groups_are_what_their_names_say() {
    assert!(!SIGNED_IN.contains(&Anonymous) && SIGNED_IN.len() == ALL.len() - 1);
    assert_eq!(SELF, &SIGNED_IN[..SIGNED_IN.len() - 1]);
    assert!(!SELF.contains(&IsvInMaintenance) && SELF.contains(&Operator));
    assert!(!IN_AN_ORG.contains(&Operator) && IN_AN_ORG.len() == 7);
    assert!(IN_AN_ORG.contains(&IsvAdmin) && IN_AN_ORG.contains(&OtherOrgAdmin));
    assert_eq!(&ACTING_IN_AN_ORG[..7], IN_AN_ORG);
    assert_eq!(ACTING_IN_AN_ORG.last(), Some(&IsvInMaintenance));
}

#[tokio::test]
async fn every_call_by_every_caller_matches_the_matrix() {
    let w = world().await;
    // Refusals and reads change nothing, so one copy serves them all.
    let shared = w.instance().await;
    for row in matrix() {
        let name = label(&row, &w);
        let path = w.fill(row.path);
        let form = w.fill(row.form);
        if row.get {
            for c in ALL {
                let before = without_views(shared.fingerprint().await);
                let r = get(&shared, c, &path).await;
                assert!(r.status.as_u16() < 500, "{name} by {c:?}: {}", r.status);
                unchanged(
                    &before,
                    &without_views(shared.fingerprint().await),
                    &name,
                    c,
                );
                if let Some((text, seen_by)) = row.sees {
                    assert_eq!(
                        r.body.contains(&w.fill(text)),
                        seen_by.contains(&c),
                        "{name} by {c:?}: who sees {text}"
                    );
                }
            }
            continue;
        }
        for c in ALL.into_iter().filter(|c| !row.allowed.contains(c)) {
            let before = shared.fingerprint().await;
            let r = shared.call(c, &path, &form).await;
            assert!(
                r.status.is_client_error(),
                "{name} by {c:?} should be refused, got {} {}",
                r.status,
                r.body
            );
            let code = r.json()["code"].as_str().unwrap_or("").to_string();
            assert!(
                !code.is_empty(),
                "{name} by {c:?}: no error code: {}",
                r.body
            );
            unchanged(&before, &shared.fingerprint().await, &name, c);
        }
        // Each allowed call acts on its own copy.
        for &c in row.allowed {
            let i = w.instance().await;
            let r = i.call(c, &path, &form).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{name} by {c:?} should pass: {}",
                r.body
            );
            if let Some((text, seen_by)) = row.sees {
                assert_eq!(
                    r.body.contains(&w.fill(text)),
                    seen_by.contains(&c),
                    "{name} by {c:?}: who sees {text}"
                );
            }
            i.s.t.discard().await;
        }
    }
}

/// The routes the server registers, as the matrix writes them.
fn registered_routes() -> BTreeSet<String> {
    let mut routes = BTreeSet::new();
    for (path, _method) in leptos::server_fn::axum::server_fn_paths() {
        routes.insert(format!("POST {path}"));
    }
    for r in leptos_axum::generate_route_list(app::App) {
        routes.insert(format!("GET {}", r.path()));
    }
    for path in app::http::PLAIN_ROUTES {
        routes.insert(format!("GET {path}"));
    }
    routes
}

#[tokio::test]
async fn every_registered_route_is_in_the_matrix() {
    let listed: BTreeSet<String> = matrix()
        .iter()
        .map(|r| {
            // Matrix paths name ids as {key}; the router as :key / {key}.
            let path = r
                .path
                .split('/')
                .map(|seg| match seg {
                    "{app}" => "{id}",
                    "{order}" => "{id}",
                    "{token}" | "{invitation_token}" => "{token}",
                    s => s,
                })
                .collect::<Vec<_>>()
                .join("/");
            format!("{} {path}", if r.get { "GET" } else { "POST" })
        })
        .collect();
    let registered = registered_routes();
    let missing: Vec<&String> = registered.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the permission matrix: {missing:?}"
    );
    let stale: Vec<&String> = listed.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes the server lacks: {stale:?}"
    );
}
