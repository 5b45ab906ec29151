//! Plausible arguments, fresh sessions and the database check, over a copy
//! of the shared world (`common::world`).

use super::*;

/// A fresh session, as signing in makes it (without Argon2's cost): one that
/// signs out or switches organizations does not change what the next call sees.
pub(crate) async fn session(i: &Instance<'_>, c: Caller) -> Option<String> {
    let (user, org) = match c {
        IsvAdmin => ("isv_admin", "acme"),
        CustomerAdmin => ("north_admin", "north"),
        _ => return None,
    };
    let t = &i.s.t;
    let mut tx = t.db.begin_write().await.unwrap();
    let token =
        app::session::store::create(&mut tx, i.w.id(user), Some(i.w.id(org)), t.clock.now_ms())
            .await
            .unwrap();
    tx.commit().await.unwrap();
    Some(token)
}

/// A plausible value for an argument, so that a call gets past the
/// arguments that are not being spoiled: the customer names its installed
/// copy, everyone else the ISV's app.
pub(crate) fn baseline(w: &World, c: Caller, field: &str) -> String {
    let key = |source: &'static str, installed: &'static str| {
        w.id(if c == CustomerAdmin {
            installed
        } else {
            source
        })
    };
    let v = match field {
        "app_id" => key("app", "installed"),
        "form_id" => key("form", "installed_process_form"),
        "field_id" => key("field", "installed_field"),
        "step_id" => key("step", "installed_step"),
        "template_id" => key("template", "installed_template"),
        "service_id" => key("service", "installed_service"),
        "user_id" => key("isv_dev", "member_north"),
        "org_id" => key("acme", "north"),
        "order_id" => w.id("order"),
        "link_id" => w.id("link"),
        // The link Northwind's member asked its admins to buy.
        "token" => w.id("token2"),
        "request_id" => w.id("request"),
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
        "record_id" => w.id("record"),
        "message_id" => w.id("message"),
        "delivery_id" => w.id("delivery"),
        "decision" => "approve",
        "allow" => "yes",
        "version_id" => w.id("version"),
        "version" => "9.0.0",
        "notes" => "修复",
        "upgrade_id" => w.id(if c == CustomerAdmin {
            "upgrade"
        } else {
            "other_upgrade"
        }),
        "basis" => w.id("basis"),
        // A licence change: an extension by a year (its other inputs unused).
        "action" => "extend",
        "months" => "12",
        "seats" => "50",
        "reason" => "未付款",
        // A link's terms: a trial, then a year, for ten users.
        "terms[trial_days]" => "14",
        "terms[term]" => "12",
        "terms[seats]" => "10",
        "terms[grace_days]" => "7",
        // The set Acme's session made in Northwind's copy (its order's).
        "set_id" => w.id("change_set"),
        "with_dependents" => "no",
        "scope" => "all",
        "step" => "apply",
        "orders" => "",
        "use_by" => "chosen",
        "max_purchases" | "bound_org" | "q" | "after" | "status" | "comment" | "values"
        | "choices" | "upgrade" | "only" | "restore" => "",
        _ => "fuzz",
    };
    v.to_string()
}

/// The form fields an argument is sent as: itself, or for a structured one
/// (a link's `terms`) each of its fields, so each is spoiled on its own.
pub(crate) fn form_fields(arg: &str) -> Vec<String> {
    match arg {
        "terms" => ["trial_days", "term", "seats", "grace_days"]
            .iter()
            .map(|k| format!("{arg}[{k}]"))
            .collect(),
        _ => vec![arg.to_string()],
    }
}

/// An argument's plausible value in a JSON body (an object for a
/// structured one).
pub(crate) fn json_value(w: &World, c: Caller, arg: &str) -> serde_json::Value {
    let fields = form_fields(arg);
    if fields == [arg] {
        return baseline(w, c, arg).into();
    }
    fields
        .iter()
        .map(|f| {
            let key = &f[arg.len() + 1..f.len() - 1];
            (key.to_string(), baseline(w, c, f).into())
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The arguments of `ep` with plausible values, encoded.
pub(crate) fn base(w: &World, c: Caller, ep: &Endpoint) -> Vec<(String, Vec<u8>)> {
    ep.fields
        .iter()
        .flat_map(|a| form_fields(a))
        .map(|f| {
            let v = enc(&baseline(w, c, &f)).into_bytes();
            (f, v)
        })
        .collect()
}

/// What a sweep must leave: the users as they were, every organization.
pub(crate) struct Before {
    users: Vec<(String, String, String)>,
    orgs: i64,
}

pub(crate) async fn before(i: &Instance<'_>) -> Before {
    Before {
        users: sqlx::query_as("SELECT id, email, password_hash FROM users ORDER BY id")
            .fetch_all(&i.s.t.db.pool)
            .await
            .unwrap(),
        orgs: i.s.t.count("SELECT COUNT(*) FROM organizations").await,
    }
}

/// Every table of the migrations is there, the demo users are untouched,
/// nothing is orphaned and every organization keeps an admin.
pub(crate) async fn check_database(i: &Instance<'_>, before: &Before) {
    let pool = &i.s.t.db.pool;
    let mut tables = Vec::new();
    // The shared migrations, and this backend's own schema.
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations"));
    let own = root.join(if i.s.t.db.backend == app::db::Backend::Postgres {
        "postgres"
    } else {
        "sqlite"
    });
    for dir in [root.to_path_buf(), own] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let sql = std::fs::read_to_string(path).unwrap();
            for part in sql.split("CREATE TABLE ").skip(1) {
                let part = part.trim_start_matches("IF NOT EXISTS ");
                tables.push(part.split_whitespace().next().unwrap().to_string());
            }
        }
    }
    assert!(tables.iter().any(|t| t == "order_search"), "{tables:?}");
    assert!(tables.len() >= 15, "{tables:?}");
    for t in &tables {
        // Panics when the table is gone.
        i.s.t.count(&format!("SELECT COUNT(*) FROM {t}")).await;
    }
    let users: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, email, password_hash FROM users ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    for u in &before.users {
        assert!(users.contains(u), "a user changed or vanished: {}", u.1);
    }
    // Organizations are never deleted; apps may be, by whoever may.
    assert!(i.s.t.count("SELECT COUNT(*) FROM organizations").await >= before.orgs);
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
        assert_eq!(i.s.t.count(sql).await, 0, "{what}");
    }
}
