//! The browser side of client interviews, compiled to `wasm32-unknown-unknown`.
//!
//! - [`Interview`]: the interview component (a placeholder for now: a heading
//!   and a status line; the real interview comes with the engine).
//! - [`mount`] / [`Mounted`]: the embed API partners call from JavaScript. The
//!   component renders inside a shadow root of the partner's element, so
//!   neither page's CSS reaches the other; theming goes through CSS custom
//!   properties (`--interview-*`), which do cross the shadow boundary.
//! - [`mount_page`]: what the interview page (`index.html`, entry
//!   `src/bin/interview-page.rs`) runs: the same embed, into the page's `<main>`.
//!
//! Event handling inside the shadow root relies on Leptos attaching each
//! `on:` handler to its own element (the `delegation` feature stays off); see
//! docs/architecture.md for why, and `tests/shadow_root.rs` for the check.

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The styles of the component. They live inside the shadow root, so they are
/// part of the wasm module rather than a page stylesheet.
const STYLES: &str = include_str!("interview.css");

/// The interview a client fills in (placeholder: heading, status line and a
/// start button until the engine's interview model is wired in).
#[component]
pub fn Interview() -> impl IntoView {
    let (started, set_started) = signal(false);
    let status = move || {
        if started.get() {
            "Interview started."
        } else {
            "Ready to start."
        }
    };
    view! {
        <section class="interview">
            <h1 class="interview-title">"Interview"</h1>
            <p class="interview-status" role="status">{status}</p>
            <button
                type="button"
                class="interview-start"
                disabled=move || started.get()
                on:click=move |_| set_started.set(true)
            >
                "Start"
            </button>
        </section>
    }
}

/// A mounted interview, returned to JavaScript by [`mount`]; call
/// `unmount()` to remove it (dropping it without that leaves it on the page).
#[wasm_bindgen]
pub struct Mounted {
    /// Leptos's unmount handle (its type depends on the view); dropping it
    /// unmounts the view and disposes its reactive owner.
    view: Option<Box<dyn Any>>,
    /// The element inside the shadow root that holds the styles and the view.
    container: web_sys::Element,
}

#[wasm_bindgen]
impl Mounted {
    /// Removes the interview from the page. Calling it twice does nothing.
    pub fn unmount(&mut self) {
        if let Some(view) = self.view.take() {
            drop(view);
            self.container.remove();
        }
    }

    /// Whether the interview is still mounted.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        self.view.is_some()
    }
}

/// Mounts the interview inside the shadow root of `element` (attaching an
/// open shadow root if the element has none). `options` is reserved for the
/// link token and settings the real interview will take; pass `{}` or
/// `undefined`.
#[wasm_bindgen]
pub fn mount(element: &web_sys::Element, options: JsValue) -> Result<Mounted, JsValue> {
    if !(options.is_undefined() || options.is_null() || options.is_object()) {
        return Err(JsValue::from_str("mount: options must be an object"));
    }
    mount_in(element)
}

/// Rust-side form of [`mount`]: mounts the interview into `element`'s shadow root.
pub fn mount_in(element: &web_sys::Element) -> Result<Mounted, JsValue> {
    let root = match element.shadow_root() {
        Some(root) => root,
        None => {
            element.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?
        }
    };
    let document = element
        .owner_document()
        .ok_or_else(|| JsValue::from_str("mount: the element is not in a document"))?;

    // One container per mount, so two interviews can share a host element's
    // shadow root only by explicit choice and each unmount removes its own.
    let container = document.create_element("div")?;
    container.set_class_name("interview-root");
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLES));
    container.append_child(&style)?;
    let slot: web_sys::HtmlElement = document.create_element("div")?.unchecked_into();
    container.append_child(&slot)?;
    root.append_child(&container)?;

    let handle = leptos::mount::mount_to(slot, Interview);
    Ok(Mounted {
        view: Some(Box::new(handle)),
        container,
    })
}

/// Mounts the interview into the page's `<main>` (the interview page's entry).
pub fn mount_page() -> Result<Mounted, JsValue> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let main = document
        .query_selector("main")?
        .ok_or_else(|| JsValue::from_str("the page has no <main> element"))?;
    mount_in(&main)
}
