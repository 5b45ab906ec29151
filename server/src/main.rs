//! Fenfa server: configuration → database → demo data → router → serve.

use app::db::{Clock, Db};
use app::state::AppState;
use axum::serve::ListenerExt;
use leptos::config::get_configuration;
use std::future::IntoFuture;
use tracing_subscriber::EnvFilter;

// Page renders allocate many small short-lived objects; glibc's allocator
// spent about a third of the server's CPU time on them under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "fenfa-server [--seed-demo] [--seed-bench] [--secure-cookies]
fenfa-server --backup <file>
fenfa-server create-operator --email <address>
fenfa-server rotate-secrets

  --seed-demo       add the demo data (published password!), then serve;
                    refused on a database with accounts that it did not make
  create-operator   make a platform operator and exit: the password is read
                    from standard input (one line) when it is not a terminal,
                    else a one-time password is made and printed; it must be
                    changed at the first sign-in
  rotate-secrets    seal every stored credential with the current key
                    (FENFA_SECRET_KEY; old keys in FENFA_SECRET_KEY_OLD)
  --seed-bench      also write the benchmark dataset (1,000,000 orders; public
                    session tokens: only for a throw-away benchmark database)
  --secure-cookies  mark cookies Secure (HTTPS deployments)
  --backup <file>   write a consistent copy of the SQLite database to <file>
                    (must not exist) and exit; safe while the server runs.
                    On PostgreSQL use pg_dump instead.

