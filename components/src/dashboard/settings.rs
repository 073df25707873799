//! The settings screens, admins only: the site settings, staff users, API
//! keys and the webhook delivery log, with a secondary navigation between
//! them. Staff never see the link (the shell hides it) and the host refuses
//! them (`403 admin_only`); one who opens a settings address anyway is told
//! plainly that only admins can change settings.
//!
//! - [`site`]: the site settings form (durations in hours and minutes, sent in seconds; only what changed).
//! - [`users`]: staff users: add, change role, disable or enable, set a password.
//! - [`api_keys`]: API keys: create (shown once, with "Copy"), revoke.
//! - [`webhooks`]: the webhook delivery log with "Retry now".

pub mod api_keys;
pub mod site;
pub mod users;
pub mod webhooks;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::api::Failure;
use super::session::Session;
use super::set_title;
use super::widgets::ErrorSummary;

/// The settings screens, in the order of the secondary navigation.
pub const SCREENS: [(&str, &str); 4] = [
    ("Site settings", "/dashboard/settings"),
    ("Staff users", "/dashboard/settings/users"),
    ("API keys", "/dashboard/settings/api-keys"),
    ("Webhook deliveries", "/dashboard/settings/webhooks"),
];

/// The secondary navigation between the settings screens; the current one
/// carries `aria-current="page"`.
#[component]
pub fn SettingsNav() -> impl IntoView {
    let location = use_location();
    let links = SCREENS
        .iter()
        .map(|&(label, href)| {
            let current = move || (location.pathname.get().trim_end_matches('/') == href).then_some("page");
            view! { <li><a href=href aria-current=current>{label}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="sub-nav" aria-label="Settings">
            <ul>{links}</ul>
        </nav>
    }
}

/// A settings screen: for an admin, the secondary navigation and `children`;
/// for anyone else, the page saying only admins can change settings.
#[component]
pub fn AdminsOnly(
    /// The screen, shown to admins only.
    children: ChildrenFn,
) -> impl IntoView {
    let session = Session::get();
    move || {
        if session.is_admin() {
            view! { <SettingsNav /> {children()} }.into_any()
        } else {
            view! { <NotAdmin /> }.into_any()
        }
    }
}

/// What a staff member sees on a settings address.
#[component]
pub fn NotAdmin() -> impl IntoView {
    set_title("Only admins can change settings");
    view! {
        <h1>"Only admins can change settings"</h1>
        <p>"Your account is a staff account. Ask an admin if a setting needs to change, or if you need an admin account."</p>
        <p><a href="/dashboard/work-items">"Go to the work items"</a></p>
    }
}

/// A call refused because the caller is not an admin (their role changed while signed in).
pub fn is_admin_only(failure: &Failure) -> bool {
    failure.status() == Some(403) && failure.code() == "admin_only"
}

/// The error text shown above a field, when the problems name it.
#[component]
pub fn FieldError(
    /// The problems of the form: (message, field id).
    problems: RwSignal<Vec<(String, String)>>,
    /// The field's id.
    field: &'static str,
) -> impl IntoView {
    move || {
        let messages: Vec<String> = problems.get().into_iter().filter(|(_, f)| f == field).map(|(m, _)| m).collect();
        (!messages.is_empty()).then(|| {
            view! {
                <p class="error-message" id=format!("{field}-error")>
                    <span class="visually-hidden">"Error: "</span>{messages.join(" ")}
                </p>
            }
        })
    }
}

/// The `aria-describedby` of a field: its hint (when it has one) and its error (when shown).
pub fn described_by(problems: RwSignal<Vec<(String, String)>>, field: &'static str, hint: bool) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{field}-hint"));
        }
        if problems.get().iter().any(|(_, f)| f == field) {
            ids.push(format!("{field}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The error summary of a form's problems, shown while there are any.
pub fn summary(problems: RwSignal<Vec<(String, String)>>) -> AnyView {
    (move || {
        let list = problems.get();
        (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
    })
    .into_any()
}

/// What was just done, said in a status line (read out by screen readers).
pub fn notice(done: RwSignal<Option<String>>) -> AnyView {
    (move || done.get().map(|text| view! { <p class="notice success" role="status">{text}</p> })).into_any()
}

/// The class of a field's wrapper: marked while the problems name the field.
pub fn field_class(problems: RwSignal<Vec<(String, String)>>, field: &'static str) -> impl Fn() -> &'static str + Send + Sync + 'static {
    move || if problems.get().iter().any(|(_, f)| f == field) { "field field-error" } else { "field" }
}

/// What `shown` gives once its resource has answered, "Loading…" (`text`) until then.
pub fn or_loading(shown: impl Fn() -> Option<AnyView> + Send + Sync + 'static, text: &'static str) -> AnyView {
    (move || shown().unwrap_or_else(|| view! { <p class="loading" role="status">{text}</p> }.into_any())).into_any()
}
