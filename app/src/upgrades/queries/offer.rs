//! The ISV offers a published version to its orders.

use super::*;

/// Offers `version_id` of the caller's app to its orders in `scope`
/// (`orders`: order numbers, for the chosen or excepted ones). Offering
/// again changes nothing; a newer offer supersedes one still open.
pub async fn offer(
    db: &Db,
    ctx: &Ctx,
    app_id: &AppId,
    version_id: &VersionId,
    scope: OfferScope,
    orders: &[String],
    now: i64,
) -> AppResult<OfferOutcome> {
    let acting_as =
        crate::distribution::queries::links::require_distributor(db, ctx, app_id).await?;
    let isv = ctx.org()?.org_id.0.clone();
    let mut tx = db.begin_write().await?;
    let v = versions::one(&mut tx, app_id, version_id).await?;
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
    );
    // With each order, whether this version was offered to it before.
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.id, o.order_no, o.installed_app_id, o.customer_org_id, o.version, a.base_version_id, \
                (SELECT COUNT(*) FROM upgrades u WHERE u.order_id = o.id AND u.version_id = $3) \
         FROM distribution_orders o LEFT JOIN apps a ON a.id = o.installed_app_id \
         WHERE o.isv_org_id = $1 AND o.source_app_id = $2 ORDER BY o.created_at, o.id",
    )
    .bind(&isv)
    .bind(app_id)
    .bind(version_id)
    .fetch_all(&mut *tx)
    .await?;
    let named: std::collections::HashSet<&str> = orders.iter().map(String::as_str).collect();
    if named
        .iter()
        .any(|n| !rows.iter().any(|r| r.1.eq_ignore_ascii_case(n)))
    {
        return Err(AppError::new(ErrorCode::InvalidOrderList));
    }
    let mut out = OfferOutcome {
        offered: 0,
        unchanged: 0,
        not_upgradable: 0,
    };
    for (order_id, order_no, copy, customer, installed, base, already) in rows {
        let listed = named.contains(order_no.to_uppercase().as_str());
        let included = match scope {
            OfferScope::All => true,
            OfferScope::Chosen => listed,
            OfferScope::AllExcept => !listed,
        };
        if !included {
            continue;
        }
        // A copy bought before versions (or deleted) has no base to merge from.
        let (Some(installed), Some(_)) = (installed, base) else {
            out.not_upgradable += 1;
            continue;
        };
        let behind = Version::parse(&installed).is_ok_and(|i| i < v.version);
        if !behind || already > 0 {
            out.unchanged += 1;
            continue;
        }
        sqlx::query(
            "UPDATE upgrades SET state = 'superseded' WHERE order_id = $1 AND state IN ('offered', 'failed')",
        )
        .bind(&order_id)
        .execute(&mut *tx)
        .await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO upgrades (id, order_id, isv_org_id, customer_org_id, app_id, version_id, version, state, \
             offered_by, offered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'offered', $8, $9)",
        )
        .bind(&id)
        .bind(&order_id)
        .bind(&isv)
        .bind(&customer)
        .bind(&copy)
        .bind(version_id)
        .bind(v.version.to_string())
        .bind(&ctx.user_id.0)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        set_order(&mut tx, &order_id, UpgradeState::Offered).await?;
        // The customer's admins find it in their audit log and on the app.
        let entry = Entry {
            org_id: &customer,
            actor_user_id: &ctx.user_id.0,
            acting_as: ActingAs::Provider,
            actor_org_id: Some(&isv),
            app_id: Some(&copy),
            action: "upgrade.offered",
            target: &id,
            before: Some(json!({ "version": installed })),
            after: Some(json!({ "version": v.version.to_string() })),
        };
        audit::record(&mut tx, entry, now).await?;
        out.offered += 1;
    }
    let entry = Entry {
        org_id: &isv,
        actor_user_id: &ctx.user_id.0,
        acting_as,
        actor_org_id: None,
        app_id: Some(app_id),
        action: "upgrade.offer",
        target: version_id,
        before: None,
        after: Some(
            json!({ "version": v.version.to_string(), "scope": scope.as_str(),
            "offered": out.offered, "unchanged": out.unchanged, "not_upgradable": out.not_upgradable }),
        ),
    };
    audit::record(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(out)
}
