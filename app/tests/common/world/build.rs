//! Builds the demo world through the web API (see `super`).

use super::super::site::{site, Reply, Site};
use super::{Caller::*, World};
use http::StatusCode;
use std::collections::BTreeMap;

fn ok(r: Reply) -> serde_json::Value {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// Builds the world (see the module comment).
pub async fn world() -> World {
    let s = site(false).await;
    let mut ids = BTreeMap::new();
    let org = |name: &'static str| {
        let s = &s;
        async move {
            s.t.one("SELECT id FROM organizations WHERE name = $1", name)
                .await
        }
    };
    for (k, name) in [
        ("acme", "Acme Software"),
        ("north", "Northwind Trading"),
        ("south", "Southgate Logistics"),
        ("plain", "Plain Studio"),
    ] {
        ids.insert(k.to_string(), org(name).await);
    }
    let isv = s.session("isv-admin@acme.example").await;
    let plain = s.session("admin@plain.example").await;
    let op = s.session("operator@fenfa.example").await;
    // A plain member in each ISV.
    for (email, admin) in [
        ("newdev@acme.example", &isv),
        ("newdev@plain.example", &plain),
    ] {
        s.call(
            "/api/sign_up",
            &format!(
                "email={}&display_name=New+Dev&password=fenfa-demo",
                email.replace('@', "%40")
            ),
            None,
            &[],
        )
        .await;
        ok(s.call(
            "/api/invite_member",
            &format!("email={}&role=member", email.replace('@', "%40")),
            Some(admin),
            &[],
        )
        .await);
        let token =
            s.t.mailed_token(email, "/invitations/")
                .expect("invitation mailed");
        let newdev = s.session(email).await;
        ok(s.call(
            "/api/accept_invitation",
            &format!("token={token}"),
            Some(&newdev),
            &[],
        )
        .await);
    }
    ok(s.call(
        "/api/set_certification",
        &format!("org_id={}&level=intermediate", ids["plain"]),
        Some(&op),
        &[],
    )
    .await);

    // Plain Studio builds a look-alike app: every kind of part.
    let papp = ok(s
        .call(
            "/api/apps/create",
            "name=Plain+visits&icon=briefcase&description=plain",
            Some(&plain),
            &[],
        )
        .await)
    .as_str()
    .unwrap()
    .to_string();
    let pform = ok(s
        .call(
            "/api/apps/add_form",
            &format!("app_id={papp}&name=Visit&kind=process"),
            Some(&plain),
            &[],
        )
        .await);
    let pform = pform.as_str().unwrap().to_string();
    let add = |path: &'static str, form: String| {
        let (s, plain) = (&s, &plain);
        async move { ok(s.call(path, &form, Some(plain), &[]).await) }
    };
    add(
        "/api/apps/add_field",
        format!(
            "app_id={papp}&form_id={pform}&label=Customer&field_type=text&required=yes&options="
        ),
    )
    .await;
    let pstep = add(
        "/api/apps/add_step",
        format!("app_id={papp}&form_id={pform}&name=Approve"),
    )
    .await;
    let ptemplate = add(
        "/api/apps/add_template",
        format!("app_id={papp}&form_id={pform}&trigger=submitted&message=Hello"),
    )
    .await;
    let pservice = add(
        "/api/apps/add_service",
        format!(
            "app_id={papp}&name=CRM&endpoint=https%3A%2F%2Fcrm.plain.example&credential=psecret"
        ),
    )
    .await;
    ids.insert("plain_app".into(), papp.clone());
    ids.insert("plain_form".into(), pform);
    ids.insert("plain_step".into(), pstep.as_str().unwrap().into());
    ids.insert("plain_template".into(), ptemplate.as_str().unwrap().into());
    ids.insert("plain_service".into(), pservice.as_str().unwrap().into());
    ids.insert(
        "plain_field".into(),
        s.t.one(
            "SELECT f.id FROM fields f JOIN forms m ON m.id = f.form_id WHERE m.app_id = $1",
            &papp,
        )
        .await,
    );

    // Acme sells "Customer visits" to Northwind and Southgate; Plain sells its
    // app to Southgate. A second Acme link waits for Northwind's member to ask.
    let token = s.create_link(&isv, "客户拜访管理").await;
    let token2 = s.create_link(&isv, "设备报修").await;
    let ptoken = s.create_link(&plain, "Plain visits").await;
    let mut installed = BTreeMap::new();
    for (key, email, org_key, tok) in [
        ("installed", "admin@north.example", "north", &token),
        ("other_installed", "admin@south.example", "south", &token),
        ("plain_installed", "admin@south.example", "south", &ptoken),
    ] {
        let t = s.session(email).await;
        let r = ok(s
            .call(
                "/api/distribution/buy",
                &format!(
                    "token={tok}&org_id={}&idempotency_key=k-{key}",
                    ids[org_key]
                ),
                Some(&t),
                &[],
            )
            .await);
        installed.insert(key, r["Bought"]["app_id"].as_str().unwrap().to_string());
    }
    // A member of each customer asks its admins to buy.
    for (email, org) in [
        ("member@north.example", "north"),
        ("member@south.example", "south"),
    ] {
        let member = s.session(email).await;
        ok(s.call(
            "/api/distribution/ask_admin",
            &format!("token={token2}&org_id={}", ids[org]),
            Some(&member),
            &[],
        )
        .await);
    }

    let app =
        s.t.one(
            "SELECT id FROM apps WHERE org_id = $1 AND name LIKE '客户拜访管理%'",
            &ids["acme"],
        )
        .await;
    let q = |sql: &'static str| {
        let (s, app) = (&s, app.clone());
        async move { s.t.one(sql, &app).await }
    };
    let form =
        q("SELECT id FROM forms WHERE app_id = $1 AND kind = 'process' ORDER BY position LIMIT 1")
            .await;
    ids.insert("form".into(), form);
    ids.insert("field".into(), q("SELECT f.id FROM fields f JOIN forms m ON m.id = f.form_id WHERE m.app_id = $1 ORDER BY m.position, f.position LIMIT 1").await);
    ids.insert("step".into(), q("SELECT s.id FROM process_steps s JOIN forms m ON m.id = s.form_id WHERE m.app_id = $1 ORDER BY s.position LIMIT 1").await);
    ids.insert("template".into(), q("SELECT t.id FROM notification_templates t JOIN forms m ON m.id = t.form_id WHERE m.app_id = $1 AND t.recipients_json LIKE '%\"submitter\"%' LIMIT 1").await);
    ids.insert(
        "service".into(),
        q("SELECT id FROM services WHERE app_id = $1 LIMIT 1").await,
    );
    ids.insert(
        "link".into(),
        q("SELECT id FROM distribution_links WHERE source_app_id = $1").await,
    );
    ids.insert(
        "version".into(),
        q("SELECT id FROM app_versions WHERE app_id = $1").await,
    );
    ids.insert("app".into(), app);
    ids.insert("token".into(), token);
    ids.insert("token2".into(), token2);
    ids.insert("plain_token".into(), ptoken);
    ids.insert(
        "plain_version".into(),
        s.t.one("SELECT id FROM app_versions WHERE app_id = $1", &papp)
            .await,
    );
    ids.insert(
        "plain_link".into(),
        s.t.one(
            "SELECT id FROM distribution_links WHERE source_app_id = $1",
            &papp,
        )
        .await,
    );
    for (k, v) in installed {
        ids.insert(k.into(), v);
    }
    let order_of = |key: &str| {
        let (s, app) = (&s, ids[key].clone());
        async move {
            let (id, no): (String, String) = sqlx::query_as(
                "SELECT id, order_no FROM distribution_orders WHERE installed_app_id = $1",
            )
            .bind(&app)
            .fetch_one(&s.t.db.pool)
            .await
            .unwrap();
            (id, no)
        }
    };
    let (order, order_no) = order_of("installed").await;
    let (porder, porder_no) = order_of("plain_installed").await;
    let (other_order, other_order_no) = order_of("other_installed").await;
    ids.insert("other_order".into(), other_order);
    ids.insert("other_order_no".into(), other_order_no);
    ids.insert("order".into(), order);
    ids.insert("order_no".into(), order_no);
    ids.insert("plain_order".into(), porder);
    ids.insert("plain_order_no".into(), porder_no);
    ids.insert(
        "installed_form".into(),
        s.t.one(
            "SELECT id FROM forms WHERE app_id = $1 ORDER BY position LIMIT 1",
            &ids["installed"],
        )
        .await,
    );
    ids.insert(
        "installed_service".into(),
        s.t.one(
            "SELECT id FROM services WHERE app_id = $1 ORDER BY position LIMIT 1",
            &ids["installed"],
        )
        .await,
    );
    // The installed copy's parts, as arguments name them (its process form's).
    let installed_process =
        s.t.one(
            "SELECT id FROM forms WHERE app_id = $1 AND kind = 'process' ORDER BY position LIMIT 1",
            &ids["installed"],
        )
        .await;
    for (k, sql) in [
        (
            "installed_field",
            "SELECT id FROM fields WHERE form_id = $1 ORDER BY position LIMIT 1",
        ),
        (
            "installed_step",
            "SELECT id FROM process_steps WHERE form_id = $1 ORDER BY position LIMIT 1",
        ),
        (
            "installed_template",
            "SELECT id FROM notification_templates WHERE form_id = $1 ORDER BY position LIMIT 1",
        ),
    ] {
        ids.insert(k.into(), s.t.one(sql, &installed_process).await);
    }
    ids.insert("installed_process_form".into(), installed_process);
    ids.insert(
        "other_installed_form".into(),
        s.t.one(
            "SELECT id FROM forms WHERE app_id = $1 ORDER BY position LIMIT 1",
            &ids["other_installed"],
        )
        .await,
    );
    for (k, org) in [("request", "north"), ("other_request", "south")] {
        let id =
            s.t.one(
                "SELECT id FROM purchase_requests WHERE org_id = $1",
                &ids[org],
            )
            .await;
        ids.insert(k.into(), id);
    }
    for (k, email) in [
        ("member_north", "member@north.example"),
        ("north_admin", "admin@north.example"),
        ("isv_admin", "isv-admin@acme.example"),
        ("isv_dev", "isv-dev@acme.example"),
        ("newdev", "newdev@acme.example"),
        ("plain_newdev", "newdev@plain.example"),
    ] {
        ids.insert(k.into(), s.t.user_id(email).await);
    }
    ids.insert(
        "audit_entry".into(),
        s.t.one(
            "SELECT id FROM audit_entries WHERE org_id = $1 LIMIT 1",
            &ids["acme"],
        )
        .await,
    );
    ids.insert(
        "plain_audit_entry".into(),
        s.t.one(
            "SELECT id FROM audit_entries WHERE org_id = $1 LIMIT 1",
            &ids["plain"],
        )
        .await,
    );

    // Using the apps: Acme's member submits the visit request (its first
    // step waits for Acme's admin, who gets a message); Plain's admin does
    // the same in its look-alike app.
    for (key, label) in [("field_date", "拜访日期"), ("field_purpose", "拜访目的")] {
        let id =
            s.t.one(
                &format!("SELECT id FROM fields WHERE form_id = $1 AND label = '{label}'"),
                &ids["form"],
            )
            .await;
        ids.insert(key.into(), id);
    }
    // Its CRM is called on each submission (held: the demo sets no credential).
    let isv_admin = s.session("isv-admin@acme.example").await;
    ok(s.call(
        "/api/apps/add_service_call",
        &format!(
            "app_id={}&service_id={}&form_id={}&trigger=submitted",
            ids["app"], ids["service"], ids["form"]
        ),
        Some(&isv_admin),
        &[],
    )
    .await);
    // The app's dev is on its (unused) list of chosen users.
    ok(s.call(
        "/api/apps/add_user",
        &format!("app_id={}&user_id={}", ids["app"], ids["isv_dev"]),
        Some(&isv_admin),
        &[],
    )
    .await);
    let newdev = s.session("newdev@acme.example").await;
    let record = ok(s
        .call(
            "/api/runtime/submit",
            &format!(
                "app_id={}&form_id={}&values[f{}]=%E4%B8%96%E7%95%8C%E5%AE%A2%E6%88%B7&values[f{}]=2027-01-15&values[f{}]=%E5%95%86%E5%8A%A1%E6%B4%BD%E8%B0%88",
                ids["app"], ids["form"], ids["field"], ids["field_date"], ids["field_purpose"]
            ),
            Some(&newdev),
            &[],
        )
        .await);
    ids.insert("record".into(), record.as_str().unwrap().into());
    ids.insert(
        "message".into(),
        s.t.one(
            "SELECT id FROM messages WHERE user_id = $1",
            &ids["isv_admin"],
        )
        .await,
    );
    add(
        "/api/apps/add_approver",
        format!(
            "app_id={papp}&step_id={}&user_id={}",
            ids["plain_step"],
            s.t.user_id("admin@plain.example").await
        ),
    )
    .await;
    add(
        "/api/apps/add_recipient",
        format!(
            "app_id={papp}&template_id={}&recipient=submitter",
            ids["plain_template"]
        ),
    )
    .await;
    add(
        "/api/apps/add_service_call",
        format!(
            "app_id={papp}&service_id={}&form_id={}&trigger=submitted",
            ids["plain_service"], ids["plain_form"]
        ),
    )
    .await;
    let precord = add(
        "/api/runtime/submit",
        format!(
            "app_id={papp}&form_id={}&values[f{}]=Plain+customer",
            ids["plain_form"], ids["plain_field"]
        ),
    )
    .await;
    ids.insert("plain_record".into(), precord.as_str().unwrap().into());
    for (k, record) in [("delivery", "record"), ("plain_delivery", "plain_record")] {
        let id =
            s.t.one(
                "SELECT id FROM deliveries WHERE record_id = $1",
                &ids[record],
            )
            .await;
        ids.insert(k.into(), id);
    }
    ids.insert(
        "plain_message".into(),
        s.t.one(
            "SELECT id FROM messages WHERE record_id = $1",
            &ids["plain_record"],
        )
        .await,
    );

    // A pending invitation of the customer's.
    let north_admin = s.session("admin@north.example").await;
    ok(s.call(
        "/api/invite_member",
        "email=pending%40north.example&role=member",
        Some(&north_admin),
        &[],
    )
    .await);
    ids.insert(
        "invitation_token".into(),
        s.t.mailed_token("pending@north.example", "/invitations/")
            .expect("invitation mailed"),
    );
    ids.insert(
        "invitation".into(),
        s.t.one(
            "SELECT id FROM invitations WHERE email = $1",
            "pending@north.example",
        )
        .await,
    );
    let south_admin = s.session("admin@south.example").await;
    ok(s.call(
        "/api/invite_member",
        "email=pending%40south.example&role=member",
        Some(&south_admin),
        &[],
    )
    .await);
    ids.insert(
        "other_invitation".into(),
        s.t.one(
            "SELECT id FROM invitations WHERE email = $1",
            "pending@south.example",
        )
        .await,
    );

    // Acme publishes 1.1.0 (the call and the user added since 1.0.0) and
    // offers it to every order (each customer previews it at the end).
    let isv_admin = s.session("isv-admin@acme.example").await;
    let v2 = ok(s
        .call(
            "/api/versions/publish",
            &format!("app_id={}&version=1.1.0&notes=fix", ids["app"]),
            Some(&isv_admin),
            &[],
        )
        .await);
    let v2 = v2.as_str().unwrap().to_string();
    ok(s.call(
        "/api/upgrades/offer",
        &format!("app_id={}&version_id={v2}&scope=all&orders=", ids["app"]),
        Some(&isv_admin),
        &[],
    )
    .await);
    ids.insert("version2".into(), v2);
    // The editor goes on with a draft after 1.1.0 (so there is something to publish).
    ok(s.call(
        "/api/apps/update",
        &format!(
            "app_id={}&name=%E5%AE%A2%E6%88%B7%E6%8B%9C%E8%AE%BF%E7%AE%A1%E7%90%86+Customer+visits&icon=briefcase&description=Draft",
            ids["app"]
        ),
        Some(&isv_admin),
        &[],
    )
    .await);
    // Plain Studio maintains Southgate's copy of its app once: it renames the
    // copy's form and leaves. Southgate's admins find that session to review
    // and revert (no provider is in it any more).
    ok(s.call(
        "/api/maintenance/start",
        &format!("order_id={}", ids["plain_order"]),
        Some(&plain),
        &[],
    )
    .await);
    let pform_installed =
        s.t.one(
            "SELECT id FROM forms WHERE app_id = $1 ORDER BY position LIMIT 1",
            &ids["plain_installed"],
        )
        .await;
    ok(s.call(
        "/api/apps/rename_form",
        &format!(
            "app_id={}&form_id={pform_installed}&name=Visit+checked",
            ids["plain_installed"]
        ),
        Some(&plain),
        &[],
    )
    .await);
    ok(s.call("/api/maintenance/exit", "", Some(&plain), &[]).await);
    ids.insert(
        "plain_change_set".into(),
        s.t.one(
            "SELECT id FROM change_sets WHERE app_id = $1 AND kind = 'maintenance' AND changes > 0",
            &ids["plain_installed"],
        )
        .await,
    );

    let mut tokens = vec![(Anonymous, None), (Operator, Some(op))];
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
    let maint = tokens.iter().find(|(c, _)| *c == IsvInMaintenance).unwrap();
    ok(s.call(
        "/api/maintenance/start",
        &format!("order_id={}", ids["order"]),
        maint.1.as_deref(),
        &[],
    )
    .await);
    // The session renames the copy's first form: its change set (open while
    // the session is) has one change for Northwind's admins to review.
    ok(s.call(
        "/api/apps/rename_form",
        &format!(
            "app_id={}&form_id={}&name=Fixed+in+maintenance",
            ids["installed"], ids["installed_form"]
        ),
        maint.1.as_deref(),
        &[],
    )
    .await);
    ids.insert(
        "change_set".into(),
        s.t.one(
            "SELECT id FROM change_sets WHERE app_id = $1 AND kind = 'maintenance' AND changes > 0",
            &ids["installed"],
        )
        .await,
    );
    // Each customer previews the offered 1.1.0 on its copy as it is now (the
    // preview's basis is what applying it must name).
    for (key, copy, basis, admin) in [
        ("upgrade", "installed", "basis", &north_admin),
        (
            "other_upgrade",
            "other_installed",
            "other_basis",
            &south_admin,
        ),
    ] {
        let id =
            s.t.one("SELECT id FROM upgrades WHERE app_id = $1", &ids[copy])
                .await;
        let preview = ok(s
            .call(
                "/api/upgrades/preview",
                &format!("app_id={}&upgrade_id={id}", ids[copy]),
                Some(admin),
                &[],
            )
            .await);
        ids.insert(basis.into(), preview["basis"].as_str().unwrap().into());
        ids.insert(key.into(), id);
    }

    // Closed so the database can be copied (PostgreSQL copies need that).
    let Site { t, .. } = s;
    t.db.pool.close().await;
    World {
        template: t,
        ids,
        tokens,
    }
}
