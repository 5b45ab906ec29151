//! Database tests of apps: every kind of change, permissions, validation,
//! cross-organization refusal and the snapshot round trip.
#![cfg(feature = "ssr")]

mod common;

use app::accounts::Role;
use app::apps::domain::*;
use app::apps::queries as reads;
use app::apps::queries::edits::{self, AppSettings, FieldInput, ServiceInput};
use app::apps::snapshot;
use app::error::ErrorCode;
use app::session::Ctx;
use app::values::{AppId, FieldId, FormId, StepId};
use common::{TestDb, T0};

struct World {
    t: TestDb,
    admin: Ctx,
    member: Ctx,
    outsider: Ctx,
    app: AppId,
}

/// Acme-like org with an admin and a member, plus another org's admin.
async fn world() -> World {
    let t = common::fresh().await;
    let admin_id = t.user("alice@acme.example").await;
    let member_id = t.user("dev@acme.example").await;
    let other_id = t.user("sam@south.example").await;
    let org = t.org(&admin_id, "Acme").await;
    let other_org = t.org(&other_id, "Southgate").await;
    let admin = t.ctx(&admin_id, Some(&org)).await;
    t.join(&admin, "dev@acme.example", Role::Member).await;
    let member = t.ctx(&member_id, Some(&org)).await;
    let outsider = t.ctx(&other_id, Some(&other_org)).await;
    let settings = AppSettings::parse("客户拜访 🚗", "briefcase", "拜访管理").unwrap();
    let app = edits::create_app(&t.db, &admin, &settings, 1)
        .await
        .unwrap();
    World {
        t,
        admin,
        member,
        outsider,
        app,
    }
}

impl World {
    async fn snap(&self) -> snapshot::AppSnapshot {
        let mut conn = self.t.db.pool.acquire().await.unwrap();
        snapshot::load(&mut conn, &self.app).await.unwrap().unwrap()
    }
    async fn audit(&self, action: &str) -> i64 {
        self.t
            .count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE action = '{action}'"
            ))
            .await
    }
    async fn version(&self) -> i64 {
        self.t
            .count(&format!(
                "SELECT version FROM apps WHERE id = '{}'",
                self.app
            ))
            .await
    }
    /// `build`, plus a template with a recipient and a service with a credential.
    async fn build_complete(&self) {
        let (form, _) = self.build().await;
        let (db, c, a) = (&self.t.db, &self.admin, &self.app);
        let tid = edits::add_template(db, c, a, &form, "rejected", "{{客户名称}} 被拒", 1)
            .await
            .unwrap();
        edits::set_recipient(db, c, a, &tid, &Recipient::Submitter, true, 1)
            .await
            .unwrap();
        let service = ServiceInput::parse("s", "https://s.example").unwrap();
        edits::add_service(db, c, a, &service, Some("k"), 1)
            .await
            .unwrap();
    }

    /// A process form with two fields and two steps; returns (form, step ids).
    async fn build(&self) -> (FormId, Vec<StepId>) {
        let (db, c, a) = (&self.t.db, &self.admin, &self.app);
        let form = edits::add_form(db, c, a, "拜访申请", "process", 2)
            .await
            .unwrap();
        edits::add_field(
            db,
            c,
            a,
            &form,
            &FieldInput::parse("客户名称", "text", true, "").unwrap(),
            3,
        )
        .await
        .unwrap();
        edits::add_field(
            db,
            c,
            a,
            &form,
            &FieldInput::parse("目的", "single_choice", false, "洽谈\n回访").unwrap(),
            4,
        )
        .await
        .unwrap();
        let s1 = edits::add_step(db, c, a, &form, "经理审批", 5)
            .await
            .unwrap();
        let s2 = edits::add_step(db, c, a, &form, "财务审批", 6)
            .await
            .unwrap();
        edits::set_approver(db, c, a, &s1, &self.admin.user_id.0, true, 7)
            .await
            .unwrap();
        edits::set_approver(db, c, a, &s2, &self.member.user_id.0, true, 8)
            .await
            .unwrap();
        (form, vec![s1, s2])
    }
}

