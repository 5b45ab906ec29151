//! The three-way merge of app definitions: `base` (the version a copy last
//! took), `mine` (the copy now), `new` (the version coming in). Property by
//! property: only one side changed it → that side; both the same → agreed;
//! both differently → a conflict, "keep mine" unless the customer chose the
//! new value. Lists merge by part key (additions from both sides survive;
//! order follows whichever side reordered, the other side's items kept in
//! place); message templates merge line by line. The customer's
//! configuration (approvers, recipients, app admins) is never taken from a
//! published version. The same engine diffs two versions for publishing
//! (`diff`) and undoes an upgrade (`merge(after, now, before)`).

use super::*;
use crate::apps::domain::{FieldType, FormKind, Icon, Recipient, Trigger};
use crate::apps::snapshot::{
    AppSnapshot, FieldSnap, FormSnap, ServiceSnap, StepSnap, TemplateSnap, FORMAT,
};
use std::collections::{HashMap, HashSet};

/// Whose configuration the incoming side carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A published version: its people are the ISV's, so parts it adds
    /// arrive without approvers or recipients and need the customer's setup.
    Published,
    /// The customer's own earlier definition (undoing an upgrade).
    Own,
    /// The customer's own earlier definition with its configuration
    /// (approvers, recipients) merged too: reviewing and reverting what a
    /// maintenance session changed.
    Revert,
}

/// The changes a merge may take from the incoming side, by change id
/// (`<key>/<prop>[/<item>]`) or by part key; `None` takes every change.
pub type Selection = HashSet<String>;

/// The customer's resolutions, by conflict id; absent means keep mine.
pub type Choices = HashMap<String, Resolution>;

#[derive(Clone, Debug)]
pub struct Merged {
    pub app: AppSnapshot,
    pub changes: Vec<Change>,
}

impl Merged {
    pub fn conflicts(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.outcome == Outcome::Conflict)
    }

    /// Keys of the parts the incoming side added that need setup.
    pub fn needing_setup(&self) -> HashSet<&str> {
        self.changes
            .iter()
            .filter(|c| c.needs_setup)
            .map(|c| c.key.as_str())
            .collect()
    }
}

/// Merges `new` into `mine` over their common `base`.
pub fn merge(
    base: &AppSnapshot,
    mine: &AppSnapshot,
    new: &AppSnapshot,
    incoming: Incoming,
    choices: &Choices,
) -> Merged {
    merge_selected(base, mine, new, incoming, choices, None)
}

/// `merge`, taking from `new` only the selected changes (the rest of the
/// customer's definition stays as it is).
pub fn merge_selected(
    base: &AppSnapshot,
    mine: &AppSnapshot,
    new: &AppSnapshot,
    incoming: Incoming,
    choices: &Choices,
    only: Option<&Selection>,
) -> Merged {
    let mut e = Engine {
        incoming,
        choices,
        only,
        changes: Vec::new(),
    };
    let app = e.app(base, mine, new);
    Merged {
        app,
        changes: e.changes,
    }
}

/// What publishing `next` after `prev` changes (as the ISV sees it).
pub fn diff(prev: &AppSnapshot, next: &AppSnapshot) -> Vec<Change> {
    merge(prev, prev, next, Incoming::Own, &Choices::new()).changes
}

/// Every change from `prev` to `next`, the configuration included (what a
/// maintenance session did).
pub fn diff_all(prev: &AppSnapshot, next: &AppSnapshot) -> Vec<Change> {
    merge(prev, prev, next, Incoming::Revert, &Choices::new()).changes
}

/// How a typed value is shown in a change report.
trait Show {
    fn show(&self) -> String;
}

impl Show for String {
    fn show(&self) -> String {
        self.clone()
    }
}

impl Show for bool {
    fn show(&self) -> String {
        self.to_string()
    }
}

macro_rules! show_code {
    ($($t:ty),*) => {$(
        impl Show for $t {
            fn show(&self) -> String {
                self.as_str().to_string()
            }
        }
    )*};
}
show_code!(FieldType, FormKind, Icon, Trigger);

impl Show for Vec<String> {
    fn show(&self) -> String {
        self.join(", ")
    }
}

impl Show for Vec<Recipient> {
    fn show(&self) -> String {
        let v: Vec<String> = self.iter().map(Recipient::form_value).collect();
        v.join(", ")
    }
}

