//! Remote maintenance through the whole router: a permission matrix over the
//! maintenance-related server functions, and expiry on a controllable clock.
#![cfg(feature = "ssr")]

mod common;

use app::maintenance::domain::SESSION_MS;
use common::site::{site, Site};
use http::StatusCode;

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    IsvAdmin,
    IsvAppAdmin,
    IsvMember,
    OtherIsv,
    CustomerAdmin,
    CustomerMember,
    OtherOrgAdmin,
    IsvInMaintenance,
}
use Caller::*;

const ALL: [Caller; 9] = [
    Anonymous,
    IsvAdmin,
    IsvAppAdmin,
    IsvMember,
    OtherIsv,
    CustomerAdmin,
    CustomerMember,
    OtherOrgAdmin,
    IsvInMaintenance,
];

/// A purchased app with maintenance open, and a session of every caller.
struct World {
    s: Site,
    order_id: String,
    order_no: String,
    installed: String,
    other_installed: String,
    form_id: String,
    tokens: Vec<(Caller, Option<String>)>,
}

impl World {
    fn token(&self, c: Caller) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(k, _)| *k == c)
            .and_then(|(_, t)| t.as_deref())
    }
    async fn call(&self, c: Caller, path: &str, form: &str) -> common::site::Reply {
        self.s.call(path, form, self.token(c), &[]).await
    }
    async fn fingerprint(&self) -> Vec<(String, String)> {
        let mut f = self.s.t.snapshot().await;
        for (table, cols) in [
            (
                "maintenance_grants",
                "app_id || COALESCE(open_until, 0) || COALESCE(requested_at, 0) || request_note",
            ),
            ("maintenance_sessions", "id || COALESCE(ended_at, 0)"),
        ] {
            let mut r: Vec<(String, String)> =
                sqlx::query_as(&format!("SELECT '{table}', {cols} FROM {table} ORDER BY 2"))
                    .fetch_all(&self.s.t.db.pool)
                    .await
                    .unwrap();
            f.append(&mut r);
        }
        f
    }
}

