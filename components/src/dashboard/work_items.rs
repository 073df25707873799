//! The home screen: the work items, newest first, searched and filtered with
//! the filters in the query string, paged by key; and "Create new work item".

use interview_api::{Created, NewWorkItem, TemplateSummary, WorkGroup, WorkItemRow, WorkItemStatus};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use super::api::{self, Failure, Method};
use super::paging::Trail;
use super::set_title;
use super::widgets::{when, Column, DataTable, ErrorSummary, Pager, Problem, StatusTag};

/// The list's filters, as the query string holds them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    /// Words in the work item's or the client's name.
    pub q: String,
    /// One status, or none.
    pub status: Option<WorkItemStatus>,
    /// A work group's name, or empty.
    pub work_group: String,
}

impl Filters {
    /// The dashboard address of the list with these filters, on the page `trail` names.
    pub fn href(&self, trail: &Trail) -> String {
        let (cursor, before) = trail.query_values();
        let status = self.status.map(WorkItemStatus::as_str).unwrap_or("");
        format!(
            "/dashboard/work-items{}",
            api::query(&[("q", &self.q), ("status", status), ("work_group", &self.work_group), ("cursor", &cursor), ("trail", &before)])
        )
    }

    /// The host's address of the page at `cursor` with these filters.
    pub fn api_path(&self, cursor: Option<&str>) -> String {
        let status = self.status.map(WorkItemStatus::as_str).unwrap_or("");
        format!(
            "/api/v1/work-items{}",
            api::query(&[("q", &self.q), ("status", status), ("work_group", &self.work_group), ("cursor", cursor.unwrap_or(""))])
        )
    }

    /// Each filter in force, as (what it says, the list's address without it).
    pub fn removable(&self) -> Vec<(String, String)> {
        let first = Trail::default();
        let mut out = Vec::new();
        if !self.q.is_empty() {
            out.push((format!("Name: {}", self.q), Filters { q: String::new(), ..self.clone() }.href(&first)));
        }
        if let Some(status) = self.status {
            out.push((
                format!("Status: {}", super::widgets::status_word(status)),
                Filters { status: None, ..self.clone() }.href(&first),
            ));
        }
        if !self.work_group.is_empty() {
            out.push((
                format!("Work group: {}", self.work_group),
                Filters { work_group: String::new(), ..self.clone() }.href(&first),
            ));
        }
        out
    }
}

