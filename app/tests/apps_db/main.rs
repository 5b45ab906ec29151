//! Database tests of apps: every kind of change, permissions, validation,
//! cross-organization refusal and the snapshot round trip.
#![cfg(feature = "ssr")]

mod access;
#[path = "../common/mod.rs"]
mod common;
mod copies;
mod parts;

use app::apps::domain::*;
use app::apps::queries as reads;
use app::apps::queries::edits::{self, AppSettings, FieldInput, ServiceInput};
use app::apps::snapshot;
use app::error::ErrorCode;
use app::values::{FieldId, FormId, StepId};
use common::world::{cast as world, Cast};
use common::T0;

/// What these tests ask of the cast.
trait Probe {
    async fn snap(&self) -> snapshot::AppSnapshot;
    async fn audit(&self, action: &str) -> i64;
    async fn version(&self) -> i64;
    async fn build_complete(&self);
    async fn build(&self) -> (FormId, Vec<StepId>);
}

impl Probe for Cast {
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
        let (db, c, a) = (&self.t.db, &self.isv, &self.app);
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
        let (db, c, a) = (&self.t.db, &self.isv, &self.app);
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
        edits::set_approver(db, c, a, &s1, &self.isv.user_id.0, true, 7)
            .await
            .unwrap();
        edits::set_approver(db, c, a, &s2, &self.isv_member.user_id.0, true, 8)
            .await
            .unwrap();
        (form, vec![s1, s2])
    }
}
