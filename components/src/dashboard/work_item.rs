//! The work item page: its details, the answers (only once the client has
//! submitted, or as staff gave them; before that only what staff may know:
//! sent, opened, locked, progress saved), the interviews sent with "Cancel
//! interview", the documents, the answer history and the audit log.

use interview_api::{
    AnswerRevisionView, AnswerSource, AuditEventRow, DocumentCreated, InterviewDetail, InterviewState, NewDocument,
    WorkItemDetail, WorkItemStatus,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::answers::{changed_questions, AnswersView, TemplateText};
use super::api::{self, Failure, Method};
use super::set_title;
use super::widgets::{when, Column, DataTable, InterviewTag, Problem, StatusTag};

/// What a work item page shows, fetched together.
#[derive(Debug, Clone)]
struct Loaded {
    item: WorkItemDetail,
    template: Option<TemplateText>,
}

/// The work item page (`/dashboard/work-items/:id`).
#[component]
pub fn WorkItemPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    // Bumped after every change made on this page, so what it shows is re-read.
    let version = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        let id = id.get();
        version.track();
        async move {
            let item = api::get::<WorkItemDetail>(&format!("/api/v1/work-items/{}", api::encode(&id))).await?;
            let template = TemplateText::fetch(&item.id).await.ok();
            Ok::<_, Failure>(Loaded { item, template })
        }
    });
    let saved = move || query.read().get_str("saved").is_some();

    view! {
        <a class="back-link" href="/dashboard/work-items">"Back to work items"</a>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the work item…"</p> }>
            {move || {
                loaded.get().map(|answer| match answer {
                    Ok(found) => {
                        set_title(&found.item.name);
                        view! { <Item loaded=found version=version saved=saved() /> }.into_any()
                    }
                    Err(Failure::Http { status: 404, .. }) => {
                        set_title("Work item not found");
                        view! {
                            <h1>"Work item not found"</h1>
                            <p>"It may have been removed, or the address may be wrong."</p>
                        }
                        .into_any()
                    }
                    Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// The page for one loaded work item.
#[component]
fn Item(
    /// The work item and its template.
    loaded: Loaded,
    /// Bumped to re-read the page after a change.
    version: RwSignal<u32>,
    /// Whether the answers were just saved (from the edit screen).
    saved: bool,
) -> impl IntoView {
    let Loaded { item, template } = loaded;
    let id = item.id.clone();
    let outstanding = item
        .interviews
        .iter()
        .rev()
        .find(|iv| matches!(iv.state, InterviewState::Sent | InterviewState::Opened))
        .cloned();
    let submitted = item.interviews.iter().any(|iv| iv.state == InterviewState::Submitted);
    let shows_answers = submitted || (outstanding.is_none() && !item.answers.is_empty());
    let interview_href = format!("/dashboard/work-items/{id}/interview");
    let edit_href = format!("/dashboard/work-items/{id}/answers");
    let answers_view = match (&template, shows_answers) {
        (_, false) => view! { <WaitingForClient outstanding=outstanding.clone() status=item.status /> }.into_any(),
        (Some(text), true) => view! {
            <AnswersView template=*text answers=item.answers.clone() change_href=Some(edit_href.clone()) />
        }
        .into_any(),
        (None, true) => view! { <p class="problem">"The template of this work item could not be read, so its answers cannot be laid out."</p> }.into_any(),
    };
    let follow_up = if item.client.is_some() { "Send a follow-up interview" } else { "Client interview" };
    view! {
        <div class="page-heading">
            <h1>{item.name.clone()}</h1>
            <a class="button" href=interview_href>{follow_up}</a>
        </div>
        {saved.then(|| view! { <p class="notice" role="status">"The answers were saved as a new revision."</p> })}
        <Details item=item.clone() />
        <h2>"Answers"</h2>
        {answers_view}
        <h2>"Interviews"</h2>
        <Interviews interviews=item.interviews.clone() version=version />
        <h2>"Documents"</h2>
        <Documents id=id.clone() documents=item.documents.clone() version=version />
        <h2>"Answers out"</h2>
        <p>
            <a href=format!("/api/v1/work-items/{id}/answers?format=json") download="">"Download the answers (JSON)"</a>
            " · "
            <a href=format!("/api/v1/work-items/{id}/answers?format=hotdocs") download="">"Download a HotDocs answer file"</a>
        </p>
        <h2>"Answer history"</h2>
        <History id=id.clone() template=template version=version />
        <h2>"Audit log"</h2>
        <AuditLog id=id version=version />
    }
}

/// The summary of a work item's details.
#[component]
fn Details(
    /// The work item.
    item: WorkItemDetail,
) -> impl IntoView {
    let template = match (&item.template_name, item.template_live_version) {
        (Some(name), Some(live)) => format!("{name} (version {live} live)"),
        (Some(name), None) => name.clone(),
        _ => item.template_id.clone(),
    };
    let pinned = item
        .interviews
        .iter()
        .rev()
        .flat_map(|iv| iv.sections.iter())
        .find(|s| s.template_id == item.template_id)
        .and_then(|s| s.template_version)
        .map(|v| format!("Version {v}, as the client first opened it"))
        .unwrap_or_else(|| "Not yet: the version live when the client first opens the link".to_owned());
    let client = match &item.client {
        Some(c) => view! {
            <a href=format!("/dashboard/clients/{}", c.id)>{format!("{} {} {}", c.title, c.first_name, c.last_name)}</a>
            <br />
            {c.email.clone()}
        }
        .into_any(),
        None => view! { "None yet: the first interview attaches one" }.into_any(),
    };
    view! {
        <dl class="summary-list">
            <div><dt>"Status"</dt><dd><StatusTag status=item.status /></dd></div>
            <div><dt>"Client"</dt><dd>{client}</dd></div>
            <div><dt>"Template"</dt><dd>{template}</dd></div>
            <div><dt>"Answered on"</dt><dd>{pinned}</dd></div>
            <div><dt>"Work group"</dt><dd>{item.work_group.clone().unwrap_or_else(|| "None".to_owned())}</dd></div>
            <div><dt>"Created"</dt><dd>{when(&item.created_at)}</dd></div>
            <div><dt>"Last changed"</dt><dd>{when(&item.updated_at)}</dd></div>
        </dl>
    }
}

/// What staff see of the answers before the client submits.
#[component]
fn WaitingForClient(
    /// The interview outstanding, if any.
    outstanding: Option<InterviewDetail>,
    /// The work item's status.
    status: WorkItemStatus,
) -> impl IntoView {
    match outstanding {
        Some(iv) => {
            let mut known = vec![format!("Sent {}", when(&iv.created_at))];
            if let Some(at) = &iv.first_opened_at {
                known.push(format!("Opened {}", when(at)));
            }
            if let Some(at) = &iv.progress_saved_at {
                known.push(format!("Progress saved {}", when(at)));
            }
            if let Some(until) = &iv.locked_until {
                known.push(format!("Locked after too many wrong attempts until {}", when(until)));
            }
            let expires = iv.expires_at.as_deref().map(when).unwrap_or_default();
            view! {
                <div class="notice">
                    <p><strong>"Waiting for client"</strong></p>
                    <p>{format!("The link expires {expires}. The answers show here once the client submits.")}</p>
                    <ul>{known.into_iter().map(|k| view! { <li>{k}</li> }).collect_view()}</ul>
                </div>
            }
            .into_any()
        }
        None => {
            let text = match status {
                WorkItemStatus::Cancelled => "The last interview was cancelled before the client submitted. Send a new one to ask again.",
                WorkItemStatus::Expired => "The last interview expired before the client submitted. Send a new one to ask again.",
                _ => "No answers yet. Send the client an interview to ask for them.",
            };
            view! { <p class="empty">{text}</p> }.into_any()
        }
    }
}

/// The interviews sent, with their state, expiry and receipt, and "Cancel
/// interview" (with a confirmation) for the outstanding one.
#[component]
fn Interviews(
    /// The interviews, oldest first.
    interviews: Vec<InterviewDetail>,
    /// Bumped after a cancellation.
    version: RwSignal<u32>,
) -> impl IntoView {
    if interviews.is_empty() {
        return view! { <p class="empty">"No interview has been sent yet."</p> }.into_any();
    }
    let rows = interviews
        .into_iter()
        .rev()
        .map(|iv| {
            let outstanding = matches!(iv.state, InterviewState::Sent | InterviewState::Opened);
            let mut notes = Vec::new();
            if iv.locked_until.is_some() {
                notes.push("locked");
            }
            if iv.progress_saved_at.is_some() && outstanding {
                notes.push("progress saved");
            }
            let notes = notes.join(", ");
            let expires = if outstanding { iv.expires_at.as_deref().map(when).unwrap_or_default() } else { String::new() };
            let action = outstanding.then(|| view! { <CancelInterview id=iv.id.clone() version=version /> });
            view! {
                <tr>
                    <td>{when(&iv.created_at)}</td>
                    <td><InterviewTag state=iv.state />{(!notes.is_empty()).then(|| view! { <span class="hint">{format!(" ({notes})")}</span> })}</td>
                    <td>{expires}</td>
                    <td>{iv.submitted_at.as_deref().map(when).unwrap_or_default()}</td>
                    <td>{iv.receipt.clone().unwrap_or_default()}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Interviews sent, newest first" columns=vec![Column::Text("Sent"), Column::Text("State"), Column::Text("Link expires"), Column::Text("Submitted"), Column::Text("Receipt"), Column::Hidden("Actions")]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// "Cancel interview", asking first: the client's link stops at once.
#[component]
fn CancelInterview(
    /// The interview.
    id: String,
    /// Bumped once it is cancelled.
    version: RwSignal<u32>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);
    let confirm = move |_| {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/interviews/{}/cancel", api::encode(&id));
            match api::call::<_, serde_json::Value>(Method::Post, &path, &serde_json::json!({})).await {
                Ok(_) => version.update(|v| *v += 1),
                Err(f) => failure.set(Some(f)),
            }
        });
    };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! { <button type="button" class="button secondary" on:click=move |_| asking.set(true)>"Cancel interview"</button> }
        >
            <div role="group" aria-label="Confirm cancelling the interview">
                <p>"Cancel this interview? The client's link stops working at once."</p>
                <button type="button" class="button warning" on:click=confirm.clone()>"Yes, cancel the interview"</button>
                " "
                <button type="button" class="button secondary" on:click=move |_| asking.set(false)>"No, keep it"</button>
            </div>
        </Show>
        {move || failure.get().map(|f| view! { <p class="problem" role="alert">{f.message()}</p> })}
    }
}

/// The documents generated, each to download, and a button per format to generate one.
#[component]
fn Documents(
    /// The work item.
    id: String,
    /// The documents generated, oldest first.
    documents: Vec<interview_api::DocumentSummary>,
    /// Bumped once a document is generated.
    version: RwSignal<u32>,
) -> impl IntoView {
    let failure = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let generate = move |format: &'static str| {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            busy.set(true);
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/work-items/{}/documents", api::encode(&id));
                let body = NewDocument { format: format.to_owned() };
                match api::call::<_, DocumentCreated>(Method::Post, &path, &body).await {
                    Ok(_) => version.update(|v| *v += 1),
                    Err(f) => failure.set(Some(f)),
                }
                busy.set(false);
            });
        }
    };
    let list = if documents.is_empty() {
        view! { <p class="empty">"No documents yet."</p> }.into_any()
    } else {
        let items = documents
            .into_iter()
            .rev()
            .map(|d| {
                let label = format!("Answers summary ({}), {}", format_name(&d.format), when(&d.created_at));
                view! { <li><a href=format!("/api/v1/documents/{}", d.id) download="">{label}</a></li> }
            })
            .collect_view();
        view! { <ul class="documents">{items}</ul> }.into_any()
    };
    view! {
        {list}
        <div class="button-group">
            <button type="button" class="button secondary" disabled=move || busy.get() on:click=generate("docx")>"Generate a Word document"</button>
            " "
            <button type="button" class="button secondary" disabled=move || busy.get() on:click=generate("html")>"Generate a web page (HTML)"</button>
            " "
            <button type="button" class="button secondary" disabled=move || busy.get() on:click=generate("md")>"Generate Markdown"</button>
        </div>
        {move || failure.get().map(|f| view! { <p class="problem" role="alert">{f.message()}</p> })}
    }
}

/// A document format for people.
fn format_name(format: &str) -> &str {
    match format {
        "docx" => "Word",
        "html" => "HTML",
        "md" => "Markdown",
        other => other,
    }
}

/// Each revision of the answers: who, when, from where, and which questions changed.
#[component]
fn History(
    /// The work item.
    id: String,
    /// Its template, for the questions' labels.
    template: Option<TemplateText>,
    /// Re-read after a change.
    version: RwSignal<u32>,
) -> impl IntoView {
    let revisions = LocalResource::new(move || {
        let id = id.clone();
        version.track();
        async move { api::get::<Vec<AnswerRevisionView>>(&format!("/api/v1/work-items/{}/history", api::encode(&id))).await }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the history…"</p> }>
            {move || {
                revisions.get().map(move |answer| match answer {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"No answers yet."</p> }.into_any(),
                    Ok(list) => {
                        let mut items = Vec::new();
                        let mut before = serde_json::Map::new();
                        for revision in &list {
                            let changed = changed_questions(&before, &revision.answers, template.as_ref());
                            items.push((revision.clone(), changed));
                            before = revision.answers.clone();
                        }
                        let rows = items
                            .into_iter()
                            .rev()
                            .map(|(revision, changed)| {
                                let source = match revision.source {
                                    AnswerSource::Initial => "Initial answers",
                                    AnswerSource::Submission => "Submitted by the client",
                                    AnswerSource::StaffEdit => "Changed by staff",
                                };
                                let who = revision.actor_name.clone().unwrap_or(revision.actor.clone());
                                let what = if changed.is_empty() { "Nothing changed".to_owned() } else { format!("Changed: {}", changed.join(", ")) };
                                view! {
                                    <li>
                                        <strong>{source}</strong>
                                        <span class="when">{format!("{} by {who}", when(&revision.at))}</span>
                                        <span>{what}</span>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! { <ol class="timeline" aria-label="Answer history, newest first">{rows}</ol> }.into_any()
                    }
                    Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// The audit log as a timeline, newest first, with "Show older events".
#[component]
fn AuditLog(
    /// The work item.
    id: String,
    /// Re-read after a change.
    version: RwSignal<u32>,
) -> impl IntoView {
    let shown = RwSignal::new(Vec::<AuditEventRow>::new());
    let next = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<Failure>);
    let load = move |id: String, cursor: Option<String>| {
        leptos::task::spawn_local(async move {
            let path = format!(
                "/api/v1/work-items/{}/audit{}",
                api::encode(&id),
                api::query(&[("cursor", cursor.as_deref().unwrap_or(""))])
            );
            match api::get_page::<AuditEventRow>(&path).await {
                Ok(page) => {
                    if cursor.is_none() {
                        shown.set(page.items);
                    } else {
                        shown.update(|rows| rows.extend(page.items));
                    }
                    next.set(page.next);
                }
                Err(f) => failure.set(Some(f)),
            }
        });
    };
    {
        let id = id.clone();
        Effect::new(move |_| {
            version.track();
            load(id.clone(), None);
        });
    }
    let more = move |_| load(id.clone(), next.get_untracked());
    view! {
        <ol class="timeline" aria-label="Audit log, newest first">
            {move || {
                shown
                    .get()
                    .into_iter()
                    .map(|event| {
                        let who = event.actor_name.clone().unwrap_or(event.actor.clone());
                        let from = event.ip.as_ref().map(|ip| format!(", from {ip}")).unwrap_or_default();
                        view! {
                            <li>
                                <strong>{event_words(&event.event)}</strong>
                                <span class="when">{format!("{} by {who}{from}", when(&event.at))}</span>
                                {event_detail(&event)}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
        <Show when=move || next.get().is_some()>
            <button type="button" class="button secondary" on:click=more.clone()>"Show older events"</button>
        </Show>
        {move || failure.get().map(|f| view! { <Problem failure=f /> })}
    }
}

/// An audit event's name for people.
pub fn event_words(event: &str) -> String {
    let known = match event {
        "work_item_created" => "Work item created",
        "interview_sent" => "Interview sent",
        "email_sent" => "Email sent",
        "email_failed" => "Email not sent",
        "interview_opened" => "Link opened",
        "interview_resumed" => "Link opened again",
        "auth_failed" => "Wrong sign-in attempt",
        "auth_locked" => "Link locked after too many attempts",
        "sms_code_sent" => "SMS code sent",
        "progress_saved" => "Progress saved",
        "file_uploaded" => "File uploaded",
        "submitted" => "Submitted",
        "interview_cancelled" => "Interview cancelled",
        "interview_expired" => "Interview expired",
        "answers_edited" => "Answers changed",
        "document_generated" => "Document generated",
        other => return words_of(other),
    };
    known.to_owned()
}

/// An unknown event's name as words (`new_thing` → "New thing").
fn words_of(event: &str) -> String {
    let words = event.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What an event's details say worth reading (the reason of a failed attempt, the questions changed).
fn event_detail(event: &AuditEventRow) -> Option<String> {
    let detail = &event.detail;
    if let Some(reason) = detail.get("reason").and_then(|v| v.as_str()) {
        return Some(reason.replace('_', " "));
    }
    if let Some(changed) = detail.get("changed").and_then(|v| v.as_array()) {
        let names: Vec<&str> = changed.iter().filter_map(|v| v.as_str()).collect();
        if !names.is_empty() {
            return Some(format!("Changed: {}", names.join(", ")));
        }
    }
    detail.get("format").and_then(|v| v.as_str()).map(|f| format!("Format: {}", format_name(f)))
}
