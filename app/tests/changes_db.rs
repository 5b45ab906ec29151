//! Database tests of maintenance change sets: a session's edits are one
//! change set; the customer reverts all of it, one part or one change, as a
//! new change set (which can itself be reverted); changes made since are
//! kept unless restored; dependents are named; deleted parts come back with
//! their records' values; the ISV takes a fix home to its own app.
#![cfg(feature = "ssr")]

mod common;

use app::accounts::{CertLevel, OrgId, Role};
use app::apps::queries::edits::{self, FieldInput};
use app::apps::snapshot::{self, AppSnapshot};
use app::changes::domain::{RevertOutcome, Risk, SetKind, Standing};
use app::changes::queries::{self as changes, Revert};
use app::distribution::domain::{LinkOptions, PurchaseOutcome};
use app::distribution::queries::links::{self, LinkRef};
use app::distribution::queries::purchase;
use app::error::{AppResult, ErrorCode};
use app::session::{Ctx, Membership};
use app::values::{AppId, ChangeSetId, FieldId, FormId, OrderId, RecordId};
use common::world::{cast, Cast};
use common::T0;

const T1: i64 = T0 + 60_000;
const T2: i64 = T0 + 120_000;

fn text_field(label: &str) -> FieldInput {
    FieldInput::parse(label, "text", false, "").unwrap()
}

/// Acme's app (a form 申请 with 客户 and 地点) sold to North.
struct Sold {
    w: Cast,
    copy: AppId,
    order: OrderId,
}

async fn sold() -> Sold {
    let w = cast().await;
    let (db, isv, app) = (&w.t.db, &w.isv, &w.app);
    let form = edits::add_form(db, isv, app, "申请", "plain", T0)
        .await
        .unwrap();
    for label in ["客户", "地点"] {
        edits::add_field(db, isv, app, &form, &text_field(label), T0)
            .await
            .unwrap();
    }
    let o = LinkOptions::parse("", "", "", "", "").unwrap();
    let link = links::create_link(db, isv, app, &o, T0).await.unwrap();
    let token = link.path.strip_prefix("/l/").unwrap();
    let org = w.buyer.org().unwrap().org_id.0.clone();
    let PurchaseOutcome::Bought { app_id: copy, .. } = purchase::purchase(
        db,
        &w.t.links,
        &w.buyer,
        LinkRef::Token(token),
        &org,
        "k1",
        T0,
    )
    .await
    .unwrap() else {
        panic!("not bought")
    };
    let order: String =
        w.t.one(
            "SELECT id FROM distribution_orders WHERE installed_app_id = $1",
            &copy,
        )
        .await;
    Sold {
        w,
        copy,
        order: order.into(),
    }
}

impl Sold {
    /// The ISV user inside the customer's organization, maintaining the copy.
    async fn maintain(&self) -> Ctx {
        let (db, t) = (&self.w.t.db, &self.w.t);
        app::maintenance::queries::start(db, &self.w.isv, &self.order, T0)
            .await
            .unwrap();
        let id: String = t
            .one(
                "SELECT id FROM maintenance_sessions WHERE app_id = $1 AND ended_at IS NULL",
                &self.copy,
            )
            .await;
        let m = app::session::store::maintenance(db, &id, T0)
            .await
            .unwrap()
            .unwrap();
        let mut ctx = self.w.isv.clone();
        ctx.org = Some(Membership {
            org_id: OrgId(m.customer_org_id.clone()),
            org_name: m.customer_name.clone(),
            role: Role::Member,
            cert: CertLevel::None,
            time_zone: m.customer_time_zone.clone(),
        });
        ctx.maintenance = Some(m);
        ctx
    }

    async fn end(&self, m: &Ctx) {
        let id = m.maintenance.as_ref().map(|m| &m.id);
        app::maintenance::queries::exit(&self.w.t.db, &m.session_hash, id, T1)
            .await
            .unwrap();
    }

