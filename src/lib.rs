//! Browser entry: hydrates the server-rendered page and nothing else.
// The page's view types are deep; optimised builds need the larger limit.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panic messages in debug builds; a release build aborts on a
    // panic anyway, and the hook's formatting would weigh on every page.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Lazy routes (see `shell.rs`) load their code before hydrating.
    leptos::mount::hydrate_lazy(app::App);
}
