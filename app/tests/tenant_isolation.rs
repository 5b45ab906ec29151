//! Tenant isolation: two look-alike ISVs (Acme and Plain Studio, each with an
//! app with every kind of part, a link, an order, a plain member and audit
//! entries) and two customers (Northwind and Southgate, each with an
//! installed copy). A property test calls every id-taking server function as
//! one side with ids of the other side mixed in: always a "does not exist for
//! you" refusal, never the other side's data, never a change.
#![cfg(feature = "ssr")]

mod common;

use common::world::{world, Caller, Caller::*, World};
use proptest::prelude::*;

/// Id-taking calls; `{key}` names an id of the caller's side.
const ROWS: &[(&str, &str)] = &[
    ("/api/apps/get", "app_id={app}"),
    (
        "/api/apps/update",
        "app_id={app}&name=X&icon=chart&description=",
    ),
    ("/api/apps/delete", "app_id={app}"),
    ("/api/apps/add_admin", "app_id={app}&user_id={member}"),
    ("/api/apps/remove_admin", "app_id={app}&user_id={member}"),
    ("/api/apps/add_form", "app_id={app}&name=N&kind=plain"),
    (
        "/api/apps/rename_form",
        "app_id={app}&form_id={form}&name=R",
    ),
    (
        "/api/apps/move_form",
        "app_id={app}&form_id={form}&direction=up",
    ),
    ("/api/apps/delete_form", "app_id={app}&form_id={form}"),
    (
        "/api/apps/add_field",
        "app_id={app}&form_id={form}&label=L&field_type=text&required=no&options=",
    ),
    (
        "/api/apps/update_field",
        "app_id={app}&field_id={field}&label=L&field_type=text&required=no&options=",
    ),
    (
        "/api/apps/move_field",
        "app_id={app}&field_id={field}&direction=up",
    ),
    ("/api/apps/delete_field", "app_id={app}&field_id={field}"),
    ("/api/apps/add_step", "app_id={app}&form_id={form}&name=S"),
    (
        "/api/apps/rename_step",
        "app_id={app}&step_id={step}&name=R",
    ),
    (
        "/api/apps/move_step",
        "app_id={app}&step_id={step}&direction=up",
    ),
    ("/api/apps/delete_step", "app_id={app}&step_id={step}"),
    (
        "/api/apps/add_approver",
        "app_id={app}&step_id={step}&user_id={member}",
    ),
    (
        "/api/apps/remove_approver",
        "app_id={app}&step_id={step}&user_id={member}",
    ),
    (
        "/api/apps/add_template",
        "app_id={app}&form_id={form}&trigger=approved&message=M",
    ),
    (
        "/api/apps/update_template",
        "app_id={app}&template_id={template}&trigger=approved&message=M",
    ),
    (
        "/api/apps/delete_template",
        "app_id={app}&template_id={template}",
    ),
    (
        "/api/apps/add_recipient",
        "app_id={app}&template_id={template}&recipient=user:{member}",
    ),
    (
        "/api/apps/remove_recipient",
        "app_id={app}&template_id={template}&recipient=submitter",
    ),
    (
        "/api/apps/add_service",
        "app_id={app}&name=N&endpoint=https%3A%2F%2Fx.example&credential=",
    ),
    (
        "/api/apps/update_service",
        "app_id={app}&service_id={service}&name=N&endpoint=https%3A%2F%2Fx.example",
    ),
    (
        "/api/apps/set_credential",
        "app_id={app}&service_id={service}&credential=c",
    ),
    (
        "/api/apps/delete_service",
        "app_id={app}&service_id={service}",
    ),
    ("/api/distribution/dialog", "app_id={app}"),
    (
        "/api/distribution/create_link",
        "app_id={app}&expires_days=30&max_purchases=&bound_org=&note=",
    ),
    (
        "/api/distribution/create_link",
        "app_id={app}&expires_days=30&max_purchases=&bound_org=&note=&version_id={version}",
    ),
    ("/api/distribution/revoke_link", "link_id={link}"),
    ("/api/versions/view", "app_id={app}"),
    (
        "/api/upgrades/offer",
        "app_id={app}&version_id={version}&scope=all&orders=",
    ),
    (
        "/api/versions/publish",
        "app_id={app}&version=9.0.0&notes=n",
    ),
    ("/api/orders/get", "order_id={order}"),
    (
        "/api/runtime/submit",
        "app_id={app}&form_id={form}&values[x]=y",
    ),
    (
        "/api/runtime/records",
        "app_id={app}&form_id={form}&q=&status=",
    ),
    ("/api/runtime/record", "record_id={record}"),
    (
        "/api/runtime/decide",
        "record_id={record}&decision=approve&comment=",
    ),
    ("/api/runtime/read", "message_id={message}"),
    (
        "/api/apps/add_service_call",
        "app_id={app}&service_id={service}&form_id={form}&trigger=rejected",
    ),
    (
        "/api/apps/remove_service_call",
        "app_id={app}&service_id={service}&form_id={form}&trigger=submitted",
    ),
    ("/api/runtime/deliveries", "app_id={app}"),
    ("/api/apps/set_use_by", "app_id={app}&use_by=chosen"),
    ("/api/apps/add_user", "app_id={app}&user_id={member}"),
    ("/api/apps/remove_user", "app_id={app}&user_id={member}"),
    ("/api/runtime/retry", "app_id={app}&delivery_id={delivery}"),
    ("/api/maintenance/start", "order_id={order}"),
    ("/api/changes/order", "order_id={order}"),
    (
        "/api/changes/take_home",
        "order_id={order}&set_id={order_set}",
    ),
    ("/api/licences/app", "app_id={app}"),
    ("/api/licences/order", "order_id={order}"),
    (
        "/api/licences/change",
        "order_id={order}&action=seats&months=&seats=50&reason=",
    ),
    ("/api/licences/renewal_link", "order_id={order}&months=12"),
    ("/api/change_role", "user_id={member}&role=admin"),
    ("/api/remove_member", "user_id={member}"),
    ("/api/switch_org", "org_id={org}"),
];

