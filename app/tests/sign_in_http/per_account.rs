//! Throttling per account: slowed, then locked; unknown emails answered and
//! costing exactly like known ones; parallel guesses counted like sequential ones.

use super::{attempt, code, sequence};
use crate::common::site::{site, Site};
use http::StatusCode;

#[tokio::test]
async fn failed_sign_ins_for_one_account_are_slowed_then_locked() {
    let s = site(false).await;
    let email = "admin@north.example";
    let mut steps = vec![(0, "wrong"); 3];
    // Right away, even the right password is refused: slowed down.
    steps.push((0, "fenfa-demo"));
    // After a second it is tried (and fails) again; now two seconds are needed.
    steps.push((1_000, "wrong"));
    steps.push((1_000, "wrong"));
    let codes = sequence(&s, email, &steps).await;
    assert_eq!(
        codes,
        [
            "bad_credentials",
            "bad_credentials",
            "bad_credentials",
            "sign_in_slow_down",
            "bad_credentials",
            "sign_in_slow_down"
        ]
    );
    let r = attempt(&s, email, "fenfa-demo", None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.token().is_none());
    assert!(!r.json()["message"].as_str().unwrap().is_empty());

    // Keep failing, waiting out each delay: locked at ten failures.
    let mut failures = 4;
    while failures < 10 {
        s.t.clock.advance_ms(60_000);
        assert_eq!(
            code(&attempt(&s, email, "wrong", None).await),
            "bad_credentials"
        );
        failures += 1;
    }
    s.t.clock.advance_ms(60_000);
    let locked = attempt(&s, email, "fenfa-demo", None).await;
    assert_eq!(code(&locked), "sign_in_locked");
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    // Fifteen minutes after the last failure the right password works again,
    // and it clears the streak: a later typo is not punished.
    s.t.clock.advance_ms(15 * 60_000 - 60_000);
    assert_eq!(code(&attempt(&s, email, "fenfa-demo", None).await), "");
    assert_eq!(
        code(&attempt(&s, email, "wrong", None).await),
        "bad_credentials"
    );
    assert_eq!(code(&attempt(&s, email, "fenfa-demo", None).await), "");
}

#[tokio::test]
async fn an_unknown_email_is_answered_exactly_like_a_known_one() {
    let s = site(false).await;
    let steps: Vec<(i64, &str)> = vec![
        (0, "wrong"),
        (0, "wrong"),
        (0, "wrong"),
        (0, "wrong"),
        (1_000, "wrong"),
        (0, "wrong"),
    ];
    let known = sequence(&s, "admin@north.example", &steps).await;
    let unknown = sequence(&s, "nobody@north.example", &steps).await;
    assert_eq!(known, unknown);
    // Same status and message too.
    let a = attempt(&s, "admin@south.example", "wrong", None).await;
    let b = attempt(&s, "nobody@south.example", "wrong", None).await;
    assert_eq!((a.status, a.body), (b.status, b.body));
}

#[tokio::test]
async fn unknown_emails_cost_a_full_password_check() {
    use argon2::password_hash::PasswordHash;
    // The stand-in hash checked for unknown emails must be a valid hash with
    // the same algorithm and cost as real ones, or the check would return
    // early (an error) and answer faster.
    let real = app::accounts::queries::hash_password("some password".into())
        .await
        .unwrap();
    let (real, dummy) = (
        PasswordHash::new(&real).unwrap(),
        PasswordHash::new(app::accounts::queries::DUMMY_HASH).unwrap(),
    );
    assert_eq!(real.algorithm, dummy.algorithm);
    assert_eq!(real.version, dummy.version);
    assert_eq!(real.params, dummy.params);
    assert_eq!(real.hash.map(|h| h.len()), dummy.hash.map(|h| h.len()));
    let verified = app::accounts::queries::verify_password(
        "anything".into(),
        app::accounts::queries::DUMMY_HASH.into(),
    )
    .await;
    assert!(
        !verified.unwrap(),
        "a wrong password against the stand-in is a plain mismatch"
    );
}

/// The codes of `n` attempts for one account sent all at once.
async fn parallel(s: &std::sync::Arc<Site>, email: &'static str, n: usize) -> Vec<String> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { code(&attempt(&s, email, "wrong", None).await) })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort();
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_guesses_are_throttled_like_thirty_sequential_ones() {
    let s = std::sync::Arc::new(site(false).await);
    let mut sequential = sequence(&s, "admin@south.example", &[(0, "wrong"); 30]).await;
    sequential.sort();
    let at_once = parallel(&s, "admin@north.example", 30).await;
    assert_eq!(at_once, sequential);
    assert_eq!(
        at_once.iter().filter(|c| *c == "bad_credentials").count(),
        3
    );
    assert_eq!(
        at_once.iter().filter(|c| *c == "sign_in_slow_down").count(),
        27
    );
}
