//! The benchmark dataset (`fenfa-server --seed-bench`): one ISV with 200
//! apps of about 100 definition rows each and a link for each, 10,000
//! customer organizations holding 1,000,000 orders, 100,000 audit entries,
//! and 5,000 more organizations ready to buy. Sessions and link tokens are
//! fixed strings (see the constants) so the load tool can use them.
//!
//! Only for benchmarks on a throw-away database: the session tokens are public.

use crate::apps::domain::{FieldType, FormKind, Icon, Recipient, Trigger};
use crate::apps::snapshot::{
    self, AppSnapshot, FieldSnap, FormSnap, ServiceSnap, StepSnap, TemplateSnap,
};
use crate::db::Db;
use crate::error::AppResult;

mod upgrades;
pub use upgrades::upgrade_session;

pub const ISV_ORG: &str = "bench-isv";
/// Session token of the ISV's admin.
pub const ISV_SESSION: &str = "bench-session-isv";

/// How much to write. Orders are spread evenly over the customers, each
/// customer buying through different links (so `2 × orders / customers`
/// must not exceed `apps`).
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub apps: usize,
    pub customers: usize,
    pub orders: usize,
    pub audit: usize,
    /// Organizations without orders, for the purchase load.
    pub buyers: usize,
    /// Records of the ISV's records app (one plain form).
    pub records: usize,
    /// Customers with a copy of the first app and an upgrade offered.
    pub upgrades: usize,
}

/// The dataset of the benchmark.
pub const FULL: Scale = Scale {
    apps: 200,
    customers: 10_000,
    orders: 1_000_000,
    audit: 100_000,
    buyers: 5_000,
    records: 1_000_000,
    upgrades: 30,
};

/// The name of the ISV's app whose one plain form holds the records.
pub const RECORDS_APP: &str = "Bench records";

/// The records app: one plain form of a text, a number and a choice.
pub fn records_snapshot() -> AppSnapshot {
    AppSnapshot {
        format: snapshot::FORMAT,
        name: RECORDS_APP.into(),
        icon: Icon::Clipboard,
        description: "1,000,000 records".into(),
        admins: Vec::new(),
        forms: vec![FormSnap {
            key: String::new(),
            name: "拜访记录 Visit log".into(),
            kind: FormKind::Plain,
            fields: vec![
                FieldSnap {
                    key: String::new(),
                    label: "客户".into(),
                    field_type: FieldType::Text,
                    required: true,
                    options: Vec::new(),
                },
                FieldSnap {
                    key: String::new(),
                    label: "金额".into(),
                    field_type: FieldType::Number,
                    required: false,
                    options: Vec::new(),
                },
                FieldSnap {
                    key: String::new(),
                    label: "结果".into(),
                    field_type: FieldType::SingleChoice,
                    required: false,
                    options: vec!["成交".into(), "跟进".into()],
                },
            ],
            process: Vec::new(),
        }],
        templates: Vec::new(),
        services: Vec::new(),
    }
}

/// The link token of app `i`.
pub fn link_token(i: usize) -> String {
    format!("bench-link-{i}")
}
/// The session token of buyer organization `i`'s admin.
pub fn buyer_session(i: usize) -> String {
    format!("bench-session-buyer-{i}")
}
pub fn buyer_org(i: usize) -> String {
    format!("bench-buyer-{i}")
}

/// An app of 101 definition rows: 6 process forms of 12 fields and 2 steps,
/// 6 templates and 5 services.
pub fn app_snapshot(i: usize, admin: &str) -> AppSnapshot {
    let types = [
        FieldType::Text,
        FieldType::Number,
        FieldType::Date,
        FieldType::SingleChoice,
        FieldType::MultiChoice,
        FieldType::Member,
    ];
    let forms = (0..6)
        .map(|f| FormSnap {
            key: String::new(),
            name: format!("表单 Form {f}"),
            kind: FormKind::Process,
            fields: (0..12)
                .map(|k| {
                    let field_type = types[k % types.len()];
                    let choice =
                        matches!(field_type, FieldType::SingleChoice | FieldType::MultiChoice);
                    FieldSnap {
                        key: String::new(),
                        label: format!("字段 {k}"),
                        field_type,
                        required: k % 3 == 0,
                        options: if choice {
                            vec!["甲".into(), "乙".into(), "丙".into()]
                        } else {
                            vec![]
                        },
                    }
                })
                .collect(),
            process: (0..2)
                .map(|s| StepSnap {
                    key: String::new(),
                    name: format!("审批 {s}"),
                    approvers: vec![admin.into()],
                })
                .collect(),
        })
        .collect();
    AppSnapshot {
        format: snapshot::FORMAT,
        name: format!("基准应用 Bench app {i:03}"),
        icon: Icon::Chart,
        description: "benchmark".into(),
        admins: vec![],
        forms,
        templates: (0..6)
            .map(|f| TemplateSnap {
                key: String::new(),
                form: f,
                trigger: Trigger::Submitted,
                recipients: vec![Recipient::Submitter, Recipient::User(admin.into())],
                message: "{{字段 0}} 已提交".into(),
            })
            .collect(),
        services: (0..5)
            .map(|s| ServiceSnap {
                key: String::new(),
                name: format!("服务 {s}"),
                endpoint: format!("https://svc{s}.bench.example/hook"),
                calls: Vec::new(),
            })
            .collect(),
    }
}

