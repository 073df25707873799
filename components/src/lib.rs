//! The browser side of client interviews, compiled to `wasm32-unknown-unknown`.
//!
//! - [`InterviewForm`] (module [`form`]): a checked template rendered one page
//!   at a time with native, labelled controls, validated by the runtime.
//! - [`Interview`]: the placeholder shown until the link flow (token, sign-in,
//!   loading the interview from the host) is wired in.
//! - [`mount`] / [`Mounted`]: the embed API partners call from JavaScript. The
//!   component renders inside a shadow root of the partner's element, so
//!   neither page's CSS reaches the other; theming goes through CSS custom
//!   properties (`--interview-*`), which do cross the shadow boundary.
//! - [`mount_page`]: what the interview page (`index.html`, entry
//!   `src/bin/interview-page.rs`) runs: the same embed, into the page's `<main>`;
//!   without a link token it shows the example intake template.
//!
//! Event handling inside the shadow root relies on Leptos attaching each
//! `on:` handler to its own element (the `delegation` feature stays off); see
//! docs/architecture.md for why, and `tests/shadow_root.rs` for the check.

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

#[cfg(feature = "client-app")]
pub mod api;
#[cfg(feature = "client-app")]
pub mod app;
#[cfg(feature = "dashboard")]
pub mod dashboard;
pub mod form;
mod dom;
mod fresh;
pub mod words;

use std::any::Any;

use interview_runtime::{AnswerSet, Locale, Template};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The styles of the component. They live inside the shadow root, so they are
/// part of the wasm module rather than a page stylesheet.
const STYLES: &str = include_str!("interview.css");

/// The example template the interview page shows when opened without a link
/// token, so that a developer sees a real form (feature `example-form`).
#[cfg(feature = "example-form")]
const EXAMPLE_TEMPLATE: &str = include_str!("../../examples/templates/intake.json");

pub use form::InterviewForm;

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

