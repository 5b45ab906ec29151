//! The upgrade benchmark's data: the ISV's first app (101 parts) published
//! as 1.0.0 and 1.1.0 (every field relabelled, a form added), and
//! `n` customers (`bench-up<i>`, session `bench-session-up<i>`) each holding
//! a copy of 1.0.0 with one field renamed and 1.1.0 offered.

use super::*;
use crate::db::Tx;

/// Session token of upgrade customer `i`'s admin.
pub fn upgrade_session(i: usize) -> String {
    format!("bench-session-up{i}")
}

pub(super) async fn seed(
    tx: &mut Tx,
    admin: &str,
    password_hash: &str,
    n: usize,
    now: i64,
) -> AppResult<()> {
    if n == 0 {
        return Ok(());
    }
    use crate::session::store::hash_token as session_hash;
    let (app_id,): (String,) =
        sqlx::query_as("SELECT id FROM apps WHERE org_id = $1 AND name = $2")
            .bind(ISV_ORG)
            .bind(&app_snapshot(0, admin).name)
            .fetch_one(&mut **tx)
            .await?;
    let v1 = snapshot::load(tx, &app_id.clone().into())
        .await?
        .ok_or_else(|| crate::error::AppError::internal("the bench app is missing"))?;
    let mut v2 = v1.clone();
    for form in &mut v2.forms {
        for f in &mut form.fields {
            f.label = format!("{} v2", f.label);
        }
    }
    v2.forms.push(FormSnap {
        key: "bench-new-form".into(),
        name: "新表单 New form".into(),
        kind: FormKind::Plain,
        fields: vec![],
        process: vec![],
    });
    for (id, (major, minor), snap) in [("bench-v1", (1, 0), &v1), ("bench-v2", (1, 1), &v2)] {
        sqlx::query(
            "INSERT INTO app_versions (id, app_id, isv_org_id, major, minor, patch, notes, snapshot_json, level, changes, \
             published_by, published_at) VALUES ($1, $2, $3, $4, $5, 0, 'bench', $6, NULL, 0, $7, $8)",
        )
        .bind(id)
        .bind(&app_id)
        .bind(ISV_ORG)
        .bind(major as i64)
        .bind(minor as i64)
        .bind(snap.to_json())
        .bind(admin)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    for i in 0..n {
        let (org, user) = (format!("bench-up{i}"), format!("bench-upu{i}"));
        sqlx::query("INSERT INTO organizations (id, name, cert_level, created_at) VALUES ($1, $2, 'none', $3)")
            .bind(&org).bind(format!("Upgrade customer {i}")).bind(now).execute(&mut **tx).await?;
        sqlx::query("INSERT INTO users (id, email, display_name, password_hash, is_operator, created_at) VALUES ($1, $2, $3, $4, 0, $5)")
            .bind(&user).bind(format!("up{i}@u.bench.example")).bind(format!("Upgrader {i}")).bind(password_hash).bind(now)
            .execute(&mut **tx).await?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'admin', $3)")
            .bind(&org).bind(&user).bind(now).execute(&mut **tx).await?;
        sqlx::query("INSERT INTO sessions (id_hash, user_id, current_org, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(session_hash(&upgrade_session(i))).bind(&user).bind(&org).bind(now).execute(&mut **tx).await?;
        let d = snapshot::Deploy {
            org_id: &org,
            actor_user_id: &user,
            origin: "installed",
            foreign: true,
            now,
        };
        let copy = snapshot::deploy(tx, &v1, &d).await?;
        // The customer's own change: its first field renamed.
        sqlx::query(
            "UPDATE fields SET label = 'ours' WHERE id = (SELECT f.id FROM fields f JOIN forms m ON m.id = f.form_id \
             WHERE m.app_id = $1 ORDER BY m.position, f.position LIMIT 1)",
        )
        .bind(&copy)
        .execute(&mut **tx)
        .await?;
        sqlx::query("UPDATE apps SET base_version_id = 'bench-v1' WHERE id = $1")
            .bind(&copy)
            .execute(&mut **tx)
            .await?;
        let order = format!("bench-uo{i}");
        sqlx::query(
            "INSERT INTO distribution_orders (id, order_no, link_id, isv_org_id, customer_org_id, buyer_user_id, \
             source_app_id, installed_app_id, app_version, idempotency_key, created_at, version_id, version, upgrade_state) \
             VALUES ($1, $2, 'bench-l0', $3, $4, $5, $6, $7, 1, $1, $8, 'bench-v1', '1.0.0', 'offered')",
        )
        .bind(&order)
        .bind(format!("FU{:08}", i))
        .bind(ISV_ORG)
        .bind(&org)
        .bind(&user)
        .bind(&app_id)
        .bind(&copy)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO upgrades (id, order_id, isv_org_id, customer_org_id, app_id, version_id, version, state, \
             offered_by, offered_at) VALUES ($1, $2, $3, $4, $5, 'bench-v2', '1.1.0', 'offered', $6, $7)",
        )
        .bind(format!("bench-upg{i}"))
        .bind(&order)
        .bind(ISV_ORG)
        .bind(&org)
        .bind(&copy)
        .bind(admin)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