Environment:
  DATABASE_URL       sqlite://data/fenfa.db (default) or postgres://…
  LEPTOS_SITE_ADDR   listen address (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT   built site (default target/site)
  RUST_LOG           log filter (default info)
  FENFA_SECURE_COOKIES=1  mark cookies Secure (HTTPS deployments)
  FENFA_TRUSTED_PROXIES   proxies (CIDRs) whose X-Forwarded-For is believed
  FENFA_SECRET_KEY        64 hex characters: the key sealing credentials at rest
                          (default: a key file made beside the SQLite database)
  FENFA_SECRET_KEY_FILE   where that key file is
  FENFA_SECRET_KEY_OLD    earlier keys (comma-separated), to open and rotate";

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--backup") {
        let Some(target) = args.get(i + 1) else {
            eprintln!("--backup needs a file name\n\n{USAGE}");
            std::process::exit(2);
        };
        match app::db::backup(&database_url(), std::path::Path::new(target)).await {
            Ok(()) => println!("backup written to {target}"),
            Err(e) => {
                eprintln!("fenfa-server: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("rotate-secrets") {
        match rotate_secrets().await {
            Ok(n) => println!("{n} stored secret(s) sealed again with the current key"),
            Err(e) => {
                eprintln!("fenfa-server rotate-secrets: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("create-operator") {
        if let Err(e) = create_operator(&args[1..]).await {
            eprintln!("fenfa-server create-operator: {e}");
            std::process::exit(1);
        }
        return;
    }
    if let Err(e) = run(&args).await {
        // On standard error, so that scripts and service managers show it.
        eprintln!("fenfa-server: {e}");
        std::process::exit(1);
    }
}

async fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let conf = get_configuration(None)?;
    let leptos_options = app::state::with_hashed_names(conf.leptos_options);
    let addr = leptos_options.site_addr;

    let db = Db::connect(&database_url()).await?;
    let clock = clock();
    // Credentials stored before sealing existed, or under an old key.
    let resealed = app::apps::queries::edits::reseal_credentials(&db).await?;
    if resealed > 0 {
        tracing::info!("sealed {resealed} stored credential(s) with the current key");
    }
    // Orders made before order search existed.
    let indexed = app::orders::search::backfill(&db).await?;
    if indexed > 0 {
        tracing::info!("indexed {indexed} order(s) for search");
    }
    // Never by default: demo accounts have a published password.
    if args.iter().any(|a| a == "--seed-demo") {
        app::demo::seed(&db, clock.now_ms()).await?;
    }
    // The large benchmark dataset (`.ci/bench`); never on a real database.
    if args.iter().any(|a| a == "--seed-bench") && !app::bench::is_seeded(&db).await? {
        tracing::info!("writing the benchmark dataset (1,000,000 orders)…");
        app::bench::seed(&db, app::bench::FULL, clock.now_ms()).await?;
        tracing::info!("benchmark dataset written");
    }
    let secure_cookies = args.iter().any(|a| a == "--secure-cookies")
        || std::env::var("FENFA_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true");
    let trusted_proxies = app::state::parse_trusted_proxies(
        &std::env::var("FENFA_TRUSTED_PROXIES").unwrap_or_default(),
    )?;
    let state = AppState {
        leptos_options,
        db,
        clock,
        secure_cookies,
        trusted_proxies: std::sync::Arc::new(trusted_proxies),
        exports: Default::default(),
        mailer: app::mail::Mailer::from_env(&format!("http://{addr}"))?,
        links: Default::default(),
    };
    app::distribution::cache::LinkCache::spawn_flusher(&state.links, state.db.clone());
    // Calls to third-party services leave from here, never from a request.
    app::runtime::outbox::Worker::from_env(state.db.clone(), state.clock.clone()).spawn();
    app::licences::queries::spawn_reminders(state.db.clone(), state.clock.clone());
    let links = state.links.clone();

    let db = state.db.clone();
    // TCP_NODELAY: a page goes out in several writes; with Nagle's algorithm
    // a later one waited for the client's delayed ACK (40 ms on Linux), which
    // showed as a 44 ms p99 on the Order Center even at light load.
    let listener = tokio::net::TcpListener::bind(&addr).await?.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    tracing::info!("Fenfa listening on http://{addr}");
    // The peer address feeds sign-in throttling per client address.
    let service =
        app::http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // On SIGINT or SIGTERM (what service managers send): stop accepting,
    // let requests in flight finish (at most GRACE), keep the counted views.
    let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, service).with_graceful_shutdown(async move {
        stop_signal().await;
        tracing::info!("stopping: finishing requests in flight");
        let _ = stopping_tx.send(true);
    });
    let mut stopping_rx = stopping.clone();
    tokio::select! {
        done = server.into_future() => done?,
        _ = async {
            let _ = stopping_rx.wait_for(|s| *s).await;
            tokio::time::sleep(GRACE).await;
        } => tracing::warn!("requests still running after {GRACE:?}; stopping anyway"),
    }
    // Link views are counted in memory between writes: keep the last ones.
    links.flush(&db).await?;
    tracing::info!("stopped");
    Ok(())
}

/// The system clock; in a debug build with `FENFA_TEST_CLOCK=1`, one the
/// browser tests move forward (`POST /test/clock`), so a licence can run
/// out during a test. A release build has no such clock.
fn clock() -> Clock {
    #[cfg(debug_assertions)]
    if std::env::var("FENFA_TEST_CLOCK").is_ok_and(|v| v == "1") {
        tracing::warn!("FENFA_TEST_CLOCK=1: POST /test/clock moves this server's time forward");
        return Clock::shifted();
    }
    Clock::system()
}

/// How long requests in flight may take to finish once a stop is asked for.
const GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Ctrl-C, or SIGTERM from a service manager (systemd, Docker, Kubernetes).
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `rotate-secrets`: every stored secret sealed with the current key.
async fn rotate_secrets() -> Result<usize, Box<dyn std::error::Error>> {
    let db = Db::connect(&database_url()).await?;
    let n = app::apps::queries::edits::reseal_credentials(&db).await?;
    db.pool.close().await;
    Ok(n)
}

/// `create-operator --email <address>`.
async fn create_operator(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::{BufRead, IsTerminal};
    let email = match args {
        [flag, email] if flag == "--email" => email,
        _ => return Err(format!("expected --email <address>\n\n{USAGE}").into()),
    };
    let email = app::accounts::Email::parse(email)
        .map_err(|_| format!("{email:?} is not an email address"))?;
    let stdin = std::io::stdin();
    let mut given = String::new();
    if !stdin.is_terminal() {
        stdin.lock().read_line(&mut given)?;
    }
    let given = given.trim_end_matches(['\r', '\n']).to_string();
    let (password, print) = if given.is_empty() {
        (app::accounts::queries::one_time_password(), true)
    } else {
        (given, false)
    };
    let db = Db::connect(&database_url()).await?;
    let made =
        app::accounts::queries::create_operator(&db, &email, &password, Clock::system().now_ms())
            .await;
    db.pool.close().await;
    match made {
        Ok(_) if print => println!(
            "operator {} created; one-time password (change it at the first sign-in):\n{password}",
            email.as_str()
        ),
        Ok(_) => println!("operator {} created with the password read from standard input; change it at the first sign-in", email.as_str()),
        Err(e) if e.code == app::error::ErrorCode::EmailTaken => {
            return Err(format!("an account with the address {} exists already; choose another address", email.as_str()).into())
        }
        Err(e) => return Err(format!("could not create the operator: {e}").into()),
    }
    Ok(())
}

fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/fenfa.db".to_string())
}
