//! Values every domain shares: typed ids, closed sets of strings and checked
//! text. A leaf: it knows errors and the catalogue, no domain.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::i18n::K;

/// Ids are opaque strings; a type per kind keeps an app id from being passed
/// where an order id is expected. They bind and decode as text in SQL.
macro_rules! typed_id {
    ($($(#[$m:meta])* $name:ident;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// Reads as text wherever text is expected (SQL, audit targets, URLs);
        /// text becomes an id only through `From`.
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Usable as an HTML attribute value (hidden inputs, `data-` attributes).
        impl leptos::prelude::IntoAttributeValue for $name {
            type Output = String;
            fn into_attribute_value(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }
    )*};
}

typed_id! {
    UserId;
    OrgId;
    AppId;
    OrderId;
    LinkId;
    RequestId;
    InvitationId;
    FormId;
    FieldId;
    StepId;
    TemplateId;
    ServiceId;
    /// A maintenance session.
    MaintenanceId;
    /// A record: one submission of an app's form.
    RecordId;
    /// An in-app message to one user.
    MessageId;
    /// One call to a third-party service (the outbox).
    DeliveryId;
    /// A published version of an app.
    VersionId;
    /// A version offered to one order (and what the customer did with it).
    UpgradeId;
    /// What one maintenance session (or a revert) changed in an app.
    ChangeSetId;
    /// The stored hash of a sign-in session's token (never the token).
    SessionId;
}

/// A closed set of values chosen in a `<select>`.
pub trait Choice: Copy + PartialEq + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn as_str(self) -> &'static str;
    fn label(self) -> K;
}

/// An enum stored and sent as a string, with its label in the catalogue and
/// the error code of a value it does not know.
#[macro_export]
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident, $code:ident { $($variant:ident => $s:literal, $label:ident;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s,)* }
            }
            pub fn parse(s: &str) -> $crate::error::AppResult<$name> {
                match s {
                    $($s => Ok($name::$variant),)*
                    _ => Err($crate::error::AppError::new($crate::error::ErrorCode::$code)),
                }
            }
            pub fn label(self) -> $crate::i18n::K {
                match self { $($name::$variant => $crate::i18n::K::$label,)* }
            }
        }

        impl $crate::values::Choice for $name {
            fn all() -> &'static [Self] { Self::ALL }
            fn as_str(self) -> &'static str { $name::as_str(self) }
            fn label(self) -> $crate::i18n::K { $name::label(self) }
        }
    };
}

fn checked(raw: &str, max: usize, code: ErrorCode, newlines: bool) -> AppResult<String> {
    // Browsers send a textarea's line breaks as CRLF.
    let normalized = raw.replace("\r\n", "\n");
    let s = if newlines {
        normalized.trim()
    } else {
        raw.trim()
    };
    let n = s.chars().count();
    if n == 0
        || n > max
        || s.chars()
            .any(|c| c.is_control() && !(newlines && c == '\n'))
    {
        return Err(AppError::new(code));
    }
    Ok(s.to_string())
}

/// One line of 1..=max characters, trimmed, without control characters.
pub fn line(raw: &str, max: usize, code: ErrorCode) -> AppResult<String> {
    checked(raw, max, code, false)
}

/// Text of 1..=max characters, trimmed; line breaks allowed, other control
/// characters not.
pub fn text(raw: &str, max: usize, code: ErrorCode) -> AppResult<String> {
    checked(raw, max, code, true)
}

/// Like `text`, but empty is allowed.
pub fn optional_text(raw: &str, max: usize, code: ErrorCode) -> AppResult<String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    text(raw, max, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_refuse_breaks_and_text_keeps_them() {
        assert!(line("a\nb", 10, ErrorCode::InvalidInput).is_err());
        assert_eq!(text(" a\nb ", 10, ErrorCode::InvalidInput).unwrap(), "a\nb");
        assert!(text("a\tb", 10, ErrorCode::InvalidInput).is_err());
        assert_eq!(text("a\r\nb", 10, ErrorCode::InvalidInput).unwrap(), "a\nb");
        assert!(line("a\r\nb", 10, ErrorCode::InvalidInput).is_err());
        assert!(line("  ", 10, ErrorCode::InvalidInput).is_err());
        assert!(line("四个字符", 3, ErrorCode::InvalidInput).is_err());
        assert_eq!(optional_text(" ", 3, ErrorCode::InvalidInput).unwrap(), "");
    }

    #[test]
    fn ids_travel_as_plain_strings() {
        let id = AppId::from("a1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"a1\"");
        assert_eq!(serde_json::from_str::<AppId>("\"a1\"").unwrap(), id);
    }
}
