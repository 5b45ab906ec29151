//! Invitations to an organization and email verification: an address is
//! trusted only once its owner opened a link mailed to it.

use super::member_entry;
use crate::accounts::*;
use crate::audit;
use crate::audit::domain::ActingAs;
use crate::db::{is_unique_violation, new_id, Db, Tx};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::mail::{Mail, Mailer};
use crate::session::Ctx;
use crate::values::{InvitationId, OrgId, UserId};
use serde_json::json;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// A mailed token: 160 random bits; only its hash is stored.
fn new_token() -> (String, String) {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = crate::session::store::hash_token(&token);
    (token, hash)
}

// ---- email verification --------------------------------------------------

/// Makes a verification link for the user's address and mails it.
pub async fn send_verification(
    db: &Db,
    mailer: &Mailer,
    user: &UserId,
    email: &str,
    now: i64,
) -> AppResult<()> {
    let (token, token_hash) = new_token();
    sqlx::query(
        "INSERT INTO email_verifications (token_hash, user_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&token_hash)
    .bind(&user.0)
    .bind(email)
    .bind(now)
    .bind(now + VERIFICATION_HOURS * 3600 * 1000)
    .execute(&db.pool)
    .await?;
    let link = format!("{}/verify-email?token={token}", mailer.site_url);
    let mail = Mail {
        to: email.to_string(),
        subject: "验证你的邮箱 · Verify your email address".into(),
        text: format!(
            "请打开下面的链接，确认这是你的邮箱（{VERIFICATION_HOURS} 小时内有效）：\n{link}\n\n\
             Open this link to confirm that this address is yours (valid for {VERIFICATION_HOURS} hours):\n{link}\n\n\
             如果你没有注册 Fenfa，请忽略这封邮件。If you did not sign up for Fenfa, ignore this mail.\n"
        ),
    };
    mailer.send(mail).await.map_err(|e| {
        tracing::error!(error = %e, "verification mail not sent");
        AppError::new(ErrorCode::MailNotSent)
    })
}

/// Marks the address verified if the token is valid and still matches the
/// account's address.
pub async fn verify_email(db: &Db, token: &str, now: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT v.user_id, v.expires_at FROM email_verifications v JOIN users u ON u.id = v.user_id \
         WHERE v.token_hash = $1 AND u.email = v.email",
    )
    .bind(crate::session::store::hash_token(token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id, _)) = row.filter(|(_, expires_at)| now < *expires_at) else {
        return Err(AppError::new(ErrorCode::VerificationInvalid));
    };
    mark_verified(&mut tx, &user_id, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn mark_verified(tx: &mut Tx, user_id: &str, now: i64) -> AppResult<()> {
    sqlx::query(
        "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    // Every link of this user is used up.
    sqlx::query("DELETE FROM email_verifications WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---- invitations -----------------------------------------------------------

/// Invites an address (admins). The answer is the same whether or not an
/// account exists for it; the invitation is mailed to the address.
pub async fn invite(
    db: &Db,
    mailer: &Mailer,
    ctx: &Ctx,
    email: &Email,
    role: Role,
    now: i64,
) -> AppResult<()> {
    let org = ctx.org_admin()?;
    let (org_id, org_name) = (org.org_id.0.clone(), org.org_name.clone());
    let mut tx = db.begin_write().await?;
    // Already a member: nothing to invite (the admin sees the member list).
    let (members,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND u.email = $2",
    )
    .bind(&org_id)
    .bind(email.as_str())
    .fetch_one(&mut *tx)
    .await?;
    if members > 0 {
        return Err(AppError::new(ErrorCode::AlreadyMember));
    }
    // A new invitation to the same address replaces a pending one.
    sqlx::query(
        "UPDATE invitations SET withdrawn_at = $1 WHERE org_id = $2 AND email = $3 \
         AND accepted_at IS NULL AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(&org_id)
    .bind(email.as_str())
    .execute(&mut *tx)
    .await?;
    let (token, token_hash) = new_token();
    let id = new_id();
    sqlx::query(
        "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&org_id)
    .bind(email.as_str())
    .bind(role.as_str())
    .bind(&token_hash)
    .bind(&ctx.user_id.0)
    .bind(now)
    .bind(now + INVITATION_DAYS * DAY_MS)
    .execute(&mut *tx)
    .await?;
    let mut e = member_entry(ctx, &org_id, "member.invite", &id);
    e.after = Some(json!({ "email": email.as_str(), "role": role.as_str() }));
    audit::record(&mut tx, e, now).await?;
    tx.commit().await?;
    let link = format!("{}/invitations/{token}", mailer.site_url);
    let mail = Mail {
        to: email.as_str().to_string(),
        subject: format!("{org_name} 邀请你加入 · {org_name} invites you to join"),
        text: format!(
            "{inviter} 邀请你以「{zh}」身份加入 {org_name}（{INVITATION_DAYS} 天内有效）：\n{link}\n\n\
             {inviter} invites you to join {org_name} as {en} (valid for {INVITATION_DAYS} days):\n{link}\n",
            inviter = ctx.display_name,
            zh = role.label().text(crate::i18n::Lang::Zh),
            en = role.label().text(crate::i18n::Lang::En),
        ),
    };
    mailer.send(mail).await.map_err(|e| {
        tracing::error!(error = %e, "invitation mail not sent");
        AppError::new(ErrorCode::MailNotSent)
    })
}

/// Pending invitations of the caller's organization (admins).
pub async fn pending(db: &Db, ctx: &Ctx, now: i64) -> AppResult<Vec<InvitationView>> {
    let org = ctx.org_admin()?;
    let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT i.id, i.email, i.role, COALESCE(u.display_name, ''), i.created_at, i.expires_at \
         FROM invitations i LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.org_id = $1 AND i.accepted_at IS NULL AND i.withdrawn_at IS NULL AND i.expires_at > $2 \
         ORDER BY i.created_at DESC, i.id",
    )
    .bind(&org.org_id.0)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(id, email, role, invited_by, created_at, expires_at)| {
            Ok(InvitationView {
                id: id.into(),
                email,
                role: Role::parse(&role)?,
                invited_by,
                created_at,
                expires_at,
            })
        })
        .collect()
}

/// Withdraws a pending invitation of the caller's organization (admins).
pub async fn withdraw(db: &Db, ctx: &Ctx, invitation_id: &InvitationId, now: i64) -> AppResult<()> {
    let org = ctx.org_admin()?.org_id.0.clone();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE invitations SET withdrawn_at = $1 WHERE id = $2 AND org_id = $3 \
         AND accepted_at IS NULL AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(invitation_id)
    .bind(&org)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    audit::record(
        &mut tx,
        member_entry(ctx, &org, "member.invite_withdraw", invitation_id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Open {
    id: String,
    org_id: String,
    org_name: String,
    email: String,
    role: String,
    invited_by: String,
    expires_at: i64,
}

/// A pending, unexpired invitation by its token, inside `conn`.
async fn open(conn: &mut sqlx::AnyConnection, token: &str, now: i64) -> AppResult<Open> {
    let row: Option<Open> = sqlx::query_as(
        "SELECT i.id, i.org_id, o.name AS org_name, i.email, i.role, COALESCE(u.display_name, '') AS invited_by, i.expires_at \
         FROM invitations i JOIN organizations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.withdrawn_at IS NULL",
    )
    .bind(crate::session::store::hash_token(token))
    .fetch_optional(&mut *conn)
    .await?;
    row.filter(|r| now < r.expires_at)
        .ok_or_else(|| AppError::new(ErrorCode::InvitationInvalid))
}

/// What an invitation offers, for whoever holds its link.
pub async fn preview(db: &Db, token: &str, now: i64) -> AppResult<InvitationPreview> {
    let mut conn = db.pool.acquire().await?;
    let o = open(&mut conn, token, now).await?;
    Ok(InvitationPreview {
        org_name: o.org_name,
        role: Role::parse(&o.role)?,
        invited_by: o.invited_by,
        email: o.email,
        expires_at: o.expires_at,
    })
}

/// Accepts an invitation signed in with the invited address: the caller
/// joins with the invited role. Holding the mailed token proves the address,
/// so it counts as verified from here on.
pub async fn accept(db: &Db, ctx: &Ctx, token: &str, now: i64) -> AppResult<OrgId> {
    let mut tx = db.begin_write().await?;
    let o = open(&mut tx, token, now).await?;
    if !o.email.eq_ignore_ascii_case(&ctx.email) {
        return Err(AppError::new(ErrorCode::InvitationOtherEmail));
    }
    let role = Role::parse(&o.role)?;
    mark_verified(&mut tx, &ctx.user_id.0, now).await?;
    let joined = sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&o.org_id)
    .bind(&ctx.user_id.0)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await;
    match joined {
        Err(e) if is_unique_violation(&e) => return Err(AppError::new(ErrorCode::AlreadyMember)),
        other => {
            other?;
        }
    }
    sqlx::query("UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE id = $3")
        .bind(now)
        .bind(&ctx.user_id.0)
        .bind(&o.id)
        .execute(&mut *tx)
        .await?;
    let mut e = member_entry(ctx, &o.org_id, "member.join", &ctx.user_id.0);
    e.acting_as = ActingAs::OwnAccount;
    e.after = Some(json!({ "email": o.email, "role": role.as_str(), "invitation": o.id }));
    audit::record(&mut tx, e, now).await?;
    tx.commit().await?;
    Ok(OrgId(o.org_id))
}
