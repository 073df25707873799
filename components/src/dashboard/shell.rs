//! The frame of every signed-in screen: a skip link, the header with the
//! navigation and the signed-in person, and the screen itself. A person not
//! signed in is sent to sign in, and back here afterwards.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::{use_location, use_navigate};

use super::session::{self, sign_in_for_here, Checking, Known, Session};
use super::BASE;

/// One entry of the main navigation.
struct NavEntry {
    label: &'static str,
    href: &'static str,
    admin_only: bool,
}

const NAVIGATION: [NavEntry; 4] = [
    NavEntry { label: "Work items", href: "/dashboard/work-items", admin_only: false },
    NavEntry { label: "Clients", href: "/dashboard/clients", admin_only: false },
    NavEntry { label: "Templates", href: "/dashboard/templates", admin_only: false },
    NavEntry { label: "Settings", href: "/dashboard/settings", admin_only: true },
];

/// The frame around the signed-in screens (the parent route of them all).
#[component]
pub fn Shell() -> impl IntoView {
    let session = Session::get();
    if session.known.get_untracked() == Known::Unknown {
        session::check(session);
    }
    move || match session.known.get() {
        Known::Unknown => view! { <Checking /> }.into_any(),
        Known::SignedOut => view! { <Redirect path=sign_in_for_here() /> }.into_any(),
        Known::SignedIn(_) => view! { <Frame /> }.into_any(),
    }
}

/// The header and the current screen.
#[component]
fn Frame() -> impl IntoView {
    let session = Session::get();
    let location = use_location();
    let navigate = use_navigate();
    let current = move |href: &str| {
        let path = location.pathname.get();
        path == href || path.starts_with(&format!("{href}/"))
    };
    let name = move || session.user().map(|u| if u.name.is_empty() { u.email } else { u.name }).unwrap_or_default();
    let links = NAVIGATION
        .iter()
        .filter(|entry| !entry.admin_only || session.is_admin())
        .map(|entry| {
            let href = entry.href;
            view! {
                <li>
                    <a href=href aria-current=move || current(href).then_some("page")>{entry.label}</a>
                </li>
            }
        })
        .collect_view();
    let sign_out = move |_| session::sign_out(session, navigate.clone());
    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <header class="site-header">
            <a class="product" href=format!("{BASE}/work-items")>"Client interviews"</a>
            <nav aria-label="Main">
                <ul>{links}</ul>
            </nav>
            <div class="who">
                <span>{name}</span>
                <button type="button" class="button secondary" on:click=sign_out>"Sign out"</button>
            </div>
        </header>
        <main class="page" id="main" tabindex="-1">
            <Outlet />
        </main>
    }
}
