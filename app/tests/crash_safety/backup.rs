//! `fenfa-server --backup` copies the database while the server serves purchases.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs FENFA_SERVER_BIN; .ci/test runs it"]
pub(crate) async fn backup_command_copies_the_running_database() {
    let w = Load::new().await;
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
