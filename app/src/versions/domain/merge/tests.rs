use super::*;
use crate::apps::domain::Recipient;

fn field(key: &str, label: &str, options: &[&str]) -> FieldSnap {
    FieldSnap {
        key: key.into(),
        label: label.into(),
        field_type: if options.is_empty() {
            FieldType::Text
        } else {
            FieldType::SingleChoice
        },
        required: false,
        options: options.iter().map(|o| o.to_string()).collect(),
    }
}

fn step(key: &str, name: &str, approvers: &[&str]) -> StepSnap {
    StepSnap {
        key: key.into(),
        name: name.into(),
        approvers: approvers.iter().map(|a| a.to_string()).collect(),
    }
}

/// One process form with three fields and a step, a template, a service.
fn base() -> AppSnapshot {
    AppSnapshot {
        format: FORMAT,
        name: "Leave".into(),
        icon: Icon::Calendar,
        description: "Requests".into(),
        admins: vec![],
        forms: vec![FormSnap {
            key: "fo".into(),
            name: "Request".into(),
            kind: FormKind::Process,
            fields: vec![
                field("fa", "Name", &[]),
                field("fb", "Kind", &["Annual", "Sick"]),
                field("fc", "Days", &[]),
            ],
            process: vec![step("s1", "Manager", &[])],
        }],
        templates: vec![TemplateSnap {
            key: "t1".into(),
            form: 0,
            trigger: Trigger::Submitted,
            recipients: vec![],
            message: "Hello\n{{Name}} asks\nfor leave\nThanks".into(),
        }],
        services: vec![ServiceSnap {
            key: "v1".into(),
            name: "HR".into(),
            endpoint: "https://hr.example/hook".into(),
            calls: vec![(0, Trigger::Submitted)],
        }],
    }
}

fn up(base: &AppSnapshot, mine: &AppSnapshot, new: &AppSnapshot) -> Merged {
    merge(base, mine, new, Incoming::Published, &Choices::new())
}

fn outcome(m: &Merged, id: &str) -> Option<Outcome> {
    m.changes.iter().find(|c| c.id == id).map(|c| c.outcome)
}

fn labels(s: &AppSnapshot) -> Vec<&str> {
    s.forms[0].fields.iter().map(|f| f.label.as_str()).collect()
}

#[test]
fn each_side_s_change_is_applied_or_kept_and_equal_changes_agree() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    new.forms[0].fields[0].label = "Full name".into();
    mine.forms[0].fields[2].label = "Number of days".into();
    mine.description = "Leave requests".into();
    new.description = "Leave requests".into();
    let m = up(&b, &mine, &new);
    assert_eq!(labels(&m.app), ["Full name", "Kind", "Number of days"]);
    assert_eq!(outcome(&m, "fa/label"), Some(Outcome::Applied));
    assert_eq!(outcome(&m, "fc/label"), Some(Outcome::Kept));
    assert_eq!(outcome(&m, "/description"), Some(Outcome::Agreed));
    assert_eq!(m.conflicts().count(), 0);
}

#[test]
fn a_conflict_keeps_mine_unless_the_customer_takes_the_new_value() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    mine.forms[0].fields[1].label = "Type".into();
    new.forms[0].fields[1].label = "Category".into();
    let m = up(&b, &mine, &new);
    let c = m.conflicts().next().unwrap();
    assert_eq!(
        (c.id.as_str(), c.resolution),
        ("fb/label", Some(Resolution::KeepMine))
    );
    assert_eq!(
        (c.base.as_deref(), c.mine.as_deref(), c.new.as_deref()),
        (Some("Kind"), Some("Type"), Some("Category"))
    );
    assert_eq!(labels(&m.app)[1], "Type");
    let choices = Choices::from([("fb/label".to_string(), Resolution::TakeNew)]);
    let m = merge(&b, &mine, &new, Incoming::Published, &choices);
    assert_eq!(labels(&m.app)[1], "Category");
}

#[test]
fn fields_added_on_both_sides_survive_even_with_the_same_label() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    // The customer inserts its own field after "Name"; the ISV adds one at
    // the end and moves nothing.
    mine.forms[0]
        .fields
        .insert(1, field("c-own", "Reason", &[]));
    new.forms[0].fields.push(field("n-new", "Reason", &[]));
    let m = up(&b, &mine, &new);
    assert_eq!(labels(&m.app), ["Name", "Reason", "Kind", "Days", "Reason"]);
    assert_eq!(outcome(&m, "n-new/exists"), Some(Outcome::Added));
    // The ISV reorders: its order leads, the customer's field stays after "Name".
    new.forms[0].fields.swap(0, 2);
    let m = up(&b, &mine, &new);
    assert_eq!(labels(&m.app), ["Days", "Kind", "Name", "Reason", "Reason"]);
    assert_eq!(outcome(&m, "fo/order"), Some(Outcome::Applied));
}

#[test]
fn deletions_never_take_a_changed_part_away() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    // ISV deletes an untouched field and one the customer renamed; the
    // customer deletes a field the ISV changed.
    new.forms[0].fields.retain(|f| f.key == "fc");
    mine.forms[0].fields[1].label = "Type".into();
    mine.forms[0].fields.retain(|f| f.key != "fc");
    new.forms[0].fields[0].required = true;
    let m = up(&b, &mine, &new);
    assert_eq!(labels(&m.app), ["Type"]);
    assert_eq!(outcome(&m, "fa/exists"), Some(Outcome::Removed));
    assert_eq!(outcome(&m, "fb/exists"), Some(Outcome::NowYours));
    assert_eq!(outcome(&m, "fc/exists"), Some(Outcome::StaysDeleted));
}

