//! Database tests of upgrades: the ISV offers a version, the customer
//! previews it, applies it (its own changes kept, conflicts resolved as it
//! chose), rolls it back and redoes it; every refusal and failure leaves the
//! copy as it was.
#![cfg(feature = "ssr")]

mod common;

use app::apps::queries::edits::{self, FieldInput};
use app::apps::snapshot::{self, AppSnapshot};
use app::distribution::domain::{LinkOptions, PurchaseOutcome};
use app::distribution::queries::links::{self, LinkRef};
use app::distribution::queries::purchase;
use app::error::{AppResult, ErrorCode};
use app::session::Ctx;
use app::upgrades::domain::{OfferScope, Preview, Step, UpgradeState};
use app::upgrades::queries as upgrades;
use app::values::{AppId, FieldId, UpgradeId, VersionId};
use app::versions::domain::{Outcome, Publish, Resolution};
use common::world::{cast, Cast};
use common::T0;
use std::collections::HashMap;

/// Acme's app with a form of two fields, sold to North as 1.0.0.
struct Sold {
    w: Cast,
    field_a: FieldId,
    copy: AppId,
}

fn input(label: &str) -> FieldInput {
    FieldInput::parse(label, "single_choice", false, "甲\n乙").unwrap()
}

async fn sold() -> Sold {
    let w = cast().await;
    let (db, isv, app) = (&w.t.db, &w.isv, &w.app);
    let form = edits::add_form(db, isv, app, "申请", "plain", T0)
        .await
        .unwrap();
    let field_a = edits::add_field(db, isv, app, &form, &input("客户"), T0)
        .await
        .unwrap();
    edits::add_field(db, isv, app, &form, &input("地点"), T0)
        .await
        .unwrap();
    let o = LinkOptions::parse("", "", "", "", "").unwrap();
    let link = links::create_link(db, isv, app, &o, T0).await.unwrap();
    let b = &w.buyer;
    let token = link.path.strip_prefix("/l/").unwrap();
    let org = b.org().unwrap().org_id.0.clone();
    let PurchaseOutcome::Bought { app_id: copy, .. } =
        purchase::purchase(db, &w.t.links, b, LinkRef::Token(token), &org, "k1", T0)
            .await
            .unwrap()
    else {
        panic!("not bought")
    };
    Sold { w, field_a, copy }
}

impl Sold {
    async fn publish(&self, version: &str) -> VersionId {
        let p = Publish::parse(version, "修复与新表单").unwrap();
        app::versions::queries::publish(&self.w.t.db, &self.w.isv, &self.w.app, &p, T0)
            .await
            .unwrap()
    }

    async fn offer(&self, v: &VersionId) -> app::upgrades::domain::OfferOutcome {
        upgrades::offer(
            &self.w.t.db,
            &self.w.isv,
            &self.w.app,
            v,
            OfferScope::All,
            &[],
            T0,
        )
        .await
        .unwrap()
    }

    /// The copy's open offer, or its last decided upgrade.
    async fn upgrade(&self) -> UpgradeId {
        let card = upgrades::card(&self.w.t.db, &self.w.buyer, &self.copy, T0)
            .await
            .unwrap();
        card.upgrades[0].id.clone()
    }

    async fn preview(&self, id: &UpgradeId) -> AppResult<Preview> {
        upgrades::preview(&self.w.t.db, &self.w.buyer, &self.copy, id, T0).await
    }

    async fn run_as(&self, who: &Ctx, p: &Preview, picks: &[(usize, Resolution)]) -> AppResult<()> {
        let picks: HashMap<usize, Resolution> = picks.iter().copied().collect();
        upgrades::run(
            &self.w.t.db,
            who,
            &self.copy,
            &p.upgrade.id,
            p.step,
            &p.basis,
            &picks,
            T0,
        )
        .await
    }

    async fn run(&self, p: &Preview, picks: &[(usize, Resolution)]) -> AppResult<()> {
        self.run_as(&self.w.buyer, p, picks).await
    }