#[tokio::test]
async fn creating_an_app_is_for_admins_and_is_audited() {
    let w = world().await;
    assert_eq!(w.audit("app.create").await, 1);
    let before = w.t.snapshot().await;
    let s = AppSettings::parse("x", "chart", "").unwrap();
    assert_eq!(
        edits::create_app(&w.t.db, &w.member, &s, 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::AppCreateAdminOnly
    );
    assert_eq!(w.t.snapshot().await, before);
    let cards = reads::list(&w.t.db, &w.member, T0).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert!(!cards[0].can_edit);
    assert!(reads::list(&w.t.db, &w.admin, T0).await.unwrap()[0].can_edit);
}

#[tokio::test]
async fn settings_change_with_before_and_after_in_the_audit() {
    let w = world().await;
    let s = AppSettings::parse("设备报修", "wrench", "新描述").unwrap();
    edits::update_app(&w.t.db, &w.admin, &w.app, &s, 9)
        .await
        .unwrap();
    let snap = w.snap().await;
    assert_eq!(
        (snap.name.as_str(), snap.icon, snap.description.as_str()),
        ("设备报修", Icon::Wrench, "新描述")
    );
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_entries WHERE action = 'app.update'",
    )
    .fetch_one(&w.t.db.pool)
    .await
    .unwrap();
    assert!(
        before.contains("客户拜访 🚗") && after.contains("设备报修"),
        "{before} {after}"
    );
    assert_eq!(w.version().await, 2);
}

#[tokio::test]
async fn forms_are_added_renamed_reordered_and_deleted() {
    let w = world().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    let f1 = edits::add_form(db, c, a, "一", "plain", 1).await.unwrap();
    let f2 = edits::add_form(db, c, a, "二", "process", 1).await.unwrap();
    edits::rename_form(db, c, a, &f1, "壹", 1).await.unwrap();
    edits::move_form(db, c, a, &f2, true, 1).await.unwrap();
    let names: Vec<String> = w.snap().await.forms.into_iter().map(|f| f.name).collect();
    assert_eq!(names, ["二", "壹"]);
    // Moving past the edge changes nothing and records nothing.
    let v = w.version().await;
    edits::move_form(db, c, a, &f2, true, 1).await.unwrap();
    assert_eq!(w.version().await, v);
    edits::delete_form(db, c, a, &f2, 1).await.unwrap();
    assert_eq!(w.snap().await.forms.len(), 1);
    for action in ["form.add", "form.rename", "form.move", "form.delete"] {
        assert!(w.audit(action).await >= 1, "{action}");
    }
}

#[tokio::test]
async fn fields_are_added_edited_reordered_and_deleted() {
    let w = world().await;
    let (form, _) = w.build().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    let detail = reads::detail(db, c, a).await.unwrap();
    let ids: Vec<FieldId> = detail.forms[0]
        .fields
        .iter()
        .map(|f| f.id.clone())
        .collect();
    edits::update_field(
        db,
        c,
        a,
        &ids[1],
        &FieldInput::parse("拜访目的", "multi_choice", true, "甲\n乙\n丙").unwrap(),
        1,
    )
    .await
    .unwrap();
    edits::move_field(db, c, a, &ids[1], true, 1).await.unwrap();
    let fields = &w.snap().await.forms[0].fields;
    assert_eq!(fields[0].label, "拜访目的");
    assert_eq!(fields[0].options, ["甲", "乙", "丙"]);
    assert!(fields[0].required);
    edits::delete_field(db, c, a, &ids[0], 1).await.unwrap();
    assert_eq!(w.snap().await.forms[0].fields.len(), 1);
    let _ = form;
}

#[tokio::test]
async fn a_process_has_ordered_steps_with_approvers_of_the_organization() {
    let w = world().await;
    let (form, steps) = w.build().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    let p = &w.snap().await.forms[0].process;
    assert_eq!(
        p.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["经理审批", "财务审批"]
    );
    assert_eq!(p[1].approvers, std::slice::from_ref(&w.member.user_id.0));

    // An outsider cannot be an approver; a duplicate is refused.
    let e = edits::set_approver(db, c, a, &steps[0], &w.outsider.user_id.0, true, 1)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotOrgUser);
    let e = edits::set_approver(db, c, a, &steps[0], &w.admin.user_id.0, true, 1)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyAdded);

    edits::move_step(db, c, a, &steps[1], true, 1)
        .await
        .unwrap();
    edits::set_approver(db, c, a, &steps[0], &w.admin.user_id.0, false, 1)
        .await
        .unwrap();
    let p = &w.snap().await.forms[0].process;
    assert_eq!(p[0].name, "财务审批");
    assert!(p[1].approvers.is_empty());
    edits::delete_step(db, c, a, &steps[0], 1).await.unwrap();
    assert_eq!(w.snap().await.forms[0].process.len(), 1);

    let plain = edits::add_form(db, c, a, "记录", "plain", 1).await.unwrap();
    assert_eq!(
        edits::add_step(db, c, a, &plain, "x", 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotAProcessForm
    );
    let _ = form;
}

