//! Who may read and decide records, and when a form may be submitted. Pure
//! rules: `queries` gathers the facts.

use super::domain::Step;
use crate::apps::domain::{FormKind, FormView, UserRef};
use crate::error::{AppError, AppResult, ErrorCode};

/// Admins of the organization and app admins of the app see every record
/// of it; everyone else sees the records they submitted or must approve.
pub fn sees_all(can_edit_app: bool) -> bool {
    can_edit_app
}

pub fn may_read(sees_all: bool, is_reader: bool) -> bool {
    sees_all || is_reader
}

/// A provider maintaining the app sees its definition; its records only
/// while the customer allows it for the access period.
pub fn provider_may_read(customer_allows: bool) -> bool {
    customer_allows
}

/// The approval steps a submission of `form` starts with, each with its
/// approvers still in the organization (`members`): none for a plain form;
/// refused while the process still needs setting up (no step, a step
/// without such an approver, or an installed copy not yet reconfigured), so
/// nothing is half-started and no step waits for someone who has left.
pub fn steps_to_start(form: &FormView, members: &[UserRef]) -> AppResult<Vec<Step>> {
    if form.kind != FormKind::Process {
        return Ok(Vec::new());
    }
    let steps: Vec<Step> = form
        .steps
        .iter()
        .map(|s| Step {
            name: s.name.clone(),
            approvers: s
                .approvers
                .iter()
                .filter(|u| members.iter().any(|m| m.id == u.id))
                .map(|u| u.id.clone())
                .collect(),
        })
        .collect();
    if form.process_needs_config || steps.is_empty() || steps.iter().any(|s| s.approvers.is_empty())
    {
        return Err(AppError::new(ErrorCode::ProcessNotSetUp));
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apps::domain::StepView;

    fn people(n: usize) -> Vec<UserRef> {
        (0..n)
            .map(|a| UserRef {
                id: format!("u{a}").into(),
                name: String::new(),
                email: String::new(),
            })
            .collect()
    }

    fn form(kind: FormKind, steps: &[usize], needs: bool) -> FormView {
        FormView {
            id: "f".into(),
            name: "F".into(),
            kind,
            fields: Vec::new(),
            steps: steps
                .iter()
                .enumerate()
                .map(|(i, n)| StepView {
                    id: format!("s{i}").into(),
                    name: format!("S{i}"),
                    approvers: (0..*n)
                        .map(|a| UserRef {
                            id: format!("u{a}").into(),
                            name: String::new(),
                            email: String::new(),
                        })
                        .collect(),
                })
                .collect(),
            process_needs_config: needs,
        }
    }

    #[test]
    fn a_process_starts_only_when_every_step_has_an_approver() {
        let all = people(2);
        assert!(steps_to_start(&form(FormKind::Plain, &[], false), &all)
            .unwrap()
            .is_empty());
        let steps = steps_to_start(&form(FormKind::Process, &[1, 2], false), &all).unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[1].approvers.len(), 2);
        // An approver who has left is no approver: the step keeps u0 only.
        let steps = steps_to_start(&form(FormKind::Process, &[1, 2], false), &people(1)).unwrap();
        assert_eq!(steps[1].approvers.len(), 1);
        assert!(steps_to_start(&form(FormKind::Process, &[1], false), &[]).is_err());
        for bad in [
            form(FormKind::Process, &[], false),
            form(FormKind::Process, &[1, 0], false),
            form(FormKind::Process, &[1], true),
        ] {
            assert_eq!(
                steps_to_start(&bad, &all).unwrap_err().code,
                ErrorCode::ProcessNotSetUp
            );
        }
    }

    #[test]
    fn admins_see_everything_others_what_concerns_them() {
        assert!(may_read(sees_all(true), false));
        assert!(may_read(sees_all(false), true));
        assert!(!may_read(sees_all(false), false));
    }
}
