//! Database tests of distribution: the certification gate, invalid links,
//! purchase atomicity and concurrency, and the deployed copy.
#![cfg(feature = "ssr")]

mod buying;
#[path = "../common/mod.rs"]
mod common;
mod copies;
mod link_tests;

use app::accounts::queries::set_certification;
use app::accounts::{CertLevel, OrgId};
use app::apps::queries as reads;
use app::apps::queries::edits::{self, AppSettings, FieldInput, ServiceInput};
use app::apps::snapshot;
use app::distribution::domain::{LinkOptions, PurchaseOutcome, DAY_MS};
use app::distribution::queries::links::{self, LinkRef};
use app::distribution::queries::purchase;
use app::error::ErrorCode;
use app::session::Ctx;
use app::values::LinkId;
use common::world::{cast, Cast, APP_NAME};
use common::T0;

/// The cast's app with one part of every kind: a process form with a
/// field and an approval step, a template with a recipient, a service with a
/// credential.
async fn world() -> Cast {
    let w = cast().await;
    let (t, isv, app) = (&w.t, &w.isv, &w.app);
    let form = edits::add_form(&t.db, isv, app, "申请", "process", T0)
        .await
        .unwrap();
    edits::add_field(
        &t.db,
        isv,
        app,
        &form,
        &FieldInput::parse("客户", "text", true, "").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let step = edits::add_step(&t.db, isv, app, &form, "审批", T0)
        .await
        .unwrap();
    edits::set_approver(&t.db, isv, app, &step, &isv.user_id.0, true, T0)
        .await
        .unwrap();
    let tid = edits::add_template(&t.db, isv, app, &form, "submitted", "{{客户}}", T0)
        .await
        .unwrap();
    edits::set_recipient(
        &t.db,
        isv,
        app,
        &tid,
        &app::apps::domain::Recipient::Submitter,
        true,
        T0,
    )
    .await
    .unwrap();
    edits::add_service(
        &t.db,
        isv,
        app,
        &ServiceInput::parse("CRM", "https://crm.example").unwrap(),
        Some("secret"),
        T0,
    )
    .await
    .unwrap();
    w
}

fn org(ctx: &Ctx) -> String {
    ctx.org().unwrap().org_id.0.clone()
}

fn token(path: &str) -> &str {
    path.strip_prefix("/l/").unwrap()
}

/// What these tests ask of the cast.
trait Probe {
    async fn link(&self, max: &str) -> String;
    async fn orders(&self) -> i64;
}

impl Probe for Cast {
    async fn link(&self, max: &str) -> String {
        let o = LinkOptions::parse("30", max, "", "", "").unwrap();
        links::create_link(&self.t.db, &self.isv, &self.app, &o, T0)
            .await
            .unwrap()
            .path
    }
    async fn orders(&self) -> i64 {
        self.t
            .count("SELECT COUNT(*) FROM distribution_orders")
            .await
    }
}

async fn futures_join<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
