//! Sign-up, sign-in, how passwords are stored, session lifetimes, and the
//! operator's one-time password.

use crate::common;
use app::accounts::queries;
use app::accounts::{Email, NewPassword};
use app::error::ErrorCode;
use app::session::store as session;

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
