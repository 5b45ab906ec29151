//! Database tests of using an app: values checked per field, records,
//! approvals (one of a step's approvers settles it, reject ends it, a
//! running approval keeps its steps), messages, visibility, paging.
#![cfg(feature = "ssr")]

#[path = "../common/mod.rs"]
mod common;

use app::apps::domain::Recipient;
use app::apps::queries::edits::{self, FieldInput};
use app::error::ErrorCode;
use app::runtime::domain::{value_key, Decision, RawValues, RecordStatus};
use app::runtime::queries as rt;
use app::session::Ctx;
use app::values::{FieldId, FormId, RecordId, StepId};
use common::world::{cast, Cast};
use common::T0;

/// A visit report: a required text, a number, a date, a single and a
/// multiple choice, and a member.
struct Form {
    id: FormId,
    fields: Vec<FieldId>,
    steps: Vec<StepId>,
}

async fn form(c: &Cast, kind: &str) -> Form {
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    let id = edits::add_form(db, isv, app, "拜访记录", kind, T0)
        .await
        .unwrap();
    let mut fields = Vec::new();
    for (label, t, req, opts) in [
        ("客户名称", "text", true, ""),
        ("金额", "number", false, ""),
        ("日期", "date", false, ""),
        ("结果", "single_choice", false, "成交\n跟进"),
        ("产品", "multi_choice", false, "甲\n乙\n丙"),
        ("陪同", "member", false, ""),
    ] {
        let f = FieldInput::parse(label, t, req, opts).unwrap();
        fields.push(edits::add_field(db, isv, app, &id, &f, T0).await.unwrap());
    }
    Form {
        id,
        fields,
        steps: Vec::new(),
    }
}

/// A process form: step 1 approved by Acme's admin or its member, step 2 by
/// the admin alone.
async fn process(c: &Cast) -> Form {
    let mut f = form(c, "process").await;
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    for (name, approvers) in [
        ("主管审批", vec![&c.isv.user_id, &c.isv_member.user_id]),
        ("财务审批", vec![&c.isv.user_id]),
    ] {
        let step = edits::add_step(db, isv, app, &f.id, name, T0)
            .await
            .unwrap();
        for u in approvers {
            edits::set_approver(db, isv, app, &step, u, true, T0)
                .await
                .unwrap();
        }
        f.steps.push(step);
    }
    f
}

fn values(f: &Form, pairs: &[(usize, &str)]) -> RawValues {
    pairs
        .iter()
        .map(|(i, v)| (value_key(&f.fields[*i], None), v.to_string()))
        .collect()
}

async fn submit(c: &Cast, who: &Ctx, f: &Form, pairs: &[(usize, &str)]) -> RecordId {
    rt::submit(&c.t.db, who, &c.app, &f.id, &values(f, pairs), T0)
        .await
        .unwrap()
}

async fn status(c: &Cast, who: &Ctx, r: &RecordId) -> RecordStatus {
    rt::detail(&c.t.db, who, r, T0).await.unwrap().status
}

/// Rows the runtime writes, to check that a refusal wrote none.
async fn written(c: &Cast) -> i64 {
    let mut n = 0;
    for t in [
        "records",
        "record_readers",
        "record_tasks",
        "record_events",
        "messages",
    ] {
        n += c.t.count(&format!("SELECT COUNT(*) FROM {t}")).await;
    }
    n
}

