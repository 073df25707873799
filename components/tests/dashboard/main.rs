//! In-browser tests of the staff dashboard's components, in one binary:
//! the work items table and paging, the answers view, the clients screens
//! and the "Client interview" wizard, the settings screens, the templates
//! screens.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p
//! interview-components --features dashboard --test dashboard`.

#![cfg(all(target_arch = "wasm32", feature = "dashboard"))]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod clients;
mod session;
mod settings;
mod support;
mod templates;
mod work_items;
