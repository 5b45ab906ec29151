//! Who may publish: the same people who may distribute the app (certified
//! ISVs, as its editors, of their own apps): a version exists to be sold.

pub use crate::distribution::policy::may_distribute as may_publish;