    async fn copy_now(&self) -> AppSnapshot {
        let mut conn = self.w.t.db.pool.acquire().await.unwrap();
        snapshot::load(&mut conn, &self.copy)
            .await
            .unwrap()
            .unwrap()
    }

    async fn copy_field(&self, label: &str) -> FieldId {
        self.w
            .t
            .one(
                &format!(
                    "SELECT f.id FROM fields f JOIN forms m ON m.id = f.form_id WHERE m.app_id = $1 AND f.label = '{label}'"
                ),
                &self.copy,
            )
            .await
            .into()
    }

    async fn order(&self) -> (String, Option<String>) {
        sqlx::query_as(
            "SELECT version, upgrade_state FROM distribution_orders WHERE installed_app_id = $1",
        )
        .bind(&self.copy)
        .fetch_one(&self.w.t.db.pool)
        .await
        .unwrap()
    }

    /// The customer renames one of its fields.
    async fn customer_renames(&self, from: &str, to: &str) {
        let id = self.copy_field(from).await;
        edits::update_field(&self.w.t.db, &self.w.buyer, &self.copy, &id, &input(to), T0)
            .await
            .unwrap();
    }
}

fn labels(s: &AppSnapshot) -> Vec<Vec<String>> {
    s.forms
        .iter()
        .map(|f| f.fields.iter().map(|x| x.label.clone()).collect())
        .collect()
}

#[tokio::test]
async fn an_upgrade_keeps_the_customer_s_changes_and_rolls_back_exactly() {
    let s = sold().await;
    let (db, isv, app) = (&s.w.t.db, &s.w.isv, &s.w.app);
    // The customer renames "地点"; the ISV renames "客户" and adds a form.
    s.customer_renames("地点", "拜访地点").await;
    edits::update_field(db, isv, app, &s.field_a, &input("客户名称"), T0)
        .await
        .unwrap();
    edits::add_form(db, isv, app, "回访", "plain", T0)
        .await
        .unwrap();
    let v2 = s.publish("1.1.0").await;
    let out = s.offer(&v2).await;
    assert_eq!((out.offered, out.unchanged), (1, 0));
    // Offering again changes nothing.
    assert_eq!(s.offer(&v2).await.unchanged, 1);
    assert_eq!(s.order().await, ("1.0.0".into(), Some("offered".into())));
    let before = s.copy_now().await;
    let id = s.upgrade().await;
    let p = s.preview(&id).await.unwrap();
    assert_eq!(p.step, Step::Apply);
    let outcome = |p: &Preview, o: Outcome| p.changes.iter().filter(|c| c.outcome == o).count();
    assert_eq!(outcome(&p, Outcome::Applied), 1);
    assert_eq!(outcome(&p, Outcome::Kept), 1);
    assert_eq!(outcome(&p, Outcome::Added), 1);
    assert_eq!(p.conflicts().count(), 0);
    // The preview changed nothing.
    assert_eq!(s.copy_now().await, before);
    s.run(&p, &[]).await.unwrap();
    let after = s.copy_now().await;
    assert_eq!(labels(&after), [vec!["客户名称", "拜访地点"], vec![]]);
    assert_eq!(after.forms[1].name, "回访");
    assert_eq!(s.order().await, ("1.1.0".into(), Some("applied".into())));
    // Twice (a double click): once.
    s.run(&p, &[]).await.unwrap();
    assert_eq!(s.copy_now().await, after);
    for (org, action) in [
        (s.w.buyer.org().unwrap().org_id.0.clone(), "upgrade.apply"),
        (isv.org().unwrap().org_id.0.clone(), "order.upgrade_applied"),
    ] {
        let n =
            s.w.t
                .count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE org_id = '{org}' AND action = '{action}'"
            ))
                .await;
        assert_eq!(n, 1, "{action}");
    }
    // Rolled back: exactly as before; then redone.
    let back = s.preview(&id).await.unwrap();
    assert_eq!(back.step, Step::Rollback);
    s.run(&back, &[]).await.unwrap();
    assert_eq!(s.copy_now().await, before);
    assert_eq!(
        s.order().await,
        ("1.0.0".into(), Some("rolled_back".into()))
    );
    let redo = s.preview(&id).await.unwrap();
    assert_eq!(redo.step, Step::Apply);
    s.run(&redo, &[]).await.unwrap();
    assert_eq!(s.copy_now().await, after);
}