/// Customer-side calls on installed copies.
const CUSTOMER_ROWS: &[(&str, &str)] = &[
    ("/api/apps/get", "app_id={installed}"),
    (
        "/api/apps/rename_form",
        "app_id={installed}&form_id={installed_form}&name=R",
    ),
    ("/api/maintenance/close", "app_id={installed}"),
    (
        "/api/maintenance/request",
        "app_id={installed}&note=n&days=3",
    ),
    ("/api/maintenance/access", "app_id={installed}"),
    (
        "/api/maintenance/data_access",
        "app_id={installed}&allow=yes",
    ),
    ("/api/withdraw_invitation", "invitation_id={invitation}"),
    // A copy with a maintenance change set, and that set.
    ("/api/changes/list", "app_id={changed_copy}"),
    (
        "/api/changes/view",
        "app_id={changed_copy}&set_id={change_set}",
    ),
    (
        "/api/changes/revert",
        "app_id={changed_copy}&set_id={change_set}&only=&restore=&with_dependents=no",
    ),
    (
        "/api/changes/reviewed",
        "app_id={changed_copy}&set_id={change_set}",
    ),
    ("/api/upgrades/card", "app_id={installed}"),
    (
        "/api/upgrades/preview",
        "app_id={installed}&upgrade_id={upgrade}",
    ),
    (
        "/api/upgrades/run",
        "app_id={installed}&upgrade_id={upgrade}&step=apply&basis={=basis}",
    ),
    (
        "/api/upgrades/decline",
        "app_id={installed}&upgrade_id={upgrade}",
    ),
    // `{=key}`: always the caller's own value (a link both customers hold).
    (
        "/api/distribution/buy",
        "token={=token}&org_id={customer_org}&idempotency_key=iso-1",
    ),
    (
        "/api/distribution/ask_admin",
        "token={=token}&org_id={customer_org}",
    ),
    (
        "/api/distribution/buy_request",
        "request_id={request}&idempotency_key=iso-2",
    ),
    ("/api/distribution/dismiss_request", "request_id={request}"),
    ("/api/switch_org", "org_id={customer_org}"),
    // A copy's licence, and the licence of the order it was bought with
    // (the order's is the ISV's to read and change).
    ("/api/licences/app", "app_id={installed}"),
    ("/api/licences/order", "order_id={bought_order}"),
    (
        "/api/licences/change",
        "order_id={bought_order}&action=suspend&months=&seats=&reason=r",
    ),
    (
        "/api/licences/renewal_link",
        "order_id={bought_order}&months=12",
    ),
];