/// The interview page opened without a link token, in `locale`.
#[component]
pub fn NoLink(locale: Locale) -> impl IntoView {
    let word = move |w| words::word(locale, w);
    view! {
        <section class="interview">
            <h1 class="interview-title">{word(words::W::NoLinkHeading)}</h1>
            <p>{word(words::W::NoLinkWhat)}</p>
            <p>{word(words::W::NoLinkDone)}</p>
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
/// open shadow root if the element has none). `options`: `{token, host?,
/// theme?, locale?}`: the link token (from the partner's back end), the
/// host's base URL (default: this page's origin), theme values, each set on
/// the element as the custom property `--interview-<name>` (`{accent:
/// "#0a6"}`), and the language of the interview's own words (a BCP 47 tag,
/// `"fr"`, `"de-AT"`; default: the one staff chose for the interview; a
/// language the component does not speak is warned about on the console
/// and ignored). Without a token it shows [`NoLink`] (the placeholder in
/// builds without the client flow).
#[wasm_bindgen]
pub fn mount(element: &web_sys::Element, options: JsValue) -> Result<Mounted, JsValue> {
    if !(options.is_undefined() || options.is_null() || options.is_object()) {
        return Err(JsValue::from_str("mount: options must be an object"));
    }
    apply_theme(element, &options);
    let text = |key: &str| {
        js_sys::Reflect::get(&options, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let (token, host) = if options.is_object() {
        (text("token"), text("host"))
    } else {
        Default::default()
    };
    let tag = if options.is_object() { text("locale") } else { String::new() };
    let locale = Locale::from_tag(&tag);
    if locale.is_none() && !tag.trim().is_empty() {
        let warning = format!("mount: {}", interview_runtime::locale::unsupported(&tag));
        web_sys::console::warn_1(&JsValue::from_str(&warning));
    }
    // With the client flow, an element without a token says what it is
    // for; the placeholder is only in builds without the flow.
    #[cfg(feature = "client-app")]
    if token.is_empty() {
        mount_no_link(element, locale)
    } else {
        mount_app(
            element,
            app::AppOptions {
                host,
                token,
                events: element.clone().into(),
                remember: false,
                locale,
            },
        )
    }
    #[cfg(not(feature = "client-app"))]
    {
        let _ = (token, host, locale);
        mount_in(element)
    }
}

/// Sets `options.theme`'s string values as `--interview-<name>` custom properties on `element`.
fn apply_theme(element: &web_sys::Element, options: &JsValue) {
    let Some(style) = element
        .dyn_ref::<web_sys::HtmlElement>()
        .map(web_sys::HtmlElement::style)
    else {
        return;
    };
    let theme =
        js_sys::Reflect::get(options, &JsValue::from_str("theme")).unwrap_or(JsValue::UNDEFINED);
    if !theme.is_object() {
        return;
    }
    for entry in js_sys::Object::entries(theme.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            // Only plain names: a theme cannot reach other properties.
            if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                let _ = style.set_property(&format!("--interview-{name}"), &value);
            }
        }
    }
}

/// Mounts the whole client flow ([`app::ClientApp`]) for a link into `element`'s shadow root.
#[cfg(feature = "client-app")]
pub fn mount_app(element: &web_sys::Element, options: app::AppOptions) -> Result<Mounted, JsValue> {
    let locale = first_locale(options.locale);
    mount_view(element, locale, move |slot| {
        Box::new(leptos::mount::mount_to(
            slot,
            move || view! { <app::ClientApp options=options /> },
        ))
    })
}

/// The language to show before the host has said the interview's: the
/// partner's choice, else the browser's, else English.
#[cfg(any(feature = "client-app", feature = "example-form"))]
fn first_locale(chosen: Option<Locale>) -> Locale {
    chosen.or_else(words::browser_locale).unwrap_or_default()
}

/// Mounts [`NoLink`] into `element`'s shadow root, in the partner's or the browser's language.
#[cfg(feature = "client-app")]
fn mount_no_link(element: &web_sys::Element, chosen: Option<Locale>) -> Result<Mounted, JsValue> {
    let locale = first_locale(chosen);
    mount_view(element, locale, move |slot| {
        Box::new(leptos::mount::mount_to(slot, move || view! { <NoLink locale=locale /> }))
    })
}

/// Rust-side form of [`mount`]: mounts the placeholder into `element`'s shadow root.
pub fn mount_in(element: &web_sys::Element) -> Result<Mounted, JsValue> {
    mount_view(element, Locale::En, |slot| {
        Box::new(leptos::mount::mount_to(slot, Interview))
    })
}

/// Mounts [`InterviewForm`] for a template (JSON text) and answers into
/// `element`'s shadow root, with `today` for the date rules and its own
/// words and messages in `locale`; a template the runtime rejects is an
/// error naming its problems.
pub fn mount_form(
    element: &web_sys::Element,
    template: &str,
    answers: AnswerSet,
    today: interview_runtime::date::Date,
    locale: Locale,
) -> Result<Mounted, JsValue> {
    let template = Template::from_json(template).map_err(|error| {
        JsValue::from_str(&format!("mount: the template is not valid: {error}"))
    })?;
    mount_template(element, template, answers, today, locale)
}

/// Mounts [`InterviewForm`] for a template already read and checked (from
/// its packed form, say, which spares the caller the template reader) into
/// `element`'s shadow root, as [`mount_form`] does.
pub fn mount_template(
    element: &web_sys::Element,
    template: Template,
    answers: AnswerSet,
    today: interview_runtime::date::Date,
    locale: Locale,
) -> Result<Mounted, JsValue> {
    // The runtime's interview borrows its template for as long as the form
    // lives, and a mounted view must be 'static: the template is kept for the
    // life of the page (one per mount; an owned interview in the runtime
    // would let unmount free it).
    let template: &'static Template = Box::leak(Box::new(template));
    mount_view(element, locale, move |slot| {
        Box::new(leptos::mount::mount_to(slot, move || {
            view! { <InterviewForm template=template answers=answers today=today locale=locale /> }
        }))
    })
}

/// Puts the styles and a slot into `element`'s shadow root and mounts a view
/// there, marked as written in `locale` (the dashboard mounts the form this
/// way too, so staff see it styled exactly as the client does).
pub fn mount_view(
    element: &web_sys::Element,
    locale: Locale,
    mount: impl FnOnce(web_sys::HtmlElement) -> Box<dyn Any>,
) -> Result<Mounted, JsValue> {
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
    // A partner page in another language must not make screen readers read
    // the interview with its voice. The client flow marks its own section
    // again once the interview's language is known.
    container.set_attribute("lang", locale.tag())?;
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLES));
    container.append_child(&style)?;
    let slot: web_sys::HtmlElement = document.create_element("div")?.unchecked_into();
    container.append_child(&slot)?;
    root.append_child(&container)?;

    Ok(Mounted {
        view: Some(mount(slot)),
        container,
    })
}

