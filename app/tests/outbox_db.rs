//! The outbox of calls to third-party services, against a receiver on
//! 127.0.0.1 that checks each call's signature: signed and sent once,
//! retried with backoff on the manual clock until it gives up after 24
//! hours from its first attempt, held until the service is set up, never
//! sent twice by two workers, resumed after a worker died holding a claim,
//! recorded once when a slow call outlives its claim, and never sent to a
//! private address unless allowed.
#![cfg(feature = "ssr")]

mod common;

use app::apps::domain::Trigger;
use app::apps::queries::edits::{self, FieldInput, ServiceInput};
use app::runtime::domain::{value_key, DeliveryStatus, RawValues};
use app::runtime::outbox::{signature, Worker, LEASE_MS, RETRY_WINDOW_MS};
use app::runtime::queries as rt;
use app::values::{FormId, RecordId, ServiceId};
use common::world::{cast, Cast};
use common::T0;
use futures::future::BoxFuture;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

const SECRET: &str = "s3cret-key";

/// What the receiver does while a call is in flight, before answering it
/// (given the call's number, from 1): the test's stand-in for a slow
/// service, on the manual clock.
type DuringCall = Box<dyn Fn(usize) -> BoxFuture<'static, ()> + Send + Sync>;

/// What the receiver got: each call's delivery id and body, once its
/// signature checked out (a bad signature is answered 401 and kept apart).
#[derive(Default)]
struct Inbox {
    calls: Mutex<Vec<(String, serde_json::Value)>>,
    bad_signatures: Mutex<usize>,
    answer: AtomicU16,
    during_call: Mutex<Option<Arc<DuringCall>>>,
}

async fn receiver() -> (String, Arc<Inbox>) {
    use axum::http::{HeaderMap, StatusCode};
    let inbox = Arc::new(Inbox {
        answer: AtomicU16::new(200),
        ..Default::default()
    });
    let state = inbox.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let inbox = state.clone();
            async move {
                let sig = headers
                    .get("fenfa-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let t: i64 = sig
                    .strip_prefix("t=")
                    .and_then(|s| s.split(',').next())
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if sig != signature(SECRET, t, &body) {
                    *inbox.bad_signatures.lock().unwrap() += 1;
                    return StatusCode::UNAUTHORIZED;
                }
                let id = headers["fenfa-delivery"].to_str().unwrap().to_string();
                let n = {
                    let mut calls = inbox.calls.lock().unwrap();
                    calls.push((id, serde_json::from_str(&body).unwrap()));
                    calls.len()
                };
                let during = inbox.during_call.lock().unwrap().clone();
                if let Some(during) = during {
                    during(n).await;
                }
                StatusCode::from_u16(inbox.answer.load(Ordering::SeqCst)).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), inbox)
}

struct Setup {
    c: Cast,
    form: FormId,
    field: app::values::FieldId,
    service: ServiceId,
    inbox: Arc<Inbox>,
}

/// A plain form whose submissions call the receiver (with `credential`).
async fn setup(credential: Option<&str>) -> Setup {
    let c = cast().await;
    let (url, inbox) = receiver().await;
    let (db, isv, app) = (&c.t.db, &c.isv, &c.app);
    let form = edits::add_form(db, isv, app, "报修", "plain", T0)
        .await
        .unwrap();
    let f = FieldInput::parse("设备", "text", true, "").unwrap();
    let field = edits::add_field(db, isv, app, &form, &f, T0).await.unwrap();
    let s = ServiceInput::parse("工单", &url).unwrap();
    let service = edits::add_service(db, isv, app, &s, credential, T0)
        .await
        .unwrap();
    edits::set_service_call(db, isv, app, &service, &form, Trigger::Submitted, true, T0)
        .await
        .unwrap();
    Setup {
        c,
        form,
        field,
        service,
        inbox,
    }
}