/// A part as the report names it.
#[derive(Clone)]
struct At {
    part: Part,
    key: String,
    name: String,
    form: Option<String>,
    /// For options and calls, the item itself (names the change).
    item: Option<String>,
}

/// An item of a list merged by key.
trait Item: Clone + PartialEq {
    fn key(&self) -> &str;
    /// The definition without the customer's configuration: what decides
    /// whether a side changed the part.
    fn definition(&self) -> Self {
        self.clone()
    }
}

impl Item for String {
    fn key(&self) -> &str {
        self
    }
}

impl Item for FieldSnap {
    fn key(&self) -> &str {
        &self.key
    }
}

impl Item for StepSnap {
    fn key(&self) -> &str {
        &self.key
    }
    fn definition(&self) -> Self {
        StepSnap {
            approvers: vec![],
            ..self.clone()
        }
    }
}

impl Item for FormSnap {
    fn key(&self) -> &str {
        &self.key
    }
    fn definition(&self) -> Self {
        FormSnap {
            process: self.process.iter().map(Item::definition).collect(),
            ..self.clone()
        }
    }
}

/// A template with its form named by key rather than by index.
#[derive(Clone, PartialEq)]
struct Tpl {
    key: String,
    form: String,
    trigger: Trigger,
    recipients: Vec<Recipient>,
    message: String,
}

impl Item for Tpl {
    fn key(&self) -> &str {
        &self.key
    }
    fn definition(&self) -> Self {
        Tpl {
            recipients: vec![],
            ..self.clone()
        }
    }
}

/// A service with its calls as `<form key> <trigger>`.
#[derive(Clone, PartialEq)]
struct Svc {
    key: String,
    name: String,
    endpoint: String,
    calls: Vec<String>,
}

impl Item for Svc {
    fn key(&self) -> &str {
        &self.key
    }
}

fn form_key(s: &AppSnapshot, index: usize) -> String {
    s.forms
        .get(index)
        .map(|f| f.key.clone())
        .unwrap_or_default()
}

fn templates(s: &AppSnapshot) -> Vec<Tpl> {
    s.templates
        .iter()
        .map(|t| Tpl {
            key: t.key.clone(),
            form: form_key(s, t.form),
            trigger: t.trigger,
            recipients: t.recipients.clone(),
            message: t.message.clone(),
        })
        .collect()
}

fn call(form: &str, trigger: Trigger) -> String {
    format!("{form} {}", trigger.as_str())
}

fn services(s: &AppSnapshot) -> Vec<Svc> {
    s.services
        .iter()
        .map(|v| Svc {
            key: v.key.clone(),
            name: v.name.clone(),
            endpoint: v.endpoint.clone(),
            calls: v
                .calls
                .iter()
                .map(|(f, t)| call(&form_key(s, *f), *t))
                .collect(),
        })
        .collect()
}

fn lines(s: &str) -> String {
    format!("{s}\n")
}

/// The sides of one item present on both the customer's and the new side.
struct Sides<'a, T> {
    base: Option<&'a T>,
    mine: &'a T,
    new: &'a T,
}

impl<T> Clone for Sides<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Sides<'_, T> {}

impl<'a, T> Sides<'a, T> {
    fn map<U>(&self, f: impl Fn(&'a T) -> &'a U) -> Sides<'a, U> {
        Sides {
            base: self.base.map(&f),
            mine: f(self.mine),
            new: f(self.new),
        }
    }
}

struct Engine<'a> {
    incoming: Incoming,
    choices: &'a Choices,
    only: Option<&'a Selection>,
    changes: Vec<Change>,
}

/// A change's id: `<key>/<prop>`, and the item for options and calls.
fn change_id(at: &At, prop: Prop) -> String {
    match &at.item {
        Some(item) if matches!(prop, Prop::Option | Prop::Call) => {
            format!("{}/{}/{item}", at.key, prop.as_str())
        }
        _ => format!("{}/{}", at.key, prop.as_str()),
    }
}