    async fn now(&self) -> AppSnapshot {
        let mut conn = self.w.t.db.pool.acquire().await.unwrap();
        snapshot::load(&mut conn, &self.copy)
            .await
            .unwrap()
            .unwrap()
    }

    async fn id_of(&self, sql: &str) -> String {
        self.w.t.one(sql, &self.copy).await
    }

    async fn field(&self, label: &str) -> FieldId {
        self.id_of(&format!(
            "SELECT f.id FROM fields f JOIN forms m ON m.id = f.form_id WHERE m.app_id = $1 AND f.label = '{label}'"
        ))
        .await
        .into()
    }

    async fn form(&self) -> FormId {
        self.id_of("SELECT id FROM forms WHERE app_id = $1")
            .await
            .into()
    }

    async fn the_set(&self) -> ChangeSetId {
        let sets = changes::list(&self.w.t.db, &self.w.buyer, &self.copy, T2)
            .await
            .unwrap();
        sets.iter()
            .find(|s| s.kind == SetKind::Maintenance)
            .unwrap()
            .id
            .clone()
    }

    async fn revert(&self, set: &ChangeSetId, only: &[&str], restore: &[&str]) -> RevertOutcome {
        self.revert_as(&self.w.buyer, set, only, restore, false)
            .await
            .unwrap()
    }

    async fn revert_as(
        &self,
        who: &Ctx,
        set: &ChangeSetId,
        only: &[&str],
        restore: &[&str],
        with_dependents: bool,
    ) -> AppResult<RevertOutcome> {
        let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
        let restore: Vec<String> = restore.iter().map(|s| s.to_string()).collect();
        let r = Revert {
            only: &only,
            restore: &restore,
            with_dependents,
        };
        changes::revert(&self.w.t.db, who, &self.copy, set, &r, T2).await
    }

    /// The change of the set on `prop` of the part named `name`.
    async fn change_id(&self, set: &ChangeSetId, name: &str, prop: &str) -> String {
        let v = changes::view(&self.w.t.db, &self.w.buyer, &self.copy, set, T2)
            .await
            .unwrap();
        v.rows
            .iter()
            .find(|r| {
                r.change.prop.as_str() == prop
                    && (r.change.name == name || r.change.base.as_deref() == Some(name))
            })
            .unwrap_or_else(|| panic!("no {prop} change of {name}: {:?}", v.rows))
            .change
            .id
            .clone()
    }

    async fn submit(&self, pairs: &[(&FieldId, &str)]) -> RecordId {
        let raw = app::runtime::domain::RawValues::from_iter(
            pairs.iter().map(|(f, v)| (format!("f{f}"), v.to_string())),
        );
        app::runtime::queries::submit(
            &self.w.t.db,
            &self.w.buyer,
            &self.copy,
            &self.form().await,
            &raw,
            T0,
        )
        .await
        .unwrap()
    }

    async fn value(&self, record: &RecordId, label: &str) -> Option<(String, bool)> {
        let d = app::runtime::queries::detail(&self.w.t.db, &self.w.buyer, record, T2)
            .await
            .unwrap();
        d.values
            .iter()
            .find(|v| v.label == label)
            .map(|v| (v.text.clone(), v.field_removed))
    }
}

fn labels(s: &AppSnapshot) -> Vec<String> {
    s.forms[0].fields.iter().map(|f| f.label.clone()).collect()
}