impl Setup {
    async fn submit(&self, text: &str) -> RecordId {
        let raw: RawValues = [(value_key(&self.field, None), text.to_string())].into();
        let now = self.c.t.clock.now_ms();
        rt::submit(
            &self.c.t.db,
            &self.c.isv_member,
            &self.c.app,
            &self.form,
            &raw,
            now,
        )
        .await
        .unwrap()
    }
    fn worker(&self) -> Worker {
        Worker::new(self.c.t.db.clone(), self.c.t.clock.clone(), true)
    }
    async fn log(&self) -> Vec<app::runtime::domain::DeliveryView> {
        rt::deliveries(&self.c.t.db, &self.c.isv, &self.c.app, T0)
            .await
            .unwrap()
    }
    fn received(&self) -> usize {
        self.inbox.calls.lock().unwrap().len()
    }
    async fn history(&self, r: &RecordId) -> Vec<String> {
        rt::detail(&self.c.t.db, &self.c.isv, r, T0)
            .await
            .unwrap()
            .history
            .iter()
            .map(|e| e.kind.as_str().to_string())
            .collect()
    }
}

#[tokio::test]
async fn a_call_is_signed_sent_once_and_recorded() {
    let s = setup(Some(SECRET)).await;
    let r = s.submit("北风-7").await;
    // Nothing is sent in the submitter's request.
    assert_eq!(s.received(), 0);
    assert_eq!(s.log().await[0].status, DeliveryStatus::Pending);
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    assert_eq!(*s.inbox.bad_signatures.lock().unwrap(), 0);
    let calls = s.inbox.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    let body = &calls[0].1;
    assert_eq!(body["event"], "submitted");
    assert_eq!(body["record_id"], r.to_string());
    assert_eq!(body["values"][0]["label"], "设备");
    assert_eq!(body["values"][0]["value"]["text"], "北风-7");
    let log = s.log().await;
    assert_eq!(log[0].status, DeliveryStatus::Sent);
    assert_eq!((log[0].attempts, log[0].last_code), (1, Some(200)));
    assert_eq!(calls[0].0, log[0].id.to_string());
    assert_eq!(
        s.history(&r).await,
        ["submitted", "service_queued", "service_sent"]
    );
}

#[tokio::test]
async fn failures_back_off_then_give_up_after_24_hours_and_a_manual_retry_sends_again() {
    let s = setup(Some(SECRET)).await;
    let clock = &s.c.t.clock;
    s.inbox.answer.store(500, Ordering::SeqCst);
    let r = s.submit("x").await;
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    let log = s.log().await;
    assert_eq!(
        (log[0].status, log[0].attempts, log[0].last_code),
        (DeliveryStatus::Pending, 1, Some(500))
    );
    assert_eq!(log[0].next_attempt_at, Some(clock.now_ms() + 30_000));
    // Not before its time; then 30 s, 60 s, … later.
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    clock.advance_ms(30_000);
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(
        s.log().await[0].next_attempt_at,
        Some(clock.now_ms() + 60_000)
    );
    clock.advance_ms(59_000);
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    // A day later it gives up: failed, and the record's history says so.
    clock.advance_ms(RETRY_WINDOW_MS);
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    let log = s.log().await;
    assert_eq!(
        (log[0].status, log[0].attempts),
        (DeliveryStatus::Failed, 3)
    );
    clock.advance_ms(RETRY_WINDOW_MS);
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    assert_eq!(s.history(&r).await.last().unwrap(), "service_failed");
    // The app admin retries; the service is back.
    s.inbox.answer.store(204, Ordering::SeqCst);
    let now = clock.now_ms();
    rt::retry_delivery(&s.c.t.db, &s.c.isv, &s.c.app, &log[0].id, now)
        .await
        .unwrap();
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(s.log().await[0].status, DeliveryStatus::Sent);
    assert_eq!(s.received(), 4);
    // Only the app's admins see or retry its calls.
    let e = rt::deliveries(&s.c.t.db, &s.c.isv_member, &s.c.app, now)
        .await
        .unwrap_err();
    assert_eq!(e.code, app::error::ErrorCode::AppEditOnly);
    let e = rt::retry_delivery(&s.c.t.db, &s.c.buyer, &s.c.app, &log[0].id, now)
        .await
        .unwrap_err();
    assert_eq!(e.code, app::error::ErrorCode::NotFound);
}

