//! Database tests of versions: publishing and the bump its changes need, the
//! frozen definition of a published version, links that sell a chosen
//! version, and copies that keep their parts' keys and their merge base.
#![cfg(feature = "ssr")]

mod common;

use app::apps::queries::edits::{self, FieldInput};
use app::apps::snapshot::{self, AppSnapshot};
use app::distribution::domain::{LinkOptions, PurchaseOutcome};
use app::distribution::queries::links::{self, LinkRef};
use app::distribution::queries::purchase;
use app::error::{AppResult, ErrorCode};
use app::values::{AppId, VersionId};
use app::versions::domain::merge::{merge, Choices, Incoming};
use app::versions::domain::{Level, Outcome, Publish};
use app::versions::queries;
use common::world::{cast, Cast};
use common::T0;

async fn publish(w: &Cast, version: &str) -> AppResult<VersionId> {
    let p = Publish::parse(version, "notes").unwrap();
    queries::publish(&w.t.db, &w.isv, &w.app, &p, T0).await
}

fn code<T: std::fmt::Debug>(r: AppResult<T>) -> ErrorCode {
    r.unwrap_err().code
}

async fn stored(w: &Cast, id: &VersionId) -> AppSnapshot {
    let mut conn = w.t.db.pool.acquire().await.unwrap();
    queries::one(&mut conn, &w.app, id).await.unwrap().snapshot
}

async fn load(w: &Cast, app: &AppId) -> AppSnapshot {
    let mut conn = w.t.db.pool.acquire().await.unwrap();
    snapshot::load(&mut conn, app).await.unwrap().unwrap()
}

#[tokio::test]
async fn each_publication_needs_the_bump_its_changes_call_for_and_is_frozen() {
    let w = cast().await;
    let (db, isv, app) = (&w.t.db, &w.isv, &w.app);
    // The first version may have any number.
    let first = publish(&w, "0.9.0").await.unwrap();
    assert_eq!(
        code(publish(&w, "0.9.1").await),
        ErrorCode::NothingToPublish
    );
    // A new form needs a minor version.
    let form = edits::add_form(db, isv, app, "报修", "plain", T0)
        .await
        .unwrap();
    let view = queries::view(db, isv, app).await.unwrap();
    assert_eq!(view.needed, Some(Level::Minor));
    assert_eq!(view.suggested.to_string(), "0.10.0");
    assert!(view.changes.iter().any(|c| c.outcome == Outcome::Added));
    assert_eq!(code(publish(&w, "0.9.1").await), ErrorCode::NeedsMinor);
    assert_eq!(
        code(publish(&w, "0.8.0").await),
        ErrorCode::VersionNotGreater
    );
    publish(&w, "0.10.0").await.unwrap();
    // A rename is a patch; the same number again is refused.
    edits::rename_form(db, isv, app, &form, "设备报修", T0)
        .await
        .unwrap();
    assert_eq!(
        code(publish(&w, "0.10.0").await),
        ErrorCode::VersionNotGreater
    );
    publish(&w, "0.10.1").await.unwrap();
    // Removing a part needs a major version.
    edits::delete_form(db, isv, app, &form, T0).await.unwrap();
    assert_eq!(code(publish(&w, "0.11.0").await), ErrorCode::NeedsMajor);
    publish(&w, "1.0.0").await.unwrap();
    // What was published does not follow later edits.
    assert!(stored(&w, &first)
        .await
        .forms
        .iter()
        .all(|f| f.name != "报修"));
    let view = queries::view(db, isv, app).await.unwrap();
    let listed: Vec<String> = view
        .versions
        .iter()
        .map(|v| v.version.to_string())
        .collect();
    assert_eq!(listed, ["1.0.0", "0.10.1", "0.10.0", "0.9.0"]);
    assert_eq!(view.versions[0].level, Some(Level::Major));
    assert_eq!(view.versions[3].level, None);
    assert!(!view.can_publish());
    // Each publication is audited; refused ones left nothing.
    assert_eq!(
        w.t.count("SELECT COUNT(*) FROM audit_entries WHERE action = 'version.publish'")
            .await,
        4
    );
    assert_eq!(w.t.count("SELECT COUNT(*) FROM app_versions").await, 4);
}

