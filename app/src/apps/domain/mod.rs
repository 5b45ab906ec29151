//! Values of the apps domain: kinds, types, limits and the views sent to pages.

use crate::error::{AppError, AppResult, ErrorCode};

use serde::{Deserialize, Serialize};

/// Size limits, enforced on every save (documented in the README).
pub mod limits {
    pub const APP_NAME: usize = 60;
    pub const DESCRIPTION: usize = 500;
    pub const FORMS: usize = 50;
    pub const FORM_NAME: usize = 60;
    pub const FIELDS: usize = 100;
    pub const FIELD_LABEL: usize = 60;
    pub const OPTIONS: usize = 50;
    pub const OPTION: usize = 60;
    pub const STEPS: usize = 20;
    pub const STEP_NAME: usize = 60;
    pub const APPROVERS: usize = 20;
    pub const TEMPLATES: usize = 50;
    pub const MESSAGE: usize = 1000;
    pub const RECIPIENTS: usize = 50;
    pub const SERVICES: usize = 20;
    pub const SERVICE_NAME: usize = 60;
    pub const ENDPOINT: usize = 500;
    pub const CREDENTIAL: usize = 4096;
}

use crate::str_enum;
pub use crate::values::{optional_text, text, Choice};

str_enum!(
    /// The fixed set of app icons.
    Icon, InvalidIcon {
        Clipboard => "clipboard", IconClipboard;
        Toolbox => "toolbox", IconToolbox;
        Truck => "truck", IconTruck;
        Chart => "chart", IconChart;
        Wrench => "wrench", IconWrench;
        Receipt => "receipt", IconReceipt;
        Calendar => "calendar", IconCalendar;
        Briefcase => "briefcase", IconBriefcase;
    }
);

impl Icon {
    /// The icon's drawing: SVG path data on a 24 × 24 grid, stroked. Drawn
    /// rather than an emoji, which many systems lack a font for.
    pub fn path(self) -> &'static str {
        match self {
            Icon::Clipboard => "M9 3h6v3H9z M9 4.5H6V21h12V4.5h-3 M9 11h6 M9 15h6",
            Icon::Toolbox => "M3 9h18v10H3z M8 9V6h8v3 M3 13h18 M10 13v2h4v-2",
            Icon::Truck => "M2 6h11v10H2z M13 10h4l3 3v3h-7 M4 18a2 2 0 1 0 4 0a2 2 0 1 0-4 0 M14 18a2 2 0 1 0 4 0a2 2 0 1 0-4 0",
            Icon::Chart => "M4 4v16h16 M7 15l4-4 3 3 5-6",
            Icon::Wrench => "M14.5 3.5a5 5 0 0 0-4.3 7L3.5 17.2l3.3 3.3 6.7-6.7a5 5 0 0 0 7-4.3l-3 3-3.3-3.3 3-3a5 5 0 0 0-2.7-.7z",
            Icon::Receipt => "M6 3h12v18l-3-2-3 2-3-2-3 2z M9 8h6 M9 12h6 M9 16h3",
            Icon::Calendar => "M4 6h16v15H4z M4 10h16 M8 3v5 M16 3v5",
            Icon::Briefcase => "M3 8h18v12H3z M9 8V5h6v3 M3 13h18",
        }
    }
}

str_enum!(
    /// Who may use an app (submit its forms).
    UseBy, InvalidInput {
        Everyone => "everyone", UseByEveryone;
        Chosen => "chosen", UseByChosen;
    }
);

str_enum!(FormKind, InvalidFormKind {
    Plain => "plain", FormPlain;
    Process => "process", FormProcess;
});

str_enum!(FieldType, InvalidFieldType {
    Text => "text", FieldText;
    Number => "number", FieldNumber;
    Date => "date", FieldDate;
    SingleChoice => "single_choice", FieldSingleChoice;
    MultiChoice => "multi_choice", FieldMultiChoice;
    Member => "member", FieldMember;
});

impl FieldType {
    pub fn has_options(self) -> bool {
        matches!(self, FieldType::SingleChoice | FieldType::MultiChoice)
    }
}

str_enum!(Trigger, InvalidTrigger {
    Submitted => "submitted", TriggerSubmitted;
    Approved => "approved", TriggerApproved;
    Rejected => "rejected", TriggerRejected;
});

/// Who a notification goes to: the record's submitter or a user of the organization.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Submitter,
    User(String),
}

impl Recipient {
    /// Form value: `submitter` or `user:<id>`.
    pub fn parse(s: &str) -> AppResult<Recipient> {
        match s {
            "submitter" => Ok(Recipient::Submitter),
            _ => s
                .strip_prefix("user:")
                .filter(|id| !id.is_empty() && id.len() <= 64)
                .map(|id| Recipient::User(id.to_string()))
                .ok_or_else(|| AppError::new(ErrorCode::InvalidRecipient)),
        }
    }
    pub fn form_value(&self) -> String {
        match self {
            Recipient::Submitter => "submitter".into(),
            Recipient::User(id) => format!("user:{id}"),
        }
    }
}