#[tokio::test]
async fn calls_wait_while_the_service_needs_setting_up_then_go() {
    let s = setup(None).await;
    s.submit("a").await;
    s.submit("b").await;
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    assert!(s
        .log()
        .await
        .iter()
        .all(|d| d.status == DeliveryStatus::Held));
    s.c.t.clock.advance_ms(3 * RETRY_WINDOW_MS);
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    edits::set_credential(&s.c.t.db, &s.c.isv, &s.c.app, &s.service, SECRET, T0)
        .await
        .unwrap();
    assert_eq!(s.worker().run_once().await.unwrap(), 2);
    assert_eq!(s.received(), 2);
    assert!(s
        .log()
        .await
        .iter()
        .all(|d| d.status == DeliveryStatus::Sent));
}

#[tokio::test]
async fn two_workers_never_send_one_call_twice() {
    let s = setup(Some(SECRET)).await;
    for i in 0..12 {
        s.submit(&format!("r{i}")).await;
    }
    let (a, b) = (s.worker(), s.worker());
    let (x, y) = tokio::join!(a.run_once(), b.run_once());
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x + y, 12, "{x} + {y}");
    let mut ids: Vec<String> = s
        .inbox
        .calls
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.0.clone())
        .collect();
    assert_eq!(ids.len(), 12);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}

#[tokio::test]
async fn a_call_claimed_by_a_worker_that_died_goes_out_after_a_restart() {
    let s = setup(Some(SECRET)).await;
    s.submit("x").await;
    // A worker claimed it and died before sending (the row keeps its lease).
    let now = s.c.t.clock.now_ms();
    sqlx::query("UPDATE deliveries SET lease_until = $1")
        .bind(now + LEASE_MS)
        .execute(&s.c.t.db.pool)
        .await
        .unwrap();
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    s.c.t.clock.advance_ms(LEASE_MS + 1);
    // The server restarts: every connection closed, a new pool on the same
    // database, a new worker; the call is still there and goes out once.
    s.c.t.db.pool.close().await;
    let db = app::db::Db::connect(&s.c.t.url).await.unwrap();
    let restarted = Worker::new(db.clone(), s.c.t.clock.clone(), true);
    assert_eq!(restarted.run_once().await.unwrap(), 1);
    assert_eq!(restarted.run_once().await.unwrap(), 0);
    assert_eq!(s.received(), 1);
}

#[tokio::test]
async fn private_addresses_are_never_called_unless_allowed() {
    let s = setup(Some(SECRET)).await;
    s.submit("x").await;
    let strict = Worker::new(s.c.t.db.clone(), s.c.t.clock.clone(), false);
    assert_eq!(strict.run_once().await.unwrap(), 1);
    assert_eq!(s.received(), 0);
    let log = s.log().await;
    assert_eq!(log[0].status, DeliveryStatus::Pending);
    assert!(
        log[0].last_error.contains("private"),
        "{}",
        log[0].last_error
    );
}

/// The rows' lease ends, straight from the table.
async fn leases(s: &Setup) -> Vec<i64> {
    sqlx::query_as::<_, (i64,)>("SELECT lease_until FROM deliveries ORDER BY created_at, id")
        .fetch_all(&s.c.t.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(l,)| l)
        .collect()
}

#[tokio::test]
async fn a_call_that_outlives_its_claim_is_recorded_once() {
    let s = setup(Some(SECRET)).await;
    let r = s.submit("x").await;
    // While worker A's call hangs, its lease runs out and worker B (another
    // instance) claims the row, calls again and records the outcome.
    let (b, clock) = (s.worker(), s.c.t.clock.clone());
    let took_over = Arc::new(Mutex::new(None));
    let seen = took_over.clone();
    *s.inbox.during_call.lock().unwrap() = Some(Arc::new(Box::new(move |n| {
        let (b, clock, seen) = (b.clone(), clock.clone(), seen.clone());
        Box::pin(async move {
            if n == 1 {
                clock.advance_ms(LEASE_MS + 1);
                let sent = b.run_once().await.unwrap();
                *seen.lock().unwrap() = Some(sent);
            }
        }) as BoxFuture<'static, ()>
    })));
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(*took_over.lock().unwrap(), Some(1), "B took the row over");
    // Two calls went out (at least once), but one outcome is recorded: A's
    // late update finds the claim gone and writes nothing.
    assert_eq!(s.received(), 2);
    let log = s.log().await;
    assert_eq!(
        (log[0].status, log[0].attempts, log[0].last_code),
        (DeliveryStatus::Sent, 1, Some(200))
    );
    assert_eq!(
        s.history(&r).await,
        ["submitted", "service_queued", "service_sent"]
    );
    assert_eq!(leases(&s).await, [0]);
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
}