#[tokio::test]
async fn a_conflict_keeps_mine_unless_the_customer_takes_the_new_value() {
    for (picks, expected) in [
        (vec![], "客户（我们的）"),
        (vec![(0, Resolution::TakeNew)], "客户名称"),
    ] {
        let s = sold().await;
        s.customer_renames("客户", "客户（我们的）").await;
        edits::update_field(
            &s.w.t.db,
            &s.w.isv,
            &s.w.app,
            &s.field_a,
            &input("客户名称"),
            T0,
        )
        .await
        .unwrap();
        let v2 = s.publish("1.0.1").await;
        s.offer(&v2).await;
        let p = s.preview(&s.upgrade().await).await.unwrap();
        let c = p.conflicts().next().unwrap();
        assert_eq!(
            (c.mine.as_deref(), c.new.as_deref()),
            (Some("客户（我们的）"), Some("客户名称"))
        );
        s.run(&p, &picks).await.unwrap();
        assert_eq!(labels(&s.copy_now().await)[0][0], expected);
    }
}

#[tokio::test]
async fn a_preview_goes_stale_when_the_copy_changes_and_nothing_is_half_applied() {
    let s = sold().await;
    edits::add_form(&s.w.t.db, &s.w.isv, &s.w.app, "回访", "plain", T0)
        .await
        .unwrap();
    let v2 = s.publish("1.1.0").await;
    s.offer(&v2).await;
    let p = s.preview(&s.upgrade().await).await.unwrap();
    // Edited after the preview: apply refuses until reviewed again.
    s.customer_renames("地点", "拜访地点").await;
    let before = s.copy_now().await;
    assert_eq!(
        s.run(&p, &[]).await.unwrap_err().code,
        ErrorCode::UpgradeChanged
    );
    assert_eq!(s.copy_now().await, before);
    // A member, the ISV and another organization's admin may not take it.
    let p = s.preview(&s.upgrade().await).await.unwrap();
    for who in [&s.w.buyer_member, &s.w.isv, &s.w.other_buyer] {
        assert!(s.run_as(who, &p, &[]).await.is_err());
    }
    // A failure midway (injected: the new form cannot be written) rolls
    // everything back and marks the offer failed for both sides.
    if !common::on_postgres() {
        sqlx::query(
            "CREATE TRIGGER boom BEFORE INSERT ON forms WHEN NEW.name = '回访' \
             BEGIN SELECT RAISE(ABORT, 'injected'); END",
        )
        .execute(&s.w.t.db.pool)
        .await
        .unwrap();
        assert_eq!(s.run(&p, &[]).await.unwrap_err().code, ErrorCode::Internal);
        assert_eq!(s.copy_now().await, before);
        assert_eq!(s.order().await, ("1.0.0".into(), Some("failed".into())));
        sqlx::query("DROP TRIGGER boom")
            .execute(&s.w.t.db.pool)
            .await
            .unwrap();
        // A failed offer can be tried again.
        s.run(&s.preview(&p.upgrade.id).await.unwrap(), &[])
            .await
            .unwrap();
        assert_eq!(s.copy_now().await.forms.len(), 2);
    }
}

#[tokio::test]
async fn no_upgrade_step_while_the_provider_maintains_the_copy() {
    let s = sold().await;
    edits::add_form(&s.w.t.db, &s.w.isv, &s.w.app, "回访", "plain", T0)
        .await
        .unwrap();
    let v2 = s.publish("1.1.0").await;
    s.offer(&v2).await;
    let p = s.preview(&s.upgrade().await).await.unwrap();
    let order: String =
        s.w.t
            .one(
                "SELECT id FROM distribution_orders WHERE installed_app_id = $1",
                &s.copy,
            )
            .await;
    app::maintenance::queries::start(&s.w.t.db, &s.w.isv, &order.into(), T0)
        .await
        .unwrap();
    let before = s.copy_now().await;
    assert_eq!(
        s.run(&p, &[]).await.unwrap_err().code,
        ErrorCode::MaintenanceInProgress
    );
    assert_eq!(s.copy_now().await, before);
}

