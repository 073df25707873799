//! The staff dashboard: a Leptos app with its own bundle (`dashboard.html`,
//! served by the host at `/dashboard/`), built only with the `dashboard`
//! feature so the interview page never carries it.
//!
//! Unlike the interview page (hand-tuned for size, `dom::El`), this is plain
//! idiomatic Leptos: `view!`, components with documented props,
//! `leptos_router` for the screens, local resources for the API's answers.
//! Every screen has its own URL, filters and pages live in the query string,
//! and a session that ends sends the person to sign in and then back.
//!
//! - [`api`]: the typed client of the staff API.
//! - [`session`]: who is signed in; the sign-in and sign-out screens.
//! - [`shell`]: the frame of every signed-in screen (header, navigation).
//! - [`work_items`]: the home screen (the list) and "Create new work item".
//! - [`work_item`]: one work item: details, answers, interviews, documents,
//!   history, audit log.
//! - [`answers`]: answers laid out as the client saw them, and changing them
//!   in the client's own form.
//! - [`widgets`]: the pieces screens share (status tag, error summary,
//!   pagination, times).
//! - [`paging`]: the Previous/Next trail of a list paged by key.
//! - [`templates`]: the templates, one template's versions and pins, adding
//!   and publishing versions, and the preview in the real form.
//! - [`settings`]: the admins' settings screens (site, users, API keys, webhook deliveries).
//! - [`clients`]: the clients list, a client's page, editing a client.
//! - [`wizard`]: "Client interview", sending a work item's client their link.

pub mod answers;
pub mod api;
pub mod clients;
pub mod paging;
pub mod session;
pub mod settings;
pub mod shell;
pub mod templates;
pub mod widgets;
pub mod work_item;
pub mod wizard;
pub mod work_items;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

/// Where the dashboard lives on the host.
pub const BASE: &str = "/dashboard";

/// Mounts the dashboard into the page's body (the bundle's `main`).
pub fn start() {
    leptos::mount::mount_to_body(App);
}

/// The whole dashboard: its screens by URL.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <session::SignedOutHook />
            <Routes fallback=|| view! { <widgets::NotFound /> }>
                <Route path=path!("/dashboard/sign-in") view=session::SignInPage />
                <ParentRoute path=path!("/dashboard") view=shell::Shell>
                    <Route path=path!("") view=|| view! { <Redirect path="/dashboard/work-items" /> } />
                    <Route path=path!("work-items") view=work_items::WorkItemsPage />
                    <Route path=path!("work-items/new") view=work_items::NewWorkItemPage />
                    // Clients and the "Client interview" wizard (before any `work-items/:id` route).
                    <Route path=path!("work-items/:id/interview") view=wizard::ClientInterviewPage />
                    <Route path=path!("clients") view=clients::ClientsPage />
                    <Route path=path!("clients/:id") view=clients::ClientPage />
                    <Route path=path!("clients/:id/edit") view=clients::EditClientPage />
                    <Route path=path!("work-items/:id/answers") view=answers::EditAnswersPage />
                    <Route path=path!("work-items/:id") view=work_item::WorkItemPage />
                    // Templates
                    <Route path=path!("templates") view=templates::TemplatesPage />
                    <Route path=path!("templates/new") view=templates::NewTemplatePage />
                    <Route path=path!("templates/:id") view=templates::page::TemplatePage />
                    <Route path=path!("templates/:id/versions/new") view=templates::page::NewVersionPage />
                    <Route path=path!("templates/:id/versions/:n/preview") view=templates::preview::PreviewPage />
                    // ---- settings (admins only)
                    <Route path=path!("settings") view=settings::site::SiteSettingsPage />
                    <Route path=path!("settings/users") view=settings::users::UsersPage />
                    <Route path=path!("settings/api-keys") view=settings::api_keys::ApiKeysPage />
                    <Route path=path!("settings/webhooks") view=settings::webhooks::WebhooksPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sets the browser tab's title to `title` and the product's name.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} – Client interviews"));
    }
}
