//! Changes to third-party services.

use super::prelude::*;
use crate::values::{AppId, ServiceId};

// ---- third-party services ----------------------------------------------

#[derive(Debug)]
pub struct ServiceInput {
    pub name: String,
    pub endpoint: String,
}

impl ServiceInput {
    pub fn parse(name: &str, endpoint: &str) -> AppResult<ServiceInput> {
        Ok(ServiceInput {
            name: text(name, limits::SERVICE_NAME, ErrorCode::InvalidServiceName)?,
            endpoint: parse_endpoint(endpoint)?,
        })
    }
}

/// A credential: 1–4096 characters, kept exactly as given.
pub fn parse_credential(raw: &str) -> AppResult<String> {
    let n = raw.chars().count();
    if n == 0 || n > limits::CREDENTIAL || raw.chars().any(char::is_control) {
        return Err(AppError::new(ErrorCode::InvalidCredential));
    }
    Ok(raw.to_string())
}

async fn service_of(e: &mut AppEdit, service_id: &ServiceId) -> AppResult<(String, String)> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, endpoint FROM services WHERE id = $1 AND app_id = $2")
            .bind(service_id)
            .bind(&e.app_id)
            .fetch_optional(&mut *e.tx)
            .await?;
    row.ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

pub async fn add_service(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    s: &ServiceInput,
    credential: Option<&str>,
    now: i64,
) -> AppResult<ServiceId> {
    let credential = credential
        .filter(|c| !c.is_empty())
        .map(parse_credential)
        .transpose()?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let id = ServiceId(new_id());
    let pos = e
        .next_slot(Sibling::Service, app_id, limits::SERVICES)
        .await?;
    sqlx::query(
        "INSERT INTO services (id, app_id, name, endpoint, credential, credential_set_at, needs_config, position) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
    )
    .bind(&id)
    .bind(app_id)
    .bind(&s.name)
    .bind(&s.endpoint)
    // Sealed at rest: a dump or backup holds no plaintext secret.
    .bind(credential.as_deref().map(|c| db.secrets.seal(c)))
    .bind(credential.as_ref().map(|_| now))
    .bind(pos)
    .execute(&mut *e.tx)
    .await?;
    // The audit trail records that a credential was set, never its value.
    let after =
        json!({ "name": s.name, "endpoint": s.endpoint, "credential": credential.is_some() });
    e.finish("service.add", &id, None, Some(after)).await?;
    Ok(id)
}

pub async fn update_service(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    service_id: &ServiceId,
    s: &ServiceInput,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (name, endpoint) = service_of(&mut e, service_id).await?;
    // A credential belongs to the host it was given for: pointing the
    // service elsewhere (an ISV in maintenance, say) drops it, and the
    // service needs configuring again by whoever knows the new host's secret.
    let moved = endpoint_origin(&endpoint) != endpoint_origin(&s.endpoint);
    let dropped = if moved {
        sqlx::query(
            "UPDATE services SET credential = NULL, credential_set_at = NULL, needs_config = 1 \
             WHERE id = $1 AND credential IS NOT NULL",
        )
        .bind(service_id)
        .execute(&mut *e.tx)
        .await?
        .rows_affected()
            > 0
    } else {
        false
    };
    sqlx::query("UPDATE services SET name = $1, endpoint = $2 WHERE id = $3")
        .bind(&s.name)
        .bind(&s.endpoint)
        .bind(service_id)
        .execute(&mut *e.tx)
        .await?;
    let before = json!({ "name": name, "endpoint": endpoint });
    let mut after = json!({ "name": s.name, "endpoint": s.endpoint });
    if dropped {
        after["credential"] = json!("cleared: new host");
    }
    e.finish("service.update", service_id, Some(before), Some(after))
        .await
}

