//! Who may read and edit, what another organization sees, validation and limits.

use super::*;

#[tokio::test]
async fn members_read_app_admins_edit_and_refusals_change_nothing() {
    let w = world().await;
    let (form, steps) = w.build().await;
    let (db, a) = (&w.t.db, &w.app);
    let before = w.t.snapshot().await;
    let m = &w.isv_member;
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
    edits::add_app_admin(db, &w.isv, a, &m.user_id.0, 1)
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
    edits::remove_app_admin(db, &w.isv, a, &m.user_id.0, 1)
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
    let (db, a, o) = (&w.t.db, &w.app, &w.other_buyer);
    let tid = edits::add_template(db, &w.isv, a, &form, "submitted", "hi", 1)
        .await
        .unwrap();
    let sid = edits::add_service(
        db,
        &w.isv,
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
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
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
    let (db, c, a) = (&w.t.db, &w.isv, &w.app);
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
