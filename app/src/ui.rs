//! Small building blocks shared by every page.

use crate::accounts::Me;
use crate::error::AppError;
use crate::i18n::{t, use_lang, K};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// The error of the last attempt, in the page's current language.
pub fn error_note(err: impl Fn() -> Option<AppError> + Send + Sync + 'static) -> impl IntoView {
    let lang = use_lang();
    move || {
        err().map(|e| {
            let code = serde_json::to_value(e.code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            view! {
                <p class="error" role="alert" data-code=code>
                    {move || e.code.key().text(lang.get())}
                </p>
            }
        })
    }
}

/// A submit button that shows the pending state and cannot be pressed twice.
pub fn submit_button(
    label: K,
    busy: K,
    pending: impl Fn() -> bool + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <button type="submit" disabled=pending aria-busy=move || pending().to_string()>
            {move || if pending() { busy.text(lang.get()) } else { label.text(lang.get()) }}
        </button>
    }
}

/// Renders `children` for a signed-in user; everyone else goes to sign-in and
/// comes back here afterwards.
///
/// A page creates its resources *before* this guard and hands them to
/// `children`: the server render walks a suspended view more than once to
/// find what it waits for, and each walk re-runs `children` (a resource
/// created there was created, fetched and serialized into the page more
/// than once: the Workbench sent its app list three times).
///
/// After a sign-out the guard stays still: the sign-out action navigates to
/// the sign-in page itself, and a second navigation from here (built from
/// whatever the address was by then) used to race it, landing on
/// `/sign-in?next=/sign-in`.
#[component]
pub fn SignedIn<F, IV>(children: F) -> impl IntoView
where
    F: Fn(Me) -> IV + Send + Sync + Clone + 'static,
    IV: IntoView + 'static,
{
    let session = use_session();
    let location = use_location();
    // The page this guard protects: the address while it is still on that
    // page (its query may have changed), else the address it was mounted at.
    let path_and_query = move || {
        format!(
            "{}{}",
            location.pathname.get_untracked(),
            location
                .search
                .get_untracked()
                .strip_prefix('?')
                .map(|s| format!("?{s}"))
                .unwrap_or_default()
        )
    };
    let mounted_path = location.pathname.get_untracked();
    let mounted_at = path_and_query();
    let here = move || {
        if location.pathname.get_untracked() == mounted_path {
            path_and_query()
        } else {
            mounted_at.clone()
        }
    };
    let sign_outs_at_mount = session.sign_out.version().get_untracked();
    let on_account_page = location.pathname.get_untracked() == "/account";
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
            {move || {
                let children = children.clone();
                let here = here.clone();
                Suspend::new(async move {
                    match session.me.await {
                        // A one-time password must be replaced before anything else.
                        Ok(Some(me)) if me.must_change_password && !on_account_page => {
                            view! { <Redirect path="/account" /> }.into_any()
                        }
                        Ok(Some(me)) => {
                            // Times on the page read the zone from here, not
                            // from the session resource (which would tie every
                            // page's loading state to the session's).
                            provide_context(crate::time::CurrentZone(me.zone.clone()));
                            children(me).into_any()
                        }
                        Ok(None) if session.sign_out.version().get_untracked() != sign_outs_at_mount => {
                            ().into_any()
                        }
                        Ok(None) => {
                            let to = crate::accounts::sign_in_url(&here());
                            view! { <Redirect path=to /> }.into_any()
                        }
                        Err(e) => error_note(move || Some(e.clone())).into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// After a successful edit: clear what was typed into the page's forms, so
/// the next entry starts empty. Open panels stay open for the next entry.
pub fn reset_forms() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Ok(forms) = doc.query_selector_all("main form") {
            for i in 0..forms.length() {
                if let Some(f) = forms
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlFormElement>().ok())
                {
                    f.reset();
                }
            }
        }
    }
}

/// The current time in unix milliseconds, on the server or in the browser.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// The text inside a `<textarea>`. Leptos writes a textarea's children
/// unescaped on the server (HTML reads them as raw text up to
/// `</textarea>`), so the server escapes the text itself; the browser decodes
/// the character references back, and renders the text as it is.
pub fn textarea_text(s: &str) -> String {
    if cfg!(feature = "ssr") {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        s.to_string()
    }
}

/// Percent-encodes a query value (enough for paths and their queries).
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn urlencode_keeps_paths_readable_and_escapes_the_rest() {
        assert_eq!(super::urlencode("/l/abc?x=1&y=2"), "/l/abc%3Fx%3D1%26y%3D2");
        assert_eq!(super::urlencode("/成员"), "/%E6%88%90%E5%91%98");
    }

    #[test]
    fn textarea_text_cannot_close_its_textarea() {
        assert_eq!(
            super::textarea_text("a & b </textarea><script>"),
            "a &amp; b &lt;/textarea&gt;&lt;script&gt;"
        );
    }
}
