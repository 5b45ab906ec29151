//! Property test: any app definition survives deploy → load unchanged, and
//! its JSON form round-trips.
#![cfg(feature = "ssr")]

mod common;

use app::apps::domain::{FieldType, FormKind, Icon, Recipient, Trigger};
use app::apps::snapshot::{
    self, AppSnapshot, FieldSnap, FormSnap, ServiceSnap, StepSnap, TemplateSnap,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Any printable text, Chinese and emoji included.
    prop_oneof!["\\PC{1,24}", "[一-龥]{1,12}", "[a-zA-Z0-9 🚀📋]{1,20}"]
}

fn field() -> impl Strategy<Value = FieldSnap> {
    (
        text(),
        prop::sample::select(FieldType::ALL.to_vec()),
        any::<bool>(),
        prop::collection::vec(text(), 0..4),
    )
        .prop_map(|(label, field_type, required, options)| FieldSnap {
            key: String::new(),
            label,
            field_type,
            required,
            options,
        })
}

fn form() -> impl Strategy<Value = FormSnap> {
    let step =
        (text(), prop::collection::vec("[0-9a-f]{8}", 0..3)).prop_map(|(name, approvers)| {
            StepSnap {
                key: String::new(),
                name,
                approvers,
            }
        });
    (
        text(),
        prop::sample::select(FormKind::ALL.to_vec()),
        prop::collection::vec(field(), 0..5),
        prop::collection::vec(step, 0..3),
    )
        .prop_map(|(name, kind, fields, process)| FormSnap {
            key: String::new(),
            name,
            kind,
            fields,
            process,
        })
}

fn recipient() -> impl Strategy<Value = Recipient> {
    prop_oneof![
        Just(Recipient::Submitter),
        "[0-9a-f]{8}".prop_map(Recipient::User)
    ]
}

fn snapshot_with(admins: Vec<String>) -> impl Strategy<Value = AppSnapshot> {
    let admins = prop::sample::subsequence(admins.clone(), 0..=admins.len());
    (
        text(),
        prop::sample::select(Icon::ALL.to_vec()),
        text(),
        admins,
        prop::collection::vec(form(), 1..4),
    )
        .prop_flat_map(|(name, icon, description, admins, forms)| {
            let n = forms.len();
            let template = (
                0..n,
                prop::sample::select(Trigger::ALL.to_vec()),
                prop::collection::vec(recipient(), 0..3),
                text(),
            )
                .prop_map(|(form, trigger, recipients, message)| TemplateSnap {
                    key: String::new(),
                    form,
                    trigger,
                    recipients,
                    message,
                });
            let calls = prop::collection::btree_set((0..n, 0..Trigger::ALL.len()), 0..4);
            let service = (text(), "https://[a-z]{1,10}\\.example/[a-z0-9]{0,8}", calls).prop_map(
                |(name, endpoint, calls)| {
                    let mut calls: Vec<(usize, Trigger)> = calls
                        .into_iter()
                        .map(|(f, t)| (f, Trigger::ALL[t]))
                        .collect();
                    calls.sort_by_key(|(f, t)| (*f, t.as_str()));
                    ServiceSnap {
                        key: String::new(),
                        name,
                        endpoint,
                        calls,
                    }
                },
            );
            (
                Just((name, icon, description, admins, forms)),
                prop::collection::vec(template, 0..4),
                prop::collection::vec(service, 0..3),
            )
        })
        .prop_map(
            |((name, icon, description, mut admins, forms), templates, services)| {
                admins.sort();
                with_keys(AppSnapshot {
                    format: snapshot::FORMAT,
                    name,
                    icon,
                    description,
                    admins,
                    forms,
                    templates,
                    services,
                })
            },
        )
}

/// Every part gets a key of its own (as a published version's parts have).
fn with_keys(mut s: AppSnapshot) -> AppSnapshot {
    let mut n = 0;
    let mut key = || {
        n += 1;
        format!("key-{n}")
    };
    for f in &mut s.forms {
        f.key = key();
        for x in &mut f.fields {
            x.key = key();
        }
        for x in &mut f.process {
            x.key = key();
        }
    }
    for t in &mut s.templates {
        t.key = key();
    }
    for v in &mut s.services {
        v.key = key();
    }
    s
}

#[test]
fn any_definition_round_trips_through_the_database_and_json() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (t, org, users) = rt.block_on(async {
        let t = common::fresh().await;
        let mut users = Vec::new();
        for e in ["a@x.example", "b@x.example", "c@x.example"] {
            users.push(t.user(e).await.0);
        }
        let org = t.org(&app::accounts::UserId(users[0].clone()), "Org").await;
        (t, org, users)
    });
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    });
    runner
        .run(&snapshot_with(users.clone()), |snap| {
            prop_assert_eq!(
                AppSnapshot::from_json(&snap.to_json()).unwrap(),
                snap.clone()
            );
            let loaded = rt.block_on(async {
                let mut tx = t.db.begin_write().await.unwrap();
                let d = snapshot::Deploy {
                    org_id: &org,
                    actor_user_id: &users[0],
                    origin: "own",
                    foreign: false,
                    now: 1,
                };
                let id = snapshot::deploy(&mut tx, &snap, &d).await.unwrap();
                let loaded = snapshot::load(&mut tx, &id).await.unwrap().unwrap();
                tx.commit().await.unwrap();
                loaded
            });
            prop_assert_eq!(loaded, snap);
            Ok(())
        })
        .unwrap();
}
