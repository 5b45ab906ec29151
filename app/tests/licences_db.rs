//! Database tests of licences: what a purchase gets (one trial per
//! organization and app, ever), the states on the manual clock in the
//! customer's time zone, what each allows (records stay readable), the
//! ISV's changes (extend, seats, suspend, resume) and who may make them.
#![cfg(feature = "ssr")]

mod common;

use app::apps::queries::edits::{self, FieldInput};
use app::distribution::domain::{LinkOptions, PurchaseOutcome};
use app::distribution::queries::links::{self, LinkRef};
use app::distribution::queries::purchase;
use app::error::{AppResult, ErrorCode};
use app::licences::domain::{LicenceKind, LicenceState, LicenceView, Terms, TermsForm};
use app::licences::queries::{self as licences, Change};
use app::runtime::domain::RawValues;
use app::values::{AppId, FieldId, FormId, OrderId, RecordId};
use common::world::{cast, Cast};
use common::T0;

const DAY: i64 = 24 * 3600 * 1000;

struct Shop {
    w: Cast,
    form_name: String,
}

/// Acme's app with one form of one text field; North works in Shanghai time.
async fn shop() -> Shop {
    let w = cast().await;
    let (db, isv, app) = (&w.t.db, &w.isv, &w.app);
    let form = edits::add_form(db, isv, app, "申请", "plain", T0)
        .await
        .unwrap();
    edits::add_field(
        db,
        isv,
        app,
        &form,
        &FieldInput::parse("事由", "text", false, "").unwrap(),
        T0,
    )
    .await
    .unwrap();
    let north = w.buyer.org().unwrap().org_id.0.clone();
    sqlx::query("UPDATE organizations SET time_zone = 'Asia/Shanghai' WHERE id = $1")
        .bind(&north)
        .execute(&w.t.db.pool)
        .await
        .unwrap();
    Shop {
        w,
        form_name: "申请".into(),
    }
}

struct Copy {
    app: AppId,
    order: OrderId,
}

impl Shop {
    async fn buy(&self, terms: Terms, at: i64) -> AppResult<Copy> {
        let (db, isv, app) = (&self.w.t.db, &self.w.isv, &self.w.app);
        let mut o = LinkOptions::parse("", "", "", "", "").unwrap();
        o.terms = terms;
        let link = links::create_link(db, isv, app, &o, at).await.unwrap();
        let token = link.path.strip_prefix("/l/").unwrap();
        let org = self.w.buyer.org().unwrap().org_id.0.clone();
        let key = format!("k{}", app::db::new_id());
        let out = purchase::purchase(
            db,
            &self.w.t.links,
            &self.w.buyer,
            LinkRef::Token(token),
            &org,
            &key,
            at,
        )
        .await?;
        let PurchaseOutcome::Bought { app_id, .. } = out else {
            panic!("not bought: {out:?}")
        };
        let order: String = self
            .w
            .t
            .one(
                "SELECT id FROM distribution_orders WHERE installed_app_id = $1",
                &app_id,
            )
            .await;
        Ok(Copy {
            app: app_id,
            order: order.into(),
        })
    }

    async fn licence(&self, c: &Copy, at: i64) -> LicenceView {
        licences::for_app(&self.w.t.db, &self.w.buyer, &c.app, at)
            .await
            .unwrap()
            .unwrap()
    }

    async fn form_and_field(&self, c: &Copy) -> (FormId, FieldId) {
        let (form, field): (String, String) = sqlx::query_as(
            "SELECT f.id, x.id FROM forms f JOIN fields x ON x.form_id = f.id WHERE f.app_id = $1 AND f.name = $2",
        )
        .bind(&c.app)
        .bind(&self.form_name)
        .fetch_one(&self.w.t.db.pool)
        .await
        .unwrap();
        (form.into(), field.into())
    }

    async fn submit(&self, c: &Copy, at: i64) -> AppResult<RecordId> {
        let (form, field) = self.form_and_field(c).await;
        let raw = RawValues::from([(format!("f{field}"), "出差".to_string())]);
        app::runtime::queries::submit(&self.w.t.db, &self.w.buyer, &c.app, &form, &raw, at).await
    }

