//! Every kind of part: settings, forms, fields, steps, templates, services.

use super::*;

#[tokio::test]
async fn creating_an_app_is_for_admins_and_is_audited() {
    let w = world().await;
    assert_eq!(w.audit("app.create").await, 1);
    let before = w.t.snapshot().await;
    let s = AppSettings::parse("x", "chart", "").unwrap();
    assert_eq!(
        edits::create_app(&w.t.db, &w.isv_member, &s, 1)
            .await
            .unwrap_err()
            .code,
        ErrorCode::AppCreateAdminOnly
    );
    assert_eq!(w.t.snapshot().await, before);
    let cards = reads::list(&w.t.db, &w.isv_member, T0).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert!(!cards[0].can_edit);
    assert!(reads::list(&w.t.db, &w.isv, T0).await.unwrap()[0].can_edit);
}

#[tokio::test]
async fn settings_change_with_before_and_after_in_the_audit() {
    let w = world().await;
    let s = AppSettings::parse("设备报修", "wrench", "新描述").unwrap();
    edits::update_app(&w.t.db, &w.isv, &w.app, &s, 9)
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
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
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
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
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
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
    let p = &w.snap().await.forms[0].process;
    assert_eq!(
        p.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["经理审批", "财务审批"]
    );
    assert_eq!(
        p[1].approvers,
        std::slice::from_ref(&w.isv_member.user_id.0)
    );

    // An outsider cannot be an approver; a duplicate is refused.
    let e = edits::set_approver(db, c, a, &steps[0], &w.other_buyer.user_id.0, true, 1)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotOrgUser);
    let e = edits::set_approver(db, c, a, &steps[0], &w.isv.user_id.0, true, 1)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyAdded);

    edits::move_step(db, c, a, &steps[1], true, 1)
        .await
        .unwrap();
    edits::set_approver(db, c, a, &steps[0], &w.isv.user_id.0, false, 1)
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
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
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
        &Recipient::User(w.isv_member.user_id.0.clone()),
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
    assert_eq!(
        t.recipients,
        [Recipient::User(w.isv_member.user_id.0.clone())]
    );
    edits::delete_template(db, c, a, &tid, 1).await.unwrap();
    assert!(w.snap().await.templates.is_empty());
}

#[tokio::test]
async fn a_credential_is_stored_but_never_read_back() {
    let w = world().await;
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
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
