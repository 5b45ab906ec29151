//! Invitations (accepted once, by the invited address only; withdrawn;
//! expired) and the mailed link that verifies an address.

use crate::common;
use app::accounts::queries::{self, invitations};
use app::accounts::{Email, Role};
use app::error::ErrorCode;
use app::values::InvitationId;

#[tokio::test]
async fn an_invitation_is_accepted_once_by_the_invited_address_only() {
    let t = common::fresh().await;
    let admin = t.user("nora@north.example").await;
    let ned = t.user("ned@north.example").await;
    let eve = t.user("eve@evil.example").await;
    let org = t.org(&admin, "Northwind").await;
    let ctx = t.ctx(&admin, Some(&org)).await;
    let ned_email = Email::parse("ned@north.example").unwrap();
    let mailer = t.mailer();
    invitations::invite(
        &t.db,
        &mailer,
        &ctx,
        &ned_email,
        Role::Member,
        t.clock.now_ms(),
    )
    .await
    .unwrap();
    // Nothing joins by the invitation alone.
    assert!(queries::membership(&t.db, &ned.0, &org)
        .await
        .unwrap()
        .is_none());
    let pending = invitations::pending(&t.db, &ctx, t.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].email, "ned@north.example");
    let token = t
        .mailed_token("ned@north.example", "/invitations/")
        .unwrap();
    assert_eq!(token.len(), 40);
    // Somebody else holding the link cannot use it.
    let eve_ctx = t.ctx(&eve, None).await;
    let other = invitations::accept(&t.db, &eve_ctx, &token, t.clock.now_ms()).await;
    assert_eq!(other.unwrap_err().code, ErrorCode::InvitationOtherEmail);
    // The invited address accepts: it joins with the role, and is verified.
    let ned_ctx = t.ctx(&ned, None).await;
    assert!(!ned_ctx.email_verified);
    invitations::accept(&t.db, &ned_ctx, &token, t.clock.now_ms())
        .await
        .unwrap();
    let m = queries::membership(&t.db, &ned.0, &org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.role, Role::Member);
    assert!(t.ctx(&ned, None).await.email_verified);
    // Once only.
    let again = invitations::accept(&t.db, &ned_ctx, &token, t.clock.now_ms()).await;
    assert_eq!(again.unwrap_err().code, ErrorCode::InvitationInvalid);
    let twice = invitations::invite(&t.db, &mailer, &ctx, &ned_email, Role::Admin, 0).await;
    assert_eq!(twice.unwrap_err().code, ErrorCode::AlreadyMember);
    for action in ["member.invite", "member.join"] {
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM audit_entries WHERE action = '{action}'"
            ))
            .await,
            1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn invitations_expire_and_can_be_withdrawn_and_say_nothing_about_accounts() {
    let t = common::fresh().await;
    let admin = t.user("nora@north.example").await;
    let ned = t.user("ned@north.example").await;
    let org = t.org(&admin, "Northwind").await;
    let ctx = t.ctx(&admin, Some(&org)).await;
    let mailer = t.mailer();
    // An address with no account is answered exactly like one with an account.
    let ghost = invitations::invite(
        &t.db,
        &mailer,
        &ctx,
        &Email::parse("ghost@north.example").unwrap(),
        Role::Member,
        0,
    )
    .await;
    assert!(ghost.is_ok());
    // Withdrawn: the link no longer works.
    let ned_email = Email::parse("ned@north.example").unwrap();
    invitations::invite(
        &t.db,
        &mailer,
        &ctx,
        &ned_email,
        Role::Member,
        t.clock.now_ms(),
    )
    .await
    .unwrap();
    let token = t
        .mailed_token("ned@north.example", "/invitations/")
        .unwrap();
    let id = invitations::pending(&t.db, &ctx, t.clock.now_ms())
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.email == "ned@north.example")
        .unwrap()
        .id;
    invitations::withdraw(
        &t.db,
        &ctx,
        &InvitationId::from(id.as_str()),
        t.clock.now_ms(),
    )
    .await
    .unwrap();
    let ned_ctx = t.ctx(&ned, None).await;
    let gone = invitations::accept(&t.db, &ned_ctx, &token, t.clock.now_ms()).await;
    assert_eq!(gone.unwrap_err().code, ErrorCode::InvitationInvalid);
    // Expired after seven days.
    invitations::invite(
        &t.db,
        &mailer,
        &ctx,
        &ned_email,
        Role::Member,
        t.clock.now_ms(),
    )
    .await
    .unwrap();
    let token = t
        .mailed_token("ned@north.example", "/invitations/")
        .unwrap();
    t.clock
        .advance_ms(app::accounts::INVITATION_DAYS * 24 * 3600 * 1000);
    let late = invitations::accept(&t.db, &ned_ctx, &token, t.clock.now_ms()).await;
    assert_eq!(late.unwrap_err().code, ErrorCode::InvitationInvalid);
    assert!(invitations::pending(&t.db, &ctx, t.clock.now_ms())
        .await
        .unwrap()
        .iter()
        .all(|i| i.email != "ned@north.example"));
    assert!(queries::membership(&t.db, &ned.0, &org)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_mailed_link_verifies_the_address() {
    let t = common::fresh().await;
    let ned = t.user("ned@north.example").await;
    assert!(!t.ctx(&ned, None).await.email_verified);
    invitations::send_verification(
        &t.db,
        &t.mailer(),
        &ned,
        "ned@north.example",
        t.clock.now_ms(),
    )
    .await
    .unwrap();
    let token = t
        .mailed_token("ned@north.example", "/verify-email?token=")
        .unwrap();
    let wrong = invitations::verify_email(&t.db, "00", t.clock.now_ms()).await;
    assert_eq!(wrong.unwrap_err().code, ErrorCode::VerificationInvalid);
    invitations::verify_email(&t.db, &token, t.clock.now_ms())
        .await
        .unwrap();
    assert!(t.ctx(&ned, None).await.email_verified);
    // Used up.
    let again = invitations::verify_email(&t.db, &token, t.clock.now_ms()).await;
    assert_eq!(again.unwrap_err().code, ErrorCode::VerificationInvalid);
}
