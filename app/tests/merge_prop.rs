//! Property tests of the upgrade merge on random definitions, each side
//! edited at random (properties, parts added, removed and moved, template
//! lines): merge(base, base, new) = new; merge(base, mine, base) = mine;
//! merge(base, x, x) = x; applying the same upgrade again changes nothing;
//! undoing an upgrade with no later edits restores the copy exactly.
#![cfg(feature = "ssr")]

use app::apps::domain::{FieldType, FormKind, Icon, Trigger};
use app::apps::snapshot::{
    AppSnapshot, FieldSnap, FormSnap, ServiceSnap, StepSnap, TemplateSnap, FORMAT,
};
use app::versions::domain::merge::{merge, Choices, Incoming, Merged};
use proptest::prelude::*;

/// Few distinct words, so both sides sometimes make the same change.
const WORDS: [&str; 6] = ["Name", "Date", "名称", "日期", "Total", "备注"];

fn word(n: u32) -> String {
    WORDS[n as usize % WORDS.len()].to_string()
}

/// A definition built from numbers, with unique keys `b<n>`.
fn base(seed: Vec<u32>) -> AppSnapshot {
    let mut n = 0;
    let mut key = || {
        n += 1;
        format!("b{n}")
    };
    let mut it = seed.into_iter().cycle();
    let mut next = move || it.next().unwrap_or(0);
    let forms: Vec<FormSnap> = (0..1 + next() % 3)
        .map(|_| FormSnap {
            key: key(),
            name: word(next()),
            kind: FormKind::ALL[next() as usize % 2],
            fields: (0..next() % 4)
                .map(|_| {
                    let t = FieldType::ALL[next() as usize % FieldType::ALL.len()];
                    FieldSnap {
                        key: key(),
                        label: word(next()),
                        field_type: t,
                        required: next() % 2 == 0,
                        options: if t.has_options() {
                            vec!["A".into(), "B".into(), "C".into()]
                        } else {
                            vec![]
                        },
                    }
                })
                .collect(),
            process: (0..next() % 3)
                .map(|_| StepSnap {
                    key: key(),
                    name: word(next()),
                    approvers: vec![],
                })
                .collect(),
        })
        .collect();
    let n_forms = forms.len();
    let templates = (0..next() % 3)
        .map(|_| TemplateSnap {
            key: key(),
            form: next() as usize % n_forms,
            trigger: Trigger::ALL[next() as usize % 3],
            recipients: vec![],
            message: "one\ntwo\nthree\nfour\nfive".into(),
        })
        .collect();
    let services = (0..next() % 3)
        .map(|_| ServiceSnap {
            key: key(),
            name: word(next()),
            endpoint: "https://a.example/x".into(),
            calls: vec![(0, Trigger::Submitted)],
        })
        .collect();
    AppSnapshot {
        format: FORMAT,
        name: "App".into(),
        icon: Icon::Chart,
        description: String::new(),
        admins: vec![],
        forms,
        templates,
        services,
    }
}

