//! `/dashboard/settings/webhooks`: the webhook delivery log, newest first,
//! paged by key like the other lists (event, URL, state as a tag with its
//! word, attempts, last error, next attempt), with "Retry now" for a pending
//! or failed delivery: the host makes it due and its background task
//! delivers it within a few seconds.

use interview_api::{DeliveryState, WebhookDelivery};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::super::api::{self, Method};
use super::super::paging::Trail;
use super::super::set_title;
use super::super::widgets::{when, Column, DataTable, Pager, Problem};
use super::{or_loading, is_admin_only, notice, summary, AdminsOnly, NotAdmin};

/// The word for a delivery's state.
pub fn state_word(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Delivered => "Delivered",
        DeliveryState::Pending => "Pending",
        DeliveryState::Failed => "Failed",
    }
}

/// A delivery's state as a tag: its word, coloured by its kind.
#[component]
pub fn DeliveryTag(
    /// The state shown.
    state: DeliveryState,
) -> impl IntoView {
    let class = match state {
        DeliveryState::Delivered => "tag tag-submitted",
        DeliveryState::Pending => "tag tag-waiting-for-client",
        DeliveryState::Failed => "tag tag-cancelled",
    };
    view! { <strong class=class>{state_word(state)}</strong> }
}

/// The dashboard address of the log's page that `trail` names.
pub fn href(trail: &Trail) -> String {
    let (cursor, before) = trail.query_values();
    format!("/dashboard/settings/webhooks{}", api::query(&[("cursor", &cursor), ("trail", &before)]))
}

/// The deliveries table, each pending or failed one with "Retry now".
#[component]
pub fn DeliveryTable(
    /// The rows, newest first.
    rows: Vec<WebhookDelivery>,
    /// Called with the id of a delivery to retry.
    on_retry: Callback<String>,
    /// Whether a retry is under way.
    busy: RwSignal<bool>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No webhook deliveries yet. Events are queued here when a webhook is set in the site settings."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let retry = (row.state != DeliveryState::Delivered).then(|| {
                let id = row.id.clone();
                let label = format!("Retry now: {} to {}", row.event, row.url);
                view! {
                    <button type="button" class="button secondary" aria-label=label disabled=move || busy.get()
                        on:click=move |_| on_retry.run(id.clone())>"Retry now"</button>
                }
            });
            let next = match (row.state, row.next_attempt_at.as_deref()) {
                (DeliveryState::Pending, Some(at)) => when(at),
                (DeliveryState::Delivered, _) => row.delivered_at.as_deref().map(|at| format!("Delivered {}", when(at))).unwrap_or_default(),
                _ => "None: given up".to_owned(),
            };
            view! {
                <tr>
                    <th scope="row">{row.event.clone()}<br /><span class="hint">{when(&row.created_at)}</span></th>
                    <td class="url">{row.url.clone()}</td>
                    <td><DeliveryTag state=row.state /></td>
                    <td>{row.attempts}</td>
                    <td>{row.last_error.clone().unwrap_or_default()}</td>
                    <td>{next}</td>
                    <td class="actions">{retry}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Webhook deliveries, newest first" columns=vec![Column::Text("Event"), Column::Text("URL"), Column::Text("State"), Column::Text("Attempts"), Column::Text("Last error"), Column::Text("Next attempt"), Column::Hidden("Actions")]>
            {body}
        </DataTable>
    }
    .into_any()
}

/// The webhook delivery log screen.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    view! {
        <AdminsOnly>
            <WebhooksScreen />
        </AdminsOnly>
    }
}

#[component]
fn WebhooksScreen() -> impl IntoView {
    set_title("Webhook deliveries");
    let query = use_query_map();
    let trail = Memo::new(move |_| {
        let q = query.read();
        Trail::from_query(q.get_str("cursor"), q.get_str("trail"))
    });
    let version = RwSignal::new(0u32);
    let page = LocalResource::new(move || {
        version.track();
        let cursor = trail.get().cursor.unwrap_or_default();
        let path = format!("/api/v1/webhook-deliveries{}", api::query(&[("cursor", &cursor)]));
        async move { api::get_page::<WebhookDelivery>(&path).await }
    });
    let busy = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let done = RwSignal::new(None::<String>);
    let retry = Callback::new(move |id: String| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problems.set(Vec::new());
        leptos::task::spawn_local(async move {
            match api::call::<_, WebhookDelivery>(Method::Post, &format!("/api/v1/webhook-deliveries/{id}/retry"), &serde_json::json!({})).await {
                Ok(row) => {
                    done.set(Some(format!("The {} delivery to {} will be attempted within a few seconds.", row.event, row.url)));
                    version.update(|v| *v += 1);
                }
                Err(failure) => problems.set(vec![(failure.message(), String::new())]),
            }
            busy.set(false);
        });
    });
    view! {
        <h1>"Webhook deliveries"</h1>
        <p>"Every event sent to a webhook, newest first. A failed attempt is retried on its own (after 10 seconds, then up to 6 hours apart, 8 attempts in all); \"Retry now\" attempts it at once."</p>
        {summary(problems)}
        {notice(done)}
        <p><button type="button" class="button secondary" on:click=move |_| version.update(|v| *v += 1)>"Refresh"</button></p>
        {or_loading(move || page.get().map(|answer| match answer {
                Ok(found) => {
                    let trail = trail.get();
                    let previous = trail.previous().map(|t| href(&t));
                    let next = found.next.as_deref().map(|n| href(&trail.next(n)));
                    view! {
                        <DeliveryTable rows=found.items on_retry=retry busy=busy />
                        <Pager previous=previous next=next page=trail.page_number() />
                    }
                    .into_any()
                }
                Err(failure) if is_admin_only(&failure) => view! { <NotAdmin /> }.into_any(),
                Err(failure) => view! { <Problem failure=failure /> }.into_any(),
            }), "Loading the deliveries…")}
    }
}
