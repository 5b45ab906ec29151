//! The world's cast at the database level, as contexts: for tests of the
//! queries themselves, without the web server.

use super::super::{fresh, TestDb, T0};
use app::accounts::queries::set_certification;
use app::accounts::{CertLevel, OrgId, Role};
use app::apps::queries::edits::{self, AppSettings};
use app::session::Ctx;
use app::values::AppId;

/// Acme (an intermediate-certified ISV) with its admin and a member;
/// North, a customer, with its admin and a member; South, another
/// customer, with its admin; an operator (`op@fenfa.example`, no context
/// kept). Acme has one app with no parts yet.
pub struct Cast {
    pub t: TestDb,
    pub isv: Ctx,
    pub isv_member: Ctx,
    pub buyer: Ctx,
    pub buyer_member: Ctx,
    pub other_buyer: Ctx,
    pub app: AppId,
}

/// The name Acme's app starts with.
pub const APP_NAME: &str = "客户拜访 🚗";

pub async fn cast() -> Cast {
    let t = fresh().await;
    let op = t.user("op@fenfa.example").await;
    sqlx::query("UPDATE users SET is_operator = 1 WHERE id = $1")
        .bind(&op.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    let (a, m, b, bm, c) = (
        t.user("isv@acme.example").await,
        t.user("dev@acme.example").await,
        t.user("nora@north.example").await,
        t.user("ned@north.example").await,
        t.user("sam@south.example").await,
    );
    let acme = t.org(&a, "Acme").await;
    let north = t.org(&b, "North").await;
    let south = t.org(&c, "South").await;
    set_certification(
        &t.db,
        &t.ctx(&op, None).await,
        &OrgId(acme.clone()),
        CertLevel::Intermediate,
        T0,
    )
    .await
    .unwrap();
    let isv = t.ctx(&a, Some(&acme)).await;
    let buyer = t.ctx(&b, Some(&north)).await;
    for (ctx, email) in [(&isv, "dev@acme.example"), (&buyer, "ned@north.example")] {
        t.join(ctx, email, Role::Member).await;
    }
    let settings = AppSettings::parse(APP_NAME, "briefcase", "拜访管理").unwrap();
    let app = edits::create_app(&t.db, &isv, &settings, T0).await.unwrap();
    Cast {
        isv_member: t.ctx(&m, Some(&acme)).await,
        buyer_member: t.ctx(&bm, Some(&north)).await,
        other_buyer: t.ctx(&c, Some(&south)).await,
        isv,
        buyer,
        app,
        t,
    }
}