#[tokio::test]
async fn templates_check_their_placeholders_and_keep_recipients() {
    let w = world().await;
    let (form, _) = w.build().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    let before = w.t.snapshot().await;
    let bad = edits::add_template(db, c, a, &form, "submitted", "{{不存在}} 已提交", 1)
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::UnknownPlaceholder);
    assert_eq!(w.t.snapshot().await, before);

    let tid = edits::add_template(db, c, a, &form, "submitted", "{{客户名称}} 已提交", 1)
        .await
        .unwrap();
    edits::set_recipient(db, c, a, &tid, &Recipient::Submitter, true, 1)
        .await
        .unwrap();
    edits::set_recipient(
        db,
        c,
        a,
        &tid,
        &Recipient::User(w.member.user_id.0.clone()),
        true,
        1,
    )
    .await
    .unwrap();
    edits::update_template(db, c, a, &tid, "approved", "已通过：{{客户名称}}", 1)
        .await
        .unwrap();
    edits::set_recipient(db, c, a, &tid, &Recipient::Submitter, false, 1)
        .await
        .unwrap();
    let t = &w.snap().await.templates[0];
    assert_eq!(
        (t.form, t.trigger, t.message.as_str()),
        (0, Trigger::Approved, "已通过：{{客户名称}}")
    );
    assert_eq!(t.recipients, [Recipient::User(w.member.user_id.0.clone())]);
    edits::delete_template(db, c, a, &tid, 1).await.unwrap();
    assert!(w.snap().await.templates.is_empty());
}

#[tokio::test]
async fn a_credential_is_stored_but_never_read_back() {
    let w = world().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    let input = ServiceInput::parse("CRM", "https://crm.example/api").unwrap();
    let sid = edits::add_service(db, c, a, &input, Some("s3cret-ABC"), 42)
        .await
        .unwrap();
    edits::set_credential(db, c, a, &sid, "n3w-s3cret-XYZ", 43)
        .await
        .unwrap();
    let detail = reads::detail(db, c, a).await.unwrap();
    assert_eq!(detail.services[0].credential_set_at, Some(43));
    let json = serde_json::to_string(&detail).unwrap();
    assert!(!json.contains("s3cret"), "{json}");
    let audit: Vec<(Option<String>,)> = sqlx::query_as("SELECT after_json FROM audit_entries")
        .fetch_all(&w.t.db.pool)
        .await
        .unwrap();
    assert!(audit
        .iter()
        .all(|(a,)| !a.clone().unwrap_or_default().contains("s3cret")));
    let (stored,): (String,) = sqlx::query_as("SELECT credential FROM services")
        .fetch_one(&w.t.db.pool)
        .await
        .unwrap();
    // Sealed at rest: only the server's key opens it.
    assert!(!stored.contains("s3cret"), "{stored}");
    assert_eq!(w.t.db.secrets.open(&stored).unwrap(), "n3w-s3cret-XYZ");

    let bad = ServiceInput::parse("CRM", "ftp://crm.example").unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidEndpoint);
    edits::update_service(
        db,
        c,
        a,
        &sid,
        &ServiceInput::parse("CRM 2", "http://crm2.example").unwrap(),
        1,
    )
    .await
    .unwrap();
    assert_eq!(w.snap().await.services[0].endpoint, "http://crm2.example");
    edits::delete_service(db, c, a, &sid, 1).await.unwrap();
    assert!(w.snap().await.services.is_empty());
}

