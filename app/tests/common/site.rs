//! An HTTP harness: the whole router over a fresh database with demo data.

use super::TestDb;
use app::state::AppState;
use axum::body::{to_bytes, Body};
use axum::Router;
use http::{header, Request, StatusCode};
use leptos::config::LeptosOptions;
use tower::ServiceExt;

pub struct Site {
    pub t: TestDb,
    pub router: Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("fenfa_session=") || v.starts_with("__Host-fenfa_session="))
            .map(str::to_string)
    }
    pub fn token(&self) -> Option<String> {
        let c = self.session_cookie()?;
        let v = c.split(';').next()?.split_once('=')?.1.to_string();
        (!v.is_empty()).then_some(v)
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub async fn site(secure_cookies: bool) -> Site {
    let t = super::fresh().await;
    app::demo::seed(&t.db, t.clock.now_ms()).await.unwrap();
    site_on(t, secure_cookies).await
}

/// Leptos marks building a route list (every `router()` does) in a
/// process-global flag, and a page resource first polled meanwhile never
/// loads (leptos issue #4773). Tests of one file run in parallel, so routers
/// are built under the write lock and requests answered under the read lock.
/// (The server builds its one router before it serves.)
pub static ROUTE_LIST: std::sync::LazyLock<tokio::sync::RwLock<()>> =
    std::sync::LazyLock::new(Default::default);

/// The whole router over an existing test database.
pub async fn site_on(t: TestDb, secure_cookies: bool) -> Site {
    site_with(t, |s| s.secure_cookies = secure_cookies).await
}

/// The whole router over an existing test database, with settings changed.
pub async fn site_with(t: TestDb, settings: impl FnOnce(&mut AppState)) -> Site {
    let _building = ROUTE_LIST.write().await;
    let mut state = AppState {
        leptos_options: LeptosOptions::builder().output_name("fenfa").build(),
        db: t.db.clone(),
        clock: t.clock.clone(),
        secure_cookies: false,
        trusted_proxies: Default::default(),
        exports: Default::default(),
        mailer: app::mail::Mailer::files(t.dir().join("outbox"), "http://localhost:3000"),
        links: t.links.clone(),
    };
    settings(&mut state);
    Site {
        router: app::http::router(state),
        t,
    }
}

impl Site {
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let _answering = ROUTE_LIST.read().await;
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body =
            String::from_utf8_lossy(&to_bytes(res.into_body(), 1 << 24).await.unwrap()).to_string();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A server function call as the browser's fetch makes it.
    pub async fn call(
        &self,
        path: &str,
        form: &str,
        cookie: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut b = Request::post(path)
            .header(header::HOST, "localhost:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if !extra.iter().any(|(k, _)| *k == "accept") {
            b = b.header(header::ACCEPT, "application/json");
        }
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, format!("fenfa_session={c}"));
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(form.to_string())).unwrap())
            .await
    }

    pub async fn sign_in(&self, email: &str, cookie: Option<&str>) -> Reply {
        self.call(
            "/api/sign_in",
            &format!("email={}&password=fenfa-demo", email.replace('@', "%40")),
            cookie,
            &[],
        )
        .await
    }

    /// A distribution link for the demo app whose name starts with `app`,
    /// created by the ISV session `isv`; returns the link token.
    pub async fn create_link(&self, isv: &str, app: &str) -> String {
        let (app_id,): (String,) = sqlx::query_as("SELECT id FROM apps WHERE name LIKE $1 || '%'")
            .bind(app)
            .fetch_one(&self.t.db.pool)
            .await
            .unwrap();
        let form = format!("app_id={app_id}&expires_days=30&max_purchases=&bound_org=&note=");
        let r = self
            .call("/api/distribution/create_link", &form, Some(isv), &[])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["path"]
            .as_str()
            .unwrap()
            .trim_start_matches("/l/")
            .to_string()
    }

    /// Signs in and returns the session token.
    pub async fn session(&self, email: &str) -> String {
        let r = self.sign_in(email, None).await;
        r.token()
            .unwrap_or_else(|| panic!("sign-in failed for {email}: {}", r.body))
    }
}