#[tokio::test]
async fn each_call_of_a_pass_is_claimed_when_its_turn_comes() {
    let s = setup(Some(SECRET)).await;
    s.submit("a").await;
    s.submit("b").await;
    // The first call of the pass takes longer than a lease; during the
    // second, another worker looks for work: the second row's claim, taken
    // just before its call, still holds.
    let (b, clock) = (s.worker(), s.c.t.clock.clone());
    let found = Arc::new(Mutex::new(None));
    let seen = found.clone();
    *s.inbox.during_call.lock().unwrap() = Some(Arc::new(Box::new(move |n| {
        let (b, clock, seen) = (b.clone(), clock.clone(), seen.clone());
        Box::pin(async move {
            match n {
                1 => clock.advance_ms(LEASE_MS + 1),
                2 => *seen.lock().unwrap() = Some(b.run_once().await.unwrap()),
                _ => {}
            }
        }) as BoxFuture<'static, ()>
    })));
    assert_eq!(s.worker().run_once().await.unwrap(), 2);
    assert_eq!(*found.lock().unwrap(), Some(0), "B found nothing to claim");
    assert_eq!(s.received(), 2);
    let log = s.log().await;
    assert!(log
        .iter()
        .all(|d| d.status == DeliveryStatus::Sent && d.attempts == 1));
}

#[tokio::test]
async fn a_claim_lasts_one_call_from_the_moment_it_is_taken() {
    let s = setup(Some(SECRET)).await;
    s.submit("x").await;
    let clock = s.c.t.clock.clone();
    let at_call = Arc::new(Mutex::new(Vec::new()));
    let seen = at_call.clone();
    let pool = s.c.t.db.pool.clone();
    *s.inbox.during_call.lock().unwrap() = Some(Arc::new(Box::new(move |_| {
        let (clock, seen, pool) = (clock.clone(), seen.clone(), pool.clone());
        Box::pin(async move {
            let (lease,): (i64,) = sqlx::query_as("SELECT lease_until FROM deliveries")
                .fetch_one(&pool)
                .await
                .unwrap();
            seen.lock().unwrap().push((clock.now_ms(), lease));
        }) as BoxFuture<'static, ()>
    })));
    s.c.t.clock.advance_ms(5_000);
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    let (now, lease) = at_call.lock().unwrap()[0];
    assert_eq!(lease, now + LEASE_MS);
}

#[tokio::test]
async fn a_call_held_for_days_gets_its_day_of_retries_after_setup() {
    let s = setup(None).await;
    let clock = &s.c.t.clock;
    s.inbox.answer.store(503, Ordering::SeqCst);
    let r = s.submit("x").await;
    // Held for three days: no attempt, so its retry window has not begun.
    clock.advance_ms(3 * RETRY_WINDOW_MS);
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    edits::set_credential(&s.c.t.db, &s.c.isv, &s.c.app, &s.service, SECRET, T0)
        .await
        .unwrap();
    let first = clock.now_ms();
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    let log = s.log().await;
    assert_eq!(
        (log[0].status, log[0].attempts, log[0].last_code),
        (DeliveryStatus::Pending, 1, Some(503))
    );
    assert_eq!(log[0].next_attempt_at, Some(first + 30_000));
    // The normal backoff: 30 s, then 60 s later.
    clock.advance_ms(30_000);
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(
        (s.log().await[0].status, s.log().await[0].attempts),
        (DeliveryStatus::Pending, 2)
    );
    clock.advance_ms(60_000);
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(s.log().await[0].attempts, 3);
    // It gives up a day after its first attempt, not at once.
    let (until,): (i64,) = sqlx::query_as("SELECT retry_until FROM deliveries")
        .fetch_one(&s.c.t.db.pool)
        .await
        .unwrap();
    assert_eq!(until, first + RETRY_WINDOW_MS);
    assert!(!s.history(&r).await.contains(&"service_failed".to_string()));
    clock.advance_ms(RETRY_WINDOW_MS);
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(s.log().await[0].status, DeliveryStatus::Failed);
    assert_eq!(s.history(&r).await.last().unwrap(), "service_failed");
    assert_eq!(s.received(), 4);
}