#[tokio::test]
async fn a_session_is_one_change_set_and_one_change_reverts_alone() {
    let s = sold().await;
    let db = &s.w.t.db;
    let m = s.maintain().await;
    let (form, field) = (s.form().await, s.field("客户").await);
    edits::update_field(db, &m, &s.copy, &field, &text_field("客户名称"), T0)
        .await
        .unwrap();
    edits::rename_form(db, &m, &s.copy, &form, "客户申请", T0)
        .await
        .unwrap();
    s.end(&m).await;
    let sets = changes::list(db, &s.w.buyer, &s.copy, T2).await.unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].changes, 2);
    assert!(!sets[0].reviewed);
    assert_eq!(sets[0].author_org, "Acme");
    // The app's card counts it for the customer's admins only.
    let unreviewed = |cards: Vec<app::apps::domain::AppCard>| {
        cards
            .iter()
            .find(|c| c.id == s.copy)
            .map(|c| c.unreviewed_changes)
    };
    let cards = app::apps::queries::list(db, &s.w.buyer, T2).await.unwrap();
    assert_eq!(unreviewed(cards), Some(1));
    let cards = app::apps::queries::list(db, &s.w.buyer_member, T2)
        .await
        .unwrap();
    assert_eq!(unreviewed(cards), Some(0));
    let set = sets[0].id.clone();
    let view = changes::view(db, &s.w.buyer, &s.copy, &set, T2)
        .await
        .unwrap();
    assert!(view.rows.iter().all(|r| r.standing == Standing::Restorable));
    // Revert the label only: the form keeps its new name.
    let label = s.change_id(&set, "客户", "label").await;
    let out = s.revert(&set, &[&label], &[]).await;
    assert_eq!(out.reverted, 1);
    let now = s.now().await;
    assert_eq!(labels(&now), ["客户", "地点"]);
    assert_eq!(now.forms[0].name, "客户申请");
    assert_eq!(
        s.w.t
            .one(
                "SELECT action FROM audit_entries WHERE app_id = $1 AND action = 'changes.revert'",
                &s.copy
            )
            .await,
        "changes.revert"
    );
    // The same request again changes nothing and makes no second set.
    assert_eq!(
        s.revert(&set, &[&label], &[]).await,
        RevertOutcome::default()
    );
    let sets = changes::list(db, &s.w.buyer, &s.copy, T2).await.unwrap();
    assert_eq!(sets.len(), 2);
    let revert_set = sets.iter().find(|x| x.kind == SetKind::Revert).unwrap();
    assert_eq!(revert_set.reverts.as_ref(), Some(&set));
    // The revert is a change set of its own: reverting it restores the session's label.
    let out = s.revert(&revert_set.id.clone(), &[], &[]).await;
    assert_eq!(out.reverted, 1);
    assert_eq!(labels(&s.now().await), ["客户名称", "地点"]);
    // The view says the label is the session's again, the name too.
    let view = changes::view(db, &s.w.buyer, &s.copy, &set, T2)
        .await
        .unwrap();
    assert!(view.rows.iter().all(|r| r.standing == Standing::Restorable));
    changes::mark_reviewed(db, &s.w.buyer, &s.copy, &set, T2)
        .await
        .unwrap();
    assert!(
        changes::view(db, &s.w.buyer, &s.copy, &set, T2)
            .await
            .unwrap()
            .set
            .reviewed
    );
}

#[tokio::test]
async fn a_change_made_since_is_kept_unless_restored() {
    let s = sold().await;
    let db = &s.w.t.db;
    let m = s.maintain().await;
    let form = s.form().await;
    edits::rename_form(db, &m, &s.copy, &form, "客户申请", T0)
        .await
        .unwrap();
    edits::update_field(
        db,
        &m,
        &s.copy,
        &s.field("地点").await,
        &text_field("地址"),
        T0,
    )
    .await
    .unwrap();
    s.end(&m).await;
    // The customer renames the form again afterwards.
    edits::rename_form(db, &s.w.buyer, &s.copy, &form, "我们的申请", T1)
        .await
        .unwrap();
    let set = s.the_set().await;
    let view = changes::view(db, &s.w.buyer, &s.copy, &set, T2)
        .await
        .unwrap();
    let name = view
        .rows
        .iter()
        .find(|r| r.change.prop.as_str() == "name")
        .unwrap();
    assert_eq!(name.standing, Standing::ChangedSince);
    assert_eq!(name.change.base.as_deref(), Some("申请"));
    assert_eq!(name.change.new.as_deref(), Some("客户申请"));
    assert_eq!(name.now.as_deref(), Some("我们的申请"));
    let name_id = name.change.id.clone();
    // The whole session: the label goes back, the later name stays.
    assert_eq!(s.revert(&set, &[], &[]).await.reverted, 1);
    let now = s.now().await;
    assert_eq!(now.forms[0].name, "我们的申请");
    assert_eq!(labels(&now), ["客户", "地点"]);
    // Restoring that one change explicitly takes the value from before.
    assert_eq!(s.revert(&set, &[&name_id], &[&name_id]).await.reverted, 1);
    assert_eq!(s.now().await.forms[0].name, "申请");
}

