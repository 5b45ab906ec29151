//! The page's hydration script, loaded when the browser is idle after the
//! first paint: what a visitor reads is final in the server's HTML, and the
//! WASM (hundreds of KB) never competes with it. Forms work before that
//! (they post without JavaScript), so nothing waits for it but behaviour.

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use std::sync::{Arc, Mutex};

/// The built files' names without extension (script, WASM, stylesheet),
/// and which split-off WASM files each lazy page needs.
struct Names {
    js: String,
    wasm: String,
    css: String,
    split: Option<leptos::WasmSplitManifest>,
}

/// The built entry files' names, `fenfa.<hash>.js`… when the build named
/// them by content. Read once per configuration (they cannot change under a
/// running server; leptos' own components read the hash file on every render).
fn entry_names(options: &LeptosOptions) -> Arc<Names> {
    type Key = (bool, Arc<str>, Arc<str>);
    static NAMES: Mutex<Vec<(Key, Arc<Names>)>> = Mutex::new(Vec::new());
    let key = (
        options.hash_files,
        options.output_name.clone(),
        options.hash_file.clone(),
    );
    let mut known = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, names)) = known.iter().find(|(k, _)| *k == key) {
        return names.clone();
    }
    let names = Arc::new(read_names(options));
    known.push((key, names.clone()));
    names
}

/// Where the build writes the built files' names: beside the server binary
/// (as leptos and cargo-leptos have it; an absolute name replaces that).
pub fn hash_file_path(options: &LeptosOptions) -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(options.hash_file.as_ref()))
}

fn read_names(options: &LeptosOptions) -> Names {
    let name = options.output_name.to_string();
    let hashes = if options.hash_files {
        hash_file_path(options)
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let hash = |kind: &str| {
        hashes
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == kind)
            .map(|(_, h)| h.trim().to_string())
    };
    let named = |kind: &str| match hash(kind) {
        Some(h) => format!("{name}.{h}"),
        None => name.clone(),
    };
    let wasm = match (hash("wasm"), option_env!("LEPTOS_OUTPUT_NAME")) {
        (Some(h), _) => format!("{name}.{h}"),
        (None, Some(_)) => name.clone(),
        // wasm-bindgen's own name (a build cargo-leptos did not rename).
        (None, None) => format!("{name}_bg"),
    };
    // The split loader and its manifest (`cargo leptos build --split`), as
    // leptos' `HydrationScripts` reads them, so that a lazy page's render
    // preloads that page's code.
    let manifest = match hash("manifest") {
        Some(h) => format!("__wasm_split_manifest.{h}.json"),
        None => "__wasm_split_manifest.json".into(),
    };
    let loader = match hash("split") {
        Some(h) => format!("__wasm_split.{h}.js"),
        None => "__wasm_split.______________________.js".into(),
    };
    let pkg = options.site_pkg_dir.to_string();
    let split = std::fs::read_to_string(
        std::path::Path::new(options.site_root.as_ref())
            .join(&pkg)
            .join(manifest),
    )
    .ok()
    .and_then(|text| serde_json::from_str(&text).ok())
    .map(|chunks| {
        leptos::WasmSplitManifest(ArcStoredValue::new((format!("/{pkg}"), chunks, loader)))
    });
    Names {
        js: named("js"),
        wasm,
        css: named("css"),
        split,
    }
}

/// The site's stylesheet, by its built name.
#[component]
pub fn StyleLink(options: LeptosOptions) -> impl IntoView {
    let href = format!(
        "/{}/{}.css",
        options.site_pkg_dir,
        entry_names(&options).css
    );
    view! { <link id="leptos" rel="stylesheet" href=href /> }
}

/// In the `<head>`: one module script, no preloads (a preload would fetch the
/// WASM before the first paint).
#[component]
pub fn IdleHydration(options: LeptosOptions) -> impl IntoView {
    let names = entry_names(&options);
    if let Some(split) = &names.split {
        provide_context(split.clone());
    }
    let (js, wasm) = (&names.js, &names.wasm);
    let pkg = &options.site_pkg_dir;
    let script = format!(
        "const h=()=>import('/{pkg}/{js}.js').then(m=>m.default({{module_or_path:'/{pkg}/{wasm}.wasm'}}).then(()=>m.hydrate()));\
         if('requestIdleCallback' in window)requestIdleCallback(h,{{timeout:2000}});else setTimeout(h,0);"
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}
