//! Database tests of accounts: each on a fresh SQLite database.
#![cfg(feature = "ssr")]

mod common;

use app::accounts::queries::{self, invitations};
use app::accounts::{CertLevel, Email, NewPassword, OrgId, Role, UserId};
use app::error::ErrorCode;
use app::session::store as session;
use app::values::InvitationId;

#[tokio::test]
async fn an_email_can_register_only_once_whatever_its_case() {
    let t = common::fresh().await;
    t.user("nora@north.example").await;
    let err = queries::create_user(
        &t.db,
        &Email::parse("NORA@North.example").unwrap(),
        &app::accounts::DisplayName::parse("Nora").unwrap(),
        &app::accounts::NewPassword::parse("another password").unwrap(),
        t.clock.now_ms(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::EmailTaken);
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 1);
}

#[tokio::test]
async fn sign_in_failure_never_says_which_part_was_wrong() {
    let t = common::fresh().await;
    let id = t.user("nora@north.example").await;
    assert_eq!(
        queries::check_credentials(&t.db, "Nora@north.example", "correct horse")
            .await
            .unwrap(),
        id
    );
    let wrong_password = queries::check_credentials(&t.db, "nora@north.example", "wrong horse")
        .await
        .unwrap_err();
    let unknown_email = queries::check_credentials(&t.db, "nobody@north.example", "correct horse")
        .await
        .unwrap_err();
    let malformed = queries::check_credentials(&t.db, "not an email", "correct horse")
        .await
        .unwrap_err();
    assert_eq!(wrong_password, unknown_email);
    assert_eq!(wrong_password, malformed);
    assert_eq!(wrong_password.code, ErrorCode::BadCredentials);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let t = common::fresh().await;
    t.user("nora@north.example").await;
    let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM users")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("correct horse"));
}

#[tokio::test]
async fn the_creator_of_an_organization_is_its_admin_and_it_is_audited() {
    let t = common::fresh().await;
    let u = t.user("nora@north.example").await;
    let org = t.org(&u, "Northwind Trading").await;
    let m = queries::membership(&t.db, &u.0, &org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.role, Role::Admin);
    assert_eq!(m.cert, CertLevel::None);
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_entries WHERE action = 'org.create'")
            .await,
        1
    );
}

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

#[tokio::test]
async fn a_member_cannot_manage_members_and_nothing_changes() {
    let t = common::fresh().await;
    let admin = t.user("nora@north.example").await;
    let ned = t.user("ned@north.example").await;
    t.user("sue@south.example").await;
    let org = t.org(&admin, "Northwind").await;
    let admin_ctx = t.ctx(&admin, Some(&org)).await;
    t.join(&admin_ctx, "ned@north.example", Role::Member).await;
    let ned_ctx = t.ctx(&ned, Some(&org)).await;
    let before = t.snapshot().await;

    let add = invitations::invite(
        &t.db,
        &t.mailer(),
        &ned_ctx,
        &Email::parse("sue@south.example").unwrap(),
        Role::Admin,
        0,
    )
    .await;
    let promote = queries::change_role(&t.db, &ned_ctx, &ned, Role::Admin, 0).await;
    let remove = queries::remove_member(&t.db, &ned_ctx, &admin, 0).await;
    for r in [add, promote, remove] {
        assert_eq!(r.unwrap_err().code, ErrorCode::AdminOnly);
    }
    assert_eq!(t.snapshot().await, before);
}