impl Engine<'_> {
    /// Whether the selection takes this change from the incoming side.
    fn taken(&self, at: &At, prop: Prop) -> bool {
        self.only
            .is_none_or(|s| s.contains(&at.key) || s.contains(&change_id(at, prop)))
    }

    /// Whether two versions of an item are the same for this merge: the
    /// customer's configuration counts only when reverting its own changes.
    fn same<T: Item>(&self, a: &T, b: &T) -> bool {
        match self.incoming {
            Incoming::Revert => a == b,
            _ => a.definition() == b.definition(),
        }
    }

    fn note(
        &mut self,
        at: &At,
        prop: Prop,
        outcome: Outcome,
        values: [Option<String>; 3],
        needs_setup: bool,
    ) {
        let [base, mine, new] = values;
        // Options and calls are items of their part: one change each.
        let id = change_id(at, prop);
        self.changes.push(Change {
            id,
            key: at.key.clone(),
            part: at.part,
            name: at.name.clone(),
            form: at.form.clone(),
            prop,
            outcome,
            base,
            mine,
            new,
            resolution: None,
            needs_setup,
        });
    }

    fn prop<T: PartialEq + Clone + Show>(&mut self, at: &At, prop: Prop, s: Sides<T>) -> T {
        let shown = |s: &Sides<T>| {
            [
                s.base.map(Show::show),
                Some(s.mine.show()),
                Some(s.new.show()),
            ]
        };
        if s.mine == s.new {
            if s.base.is_some_and(|b| b != s.mine) {
                self.note(at, prop, Outcome::Agreed, shown(&s), false);
            }
            return s.mine.clone();
        }
        if s.base == Some(s.new) {
            self.note(at, prop, Outcome::Kept, shown(&s), false);
            return s.mine.clone();
        }
        if !self.taken(at, prop) {
            return s.mine.clone();
        }
        if s.base == Some(s.mine) {
            self.note(at, prop, Outcome::Applied, shown(&s), false);
            return s.new.clone();
        }
        self.note(at, prop, Outcome::Conflict, shown(&s), false);
        let id = &self
            .changes
            .last()
            .map(|c| c.id.clone())
            .unwrap_or_default();
        let resolution = self
            .choices
            .get(id)
            .copied()
            .unwrap_or(Resolution::KeepMine);
        if let Some(c) = self.changes.last_mut() {
            c.resolution = Some(resolution);
        }
        match resolution {
            Resolution::KeepMine => s.mine.clone(),
            Resolution::TakeNew => s.new.clone(),
        }
    }

    /// A message: line by line when both sides edited it.
    fn message(&mut self, at: &At, s: Sides<String>) -> String {
        if let Some(base) = s.base {
            let (b, m, n) = (base, s.mine, s.new);
            if m != n && b != m && b != n && self.taken(at, Prop::Message) {
                if let Ok(merged) = diffy::merge(&lines(b), &lines(m), &lines(n)) {
                    let values = [Some(b.clone()), Some(m.clone()), Some(n.clone())];
                    self.note(at, Prop::Message, Outcome::Merged, values, false);
                    let merged = merged.strip_suffix('\n').unwrap_or(&merged);
                    return merged.to_string();
                }
            }
        }
        self.prop(at, Prop::Message, s)
    }

    /// Merges a list by key. `at` names an item (and its shown value, for
    /// options and calls); `item` merges an item on both sides; `adopt`
    /// takes one the incoming side added (and says if it needs setup).
    /// `held` names items the customer's changes elsewhere depend on: the
    /// incoming side's deletion leaves them as the customer's own.
    #[allow(clippy::too_many_arguments)]
    fn list<T: Item>(
        &mut self,
        lists: [&[T]; 3],
        held: &HashSet<String>,
        exists: Prop,
        parent: Option<&At>,
        at: &dyn Fn(&T) -> (At, Option<String>),
        mut item: impl FnMut(&mut Self, Sides<T>) -> T,
        mut adopt: impl FnMut(&mut Self, &T) -> (T, bool),
    ) -> Vec<T> {
        let [base, mine, new] = lists;
        let find = |l: &'_ [T], k: &str| l.iter().position(|x| x.key() == k);
        let mut keys: Vec<&str> = Vec::new();
        for x in new.iter().chain(mine).chain(base) {
            if !keys.contains(&x.key()) {
                keys.push(x.key());
            }
        }
        let mut out: HashMap<String, T> = HashMap::new();
        for k in keys {
            let (b, m, n) = (
                find(base, k).map(|i| &base[i]),
                find(mine, k).map(|i| &mine[i]),
                find(new, k).map(|i| &new[i]),
            );
            match (b, m, n) {
                (b, Some(m), Some(n)) => {
                    let merged = item(
                        self,
                        Sides {
                            base: b,
                            mine: m,
                            new: n,
                        },
                    );
                    out.insert(k.to_string(), merged);
                }
                (Some(b), Some(m), None) => {
                    let (a, v) = at(b);
                    if !self.taken(&a, exists) {
                        out.insert(k.to_string(), m.clone());
                    } else if self.same(m, b) && !held.contains(k) {
                        self.note(&a, exists, Outcome::Removed, [v.clone(), v, None], false);
                    } else {
                        let (a, v) = at(m);
                        self.note(&a, exists, Outcome::NowYours, [None, v, None], false);
                        out.insert(k.to_string(), m.clone());
                    }
                }
                (Some(b), None, Some(n)) => {
                    if !self.same(n, b) {
                        let (a, v) = at(n);
                        self.note(&a, exists, Outcome::StaysDeleted, [None, None, v], false);
                    }
                }
                (None, None, Some(n)) => {
                    let (a, v) = at(n);
                    if !self.taken(&a, exists) {
                        continue;
                    }
                    let (taken, needs_setup) = adopt(self, n);
                    self.note(&a, exists, Outcome::Added, [None, None, v], needs_setup);
                    out.insert(k.to_string(), taken);
                }
                (None, Some(m), None) => {
                    out.insert(k.to_string(), m.clone());
                }
                (_, None, None) => {}
            }
        }
        // Order: whichever side moved common items leads; the other's own
        // items go after the item they followed there.
        let common = |l: &[T]| -> Vec<String> {
            l.iter()
                .filter(|x| find(base, x.key()).is_some() && find(new, x.key()).is_some())
                .map(|x| x.key().to_string())
                .collect()
        };
        let new_moved =
            common(base) != common(new) && parent.is_none_or(|p| self.taken(p, Prop::Order));
        if new_moved {
            if let Some(p) = parent {
                self.note(p, Prop::Order, Outcome::Applied, [None, None, None], false);
            }
        }
        let (lead, follow) = if new_moved { (new, mine) } else { (mine, new) };
        let mut order: Vec<&str> = lead
            .iter()
            .map(Item::key)
            .filter(|k| out.contains_key(*k))
            .collect();
        let mut anchor: Option<usize> = None;
        for x in follow {
            let k = x.key();
            if !out.contains_key(k) {
                continue;
            }
            match order.iter().position(|o| *o == k) {
                Some(p) => anchor = Some(p),
                None => {
                    let at = anchor.map_or(0, |a| a + 1);
                    order.insert(at, k);
                    anchor = Some(at);
                }
            }
        }
        let order: Vec<String> = order.into_iter().map(str::to_string).collect();
        order.iter().filter_map(|k| out.remove(k)).collect()
    }

    fn app(&mut self, base: &AppSnapshot, mine: &AppSnapshot, new: &AppSnapshot) -> AppSnapshot {
        let at = At {
            part: Part::App,
            key: String::new(),
            name: mine.name.clone(),
            form: None,
            item: None,
        };
        let all = Sides {
            base: Some(base),
            mine,
            new,
        };
        let name = self.prop(&at, Prop::Name, all.map(|a| &a.name));
        let icon = self.prop(&at, Prop::Icon, all.map(|a| &a.icon));
        let description = self.prop(&at, Prop::Description, all.map(|a| &a.description));
        let form_at = |f: &FormSnap| {
            let a = At {
                part: Part::Form,
                key: f.key.clone(),
                name: f.name.clone(),
                form: None,
                item: None,
            };
            (a, None)
        };
        // A form the customer's own templates or calls use stays with them.
        let (b_t, m_t, b_v, m_v) = (
            templates(base),
            templates(mine),
            services(base),
            services(mine),
        );
        let mut held: HashSet<String> = HashSet::new();
        for t in &m_t {
            if b_t.iter().find(|x| x.key == t.key).map(Item::definition) != Some(t.definition()) {
                held.insert(t.form.clone());
            }
        }
        for v in &m_v {
            let before = b_v.iter().find(|x| x.key == v.key);
            for c in &v.calls {
                if !before.is_some_and(|b| b.calls.contains(c)) {
                    held.insert(c.split_once(' ').map_or(c.as_str(), |x| x.0).to_string());
                }
            }
        }
        let forms = self.list(
            [&base.forms[..], &mine.forms, &new.forms],
            &held,
            Prop::Exists,
            Some(&at),
            &form_at,
            |e, s| e.form(s),
            |e, f| e.adopt_form(f),
        );
        // Every form's name by key, for templates' and calls' reports.
        let mut form_names: HashMap<String, String> = HashMap::new();
        for f in base.forms.iter().chain(&new.forms).chain(&mine.forms) {
            form_names.insert(f.key.clone(), f.name.clone());
        }
        let templates = self.templates([&b_t[..], &m_t, &templates(new)], &form_names, &at);
        let services = self.services([&b_v[..], &m_v, &services(new)], &form_names, &at);
        let index: HashMap<&str, usize> = forms
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.as_str(), i))
            .collect();
        AppSnapshot {
            format: FORMAT,
            name,
            icon,
            description,
            admins: mine.admins.clone(),
            templates: templates
                .into_iter()
                .filter_map(|t| {
                    Some(TemplateSnap {
                        key: t.key,
                        form: *index.get(t.form.as_str())?,
                        trigger: t.trigger,
                        recipients: t.recipients,
                        message: t.message,
                    })
                })
                .collect(),
            services: services
                .into_iter()
                .map(|v| ServiceSnap {
                    key: v.key,
                    name: v.name,
                    endpoint: v.endpoint,
                    calls: {
                        let mut calls: Vec<(usize, Trigger)> = v
                            .calls
                            .iter()
                            .filter_map(|c| {
                                let (f, t) = c.split_once(' ')?;
                                let t = Trigger::parse(t).ok()?;
                                Some((*index.get(f)?, t))
                            })
                            .collect();
                        calls.sort_by_key(|(f, t)| (*f, t.as_str()));
                        calls
                    },
                })
                .collect(),
            forms,
        }
    }

    fn form(&mut self, s: Sides<FormSnap>) -> FormSnap {
        let at = At {
            part: Part::Form,
            key: s.mine.key.clone(),
            name: s.mine.name.clone(),
            form: None,
            item: None,
        };
        let name = self.prop(&at, Prop::Name, s.map(|f| &f.name));
        let kind = self.prop(&at, Prop::Kind, s.map(|f| &f.kind));
        let child = |part: Part, key: &str, name: &str| At {
            part,
            key: key.to_string(),
            name: name.to_string(),
            form: Some(s.mine.name.clone()),
            item: None,
        };
        let empty = FormSnap {
            key: String::new(),
            name: String::new(),
            kind,
            fields: vec![],
            process: vec![],
        };
        let base = s.base.unwrap_or(&empty);
        let fields = self.list(
            [&base.fields[..], &s.mine.fields, &s.new.fields],
            &HashSet::new(),
            Prop::Exists,
            Some(&at),
            &|f: &FieldSnap| (child(Part::Field, &f.key, &f.label), None),
            |e, f| e.field(f, &child(Part::Field, &f.mine.key, &f.mine.label)),
            |_, f| (f.clone(), false),
        );
        let process = self.list(
            [&base.process[..], &s.mine.process, &s.new.process],
            &HashSet::new(),
            Prop::Exists,
            Some(&at),
            &|st: &StepSnap| (child(Part::Step, &st.key, &st.name), None),
            |e, st| {
                let at = child(Part::Step, &st.mine.key, &st.mine.name);
                StepSnap {
                    key: st.mine.key.clone(),
                    name: e.prop(&at, Prop::Name, st.map(|x| &x.name)),
                    approvers: match e.incoming {
                        Incoming::Revert => e.prop(&at, Prop::Approvers, st.map(|x| &x.approvers)),
                        _ => st.mine.approvers.clone(),
                    },
                }
            },
            |e, st| e.adopt_step(st),
        );
        FormSnap {
            key: s.mine.key.clone(),
            name,
            kind,
            fields,
            process,
        }
    }

    fn field(&mut self, s: Sides<FieldSnap>, at: &At) -> FieldSnap {
        let label = self.prop(at, Prop::Label, s.map(|f| &f.label));
        let field_type = self.prop(at, Prop::Type, s.map(|f| &f.field_type));
        let required = self.prop(at, Prop::Required, s.map(|f| &f.required));
        let none = Vec::new();
        let options = self.list(
            [
                &s.base.map_or(&none, |b| &b.options)[..],
                &s.mine.options,
                &s.new.options,
            ],
            &HashSet::new(),
            Prop::Option,
            Some(at),
            &|o: &String| {
                let a = At {
                    item: Some(o.clone()),
                    ..at.clone()
                };
                (a, Some(o.clone()))
            },
            |_, o| o.mine.clone(),
            |_, o| (o.clone(), false),
        );
        FieldSnap {
            key: s.mine.key.clone(),
            label,
            field_type,
            required,
            options,
        }
    }

    fn adopt_step(&mut self, st: &StepSnap) -> (StepSnap, bool) {
        match self.incoming {
            Incoming::Published => (st.definition(), true),
            Incoming::Own | Incoming::Revert => (st.clone(), false),
        }
    }

    fn adopt_form(&mut self, f: &FormSnap) -> (FormSnap, bool) {
        match self.incoming {
            Incoming::Published => (f.definition(), f.kind == FormKind::Process),
            Incoming::Own | Incoming::Revert => (f.clone(), false),
        }
    }

    fn templates(
        &mut self,
        lists: [&[Tpl]; 3],
        form_names: &HashMap<String, String>,
        app: &At,
    ) -> Vec<Tpl> {
        let at = |t: &Tpl| At {
            part: Part::Template,
            key: t.key.clone(),
            name: t.trigger.as_str().to_string(),
            form: form_names.get(&t.form).cloned(),
            item: None,
        };
        let incoming = self.incoming;
        self.list(
            lists,
            &HashSet::new(),
            Prop::Exists,
            Some(app),
            &|t: &Tpl| (at(t), None),
            |e, s| {
                let a = at(s.mine);
                Tpl {
                    key: s.mine.key.clone(),
                    form: e.prop(&a, Prop::Form, s.map(|t| &t.form)),
                    trigger: e.prop(&a, Prop::Trigger, s.map(|t| &t.trigger)),
                    message: e.message(&a, s.map(|t| &t.message)),
                    recipients: match e.incoming {
                        Incoming::Revert => e.prop(&a, Prop::Recipients, s.map(|t| &t.recipients)),
                        _ => s.mine.recipients.clone(),
                    },
                }
            },
            |_, t| match incoming {
                Incoming::Published => (t.definition(), true),
                Incoming::Own | Incoming::Revert => (t.clone(), false),
            },
        )
    }

    fn services(
        &mut self,
        lists: [&[Svc]; 3],
        form_names: &HashMap<String, String>,
        app: &At,
    ) -> Vec<Svc> {
        let incoming = self.incoming;
        let at = |v: &Svc| At {
            part: Part::Service,
            key: v.key.clone(),
            name: v.name.clone(),
            form: None,
            item: None,
        };
        self.list(
            lists,
            &HashSet::new(),
            Prop::Exists,
            Some(app),
            &|v: &Svc| (at(v), None),
            |e, s| {
                let a = at(s.mine);
                let name = e.prop(&a, Prop::Name, s.map(|v| &v.name));
                let endpoint = e.prop(&a, Prop::Endpoint, s.map(|v| &v.endpoint));
                let none = Vec::new();
                // A call is shown as its form's name and its event.
                let call_at = |c: &String| {
                    let (form, trigger) = c.split_once(' ').unwrap_or((c, ""));
                    let at = At {
                        form: form_names.get(form).cloned(),
                        item: Some(c.clone()),
                        ..a.clone()
                    };
                    (at, Some(trigger.to_string()))
                };
                let mut calls = e.list(
                    [
                        &s.base.map_or(&none, |b| &b.calls)[..],
                        &s.mine.calls,
                        &s.new.calls,
                    ],
                    &HashSet::new(),
                    Prop::Call,
                    None,
                    &call_at,
                    |_, c| c.mine.clone(),
                    |_, c| (c.clone(), false),
                );
                calls.sort();
                Svc {
                    key: s.mine.key.clone(),
                    name,
                    endpoint,
                    calls,
                }
            },
            // A service arrives without a credential, whoever sends it.
            |_, v| (v.clone(), incoming == Incoming::Published),
        )
    }
}

#[cfg(test)]
mod tests;
