//! Elements built directly, through a handful of shared functions.
//!
//! Each `view!` compiles into its own code for building its tree of typed
//! elements, attributes and children. [`El`] builds the same DOM through one
//! small set of non-generic calls (create, set an attribute, append, listen),
//! so a screen costs a few bytes per element instead of its own copy of the
//! building code. Reactive attributes, texts and children are render effects
//! kept with the element and dropped with it.

use std::any::Any;

use leptos::prelude::{document, RenderEffect};
use leptos::tachys::view::{Mountable, Render};
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::fresh::Fresh;

/// A reactive attribute's value: present with this text, or absent.
pub(crate) type Attr = Box<dyn FnMut() -> Option<String> + Send>;

/// An element built in place, with what must live as long as it does
/// (reactive effects, event listeners, mounted child views).
pub(crate) struct El {
    node: web_sys::Element,
    keep: Vec<Box<dyn Any>>,
}

impl El {
    /// A new, empty element of this tag.
    #[inline(never)]
    pub(crate) fn new(tag: &str) -> El {
        El {
            // Creating an element only fails for an invalid tag name, and
            // every tag here is a literal.
            node: document()
                .create_element(tag)
                .unwrap_or_else(|_| cannot_create()),
            keep: Vec::new(),
        }
    }

    /// A new element of this tag with this class.
    pub(crate) fn with_class(tag: &str, class: &str) -> El {
        El::new(tag).attr("class", class)
    }

    /// Sets an attribute.
    #[inline(never)]
    pub(crate) fn attr(self, name: &str, value: &str) -> El {
        let _ = self.node.set_attribute(name, value);
        self
    }

    /// Sets an attribute when there is a value.
    pub(crate) fn attr_opt(self, name: &str, value: Option<&str>) -> El {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// Appends a text.
    #[inline(never)]
    pub(crate) fn text(self, text: &str) -> El {
        let _ = self.node.append_child(&document().create_text_node(text));
        self
    }

    /// Appends a child element.
    #[inline(never)]
    pub(crate) fn child(mut self, child: El) -> El {
        let _ = self.node.append_child(&child.node);
        self.keep.extend(child.keep);
        self
    }

    /// Appends a child element when there is one.
    pub(crate) fn child_opt(self, child: Option<El>) -> El {
        match child {
            Some(child) => self.child(child),
            None => self,
        }
    }

    /// Appends a view.
    #[inline(never)]
    // Only the link flow (`client-app`) appends built views so far.
    #[cfg_attr(not(feature = "client-app"), allow(dead_code))]
    pub(crate) fn view(mut self, view: Fresh) -> El {
        let mut state = view.build();
        state.mount(&self.node, None);
        self.keep.push(Box::new(state));
        self
    }

    /// Appends a view that is rebuilt whenever what it reads changes.
    #[inline(never)]
    pub(crate) fn reactive(mut self, view: Box<dyn FnMut() -> Fresh + Send>) -> El {
        let mut state = view.build();
        state.mount(&self.node, None);
        self.keep.push(Box::new(state));
        self
    }

    /// Appends a text that follows what it reads.
    #[inline(never)]
    pub(crate) fn reactive_text(mut self, mut text: Box<dyn FnMut() -> String + Send>) -> El {
        let node = document().create_text_node("");
        let _ = self.node.append_child(&node);
        let node = SendWrapper::new(node);
        let effect = RenderEffect::new(move |_| node.set_data(&text()));
        self.keep.push(Box::new(effect));
        self
    }

    /// An attribute that follows what it reads: set while the value is
    /// present, removed while it is absent.
    #[inline(never)]
    pub(crate) fn reactive_attr(mut self, name: &'static str, mut value: Attr) -> El {
        let node = SendWrapper::new(self.node.clone());
        let effect = RenderEffect::new(move |_| {
            let _ = match value() {
                Some(value) => node.set_attribute(name, &value),
                None => node.remove_attribute(name),
            };
        });
        self.keep.push(Box::new(effect));
        self
    }

    /// Listens to an event on this element for as long as it lives.
    #[inline(never)]
    pub(crate) fn on(mut self, event: &str, listener: Box<dyn FnMut(web_sys::Event)>) -> El {
        let listener = Closure::wrap(listener);
        let _ = self
            .node
            .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        self.keep.push(Box::new(listener));
        self
    }

    /// The element itself (to focus it, read it, or keep it for later).
    pub(crate) fn node(&self) -> web_sys::Element {
        self.node.clone()
    }

    /// This element as a view.
    pub(crate) fn fresh(self) -> Fresh {
        Fresh::mounted(Box::new(self))
    }
}

/// Never reached with the literal tag names used here.
#[cold]
fn cannot_create() -> web_sys::Element {
    wasm_bindgen::throw_str("the document cannot create elements")
}

impl Mountable for El {
    fn unmount(&mut self) {
        self.node.remove();
    }

    fn mount(&mut self, parent: &web_sys::Element, marker: Option<&web_sys::Node>) {
        let _ = parent.insert_before(&self.node, marker);
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        match self
            .node
            .parent_node()
            .and_then(|p| p.dyn_into::<web_sys::Element>().ok())
        {
            Some(parent) => {
                child.mount(&parent, Some(&self.node));
                true
            }
            None => false,
        }
    }

    fn elements(&self) -> Vec<web_sys::Element> {
        vec![self.node.clone()]
    }
}
