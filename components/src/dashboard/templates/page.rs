//! One template: a summary, its versions (number, title, when and by whom,
//! how many interviews are pinned to each, live or not) with "Preview" and
//! "Publish" (after a confirmation), "Add a version", and the interviews by
//! the version they are pinned to, paged by key with the page in the query.

use interview_api::{NewVersion, PinnedInterview, Publish, Published, TemplateDetail, TemplateProblem, VersionAdded, VersionSummary};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

use super::{definition_problems, read_definition, template_problems, DefinitionField};
use crate::dashboard::api::{self, Failure, Method};
use crate::dashboard::paging::Trail;
use crate::dashboard::set_title;
use crate::dashboard::widgets::{when, Column, DataTable, ErrorSummary, InterviewTag, Pager, Problem};

/// Which interviews the pins table shows, as the query's `version` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PinsShown {
    /// Every interview of the template.
    #[default]
    All,
    /// Those pinned to this version.
    Version(u32),
    /// Those not opened yet.
    NotOpened,
}

impl PinsShown {
    /// Reads the query's `version`.
    pub fn from_query(value: Option<&str>) -> PinsShown {
        match value {
            Some("none") => PinsShown::NotOpened,
            Some(n) => n.parse().map(PinsShown::Version).unwrap_or_default(),
            None => PinsShown::All,
        }
    }

    fn query_value(&self) -> String {
        match self {
            PinsShown::All => String::new(),
            PinsShown::Version(n) => n.to_string(),
            PinsShown::NotOpened => "none".to_owned(),
        }
    }

    /// The template page's address showing these pins on the page `trail` names.
    pub fn href(&self, template_id: &str, trail: &Trail) -> String {
        let (cursor, before) = trail.query_values();
        format!(
            "/dashboard/templates/{template_id}{}#pins",
            api::query(&[("version", &self.query_value()), ("cursor", &cursor), ("trail", &before)])
        )
    }

    /// The host's address of that page of pins.
    pub fn api_path(&self, template_id: &str, cursor: Option<&str>) -> String {
        format!(
            "/api/v1/templates/{template_id}/pins{}",
            api::query(&[("version", &self.query_value()), ("cursor", cursor.unwrap_or(""))])
        )
    }
}

/// Who added a version, for a person.
fn added_by(version: &VersionSummary, me: Option<&str>) -> String {
    if me == Some(version.created_by.as_str()) {
        return "You".to_owned();
    }
    version.created_by_name.clone().unwrap_or_else(|| version.created_by.clone())
}

