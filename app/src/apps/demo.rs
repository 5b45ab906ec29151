//! Demo apps of the ISV "Acme Software": realistic, and complete enough to
//! show everything a distributed copy must reconfigure.

use super::domain::{FieldType, FormKind, Icon, Recipient, Trigger};
use super::snapshot::{
    self, AppSnapshot, FieldSnap, FormSnap, ServiceSnap, StepSnap, TemplateSnap,
};
use crate::db::Tx;

fn field(label: &str, field_type: FieldType, required: bool, options: &[&str]) -> FieldSnap {
    FieldSnap {
        key: String::new(),
        label: label.into(),
        field_type,
        required,
        options: options.iter().map(|o| o.to_string()).collect(),
    }
}

pub fn customer_visits(admin: &str, dev: &str) -> AppSnapshot {
    AppSnapshot {
        format: snapshot::FORMAT,
        name: "客户拜访管理 Customer visits".into(),
        icon: Icon::Briefcase,
        description: "记录客户拜访、审批差旅费用并通知销售团队。Plan customer visits, approve travel costs, keep sales informed.".into(),
        admins: vec![dev.into()],
        forms: vec![
            FormSnap {
                key: String::new(),
                name: "拜访申请 Visit request".into(),
                kind: FormKind::Process,
                fields: vec![
                    field("客户名称", FieldType::Text, true, &[]),
                    field("拜访日期", FieldType::Date, true, &[]),
                    field("拜访目的", FieldType::SingleChoice, true, &["商务洽谈", "售后回访", "产品演示"]),
                    field("预计费用", FieldType::Number, false, &[]),
                    field("陪同人员", FieldType::Member, false, &[]),
                ],
                process: vec![
                    StepSnap { key: String::new(), name: "销售经理审批 Sales manager".into(), approvers: vec![admin.into()] },
                    StepSnap { key: String::new(), name: "财务审批 Finance".into(), approvers: vec![admin.into(), dev.into()] },
                ],
            },
            FormSnap {
                key: String::new(),
                name: "拜访记录 Visit log".into(),
                kind: FormKind::Plain,
                fields: vec![
                    field("客户名称", FieldType::Text, true, &[]),
                    field("拜访结果", FieldType::MultiChoice, false, &["达成意向", "需要跟进", "无需求"]),
                    field("备注", FieldType::Text, false, &[]),
                ],
                process: vec![],
            },
        ],
        templates: vec![
            TemplateSnap {
                key: String::new(),
                form: 0,
                trigger: Trigger::Submitted,
                recipients: vec![Recipient::User(admin.into())],
                message: "{{客户名称}} 的拜访申请已提交，拜访日期 {{拜访日期}}，请审批。".into(),
            },
            TemplateSnap {
                key: String::new(),
                form: 0,
                trigger: Trigger::Approved,
                recipients: vec![Recipient::Submitter],
                message: "你对 {{客户名称}} 的拜访申请已通过。".into(),
            },
        ],
        services: vec![ServiceSnap {
            key: String::new(),
            name: "CRM 同步 CRM sync".into(),
            endpoint: "https://crm.acme.example/api/v2/visits".into(),
            // Approved visits go to the CRM (held until a credential is set).
            calls: vec![(0, Trigger::Approved)],
        }],
    }
}

pub fn equipment_repair(admin: &str, dev: &str) -> AppSnapshot {
    AppSnapshot {
        format: snapshot::FORMAT,
        name: "设备报修 Equipment repair".into(),
        icon: Icon::Wrench,
        description: "员工报修设备，维修主管派单处理。Report broken equipment; the maintenance lead assigns the repair.".into(),
        admins: vec![dev.into()],
        forms: vec![FormSnap {
            key: String::new(),
            name: "报修单 Repair request".into(),
            kind: FormKind::Process,
            fields: vec![
                field("设备编号", FieldType::Text, true, &[]),
                field("故障类型", FieldType::SingleChoice, true, &["无法开机", "异响", "漏水", "其他"]),
                field("发现日期", FieldType::Date, true, &[]),
            ],
            process: vec![StepSnap { key: String::new(), name: "维修主管派单 Maintenance lead".into(), approvers: vec![admin.into()] }],
        }],
        templates: vec![TemplateSnap {
            key: String::new(),
            form: 0,
            trigger: Trigger::Rejected,
            recipients: vec![Recipient::Submitter],
            message: "设备 {{设备编号}} 的报修被退回，请补充信息。".into(),
        }],
        services: vec![ServiceSnap {
            key: String::new(),
            name: "工单系统 Ticketing".into(),
            endpoint: "https://tickets.acme.example/hooks/repair".into(),
            calls: vec![(0, Trigger::Submitted)],
        }],
    }
}

/// Adds the demo apps to Acme unless an app of the same name is there.
pub async fn seed(
    tx: &mut Tx,
    secrets: &crate::secrets::Secrets,
    now: i64,
) -> Result<(), sqlx::Error> {
    let ids: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, u.id FROM users u WHERE u.email IN ('isv-admin@acme.example', 'isv-dev@acme.example')",
    )
    .fetch_all(&mut **tx)
    .await?;
    let id_of = |email: &str| {
        ids.iter()
            .find(|(e, _)| e == email)
            .map(|(_, id)| id.clone())
    };
    let (Some(admin), Some(dev)) = (
        id_of("isv-admin@acme.example"),
        id_of("isv-dev@acme.example"),
    ) else {
        return Ok(());
    };
    let org: Option<(String,)> =
        sqlx::query_as("SELECT id FROM organizations WHERE name = 'Acme Software'")
            .fetch_optional(&mut **tx)
            .await?;
    let Some((org_id,)) = org else { return Ok(()) };
    for snap in [
        customer_visits(&admin, &dev),
        equipment_repair(&admin, &dev),
    ] {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM apps WHERE org_id = $1 AND name = $2")
                .bind(&org_id)
                .bind(&snap.name)
                .fetch_one(&mut **tx)
                .await?;
        if n == 0 {
            let d = snapshot::Deploy {
                org_id: &org_id,
                actor_user_id: &admin,
                origin: "own",
                foreign: false,
                now,
            };
            let app_id = snapshot::deploy(tx, &snap, &d).await?;
            // Demo credentials, so the services read "set" like real ones.
            sqlx::query(
                "UPDATE services SET credential = $1, credential_set_at = $2 WHERE app_id = $3",
            )
            .bind(secrets.seal("demo-secret"))
            .bind(now)
            .bind(&app_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
