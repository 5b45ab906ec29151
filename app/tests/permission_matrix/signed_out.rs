//! Every page the router has, opened signed out: a page that needs a
//! signed-in user answers `303 See Other` to the sign-in page with the way
//! back, and no body (nothing to hydrate), whether or not the browser runs
//! JavaScript; the public pages answer themselves.

use crate::common::site::site;
use axum::body::Body;
use http::{header, Request, StatusCode};

/// The pages anyone may open (as the router writes them).
const PUBLIC: [&str; 5] = [
    "/sign-in",
    "/sign-up",
    "/l/{token}",
    "/invitations/{token}",
    "/verify-email",
];

#[tokio::test]
async fn every_signed_in_page_redirects_a_signed_out_visitor_with_303() {
    let s = site(false).await;
    let pages: Vec<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert!(pages.len() > PUBLIC.len(), "{pages:?}");
    for public in PUBLIC {
        assert!(pages.iter().any(|p| p == public), "{public} is not a route");
    }
    for page in &pages {
        // Any id will do: nothing is looked up before the sign-in check.
        let path: String = page
            .split('/')
            .map(|seg| if seg.starts_with('{') { "x1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        // A browser's navigation, and a client without JavaScript or HTML.
        for accept in ["text/html,application/xhtml+xml", "*/*"] {
            let r = s
                .send(
                    Request::get(&path)
                        .header(header::ACCEPT, accept)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            if PUBLIC.contains(&page.as_str()) {
                assert_ne!(r.status, StatusCode::SEE_OTHER, "{path} is public");
                assert!(!r.headers.contains_key(header::LOCATION), "{path}");
                continue;
            }
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path} ({accept})");
            let to = r.headers[header::LOCATION].to_str().unwrap();
            let back = app::accounts::sign_in_url(&path);
            assert_eq!(to, back, "{path}");
            assert!(r.body.is_empty(), "{path}: {}", r.body);
        }
    }
}