#[tokio::test]
async fn members_read_app_admins_edit_and_refusals_change_nothing() {
    let w = world().await;
    let (form, steps) = w.build().await;
    let (db, a) = (&w.t.db, &w.app);
    let before = w.t.snapshot().await;
    let m = &w.member;
    let denied = [
        edits::add_form(db, m, a, "x", "plain", 1).await.map(|_| ()),
        edits::rename_form(db, m, a, &form, "x", 1).await,
        edits::add_step(db, m, a, &form, "x", 1).await.map(|_| ()),
        edits::set_approver(db, m, a, &steps[0], &m.user_id.0, true, 1).await,
        edits::delete_app(db, m, a, 1).await,
    ];
    for r in denied {
        assert_eq!(r.unwrap_err().code, ErrorCode::AppEditOnly);
    }
    assert_eq!(w.t.snapshot().await, before);
    assert!(!reads::detail(db, m, a).await.unwrap().can_edit);

    // Made app admin, the member may edit this app.
    edits::add_app_admin(db, &w.admin, a, &m.user_id.0, 1)
        .await
        .unwrap();
    edits::rename_form(db, m, a, &form, "改名", 1)
        .await
        .unwrap();
    let (acting_as,): (String,) =
        sqlx::query_as("SELECT acting_as FROM audit_entries WHERE action = 'form.rename'")
            .fetch_one(&w.t.db.pool)
            .await
            .unwrap();
    assert_eq!(acting_as, "app_admin");
    edits::remove_app_admin(db, &w.admin, a, &m.user_id.0, 1)
        .await
        .unwrap();
    assert_eq!(
        edits::rename_form(db, m, a, &form, "再改", 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::AppEditOnly
    );
}

#[tokio::test]
async fn another_organization_gets_not_found_for_every_id() {
    let w = world().await;
    let (form, steps) = w.build().await;
    let (db, a, o) = (&w.t.db, &w.app, &w.outsider);
    let tid = edits::add_template(db, &w.admin, a, &form, "submitted", "hi", 1)
        .await
        .unwrap();
    let sid = edits::add_service(
        db,
        &w.admin,
        a,
        &ServiceInput::parse("s", "https://s.example").unwrap(),
        None,
        1,
    )
    .await
    .unwrap();
    let before = w.t.snapshot().await;
    let f = FieldInput::parse("x", "text", false, "").unwrap();
    let results = [
        reads::detail(db, o, a).await.map(|_| ()),
        edits::update_app(db, o, a, &AppSettings::parse("x", "chart", "").unwrap(), 1).await,
        edits::delete_app(db, o, a, 1).await,
        edits::add_form(db, o, a, "x", "plain", 1).await.map(|_| ()),
        edits::delete_form(db, o, a, &form, 1).await,
        edits::add_field(db, o, a, &form, &f, 1).await.map(|_| ()),
        edits::delete_step(db, o, a, &steps[0], 1).await,
        edits::delete_template(db, o, a, &tid, 1).await,
        edits::set_credential(db, o, a, &sid, "x", 1).await,
        edits::add_app_admin(db, o, a, &o.user_id.0, 1).await,
    ];
    for r in results {
        assert_eq!(r.unwrap_err().code, ErrorCode::NotFound);
    }
    assert_eq!(w.t.snapshot().await, before);

    // Through an app of its own, the outsider cannot reach our parts either.
    let ours = w.snap().await;
    let own = edits::create_app(db, o, &AppSettings::parse("mine", "chart", "").unwrap(), 1)
        .await
        .unwrap();
    assert_eq!(
        edits::delete_form(db, o, &own, &form, 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        edits::delete_template(db, o, &own, &tid, 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        edits::set_credential(db, o, &own, &sid, "x", 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(w.snap().await, ours);
}

#[tokio::test]
async fn validation_names_the_field_and_saves_nothing() {
    let w = world().await;
    let (form, _) = w.build().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    let before = w.t.snapshot().await;
    assert_eq!(
        FieldInput::parse("x", "text", false, "a").unwrap_err().code,
        ErrorCode::OptionsNotAllowed
    );
    assert_eq!(
        FieldInput::parse("x", "single_choice", false, "")
            .unwrap_err()
            .code,
        ErrorCode::InvalidOptions
    );
    assert_eq!(
        FieldInput::parse("", "text", false, "").unwrap_err().code,
        ErrorCode::InvalidFieldLabel
    );
    assert_eq!(
        edits::add_form(db, c, a, &"长".repeat(61), "plain", 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidFormName
    );
    assert_eq!(
        edits::add_form(db, c, a, "x", "wizard", 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidFormKind
    );
    assert_eq!(
        edits::add_step(db, c, a, &form, " ", 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidStepName
    );
    assert_eq!(
        AppSettings::parse("x", "rocket", "").unwrap_err().code,
        ErrorCode::InvalidIcon
    );
    assert_eq!(w.t.snapshot().await, before);
}

#[tokio::test]
async fn a_list_refuses_an_item_past_its_limit() {
    let w = world().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    for i in 0..limits::SERVICES {
        let input = ServiceInput::parse(&format!("s{i}"), "https://s.example").unwrap();
        edits::add_service(db, c, a, &input, None, 1).await.unwrap();
    }
    let before = w.t.snapshot().await;
    let input = ServiceInput::parse("one more", "https://s.example").unwrap();
    let e = edits::add_service(db, c, a, &input, None, 1)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TooMany);
    assert_eq!(w.t.snapshot().await, before);
    assert_eq!(w.snap().await.services.len(), limits::SERVICES);
}

#[tokio::test]
async fn deleting_an_app_removes_all_its_parts() {
    let w = world().await;
    let (form, _) = w.build().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    edits::add_template(db, c, a, &form, "submitted", "x", 1)
        .await
        .unwrap();
    edits::add_service(
        db,
        c,
        a,
        &ServiceInput::parse("s", "https://s.example").unwrap(),
        Some("k"),
        1,
    )
    .await
    .unwrap();
    edits::delete_app(db, c, a, 1).await.unwrap();
    for table in [
        "apps",
        "forms",
        "fields",
        "process_steps",
        "notification_templates",
        "services",
        "app_admins",
    ] {
        assert_eq!(
            w.t.count(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(w.audit("app.delete").await, 1);
}

#[tokio::test]
async fn snapshot_round_trip_gives_an_equal_definition() {
    let w = world().await;
    w.build_complete().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    edits::add_app_admin(db, c, a, &w.member.user_id.0, 1)
        .await
        .unwrap();
    let original = w.snap().await;
    assert_eq!(
        snapshot::AppSnapshot::from_json(&original.to_json()).unwrap(),
        original
    );

    let mut tx = db.begin_write().await.unwrap();
    let d = snapshot::Deploy {
        org_id: &c.org().unwrap().org_id.0,
        actor_user_id: &c.user_id.0,
        origin: "own",
        foreign: false,
        now: 1,
    };
    let copy = snapshot::deploy(&mut tx, &original, &d).await.unwrap();
    let again = snapshot::load(&mut tx, &copy).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_ne!(copy, w.app);
    assert_eq!(again, original);
}

#[tokio::test]
async fn a_foreign_copy_leaves_people_and_credentials_behind_and_needs_configuration() {
    let w = world().await;
    w.build_complete().await;
    let db = &w.t.db;
    let original = w.snap().await;
    let o = &w.outsider;
    let mut tx = db.begin_write().await.unwrap();
    let d = snapshot::Deploy {
        org_id: &o.org().unwrap().org_id.0,
        actor_user_id: &o.user_id.0,
        origin: "installed",
        foreign: true,
        now: 1,
    };
    let copy = snapshot::deploy(&mut tx, &original, &d).await.unwrap();
    tx.commit().await.unwrap();
    let detail = reads::detail(db, o, &copy).await.unwrap();
    assert!(detail.forms[0].process_needs_config);
    assert!(detail.forms[0].steps.iter().all(|s| s.approvers.is_empty()));
    assert!(detail
        .templates
        .iter()
        .all(|t| t.needs_config && t.recipients.is_empty()));
    assert!(detail
        .services
        .iter()
        .all(|s| s.needs_config && s.credential_set_at.is_none()));
    assert_eq!(detail.forms[0].fields.len(), 2);
}

#[tokio::test]
async fn backups_hold_no_plaintext_credential_and_old_ones_are_sealed_at_start() {
    let w = world().await;
    let (db, c, a) = (&w.t.db, &w.admin, &w.app);
    let input = ServiceInput::parse("CRM", "https://crm.example/api").unwrap();
    let sid = edits::add_service(db, c, a, &input, Some("plaintext-canary-4711"), 42)
        .await
        .unwrap();
    if !common::on_postgres() {
        let backup = w.t.dir().join("backup.db");
        db.backup_to(&backup).await.unwrap();
        let bytes = std::fs::read(&backup).unwrap();
        let needle = b"plaintext-canary-4711";
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
    // A credential written in plaintext (before sealing existed) is sealed
    // by the start-up pass, and nothing else changes.
    sqlx::query("UPDATE services SET credential = 'legacy-canary' WHERE id = $1")
        .bind(&sid)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(edits::reseal_credentials(db).await.unwrap(), 1);
    let (stored,): (String,) = sqlx::query_as("SELECT credential FROM services WHERE id = $1")
        .bind(&sid)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(!stored.contains("legacy-canary"));
    assert_eq!(db.secrets.open(&stored).unwrap(), "legacy-canary");
    assert_eq!(
        edits::reseal_credentials(db).await.unwrap(),
        0,
        "idempotent"
    );
}
