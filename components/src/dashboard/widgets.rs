//! Pieces the screens share, modelled on the GOV.UK Design System: the
//! status tag (a word, never colour alone), the error summary, pagination,
//! the "not found" screen, and how times and durations are written.

use interview_api::{InterviewState, WorkItemStatus};
use leptos::html;
use leptos::prelude::*;

use super::api::Failure;
use super::set_title;

/// The word for a work item's status.
pub fn status_word(status: WorkItemStatus) -> &'static str {
    match status {
        WorkItemStatus::Draft => "Draft",
        WorkItemStatus::WaitingForClient => "Waiting for client",
        WorkItemStatus::Submitted => "Submitted",
        WorkItemStatus::Cancelled => "Cancelled",
        WorkItemStatus::Expired => "Expired",
    }
}

/// The word for an interview's state.
pub fn interview_word(state: InterviewState) -> &'static str {
    match state {
        InterviewState::Sent => "Sent",
        InterviewState::Opened => "Opened",
        InterviewState::Submitted => "Submitted",
        InterviewState::Cancelled => "Cancelled",
        InterviewState::Expired => "Expired",
    }
}

/// A work item's status as a tag: its word, coloured by its kind.
#[component]
pub fn StatusTag(
    /// The status shown.
    status: WorkItemStatus,
) -> impl IntoView {
    let class = format!("tag tag-{}", status.as_str().replace('_', "-"));
    view! { <strong class=class>{status_word(status)}</strong> }
}

/// An interview's state as a tag.
#[component]
pub fn InterviewTag(
    /// The state shown.
    state: InterviewState,
) -> impl IntoView {
    let class = match state {
        InterviewState::Sent | InterviewState::Opened => "tag tag-waiting-for-client",
        InterviewState::Submitted => "tag tag-submitted",
        InterviewState::Cancelled => "tag tag-cancelled",
        InterviewState::Expired => "tag tag-expired",
    };
    view! { <strong class=class>{interview_word(state)}</strong> }
}

/// "There is a problem", listing each message with a link to its field
/// (`(message, field id)`); it takes the focus when shown, so a screen reader
/// reads it at once.
#[component]
pub fn ErrorSummary(
    /// Each problem and the id of the field it is about (empty for none).
    messages: Vec<(String, String)>,
) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    let items = messages
        .into_iter()
        .map(|(message, field)| {
            if field.is_empty() {
                view! { <li>{message}</li> }.into_any()
            } else {
                view! { <li><a href=format!("#{field}")>{message}</a></li> }.into_any()
            }
        })
        .collect_view();
    view! {
        <div class="error-summary" role="alert" tabindex="-1" node_ref=node aria-labelledby="error-summary-title">
            <h2 id="error-summary-title">"There is a problem"</h2>
            <ul>{items}</ul>
        </div>
    }
}

/// A call that failed, said plainly, with a way to try again.
#[component]
pub fn Problem(
    /// What went wrong.
    failure: Failure,
) -> impl IntoView {
    view! {
        <div class="problem" role="alert">
            <p>{failure.message()}</p>
            <p><a href="" on:click=|ev| {
                ev.prevent_default();
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            }>"Try again"</a></p>
        </div>
    }
}

/// The screen for an address that names nothing.
#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Page not found");
    view! {
        <main class="page" id="main">
            <h1>"Page not found"</h1>
            <p>"If you typed the address, check it is correct."</p>
            <p><a href="/dashboard/work-items">"Go to the work items"</a></p>
        </main>
    }
}

/// Previous and Next links of a paged list, with the page's number.
#[component]
pub fn Pager(
    /// The previous page's address (none on the first page).
    previous: Option<String>,
    /// The next page's address (none on the last page).
    next: Option<String>,
    /// This page's number, from 1.
    page: usize,
) -> impl IntoView {
    if previous.is_none() && next.is_none() {
        return None;
    }
    Some(view! {
        <nav class="pagination" aria-label="Pages">
            {previous.map(|href| view! { <a class="pagination-previous" href=href rel="prev">"Previous"<span class="visually-hidden">" page"</span></a> })}
            <span class="pagination-page">{format!("Page {page}")}</span>
            {next.map(|href| view! { <a class="pagination-next" href=href rel="next">"Next"<span class="visually-hidden">" page"</span></a> })}
        </nav>
    })
}

/// An RFC 3339 time as staff read it, in the browser's time zone
/// ("8 Dec 2026, 09:30").
pub fn when(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string("en-GB", &options).into()
}

/// A number of seconds in words ("15 minutes", "1 hour", "30 seconds").
pub fn duration_words(secs: u64) -> String {
    let (n, unit) = if secs >= 3600 && secs.is_multiple_of(3600) {
        (secs / 3600, "hour")
    } else if secs >= 60 {
        (secs.div_ceil(60), "minute")
    } else {
        (secs, "second")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// How a column of a [`DataTable`] shows its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// A heading in words.
    Text(&'static str),
    /// A heading in words over numbers (aligned right).
    Numeric(&'static str),
    /// A heading for screen readers only (a column of buttons or links).
    Hidden(&'static str),
}

/// A table as every list shows one: a caption for screen readers, a heading
/// row with `scope="col"`, and the rows given as children.
#[component]
pub fn DataTable(
    /// What the table holds and in which order ("Clients, newest first").
    caption: &'static str,
    /// The columns' headings, in order.
    columns: Vec<Column>,
    /// The rows (`<tr>` elements).
    children: Children,
) -> impl IntoView {
    let headings = columns
        .into_iter()
        .map(|column| match column {
            Column::Text(label) => view! { <th scope="col">{label}</th> }.into_any(),
            Column::Numeric(label) => view! { <th scope="col" class="numeric">{label}</th> }.into_any(),
            Column::Hidden(label) => view! { <th scope="col"><span class="visually-hidden">{label}</span></th> }.into_any(),
        })
        .collect_view();
    view! {
        <table class="table">
            <caption class="visually-hidden">{caption}</caption>
            <thead>
                <tr>{headings}</tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