/// The work items screen (the dashboard's home).
#[component]
pub fn WorkItemsPage() -> impl IntoView {
    set_title("Work items");
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        Filters {
            q: q.get("q").unwrap_or_default(),
            status: q.get_str("status").and_then(WorkItemStatus::from_name),
            work_group: q.get("work_group").unwrap_or_default(),
        }
    });
    let trail = Memo::new(move |_| {
        let q = query.read();
        Trail::from_query(q.get_str("cursor"), q.get_str("trail"))
    });
    let page = LocalResource::new(move || {
        let path = filters.get().api_path(trail.get().cursor.as_deref());
        async move { api::get_page::<WorkItemRow>(&path).await }
    });
    let groups = LocalResource::new(|| async { api::get::<Vec<WorkGroup>>("/api/v1/work-groups").await });

    view! {
        <div class="page-heading">
            <h1>"Work items"</h1>
            <a class="button" href="/dashboard/work-items/new">"Create new work item"</a>
        </div>
        <FilterForm filters=filters groups=groups />
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading work items…"</p> }>
            {move || {
                page.get().map(|answer| match answer {
                    Ok(found) => {
                        let filters = filters.get();
                        let trail = trail.get();
                        let previous = trail.previous().map(|t| filters.href(&t));
                        let next = found.next.as_deref().map(|n| filters.href(&trail.next(n)));
                        view! {
                            <WorkItemTable rows=found.items filtered=filters != Filters::default() />
                            <Pager previous=previous next=next page=trail.page_number() />
                        }
                        .into_any()
                    }
                    Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// The search and filters above the table, and the filters in force, each removable.
#[component]
fn FilterForm(
    /// The filters in force.
    filters: Memo<Filters>,
    /// The work groups to filter by.
    groups: LocalResource<Result<Vec<WorkGroup>, Failure>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let q = RwSignal::new(filters.get_untracked().q);
    let status = RwSignal::new(filters.get_untracked().status.map(WorkItemStatus::as_str).unwrap_or("").to_owned());
    let group = RwSignal::new(filters.get_untracked().work_group);
    // Keep the fields in step with the address (Back, a removed filter).
    Effect::new(move |_| {
        let f = filters.get();
        q.set(f.q);
        status.set(f.status.map(WorkItemStatus::as_str).unwrap_or("").to_owned());
        group.set(f.work_group);
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = Filters {
            q: q.get_untracked().trim().to_owned(),
            status: WorkItemStatus::from_name(&status.get_untracked()),
            work_group: group.get_untracked(),
        };
        navigate(&wanted.href(&Trail::default()), NavigateOptions::default());
    };
    let group_options = move || {
        let current = group.get();
        let names: Vec<String> = groups
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|g| g.name)
            .collect();
        names
            .into_iter()
            .map(|name| {
                let selected = name.eq_ignore_ascii_case(&current);
                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view()
    };
    let status_options = WorkItemStatus::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=move || status.get() == s.as_str()>{super::widgets::status_word(s)}</option> })
        .collect_view();
    view! {
        <search class="filters">
            <form on:submit=apply role="search" aria-label="Work items">
                <div class="field">
                    <label for="filter-q">"Work item or client name"</label>
                    <input id="filter-q" type="search" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="filter-status">"Status"</label>
                    <select id="filter-status" on:change=move |ev| status.set(event_target_value(&ev)) prop:value=move || status.get()>
                        <option value="" selected=move || status.get().is_empty()>"Any status"</option>
                        {status_options}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-group">"Work group"</label>
                    <select id="filter-group" on:change=move |ev| group.set(event_target_value(&ev)) prop:value=move || group.get()>
                        <option value="" selected=move || group.get().is_empty()>"Any work group"</option>
                        {group_options}
                    </select>
                </div>
                <button type="submit" class="button secondary">"Apply filters"</button>
            </form>
            {move || {
                let chosen = filters.get().removable();
                (!chosen.is_empty()).then(|| view! {
                    <div class="chosen-filters">
                        <h2 class="visually-hidden">"Filters in force"</h2>
                        <ul>
                            {chosen.into_iter().map(|(label, href)| view! {
                                <li><a class="filter-tag" href=href aria-label=format!("Remove filter {label}")>
                                    {label.clone()}<span aria-hidden="true">" ×"</span>
                                </a></li>
                            }).collect_view()}
                        </ul>
                        <a href="/dashboard/work-items">"Clear filters"</a>
                    </div>
                })
            }}
        </search>
    }
}

/// The table of work items: name (a link to the item), client, template,
/// status, when the outstanding link expires, and the last activity.
#[component]
pub fn WorkItemTable(
    /// The rows, in order.
    rows: Vec<WorkItemRow>,
    /// Whether filters are in force (changes what an empty table says).
    #[prop(optional)]
    filtered: bool,
) -> impl IntoView {
    if rows.is_empty() {
        let text = if filtered {
            "No work items match these filters."
        } else {
            "There are no work items yet. Create one to send a client an interview."
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let expires = row
                .interview
                .as_ref()
                .filter(|iv| matches!(iv.state, interview_api::InterviewState::Sent | interview_api::InterviewState::Opened))
                .and_then(|iv| iv.expires_at.as_deref())
                .map(when)
                .unwrap_or_default();
            let activity = when(row.last_activity_at.as_deref().unwrap_or(&row.updated_at));
            view! {
                <tr>
                    <th scope="row"><a href=format!("/dashboard/work-items/{}", row.id)>{row.name}</a></th>
                    <td>{row.client_name.unwrap_or_default()}</td>
                    <td>{row.template_name.unwrap_or(row.template_id)}</td>
                    <td><StatusTag status=row.status /></td>
                    <td>{expires}</td>
                    <td>{activity}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Work items, newest first" columns=vec![Column::Text("Name"), Column::Text("Client"), Column::Text("Template"), Column::Text("Status"), Column::Text("Link expires"), Column::Text("Last activity")]>
            {body}
        </DataTable>
    }
    .into_any()
}

/// "Create new work item": name, template (its live version shown), work
/// group, and optional initial answers from a file.
#[component]
pub fn NewWorkItemPage() -> impl IntoView {
    set_title("Create new work item");
    let navigate = use_navigate();
    let templates = LocalResource::new(|| async { api::get::<Vec<TemplateSummary>>("/api/v1/templates").await });
    let groups = LocalResource::new(|| async { api::get::<Vec<WorkGroup>>("/api/v1/work-groups?archived=false").await });
    let name = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let group = RwSignal::new(String::new());
    let answers = RwSignal::new(None::<(String, String)>);
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);

    // The first template is chosen until the person picks another.
    Effect::new(move |_| {
        if template.get_untracked().is_empty() {
            if let Some(Ok(list)) = templates.get() {
                if let Some(first) = list.first() {
                    template.set(first.id.clone());
                }
            }
        }
    });

    let read_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            answers.set(None);
            return;
        };
        let file_name = file.name();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => answers.set(Some((file_name, text.as_string().unwrap_or_default()))),
                Err(_) => problems.set(vec![("The answers file could not be read.".to_owned(), "answers".to_owned())]),
            }
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let chosen_name = name.get_untracked().trim().to_owned();
        if chosen_name.is_empty() {
            found.push(("Enter a name for the work item.".to_owned(), "name".to_owned()));
        }
        if template.get_untracked().is_empty() {
            found.push(("Choose a template.".to_owned(), "template".to_owned()));
        }
        let initial_answers = match answers.get_untracked() {
            None => None,
            Some((file, text)) => match initial_answers(&text) {
                Ok(value) => Some(value),
                Err(message) => {
                    found.push((format!("{file}: {message}"), "answers".to_owned()));
                    None
                }
            },
        };
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        let body = NewWorkItem {
            name: chosen_name,
            template_id: template.get_untracked(),
            work_group: Some(group.get_untracked()).filter(|g| !g.is_empty()),
            initial_answers,
        };
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, Created>(Method::Post, "/api/v1/work-items", &body).await {
                Ok(created) => navigate(&format!("/dashboard/work-items/{}", created.id), NavigateOptions::default()),
                Err(failure) => problems.set(creation_problems(&failure)),
            }
            busy.set(false);
        });
    };

    let template_options = move || {
        templates.get().map(|answer| match answer {
            Ok(list) => list
                .into_iter()
                .map(|t| {
                    let label = format!("{} (version {} live)", t.name, t.live_version);
                    let id = t.id.clone();
                    view! { <option value=t.id selected=move || template.get() == id>{label}</option> }
                })
                .collect_view()
                .into_any(),
            Err(_) => ().into_any(),
        })
    };
    let group_options = move || {
        groups
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|g| {
                let label = g.name.clone();
                view! { <option value=g.name>{label}</option> }
            })
            .collect_view()
    };
    let no_templates = move || matches!(templates.get(), Some(Ok(list)) if list.is_empty());

    view! {
        <a class="back-link" href="/dashboard/work-items">"Back to work items"</a>
        <h1>"Create new work item"</h1>
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <Show when=no_templates>
            <p class="notice">"There are no templates yet. "<a href="/dashboard/templates">"Add a template"</a>" first."</p>
        </Show>
        <form on:submit=submit novalidate class="narrow">
            <div class="field">
                <label for="name">"Name"</label>
                <p class="hint" id="name-hint">"For example, the client's matter or case reference."</p>
                <input id="name" type="text" maxlength="200" aria-describedby="name-hint" required
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="template">"Template"</label>
                <select id="template" on:change=move |ev| template.set(event_target_value(&ev)) prop:value=move || template.get()>
                    {template_options}
                </select>
            </div>
            <div class="field">
                <label for="work-group">"Work group"</label>
                <select id="work-group" on:change=move |ev| group.set(event_target_value(&ev)) prop:value=move || group.get()>
                    <option value="">"No work group"</option>
                    {group_options}
                </select>
            </div>
            <div class="field">
                <label for="answers">"Initial answers (optional)"</label>
                <p class="hint" id="answers-hint">"A JSON answer set or a HotDocs answer file (.xml, .anx)."</p>
                <input id="answers" type="file" accept=".json,.xml,.anx,application/json,text/xml" aria-describedby="answers-hint" on:change=read_file />
            </div>
            <button type="submit" class="button" disabled=move || busy.get()>"Create work item"</button>
        </form>
    }
}