#[tokio::test]
async fn a_plain_form_stores_checked_values_and_refuses_bad_ones_beside_their_fields() {
    let c = cast().await;
    let f = form(&c, "plain").await;
    let mut raw = values(
        &f,
        &[
            (0, "北风贸易"),
            (1, "12.50"),
            (2, "2027-01-15"),
            (3, "成交"),
            (5, ""),
        ],
    );
    raw.insert(value_key(&f.fields[4], Some(0)), "丙".into());
    raw.insert(value_key(&f.fields[4], Some(1)), "甲".into());
    raw.insert(
        value_key(&f.fields[5], None),
        c.isv_member.user_id.to_string(),
    );
    let id = rt::submit(&c.t.db, &c.isv_member, &c.app, &f.id, &raw, T0)
        .await
        .unwrap();
    let r = rt::detail(&c.t.db, &c.isv_member, &id, T0).await.unwrap();
    assert_eq!(r.status, RecordStatus::Submitted);
    let shown: Vec<(&str, &str)> = r
        .values
        .iter()
        .map(|v| (v.label.as_str(), v.text.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("客户名称", "北风贸易"),
            ("金额", "12.50"),
            ("日期", "2027-01-15"),
            ("结果", "成交"),
            ("产品", "甲, 丙"),
            ("陪同", "dev")
        ]
    );

    // Every bad value is named beside its field; nothing is written.
    let before = written(&c).await;
    let bad = values(
        &f,
        &[
            (0, " "),
            (1, "十二"),
            (2, "2027-02-30"),
            (3, "失败"),
            (5, "nobody"),
        ],
    );
    let e = rt::submit(&c.t.db, &c.isv_member, &c.app, &f.id, &bad, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidValues);
    let got: Vec<(String, ErrorCode)> = e
        .fields
        .iter()
        .map(|x| (x.field_id.clone(), x.code))
        .collect();
    assert_eq!(
        got,
        [
            (f.fields[0].to_string(), ErrorCode::ValueRequired),
            (f.fields[1].to_string(), ErrorCode::InvalidNumber),
            (f.fields[2].to_string(), ErrorCode::InvalidDate),
            (f.fields[3].to_string(), ErrorCode::InvalidChoice),
            (f.fields[5].to_string(), ErrorCode::InvalidMember),
        ]
    );
    // A member of another organization is not someone to choose.
    let other = values(&f, &[(0, "x"), (5, &c.buyer.user_id)]);
    let e = rt::submit(&c.t.db, &c.isv_member, &c.app, &f.id, &other, T0)
        .await
        .unwrap_err();
    assert_eq!(e.fields[0].code, ErrorCode::InvalidMember);
    assert_eq!(written(&c).await, before);
}

#[tokio::test]
async fn one_approver_settles_a_step_and_the_last_step_approves_the_record() {
    let c = cast().await;
    let f = process(&c).await;
    let db = &c.t.db;
    let r = submit(&c, &c.isv_member, &f, &[(0, "北风")]).await;
    assert_eq!(
        status(&c, &c.isv_member, &r).await,
        RecordStatus::InApproval
    );
    // Step 1 waits for both of its approvers; either one settles it.
    assert_eq!(rt::todo(db, &c.isv).await.unwrap().len(), 1);
    assert_eq!(rt::todo(db, &c.isv_member).await.unwrap().len(), 1);
    rt::decide(db, &c.isv_member, &r, Decision::Approve, "好", T0 + 1)
        .await
        .unwrap();
    assert!(rt::todo(db, &c.isv_member).await.unwrap().is_empty());
    // The same step cannot be decided twice.
    let again = rt::decide(db, &c.isv_member, &r, Decision::Approve, "", T0 + 2)
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::AlreadyDecided);
    let todo = rt::todo(db, &c.isv).await.unwrap();
    assert_eq!(todo.len(), 1);
    assert_eq!(todo[0].step, "财务审批");
    rt::decide(db, &c.isv, &r, Decision::Approve, "", T0 + 3)
        .await
        .unwrap();
    let d = rt::detail(db, &c.isv_member, &r, T0).await.unwrap();
    assert_eq!(d.status, RecordStatus::Approved);
    assert_eq!(d.current_step, None);
    let kinds: Vec<&str> = d.history.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["submitted", "approved", "approved"]);
    assert_eq!(d.history[1].detail, "主管审批");
    assert_eq!(d.history[1].comment, "好");
    assert!(rt::todo(db, &c.isv).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_rejection_ends_the_flow() {
    let c = cast().await;
    let f = process(&c).await;
    let db = &c.t.db;
    let r = submit(&c, &c.isv_member, &f, &[(0, "北风")]).await;
    rt::decide(db, &c.isv, &r, Decision::Reject, "不符合", T0 + 1)
        .await
        .unwrap();
    assert_eq!(status(&c, &c.isv, &r).await, RecordStatus::Rejected);
    assert!(rt::todo(db, &c.isv).await.unwrap().is_empty());
    assert!(rt::todo(db, &c.isv_member).await.unwrap().is_empty());
    let e = rt::decide(db, &c.isv_member, &r, Decision::Approve, "", T0 + 2)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AlreadyDecided);
}

