//! The groups of callers the rows name.

use crate::common::world::{Caller, Caller::*, ALL};

// Slices of `ALL`, which lists Anonymous first, then the operator, the
// organization users, and the ISV user in maintenance last.
pub(crate) const SIGNED_IN: &[Caller] = ALL.split_at(1).1;
/// Signed in and not in remote maintenance (acting as themselves).
pub(crate) const SELF: &[Caller] = ALL.split_at(1).1.split_at(8).0;
pub(crate) const IN_AN_ORG: &[Caller] = ALL.split_at(2).1.split_at(7).0;
/// Organization users, and the ISV user acting in the customer's organization.
pub(crate) const ACTING_IN_AN_ORG: &[Caller] = ALL.split_at(2).1;
pub(crate) const ORG_ADMINS: &[Caller] = &[IsvAdmin, OtherIsv, CustomerAdmin, OtherOrgAdmin];
/// Who may change the ISV's app: its organization's admins and its app admins.
pub(crate) const APP_EDITORS: &[Caller] = &[IsvAdmin, IsvAppAdmin];
pub(crate) const ACME_USERS: &[Caller] = &[IsvAdmin, IsvAppAdmin, IsvMember];

#[test]
fn the_caller_groups_are_what_their_names_say() {
    assert!(!SIGNED_IN.contains(&Anonymous) && SIGNED_IN.len() == ALL.len() - 1);
    assert_eq!(SELF, &SIGNED_IN[..SIGNED_IN.len() - 1]);
    assert!(!SELF.contains(&IsvInMaintenance) && SELF.contains(&Operator));
    assert!(!IN_AN_ORG.contains(&Operator) && IN_AN_ORG.len() == 7);
    assert!(IN_AN_ORG.contains(&IsvAdmin) && IN_AN_ORG.contains(&OtherOrgAdmin));
    assert_eq!(&ACTING_IN_AN_ORG[..7], IN_AN_ORG);
    assert_eq!(ACTING_IN_AN_ORG.last(), Some(&IsvInMaintenance));
}