pub async fn set_credential(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    service_id: &ServiceId,
    credential: &str,
    now: i64,
) -> AppResult<()> {
    let credential = parse_credential(credential)?;
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    service_of(&mut e, service_id).await?;
    sqlx::query("UPDATE services SET credential = $1, credential_set_at = $2, needs_config = 0 WHERE id = $3")
        .bind(db.secrets.seal(&credential))
        .bind(now)
        .bind(service_id)
        .execute(&mut *e.tx)
        .await?;
    e.finish(
        "service.credential",
        service_id,
        None,
        Some(json!({ "credential": "set" })),
    )
    .await
}

pub async fn delete_service(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    service_id: &ServiceId,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    let (name, endpoint) = service_of(&mut e, service_id).await?;
    e.delete(Sibling::Service, service_id).await?;
    e.finish(
        "service.delete",
        service_id,
        Some(json!({ "name": name, "endpoint": endpoint })),
        None,
    )
    .await
}

/// Seals credentials stored in plaintext (written before sealing existed)
/// and re-seals those of an older key with the current one; returns how
/// many changed. Run at every start and by `fenfa-server rotate-secrets`.
/// A credential no configured key opens stops it with the reason: a server
/// must not run on with secrets it cannot use (and seal new ones with a
/// different key).
pub async fn reseal_credentials(db: &Db) -> Result<usize, String> {
    let db_err = |e: sqlx::Error| format!("reading or writing credentials: {e}");
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, credential FROM services WHERE credential IS NOT NULL")
            .fetch_all(&db.pool)
            .await
            .map_err(db_err)?;
    let mut changed = 0;
    let mut tx = db.begin_write().await.map_err(db_err)?;
    for (id, stored) in rows {
        if db.secrets.is_current(&stored) {
            continue;
        }
        let plain = if crate::secrets::Secrets::is_sealed(&stored) {
            db.secrets.open(&stored).map_err(|_| {
                "stored credentials were sealed with a key that is not configured: restore the \
                 key that belongs to this database (the secret.key file beside it, or \
                 FENFA_SECRET_KEY), or name the old key in FENFA_SECRET_KEY_OLD"
                    .to_string()
            })?
        } else {
            stored
        };
        sqlx::query("UPDATE services SET credential = $1 WHERE id = $2")
            .bind(db.secrets.seal(&plain))
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        changed += 1;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(changed)
}

/// Calls `service_id` on `trigger` of `form_id` (`add`), or stops calling it.
/// A plain form has no approval, so it is called only on submission.
#[allow(clippy::too_many_arguments)]
pub async fn set_service_call(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    service_id: &ServiceId,
    form_id: &crate::values::FormId,
    trigger: Trigger,
    add: bool,
    now: i64,
) -> AppResult<()> {
    let mut e = AppEdit::begin(db, ctx, app_id, now).await?;
    service_of(&mut e, service_id).await?;
    let (_, kind) = super::forms::form_of(&mut e, form_id).await?;
    if kind == FormKind::Plain && trigger != Trigger::Submitted {
        return Err(AppError::new(ErrorCode::NotAProcessForm));
    }
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM service_calls WHERE service_id = $1 AND form_id = $2 AND trigger_event = $3",
    )
    .bind(service_id)
    .bind(form_id)
    .bind(trigger.as_str())
    .fetch_one(&mut *e.tx)
    .await?;
    let sql = match (add, n > 0) {
        (true, true) => return Err(AppError::new(ErrorCode::AlreadyAdded)),
        (false, false) => return Err(AppError::new(ErrorCode::NotFound)),
        (true, false) => {
            "INSERT INTO service_calls (service_id, form_id, trigger_event) VALUES ($1, $2, $3)"
        }
        (false, true) => {
            "DELETE FROM service_calls WHERE service_id = $1 AND form_id = $2 AND trigger_event = $3"
        }
    };
    sqlx::query(sql)
        .bind(service_id)
        .bind(form_id)
        .bind(trigger.as_str())
        .execute(&mut *e.tx)
        .await?;
    let call = json!({ "form": form_id, "trigger": trigger.as_str() });
    let (action, before, after) = if add {
        ("service.call_add", None, Some(call))
    } else {
        ("service.call_remove", Some(call), None)
    };
    e.finish(action, service_id, before, after).await
}
