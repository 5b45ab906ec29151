//! Audit entries as the customer's admins read them.

use crate::i18n::{Lang, K};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The role an entry's actor acted in: stored as a code, shown in the
/// reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActingAs {
    Admin,
    AppAdmin,
    Member,
    /// The admin who bought an app into the organization.
    BuyerAdmin,
    /// The user acting on their own account.
    OwnAccount,
    PlatformOperator,
    /// The ISV, from its own organization, towards a customer's copy (an
    /// upgrade offered).
    Provider,
    /// The customer's admin, recorded on the ISV's side (an upgrade applied).
    Customer,
    /// An ISV user entering remote maintenance of an order (its number).
    Maintenance(String),
    /// An ISV user changing the app as its app admin, in remote
    /// maintenance of an order (its number).
    Maintainer(String),
    /// A code this version does not know, shown as stored.
    Other(String),
}

impl ActingAs {
    /// The stored form: a plain code, or `code:order number`.
    pub fn code(&self) -> String {
        match self {
            ActingAs::Admin => "admin".into(),
            ActingAs::AppAdmin => "app_admin".into(),
            ActingAs::Member => "member".into(),
            ActingAs::BuyerAdmin => "buyer_admin".into(),
            ActingAs::OwnAccount => "self".into(),
            ActingAs::PlatformOperator => "platform_operator".into(),
            ActingAs::Provider => "provider".into(),
            ActingAs::Customer => "customer".into(),
            ActingAs::Maintenance(order) => format!("maintenance:{order}"),
            ActingAs::Maintainer(order) => format!("maintainer:{order}"),
            ActingAs::Other(raw) => raw.clone(),
        }
    }

