//! Entry point of the interview page's bundle: defines `<client-interview>`
//! and, on the interview page (`components/index.html`), mounts the interview
//! into its `<main data-interview-page>`. Everything else lives in the
//! library; the custom element lives here, so only this bundle carries its
//! script (the dashboard's bundle, built from the same library, does not).

use wasm_bindgen::prelude::*;

fn main() {
    define_element();
    match interview_components::mount_page() {
        // The page lives as long as the interview: keep it mounted for good.
        Ok(Some(mounted)) => std::mem::forget(mounted),
        // A partner page: it mounts the interview itself.
        Ok(None) => {}
        Err(error) => web_sys::console::error_1(&error),
    }
}

#[wasm_bindgen(inline_js = "export function define_element(mount) {
  if (customElements.get('client-interview')) return;
  customElements.define('client-interview', class extends HTMLElement {
    static get observedAttributes() { return ['token', 'host', 'locale']; }
    connectedCallback() { this.start(); }
    attributeChangedCallback() { if (this.isConnected) this.start(); }
    disconnectedCallback() { this.stop(); }
    stop() { if (this.handle) { this.handle.unmount(); this.handle.free(); this.handle = null; } }
    start() {
      this.stop();
      const get = (name) => this.getAttribute(name) || '';
      this.handle = mount(this, { token: get('token'), host: get('host'), locale: get('locale') }) || null;
    }
  });
}")]
extern "C" {
    #[wasm_bindgen(js_name = define_element)]
    fn define_element_js(mount: &Closure<dyn Fn(web_sys::Element, JsValue) -> JsValue>);
}

/// Defines the custom element `<client-interview token="…" host="…" locale="…">`, which
/// mounts the interview (as `mount`) when added to a page and unmounts it
/// when removed. Defining it twice does nothing.
fn define_element() {
    let mount_fn = Closure::<dyn Fn(web_sys::Element, JsValue) -> JsValue>::new(
        |element: web_sys::Element, options: JsValue| match interview_components::mount(&element, options) {
            Ok(mounted) => JsValue::from(mounted),
            Err(error) => {
                web_sys::console::error_1(&error);
                JsValue::NULL
            }
        },
    );
    define_element_js(&mount_fn);
    // The element's class calls it for as long as the page lives.
    mount_fn.forget();
}