/// Whether the dataset is already there.
pub async fn is_seeded(db: &Db) -> AppResult<bool> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM organizations WHERE id = $1")
        .bind(ISV_ORG)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Writes the dataset (see the module comment). Bulk rows are generated by
/// the database itself (recursive CTEs work on SQLite and PostgreSQL).
pub async fn seed(db: &Db, scale: Scale, now: i64) -> AppResult<()> {
    assert!(2 * scale.orders / scale.customers <= scale.apps);
    use crate::distribution::queries::links::hash_token as link_hash;
    use crate::session::store::hash_token as session_hash;
    let hash = crate::accounts::queries::hash_password(crate::demo::PASSWORD.into()).await?;
    let mut tx = db.begin_write().await?;
    let admin = "bench-isv-admin";
    sqlx::query("INSERT INTO users (id, email, display_name, password_hash, is_operator, created_at) VALUES ($1, 'bench-isv@fenfa.example', 'Bench ISV admin', $2, 0, $3)")
        .bind(admin).bind(&hash).bind(now).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO organizations (id, name, cert_level, created_at) VALUES ($1, 'Bench ISV', 'intermediate', $2)")
        .bind(ISV_ORG).bind(now).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'admin', $3)",
    )
    .bind(ISV_ORG)
    .bind(admin)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO sessions (id_hash, user_id, current_org, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(session_hash(ISV_SESSION)).bind(admin).bind(ISV_ORG).bind(now).execute(&mut *tx).await?;

    // 200 apps, each with its link.
    for i in 0..scale.apps {
        let snap = app_snapshot(i, admin);
        let d = snapshot::Deploy {
            org_id: ISV_ORG,
            actor_user_id: admin,
            origin: "own",
            foreign: false,
            now,
        };
        let app_id = snapshot::deploy(&mut tx, &snap, &d).await?;
        sqlx::query(
            "INSERT INTO distribution_links (id, token_hash, isv_org_id, source_app_id, app_name, app_version, snapshot_json, \
             created_by, created_at, expires_at, max_purchases, purchases, views, bound_org_id, note) \
             VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, NULL, 0, 0, NULL, '')",
        )
        .bind(format!("bench-l{i}"))
        .bind(link_hash(&link_token(i)))
        .bind(ISV_ORG)
        .bind(&app_id)
        .bind(&snap.name)
        .bind(snap.to_json())
        .bind(admin)
        .bind(now)
        .bind(now + 365 * 24 * 3600 * 1000)
        .execute(&mut *tx)
        .await?;
    }

    // Customers with their admins; then buyers with sessions.
    let gen = |n: usize| {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {})",
            n - 1
        )
    };
    sqlx::query(&format!(
        "{} INSERT INTO organizations (id, name, cert_level, created_at) SELECT 'bench-c' || i, 'Customer ' || i, 'none', $1 FROM n",
        gen(scale.customers)
    ))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "{} INSERT INTO users (id, email, display_name, password_hash, is_operator, created_at) \
         SELECT 'bench-cu' || i, 'admin' || i || '@c.bench.example', 'Admin ' || i, $1, 0, $2 FROM n",
        gen(scale.customers)
    ))
    .bind(&hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "{} INSERT INTO memberships (org_id, user_id, role, created_at) SELECT 'bench-c' || i, 'bench-cu' || i, 'admin', $1 FROM n",
        gen(scale.customers)
    ))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for i in 0..scale.buyers {
        let (org, user) = (buyer_org(i), format!("bench-bu{i}"));
        sqlx::query("INSERT INTO organizations (id, name, cert_level, created_at) VALUES ($1, $2, 'none', $3)")
            .bind(&org).bind(format!("Buyer {i}")).bind(now).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO users (id, email, display_name, password_hash, is_operator, created_at) VALUES ($1, $2, $3, $4, 0, $5)")
            .bind(&user).bind(format!("buyer{i}@b.bench.example")).bind(format!("Buyer {i}")).bind(&hash).bind(now)
            .execute(&mut *tx).await?;
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'admin', $3)")
            .bind(&org).bind(&user).bind(now).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO sessions (id_hash, user_id, current_org, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(session_hash(&buyer_session(i))).bind(&user).bind(&org).bind(now).execute(&mut *tx).await?;
    }

    // A million orders: customer i / 100 bought 100 different apps, one
    // order a second going back in time. Order ids are hex digits, as page
    // cursors expect: order i is `b` followed by 1000000000 + i.
    let per = scale.orders / scale.customers;
    sqlx::query(&format!(
        "{} INSERT INTO distribution_orders (id, order_no, link_id, isv_org_id, customer_org_id, buyer_user_id, \
         source_app_id, installed_app_id, app_version, idempotency_key, created_at) \
         SELECT 'b' || (1000000000 + i), 'FB' || (100000000 + i), 'bench-l' || ((i % {per}) + {per} * ((i / {per}) % 2)), $1, \
                'bench-c' || (i / {per}), 'bench-cu' || (i / {per}), 'src', 'bench-inst' || i, 1, 'bench-k' || i, $2 - i * 1000 \
         FROM n",
        gen(scale.orders)
    ))
    .bind(ISV_ORG)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE distribution_links SET purchases = (SELECT COUNT(*) FROM distribution_orders o WHERE o.link_id = distribution_links.id) \
         WHERE isv_org_id = $1",
    )
    .bind(ISV_ORG)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "{} INSERT INTO audit_entries (id, org_id, actor_user_id, acting_as, action, target, before_json, after_json, at) \
         SELECT 'bench-a' || i, $1, $2, 'admin', 'field.update', 'bench-f' || i, '{{\"label\":\"a\"}}', '{{\"label\":\"b\"}}', $3 - i * 1000 FROM n",
        gen(scale.audit)
    ))
    .bind(ISV_ORG)
    .bind(admin)
    .bind(now)
    .execute(&mut *tx)
    .await?;

    // The records app: record i is `r` followed by 1000000000 + i, one a
    // second going back in time (cursors of page n are computable).
    let d = snapshot::Deploy {
        org_id: ISV_ORG,
        actor_user_id: admin,
        origin: "own",
        foreign: false,
        now,
    };
    let app_id = snapshot::deploy(&mut tx, &records_snapshot(), &d).await?;
    let (form_id,): (String,) = sqlx::query_as("SELECT id FROM forms WHERE app_id = $1")
        .bind(&app_id)
        .fetch_one(&mut *tx)
        .await?;
    let (field_id,): (String,) =
        sqlx::query_as("SELECT id FROM fields WHERE form_id = $1 AND position = 0")
            .bind(&form_id)
            .fetch_one(&mut *tx)
            .await?;
    if scale.records > 0 {
        sqlx::query(&format!(
            "{} INSERT INTO records (id, org_id, app_id, form_id, submitted_by, submitted_at, status, values_json, \
             search_text, steps_json, current_step) \
             SELECT 'r' || (1000000000 + i), $1, $2, $3, $4, $5 - i * 1000, 'submitted', \
                    '[{{\"field_id\":\"' || $6 || '\",\"label\":\"客户\",\"field_type\":\"text\",\"value\":{{\"text\":\"customer ' || i || '\"}}}}]', \
                    'customer ' || i, '[]', 0 FROM n",
            gen(scale.records)
        ))
        .bind(ISV_ORG)
        .bind(&app_id)
        .bind(&form_id)
        .bind(admin)
        .bind(now)
        .bind(&field_id)
        .execute(&mut *tx)
        .await?;
    }
    upgrades::seed(&mut tx, admin, &hash, scale.upgrades, now).await?;
    tx.commit().await?;
    crate::orders::search::backfill(db).await?;
    // Measurements start from a checkpointed database: otherwise the serving
    // process would copy the seed's ~350 MB log while being measured.
    if db.backend == crate::db::Backend::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}