    async fn records(&self, c: &Copy, at: i64) -> usize {
        let (form, _) = self.form_and_field(c).await;
        app::runtime::queries::list(&self.w.t.db, &self.w.buyer, &c.app, &form, "", "", None, at)
            .await
            .unwrap()
            .rows
            .len()
    }

    async fn change(&self, c: &Copy, change: Change, at: i64) -> AppResult<()> {
        licences::change(&self.w.t.db, &self.w.isv, &c.order, &change, at).await
    }
}

fn terms(trial: &str, term: &str, seats: &str) -> Terms {
    Terms::parse(trial, term, seats, "7").unwrap()
}

#[tokio::test]
async fn links_made_without_terms_sell_forever_for_everyone() {
    let s = shop().await;
    let c = s
        .buy(TermsForm::default().parse().unwrap(), T0)
        .await
        .unwrap();
    let v = s.licence(&c, T0 + 3650 * DAY).await;
    assert_eq!((v.kind, v.state), (LicenceKind::Paid, LicenceState::Active));
    assert_eq!((v.ends_at, v.seats), (None, None));
    s.submit(&c, T0 + 3650 * DAY).await.unwrap();
}

#[tokio::test]
async fn one_trial_per_organization_and_app_even_after_uninstalling() {
    let s = shop().await;
    let c = s.buy(terms("14", "12", ""), T0).await.unwrap();
    assert_eq!(s.licence(&c, T0).await.state, LicenceState::Trial);
    // Uninstalled, then bought again: the paid term, no second trial.
    edits::delete_app(&s.w.t.db, &s.w.buyer, &c.app, T0)
        .await
        .unwrap();
    let again = s.buy(terms("14", "12", ""), T0 + DAY).await.unwrap();
    let v = s.licence(&again, T0 + DAY).await;
    assert_eq!((v.kind, v.state), (LicenceKind::Paid, LicenceState::Active));
    // A trial-only link is refused, and buys nothing.
    let e = s.buy(terms("14", "", ""), T0 + DAY).await.err().unwrap();
    assert_eq!(e.code, ErrorCode::TrialUsed);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM distribution_orders")
        .fetch_one(&s.w.t.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn the_states_follow_the_customer_s_days_and_never_lock_the_records() {
    let s = shop().await;
    let c = s.buy(terms("3", "", ""), T0).await.unwrap();
    let v = s.licence(&c, T0).await;
    let ends = v.ends_at.unwrap();
    // 24:00 in Shanghai is 16:00 UTC.
    assert_eq!(ends.rem_euclid(DAY), 16 * 3600 * 1000);
    assert!(ends > T0 + 3 * DAY - DAY && ends <= T0 + 4 * DAY);
    s.submit(&c, ends - 1).await.unwrap();
    assert_eq!(s.licence(&c, ends - 1).await.state, LicenceState::Trial);
    // Grace: normal use, seven days.
    let grace = s.licence(&c, ends).await;
    assert_eq!(grace.state, LicenceState::Grace);
    assert_eq!(grace.days_left, Some(7));
    s.submit(&c, ends).await.unwrap();
    let read_only = grace.state_ends.unwrap();
    assert_eq!(read_only, ends + 7 * DAY);
    // Read-only: no new record; what was entered stays readable.
    assert_eq!(s.licence(&c, read_only).await.state, LicenceState::ReadOnly);
    let e = s.submit(&c, read_only).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::LicenceReadOnly);
    assert_eq!(s.records(&c, read_only).await, 2);
    // Archived after 90 days read-only; still readable by the admin.
    let archived = s.licence(&c, read_only).await.state_ends.unwrap();
    assert_eq!(s.licence(&c, archived).await.state, LicenceState::Archived);
    assert_eq!(s.records(&c, archived).await, 2);
    // The copy's Workbench card for a caller, if they see it.
    let card = |who: app::session::Ctx, at: i64| {
        let (db, app) = (s.w.t.db.clone(), c.app.clone());
        async move {
            app::apps::queries::list(&db, &who, at)
                .await
                .unwrap()
                .into_iter()
                .find(|a| a.id == app)
        }
    };
    // Hidden from members then; the admins still see it.
    assert!(card(s.w.buyer_member.clone(), archived - 1).await.is_some());
    assert!(card(s.w.buyer_member.clone(), archived).await.is_none());
    assert!(card(s.w.buyer.clone(), archived).await.is_some());
    // On the card: grace (with the end of normal use) for the admins only;
    // what stops use for everyone.
    let card = |who: app::session::Ctx, at: i64| {
        let card = card(who, at);
        async move { card.await.and_then(|a| a.licence_warning) }
    };
    let admin = s.w.buyer.clone();
    let member = s.w.buyer_member.clone();
    assert_eq!(card(admin.clone(), ends - 1).await, None);
    assert_eq!(
        card(admin.clone(), ends).await,
        Some((LicenceState::Grace, Some(read_only)))
    );
    assert_eq!(card(member.clone(), ends).await, None);
    assert_eq!(
        card(member, read_only).await,
        Some((LicenceState::ReadOnly, None))
    );
    assert_eq!(
        card(admin, archived).await,
        Some((LicenceState::Archived, None))
    );
    // The ISV extends: normal use at once, the same copy and its records.
    s.change(&c, Change::Extend(Some(12)), archived)
        .await
        .unwrap();
    let v = s.licence(&c, archived).await;
    assert_eq!((v.kind, v.state), (LicenceKind::Paid, LicenceState::Active));
    s.submit(&c, archived).await.unwrap();
    assert_eq!(s.records(&c, archived).await, 3);
}

#[tokio::test]
async fn a_suspension_reads_only_until_resumed_and_is_audited_on_both_sides() {
    let s = shop().await;
    let c = s.buy(terms("", "12", ""), T0).await.unwrap();
    s.change(&c, Change::Suspend("未付款".into()), T0)
        .await
        .unwrap();
    let v = s.licence(&c, T0).await;
    assert_eq!(v.state, LicenceState::Suspended);
    assert_eq!(v.suspended.as_deref(), Some("未付款"));
    assert_eq!(
        s.submit(&c, T0).await.unwrap_err().code,
        ErrorCode::LicenceReadOnly
    );
    // Extending does not lift it; resuming does.
    s.change(&c, Change::Extend(Some(1)), T0).await.unwrap();
    assert_eq!(s.licence(&c, T0).await.state, LicenceState::Suspended);
    s.change(&c, Change::Resume, T0).await.unwrap();
    assert_eq!(s.licence(&c, T0).await.state, LicenceState::Active);
    s.submit(&c, T0).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT org_id) FROM audit_entries WHERE action = 'licence.change' AND target = $1",
    )
    .bind(&c.order)
    .fetch_one(&s.w.t.db.pool)
    .await
    .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn only_the_selling_isv_changes_a_licence() {
    let s = shop().await;
    let c = s.buy(terms("", "12", ""), T0).await.unwrap();
    let db = &s.w.t.db;
    for (who, code) in [
        (&s.w.buyer, ErrorCode::LicenceIsvOnly),
        (&s.w.buyer_member, ErrorCode::LicenceIsvOnly),
        (&s.w.isv_member, ErrorCode::LicenceIsvOnly),
        (&s.w.other_buyer, ErrorCode::NotFound),
    ] {
        let e = licences::change(db, who, &c.order, &Change::Extend(None), T0)
            .await
            .unwrap_err();
        assert_eq!(e.code, code);
    }
    assert_eq!(
        licences::for_order(db, &s.w.other_buyer, &c.order, T0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        licences::for_app(db, &s.w.other_buyer, &c.app, T0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    // The order's licence is the ISV's to read; the customer reads its app's.
    assert_eq!(
        licences::for_order(db, &s.w.buyer, &c.order, T0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert!(licences::for_order(db, &s.w.isv_member, &c.order, T0)
        .await
        .is_ok());
    assert!(s.licence(&c, T0).await.ends_at.is_some());
}

#[tokio::test]
async fn seats_count_the_app_s_users_and_refuse_past_the_limit() {
    let s = shop().await;
    let c = s.buy(terms("", "no_end", "1"), T0).await.unwrap();
    let db = &s.w.t.db;
    // The copy starts as "everyone" (North's two members, over the one
    // seat: allowed, as after seats are lowered); chosen users take one each.
    assert_eq!(s.licence(&c, T0).await.seats_used, 2);
    edits::set_use_by(db, &s.w.buyer, &c.app, app::apps::domain::UseBy::Chosen, T0)
        .await
        .unwrap();
    let (admin, member) = (
        s.w.buyer.user_id.0.clone(),
        s.w.buyer_member.user_id.0.clone(),
    );
    edits::set_app_user(db, &s.w.buyer, &c.app, &admin, true, T0)
        .await
        .unwrap();
    let e = edits::set_app_user(db, &s.w.buyer, &c.app, &member, true, T0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SeatsExhausted);
    assert_eq!(s.licence(&c, T0).await.seats_used, 1);
    let e = edits::set_use_by(
        db,
        &s.w.buyer,
        &c.app,
        app::apps::domain::UseBy::Everyone,
        T0,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::SeatsExhausted);
    // The ISV adds a seat: the grant goes through.
    s.change(&c, Change::Seats(Some(2)), T0).await.unwrap();
    edits::set_app_user(db, &s.w.buyer, &c.app, &member, true, T0)
        .await
        .unwrap();
    assert_eq!(s.licence(&c, T0).await.seats_used, 2);
}

#[tokio::test]
async fn the_order_center_shows_and_filters_licences() {
    use app::orders::domain::{AccessFilter, Filters, LicenceFilter, UpgradeFilter};
    let s = shop().await;
    let forever = s.buy(Terms::default(), T0).await.unwrap();
    let month = s.buy(terms("", "1", ""), T0).await.unwrap();
    let ends = s.licence(&month, T0).await.ends_at.unwrap();
    let list = |f: LicenceFilter, at: i64| {
        let (db, isv) = (s.w.t.db.clone(), s.w.isv.clone());
        async move {
            let filters = Filters {
                access: AccessFilter::All,
                upgrade: UpgradeFilter::All,
                licence: f,
            };
            app::orders::queries::list(&db, &isv, "", filters, None, 50, at)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| (r.id, r.licence))
                .collect::<Vec<_>>()
        }
    };
    // Within 30 days of its end: "expiring"; the other never ends.
    let expiring = list(LicenceFilter::Expiring, ends - 1).await;
    assert_eq!(expiring, [(month.order.clone(), LicenceState::Active)]);
    assert!(list(LicenceFilter::Expiring, ends - 31 * DAY)
        .await
        .is_empty());
    let active = list(LicenceFilter::State(LicenceState::Active), ends).await;
    assert_eq!(active, [(forever.order.clone(), LicenceState::Active)]);
    let grace = list(LicenceFilter::State(LicenceState::Grace), ends).await;
    assert_eq!(grace, [(month.order.clone(), LicenceState::Grace)]);
    let later = ends + 8 * DAY;
    let ro = list(LicenceFilter::State(LicenceState::ReadOnly), later).await;
    assert_eq!(ro, [(month.order.clone(), LicenceState::ReadOnly)]);
    s.change(&month, Change::Suspend("x".into()), later)
        .await
        .unwrap();
    let sus = list(LicenceFilter::State(LicenceState::Suspended), later).await;
    assert_eq!(sus, [(month.order.clone(), LicenceState::Suspended)]);
    assert_eq!(list(LicenceFilter::All, later).await.len(), 2);
}

#[tokio::test]
async fn admins_are_reminded_30_7_and_1_days_before_the_end_once_each() {
    let s = shop().await;
    let c = s.buy(terms("", "3", ""), T0).await.unwrap();
    let ends = s.licence(&c, T0).await.ends_at.unwrap();
    let db = &s.w.t.db;
    let messages = |who: app::session::Ctx| {
        let db = db.clone();
        async move {
            app::runtime::queries::messages(&db, &who)
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(licences::remind(db, ends - 40 * DAY).await.unwrap(), 0);
    for (days, n) in [(30, 1), (7, 2), (1, 3)] {
        let at = ends - days * DAY + 1;
        assert_eq!(licences::remind(db, at).await.unwrap(), 1, "{days} days");
        assert_eq!(licences::remind(db, at).await.unwrap(), 0, "once");
        assert_eq!(messages(s.w.buyer.clone()).await, n);
    }
    // Only the customer's admins.
    assert_eq!(messages(s.w.buyer_member.clone()).await, 0);
    let body = app::runtime::queries::messages(db, &s.w.buyer)
        .await
        .unwrap()[0]
        .body
        .clone();
    assert!(body.contains("1 天") && body.contains("1 days"), "{body}");
    // An extension starts them again for the new end.
    s.change(&c, Change::Extend(Some(1)), ends - DAY)
        .await
        .unwrap();
    let new_end = s.licence(&c, ends - DAY).await.ends_at.unwrap();
    assert_eq!(
        licences::remind(db, new_end - 30 * DAY + 1).await.unwrap(),
        1
    );
}

#[tokio::test]
async fn lowering_seats_below_the_users_gives_seven_days_then_the_last_granted_stop() {
    use app::apps::domain::UseBy;
    let s = shop().await;
    let c = s.buy(terms("", "no_end", ""), T0).await.unwrap();
    let db = &s.w.t.db;
    let (admin, member) = (s.w.buyer.clone(), s.w.buyer_member.clone());
    edits::set_use_by(db, &admin, &c.app, UseBy::Chosen, T0)
        .await
        .unwrap();
    // The admin is chosen first, the member an hour later.
    edits::set_app_user(db, &admin, &c.app, &admin.user_id.0, true, T0)
        .await
        .unwrap();
    edits::set_app_user(db, &admin, &c.app, &member.user_id.0, true, T0 + 3_600_000)
        .await
        .unwrap();
    s.change(&c, Change::Seats(Some(1)), T0 + DAY)
        .await
        .unwrap();
    // Both may still submit for 7 days; the admins see who loses and when.
    let v = s.licence(&c, T0 + DAY).await;
    assert_eq!(v.over_seat.len(), 1);
    assert_eq!(v.over_seat_from, Some(T0 + 8 * DAY));
    let (form, field) = s.form_and_field(&c).await;
    let submit = |who: app::session::Ctx, at: i64| {
        let raw = RawValues::from([(format!("f{field}"), "x".to_string())]);
        let (db, app, form) = (db.clone(), c.app.clone(), form.clone());
        async move { app::runtime::queries::submit(&db, &who, &app, &form, &raw, at).await }
    };
    submit(member.clone(), T0 + 8 * DAY - 1).await.unwrap();
    let e = submit(member.clone(), T0 + 8 * DAY).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::SeatsExhausted);
    submit(admin.clone(), T0 + 8 * DAY).await.unwrap();
    // A seat more: the member submits again.
    s.change(&c, Change::Seats(Some(2)), T0 + 9 * DAY)
        .await
        .unwrap();
    submit(member, T0 + 9 * DAY).await.unwrap();
}

#[tokio::test]
async fn a_renewal_in_each_state_restores_normal_use_from_the_later_of_now_and_the_end() {
    let s = shop().await;
    // During the trial: paid from the trial's end, on the same copy.
    let trial = s.buy(terms("3", "", ""), T0).await.unwrap();
    let trial_end = s.licence(&trial, T0).await.ends_at.unwrap();
    s.change(&trial, Change::Extend(Some(12)), T0)
        .await
        .unwrap();
    let v = s.licence(&trial, T0).await;
    assert_eq!((v.kind, v.state), (LicenceKind::Paid, LicenceState::Active));
    assert!(v.ends_at.unwrap() >= trial_end + 365 * DAY - DAY);
    // A month's term renewed while active, in grace, read-only and archived.
    for state in [
        LicenceState::Active,
        LicenceState::Grace,
        LicenceState::ReadOnly,
        LicenceState::Archived,
    ] {
        let c = s.buy(terms("", "1", ""), T0).await.unwrap();
        let mut at = T0;
        while s.licence(&c, at).await.state != state {
            at = s.licence(&c, at).await.state_ends.unwrap();
        }
        let end = s.licence(&c, at).await.ends_at.unwrap();
        s.change(&c, Change::Extend(Some(12)), at).await.unwrap();
        let v = s.licence(&c, at).await;
        assert_eq!(v.state, LicenceState::Active, "renewed in {state:?}");
        // Twelve months from the later of now and the end.
        let from = at.max(end);
        let new_end = v.ends_at.unwrap();
        assert!(
            new_end > from + 364 * DAY && new_end <= from + 367 * DAY,
            "{state:?}"
        );
        s.submit(&c, at).await.unwrap();
    }
}
