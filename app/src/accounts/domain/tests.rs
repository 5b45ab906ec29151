//! Tests of the accounts values.

use super::*;

#[test]
fn email_is_trimmed_and_lowercased() {
    assert_eq!(
        Email::parse("  Admin@North.Example ").unwrap().as_str(),
        "admin@north.example"
    );
}

#[test]
fn bad_emails_are_refused() {
    for bad in [
        "",
        "a",
        "a@b",
        "@north.example",
        "a@@b.c",
        "a b@c.d",
        "a@.c",
        "a@c.",
        "a@b..c",
        "<a>@b.c",
    ] {
        assert_eq!(
            Email::parse(bad).unwrap_err().code,
            ErrorCode::InvalidEmail,
            "{bad}"
        );
    }
    assert!(Email::parse(&format!("{}@b.c", "x".repeat(65))).is_err());
}

#[test]
fn names_are_bounded_in_characters_not_bytes() {
    assert!(DisplayName::parse(&"张".repeat(50)).is_ok());
    assert_eq!(
        DisplayName::parse(&"张".repeat(51)).unwrap_err().code,
        ErrorCode::InvalidDisplayName
    );
    assert_eq!(
        DisplayName::parse("   ").unwrap_err().code,
        ErrorCode::InvalidDisplayName
    );
    assert_eq!(
        OrgName::parse(" 北风贸易 🚢 ").unwrap().as_str(),
        "北风贸易 🚢"
    );
    assert!(OrgName::parse(&"a".repeat(101)).is_err());
    assert!(OrgName::parse("a\u{0}b").is_err());
}

#[test]
fn passwords_need_eight_to_128_chars() {
    assert!(NewPassword::parse("1234567").is_err());
    assert!(NewPassword::parse("12345678").is_ok());
    assert!(NewPassword::parse(&"p".repeat(129)).is_err());
}

#[test]
fn a_chosen_password_is_neither_common_nor_the_email_name() {
    let code = |p: &str, e: &str| {
        NewPassword::chosen_for(p, e)
            .map(|_| ())
            .map_err(|e| e.code)
    };
    assert_eq!(
        code("password1", "ann@x.example"),
        Err(ErrorCode::CommonPassword)
    );
    assert_eq!(
        code("Qwertyuiop", "ann@x.example"),
        Err(ErrorCode::CommonPassword)
    );
    assert_eq!(
        code("12345678", "ann@x.example"),
        Err(ErrorCode::CommonPassword)
    );
    assert_eq!(
        code("annabel-2026!", "annabel@x.example"),
        Err(ErrorCode::PasswordHasEmail)
    );
    assert_eq!(
        code("xxAnnabelxx", "ANNABEL@x.example"),
        Err(ErrorCode::PasswordHasEmail)
    );
    // A one- or two-letter name is too short to say anything.
    assert_eq!(code("a fine passphrase", "a@x.example"), Ok(()));
    assert_eq!(code("fenfa-demo", "operator@fenfa.example"), Ok(()));
    assert_eq!(
        code("short", "ann@x.example"),
        Err(ErrorCode::InvalidPassword)
    );
}

#[test]
fn roles_and_levels_parse_only_known_values() {
    assert_eq!(Role::parse("admin").unwrap(), Role::Admin);
    assert_eq!(
        Role::parse("owner").unwrap_err().code,
        ErrorCode::InvalidRole
    );
    assert_eq!(
        CertLevel::parse("intermediate").unwrap(),
        CertLevel::Intermediate
    );
    assert!(CertLevel::parse("gold").is_err());
    assert!(!CertLevel::Basic.may_distribute());
    assert!(CertLevel::Intermediate.may_distribute() && CertLevel::Advanced.may_distribute());
}

#[test]
fn return_paths_stay_on_this_site() {
    assert_eq!(safe_return_path(Some("/l/abc?x=1")), "/l/abc?x=1");
    for bad in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/api/sign_out",
        "/a\r\nSet-Cookie: x=1",
        "/成员",
    ] {
        assert_eq!(safe_return_path(Some(bad)), "/", "{bad}");
    }
    assert_eq!(safe_return_path(None), "/");
}

#[test]
fn auth_pages_are_never_returned_to() {
    for auth in [
        "/sign-in",
        "/sign-in?next=/sign-in",
        "/sign-in/",
        "/Sign-In",
        "/sign-up?next=%2F",
        "/sign-up#x",
        "/api/sign_in",
    ] {
        assert_eq!(safe_return_path(Some(auth)), "/", "{auth}");
        assert_eq!(sign_in_url(auth), "/sign-in", "{auth}");
    }
    // Pages that merely start like one are kept.
    assert_eq!(safe_return_path(Some("/sign-ins")), "/sign-ins");
    assert_eq!(sign_in_url("/"), "/sign-in?next=/");
    assert_eq!(sign_in_url("/members"), "/sign-in?next=/members");
    assert_eq!(sign_in_url("/l/abc?x=1"), "/sign-in?next=/l/abc%3Fx%3D1");
}