/// Reads an answers file: a JSON object (an answer set) or XML (an answer
/// file, sent as text for the host to import).
pub fn initial_answers(text: &str) -> Result<serde_json::Value, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.starts_with('<') {
        return Ok(serde_json::Value::String(trimmed.to_owned()));
    }
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(value @ serde_json::Value::Object(_)) => Ok(value),
        Ok(_) => Err("an answer set must be a JSON object of question ids to answers.".to_owned()),
        Err(e) => Err(format!("this is neither JSON nor an answer file ({e}).")),
    }
}

/// The problems of a refused creation, each with the field it is about and,
/// for answers, the path of the answer.
pub fn creation_problems(failure: &Failure) -> Vec<(String, String)> {
    let field = match failure.code() {
        "invalid_name" => "name",
        "unknown_template" => "template",
        "unknown_work_group" | "archived_work_group" => "work-group",
        "invalid_answers" => "answers",
        _ => "",
    };
    let detailed: Vec<(String, String)> = failure
        .problems()
        .iter()
        .filter_map(|p| {
            let message = p.get("message")?.as_str()?;
            Some(match p.get("path").and_then(|v| v.as_str()) {
                Some(path) => (format!("{path}: {message}"), field.to_owned()),
                None => (message.to_owned(), field.to_owned()),
            })
        })
        .collect();
    if detailed.is_empty() {
        vec![(failure.message(), field.to_owned())]
    } else {
        let mut all = vec![(failure.message(), field.to_owned())];
        all.extend(detailed);
        all
    }
}