#[tokio::test]
async fn a_running_approval_keeps_the_steps_it_started_with() {
    let c = cast().await;
    let f = process(&c).await;
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    let r = submit(&c, &c.isv_member, &f, &[(0, "北风")]).await;
    // The process is edited meanwhile: step 2 goes, step 1 loses the member.
    edits::delete_step(db, isv, app, &f.steps[1], T0)
        .await
        .unwrap();
    edits::set_approver(db, isv, app, &f.steps[0], &c.isv_member.user_id, false, T0)
        .await
        .unwrap();
    rt::decide(db, &c.isv_member, &r, Decision::Approve, "", T0 + 1)
        .await
        .unwrap();
    let d = rt::detail(db, isv, &r, T0).await.unwrap();
    assert_eq!(d.steps, ["主管审批", "财务审批"]);
    assert_eq!(d.status, RecordStatus::InApproval);
    assert_eq!(d.current_step, Some(1));
    rt::decide(db, isv, &r, Decision::Approve, "", T0 + 2)
        .await
        .unwrap();
    assert_eq!(status(&c, isv, &r).await, RecordStatus::Approved);
}

#[tokio::test]
async fn an_unconfigured_process_is_refused_with_nothing_created() {
    let c = cast().await;
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    let f = form(&c, "process").await;
    let before = written(&c).await;
    // No step yet; then a step without approvers; then an installed copy's
    // process waiting to be set up again.
    let raw = values(&f, &[(0, "x")]);
    let attempt = || rt::submit(db, &c.isv_member, app, &f.id, &raw, T0);
    assert_eq!(
        attempt().await.unwrap_err().code,
        ErrorCode::ProcessNotSetUp
    );
    let step = edits::add_step(db, isv, app, &f.id, "审批", T0)
        .await
        .unwrap();
    assert_eq!(
        attempt().await.unwrap_err().code,
        ErrorCode::ProcessNotSetUp
    );
    edits::set_approver(db, isv, app, &step, &isv.user_id, true, T0)
        .await
        .unwrap();
    sqlx::query("UPDATE forms SET process_needs_config = 1 WHERE id = $1")
        .bind(&f.id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        attempt().await.unwrap_err().code,
        ErrorCode::ProcessNotSetUp
    );
    assert_eq!(written(&c).await, before);
    sqlx::query("UPDATE forms SET process_needs_config = 0 WHERE id = $1")
        .bind(&f.id)
        .execute(&db.pool)
        .await
        .unwrap();
    attempt().await.unwrap();
}