#[tokio::test]
async fn an_organization_always_keeps_one_admin() {
    let t = common::fresh().await;
    let admin = t.user("nora@north.example").await;
    let ned = t.user("ned@north.example").await;
    let org = t.org(&admin, "Northwind").await;
    let ctx = t.ctx(&admin, Some(&org)).await;

    assert_eq!(
        queries::change_role(&t.db, &ctx, &admin, Role::Member, 0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::LastAdmin
    );
    assert_eq!(
        queries::remove_member(&t.db, &ctx, &admin, 0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::LastAdmin
    );

    // With a second admin, the first may step down.
    t.join(&ctx, "ned@north.example", Role::Admin).await;
    queries::change_role(&t.db, &ctx, &admin, Role::Member, 0)
        .await
        .unwrap();
    let ned_ctx = t.ctx(&ned, Some(&org)).await;
    assert_eq!(
        queries::remove_member(&t.db, &ned_ctx, &ned, 0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::LastAdmin
    );
    queries::remove_member(&t.db, &ned_ctx, &admin, 0)
        .await
        .unwrap();
    assert!(queries::membership(&t.db, &admin.0, &org)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM audit_entries WHERE action IN ('member.role', 'member.remove')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn an_admin_cannot_touch_members_of_another_organization() {
    let t = common::fresh().await;
    let nora = t.user("nora@north.example").await;
    let sam = t.user("sam@south.example").await;
    let north = t.org(&nora, "Northwind").await;
    t.org(&sam, "Southgate").await;
    let ctx = t.ctx(&nora, Some(&north)).await;
    let before = t.snapshot().await;
    assert_eq!(
        queries::change_role(&t.db, &ctx, &sam, Role::Member, 0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        queries::remove_member(&t.db, &ctx, &sam, 0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    let listed = queries::members(&t.db, &ctx).await.unwrap();
    assert_eq!(
        listed.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
        ["nora@north.example"]
    );
    assert_eq!(t.snapshot().await, before);
}

#[tokio::test]
async fn only_the_operator_sets_certification() {
    let t = common::fresh().await;
    let nora = t.user("nora@north.example").await;
    let op = t.user("op@fenfa.example").await;
    sqlx::query("UPDATE users SET is_operator = 1 WHERE id = $1")
        .bind(&op.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    let org = t.org(&nora, "Northwind").await;
    let nora_ctx = t.ctx(&nora, Some(&org)).await;
    let before = t.snapshot().await;
    let denied = queries::set_certification(
        &t.db,
        &nora_ctx,
        &OrgId(org.clone()),
        CertLevel::Advanced,
        0,
    )
    .await;
    assert_eq!(denied.unwrap_err().code, ErrorCode::OperatorOnly);
    assert_eq!(
        queries::all_orgs(&t.db, &nora_ctx).await.unwrap_err().code,
        ErrorCode::OperatorOnly
    );
    assert_eq!(t.snapshot().await, before);

    let op_ctx = t.ctx(&op, None).await;
    queries::set_certification(
        &t.db,
        &op_ctx,
        &OrgId(org.clone()),
        CertLevel::Intermediate,
        0,
    )
    .await
    .unwrap();
    let m = queries::membership(&t.db, &nora.0, &org)
        .await
        .unwrap()
        .unwrap();
    assert!(m.cert.may_distribute());
    let missing =
        queries::set_certification(&t.db, &op_ctx, &OrgId("nope".into()), CertLevel::Basic, 0)
            .await;
    assert_eq!(missing.unwrap_err().code, ErrorCode::NotFound);
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_lifetimes() {
    let t = common::fresh().await;
    let u = t.user("nora@north.example").await;
    let mut tx = t.db.begin_write().await.unwrap();
    let token = session::create(&mut tx, &u.0, None, t.clock.now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (stored,): (String,) = sqlx::query_as("SELECT id_hash FROM sessions")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_ne!(stored, token, "only a hash of the token is stored");

    // Active use keeps it alive past the idle limit...
    // Three weeks of weekly visits: past the idle limit, within the absolute one.
    for _ in 0..3 {
        t.clock.advance_ms(session::IDLE_MS - 1000);
        assert!(session::resolve(&t.db, &token, t.clock.now_ms())
            .await
            .unwrap()
            .is_some());
    }
    // ...but never past the absolute limit.
    t.clock.advance_ms(session::ABSOLUTE_MS);
    assert!(session::resolve(&t.db, &token, t.clock.now_ms())
        .await
        .unwrap()
        .is_none());
    assert_eq!(t.count("SELECT COUNT(*) FROM sessions").await, 0);

    let mut tx = t.db.begin_write().await.unwrap();
    let idle = session::create(&mut tx, &u.0, None, t.clock.now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    t.clock.advance_ms(session::IDLE_MS + 1);
    assert!(session::resolve(&t.db, &idle, t.clock.now_ms())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn demo_data_is_complete_and_seeding_twice_changes_nothing() {
    let t = common::fresh().await;
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 0);
    app::demo::seed(&t.db, 0).await.unwrap();
    let first = t.snapshot().await;
    app::demo::seed(&t.db, 0).await.unwrap();
    assert_eq!(t.snapshot().await, first);
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 8);
    assert_eq!(t.count("SELECT COUNT(*) FROM organizations").await, 4);
    let acme: (String,) =
        sqlx::query_as("SELECT cert_level FROM organizations WHERE name = 'Acme Software'")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!(acme.0, "intermediate");
    let op = queries::check_credentials(&t.db, "operator@fenfa.example", app::demo::PASSWORD)
        .await
        .unwrap();
    assert!(t.ctx(&op, None).await.is_operator);
    let dev = queries::check_credentials(&t.db, "isv-dev@acme.example", app::demo::PASSWORD)
        .await
        .unwrap();
    let orgs = queries::orgs_of(&t.db, &UserId(dev.0)).await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(
        (orgs[0].name.as_str(), orgs[0].role),
        ("Acme Software", Role::Member)
    );
}

#[tokio::test]
async fn the_database_enforces_foreign_keys_and_uses_wal() {
    let t = common::fresh().await;
    if !common::on_postgres() {
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        assert_eq!(mode.to_lowercase(), "wal");
    }
    let orphan = sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('x', 'y', 'admin', 0)",
    )
    .execute(&t.db.pool)
    .await;
    assert!(orphan.is_err());
}

#[tokio::test]
async fn demo_data_is_refused_on_a_database_with_real_accounts() {
    let t = common::fresh().await;
    // A stranger registered one of the demo addresses before anyone seeded.
    let stranger = t.user("isv-admin@acme.example").await;
    let before = t.snapshot().await;
    let err = app::demo::seed(&t.db, 0).await.unwrap_err();
    assert!(
        matches!(err, app::demo::SeedError::RealAccounts { count: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("isv-admin@acme.example"), "{err}");
    // Nothing was added, and the stranger belongs to no certified ISV.
    assert_eq!(t.snapshot().await, before);
    assert!(queries::orgs_of(&t.db, &stranger).await.unwrap().is_empty());
}

#[tokio::test]
async fn demo_data_goes_only_to_demo_accounts_of_a_demo_database() {
    let t = common::fresh().await;
    app::demo::seed(&t.db, 0).await.unwrap();
    // Somebody signs up on the demo; seeding again is still allowed and
    // attaches nothing to that account.
    let visitor = t.user("visitor@test.example").await;
    app::demo::seed(&t.db, 0).await.unwrap();
    assert!(queries::orgs_of(&t.db, &visitor).await.unwrap().is_empty());
    assert_eq!(
        t.count("SELECT COUNT(*) FROM users WHERE is_demo = 1")
            .await,
        8
    );
}

#[tokio::test]
async fn a_created_operator_must_change_the_one_time_password_first() {
    let t = common::fresh().await;
    let email = Email::parse("ops@fenfa.test").unwrap();
    let otp = queries::one_time_password();
    assert_eq!(otp.len(), 20);
    assert_ne!(otp, queries::one_time_password());
    let id = queries::create_operator(&t.db, &email, &otp, t.clock.now_ms())
        .await
        .unwrap();
    let signed_in = queries::check_credentials(&t.db, "ops@fenfa.test", &otp)
        .await
        .unwrap();
    assert_eq!(signed_in, id);
    let (op, must): (i64, i64) =
        sqlx::query_as("SELECT is_operator, must_change_password FROM users WHERE id = $1")
            .bind(&id.0)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!((op, must), (1, 1));
    // An existing address is never promoted.
    let again = queries::create_operator(&t.db, &email, "another password", 0).await;
    assert_eq!(again.unwrap_err().code, ErrorCode::EmailTaken);
    // Choosing a new password lifts the requirement.
    queries::set_password(
        &t.db,
        &id,
        &NewPassword::parse("a brand new passphrase").unwrap(),
        "",
        0,
    )
    .await
    .unwrap();
    assert_eq!(
        t.count(&format!(
            "SELECT must_change_password FROM users WHERE id = '{}'",
            id.0
        ))
        .await,
        0
    );
}