type Rows = &'static [(&'static str, &'static str)];

/// The refusals that mean "no such thing for you".
const NOT_YOURS: &[&str] = &["not_found", "not_org_user"];

/// One side: its caller, its ids by generic key, and texts only it may see.
struct Side {
    caller: Caller,
    ids: Vec<(&'static str, String)>,
    secrets: Vec<String>,
}

fn sides(w: &World) -> [Side; 4] {
    let ids = |pairs: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        pairs
            .iter()
            .map(|(k, v)| (*k, w.id(v).to_string()))
            .collect()
    };
    let acme = Side {
        caller: IsvAdmin,
        ids: ids(&[
            ("app", "app"),
            ("form", "form"),
            ("field", "field"),
            ("step", "step"),
            ("template", "template"),
            ("service", "service"),
            ("link", "link"),
            ("order", "order"),
            ("member", "newdev"),
            ("org", "acme"),
            ("record", "record"),
            ("message", "message"),
            ("delivery", "delivery"),
            ("version", "version"),
            ("order_set", "change_set"),
        ]),
        secrets: vec![
            "世界客户".into(),
            "crm.acme.example".into(),
            w.id("order_no").into(),
            "Acme Software".into(),
        ],
    };
    let plain = Side {
        caller: OtherIsv,
        ids: ids(&[
            ("app", "plain_app"),
            ("form", "plain_form"),
            ("field", "plain_field"),
            ("step", "plain_step"),
            ("template", "plain_template"),
            ("service", "plain_service"),
            ("link", "plain_link"),
            ("order", "plain_order"),
            ("member", "plain_newdev"),
            ("org", "plain"),
            ("record", "plain_record"),
            ("message", "plain_message"),
            ("delivery", "plain_delivery"),
            ("version", "plain_version"),
            ("order_set", "plain_change_set"),
        ]),
        secrets: vec![
            "Plain customer".into(),
            "crm.plain.example".into(),
            w.id("plain_order_no").into(),
            "Plain Studio".into(),
        ],
    };
    let north = Side {
        caller: CustomerAdmin,
        ids: ids(&[
            ("installed", "installed"),
            ("installed_form", "installed_form"),
            ("invitation", "invitation"),
            ("customer_org", "north"),
            ("request", "request"),
            ("token", "token2"),
            ("upgrade", "upgrade"),
            ("basis", "basis"),
            ("changed_copy", "installed"),
            ("change_set", "change_set"),
            ("bought_order", "order"),
        ]),
        secrets: vec![
            "Northwind Trading".into(),
            "Fixed in maintenance".into(),
            w.id("order_no").into(),
        ],
    };
    let south = Side {
        caller: OtherOrgAdmin,
        ids: ids(&[
            ("installed", "other_installed"),
            ("installed_form", "other_installed_form"),
            ("invitation", "other_invitation"),
            ("customer_org", "south"),
            ("request", "other_request"),
            ("token", "token2"),
            ("upgrade", "other_upgrade"),
            ("basis", "other_basis"),
            // Southgate's copy of Plain's app, which Plain maintained.
            ("changed_copy", "plain_installed"),
            ("change_set", "plain_change_set"),
            // Its order of Acme's app (the same ISV as Northwind's).
            ("bought_order", "other_order"),
        ]),
        secrets: vec![
            "Southgate Logistics".into(),
            "Visit checked".into(),
            w.id("other_order_no").into(),
        ],
    };
    [acme, plain, north, south]
}

/// `template` with each `{key}` filled from `own`, or from `other` where
/// `foreign` says so (by key order); `None` if no foreign id went in.
fn fill(template: &str, own: &Side, other: &Side, foreign: &[bool]) -> Option<String> {
    let mut out = template.to_string();
    for (key, id) in &own.ids {
        out = out.replace(&format!("{{={key}}}"), id);
    }
    let mut used_foreign = false;
    for (n, (key, id)) in own.ids.iter().enumerate() {
        let slot = format!("{{{key}}}");
        if !out.contains(&slot) {
            continue;
        }
        let value = if foreign[n % foreign.len()] {
            used_foreign = true;
            &other.ids.iter().find(|(k, _)| k == key).unwrap().1
        } else {
            id
        };
        out = out.replace(&slot, value);
    }
    used_foreign.then_some(out)
}