#[tokio::test]
async fn a_deleted_field_comes_back_with_its_values_and_an_added_one_leaves_them() {
    let s = sold().await;
    let db = &s.w.t.db;
    let place = s.field("地点").await;
    let before = s.submit(&[(&place, "上海")]).await;
    let m = s.maintain().await;
    edits::delete_field(db, &m, &s.copy, &place, T0)
        .await
        .unwrap();
    let phone = edits::add_field(db, &m, &s.copy, &s.form().await, &text_field("电话"), T0)
        .await
        .unwrap();
    s.end(&m).await;
    assert_eq!(s.value(&before, "地点").await, Some(("上海".into(), true)));
    let after = s.submit(&[(&phone, "123")]).await;
    let set = s.the_set().await;
    let sets = changes::list(db, &s.w.buyer, &s.copy, T2).await.unwrap();
    assert!(sets[0].risky.contains(&Risk::Deletions));
    assert_eq!(s.revert(&set, &[], &[]).await.reverted, 2);
    // The field is back under its id: the record's value is its value again.
    assert_eq!(s.field("地点").await, place);
    assert_eq!(labels(&s.now().await), ["客户", "地点"]);
    assert_eq!(s.value(&before, "地点").await, Some(("上海".into(), false)));
    // The added field left the form; what was entered in it stays.
    assert_eq!(s.value(&after, "电话").await, Some(("123".into(), true)));
}

#[tokio::test]
async fn removing_a_field_others_refer_to_is_refused_or_done_with_them() {
    let s = sold().await;
    let db = &s.w.t.db;
    let m = s.maintain().await;
    let form = s.form().await;
    let phone = edits::add_field(db, &m, &s.copy, &form, &text_field("电话"), T0)
        .await
        .unwrap();
    edits::add_template(db, &m, &s.copy, &form, "submitted", "请回电 {{电话}}", T0)
        .await
        .unwrap();
    s.end(&m).await;
    let set = s.the_set().await;
    let field_key: String = s
        .id_of(&format!(
            "SELECT COALESCE(origin_key, id) FROM fields WHERE id = '{phone}' AND $1 <> ''"
        ))
        .await;
    let before = s.now().await;
    let out = s
        .revert_as(&s.w.buyer, &set, &[&field_key], &[], false)
        .await
        .unwrap();
    assert_eq!(out.reverted, 0);
    assert_eq!(out.dependents.len(), 1);
    assert!(out.dependents[0].in_set);
    assert_eq!(s.now().await, before, "nothing written");
    let out = s
        .revert_as(&s.w.buyer, &set, &[&field_key], &[], true)
        .await
        .unwrap();
    assert_eq!(out.reverted, 2);
    let now = s.now().await;
    assert!(now.templates.is_empty());
    assert_eq!(labels(&now), ["客户", "地点"]);
}