#[tokio::test]
async fn templates_render_the_records_values_to_their_recipients_unless_they_need_setup() {
    let c = cast().await;
    let f = process(&c).await;
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    let on_submit = edits::add_template(
        db,
        isv,
        app,
        &f.id,
        "submitted",
        "{{客户名称}} 待审批，金额 {{金额}}",
        T0,
    )
    .await
    .unwrap();
    edits::set_recipient(
        db,
        isv,
        app,
        &on_submit,
        &Recipient::User(isv.user_id.to_string()),
        true,
        T0,
    )
    .await
    .unwrap();
    edits::set_recipient(db, isv, app, &on_submit, &Recipient::Submitter, true, T0)
        .await
        .unwrap();
    let on_reject = edits::add_template(db, isv, app, &f.id, "rejected", "{{客户名称}} 被拒", T0)
        .await
        .unwrap();
    edits::set_recipient(db, isv, app, &on_reject, &Recipient::Submitter, true, T0)
        .await
        .unwrap();
    // An installed copy's template waiting for its recipients is not sent.
    let pending = edits::add_template(db, isv, app, &f.id, "rejected", "未设置", T0)
        .await
        .unwrap();
    sqlx::query("UPDATE notification_templates SET needs_config = 1 WHERE id = $1")
        .bind(&pending)
        .execute(&db.pool)
        .await
        .unwrap();

    let r = submit(&c, &c.isv_member, &f, &[(0, "北风"), (1, "3")]).await;
    let inbox = rt::messages(db, isv).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].body, "北风 待审批，金额 3");
    assert_eq!(
        rt::counts(
            db,
            &isv.user_id,
            &c.t.one("SELECT org_id FROM apps WHERE id = $1", app).await
        )
        .await
        .unwrap()
        .unread,
        1
    );
    rt::decide(db, isv, &r, Decision::Reject, "", T0 + 1)
        .await
        .unwrap();
    let mine = rt::messages(db, &c.isv_member).await.unwrap();
    let bodies: Vec<&str> = mine.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies.len(), 2);
    assert!(bodies.contains(&"北风 被拒") && bodies.contains(&"北风 待审批，金额 3"));
    let kinds: Vec<String> = rt::detail(db, isv, &r, T0)
        .await
        .unwrap()
        .history
        .iter()
        .map(|e| e.kind.as_str().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "submitted",
            "notified",
            "rejected",
            "notified",
            "notify_skipped"
        ]
    );

    // Read one, then all; someone else's message is not found.
    rt::mark_read(db, &c.isv_member, Some(&mine[0].id), T0)
        .await
        .unwrap();
    let e = rt::mark_read(db, isv, Some(&mine[1].id), T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    rt::mark_read(db, &c.isv_member, None, T0).await.unwrap();
    assert!(rt::messages(db, &c.isv_member)
        .await
        .unwrap()
        .iter()
        .all(|m| m.read));
}