/// The template screen (`/dashboard/templates/:id`).
#[component]
pub fn TemplatePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let template = LocalResource::new(move || {
        reload.track();
        let path = format!("/api/v1/templates/{}", api::encode(&id.get()));
        async move { api::get::<TemplateDetail>(&path).await }
    });
    let shown = Memo::new(move |_| PinsShown::from_query(query.read().get_str("version")));
    let trail = Memo::new(move |_| {
        let q = query.read();
        Trail::from_query(q.get_str("cursor"), q.get_str("trail"))
    });
    let pins = LocalResource::new(move || {
        reload.track();
        let path = shown.get().api_path(&api::encode(&id.get()), trail.get().cursor.as_deref());
        async move { api::get_page::<PinnedInterview>(&path).await }
    });
    let added = Memo::new(move |_| query.read().get("added"));
    let published = Memo::new(move |_| query.read().get("published"));

    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the template…"</p> }>
            {move || {
                template.get().map(|answer| match answer {
                    Ok(detail) => {
                        set_title(&detail.summary.name);
                        let notice = published
                            .get()
                            .map(|n| format!("Version {n} is live. New interviews get it when the client first opens the link."))
                            .or_else(|| added.get().map(|n| format!("Version {n} was added. It is not live until you publish it.")));
                        view! {
                            <a class="back-link" href="/dashboard/templates">"Back to templates"</a>
                            {notice.map(|text| view! { <div class="notice success" role="status">{text}</div> })}
                            <TemplateView detail=detail reload=reload />
                            <PinsSection id=id shown=shown trail=trail pins=pins />
                        }
                        .into_any()
                    }
                    Err(failure) if failure.status() == Some(404) => view! { <Missing /> }.into_any(),
                    Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// "Interviews by version": the pins table with its filter and pages.
#[component]
fn PinsSection(
    /// The template's id.
    id: Memo<String>,
    /// Which interviews are shown.
    shown: Memo<PinsShown>,
    /// Where the page sits among its pages.
    trail: Memo<Trail>,
    /// The page of pins.
    pins: LocalResource<Result<interview_api::Page<PinnedInterview>, Failure>>,
) -> impl IntoView {
    view! {
        <section class="pins" id="pins" aria-labelledby="pins-title">
            <h2 id="pins-title">"Interviews by version"</h2>
            <PinsFilter id=id shown=shown />
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading interviews…"</p> }>
                {move || {
                    pins.get().map(|answer| match answer {
                        Ok(found) => {
                            let (tid, shown, trail) = (id.get(), shown.get(), trail.get());
                            let previous = trail.previous().map(|t| shown.href(&tid, &t));
                            let next = found.next.as_deref().map(|n| shown.href(&tid, &trail.next(n)));
                            view! {
                                <PinsTable rows=found.items />
                                <Pager previous=previous next=next page=trail.page_number() />
                            }
                            .into_any()
                        }
                        Err(failure) if failure.status() == Some(404) => ().into_any(),
                        Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                    })
                }}
            </Transition>
        </section>
    }
}

/// The links choosing which interviews the pins table shows.
#[component]
fn PinsFilter(
    /// The template's id.
    id: Memo<String>,
    /// What is shown now.
    shown: Memo<PinsShown>,
) -> impl IntoView {
    move || {
        let current = shown.get();
        (current != PinsShown::All).then(|| {
            let what = match &current {
                PinsShown::Version(n) => format!("Showing the interviews pinned to version {n}."),
                _ => "Showing the interviews not opened yet.".to_owned(),
            };
            view! {
                <p>{what}" "<a href=PinsShown::All.href(&id.get(), &Trail::default())>"Show every interview"</a></p>
            }
        })
    }
}

/// The summary, the versions and the publish confirmation.
#[component]
fn TemplateView(
    /// The template.
    detail: TemplateDetail,
    /// Bumped to read the template again after a change.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let me = crate::dashboard::session::Session::get().user().map(|u| u.id);
    let summary = detail.summary;
    let id = summary.id.clone();
    let live = summary.live_version;
    let confirming = RwSignal::new(None::<u32>);
    let live_title = summary.versions.iter().find(|v| v.version == live).map(|v| v.title.clone()).unwrap_or_default();
    let not_opened = summary.interviews_not_opened;
    let rows = summary
        .versions
        .iter()
        .rev()
        .map(|v| {
            let n = v.version;
            let is_live = n == live;
            let pinned = if v.interviews == 0 {
                view! { "0" }.into_any()
            } else {
                let href = PinsShown::Version(n).href(&id, &Trail::default());
                view! { <a href=href aria-label=format!("{} interviews pinned to version {n}", v.interviews)>{v.interviews}</a> }.into_any()
            };
            view! {
                <tr>
                    <th scope="row">{format!("Version {n}")}</th>
                    <td>{v.title.clone()}</td>
                    <td>{when(&v.created_at)}</td>
                    <td>{added_by(v, me.as_deref())}</td>
                    <td class="numeric">{pinned}</td>
                    <td>{if is_live {
                        view! { <strong class="tag tag-submitted">"Live"</strong> }.into_any()
                    } else {
                        view! { <strong class="tag tag-draft">"Not live"</strong> }.into_any()
                    }}</td>
                    <td class="actions">
                        <a href=format!("/dashboard/templates/{}/versions/{n}/preview", id)
                            aria-label=format!("Preview version {n}")>"Preview"</a>
                        {(!is_live).then(|| view! {
                            <button type="button" class="button secondary small" aria-label=format!("Publish version {n}")
                                on:click=move |_| confirming.set(Some(n))>"Publish"</button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let not_opened_text = if not_opened == 0 {
        view! { "None" }.into_any()
    } else {
        let href = PinsShown::NotOpened.href(&id, &Trail::default());
        view! { <a href=href>{format!("{not_opened} (they get the live version when first opened)")}</a> }.into_any()
    };
    view! {
        <div class="page-heading">
            <h1>{summary.name.clone()}</h1>
            <a class="button" href=format!("/dashboard/templates/{}/versions/new", id)>"Add a version"</a>
        </div>
        <dl class="summary-list">
            <div><dt>"Live version"</dt><dd>{format!("Version {live}: {live_title}")}</dd></div>
            <div><dt>"Versions"</dt><dd>{summary.versions.len()}</dd></div>
            <div><dt>"Work items using it"</dt><dd>{summary.work_items}</dd></div>
            <div><dt>"Interviews not opened yet"</dt><dd>{not_opened_text}</dd></div>
            <div><dt>"Created"</dt><dd>{when(&summary.created_at)}</dd></div>
        </dl>
        {move || confirming.get().map(|n| view! { <ConfirmPublish template_id=summary.id.clone() version=n confirming=confirming reload=reload /> })}
        <h2>"Versions"</h2>
        <DataTable caption="Versions, newest first" columns=vec![Column::Text("Version"), Column::Text("Title"), Column::Text("Added"), Column::Text("By"), Column::Numeric("Interviews pinned"), Column::Text("Status"), Column::Hidden("Actions")]>
            {rows}
        </DataTable>
    }
}

/// "Publish version N?": what it changes, then yes or cancel.
#[component]
fn ConfirmPublish(
    /// The template's id.
    template_id: String,
    /// The version to publish.
    version: u32,
    /// Cleared to close the confirmation.
    confirming: RwSignal<Option<u32>>,
    /// Bumped once published.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let navigate = use_navigate();
    let heading = NodeRef::<html::H2>::new();
    let failure = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(el) = heading.get() {
            let _ = el.focus();
        }
    });
    let publish = move |_| {
        if busy.get_untracked() {
            return;
        }
        let path = format!("/api/v1/templates/{}/publish", api::encode(&template_id));
        let template_id = template_id.clone();
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, Published>(Method::Post, &path, &Publish { version }).await {
                Ok(done) => {
                    confirming.set(None);
                    navigate(&format!("/dashboard/templates/{template_id}?published={}", done.live_version), NavigateOptions::default());
                    reload.update(|n| *n += 1);
                }
                Err(f) => failure.set(Some(f)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="confirm" aria-labelledby="confirm-title">
            <h2 id="confirm-title" tabindex="-1" node_ref=heading>{format!("Publish version {version}?")}</h2>
            <p>{format!("New interviews get version {version} when the client first opens the link. Interviews already opened keep the version they were opened with.")}</p>
            {move || failure.get().map(|f| view! { <p class="field-error" role="alert">{f.message()}</p> })}
            <div class="button-group">
                <button type="button" class="button" on:click=publish disabled=move || busy.get()>{format!("Yes, publish version {version}")}</button>
                <button type="button" class="button secondary" on:click=move |_| confirming.set(None)>"Cancel"</button>
            </div>
        </section>
    }
}

/// The interviews with a section of the template: work item, client, the
/// version pinned, state and when sent.
#[component]
pub fn PinsTable(
    /// The rows, in the host's order (version, highest first; then newest first).
    rows: Vec<PinnedInterview>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No interview has been sent with this template yet."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|p| {
            let version = match p.version {
                Some(n) => format!("Version {n}"),
                None => "Not opened yet".to_owned(),
            };
            view! {
                <tr>
                    <th scope="row"><a href=format!("/dashboard/work-items/{}", p.work_item_id)>{p.work_item_name}</a></th>
                    <td>{p.client_name}</td>
                    <td>{version}</td>
                    <td><InterviewTag state=p.state /></td>
                    <td>{when(&p.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Interviews by the version they are pinned to" columns=vec![Column::Text("Work item"), Column::Text("Client"), Column::Text("Pinned to"), Column::Text("State"), Column::Text("Sent")]>
            {body}
        </DataTable>
    }
    .into_any()
}

/// "Add a version" (`/dashboard/templates/:id/versions/new`): a definition
/// from a file or pasted, optionally starting from the live one.
#[component]
pub fn NewVersionPage() -> impl IntoView {
    let params = use_params_map();
    let navigate = use_navigate();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let template = LocalResource::new(move || {
        let path = format!("/api/v1/templates/{}", api::encode(&id.get()));
        async move { api::get::<TemplateDetail>(&path).await }
    });
    let text = RwSignal::new(String::new());
    let engine = RwSignal::new(Vec::<TemplateProblem>::new());
    let message = RwSignal::new(None::<String>);
    let summary = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    set_title("Add a version");

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        engine.set(Vec::new());
        let definition = match read_definition(&text.get_untracked()) {
            Ok(value) => value,
            Err(m) => {
                message.set(Some(m.clone()));
                summary.set(vec![(m, "definition".to_owned())]);
                return;
            }
        };
        message.set(None);
        let tid = id.get_untracked();
        let path = format!("/api/v1/templates/{}/versions", api::encode(&tid));
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, VersionAdded>(Method::Post, &path, &NewVersion { definition }).await {
                Ok(added) => navigate(&format!("/dashboard/templates/{tid}?added={}", added.version), NavigateOptions::default()),
                Err(failure) => {
                    engine.set(template_problems(&failure));
                    message.set(Some(failure.message()));
                    summary.set(definition_problems(&failure, "definition"));
                }
            }
            busy.set(false);
        });
    };
    let start_from_live = move |_| {
        if let Some(Ok(detail)) = template.get_untracked() {
            text.set(serde_json::to_string_pretty(&detail.definition).unwrap_or_default());
            message.set(None);
            engine.set(Vec::new());
        }
    };

    view! {
        <a class="back-link" href=move || format!("/dashboard/templates/{}", id.get())>"Back to the template"</a>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the template…"</p> }>
            {move || template.get().map(|answer| match answer {
                Ok(detail) => {
                    set_title(&format!("Add a version of {}", detail.summary.name));
                    let live = detail.summary.live_version;
                    view! {
                        <h1>{format!("Add a version of {}", detail.summary.name)}</h1>
                        <p>{format!("The new version is not live until you publish it. Version {live} stays live meanwhile.")}</p>
                        <p><button type="button" class="button secondary" on:click=start_from_live>
                            {format!("Start from version {live} (live)")}
                        </button></p>
                    }.into_any()
                }
                Err(failure) if failure.status() == Some(404) => view! { <Missing /> }.into_any(),
                Err(failure) => view! { <Problem failure=failure /> }.into_any(),
            })}
        </Transition>
        {move || {
            let list = summary.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <form on:submit=submit novalidate class="wide">
            <DefinitionField text=text problems=engine message=message />
            <button type="submit" class="button" disabled=move || busy.get()>"Add version"</button>
        </form>
    }
}

/// What a template's screens show for an id that names none.
#[component]
pub fn Missing() -> impl IntoView {
    set_title("Template not found");
    view! {
        <h1>"Template not found"</h1>
        <p>"There is no such template or version. It may have been mistyped in the address."</p>
        <p><a href="/dashboard/templates">"Go to the templates"</a></p>
    }
}