/// Mounts the interview into the page's `<main data-interview-page>` (the
/// interview page's entry); `None` on any other page (a partner page that
/// loaded the bundle to use [`mount`] or `<client-interview>`).
/// With the feature `client-app` and a link token in the URL's fragment (or
/// kept by this tab from an earlier load, see docs/drafts.md), the client
/// flow for that link. Otherwise, with the feature `example-form`, the
/// example intake template, else the placeholder.
pub fn mount_page() -> Result<Option<Mounted>, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let document = window
        .document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    // Only the interview page marks its <main>: a partner page that loads the
    // bundle (through /i/embed.js) is left alone.
    let Some(main) = document.query_selector("main[data-interview-page]")? else {
        return Ok(None);
    };
    // The link's token rides in the fragment (never sent to a server, never
    // logged); it leaves the address bar at once, so it is not left in the
    // history or shown over the client's shoulder. The tab keeps it (session
    // storage, gone when the tab closes) so that a reload still works.
    #[cfg(feature = "client-app")]
    {
        let fragment = window
            .location()
            .hash()
            .unwrap_or_default()
            .trim_start_matches('#')
            .to_owned();
        let token = if fragment.is_empty() {
            app::remembered_link().unwrap_or_default()
        } else {
            let location = window.location();
            let clean = format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
            }
            app::remember_link(&fragment);
            fragment
        };
        // Opening a link in this tab again, or another one, changes only the
        // fragment of `/i/`: the browser does not load the page for that, so
        // the page loads itself to open the new link.
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(window) = web_sys::window() {
                if window.location().hash().is_ok_and(|hash| hash.len() > 1) {
                    let _ = window.location().reload();
                }
            }
        });
        window.add_event_listener_with_callback("hashchange", reload.as_ref().unchecked_ref())?;
        // The listener lives as long as the page.
        reload.forget();
        if !token.is_empty() {
            let options = app::AppOptions {
                host: String::new(),
                token,
                events: main.clone().into(),
                remember: true,
                locale: None,
            };
            return mount_app(&main, options).map(Some);
        }
    }
    #[cfg(feature = "example-form")]
    {
        let has_token = window
            .location()
            .hash()
            .map(|hash| hash.len() > 1)
            .unwrap_or(false);
        if !has_token {
            let today =
                form::today_utc().ok_or_else(|| JsValue::from_str("the clock is out of range"))?;
            let locale = first_locale(None);
            return mount_form(&main, EXAMPLE_TEMPLATE, AnswerSet::new(), today, locale).map(Some);
        }
    }
    // No link (opened bare, or reloaded after the answers were sent): say
    // what the page is for rather than show an empty interview.
    #[cfg(feature = "client-app")]
    return mount_no_link(&main, None).map(Some);
    #[cfg(not(feature = "client-app"))]
    mount_in(&main).map(Some)
}
