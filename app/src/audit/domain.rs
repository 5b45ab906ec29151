//! Audit entries as the customer's admins read them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    pub acting_as: String,
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