#[test]
fn ids_of_another_tenant_are_never_found_never_shown_never_changed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(world());
    let i = rt.block_on(w.instance());
    let sides = sides(&w);
    let before = rt.block_on(i.fingerprint());
    // Pairs of look-alikes: each side acts with the other's ids.
    let pairs: [(usize, usize, Rows); 4] = [
        (0, 1, ROWS),
        (1, 0, ROWS),
        (2, 3, CUSTOMER_ROWS),
        (3, 2, CUSTOMER_ROWS),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 400,
        ..ProptestConfig::default()
    });
    let strategy = (
        0..pairs.len(),
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<bool>(), 10),
    );
    runner
        .run(&strategy, |(p, row, foreign)| {
            let (me, them, rows) = pairs[p];
            let (path, template) = rows[row.index(rows.len())];
            let (own, other) = (&sides[me], &sides[them]);
            let Some(form) = fill(template, own, other, &foreign) else {
                return Ok(());
            };
            let r = rt.block_on(i.call(own.caller, path, &form));
            let code = r.json()["code"].as_str().unwrap_or("").to_string();
            prop_assert!(
                r.status.is_client_error() && NOT_YOURS.contains(&code.as_str()),
                "{:?} {} [{}]: {} {}",
                own.caller,
                path,
                form,
                r.status,
                r.body
            );
            for secret in &other.secrets {
                prop_assert!(!r.body.contains(secret.as_str()), "{path} showed {secret}");
            }
            Ok(())
        })
        .unwrap();
    // Nothing anywhere changed.
    assert_eq!(rt.block_on(i.fingerprint()), before);
    // And each side's own lists never show the other's data.
    for (me, them) in [(0, 1), (1, 0), (2, 3), (3, 2)] {
        for path in [
            "/api/apps/list",
            "/api/orders/list",
            "/api/audit/list",
            "/api/list_members",
            "/api/runtime/todo",
            "/api/runtime/messages",
        ] {
            let form = match path {
                "/api/orders/list" => "q=&access=",
                "/api/audit/list" => "providers_only=false",
                _ => "",
            };
            let r = rt.block_on(i.call(sides[me].caller, path, form));
            for secret in &sides[them].secrets {
                assert!(
                    !r.body.contains(secret.as_str()),
                    "{:?} {path} showed {secret}",
                    sides[me].caller
                );
            }
        }
    }
}

/// Every server function that takes an id (from the registry) is called
/// here with the other side's ids, unless it is a platform operator's, whose
/// work spans organizations (the permission matrix covers who may call it).
#[test]
fn every_id_taking_server_function_is_covered() {
    let missing: Vec<&str> = app::session::endpoints()
        .into_iter()
        .filter(|e| e.caller != "operator" && e.args.iter().any(|a| a.ends_with("_id")))
        .filter(|e| !ROWS.iter().chain(CUSTOMER_ROWS).any(|(p, _)| *p == e.path))
        .map(|e| e.path)
        .collect();
    assert!(
        missing.is_empty(),
        "id-taking functions missing here: {missing:?}"
    );
}

/// Each side's change-set calls on its own copy with the other side's set
/// (the case the property test draws least often): never found, whatever
/// state the caller's own copy is in (Northwind's has a provider in it).
#[tokio::test]
async fn a_change_set_of_another_tenant_is_not_found_on_ones_own_copy() {
    let w = world().await;
    let i = w.instance().await;
    let sides = sides(&w);
    let before = i.fingerprint().await;
    for (me, them) in [(2, 3), (3, 2)] {
        let (own, other) = (&sides[me], &sides[them]);
        let id = |s: &Side, k: &str| s.ids.iter().find(|(x, _)| *x == k).unwrap().1.clone();
        let (copy, set) = (id(own, "changed_copy"), id(other, "change_set"));
        for (path, extra) in [
            ("/api/changes/view", ""),
            ("/api/changes/reviewed", ""),
            ("/api/changes/revert", "&only=&restore=&with_dependents=no"),
        ] {
            let r = i
                .call(
                    own.caller,
                    path,
                    &format!("app_id={copy}&set_id={set}{extra}"),
                )
                .await;
            assert_eq!(
                r.json()["code"],
                "not_found",
                "{:?} {path}: {} {}",
                own.caller,
                r.status,
                r.body
            );
        }
    }
    assert_eq!(i.fingerprint().await, before);
}
