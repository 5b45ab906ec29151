//! Secrets at rest: third-party credentials are stored sealed with an AEAD
//! (XChaCha20-Poly1305), so a backup or a database dump holds no plaintext.
//!
//! The key is 32 bytes, from `FENFA_SECRET_KEY` (64 hex characters) or else
//! a key file (`FENFA_SECRET_KEY_FILE`; by default `secret.key` beside the
//! SQLite database, `data/secret.key` for PostgreSQL), created with mode 0600
//! on first start. Rotation: start with the new key in `FENFA_SECRET_KEY` and
//! the old one(s) in `FENFA_SECRET_KEY_OLD` (comma-separated), run
//! `fenfa-server rotate-secrets` once, then drop the old keys.
//!
//! A sealed value reads `enc:v1:<key id>:<base64 of nonce and ciphertext>`;
//! the key id (8 hex digits of the key's SHA-256) picks the key to open it.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const PREFIX: &str = "enc:v1:";

#[derive(Clone)]
struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl Key {
    fn new(bytes: &[u8; 32]) -> Key {
        Key {
            id: hex::encode(&Sha256::digest(bytes)[..4]),
            cipher: XChaCha20Poly1305::new(bytes.into()),
        }
    }
}

/// The current key (sealing and opening) and older keys (opening only).
#[derive(Clone)]
pub struct Secrets {
    current: Key,
    old: Vec<Key>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets(key {})", self.current.id)
    }
}

#[derive(Debug)]
pub enum SecretError {
    /// A key setting that is not 64 hex characters.
    BadKey(String),
    Io(PathBuf, std::io::Error),
    /// A stored value sealed with a key that is not configured, or altered.
    CannotOpen,
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretError::BadKey(what) => write!(f, "{what}: a key must be 64 hex characters"),
            SecretError::Io(p, e) => write!(f, "secret key file {}: {e}", p.display()),
            SecretError::CannotOpen => {
                write!(
                    f,
                    "a stored secret cannot be opened with the configured keys"
                )
            }
        }
    }
}

impl std::error::Error for SecretError {}

fn parse_key(what: &str, raw: &str) -> Result<[u8; 32], SecretError> {
    let bytes = hex::decode(raw.trim()).map_err(|_| SecretError::BadKey(what.into()))?;
    bytes
        .try_into()
        .map_err(|_| SecretError::BadKey(what.into()))
}

impl Secrets {
    pub fn from_key(key: &[u8; 32]) -> Secrets {
        Secrets {
            current: Key::new(key),
            old: Vec::new(),
        }
    }

    /// The keys for the database at `url` (see the module comment).
    pub fn load(url: &str, sqlite_file: Option<&Path>) -> Result<Secrets, SecretError> {
        let current = match std::env::var("FENFA_SECRET_KEY") {
            Ok(k) if !k.trim().is_empty() => parse_key("FENFA_SECRET_KEY", &k)?,
            _ => {
                let file = match std::env::var("FENFA_SECRET_KEY_FILE") {
                    Ok(f) if !f.is_empty() => PathBuf::from(f),
                    _ => match sqlite_file.and_then(Path::parent) {
                        Some(dir) if !url.starts_with("postgres") => dir.join("secret.key"),
                        _ => PathBuf::from("data/secret.key"),
                    },
                };
                key_file(&file)?
            }
        };
        let mut s = Secrets::from_key(&current);
        if let Ok(old) = std::env::var("FENFA_SECRET_KEY_OLD") {
            for k in old.split(',').filter(|k| !k.trim().is_empty()) {
                s.old.push(Key::new(&parse_key("FENFA_SECRET_KEY_OLD", k)?));
            }
        }
        Ok(s)
    }

    /// Seals `plain` with the current key (a fresh random nonce each time).
    pub fn seal(&self, plain: &str) -> String {
        use rand::RngCore;
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .current
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .expect("sealing a short value cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!(
            "{PREFIX}{}:{}",
            self.current.id,
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
        )
    }

    /// Opens a sealed value with whichever configured key sealed it.
    pub fn open(&self, stored: &str) -> Result<String, SecretError> {
        let rest = stored.strip_prefix(PREFIX).ok_or(SecretError::CannotOpen)?;
        let (id, data) = rest.split_once(':').ok_or(SecretError::CannotOpen)?;
        let key = std::iter::once(&self.current)
            .chain(&self.old)
            .find(|k| k.id == id)
            .ok_or(SecretError::CannotOpen)?;
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(data)
            .map_err(|_| SecretError::CannotOpen)?;
        if bytes.len() < 24 {
            return Err(SecretError::CannotOpen);
        }
        let (nonce, sealed) = bytes.split_at(24);
        let plain = key
            .cipher
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| SecretError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| SecretError::CannotOpen)
    }

    /// Whether a stored value is sealed (with any key).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    /// Whether a stored value is sealed with the current key.
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .strip_prefix(PREFIX)
            .and_then(|r| r.split_once(':'))
            .is_some_and(|(id, _)| id == self.current.id)
    }
}

/// Reads the key file, or creates it (mode 0600) with a new random key.
fn key_file(path: &Path) -> Result<[u8; 32], SecretError> {
    let io = |e| SecretError::Io(path.to_path_buf(), e);
    match std::fs::read_to_string(path) {
        Ok(s) => parse_key(&path.display().to_string(), &s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use rand::RngCore;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let mut key = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut key);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            use std::io::Write;
            match options.open(path) {
                Ok(mut f) => {
                    f.write_all(hex::encode(key).as_bytes()).map_err(io)?;
                    tracing::info!(file = %path.display(), "created a new secret key (keep it with your backups)");
                    Ok(key)
                }
                // Another instance created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => parse_key(
                    &path.display().to_string(),
                    &std::fs::read_to_string(path).map_err(io)?,
                ),
                Err(e) => Err(io(e)),
            }
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_and_reveal_nothing() {
        let s = Secrets::from_key(&[7; 32]);
        let a = s.seal("customer-secret");
        let b = s.seal("customer-secret");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("customer-secret") && Secrets::is_sealed(&a));
        assert_eq!(s.open(&a).unwrap(), "customer-secret");
        // Altered or foreign values do not open.
        let mut altered = a.clone();
        altered.pop();
        altered.push(if a.ends_with('A') { 'B' } else { 'A' });
        assert!(s.open(&altered).is_err());
        assert!(Secrets::from_key(&[8; 32]).open(&a).is_err());
        assert!(s.open("plain").is_err());
    }

    #[test]
    fn an_old_key_still_opens_what_it_sealed() {
        let old = Secrets::from_key(&[1; 32]);
        let sealed = old.seal("x");
        let mut now = Secrets::from_key(&[2; 32]);
        assert!(now.open(&sealed).is_err());
        now.old.push(Key::new(&[1; 32]));
        assert_eq!(now.open(&sealed).unwrap(), "x");
        assert!(!now.is_current(&sealed));
        assert!(now.is_current(&now.seal("x")));
    }

    #[test]
    fn a_new_key_file_is_private_to_its_owner() {
        let dir = tempfile_dir();
        let path = dir.join("k/secret.key");
        let key = key_file(&path).unwrap();
        assert_eq!(key_file(&path).unwrap(), key, "read back, not replaced");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("fenfa-secrets-{}", crate::db::new_id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