#[tokio::test]
async fn a_later_template_of_the_customer_blocks_the_revert_of_its_field() {
    let s = sold().await;
    let db = &s.w.t.db;
    let m = s.maintain().await;
    let form = s.form().await;
    edits::add_field(db, &m, &s.copy, &form, &text_field("电话"), T0)
        .await
        .unwrap();
    s.end(&m).await;
    edits::add_template(
        db,
        &s.w.buyer,
        &s.copy,
        &form,
        "submitted",
        "回电 {{电话}}",
        T1,
    )
    .await
    .unwrap();
    let set = s.the_set().await;
    for with in [false, true] {
        let out = s.revert_as(&s.w.buyer, &set, &[], &[], with).await.unwrap();
        assert_eq!(out.reverted, 0);
        assert_eq!(out.dependents.len(), 1);
        assert!(!out.dependents[0].in_set);
    }
    assert_eq!(labels(&s.now().await), ["客户", "地点", "电话"]);
}

#[tokio::test]
async fn approvers_and_recipients_are_changes_too() {
    let s = sold().await;
    let db = &s.w.t.db;
    let form = edits::add_form(db, &s.w.buyer, &s.copy, "报销", "process", T0)
        .await
        .unwrap();
    let step = edits::add_step(db, &s.w.buyer, &s.copy, &form, "经理", T0)
        .await
        .unwrap();
    let boss = s.w.buyer.user_id.0.clone();
    edits::set_approver(db, &s.w.buyer, &s.copy, &step, &boss, true, T0)
        .await
        .unwrap();
    let m = s.maintain().await;
    let member = s.w.buyer_member.user_id.0.clone();
    edits::set_approver(db, &m, &s.copy, &step, &member, true, T0)
        .await
        .unwrap();
    edits::set_approver(db, &m, &s.copy, &step, &boss, false, T0)
        .await
        .unwrap();
    s.end(&m).await;
    let sets = changes::list(db, &s.w.buyer, &s.copy, T2).await.unwrap();
    assert_eq!(sets[0].changes, 1);
    assert_eq!(sets[0].risky, [Risk::Process]);
    let set = sets[0].id.clone();
    let view = changes::view(db, &s.w.buyer, &s.copy, &set, T2)
        .await
        .unwrap();
    assert_eq!(view.rows[0].change.prop.as_str(), "approvers");
    // Shown by name, not by id.
    assert!(!view.rows[0]
        .change
        .new
        .as_deref()
        .unwrap()
        .contains(&member));
    assert_eq!(s.revert(&set, &[], &[]).await.reverted, 1);
    let approvers = &s.now().await.forms[1].process[0].approvers;
    assert_eq!(approvers, &[boss]);
}

