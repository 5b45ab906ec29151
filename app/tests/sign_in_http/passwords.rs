//! Password changes: the user's other sessions end, weak passwords are
//! refused, and admins see failed sign-ins and changes in the audit log.

use super::{attempt, code};
use crate::common::site::site;
use http::StatusCode;

#[tokio::test]
async fn changing_the_password_ends_the_users_other_sessions_only() {
    let s = site(false).await;
    let laptop = s.session("admin@north.example").await;
    let phone = s.session("admin@north.example").await;
    let colleague = s.session("member@north.example").await;

    let wrong = s
        .call(
            "/api/change_password",
            "current_password=nope&new_password=brand-new-secret",
            Some(&laptop),
            &[],
        )
        .await;
    assert_eq!(code(&wrong), "wrong_current_password");
    let short = s
        .call(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=short",
            Some(&laptop),
            &[],
        )
        .await;
    assert_eq!(code(&short), "invalid_password");
    // Nothing changed yet: the phone still works.
    assert!(!s
        .call("/api/me", "", Some(&phone), &[])
        .await
        .json()
        .is_null());

    let ok = s
        .call(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=brand-new-secret",
            Some(&laptop),
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        s.call("/api/me", "", Some(&laptop), &[]).await.json()["email"],
        "admin@north.example"
    );
    assert!(s
        .call("/api/me", "", Some(&phone), &[])
        .await
        .json()
        .is_null());
    assert!(!s
        .call("/api/me", "", Some(&colleague), &[])
        .await
        .json()
        .is_null());
    // The old password no longer signs in; the new one does.
    assert_eq!(
        code(&attempt(&s, "admin@north.example", "fenfa-demo", None).await),
        "bad_credentials"
    );
    assert_eq!(
        attempt(&s, "admin@north.example", "brand-new-secret", None)
            .await
            .status,
        StatusCode::OK
    );
    // Signed out, it is refused.
    let anon = s
        .call(
            "/api/change_password",
            "current_password=brand-new-secret&new_password=another-secret",
            None,
            &[],
        )
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn admins_see_their_peoples_failed_sign_ins_and_password_changes() {
    let s = site(false).await;
    let r = attempt(&s, "member@north.example", "not it", Some("203.0.113.20:1")).await;
    assert_eq!(code(&r), "bad_credentials");
    // A password people commonly use, and one containing the address, are refused.
    let ned = s.session("member@north.example").await;
    for (bad, why) in [
        ("password123", "common_password"),
        ("member-of-north", "password_has_email"),
    ] {
        let r = s
            .call(
                "/api/change_password",
                &format!("current_password=fenfa-demo&new_password={bad}"),
                Some(&ned),
                &[],
            )
            .await;
        assert_eq!(code(&r), why, "{bad}");
    }
    let ok = s
        .call(
            "/api/change_password",
            "current_password=fenfa-demo&new_password=ned%27s+own+passphrase",
            Some(&ned),
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let admin = s.session("admin@north.example").await;
    let log = s
        .call("/api/audit/list", "providers_only=false", Some(&admin), &[])
        .await;
    assert!(log.body.contains("security.sign_in_failed"), "{}", log.body);
    assert!(log.body.contains("203.0.113.20"), "{}", log.body);
    assert!(
        log.body.contains("security.password_changed"),
        "{}",
        log.body
    );
    // Another organization's admin sees none of it.
    let south = s.session("admin@south.example").await;
    let other = s
        .call("/api/audit/list", "providers_only=false", Some(&south), &[])
        .await;
    assert!(!other.body.contains("security."), "{}", other.body);
}
