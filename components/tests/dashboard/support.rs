//! What the dashboard's in-browser tests share: a view mounted into a fresh
//! element of the test page (removed when dropped) and ways to find things
//! in it as a person does.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// A view mounted into a fresh element of the test page, removed when dropped.
pub struct Mounted {
    /// The element the view is mounted in.
    pub host: HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// Mounts `view` into a new element at the end of the test page.
pub fn mount(view: impl FnOnce() -> AnyView + 'static) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), view);
    Mounted { host, _handle: Box::new(handle) }
}

/// Dispatches a bubbling `kind` event on `element`, as the browser does after a person's input.
pub fn fire(element: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

#[allow(dead_code)]
impl Mounted {
    pub fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.host.query_selector_all(selector).unwrap();
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<Element>().ok()).collect()
    }
    pub fn text(&self, selector: &str) -> Vec<String> {
        self.all(selector).iter().map(|e| e.text_content().unwrap_or_default().trim().to_owned()).collect()
    }
    pub fn whole_text(&self) -> String {
        self.host.text_content().unwrap_or_default()
    }
    /// The control a label with exactly this text names.
    pub fn field(&self, label: &str) -> Element {
        let found = self
            .all("label")
            .into_iter()
            .find(|l| l.text_content().unwrap_or_default().trim() == label)
            .unwrap_or_else(|| panic!("no label {label:?} in {}", self.whole_text()));
        let id = found.get_attribute("for").unwrap();
        self.host.query_selector(&format!("#{id}")).unwrap().unwrap()
    }
    pub fn type_into(&self, label: &str, text: &str) {
        let control = self.field(label);
        if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
            input.set_value(text);
        } else if let Some(area) = control.dyn_ref::<HtmlTextAreaElement>() {
            area.set_value(text);
        }
        fire(&control, "input");
    }
    pub fn choose(&self, label: &str, value: &str) {
        let control = self.field(label);
        control.dyn_ref::<HtmlSelectElement>().unwrap().set_value(value);
        fire(&control, "change");
    }
    /// Clicks the button with this text, or the radio with this label.
    pub fn click(&self, text: &str) {
        let found = self
            .all("button")
            .into_iter()
            .find(|b| b.text_content().unwrap_or_default().trim() == text)
            .or_else(|| self.all("input[type=radio]").into_iter().find(|r| self.label_of(r).as_deref() == Some(text)))
            .unwrap_or_else(|| panic!("no button {text:?} in {}", self.whole_text()));
        found.unchecked_into::<HtmlElement>().click();
    }
    pub fn label_of(&self, control: &Element) -> Option<String> {
        let label = self.host.query_selector(&format!("label[for='{}']", control.id())).ok()??;
        Some(label.text_content().unwrap_or_default().trim().to_owned())
    }
}
