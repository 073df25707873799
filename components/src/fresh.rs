//! Views erased to a few shared types, to keep the browser bundle small.
//!
//! Leptos compiles each `view!` and reactive closure into its
//! own copy of the rendering code. Boxing reactive values, and
//! erasing views to [`Fresh`] (built once, replaced rather than patched),
//! makes most of that code shared: the form and the client flow measured
//! tens of kilobytes smaller this way (docs/performance.md).

use leptos::tachys::html::attribute::{any_attribute::AnyAttribute, Attribute};
use leptos::tachys::hydration::Cursor;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Mountable, Position, PositionState, Render, RenderHtml};

/// A reactive value (text, attribute) as the one shared (boxed) type per
/// value type, so that each is compiled once per value type instead of once
/// per closure.
pub(crate) fn dynamic<T: 'static>(
    f: impl FnMut() -> T + Send + 'static,
) -> Box<dyn FnMut() -> T + Send> {
    Box::new(f)
}

/// A boolean attribute's value (present and empty, or absent) as the same type
/// as the other reactive attributes, so that all share one compiled update.
pub(crate) fn flag(on: bool) -> Option<String> {
    on.then(String::new)
}

/// A view erased to one type that is built once and, when its reactive
/// parent produces a new one, replaced instead of updated in place. Unlike
/// [`AnyView`], it compiles no in-place update for each view type it wraps.
pub(crate) struct Fresh(Box<dyn FnOnce() -> FreshState + Send>);

impl Fresh {
    /// A view whose DOM is already built (an [`crate::dom::El`]), put in
    /// place when the view is mounted.
    pub(crate) fn mounted(state: Box<dyn Mountable>) -> Fresh {
        // The browser runs one thread; the wrapper only satisfies `Send`.
        let state = send_wrapper::SendWrapper::new(state);
        Fresh(Box::new(move || FreshState(state.take())))
    }
}

/// The mounted state of a [`Fresh`] view.
pub(crate) struct FreshState(Box<dyn Mountable>);

/// Erasing a view to [`Fresh`].
pub(crate) trait IntoFresh {
    /// This view, erased.
    fn fresh(self) -> Fresh;
}

impl<T: Render + Send + 'static> IntoFresh for T {
    fn fresh(self) -> Fresh {
        Fresh(Box::new(move || FreshState(Box::new(self.build()))))
    }
}

impl Mountable for FreshState {
    fn unmount(&mut self) {
        self.0.unmount();
    }

    fn mount(&mut self, parent: &web_sys::Element, marker: Option<&web_sys::Node>) {
        self.0.mount(parent, marker);
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        self.0.insert_before_this(child)
    }

    fn elements(&self) -> Vec<web_sys::Element> {
        self.0.elements()
    }
}

impl Render for Fresh {
    type State = FreshState;

    fn build(self) -> FreshState {
        (self.0)()
    }

    fn rebuild(self, state: &mut FreshState) {
        let mut new = self.build();
        state.insert_before_this(&mut new);
        state.unmount();
        *state = new;
    }
}

impl AddAnyAttr for Fresh {
    type Output<SomeNewAttr: Attribute> = Fresh;

    fn add_any_attr<NewAttr: Attribute>(self, _attr: NewAttr) -> Fresh {
        self
    }
}

impl RenderHtml for Fresh {
    type AsyncOutput = Fresh;
    type Owned = Fresh;

    const MIN_LENGTH: usize = 0;

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Fresh {
        self
    }

    // These views are rendered in the browser only.
    fn to_html_with_buf(
        self,
        _buf: &mut String,
        _position: &mut Position,
        _escape: bool,
        _mark_branches: bool,
        _extra_attrs: Vec<AnyAttribute>,
    ) {
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        _cursor: &Cursor,
        _position: &PositionState,
    ) -> FreshState {
        self.build()
    }

    fn into_owned(self) -> Fresh {
        self
    }
}
