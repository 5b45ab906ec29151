//! Crash safety and online backup of the SQLite database, with the real
//! server process: the server is killed (SIGKILL) in the middle of concurrent
//! purchases and app edits, round after round; afterwards every acknowledged
//! write is there, every order has its complete copy, every change its audit
//! entry, and the file is intact. `fenfa-server --backup` copies the database
//! while the server serves purchases, and the copy serves again.
//!
//! Needs the built server (`FENFA_SERVER_BIN`), so it is ignored by a plain
//! `cargo test`; `.ci/test` runs it with `--ignored`.
#![cfg(feature = "ssr")]

mod common;

use app::apps::snapshot::{self, AppSnapshot};
use app::db::Db;
use app::values::AppId;
use common::process::{form, server_bin, Answer, Instance};
use common::TestDb;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::mpsc;

const ROUNDS: usize = 5;
/// New links per round; every buyer organization buys through each once.
const LINKS: usize = 6;
/// Field additions, and separately renames, per round.
const EDITS: usize = 12;

/// The demo data plus buyer organizations, and what the ISV's app held
/// before the test touched it.
struct World {
    t: TestDb,
    app_id: String,
    forms: Vec<String>,
    icon: String,
    description: String,
    /// Email, password and organization of each buyer organization's admin.
    buyers: Vec<(String, &'static str, String)>,
    seeded_fields: HashSet<String>,
    version0: i64,
    audited0: i64,
}

impl World {
    async fn new() -> World {
        let t = common::fresh_sqlite().await;
        app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
        let (app_id, icon, description, version0): (String, String, String, i64) =
            sqlx::query_as(
                "SELECT id, icon, description, version FROM apps WHERE name LIKE $1 || '%' AND origin = 'own'",
            )
            .bind("客户拜访管理")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        let forms = strings(
            &t.db,
            "SELECT id FROM forms WHERE app_id = $1 ORDER BY position",
            &app_id,
        )
        .await;
        let seeded_fields = fields_of(&t.db, &app_id).await;
        let audited0 = count(
            &t.db,
            "SELECT COUNT(*) FROM audit_entries WHERE app_id = $1",
            &app_id,
        )
        .await;
        let mut buyers = Vec::new();
        for email in ["admin@north.example", "admin@south.example"] {
            let org = strings(
                &t.db,
                "SELECT m.org_id FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE u.email = $1 AND m.role = 'admin'",
                email,
            )
            .await
            .remove(0);
            buyers.push((email.to_string(), "fenfa-demo", org));
        }
        for i in 0..4 {
            let email = format!("buyer{i}@crash.example");
            let u = t.user(&email).await;
            let org = t.org(&u, &format!("Crash buyer {i}")).await;
            buyers.push((email, "correct horse", org));
        }
        // The server process is to be the only one with the file open when
        // it is killed, as in production.
        t.db.pool.close().await;
        World {
            t,
            app_id,
            forms,
            icon,
            description,
            buyers,
            seeded_fields,
            version0,
            audited0,
        }
    }

    /// The ISV admin's and each buyer admin's session.
    async fn sign_in(&self, server: &Instance) -> (String, Vec<String>) {
        let isv = server.session("isv-admin@acme.example", "fenfa-demo").await;
        let mut buyers = Vec::new();
        for (email, password, _) in &self.buyers {
            buyers.push(server.session(email, password).await);
        }
        (isv, buyers)
    }

    /// A new unlimited link for the ISV's app (a snapshot of it as it is now).
    async fn link(&self, server: &Instance, isv: &str) -> String {
        let body = form(&[
            ("app_id", &self.app_id),
            ("expires_days", "30"),
            ("max_purchases", ""),
            ("bound_org", ""),
            ("note", ""),
        ]);
        let a = server
            .call("/api/distribution/create_link", &body, Some(isv))
            .await;
        assert_eq!(a.status, 200, "{}", a.json);
        a.json["path"]
            .as_str()
            .unwrap()
            .trim_start_matches("/l/")
            .to_string()
    }

    /// One purchase per (buyer, link): the calls of each buyer, in order.
    fn purchases(&self, round: usize, tokens: &[String]) -> Vec<Vec<Call<Purchase>>> {
        (0..self.buyers.len())
            .map(|b| {
                tokens
                    .iter()
                    .enumerate()
                    .map(|(l, token)| {
                        let p = Purchase {
                            buyer: b,
                            token: token.clone(),
                            key: format!("r{round}-b{b}-l{l}"),
                        };
                        let body = p.body(&self.buyers[b].2);
                        ("/api/distribution/buy", body, p)
                    })
                    .collect()
            })
            .collect()
    }