#[tokio::test]
async fn members_see_what_they_submitted_or_approve_admins_see_everything_other_orgs_nothing() {
    let c = cast().await;
    let f = process(&c).await;
    let db = &c.t.db;
    // Only the admin approves: the member does not see the admin's record.
    sqlx::query("UPDATE process_steps SET approvers_json = $1")
        .bind(format!("[\"{}\"]", c.isv.user_id))
        .execute(&db.pool)
        .await
        .unwrap();
    let admins = submit(&c, &c.isv, &f, &[(0, "甲客户")]).await;
    let members = submit(&c, &c.isv_member, &f, &[(0, "乙客户")]).await;
    let e = rt::detail(db, &c.isv_member, &admins, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let mine = rt::list(db, &c.isv_member, &c.app, &f.id, "", "", None, T0)
        .await
        .unwrap();
    assert!(!mine.sees_all);
    assert_eq!(
        mine.rows.iter().map(|r| &r.id).collect::<Vec<_>>(),
        [&members]
    );
    let all = rt::list(db, &c.isv, &c.app, &f.id, "", "", None, T0)
        .await
        .unwrap();
    assert!(all.sees_all);
    assert_eq!(all.rows.len(), 2);
    // Another organization: not found, whatever it tries.
    for r in [&admins, &members] {
        assert_eq!(
            rt::detail(db, &c.buyer, r, T0).await.unwrap_err().code,
            ErrorCode::NotFound
        );
        let e = rt::decide(db, &c.buyer, r, Decision::Approve, "", T0)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
    }
    let e = rt::list(db, &c.buyer, &c.app, &f.id, "", "", None, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(rt::todo(db, &c.buyer).await.unwrap().is_empty());
}

#[tokio::test]
async fn records_page_newest_first_by_keyset_search_and_status() {
    let c = cast().await;
    let f = process(&c).await;
    let db = &c.t.db;
    let mut ids = Vec::new();
    for i in 0..60 {
        let raw = values(&f, &[(0, &format!("客户{i:02} 100%_x"))]);
        ids.push(
            rt::submit(db, &c.isv_member, &c.app, &f.id, &raw, T0 + i / 2)
                .await
                .unwrap(),
        );
    }
    rt::decide(db, &c.isv, &ids[3], Decision::Reject, "", T0)
        .await
        .unwrap();
    let first = rt::list(db, &c.isv_member, &c.app, &f.id, "", "", None, T0)
        .await
        .unwrap();
    assert_eq!(first.rows.len(), 50);
    let second = rt::list(
        db,
        &c.isv_member,
        &c.app,
        &f.id,
        "",
        "",
        first.next.as_deref(),
        T0,
    )
    .await
    .unwrap();
    assert_eq!(second.rows.len(), 10);
    assert!(second.next.is_none());
    let mut seen: Vec<&RecordId> = first
        .rows
        .iter()
        .chain(&second.rows)
        .map(|r| &r.id)
        .collect();
    // Newest first, each record once (several share a time).
    let times: Vec<i64> = first
        .rows
        .iter()
        .chain(&second.rows)
        .map(|r| r.submitted_at)
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 60);
    // The same walk for an admin.
    let admin = rt::list(db, &c.isv, &c.app, &f.id, "", "", None, T0)
        .await
        .unwrap();
    let admin2 = rt::list(db, &c.isv, &c.app, &f.id, "", "", admin.next.as_deref(), T0)
        .await
        .unwrap();
    assert_eq!(admin.rows.len() + admin2.rows.len(), 60);

    let hit = rt::list(db, &c.isv, &c.app, &f.id, "客户07", "", None, T0)
        .await
        .unwrap();
    assert_eq!(hit.rows.len(), 1);
    // Wildcards are taken literally.
    let lit = rt::list(db, &c.isv, &c.app, &f.id, "5%_", "", None, T0)
        .await
        .unwrap();
    assert_eq!(lit.rows.len(), 0);
    let pct = rt::list(db, &c.isv, &c.app, &f.id, "100%_x", "", None, T0)
        .await
        .unwrap();
    assert_eq!(pct.rows.len(), 50);
    let rejected = rt::list(db, &c.isv, &c.app, &f.id, "", "rejected", None, T0)
        .await
        .unwrap();
    assert_eq!(
        rejected.rows.iter().map(|r| &r.id).collect::<Vec<_>>(),
        [&ids[3]]
    );
    let e = rt::list(db, &c.isv, &c.app, &f.id, "", "lost", None, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn values_outlive_a_deleted_field_and_a_removed_option() {
    let c = cast().await;
    let f = form(&c, "plain").await;
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    let r = submit(&c, &c.isv_member, &f, &[(0, "北风"), (3, "跟进")]).await;
    edits::delete_field(db, isv, app, &f.fields[0], T0)
        .await
        .unwrap();
    let single = FieldInput::parse("结果", "single_choice", false, "成交").unwrap();
    edits::update_field(db, isv, app, &f.fields[3], &single, T0)
        .await
        .unwrap();
    let d = rt::detail(db, &c.isv_member, &r, T0).await.unwrap();
    assert_eq!(d.values[0].label, "客户名称");
    assert_eq!(d.values[0].text, "北风");
    assert!(d.values[0].field_removed);
    assert_eq!(d.values[1].text, "跟进");
    assert_eq!(d.values[1].removed_options, ["跟进"]);
}

#[tokio::test]
async fn two_approvers_deciding_one_step_at_once_settle_it_once() {
    let c = cast().await;
    let f = process(&c).await;
    let db = &c.t.db;
    let r = submit(&c, &c.isv_member, &f, &[(0, "北风")]).await;
    let (a, b) = tokio::join!(
        rt::decide(db, &c.isv, &r, Decision::Approve, "", T0 + 1),
        rt::decide(db, &c.isv_member, &r, Decision::Reject, "", T0 + 1),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let d = rt::detail(db, &c.isv, &r, T0).await.unwrap();
    let decisions = d
        .history
        .iter()
        .filter(|e| matches!(e.kind.as_str(), "approved" | "rejected"))
        .count();
    assert_eq!(decisions, 1);
}

#[tokio::test]
async fn only_chosen_members_use_an_app_that_says_so_and_its_admins_always_do() {
    let c = cast().await;
    let f = form(&c, "plain").await;
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    use app::apps::domain::UseBy;
    edits::set_use_by(db, isv, app, UseBy::Chosen, T0)
        .await
        .unwrap();
    let before = written(&c).await;
    let raw = values(&f, &[(0, "x")]);
    let e = rt::submit(db, &c.isv_member, app, &f.id, &raw, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAppUser);
    assert_eq!(written(&c).await, before);
    let cards = app::apps::queries::list(db, &c.isv_member, T0)
        .await
        .unwrap();
    assert!(!cards[0].can_use);
    // The organization's admin always may; a chosen member then may too.
    rt::submit(db, isv, app, &f.id, &raw, T0).await.unwrap();
    edits::set_app_user(db, isv, app, &c.isv_member.user_id, true, T0)
        .await
        .unwrap();
    rt::submit(db, &c.isv_member, app, &f.id, &raw, T0)
        .await
        .unwrap();
    assert!(
        app::apps::queries::list(db, &c.isv_member, T0)
            .await
            .unwrap()[0]
            .can_use
    );
    // Someone of another organization cannot be chosen.
    let e = edits::set_app_user(db, isv, app, &c.buyer.user_id, true, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotOrgUser);
    // Back to everyone.
    edits::set_app_user(db, isv, app, &c.isv_member.user_id, false, T0)
        .await
        .unwrap();
    edits::set_use_by(db, isv, app, UseBy::Everyone, T0)
        .await
        .unwrap();
    rt::submit(db, &c.isv_member, app, &f.id, &raw, T0)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_approver_who_left_the_organization_is_no_approver() {
    let c = cast().await;
    let f = process(&c).await;
    let db = &c.t.db;
    // The member leaves Acme: step 1 keeps the admin; step 2 was the admin's.
    app::accounts::queries::remove_member(db, &c.isv, &c.isv_member.user_id, T0)
        .await
        .unwrap();
    let r = submit(&c, &c.isv, &f, &[(0, "北风")]).await;
    assert_eq!(rt::todo(db, &c.isv).await.unwrap().len(), 1);
    assert_eq!(
        c.t.count("SELECT COUNT(*) FROM record_tasks").await,
        1,
        "only the admin waits"
    );
    rt::decide(db, &c.isv, &r, Decision::Approve, "", T0)
        .await
        .unwrap();
    rt::decide(db, &c.isv, &r, Decision::Approve, "", T0)
        .await
        .unwrap();
    assert_eq!(status(&c, &c.isv, &r).await, RecordStatus::Approved);
    // A step whose only approver has left cannot start.
    sqlx::query("UPDATE process_steps SET approvers_json = $1 WHERE id = $2")
        .bind(format!("[\"{}\"]", c.isv_member.user_id))
        .bind(&f.steps[1])
        .execute(&db.pool)
        .await
        .unwrap();
    let raw = values(&f, &[(0, "x")]);
    let e = rt::submit(db, &c.isv, &c.app, &f.id, &raw, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ProcessNotSetUp);
}