async fn world() -> World {
    let s = site(false).await;
    let isv = s.session("isv-admin@acme.example").await;
    // A plain member of the ISV (not an app admin), and a second certified ISV.
    s.call(
        "/api/sign_up",
        "email=newdev%40acme.example&display_name=New+Dev&password=fenfa-demo",
        None,
        &[],
    )
    .await;
    let r = s
        .call(
            "/api/add_member",
            "email=newdev%40acme.example&role=member",
            Some(&isv),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let op = s.session("operator@fenfa.example").await;
    let (plain,): (String,) =
        sqlx::query_as("SELECT id FROM organizations WHERE name = 'Plain Studio'")
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();
    s.call(
        "/api/set_certification",
        &format!("org_id={plain}&level=intermediate"),
        Some(&op),
        &[],
    )
    .await;

    // The ISV sells "Customer visits" to Northwind (and to Southgate, for the other-app checks).
    let token = s.create_link(&isv, "客户拜访管理").await;
    let mut installed = Vec::new();
    for (email, org) in [
        ("admin@north.example", "Northwind Trading"),
        ("admin@south.example", "Southgate Logistics"),
    ] {
        let t = s.session(email).await;
        let (org_id,): (String,) = sqlx::query_as("SELECT id FROM organizations WHERE name = $1")
            .bind(org)
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();
        let r = s
            .call(
                "/api/distribution/buy",
                &format!("token={token}&org_id={org_id}&idempotency_key=k-{org_id}"),
                Some(&t),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        installed.push(r.json()["Bought"]["app_id"].as_str().unwrap().to_string());
    }
    let (order_id, order_no): (String, String) =
        sqlx::query_as("SELECT id, order_no FROM distribution_orders WHERE installed_app_id = $1")
            .bind(&installed[0])
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();
    let (form_id,): (String,) =
        sqlx::query_as("SELECT id FROM forms WHERE app_id = $1 ORDER BY position LIMIT 1")
            .bind(&installed[0])
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();

    let mut tokens = vec![(Anonymous, None)];
    for (c, email) in [
        (IsvAdmin, "isv-admin@acme.example"),
        (IsvAppAdmin, "isv-dev@acme.example"),
        (IsvMember, "newdev@acme.example"),
        (OtherIsv, "admin@plain.example"),
        (CustomerAdmin, "admin@north.example"),
        (CustomerMember, "member@north.example"),
        (OtherOrgAdmin, "admin@south.example"),
        (IsvInMaintenance, "isv-admin@acme.example"),
    ] {
        tokens.push((c, Some(s.session(email).await)));
    }
    let w = World {
        s,
        order_id,
        order_no,
        installed: installed[0].clone(),
        other_installed: installed[1].clone(),
        form_id,
        tokens,
    };
    let r = w
        .call(
            IsvInMaintenance,
            "/api/maintenance/start",
            &format!("order_id={}", w.order_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    w
}

/// A text in an answer, and the callers who may find it there.
type Visibility = (fn(&World) -> String, &'static [Caller]);

/// One row of the matrix: a call and the callers it is allowed for.
struct Row {
    name: &'static str,
    path: &'static str,
    form: fn(&World) -> String,
    allowed: &'static [Caller],
    /// For allowed reads that every signed-in user may make: a text that only
    /// the callers in `sees` may find in the answer.
    sees: Option<Visibility>,
}

fn matrix() -> Vec<Row> {
    vec![
        Row {
            name: "start maintenance",
            path: "/api/maintenance/start",
            form: |w| format!("order_id={}", w.order_id),
            allowed: &[IsvAdmin, IsvAppAdmin],
            sees: None,
        },
        Row {
            name: "close access",
            path: "/api/maintenance/close",
            form: |w| format!("app_id={}", w.installed),
            allowed: &[CustomerAdmin],
            sees: None,
        },
        Row {
            name: "request maintenance",
            path: "/api/maintenance/request",
            form: |w| format!("app_id={}&note=please&days=3", w.installed),
            allowed: &[CustomerAdmin],
            sees: None,
        },
        Row {
            name: "read access switch",
            path: "/api/maintenance/access",
            form: |w| format!("app_id={}", w.installed),
            allowed: &[CustomerAdmin, CustomerMember, IsvInMaintenance],
            sees: Some((|_| "open_until".into(), &[CustomerAdmin])),
        },
        Row {
            name: "list orders",
            path: "/api/orders/list",
            form: |_| "q=&access=".into(),
            allowed: &[IsvAdmin, IsvAppAdmin, IsvMember, OtherIsv],
            sees: Some((|w| w.order_no.clone(), &[IsvAdmin, IsvAppAdmin, IsvMember])),
        },
        Row {
            name: "order detail",
            path: "/api/orders/get",
            form: |w| format!("order_id={}", w.order_id),
            allowed: &[IsvAdmin, IsvAppAdmin, IsvMember],
            sees: None,
        },
        Row {
            name: "audit log",
            path: "/api/audit/list",
            form: |_| "providers_only=false".into(),
            allowed: &[IsvAdmin, CustomerAdmin, OtherIsv, OtherOrgAdmin],
            sees: Some((|_| "maintenance.start".into(), &[CustomerAdmin])),
        },
        Row {
            name: "read installed app",
            path: "/api/apps/get",
            form: |w| format!("app_id={}", w.installed),
            allowed: &[CustomerAdmin, CustomerMember, IsvInMaintenance],
            sees: None,
        },
        Row {
            name: "edit installed app",
            path: "/api/apps/rename_form",
            form: |w| format!("app_id={}&form_id={}&name=renamed", w.installed, w.form_id),
            allowed: &[CustomerAdmin, IsvInMaintenance],
            sees: None,
        },
        Row {
            name: "read another app of the customer",
            path: "/api/apps/get",
            form: |w| format!("app_id={}", w.other_installed),
            allowed: &[OtherOrgAdmin],
            sees: None,
        },
        Row {
            name: "list members",
            path: "/api/list_members",
            form: |_| String::new(),
            allowed: &[
                IsvAdmin,
                IsvAppAdmin,
                IsvMember,
                OtherIsv,
                CustomerAdmin,
                CustomerMember,
                OtherOrgAdmin,
            ],
            sees: Some((
                |_| "member@north.example".into(),
                &[CustomerAdmin, CustomerMember],
            )),
        },
        Row {
            name: "create a distribution link",
            path: "/api/distribution/create_link",
            form: |w| {
                format!(
                    "app_id={}&expires_days=1&max_purchases=&bound_org=&note=",
                    w.installed
                )
            },
            allowed: &[],
            sees: None,
        },
    ]
}

#[tokio::test]
async fn maintenance_permission_matrix() {
    for row in matrix() {
        // Refusals change nothing, so one world serves them all...
        let w = world().await;
        for caller in ALL.into_iter().filter(|c| !row.allowed.contains(c)) {
            let before = w.fingerprint().await;
            let r = w.call(caller, row.path, &(row.form)(&w)).await;
            assert!(
                r.status.is_client_error(),
                "{} by {caller:?} should be refused, got {} {}",
                row.name,
                r.status,
                r.body
            );
            assert_eq!(
                w.fingerprint().await,
                before,
                "{} by {caller:?} changed something",
                row.name
            );
        }
        // ...while each allowed call gets a fresh one.
        for &caller in row.allowed {
            let w = world().await;
            let r = w.call(caller, row.path, &(row.form)(&w)).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{} by {caller:?} should pass: {}",
                row.name,
                r.body
            );
            if let Some((text, sees)) = &row.sees {
                assert_eq!(
                    r.body.contains(&text(&w)),
                    sees.contains(&caller),
                    "{} by {caller:?}: data visibility",
                    row.name
                );
            }
        }
    }
}

#[tokio::test]
async fn changes_in_maintenance_record_both_identities() {
    let w = world().await;
    let r = w
        .call(
            IsvInMaintenance,
            "/api/apps/rename_form",
            &format!("app_id={}&form_id={}&name=改过", w.installed, w.form_id),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (actor, acting_as, actor_org, org): (String, String, String, String) = sqlx::query_as(
        "SELECT u.email, e.acting_as, o.name, c.name FROM audit_entries e JOIN users u ON u.id = e.actor_user_id \
         JOIN organizations o ON o.id = e.actor_org_id JOIN organizations c ON c.id = e.org_id WHERE e.action = 'form.rename'",
    )
    .fetch_one(&w.s.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (actor.as_str(), actor_org.as_str(), org.as_str()),
        (
            "isv-admin@acme.example",
            "Acme Software",
            "Northwind Trading"
        )
    );
    assert!(
        acting_as.contains("via remote maintenance of order") && acting_as.contains(&w.order_no),
        "{acting_as}"
    );
    // The customer's admins read it in their audit log, with the diff.
    let log = w
        .call(CustomerAdmin, "/api/audit/list", "providers_only=true")
        .await;
    assert!(
        log.body.contains("改过") && log.body.contains("Acme Software"),
        "{}",
        log.body
    );
}

#[tokio::test]
async fn closing_access_ends_the_session_on_its_next_request() {
    let w = world().await;
    assert_eq!(
        w.call(
            CustomerAdmin,
            "/api/maintenance/close",
            &format!("app_id={}", w.installed)
        )
        .await
        .status,
        StatusCode::OK
    );
    let next = w
        .call(
            IsvInMaintenance,
            "/api/apps/get",
            &format!("app_id={}", w.installed),
        )
        .await;
    assert_eq!(next.status, StatusCode::FORBIDDEN);
    assert_eq!(next.json()["code"], "maintenance_ended");
    // Back in its own organization afterwards.
    let me = w.call(IsvInMaintenance, "/api/me", "").await.json();
    assert_eq!(me["current"]["name"], "Acme Software");
    assert!(me["maintenance"].is_null());
    // The Order Center shows access closed, and maintenance cannot start.
    let orders = w
        .call(IsvAdmin, "/api/orders/list", "q=north&access=closed")
        .await;
    assert!(orders.body.contains(&w.order_no), "{}", orders.body);
    let again = w
        .call(
            IsvAdmin,
            "/api/maintenance/start",
            &format!("order_id={}", w.order_id),
        )
        .await;
    assert_eq!(again.json()["code"], "access_closed");
    // The customer requests maintenance: open again, with the note, for the ISV to see.
    let r = w
        .call(
            CustomerAdmin,
            "/api/maintenance/request",
            &format!("app_id={}&note=请帮忙改流程&days=2", w.installed),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let requested = w
        .call(IsvAdmin, "/api/orders/list", "q=&access=requested")
        .await;
    assert!(
        requested.body.contains("请帮忙改流程"),
        "{}",
        requested.body
    );
    assert_eq!(
        w.call(
            IsvAdmin,
            "/api/maintenance/start",
            &format!("order_id={}", w.order_id)
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sessions_end_after_two_hours_and_access_expires() {
    let w = world().await;
    let get = format!("app_id={}", w.installed);
    w.s.t.clock.advance_ms(SESSION_MS - 60_000);
    assert_eq!(
        w.call(IsvInMaintenance, "/api/apps/get", &get).await.status,
        StatusCode::OK
    );
    w.s.t.clock.advance_ms(60_000);
    let ended = w.call(IsvInMaintenance, "/api/apps/get", &get).await;
    assert_eq!(ended.json()["code"], "maintenance_ended");
    let (reason,): (String,) = sqlx::query_as("SELECT end_reason FROM maintenance_sessions")
        .fetch_one(&w.s.t.db.pool)
        .await
        .unwrap();
    assert_eq!(reason, "timeout");

    // Access ends when its period does: the customer opens it for one day.
    let r = w
        .call(
            CustomerAdmin,
            "/api/maintenance/request",
            &format!("app_id={}&note=&days=1", w.installed),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let isv = w.token(IsvAdmin).unwrap().to_string();
    let r =
        w.s.call(
            "/api/maintenance/start",
            &format!("order_id={}", w.order_id),
            Some(&isv),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    w.s.t.clock.advance_ms(24 * 3600 * 1000);
    let expired = w.s.call("/api/apps/get", &get, Some(&isv), &[]).await;
    assert_eq!(expired.json()["code"], "maintenance_ended");
    let me = w.s.call("/api/me", "", Some(&isv), &[]).await.json();
    assert_eq!(me["maintenance_ended"], "access_expired");
    let refused =
        w.s.call(
            "/api/maintenance/start",
            &format!("order_id={}", w.order_id),
            Some(&isv),
            &[],
        )
        .await;
    assert_eq!(refused.json()["code"], "access_closed");
}

#[tokio::test]
async fn in_maintenance_only_that_app_exists() {
    let w = world().await;
    // Northwind's own other apps are invisible; so are members and orders.
    let (plain_app,): (String,) = sqlx::query_as(
        "INSERT INTO apps (id, org_id, name, icon, description, origin, version, created_at, updated_at, updated_by) \
         SELECT 'n0t1nstalled00000000000000000000', id, 'North own', 'chart', '', 'own', 1, 0, 0, 'x' FROM organizations WHERE name = 'Northwind Trading' \
         RETURNING id",
    )
    .fetch_one(&w.s.t.db.pool)
    .await
    .unwrap();
    let other = w
        .call(
            IsvInMaintenance,
            "/api/apps/get",
            &format!("app_id={plain_app}"),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let list = w.call(IsvInMaintenance, "/api/apps/list", "").await;
    assert!(
        list.body.contains(&w.installed) && !list.body.contains(&plain_app),
        "{}",
        list.body
    );
    assert_eq!(
        w.call(IsvInMaintenance, "/api/list_members", "")
            .await
            .json()["code"],
        "not_during_maintenance"
    );
    assert_eq!(
        w.call(IsvInMaintenance, "/api/orders/list", "q=&access=")
            .await
            .json()["code"],
        "not_during_maintenance"
    );
    // Exit: back home.
    assert_eq!(
        w.call(IsvInMaintenance, "/api/maintenance/exit", "")
            .await
            .status,
        StatusCode::OK
    );
    let me = w.call(IsvInMaintenance, "/api/me", "").await.json();
    assert_eq!(me["current"]["name"], "Acme Software");
}