    pub fn parse(stored: &str) -> ActingAs {
        match stored.split_once(':') {
            Some(("maintenance", order)) => ActingAs::Maintenance(order.into()),
            Some(("maintainer", order)) => ActingAs::Maintainer(order.into()),
            _ => match stored {
                "admin" => ActingAs::Admin,
                "app_admin" => ActingAs::AppAdmin,
                "member" => ActingAs::Member,
                "buyer_admin" => ActingAs::BuyerAdmin,
                "self" => ActingAs::OwnAccount,
                "platform_operator" => ActingAs::PlatformOperator,
                "provider" => ActingAs::Provider,
                "customer" => ActingAs::Customer,
                other => ActingAs::Other(other.into()),
            },
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        let plain = |k: K| k.text(lang).to_string();
        match self {
            ActingAs::Admin | ActingAs::BuyerAdmin => plain(K::RoleAdmin),
            ActingAs::AppAdmin => plain(K::ActingAppAdmin),
            ActingAs::Member => plain(K::RoleMember),
            ActingAs::OwnAccount => plain(K::ActingSelf),
            ActingAs::PlatformOperator => plain(K::Operator),
            ActingAs::Provider => plain(K::ActingProvider),
            ActingAs::Customer => plain(K::ActingCustomer),
            ActingAs::Maintenance(order) => format!("{} {order}", K::ActingMaintenance.text(lang)),
            ActingAs::Maintainer(order) => format!("{} {order}", K::ActingMaintainer.text(lang)),
            ActingAs::Other(raw) => raw.clone(),
        }
    }
}

/// An action code (`form.rename`) in the reader's language; an unknown code
/// as stored.
pub fn action_text(code: &str, lang: Lang) -> String {
    action_key(code).map_or_else(|| code.to_string(), |k| k.text(lang).to_string())
}

fn action_key(code: &str) -> Option<K> {
    Some(match code {
        "app.create" => K::ActAppCreate,
        "app.update" => K::ActAppUpdate,
        "app.delete" => K::ActAppDelete,
        "app.installed" => K::ActAppInstalled,
        "app.admin_add" => K::ActAppAdminAdd,
        "app.admin_remove" => K::ActAppAdminRemove,
        "form.add" => K::ActFormAdd,
        "form.rename" => K::ActFormRename,
        "form.move" => K::ActFormMove,
        "form.delete" => K::ActFormDelete,
        "field.add" => K::ActFieldAdd,
        "field.update" => K::ActFieldUpdate,
        "field.move" => K::ActFieldMove,
        "field.delete" => K::ActFieldDelete,
        "step.add" => K::ActStepAdd,
        "step.rename" => K::ActStepRename,
        "step.move" => K::ActStepMove,
        "step.delete" => K::ActStepDelete,
        "step.approver_add" => K::ActApproverAdd,
        "step.approver_remove" => K::ActApproverRemove,
        "template.add" => K::ActTemplateAdd,
        "template.update" => K::ActTemplateUpdate,
        "template.delete" => K::ActTemplateDelete,
        "template.recipient_add" => K::ActRecipientAdd,
        "template.recipient_remove" => K::ActRecipientRemove,
        "service.add" => K::ActServiceAdd,
        "service.update" => K::ActServiceUpdate,
        "service.credential" => K::ActServiceCredential,
        "service.delete" => K::ActServiceDelete,
        "service.call_add" => K::ActServiceCallAdd,
        "app.use_by" => K::ActUseBy,
        "app.user_add" => K::ActAppUserAdd,
        "app.user_remove" => K::ActAppUserRemove,
        "service.call_remove" => K::ActServiceCallRemove,
        "delivery.retry" => K::ActDeliveryRetry,
        "version.publish" => K::ActVersionPublish,
        "upgrade.offer" => K::ActUpgradeOffer,
        "upgrade.offered" => K::ActUpgradeOffered,
        "changes.revert" => K::ActChangesRevert,
        "licence.change" => K::ActLicenceChange,
        "licence.renewed" => K::ActLicenceRenewed,
        "changes.reviewed" => K::ActChangesReviewed,
        "app.take_fix" => K::ActTakeFix,
        "upgrade.apply" | "order.upgrade_applied" => K::ActUpgradeApply,
        "upgrade.rollback" | "order.upgrade_rolled_back" => K::ActUpgradeRollback,
        "upgrade.decline" | "order.upgrade_declined" => K::ActUpgradeDecline,
        "link.create" => K::ActLinkCreate,
        "link.revoke" => K::ActLinkRevoke,
        "order.purchased" => K::ActOrderPurchased,
        "purchase.requested" => K::ActPurchaseRequested,
        "purchase.dismissed" => K::ActPurchaseDismissed,
        "maintenance.start" => K::ActMaintenanceStart,
        "maintenance.close" => K::ActMaintenanceClose,
        "maintenance.request" => K::ActMaintenanceRequest,
        "maintenance.data_access" => K::ActDataAccess,
        "record.read" => K::ActRecordRead,
        "member.invite" => K::ActMemberInvite,
        "member.invite_withdraw" => K::ActMemberInviteWithdraw,
        "member.join" => K::ActMemberJoin,
        "member.role" => K::ActMemberRole,
        "member.remove" => K::ActMemberRemove,
        "org.create" => K::ActOrgCreate,
        "org.certification" => K::ActOrgCertification,
        "org.time_zone" => K::ActOrgTimeZone,
        "org.rename" => K::ActOrgRename,
        "security.password_changed" => K::ActPasswordChanged,
        "security.sign_in_failed" => K::ActSignInFailed,
        _ => return None,
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub at: i64,
    pub actor: String,
    /// The actor's own organization when it is another one (a service provider).
    pub actor_org: Option<String>,
    pub acting_as: ActingAs,
    /// The action's code (`form.rename`); pages show `action_text`.
    pub action: String,
    pub changes: Vec<Change>,
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// The fields that differ between two JSON objects, in key order.
pub fn diff(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, Value> {
        match s.and_then(|s| serde_json::from_str::<Value>(s).ok()) {
            Some(Value::Object(m)) => m,
            Some(other) => [("value".to_string(), other)].into_iter().collect(),
            None => Default::default(),
        }
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| Change {
            key: k.clone(),
            before: b.get(k).map(show),
            after: a.get(k).map(show),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_codes_shown_in_the_readers_language() {
        for a in [
            ActingAs::Admin,
            ActingAs::OwnAccount,
            ActingAs::Maintenance("FF2026120312345678".into()),
            ActingAs::Maintainer("FF2026120312345678".into()),
            ActingAs::Other("something new".into()),
        ] {
            assert_eq!(ActingAs::parse(&a.code()), a);
        }
        let m = ActingAs::Maintainer("FF1".into());
        assert!(m
            .text(Lang::En)
            .contains("via remote maintenance of order FF1"));
        assert!(m.text(Lang::Zh).contains("远程维护") && m.text(Lang::Zh).contains("FF1"));
        assert_eq!(action_text("form.rename", Lang::Zh), "重命名表单");
        assert_eq!(action_text("x.unknown", Lang::En), "x.unknown");
    }

    #[test]
    fn diff_lists_only_changed_fields() {
        let d = super::diff(
            Some(r#"{"name":"甲","kind":"plain"}"#),
            Some(r#"{"name":"乙","kind":"plain"}"#),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            (
                d[0].key.as_str(),
                d[0].before.as_deref(),
                d[0].after.as_deref()
            ),
            ("name", Some("甲"), Some("乙"))
        );
        let added = super::diff(None, Some(r#"{"label":"x"}"#));
        assert_eq!(added[0].before, None);
    }
}