#[tokio::test]
async fn only_the_app_s_distributors_publish_and_see_versions() {
    let w = cast().await;
    let p = Publish::parse("1.0.0", "").unwrap();
    for ctx in [&w.isv_member, &w.buyer] {
        assert!(queries::publish(&w.t.db, ctx, &w.app, &p, T0)
            .await
            .is_err());
        assert!(queries::view(&w.t.db, ctx, &w.app).await.is_err());
    }
    assert_eq!(w.t.count("SELECT COUNT(*) FROM app_versions").await, 0);
}

#[tokio::test]
async fn a_link_sells_the_chosen_version_and_the_copy_keeps_its_keys_and_base() {
    let w = cast().await;
    let (db, isv, app) = (&w.t.db, &w.isv, &w.app);
    let form = edits::add_form(db, isv, app, "拜访", "plain", T0)
        .await
        .unwrap();
    // The first link publishes 1.0.0 with it.
    let o = LinkOptions::parse("", "", "", "", "").unwrap();
    links::create_link(db, isv, app, &o, T0).await.unwrap();
    let view = queries::view(db, isv, app).await.unwrap();
    assert_eq!(view.versions.len(), 1);
    let v1 = view.versions[0].id.clone();
    assert_eq!(view.versions[0].version.to_string(), "1.0.0");
    // Edited and published again: links sell the latest unless told otherwise.
    edits::add_field(
        db,
        isv,
        app,
        &form,
        &FieldInput::parse("地点", "text", false, "").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let v2 = publish(&w, "1.1.0").await.unwrap();
    let old = LinkOptions::parse("", "", "", "", v1.as_str()).unwrap();
    let old_link = links::create_link(db, isv, app, &old, T0).await.unwrap();
    let new_link = links::create_link(db, isv, app, &o, T0).await.unwrap();
    let sql = "SELECT version FROM distribution_links WHERE id = $1";
    assert_eq!(w.t.one(sql, old_link.id.as_str()).await, "1.0.0");
    assert_eq!(w.t.one(sql, new_link.id.as_str()).await, "1.1.0");
    // Buying the older link installs 1.0.0: without the new field, with
    // every part keyed as in the version, and 1.0.0 as its base.
    let b = &w.buyer;
    let token = old_link.path.strip_prefix("/l/").unwrap();
    let org = b.org().unwrap().org_id.0.clone();
    let PurchaseOutcome::Bought { app_id: copy, .. } =
        purchase::purchase(db, &w.t.links, b, LinkRef::Token(token), &org, "k1", T0)
            .await
            .unwrap()
    else {
        panic!("not bought")
    };
    let installed = load(&w, &copy).await;
    let sold = stored(&w, &v1).await;
    assert_eq!(installed.forms, sold.forms);
    assert!(installed.forms.iter().all(|f| !f.key.is_empty()));
    assert_eq!(
        w.t.one("SELECT base_version_id FROM apps WHERE id = $1", &copy)
            .await,
        v1.0
    );
    assert_eq!(
        w.t.one(
            "SELECT version FROM distribution_orders WHERE installed_app_id = $1",
            &copy
        )
        .await,
        "1.0.0"
    );
    // The copy and 1.1.0 merge part by part: the new field arrives in the
    // customer's renamed form.
    let installed_form: String =
        w.t.one("SELECT id FROM forms WHERE app_id = $1", &copy)
            .await;
    edits::rename_form(db, b, &copy, &installed_form.into(), "我们的拜访", T0)
        .await
        .unwrap();
    let mine = load(&w, &copy).await;
    let merged = merge(
        &sold,
        &mine,
        &stored(&w, &v2).await,
        Incoming::Published,
        &Choices::new(),
    );
    let f = &merged.app.forms[0];
    assert_eq!(f.name, "我们的拜访");
    assert_eq!(f.fields.len(), 1);
    assert_eq!(f.fields[0].label, "地点");
    // A version of another app is not one to sell.
    let other = edits::create_app(
        db,
        isv,
        &edits::AppSettings::parse("别的", "chart", "").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let e = links::create_link(db, isv, &other, &old, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}