/// Applies edits `(op, a, b)` to `s`; new parts get keys `<side><n>`.
fn edit(s: &AppSnapshot, side: &str, edits: &[(u8, u32, u32)]) -> AppSnapshot {
    let mut s = s.clone();
    for (i, &(op, a, b)) in edits.iter().enumerate() {
        let fresh = format!("{side}{i}");
        let nf = s.forms.len();
        let f = a as usize % nf.max(1);
        match op % 14 {
            0 => s.name = word(a),
            1 => s.forms[f].name = word(b),
            2..=4 => {
                let fields = &mut s.forms[f].fields;
                let at = b as usize % fields.len().max(1);
                if let Some(x) = fields.get_mut(at) {
                    match op % 14 {
                        2 => x.label = word(a + b),
                        3 => x.required = !x.required,
                        _ if x.field_type.has_options() => {
                            if b % 2 == 0 {
                                x.options.push(word(a));
                                x.options.dedup();
                                let mut seen = std::collections::HashSet::new();
                                x.options.retain(|o| seen.insert(o.clone()));
                            } else if !x.options.is_empty() {
                                x.options.remove(a as usize % x.options.len());
                            }
                        }
                        _ => x.field_type = FieldType::Number,
                    }
                }
            }
            5 => {
                let fields = &mut s.forms[f].fields;
                let at = b as usize % (fields.len() + 1);
                fields.insert(
                    at,
                    FieldSnap {
                        key: fresh,
                        label: word(a),
                        field_type: FieldType::Text,
                        required: false,
                        options: vec![],
                    },
                );
            }
            6 => {
                let fields = &mut s.forms[f].fields;
                if !fields.is_empty() {
                    fields.remove(b as usize % fields.len());
                }
            }
            7 => {
                let fields = &mut s.forms[f].fields;
                if fields.len() > 1 {
                    let x = b as usize % fields.len();
                    let n = fields.len();
                    fields.swap(x, (x + 1) % n);
                }
            }
            8 => {
                let steps = &mut s.forms[f].process;
                if b % 2 == 0 || steps.is_empty() {
                    steps.push(StepSnap {
                        key: fresh,
                        name: word(a),
                        approvers: vec![],
                    });
                } else {
                    let at = a as usize % steps.len();
                    steps[at].name = word(b);
                }
            }
            9 => s.forms.push(FormSnap {
                key: fresh,
                name: word(a),
                kind: FormKind::Plain,
                fields: vec![],
                process: vec![],
            }),
            10 if nf > 1 => {
                // A form goes with its templates and calls.
                s.forms.remove(f);
                s.templates.retain(|t| t.form != f);
                for t in &mut s.templates {
                    if t.form > f {
                        t.form -= 1;
                    }
                }
                for v in &mut s.services {
                    v.calls.retain(|(cf, _)| *cf != f);
                    for c in &mut v.calls {
                        if c.0 > f {
                            c.0 -= 1;
                        }
                    }
                }
            }
            11 => {
                let at = b as usize % s.templates.len().max(1);
                if let Some(t) = s.templates.get_mut(at) {
                    // Edit one line, so both sides' edits may or may not overlap.
                    let mut lines: Vec<String> = t.message.lines().map(str::to_string).collect();
                    let l = a as usize % lines.len();
                    lines[l] = word(b);
                    t.message = lines.join("\n");
                }
            }
            12 => s.templates.push(TemplateSnap {
                key: fresh,
                form: f,
                trigger: Trigger::ALL[b as usize % 3],
                recipients: vec![],
                message: word(a),
            }),
            13 => {
                let at = b as usize % s.services.len().max(1);
                if let Some(v) = s.services.get_mut(at) {
                    if a % 2 == 0 {
                        v.endpoint = format!("https://{}.example/", a % 3);
                    } else {
                        let c = (f, Trigger::ALL[b as usize % 3]);
                        match v.calls.iter().position(|x| *x == c) {
                            Some(p) => {
                                v.calls.remove(p);
                            }
                            None => v.calls.push(c),
                        }
                        v.calls.sort_by_key(|(f, t)| (*f, t.as_str()));
                    }
                }
            }
            _ => {}
        }
    }
    s
}

fn up(base: &AppSnapshot, mine: &AppSnapshot, new: &AppSnapshot) -> Merged {
    merge(base, mine, new, Incoming::Published, &Choices::new())
}

fn edits() -> impl Strategy<Value = Vec<(u8, u32, u32)>> {
    prop::collection::vec((any::<u8>(), 0u32..50, 0u32..50), 0..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn merge_laws(
        seed in prop::collection::vec(0u32..100, 1..40),
        mine_edits in edits(),
        new_edits in edits(),
    ) {
        let b = base(seed);
        let mine = edit(&b, "m", &mine_edits);
        let new = edit(&b, "n", &new_edits);
        prop_assert_eq!(&up(&b, &b, &new).app, &new);
        prop_assert_eq!(&up(&b, &mine, &b).app, &mine);
        prop_assert_eq!(&up(&b, &mine, &mine).app, &mine);
        let merged = up(&b, &mine, &new);
        // Applying the same upgrade again: nothing changes.
        let again = up(&new, &merged.app, &new);
        prop_assert_eq!(&again.app, &merged.app);
        prop_assert!(again.changes.iter().all(|c| c.outcome != app::versions::domain::Outcome::Applied));
        // Undoing it with no later edits restores the copy exactly.
        let undone = merge(&merged.app, &merged.app, &mine, Incoming::Own, &Choices::new());
        prop_assert_eq!(&undone.app, &mine);
        // Taking every new value instead changes only the conflicts' values.
        let all_new: Choices = merged
            .conflicts()
            .map(|c| (c.id.clone(), app::versions::domain::Resolution::TakeNew))
            .collect();
        let taken = merge(&b, &mine, &new, Incoming::Published, &all_new);
        prop_assert_eq!(taken.conflicts().count(), merged.conflicts().count());
    }
}
