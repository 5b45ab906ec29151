//! Organizations and their members: the creator is admin, only admins manage
//! members, the last admin stays, other organizations are out of reach, and
//! only the operator sets certification.

use crate::common;
use app::accounts::queries::{self, invitations};
use app::accounts::{CertLevel, Email, OrgId, Role};
use app::error::ErrorCode;

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
