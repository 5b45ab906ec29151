//! The routes the server registers, against the rows of the matrix.

use super::matrix;
use std::collections::BTreeSet;

/// The routes the server registers, as the matrix writes them.
fn registered_routes() -> BTreeSet<String> {
    let mut routes = BTreeSet::new();
    for (path, _method) in leptos::server_fn::axum::server_fn_paths() {
        routes.insert(format!("POST {path}"));
    }
    for r in leptos_axum::generate_route_list(app::App) {
        routes.insert(format!("GET {}", r.path()));
    }
    for path in app::http::PLAIN_ROUTES {
        routes.insert(format!("GET {path}"));
    }
    routes
}

#[tokio::test]
async fn every_registered_route_is_in_the_matrix() {
    let listed: BTreeSet<String> = matrix()
        .iter()
        .map(|r| {
            // Matrix paths name ids as {key}; the router as :key / {key}.
            // A download's query (`?form=…`) is not part of its route.
            let path = r
                .path
                .split('?')
                .next()
                .unwrap_or_default()
                .split('/')
                .map(|seg| match seg {
                    "{app}" | "{installed}" | "{plain_installed}" => "{id}",
                    "{change_set}" | "{plain_change_set}" => "{set}",
                    "{order}" | "{record}" => "{id}",
                    "{token}" | "{invitation_token}" => "{token}",
                    s => s,
                })
                .collect::<Vec<_>>()
                .join("/");
            format!("{} {path}", if r.get { "GET" } else { "POST" })
        })
        .collect();
    let registered = registered_routes();
    let missing: Vec<&String> = registered.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the permission matrix: {missing:?}"
    );
    let stale: Vec<&String> = listed.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes the server lacks: {stale:?}"
    );
}