#[tokio::test]
async fn only_the_customers_admins_review_and_revert_and_never_during_maintenance() {
    let s = sold().await;
    let db = &s.w.t.db;
    let m = s.maintain().await;
    let form = s.form().await;
    edits::rename_form(db, &m, &s.copy, &form, "客户申请", T0)
        .await
        .unwrap();
    let set = {
        let id: String = s
            .id_of("SELECT id FROM change_sets WHERE app_id = $1")
            .await;
        ChangeSetId(id)
    };
    // While the provider is in: refused, nothing changes.
    let e = s
        .revert_as(&s.w.buyer, &set, &[], &[], false)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::MaintenanceInProgress);
    let e = s.revert_as(&m, &set, &[], &[], false).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotDuringMaintenance);
    assert_eq!(
        changes::list(db, &m, &s.copy, T2).await.unwrap_err().code,
        ErrorCode::NotDuringMaintenance
    );
    s.end(&m).await;
    for (who, code) in [
        (&s.w.isv, ErrorCode::NotFound),
        (&s.w.other_buyer, ErrorCode::NotFound),
        (&s.w.buyer_member, ErrorCode::AdminOnly),
    ] {
        let e = s.revert_as(who, &set, &[], &[], false).await.unwrap_err();
        assert_eq!(e.code, code);
        let e = changes::view(db, who, &s.copy, &set, T2).await.unwrap_err();
        assert_eq!(e.code, code);
        let e = changes::mark_reviewed(db, who, &s.copy, &set, T2)
            .await
            .unwrap_err();
        assert_eq!(e.code, code);
    }
    assert_eq!(s.now().await.forms[0].name, "客户申请");
    // The customer's other app does not hold this set.
    assert_eq!(
        changes::view(db, &s.w.buyer, &AppId("nope".into()), &set, T2)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn the_isv_takes_a_fix_home_as_a_draft_of_its_own_app() {
    let s = sold().await;
    let db = &s.w.t.db;
    let m = s.maintain().await;
    edits::update_field(
        db,
        &m,
        &s.copy,
        &s.field("客户").await,
        &text_field("客户全称"),
        T0,
    )
    .await
    .unwrap();
    edits::add_field(db, &m, &s.copy, &s.form().await, &text_field("电话"), T0)
        .await
        .unwrap();
    s.end(&m).await;
    let sets = changes::for_order(db, &s.w.isv, &s.order, T2)
        .await
        .unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].changes.len(), 2);
    // Not for the customer, not for a member of the ISV who is no app admin.
    assert_eq!(
        changes::for_order(db, &s.w.buyer, &s.order, T2)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        changes::for_order(db, &s.w.isv_member, &s.order, T2)
            .await
            .unwrap_err()
            .code,
        ErrorCode::MaintainerOnly
    );
    let set = sets[0].set.id.clone();
    let n = changes::take_home(db, &s.w.isv, &s.order, &set, T2)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let mut conn = db.pool.acquire().await.unwrap();
    let source = snapshot::load(&mut conn, &s.w.app).await.unwrap().unwrap();
    assert_eq!(labels(&source), ["客户全称", "地点", "电话"]);
    // Taking it again changes nothing.
    drop(conn);
    assert_eq!(
        changes::take_home(db, &s.w.isv, &s.order, &set, T2)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revert_and_a_maintenance_start_at_once_never_interleave() {
    for round in 0..4 {
        let s = sold().await;
        let m = s.maintain().await;
        edits::rename_form(&s.w.t.db, &m, &s.copy, &s.form().await, "客户申请", T0)
            .await
            .unwrap();
        s.end(&m).await;
        let set = s.the_set().await;
        let (db, buyer, isv, copy, order) = (
            s.w.t.db.clone(),
            s.w.buyer.clone(),
            s.w.isv.clone(),
            s.copy.clone(),
            s.order.clone(),
        );
        let db2 = db.clone();
        let revert = tokio::spawn(async move {
            let r = Revert {
                only: &[],
                restore: &[],
                with_dependents: false,
            };
            changes::revert(&db, &buyer, &copy, &set, &r, T2).await
        });
        let start =
            tokio::spawn(
                async move { app::maintenance::queries::start(&db2, &isv, &order, T2).await },
            );
        let (reverted, started) = (revert.await.unwrap(), start.await.unwrap());
        started.unwrap();
        let name = s.now().await.forms[0].name.clone();
        match reverted {
            Ok(out) => {
                assert_eq!(out.reverted, 1, "round {round}");
                assert_eq!(name, "申请", "round {round}");
            }
            Err(e) => {
                assert_eq!(e.code, ErrorCode::MaintenanceInProgress, "round {round}");
                assert_eq!(name, "客户申请", "round {round}");
            }
        }
    }
}

#[tokio::test]
async fn every_kind_of_change_reverts_to_the_definition_before_the_session() {
    use app::apps::domain::{Recipient, Trigger};
    use app::apps::queries::edits::{AppSettings, ServiceInput};
    let s = sold().await;
    let db = &s.w.t.db;
    // The customer's own setup before the session: a process with an
    // approver, a template with a recipient, a service called on submit.
    let (buyer, copy) = (&s.w.buyer, &s.copy);
    let plain = s.form().await;
    let process = edits::add_form(db, buyer, copy, "报销", "process", T0)
        .await
        .unwrap();
    let step = edits::add_step(db, buyer, copy, &process, "经理", T0)
        .await
        .unwrap();
    let boss = buyer.user_id.0.clone();
    edits::set_approver(db, buyer, copy, &step, &boss, true, T0)
        .await
        .unwrap();
    let tpl = edits::add_template(db, buyer, copy, &plain, "submitted", "新申请 {{客户}}", T0)
        .await
        .unwrap();
    edits::set_recipient(db, buyer, copy, &tpl, &Recipient::Submitter, true, T0)
        .await
        .unwrap();
    let svc = edits::add_service(
        db,
        buyer,
        copy,
        &ServiceInput::parse("CRM", "https://crm.example/hook").unwrap(),
        Some("secret"),
        T0,
    )
    .await
    .unwrap();
    edits::set_service_call(db, buyer, copy, &svc, &plain, Trigger::Submitted, true, T0)
        .await
        .unwrap();
    let before = s.now().await;

    // The session touches every kind of part and property.
    let m = s.maintain().await;
    let settings = AppSettings::parse("客户拜访 2", "chart", "改过的描述").unwrap();
    edits::update_app(db, &m, copy, &settings, T0)
        .await
        .unwrap();
    edits::rename_form(db, &m, copy, &plain, "拜访申请", T0)
        .await
        .unwrap();
    edits::update_field(
        db,
        &m,
        copy,
        &s.field("客户").await,
        &FieldInput::parse("客户", "single_choice", true, "甲\n乙").unwrap(),
        T0,
    )
    .await
    .unwrap();
    edits::move_field(db, &m, copy, &s.field("地点").await, true, T0)
        .await
        .unwrap();
    edits::delete_field(db, &m, copy, &s.field("地点").await, T0)
        .await
        .unwrap();
    edits::add_field(db, &m, copy, &plain, &text_field("电话"), T0)
        .await
        .unwrap();
    edits::rename_step(db, &m, copy, &step, "部门经理", T0)
        .await
        .unwrap();
    let member = s.w.buyer_member.user_id.0.clone();
    edits::set_approver(db, &m, copy, &step, &member, true, T0)
        .await
        .unwrap();
    edits::add_step(db, &m, copy, &process, "财务", T0)
        .await
        .unwrap();
    edits::update_template(db, &m, copy, &tpl, "approved", "已批准 {{客户}}", T0)
        .await
        .unwrap();
    edits::set_recipient(
        db,
        &m,
        copy,
        &tpl,
        &Recipient::User(member.clone()),
        true,
        T0,
    )
    .await
    .unwrap();
    edits::update_service(
        db,
        &m,
        copy,
        &svc,
        &ServiceInput::parse("CRM 2", "https://evil.example/hook").unwrap(),
        T0,
    )
    .await
    .unwrap();
    edits::set_service_call(db, &m, copy, &svc, &plain, Trigger::Submitted, false, T0)
        .await
        .unwrap();
    edits::delete_form(db, &m, copy, &process, T0)
        .await
        .unwrap();
    s.end(&m).await;
    assert_ne!(s.now().await, before);
    let sets = changes::list(db, buyer, copy, T2).await.unwrap();
    // The step edits went with their form: the session's net result is its deletion.
    assert_eq!(
        sets[0].risky,
        [Risk::Recipients, Risk::Endpoints, Risk::Deletions]
    );
    // Reverting the whole session gives back exactly the definition before.
    let set = sets[0].id.clone();
    assert!(s.revert(&set, &[], &[]).await.reverted > 0);
    assert_eq!(s.now().await, before);
    // The deleted process form came back under its id, its approver set.
    let back: String = s
        .id_of("SELECT id FROM forms WHERE app_id = $1 AND name = '报销'")
        .await;
    assert_eq!(back, process.0);
    // And reverting the revert gives back the session's result.
    let sets = changes::list(db, buyer, copy, T2).await.unwrap();
    let revert = sets.iter().find(|x| x.kind == SetKind::Revert).unwrap();
    s.revert(&revert.id.clone(), &[], &[]).await;
    let again = s.now().await;
    assert_eq!(again.name, "客户拜访 2");
    assert_eq!(again.forms.len(), 1);
    assert_eq!(labels(&again), ["客户", "电话"]);
}
