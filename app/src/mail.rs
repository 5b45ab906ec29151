//! Outgoing mail: SMTP when `FENFA_SMTP_URL` is set (e.g.
//! `smtps://user:password@smtp.example.com` or `smtp://relay:25?tls=required`),
//! else each message is written as an `.eml` file to an outbox folder
//! (`FENFA_OUTBOX_DIR`, default `data/outbox`), which the log names — the
//! one-box quick start, and what tests read.

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

#[derive(Clone, Debug)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Where mail goes, who it is from, and the site address links point to.
#[derive(Clone, Debug)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// The public address of the site, for links in mails (no trailing `/`).
    pub site_url: String,
}

/// A mail to one person.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

impl Mailer {
    /// An outbox folder (created when the first mail is written).
    pub fn files(dir: impl Into<PathBuf>, site_url: &str) -> Mailer {
        Mailer {
            transport: Transport::Files(dir.into()),
            from: default_from(),
            site_url: site_url.trim_end_matches('/').to_string(),
        }
    }

    /// From the environment (see the module comment).
    pub fn from_env(site_url: &str) -> Result<Mailer, String> {
        let from = match std::env::var("FENFA_MAIL_FROM") {
            Ok(f) if !f.is_empty() => f
                .parse()
                .map_err(|e| format!("FENFA_MAIL_FROM {f:?}: {e}"))?,
            _ => default_from(),
        };
        let site_url = std::env::var("FENFA_PUBLIC_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| site_url.to_string());
        let transport = match std::env::var("FENFA_SMTP_URL") {
            Ok(url) if !url.is_empty() => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .map_err(|e| format!("FENFA_SMTP_URL: {e}"))?
                    .build(),
            ),
            _ => {
                let dir = std::env::var("FENFA_OUTBOX_DIR")
                    .ok()
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| "data/outbox".into());
                tracing::info!(outbox = %dir, "no FENFA_SMTP_URL: mails are written as .eml files to {dir}");
                Transport::Files(dir.into())
            }
        };
        Ok(Mailer {
            transport,
            from,
            site_url: site_url.trim_end_matches('/').to_string(),
        })
    }

    /// Sends one mail (plain text; lettre picks the transfer encoding).
    pub async fn send(&self, mail: Mail) -> Result<(), String> {
        let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text)
            .map_err(|e| e.to_string())?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// The plain text of a raw single-part mail, whatever its transfer
/// encoding (for tests and tools reading the outbox).
pub fn text_of(raw: &str) -> String {
    use base64::Engine;
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let encoding = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding:"))
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match encoding.as_str() {
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        }
        "quoted-printable" => {
            let joined = body.replace("=\r\n", "");
            let bytes = joined.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' && i + 2 < bytes.len() {
                    if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                }
                out.push(bytes[i]);
                i += 1;
            }
            String::from_utf8_lossy(&out).into_owned()
        }
        _ => body.to_string(),
    }
}

fn default_from() -> Mailbox {
    "Fenfa 分发 <no-reply@fenfa.invalid>"
        .parse()
        .expect("a valid mailbox")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_outbox_mail_keeps_its_utf8_text_readable() {
        let dir = std::env::temp_dir().join(format!("fenfa-mail-{}", crate::db::new_id()));
        let m = Mailer::files(&dir, "http://localhost:3000/");
        assert_eq!(m.site_url, "http://localhost:3000");
        m.send(Mail {
            to: "ned@north.example".into(),
            subject: "邀请 · invitation".into(),
            text: "请打开这个链接，确认你的邮箱地址。打开 open http://localhost:3000/invitations/abc123\n".into(),
        })
        .await
        .unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(files.len(), 1);
        let raw = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
        assert!(raw.contains("To: ned@north.example"), "{raw}");
        assert!(
            text_of(&raw).contains("打开 open http://localhost:3000/invitations/abc123"),
            "{raw}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
