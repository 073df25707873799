//! In-browser tests of the embed API: the interview mounts inside a shadow
//! root and its event handlers fire there (Leptos must not rely on
//! document-level delegation, which sees shadow-root events retargeted).
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p interview-components`
//! (headless Chromium through ChromeDriver; `cargo xtask test` does it).

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh host element appended to the body, removed by the caller.
fn host_element() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

fn query(root: &web_sys::ShadowRoot, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} inside the shadow root"))
}

/// Lets the reactive system run the effects a signal change scheduled.
async fn tick() {
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn renders_inside_a_shadow_root_of_the_host_element() {
    let host = host_element();
    let mut mounted = interview_components::mount(&host, wasm_bindgen::JsValue::UNDEFINED).unwrap();

    let root = host
        .shadow_root()
        .expect("mount attaches an open shadow root");
    assert_eq!(query(&root, "h1").text_content().unwrap(), "Interview");
    assert_eq!(
        query(&root, "[role=status]").text_content().unwrap(),
        "Ready to start."
    );
    // Nothing leaks into the light DOM: the page's selectors cannot see it.
    assert!(host.query_selector("h1").unwrap().is_none());
    // Its words are English whatever the partner page's language, so screen
    // readers read them with the right voice.
    assert_eq!(
        query(&root, ".interview-root").get_attribute("lang").as_deref(),
        Some("en")
    );

    mounted.unmount();
    assert!(!mounted.mounted());
    assert!(
        root.query_selector("h1").unwrap().is_none(),
        "unmount removes the view"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn a_click_inside_the_shadow_root_reaches_its_handler() {
    let host = host_element();
    let mut mounted = interview_components::mount(&host, wasm_bindgen::JsValue::UNDEFINED).unwrap();
    let root = host.shadow_root().unwrap();

    let button: web_sys::HtmlElement = query(&root, "button").unchecked_into();
    // A real, bubbling and composed click event, as a user's click would be.
    button.click();
    tick().await;

    assert_eq!(
        query(&root, "[role=status]").text_content().unwrap(),
        "Interview started.",
        "the click handler did not run inside the shadow root"
    );
    assert!(query(&root, "button")
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .disabled());

    mounted.unmount();
    host.remove();
}

#[wasm_bindgen_test]
async fn two_interviews_on_one_page_are_independent() {
    let first_host = host_element();
    let second_host = host_element();
    let mut first =
        interview_components::mount(&first_host, wasm_bindgen::JsValue::UNDEFINED).unwrap();
    let mut second =
        interview_components::mount(&second_host, wasm_bindgen::JsValue::UNDEFINED).unwrap();

    let first_root = first_host.shadow_root().unwrap();
    let second_root = second_host.shadow_root().unwrap();
    query(&first_root, "button")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    tick().await;

    assert_eq!(
        query(&first_root, "[role=status]").text_content().unwrap(),
        "Interview started."
    );
    assert_eq!(
        query(&second_root, "[role=status]").text_content().unwrap(),
        "Ready to start."
    );

    first.unmount();
    second.unmount();
    first_host.remove();
    second_host.remove();
}

#[wasm_bindgen_test]
fn mount_rejects_options_that_are_not_an_object() {
    let host = host_element();
    assert!(interview_components::mount(&host, wasm_bindgen::JsValue::from_str("x")).is_err());
    host.remove();
}

/// A form whose events, unlike `click`, are not composed: `change` and
/// `submit` never leave the shadow root. A library that handled them with
/// one listener on the window (Leptos's `delegation` feature) would never
/// see them; the interview's forms depend on them.
#[leptos::component]
fn ChangeAndSubmit() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let (changed, set_changed) = signal(String::new());
    let (submitted, set_submitted) = signal(false);
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            set_submitted.set(true);
        }>
            <input name="answer" on:change=move |ev| set_changed.set(event_target_value(&ev)) />
            <p class="changed">{move || changed.get()}</p>
            <p class="submitted">{move || if submitted.get() { "submitted" } else { "" }}</p>
        </form>
    }
}

#[wasm_bindgen_test]
async fn events_that_do_not_leave_the_shadow_root_reach_their_handlers() {
    let host = host_element();
    let root = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let slot: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    root.append_child(&slot).unwrap();
    let handle = leptos::mount::mount_to(slot, ChangeAndSubmit);

    let input: web_sys::HtmlInputElement = query(&root, "input").unchecked_into();
    input.set_value("yes");
    // As the browser fires it: bubbling, not composed.
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    assert!(!change.composed());
    input.dispatch_event(&change).unwrap();
    query(&root, "form")
        .unchecked_into::<web_sys::HtmlFormElement>()
        .request_submit()
        .unwrap();
    tick().await;

    assert_eq!(
        query(&root, ".changed").text_content().unwrap(),
        "yes",
        "on:change did not run"
    );
    assert_eq!(
        query(&root, ".submitted").text_content().unwrap(),
        "submitted",
        "on:submit did not run"
    );
    drop(handle);
    host.remove();
}
