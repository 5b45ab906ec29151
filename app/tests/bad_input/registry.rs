//! The server functions and their arguments, from the registry (and README's table).

use super::*;

/// A registered server function and its argument names.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub(crate) path: String,
    pub(crate) method: Method,
    pub(crate) fields: Vec<String>,
}

pub(crate) fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// An argument cell without its parenthesised value notes, except `(+ name)`,
/// which lists further arguments.
pub(crate) fn without_value_notes(cell: &str) -> String {
    let mut out = String::new();
    let mut skipping = 0;
    let mut rest = cell;
    while let Some(c) = rest.chars().next() {
        if c == '(' && !rest.starts_with("(+") {
            skipping += 1;
        } else if c == ')' && skipping > 0 {
            skipping -= 1;
        } else if skipping == 0 {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// README's API table: each documented `/api/...` path with its argument names.
pub(crate) fn documented() -> BTreeMap<String, Vec<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let mut out = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("| `/api/")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        assert!(
            cells.len() >= 3,
            "an API table row without arguments: {line}"
        );
        let args: Vec<String> = backticked(&without_value_notes(cells[1]))
            .into_iter()
            .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        for path in backticked(cells[0]) {
            out.insert(path, args.clone());
        }
    }
    out
}

/// Every server function, with its argument names, from the registry the
/// `api!` macro fills (call after the router is built). Each one is also
/// in leptos' own registry, which is what the router serves.
pub(crate) fn endpoints() -> Vec<Endpoint> {
    let served: BTreeMap<String, Method> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_string(), method))
        .collect();
    let out: Vec<Endpoint> = app::session::endpoints()
        .into_iter()
        .map(|e| Endpoint {
            path: e.path.to_string(),
            method: served
                .get(e.path)
                .unwrap_or_else(|| panic!("{} is registered but not served", e.path))
                .clone(),
            fields: e.args.iter().map(|a| a.to_string()).collect(),
        })
        .collect();
    for path in served.keys() {
        assert!(
            out.iter().any(|e| &e.path == path),
            "{path} is served but was not declared with `api!`"
        );
    }
    assert!(
        out.len() >= 50 && out.iter().any(|e| e.path == "/api/apps/create"),
        "the registry lists too few server functions: {out:?}"
    );
    out
}

/// README's API table documents every server function with its arguments.
#[tokio::test]
async fn readme_documents_every_server_function() {
    let _site = site(false).await;
    let docs = documented();
    for e in endpoints() {
        let args = docs
            .get(&e.path)
            .unwrap_or_else(|| panic!("{} is missing from README's API table", e.path));
        // A row may document several functions (`(+ name)` adds arguments of
        // some of them): each real argument must be named there.
        for arg in &e.fields {
            assert!(
                args.contains(arg),
                "README's row of {} lacks `{arg}`",
                e.path
            );
        }
    }
    for p in docs.keys() {
        assert!(
            app::session::endpoints().iter().any(|e| e.path == p),
            "README documents {p}, which is not a server function"
        );
    }
}