#[test]
fn options_merge_as_items_and_removed_ones_go_only_if_untouched() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    mine.forms[0].fields[1].options.push("Unpaid".into());
    new.forms[0].fields[1].options = vec!["Annual".into(), "Parental".into()];
    let m = up(&b, &mine, &new);
    assert_eq!(
        m.app.forms[0].fields[1].options,
        ["Annual", "Parental", "Unpaid"]
    );
}

#[test]
fn the_customer_s_configuration_stays_and_new_parts_need_setup() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    mine.forms[0].process[0].approvers = vec!["u-customer".into()];
    mine.templates[0].recipients = vec![Recipient::User("u-customer".into())];
    mine.admins = vec!["u-customer".into()];
    new.forms[0].process[0].approvers = vec!["u-isv".into()];
    new.forms[0].process[0].name = "Line manager".into();
    new.forms[0].process.push(step("s2", "HR", &["u-isv"]));
    new.templates[0].recipients = vec![Recipient::User("u-isv".into())];
    new.admins = vec!["u-isv".into()];
    let m = up(&b, &mine, &new);
    let steps = &m.app.forms[0].process;
    assert_eq!(steps[0].name, "Line manager");
    assert_eq!(steps[0].approvers, ["u-customer"]);
    assert!(steps[1].approvers.is_empty());
    assert_eq!(
        m.app.templates[0].recipients,
        [Recipient::User("u-customer".into())]
    );
    assert_eq!(m.app.admins, ["u-customer"]);
    assert_eq!(m.needing_setup().into_iter().collect::<Vec<_>>(), ["s2"]);
}

#[test]
fn templates_merge_line_by_line_and_only_overlapping_edits_conflict() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    mine.templates[0].message = "Hi\n{{Name}} asks\nfor leave\nThanks".into();
    new.templates[0].message = "Hello\n{{Name}} asks\nfor leave\nRegards".into();
    let m = up(&b, &mine, &new);
    assert_eq!(
        m.app.templates[0].message,
        "Hi\n{{Name}} asks\nfor leave\nRegards"
    );
    assert_eq!(outcome(&m, "t1/message"), Some(Outcome::Merged));
    new.templates[0].message = "Dear all\n{{Name}} asks\nfor leave\nThanks".into();
    let m = up(&b, &mine, &new);
    assert_eq!(outcome(&m, "t1/message"), Some(Outcome::Conflict));
    assert_eq!(m.app.templates[0].message, mine.templates[0].message);
}

#[test]
fn a_form_removed_with_its_template_and_calls_leaves_no_dangling_reference() {
    let b = base();
    let mut new = b.clone();
    new.forms.clear();
    new.templates.clear();
    new.services[0].calls.clear();
    let m = up(&b, &b, &new);
    assert_eq!(m.app, new);
    for id in ["fo/exists", "t1/exists"] {
        assert_eq!(outcome(&m, id), Some(Outcome::Removed), "{id}");
    }
    assert!(m
        .changes
        .iter()
        .any(|c| c.prop == Prop::Call && c.outcome == Outcome::Removed));
}

#[test]
fn publishing_needs_the_bump_its_changes_call_for() {
    let b = base();
    let level = |f: &dyn Fn(&mut AppSnapshot)| {
        let mut n = b.clone();
        f(&mut n);
        needed_level(&diff(&b, &n))
    };
    assert_eq!(level(&|_| {}), None);
    assert_eq!(
        level(&|n| n.forms[0].fields[0].label = "X".into()),
        Some(Level::Patch)
    );
    assert_eq!(
        level(&|n| n.forms[0].fields[1].options.push("Other".into())),
        Some(Level::Patch)
    );
    assert_eq!(level(&|n| n.forms[0].fields.swap(0, 1)), Some(Level::Patch));
    assert_eq!(
        level(&|n| n.forms[0].fields.push(field("new", "New", &[]))),
        Some(Level::Minor)
    );
    assert_eq!(
        level(&|n| n.forms[0].process.push(step("s9", "New", &[]))),
        Some(Level::Minor)
    );
    assert_eq!(
        level(&|n| {
            n.forms[0].fields.pop();
        }),
        Some(Level::Major)
    );
    assert_eq!(
        level(&|n| n.forms[0].fields[0].field_type = FieldType::Number),
        Some(Level::Major)
    );
    assert_eq!(
        level(&|n| {
            n.forms[0].fields[1].options.pop();
        }),
        Some(Level::Major)
    );
    // The ISV's own people are not part of what it publishes.
    assert_eq!(
        level(&|n| n.forms[0].process[0].approvers.push("u".into())),
        None
    );
}

#[test]
fn a_form_the_customer_s_template_uses_stays_when_the_new_version_drops_it() {
    let b = base();
    let (mut mine, mut new) = (b.clone(), b.clone());
    mine.templates[0].message = "Our own text".into();
    new.forms.clear();
    new.templates.clear();
    new.services[0].calls.clear();
    let m = up(&b, &mine, &new);
    assert_eq!(outcome(&m, "fo/exists"), Some(Outcome::NowYours));
    assert_eq!(outcome(&m, "t1/exists"), Some(Outcome::NowYours));
    assert_eq!(m.app.templates[0].message, "Our own text");
    assert_eq!(m.app.forms.len(), 1);
}
