//! Calls to third-party services (webhooks), through a durable outbox.
//!
//! A record's event writes one `deliveries` row per service called on it, in
//! the event's own transaction: nothing is sent in the user's request. A
//! worker claims due rows with a lease (a conditional update: of several
//! workers or server instances, one wins), POSTs the JSON body signed with
//! the service's credential, and records the outcome; failures are retried
//! with exponential backoff for 24 hours. A service that still needs setting
//! up (no credential) holds its rows until it is set up.
//!
//! Signature (as well-known webhook senders do): header
//! `Fenfa-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(credential, "<t>.<body>")>`.

use super::domain::{EnteredValue, EventKind};
use crate::apps::domain::Trigger;
use crate::db::{new_id, Clock, Db, Tx};
use crate::error::AppResult;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// How long a call may be retried after its event (or a manual retry).
pub const RETRY_WINDOW_MS: i64 = 24 * 3600 * 1000;
/// How long a claim holds a row: longer than one call may take.
pub const LEASE_MS: i64 = 60_000;
/// Rows one worker pass claims.
const BATCH: i64 = 20;

/// The wait before attempt `n + 1` after `n` failed ones: 30 s doubling, at
/// most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 7) as u32;
    (30_000i64 << doublings).min(3_600_000)
}

/// `t=<seconds>,v1=<hex>`: what a receiver recomputes to trust a call.
pub fn signature(credential: &str, timestamp_s: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(credential.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp_s}.{body}").as_bytes());
    format!(
        "t={timestamp_s},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Addresses a call must never reach unless allowed (SSRF): loopback,
/// private, link-local, unspecified, shared and documentation ranges.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Resolves names to public addresses only: a name that points inside
/// (DNS rebinding included) is refused at connect time.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !is_private(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err("the service's address is private or unknown".into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Sends due calls. One per server; any number may run against one database.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    clock: Clock,
    client: reqwest::Client,
    allow_private: bool,
}

impl Worker {
    /// `allow_private`: let calls reach loopback and private addresses
    /// (`FENFA_ALLOW_PRIVATE_WEBHOOKS=1`, for tests and closed networks).
    pub fn new(db: Db, clock: Clock, allow_private: bool) -> Worker {
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            // A redirect could lead anywhere, including inside.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Fenfa-Webhooks/1");
        if !allow_private {
            b = b.dns_resolver(Arc::new(PublicOnly));
        }
        Worker {
            db,
            clock,
            client: b.build().expect("an HTTP client with rustls"),
            allow_private,
        }
    }

    /// From the environment: private addresses only with
    /// `FENFA_ALLOW_PRIVATE_WEBHOOKS=1`.
    pub fn from_env(db: Db, clock: Clock) -> Worker {
        let allow = std::env::var("FENFA_ALLOW_PRIVATE_WEBHOOKS").is_ok_and(|v| v == "1");
        Worker::new(db, clock, allow)
    }

    /// Runs forever: a pass every second (each sends what is due).
    pub fn spawn(self) {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.run_once().await {
                    tracing::warn!(error = %e, "webhook worker pass failed");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    /// Claims what is due and sends it; returns how many calls were made.
    pub async fn run_once(&self) -> AppResult<usize> {
        let now = self.clock.now_ms();
        let due: Vec<(String,)> = sqlx::query_as(
            "SELECT d.id FROM deliveries d JOIN services s ON s.id = d.service_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND d.lease_until < $1 \
               AND s.needs_config = 0 AND s.credential IS NOT NULL \
             ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(now)
        .bind(BATCH)
        .fetch_all(&self.db.pool)
        .await?;
        let mut sent = 0;
        for (id,) in due {
            // The claim: only one worker's update finds the row still free.
            let claimed = sqlx::query(
                "UPDATE deliveries SET lease_until = $1 \
                 WHERE id = $2 AND status = 'pending' AND lease_until < $3",
            )
            .bind(now + LEASE_MS)
            .bind(&id)
            .bind(now)
            .execute(&self.db.pool)
            .await?;
            if claimed.rows_affected() == 1 {
                self.deliver(&id).await?;
                sent += 1;
            }
        }
        Ok(sent)
    }

    async fn deliver(&self, id: &str) -> AppResult<()> {
        let (endpoint, credential, name, body, record_id, attempts, retry_until): (
            String,
            String,
            String,
            String,
            String,
            i64,
            i64,
        ) = sqlx::query_as(
            "SELECT s.endpoint, s.credential, s.name, d.body, d.record_id, d.attempts, d.retry_until \
             FROM deliveries d JOIN services s ON s.id = d.service_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(&self.db.pool)
        .await?;
        let credential = self
            .db
            .secrets
            .open(&credential)
            .map_err(crate::error::AppError::internal)?;
        let outcome = self.post(&endpoint, &credential, id, &body).await;
        let now = self.clock.now_ms();
        let attempts = attempts + 1;
        let mut tx = self.db.begin_write().await?;
        let (status, code, error) = match &outcome {
            Ok(code) if (200..300).contains(code) => ("sent", Some(*code), String::new()),
            Ok(code) => ("retry", Some(*code), format!("HTTP {code}")),
            Err(e) => ("retry", None, e.clone()),
        };
        let next = now + backoff_ms(attempts);
        let status = match status {
            "retry" if next > retry_until => "failed",
            "retry" => "pending",
            s => s,
        };
        sqlx::query(
            "UPDATE deliveries SET status = $1, attempts = $2, next_attempt_at = $3, lease_until = 0, \
             last_code = $4, last_error = $5, sent_at = $6 WHERE id = $7",
        )
        .bind(status)
        .bind(attempts)
        .bind(next)
        .bind(code)
        .bind(&error)
        .bind((status == "sent").then_some(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // The record's history tells the outcome (not each retry).
        let kind = match status {
            "sent" => Some(EventKind::ServiceSent),
            "failed" => Some(EventKind::ServiceFailed),
            _ => None,
        };
        if let Some(kind) = kind {
            super::queries::event(&mut tx, &record_id, now, kind, "", &name, &error).await?;
        }
        tx.commit().await?;
        if status != "sent" {
            tracing::info!(delivery = id, attempts, error = %error, "webhook call failed");
        }
        Ok(())
    }

    /// One POST; the answer's status, or why there was none.
    async fn post(
        &self,
        endpoint: &str,
        credential: &str,
        id: &str,
        body: &str,
    ) -> Result<i64, String> {
        let url = reqwest::Url::parse(endpoint).map_err(|e| format!("bad endpoint: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("only http and https endpoints are called".into());
        }
        // Addresses written as such skip the resolver: check them here.
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
                Some(IpAddr::from([127, 0, 0, 1]))
            }
            _ => None,
        };
        if !self.allow_private && literal.is_some_and(is_private) {
            return Err("the service's address is private".into());
        }
        let ts = self.clock.now_ms() / 1000;
        let answer = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("fenfa-delivery", id)
            .header("fenfa-signature", signature(credential, ts, body))
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| {
                // The chain names the cause (timeout, refused, TLS, DNS).
                let mut s = e.to_string();
                let mut src = std::error::Error::source(&e);
                while let Some(c) = src {
                    s.push_str(&format!(": {c}"));
                    src = c.source();
                }
                s.chars().take(300).collect::<String>()
            })?;
        Ok(answer.status().as_u16() as i64)
    }
}

/// What one call says about a record.
#[derive(serde::Serialize)]
struct CallBody<'a> {
    delivery_id: &'a str,
    event: &'a str,
    app_id: &'a str,
    form_id: &'a str,
    record_id: &'a str,
    status: &'a str,
    submitted_by: &'a str,
    submitted_at: i64,
    values: &'a [EnteredValue],
}

/// Queues a call to every service called on `trigger` of the record's form,
/// inside the event's transaction; the record's history names each.
pub(super) async fn enqueue(
    tx: &mut Tx,
    c: &super::queries::Happened<'_>,
    trigger: Trigger,
    now: i64,
) -> AppResult<()> {
    let services: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.id, s.name FROM service_calls x JOIN services s ON s.id = x.service_id \
         WHERE x.form_id = $1 AND x.trigger_event = $2 ORDER BY s.position, s.id",
    )
    .bind(c.form_id)
    .bind(trigger.as_str())
    .fetch_all(&mut **tx)
    .await?;
    for (service_id, name) in services {
        let id = new_id();
        let body = serde_json::to_string(&CallBody {
            delivery_id: &id,
            event: trigger.as_str(),
            app_id: &c.app.id,
            form_id: c.form_id,
            record_id: c.record_id,
            status: c.status.as_str(),
            submitted_by: c.submitted_by,
            submitted_at: c.submitted_at,
            values: c.values,
        })
        .map_err(crate::error::AppError::internal)?;
        sqlx::query(
            "INSERT INTO deliveries (id, org_id, app_id, service_id, record_id, event, body, status, \
             next_attempt_at, retry_until, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $8)",
        )
        .bind(&id)
        .bind(c.org_id)
        .bind(&c.app.id)
        .bind(&service_id)
        .bind(c.record_id)
        .bind(trigger.as_str())
        .bind(&body)
        .bind(now)
        .bind(now + RETRY_WINDOW_MS)
        .execute(&mut **tx)
        .await?;
        super::queries::event(
            tx,
            c.record_id,
            now,
            EventKind::ServiceQueued,
            "",
            &name,
            "",
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_30_seconds_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(backoff_ms).collect();
        assert_eq!(
            waits,
            [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]
        );
    }

    #[test]
    fn private_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.1.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_time_and_body() {
        // The value Python's hmac module gives for the same input.
        let s = signature("key", 1_700_000_000, "{}");
        assert_eq!(
            s,
            "t=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
        assert_ne!(s, signature("other", 1_700_000_000, "{}"));
        assert_ne!(s, signature("key", 1_700_000_001, "{}"));
    }
}