#[tokio::test]
async fn a_copy_jumps_versions_past_a_declined_offer() {
    let s = sold().await;
    let (db, isv, app) = (&s.w.t.db, &s.w.isv, &s.w.app);
    // 1.1.0 is offered and declined; 2.0.0 removes an option and a field.
    edits::add_form(db, isv, app, "回访", "plain", T0)
        .await
        .unwrap();
    let v11 = s.publish("1.1.0").await;
    s.offer(&v11).await;
    upgrades::decline(db, &s.w.buyer, &s.copy, &s.upgrade().await, T0)
        .await
        .unwrap();
    assert_eq!(s.order().await.1.as_deref(), Some("declined"));
    edits::update_field(
        db,
        isv,
        app,
        &s.field_a,
        &FieldInput::parse("客户", "single_choice", false, "甲").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let v2 = s.publish("2.0.0").await;
    assert_eq!(s.offer(&v2).await.offered, 1);
    let p = s.preview(&s.upgrade().await).await.unwrap();
    assert_eq!(p.upgrade.from.as_deref(), Some("1.0.0"));
    assert!(p
        .changes
        .iter()
        .any(|c| c.outcome == Outcome::Removed && c.new.is_none()));
    s.run(&p, &[]).await.unwrap();
    let after = s.copy_now().await;
    assert_eq!(after.forms.len(), 2);
    assert_eq!(after.forms[0].fields[0].options, ["甲"]);
    assert_eq!(s.order().await.0, "2.0.0");
    // The declined 1.1.0 stays declined (the ISV sees it).
    let declined =
        s.w.t
            .count("SELECT COUNT(*) FROM upgrades WHERE state = 'declined'")
            .await;
    assert_eq!(declined, 1);
    assert_eq!(
        UpgradeState::parse("declined").unwrap(),
        UpgradeState::Declined
    );
}

#[tokio::test]
async fn new_parts_reopen_the_setup_checklist_and_records_keep_what_the_definition_loses() {
    let s = sold().await;
    let (db, isv, app) = (&s.w.t.db, &s.w.isv, &s.w.app);
    // The customer's member records a visit with option 乙 of "客户" and a "地点".
    let (form, field_a, field_b): (String, String, String) = sqlx::query_as(
        "SELECT m.id, a.id, b.id FROM forms m JOIN fields a ON a.form_id = m.id JOIN fields b ON b.form_id = m.id \
         WHERE m.app_id = $1 AND a.label = '客户' AND b.label = '地点'",
    )
    .bind(&s.copy)
    .fetch_one(&s.w.t.db.pool)
    .await
    .unwrap();
    let raw = app::runtime::domain::RawValues::from([
        (format!("f{field_a}"), "乙".to_string()),
        (format!("f{field_b}"), "甲".to_string()),
    ]);
    let record = app::runtime::queries::submit(db, &s.w.buyer, &s.copy, &form.into(), &raw, T0)
        .await
        .unwrap();
    // 2.0.0: option 乙 and the field "地点" removed, a process form with a
    // step, a template and a service added.
    edits::update_field(
        db,
        isv,
        app,
        &s.field_a,
        &FieldInput::parse("客户", "single_choice", false, "甲").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let place: String = s
        .w
        .t
        .one("SELECT f.id FROM fields f JOIN forms m ON m.id = f.form_id WHERE m.app_id = $1 AND f.label = '地点'", app)
        .await;
    edits::delete_field(db, isv, app, &place.into(), T0)
        .await
        .unwrap();
    let approval = edits::add_form(db, isv, app, "审批", "process", T0)
        .await
        .unwrap();
    edits::add_step(db, isv, app, &approval, "经理", T0)
        .await
        .unwrap();
    edits::add_template(db, isv, app, &approval, "submitted", "新审批", T0)
        .await
        .unwrap();
    edits::add_service(
        db,
        isv,
        app,
        &edits::ServiceInput::parse("ERP", "https://erp.example").unwrap(),
        Some("isv-secret"),
        T0,
    )
    .await
    .unwrap();
    let v2 = s.publish("2.0.0").await;
    s.offer(&v2).await;
    let p = s.preview(&s.upgrade().await).await.unwrap();
    assert_eq!(p.changes.iter().filter(|c| c.needs_setup).count(), 3);
    s.run(&p, &[]).await.unwrap();
    // The new parts wait for the customer's approvers, recipients, credential.
    let pending = |sql: &str| {
        let sql = sql.to_string();
        let copy = s.copy.to_string();
        let pool = s.w.t.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(&sql)
                .bind(copy)
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(
        pending("SELECT COUNT(*) FROM forms WHERE app_id = $1 AND process_needs_config = 1").await,
        1
    );
    assert_eq!(
        pending(
            "SELECT COUNT(*) FROM notification_templates WHERE app_id = $1 AND needs_config = 1"
        )
        .await,
        1
    );
    assert_eq!(
        pending("SELECT COUNT(*) FROM services WHERE app_id = $1 AND needs_config = 1 AND credential IS NULL").await,
        1
    );
    // The record still shows both values, marked as no longer offered.
    let detail = app::runtime::queries::detail(db, &s.w.buyer, &record, T0)
        .await
        .unwrap();
    let value = |label: &str| {
        detail
            .values
            .iter()
            .find(|v| v.label == label)
            .unwrap()
            .clone()
    };
    assert_eq!(value("客户").text, "乙");
    assert_eq!(value("客户").removed_options, ["乙"]);
    assert_eq!(value("地点").text, "甲");
    assert!(value("地点").field_removed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_and_a_maintenance_start_at_once_never_interleave() {
    // Several rounds: which of the two takes the copy first varies.
    for round in 0..4 {
        let s = sold().await;
        edits::add_form(&s.w.t.db, &s.w.isv, &s.w.app, "回访", "plain", T0)
            .await
            .unwrap();
        let v2 = s.publish("1.1.0").await;
        s.offer(&v2).await;
        let p = s.preview(&s.upgrade().await).await.unwrap();
        let order: String =
            s.w.t
                .one(
                    "SELECT id FROM distribution_orders WHERE installed_app_id = $1",
                    &s.copy,
                )
                .await;
        let (db, buyer, isv, copy) = (
            s.w.t.db.clone(),
            s.w.buyer.clone(),
            s.w.isv.clone(),
            s.copy.clone(),
        );
        let (db2, id, basis) = (db.clone(), p.upgrade.id.clone(), p.basis.clone());
        let apply = tokio::spawn(async move {
            upgrades::run(
                &db,
                &buyer,
                &copy,
                &id,
                Step::Apply,
                &basis,
                &HashMap::new(),
                T0,
            )
            .await
        });
        let start = tokio::spawn(async move {
            app::maintenance::queries::start(&db2, &isv, &order.into(), T0).await
        });
        let (applied, started) = (apply.await.unwrap(), start.await.unwrap());
        // Maintenance always starts (it waits for a running apply); the
        // apply either finished first, whole, or was refused, changing nothing.
        started.unwrap();
        let forms = s.copy_now().await.forms.len();
        match applied {
            Ok(()) => {
                assert_eq!(forms, 2, "round {round}");
                assert_eq!(s.order().await.0, "1.1.0");
            }
            Err(e) => {
                assert_eq!(e.code, ErrorCode::MaintenanceInProgress, "round {round}");
                assert_eq!(forms, 1, "round {round}");
                assert_eq!(s.order().await, ("1.0.0".into(), Some("offered".into())));
            }
        }
    }
}