    fn field_adds(&self, round: usize) -> Vec<Call<String>> {
        (0..EDITS)
            .map(|i| {
                let label = format!("r{round} f{i}");
                let body = form(&[
                    ("app_id", &self.app_id),
                    ("form_id", &self.forms[i % self.forms.len()]),
                    ("label", &label),
                    ("field_type", "text"),
                    ("required", "no"),
                ]);
                ("/api/apps/add_field", body, label)
            })
            .collect()
    }

    fn renames(&self, round: usize) -> Vec<Call<String>> {
        (0..EDITS)
            .map(|i| {
                let name = format!("客户拜访管理 r{round}.{i}");
                let body = form(&[
                    ("app_id", &self.app_id),
                    ("name", &name),
                    ("icon", &self.icon),
                    ("description", &self.description),
                ]);
                ("/api/apps/update", body, name)
            })
            .collect()
    }
}

#[derive(Clone, Debug)]
struct Purchase {
    buyer: usize,
    token: String,
    key: String,
}

impl Purchase {
    fn body(&self, org: &str) -> String {
        form(&[
            ("token", &self.token),
            ("org_id", org),
            ("idempotency_key", &self.key),
        ])
    }
}

/// A call (path, form body) and what the test remembers about it.
type Call<T> = (&'static str, String, T);

/// What a purchase answered: its key, installed app and order number.
struct Bought {
    key: String,
    app_id: String,
    order_no: String,
}

fn bought(key: &str, a: &Answer) -> Bought {
    let b = &a.json["Bought"];
    Bought {
        key: key.to_string(),
        app_id: b["app_id"].as_str().expect("Bought.app_id").to_string(),
        order_no: b["order_no"].as_str().expect("Bought.order_no").to_string(),
    }
}

/// Sends `calls` one after another until the server stops answering; every
/// answer must be a 200 (nothing in the load is meant to fail), and each is
/// reported on `ok`. `sent` counts requests before they go out. Returns the
/// calls with their answers; `None` is a call the kill cut off (it may or may
/// not have been committed). Calls after that one are never sent.
async fn run_calls<T>(
    server: &Instance,
    session: &str,
    calls: Vec<Call<T>>,
    sent: &AtomicUsize,
    ok: mpsc::UnboundedSender<()>,
) -> Vec<(T, Option<Answer>)> {
    let mut out = Vec::new();
    for (path, body, tag) in calls {
        sent.fetch_add(1, Ordering::SeqCst);
        match server.try_call(path, &body, Some(session)).await {
            Ok(a) => {
                assert_eq!(a.status, 200, "{path} {body}: {}", a.json);
                let _ = ok.send(());
                out.push((tag, Some(a)));
            }
            Err(_) => {
                out.push((tag, None));
                break;
            }
        }
    }
    out
}

/// Waits for `n` acknowledgements (or until every worker has finished);
/// returns how many arrived.
async fn acked(rx: &mut mpsc::UnboundedReceiver<()>, n: usize) -> usize {
    let mut seen = 0;
    while seen < n && rx.recv().await.is_some() {
        seen += 1;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs FENFA_SERVER_BIN; .ci/test runs it"]
async fn killed_mid_load_loses_no_acknowledged_write_and_leaves_nothing_half_done() {
    let mut w = World::new().await;
    let mut sessions: Option<(String, Vec<String>)> = None;
    let mut attempted: Vec<String> = Vec::new();
    let mut acked_purchases: Vec<Bought> = Vec::new();
    let mut unsure: Vec<Purchase> = Vec::new();
    let mut fields_tried = 0;
    let mut acked_fields: Vec<(String, String)> = Vec::new();
    let mut acked_renames: Vec<String> = Vec::new();

    for round in 0..ROUNDS {
        let server = Instance::start(&w.t.url).await;
        // Sessions live in the database: those of round 0 survive the kills.
        if sessions.is_none() {
            sessions = Some(w.sign_in(&server).await);
        }
        let (isv, buyer_sessions) = sessions.clone().unwrap();
        retry(
            &server,
            &w,
            &buyer_sessions,
            &mut unsure,
            &mut acked_purchases,
        )
        .await;
        let mut tokens = Vec::new();
        for _ in 0..LINKS {
            tokens.push(w.link(&server, &isv).await);
        }

        let sent = AtomicUsize::new(0);
        let (ok, mut rx) = mpsc::unbounded_channel();
        let buyers: Vec<_> = w
            .purchases(round, &tokens)
            .into_iter()
            .zip(&buyer_sessions)
            .map(|(calls, s)| run_calls(&server, s, calls, &sent, ok.clone()))
            .collect();
        let adds = run_calls(&server, &isv, w.field_adds(round), &sent, ok.clone());
        let renames = run_calls(&server, &isv, w.renames(round), &sent, ok.clone());
        // Only the workers hold senders: the channel closes when they are done.
        drop(ok);
        let load = async { tokio::join!(futures::future::join_all(buyers), adds, renames) };
        // The kill comes after a number of answers that grows by round, so
        // it lands at different points of the load; counted, not timed.
        let threshold = 8 + 8 * round;
        let kill = async {
            let seen = acked(&mut rx, threshold).await;
            server.kill().await;
            seen
        };
        let ((purchases, fields, renames), seen) = tokio::join!(load, kill);
        assert_eq!(seen, threshold, "round {round}: the load ended early");

        let planned = w.buyers.len() * LINKS + 2 * EDITS;
        let answered = purchases
            .iter()
            .flatten()
            .filter(|(_, a)| a.is_some())
            .count()
            + fields.iter().filter(|(_, a)| a.is_some()).count()
            + renames.iter().filter(|(_, a)| a.is_some()).count();
        assert!(
            answered < planned,
            "round {round}: the kill came after the whole load was answered"
        );
        let cut = purchases
            .iter()
            .flatten()
            .filter(|(_, a)| a.is_none())
            .count();
        eprintln!("round {round}: killed after {answered} of {planned} calls answered; {cut} purchases cut off");
        for (p, a) in purchases.into_iter().flatten() {
            attempted.push(p.key.clone());
            match a {
                Some(a) => acked_purchases.push(bought(&p.key, &a)),
                None => unsure.push(p),
            }
        }
        fields_tried += fields.len();
        for (label, a) in fields {
            if let Some(a) = a {
                let id = a.json.as_str().expect("add_field answers the id");
                acked_fields.push((id.to_string(), label));
            }
        }
        acked_renames.extend(
            renames
                .into_iter()
                .filter(|(_, a)| a.is_some())
                .map(|(n, _)| n),
        );
    }

    // One more start after the last kill: the cut-off purchases are sent
    // again with their keys; each makes (or finds) exactly one order.
    let server = Instance::start(&w.t.url).await;
    let (_, buyer_sessions) = sessions.unwrap();
    retry(
        &server,
        &w,
        &buyer_sessions,
        &mut unsure,
        &mut acked_purchases,
    )
    .await;
    server.kill().await;

    w.t.db = Db::connect(&w.t.url).await.unwrap();
    let db = &w.t.db;
    let orders = verify(db).await;

    // Durability: every acknowledged purchase is there as it was answered.
    for b in &acked_purchases {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT installed_app_id, order_no FROM distribution_orders WHERE idempotency_key = $1",
        )
        .bind(&b.key)
        .fetch_optional(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            row,
            Some((b.app_id.clone(), b.order_no.clone())),
            "acknowledged purchase {} lost or changed",
            b.key
        );
    }
    // Every purchase sent made exactly one order (keys are unique), no more.
    assert_eq!(orders, attempted.len() as i64);
    assert_eq!(acked_purchases.len(), attempted.len());
    eprintln!(
        "{orders} orders, {} fields and {} renames acknowledged",
        acked_fields.len(),
        acked_renames.len()
    );

    // Every acknowledged field is there; every field beyond the seeded ones
    // has its `field.add` entry, and every such entry its field.
    for (id, label) in &acked_fields {
        let got = strings(db, "SELECT label FROM fields WHERE id = $1", id).await;
        assert_eq!(got, vec![label.clone()], "acknowledged field {label} lost");
    }
    let added: HashSet<String> = fields_of(db, &w.app_id)
        .await
        .difference(&w.seeded_fields)
        .cloned()
        .collect();
    let audited: HashSet<String> = strings(
        db,
        "SELECT target FROM audit_entries WHERE app_id = $1 AND action = 'field.add'",
        &w.app_id,
    )
    .await
    .into_iter()
    .collect();
    assert_eq!(added, audited, "fields and their field.add entries differ");
    assert!(added.len() >= acked_fields.len() && added.len() <= fields_tried);

    // Every acknowledged rename has its entry; every change to the app
    // (each bumps its version) has exactly one entry.
    let renamed: HashSet<String> = strings(
        db,
        "SELECT after_json FROM audit_entries WHERE app_id = $1 AND action = 'app.update'",
        &w.app_id,
    )
    .await
    .iter()
    .map(|j| {
        let v: serde_json::Value = serde_json::from_str(j).unwrap();
        v["name"].as_str().unwrap().to_string()
    })
    .collect();
    for name in &acked_renames {
        assert!(
            renamed.contains(name),
            "rename to {name} has no audit entry"
        );
    }
    let version = count(db, "SELECT version FROM apps WHERE id = $1", &w.app_id).await;
    let entries = count(
        db,
        "SELECT COUNT(*) FROM audit_entries WHERE app_id = $1",
        &w.app_id,
    )
    .await;
    assert_eq!(version - w.version0, entries - w.audited0);
    assert!(version - w.version0 >= (acked_fields.len() + acked_renames.len()) as i64);
}

/// Sends the cut-off purchases again with their keys; each must answer.
async fn retry(
    server: &Instance,
    w: &World,
    sessions: &[String],
    unsure: &mut Vec<Purchase>,
    acked: &mut Vec<Bought>,
) {
    for p in unsure.drain(..) {
        let a = server
            .call(
                "/api/distribution/buy",
                &p.body(&w.buyers[p.buyer].2),
                Some(&sessions[p.buyer]),
            )
            .await;
        assert_eq!(a.status, 200, "retry of {}: {}", p.key, a.json);
        acked.push(bought(&p.key, &a));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs FENFA_SERVER_BIN; .ci/test runs it"]
async fn backup_command_copies_the_running_database() {
    let w = World::new().await;
    let server = Instance::start(&w.t.url).await;
    let (isv, sessions) = w.sign_in(&server).await;
    let mut tokens = Vec::new();
    for _ in 0..LINKS {
        tokens.push(w.link(&server, &isv).await);
    }
    let target = w.t.dir().join("backup.db");
    let backup_cmd = |url: &str, target: &std::path::Path| {
        tokio::process::Command::new(server_bin())
            .arg("--backup")
            .arg(target)
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "warn")
            .output()
    };

    // Purchases keep coming while the backup command runs.
    let sent = AtomicUsize::new(0);
    let (ok, mut rx) = mpsc::unbounded_channel();
    let buyers = w
        .purchases(0, &tokens)
        .into_iter()
        .zip(&sessions)
        .map(|(calls, s)| run_calls(&server, s, calls, &sent, ok.clone()));
    let load = futures::future::join_all(buyers);
    drop(ok);
    let backup = async {
        let before = acked(&mut rx, 6).await;
        let out = backup_cmd(&w.t.url, &target).await.unwrap();
        (before, sent.load(Ordering::SeqCst), out)
    };
    let (purchases, (acked_before, sent_after, out)) = tokio::join!(load, backup);
    assert!(
        out.status.success(),
        "--backup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(purchases.iter().flatten().all(|(_, a)| a.is_some()));
    assert_eq!(acked_before, 6, "the load ended before the backup began");
    eprintln!("backup began after {acked_before} purchases, ended with {sent_after} sent");

    // The copy is one consistent moment of the live database: complete
    // orders only, at least those acknowledged before it began.
    let copy_url = format!("sqlite://{}", target.display());
    let copy = Db::connect(&copy_url).await.unwrap();
    let orders = verify(&copy).await;
    assert!(
        orders >= acked_before as i64 && orders <= sent_after as i64,
        "{acked_before} ≤ {orders} ≤ {sent_after}"
    );
    eprintln!("the backup holds {orders} orders");
    copy.pool.close().await;

    // A second backup to the same file is refused and leaves it alone.
    let bytes = std::fs::read(&target).unwrap();
    let again = backup_cmd(&w.t.url, &target).await.unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&target).unwrap(), bytes);
    // PostgreSQL is refused before connecting, pointing at pg_dump.
    let pg_target = w.t.dir().join("pg.db");
    let pg = backup_cmd("postgres://nobody@127.0.0.1:1/none", &pg_target)
        .await
        .unwrap();
    assert!(!pg.status.success());
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
    assert!(!pg_target.exists());
    server.kill().await;

    // Restore: the copy, as a database file of its own, serves again.
    let restored = w.t.dir().join("restored");
    std::fs::create_dir(&restored).unwrap();
    std::fs::copy(&target, restored.join("fenfa.db")).unwrap();
    // The key that sealed the database's credentials is restored with it.
    std::fs::copy(w.t.dir().join("secret.key"), restored.join("secret.key")).unwrap();
    let server = Instance::start(&format!("sqlite://{}/fenfa.db", restored.display())).await;
    let isv = server.session("isv-admin@acme.example", "fenfa-demo").await;
    let page = server
        .call("/api/orders/list", "q=&access=all", Some(&isv))
        .await;
    assert_eq!(page.status, 200, "{}", page.json);
    assert_eq!(page.json["rows"].as_array().unwrap().len() as i64, orders);
}

/// What must hold in any database state a crash or a backup can leave;
/// returns the number of orders.
async fn verify(db: &Db) -> i64 {
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(broken.is_empty(), "{} foreign key violations", broken.len());

    // Every order has its complete copy, as its link froze it, and its
    // audit entries and maintenance grant.
    let orders: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.customer_org_id, o.installed_app_id, o.isv_org_id, l.snapshot_json \
         FROM distribution_orders o JOIN distribution_links l ON l.id = o.link_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    for (order, customer, installed, isv, frozen) in &orders {
        let copy = snapshot::load(&mut conn, &AppId::from(installed.as_str()))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("order {order} without its installed app"));
        assert_eq!(copy, foreign(AppSnapshot::from_json(frozen).unwrap()));
        let (org, origin): (String, String) =
            sqlx::query_as("SELECT org_id, origin FROM apps WHERE id = $1")
                .bind(installed)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!((&org, origin.as_str()), (customer, "installed"));
        for (org, action, target) in [
            (isv, "order.purchased", order),
            (customer, "app.installed", installed),
        ] {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM audit_entries WHERE org_id = $1 AND action = $2 AND target = $3",
            )
            .bind(org)
            .bind(action)
            .bind(target)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            assert_eq!(n, 1, "order {order}: {action} entries");
        }
        let (grants,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM maintenance_grants WHERE app_id = $1 AND order_id = $2",
        )
        .bind(installed)
        .bind(order)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(grants, 1, "order {order}: maintenance grant");
    }
    drop(conn);
    for (what, sql) in [
        (
            "installed copies without an order",
            "SELECT COUNT(*) FROM apps a WHERE a.origin = 'installed' AND NOT EXISTS \
             (SELECT 1 FROM distribution_orders o WHERE o.installed_app_id = a.id)",
        ),
        (
            "order.purchased entries without an order",
            "SELECT COUNT(*) FROM audit_entries e WHERE e.action = 'order.purchased' AND NOT EXISTS \
             (SELECT 1 FROM distribution_orders o WHERE o.id = e.target)",
        ),
        (
            "links whose use count differs from their orders",
            "SELECT COUNT(*) FROM distribution_links l WHERE l.purchases <> \
             (SELECT COUNT(*) FROM distribution_orders o WHERE o.link_id = l.id)",
        ),
    ] {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&db.pool).await.unwrap();
        assert_eq!(n, 0, "{what}");
    }
    orders.len() as i64
}

/// A frozen snapshot as a copy into another organization must look: people
/// of the source left behind (as the purchase deploys it).
fn foreign(mut s: AppSnapshot) -> AppSnapshot {
    s.admins.clear();
    for f in &mut s.forms {
        for step in &mut f.process {
            step.approvers.clear();
        }
    }
    for t in &mut s.templates {
        t.recipients.clear();
    }
    s
}

async fn fields_of(db: &Db, app_id: &str) -> HashSet<String> {
    strings(
        db,
        "SELECT f.id FROM fields f JOIN forms fo ON fo.id = f.form_id WHERE fo.app_id = $1",
        app_id,
    )
    .await
    .into_iter()
    .collect()
}

async fn strings(db: &Db, sql: &str, arg: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(sql)
        .bind(arg)
        .fetch_all(&db.pool)
        .await
        .unwrap();
    rows.into_iter().map(|(s,)| s).collect()
}

async fn count(db: &Db, sql: &str, arg: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(arg)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n
}
