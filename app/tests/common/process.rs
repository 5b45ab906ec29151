//! A real `fenfa-server` process (the binary named by `FENFA_SERVER_BIN`) on
//! a free loopback port, and a small HTTP client for it.

use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::process::Stdio;
use std::time::Duration;

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<bytes::Bytes>>;

/// One running server process; killed when dropped.
pub struct Instance {
    pub base: String,
    client: HttpClient,
    /// Behind a lock so the kill can come while requests borrow the instance.
    child: tokio::sync::Mutex<tokio::process::Child>,
}

pub struct Answer {
    pub status: u16,
    pub cookie: Option<String>,
    pub json: serde_json::Value,
}

/// The built server binary (`.ci/test` sets it).
pub fn server_bin() -> String {
    std::env::var("FENFA_SERVER_BIN").expect("FENFA_SERVER_BIN: the built server")
}

impl Instance {
    /// Starts the server on `database_url` and waits until `/healthz` answers.
    pub async fn start(database_url: &str) -> Instance {
        Self::start_with(database_url, &[]).await
    }

    /// Like `start`, with command-line arguments.
    pub async fn start_with(database_url: &str, args: &[&str]) -> Instance {
        // A free loopback port: the OS picks one, we hand it to the server.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = tokio::process::Command::new(server_bin())
            .args(args)
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start fenfa-server");
        let i = Instance {
            base: format!("http://127.0.0.1:{port}"),
            client: Client::builder(TokioExecutor::new()).build_http(),
            child: tokio::sync::Mutex::new(child),
        };
        // Ready when /healthz answers (it checks the database too).
        for _ in 0..300 {
            if let Ok(r) = i.client.get(i.uri("/healthz")).await {
                if r.status().is_success() {
                    return i;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} did not become healthy", i.base);
    }

    /// SIGKILL: no shutdown code runs, like a crash or a power cut of the process.
    pub async fn kill(&self) {
        let mut child = self.child.lock().await;
        child.start_kill().expect("kill fenfa-server");
        child.wait().await.expect("reap fenfa-server");
    }

    /// Sends SIGTERM, as a service manager stops a service.
    pub async fn terminate(&self) {
        let pid = self.child.lock().await.id().expect("server still running");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid}");
    }

    /// Waits for the process to exit (at most a minute).
    pub async fn wait(&self) -> std::process::ExitStatus {
        let mut child = self.child.lock().await;
        tokio::time::timeout(Duration::from_secs(60), child.wait())
            .await
            .expect("the server did not exit within a minute")
            .expect("reap fenfa-server")
    }

    /// The port the server listens on.
    pub fn addr(&self) -> &str {
        self.base.strip_prefix("http://").unwrap_or(&self.base)
    }

    pub async fn get(&self, path: &str) -> u16 {
        let res = self
            .client
            .request(
                http::Request::get(self.uri(path))
                    .body(Full::from(String::new()))
                    .unwrap(),
            )
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = res.status().as_u16();
        let _ = res.into_body().collect().await;
        status
    }

    fn uri(&self, path: &str) -> http::Uri {
        format!("{}{path}", self.base).parse().unwrap()
    }

    pub async fn call(&self, path: &str, form: &str, session: Option<&str>) -> Answer {
        self.try_call(path, form, session)
            .await
            .unwrap_or_else(|e| panic!("{path}: no answer: {e}"))
    }

    /// Like `call`, but a request the server never answered (it died) is an
    /// error instead of a panic.
    pub async fn try_call(
        &self,
        path: &str,
        form: &str,
        session: Option<&str>,
    ) -> Result<Answer, String> {
        let mut b = http::Request::post(self.uri(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json");
        if let Some(s) = session {
            b = b.header("cookie", format!("fenfa_session={s}"));
        }
        let res = self
            .client
            .request(b.body(Full::from(form.to_string())).unwrap())
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("fenfa_session="))
            .and_then(|v| v.split(';').next())
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        // A body cut off by the crash is no answer either.
        let body = res
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok(Answer {
            status,
            cookie,
            json: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        })
    }

    pub async fn session(&self, email: &str, password: &str) -> String {
        let a = self
            .call(
                "/api/sign_in",
                &form(&[("email", email), ("password", password)]),
                None,
            )
            .await;
        a.cookie
            .unwrap_or_else(|| panic!("sign-in of {email} failed: {}", a.json))
    }
}

/// A form-encoded body; every byte but ASCII letters and digits is escaped.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}
