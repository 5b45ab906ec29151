//! The server is killed in the middle of the load, round after round.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs FENFA_SERVER_BIN; .ci/test runs it"]
pub(crate) async fn killed_mid_load_loses_no_acknowledged_write_and_leaves_nothing_half_done() {
    let mut w = Load::new().await;
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
    let entries = count(db, CHANGES, &w.app_id).await;
    assert_eq!(version - w.version0, entries - w.audited0);
    assert!(version - w.version0 >= (acked_fields.len() + acked_renames.len()) as i64);
}

/// The audit entries of changes to the app (publishing a version is none:
/// it records the app as it is, without changing it).
pub(crate) const CHANGES: &str =
    "SELECT COUNT(*) FROM audit_entries WHERE app_id = $1 AND action <> 'version.publish'";

/// Sends the cut-off purchases again with their keys; each must answer.
pub(crate) async fn retry(
    server: &Instance,
    w: &Load,
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