#[tokio::test]
async fn an_ended_licence_holds_the_calls_and_a_renewal_sends_them() {
    use app::distribution::domain::{LinkOptions, PurchaseOutcome};
    use app::distribution::queries::{links, links::LinkRef, purchase};
    use app::licences::domain::Terms;
    use app::licences::queries::{self as licences, Change};
    let s = setup(Some(SECRET)).await;
    let (db, now) = (&s.c.t.db, s.c.t.clock.now_ms());
    // North buys the app for one month; its copy calls the receiver once
    // North has set the credential.
    let mut o = LinkOptions::parse("", "", "", "", "").unwrap();
    o.terms = Terms::parse("", "1", "", "0").unwrap();
    let link = links::create_link(db, &s.c.isv, &s.c.app, &o, now)
        .await
        .unwrap();
    let org = s.c.buyer.org().unwrap().org_id.0.clone();
    let token = link.path.strip_prefix("/l/").unwrap();
    let PurchaseOutcome::Bought { app_id: copy, .. } = purchase::purchase(
        db,
        &s.c.t.links,
        &s.c.buyer,
        LinkRef::Token(token),
        &org,
        "k",
        now,
    )
    .await
    .unwrap() else {
        panic!("not bought")
    };
    let one = |sql: &str| {
        let (sql, copy, pool) = (sql.to_string(), copy.to_string(), s.c.t.db.pool.clone());
        async move {
            let (v,): (String,) = sqlx::query_as(&sql)
                .bind(copy)
                .fetch_one(&pool)
                .await
                .unwrap();
            v
        }
    };
    let service: ServiceId = one("SELECT id FROM services WHERE app_id = $1")
        .await
        .into();
    let form: FormId = one("SELECT id FROM forms WHERE app_id = $1").await.into();
    let field: app::values::FieldId =
        one("SELECT f.id FROM fields f JOIN forms m ON m.id = f.form_id WHERE m.app_id = $1")
            .await
            .into();
    let order: app::values::OrderId =
        one("SELECT id FROM distribution_orders WHERE installed_app_id = $1")
            .await
            .into();
    edits::set_credential(db, &s.c.buyer, &copy, &service, SECRET, now)
        .await
        .unwrap();
    let submit = |at: i64| {
        let raw: RawValues = [(value_key(&field, None), "空调".to_string())].into();
        let (db, buyer, copy, form) = (db.clone(), s.c.buyer.clone(), copy.clone(), form.clone());
        async move { rt::submit(&db, &buyer, &copy, &form, &raw, at).await }
    };
    submit(now).await.unwrap();
    // The month and its day of grace pass before the worker runs: read-only.
    let v = licences::for_app(db, &s.c.buyer, &copy, now)
        .await
        .unwrap()
        .unwrap();
    s.c.t.clock.advance_ms(v.ends_at.unwrap() + 1 - now);
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    assert_eq!(s.received(), 0);
    // The ISV extends: the held call goes out.
    let later = s.c.t.clock.now_ms();
    licences::change(db, &s.c.isv, &order, &Change::Extend(Some(1)), later)
        .await
        .unwrap();
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(s.received(), 1);
    // Suspended: held again until resumed.
    submit(later).await.unwrap();
    licences::change(db, &s.c.isv, &order, &Change::Suspend("欠款".into()), later)
        .await
        .unwrap();
    assert_eq!(s.worker().run_once().await.unwrap(), 0);
    licences::change(db, &s.c.isv, &order, &Change::Resume, later)
        .await
        .unwrap();
    assert_eq!(s.worker().run_once().await.unwrap(), 1);
    assert_eq!(s.received(), 2);
}
