//! Who may publish: the same people who may distribute the app (certified
//! ISVs, as its editors, of their own apps), since a version exists to be
//! sold: `distribution::policy::may_distribute`, applied through
//! `distribution::queries::links::require_distributor`.
