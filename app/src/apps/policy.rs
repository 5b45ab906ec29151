//! Who may read or change an app. Pure rules: `queries::access` gathers the
//! facts (is the app ours, is the caller its app admin), these decide.

use crate::accounts::Role;
use crate::audit::domain::ActingAs;

/// How a caller stands towards one app of their organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// An admin of the organization: edits every app.
    OrgAdmin,
    /// An app admin (应用管理员) of this app: edits it.
    AppAdmin,
    /// Anyone else in the organization: reads it.
    Member,
}

impl Standing {
    pub fn of(role: Role, is_app_admin: bool) -> Standing {
        match (role, is_app_admin) {
            (Role::Admin, _) => Standing::OrgAdmin,
            (_, true) => Standing::AppAdmin,
            _ => Standing::Member,
        }
    }

    pub fn may_edit(self) -> bool {
        !matches!(self, Standing::Member)
    }

    /// Whether the caller may use the app: its admins and the organization's
    /// always; others when everyone may, or when chosen.
    pub fn may_use(self, use_by: super::domain::UseBy, chosen: bool) -> bool {
        self.may_edit() || use_by == super::domain::UseBy::Everyone || chosen
    }

    /// The role recorded in audit entries.
    pub fn acting_as(self) -> ActingAs {
        match self {
            Standing::OrgAdmin => ActingAs::Admin,
            Standing::AppAdmin => ActingAs::AppAdmin,
            Standing::Member => ActingAs::Member,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_and_app_admins_edit_members_read() {
        assert!(Standing::of(Role::Admin, false).may_edit());
        assert!(Standing::of(Role::Member, true).may_edit());
        assert!(!Standing::of(Role::Member, false).may_edit());
        assert_eq!(Standing::of(Role::Admin, true), Standing::OrgAdmin);
    }

    #[test]
    fn admins_always_use_an_app_others_when_everyone_may_or_chosen() {
        use crate::apps::domain::UseBy::*;
        let member = Standing::of(Role::Member, false);
        assert!(member.may_use(Everyone, false));
        assert!(!member.may_use(Chosen, false));
        assert!(member.may_use(Chosen, true));
        assert!(Standing::of(Role::Member, true).may_use(Chosen, false));
        assert!(Standing::of(Role::Admin, false).may_use(Chosen, false));
    }
}