/// Choice options: one per line (or comma-separated), trimmed, unique.
pub fn parse_options(raw: &str, field_type: FieldType) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(['\n', ',', '，']) {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        let p = text(p, limits::OPTION, ErrorCode::InvalidOptions)?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    if field_type.has_options() {
        if out.is_empty() || out.len() > limits::OPTIONS {
            return Err(AppError::new(ErrorCode::InvalidOptions));
        }
    } else if !out.is_empty() {
        return Err(AppError::new(ErrorCode::OptionsNotAllowed));
    }
    Ok(out)
}

/// An http(s) endpoint with a host.
pub fn parse_endpoint(raw: &str) -> AppResult<String> {
    let s = raw.trim();
    let bad = || AppError::new(ErrorCode::InvalidEndpoint);
    if s.len() > limits::ENDPOINT || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') || host.contains(['<', '>', '"', '\'', '\\']) {
        return Err(bad());
    }
    Ok(s.to_string())
}

/// Where an endpoint's requests go: scheme, host and port, lower-cased
/// (user info, path and query do not change who receives a credential).
pub fn endpoint_origin(endpoint: &str) -> String {
    let lower = endpoint.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").unwrap_or(("", &lower));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host_port = host_port.strip_suffix(default_port).unwrap_or(host_port);
    format!("{scheme}://{host_port}")
}

/// The `{{label}}` placeholders of a message.
pub fn placeholders(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                out.push(after[..end].trim().to_string());
                rest = &after[end + 2..];
            }
            None => break,
        }
    }
    out
}

mod views;
pub use views::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_origin_is_its_scheme_host_and_port() {
        let o = endpoint_origin;
        assert_eq!(
            o("https://API.example.com/a?b"),
            o("https://api.example.com/other")
        );
        assert_eq!(
            o("https://api.example.com:443/x"),
            o("https://api.example.com/y")
        );
        assert_eq!(
            o("https://user@api.example.com/"),
            o("https://api.example.com")
        );
        assert_ne!(
            o("https://api.example.com/"),
            o("https://api.example.com.evil.example/")
        );
        assert_ne!(o("https://api.example.com/"), o("http://api.example.com/"));
        assert_ne!(
            o("https://api.example.com/"),
            o("https://api.example.com:8443/")
        );
    }

    #[test]
    fn options_are_required_only_for_choice_fields() {
        assert_eq!(
            parse_options("红\n绿, 蓝，红", FieldType::SingleChoice).unwrap(),
            ["红", "绿", "蓝"]
        );
        assert_eq!(
            parse_options(" ", FieldType::MultiChoice).unwrap_err().code,
            ErrorCode::InvalidOptions
        );
        assert_eq!(
            parse_options("a", FieldType::Text).unwrap_err().code,
            ErrorCode::OptionsNotAllowed
        );
        assert!(parse_options("", FieldType::Number).unwrap().is_empty());
        let many = (0..51)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(parse_options(&many, FieldType::SingleChoice).is_err());
    }

    #[test]
    fn endpoints_must_be_http_or_https_with_a_host() {
        assert!(parse_endpoint("https://api.example.com/v1?x=1").is_ok());
        assert!(parse_endpoint("http://10.0.0.1:8080").is_ok());
        for bad in [
            "ftp://x.example",
            "https://",
            "javascript:alert(1)",
            "https:// x",
            "x.example",
            "https://:80/",
        ] {
            assert_eq!(
                parse_endpoint(bad).unwrap_err().code,
                ErrorCode::InvalidEndpoint,
                "{bad}"
            );
        }
    }

    #[test]
    fn recipients_parse_from_form_values() {
        assert_eq!(Recipient::parse("submitter").unwrap(), Recipient::Submitter);
        assert_eq!(
            Recipient::parse("user:abc").unwrap(),
            Recipient::User("abc".into())
        );
        assert!(Recipient::parse("user:").is_err());
        assert!(Recipient::parse("everyone").is_err());
        assert_eq!(Recipient::User("abc".into()).form_value(), "user:abc");
    }

    #[test]
    fn placeholders_are_found_in_order() {
        assert_eq!(
            placeholders("客户 {{客户名称}} 于 {{ 拜访日期 }} 提交{{"),
            ["客户名称", "拜访日期"]
        );
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for t in FieldType::ALL {
            assert_eq!(FieldType::parse(t.as_str()).unwrap(), *t);
        }
        for i in Icon::ALL {
            assert_eq!(Icon::parse(i.as_str()).unwrap(), *i);
        }
        assert!(FormKind::parse("wizard").is_err());
    }

    #[test]
    fn times_format_in_utc() {
        assert_eq!(crate::time::show(0), "1970-01-01 00:00 UTC");
        assert_eq!(crate::time::show(1_800_000_000_000), "2027-01-15 08:00 UTC");
        assert_eq!(crate::time::show(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
