//! The templates screens: the list with each template's live version and
//! use, "Add a template" (a JSON file or pasted text, the engine's problems
//! shown by path), and on an empty site the example templates, one button
//! each, so a newcomer has a template within a minute of signing in.
//!
//! - [`page`]: one template: its versions, "Publish" with a confirmation,
//!   "Add a version", and which interviews are pinned to which version.
//! - [`preview`]: any version in the real interview form, answers not kept.
//!
//! The examples ship in the bundle (`include_str!` of examples/templates/):
//! about 2 KB brotli, and they work offline from the host's data.

pub mod page;
pub mod preview;

use interview_api::{NewTemplate, TemplateCreated, TemplateProblem, TemplateSummary};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use super::api::{self, Failure, Method};
use super::set_title;
use super::widgets::{when, Column, DataTable, ErrorSummary, Problem};

/// An example template offered on an empty site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// The name the template gets.
    pub name: &'static str,
    /// The word in its button ("Add the intake example").
    pub word: &'static str,
    /// What it asks, in one sentence.
    pub about: &'static str,
    /// Its definition (JSON text).
    pub definition: &'static str,
}

/// The examples of examples/templates/, in the order offered.
pub const EXAMPLES: [Example; 2] = [
    Example {
        name: "Client intake (example)",
        word: "intake",
        about: "A new client's details, family and income over three pages, with a repeat for children and computed values.",
        definition: include_str!("../../../examples/templates/intake.json"),
    },
    Example {
        name: "Identity documents (example)",
        word: "KYC",
        about: "A know-your-customer request: identity and address documents as file uploads.",
        definition: include_str!("../../../examples/templates/kyc.json"),
    },
];

/// The templates screen: the table, or the examples when there is none yet.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    set_title("Templates");
    let list = LocalResource::new(|| async { api::get::<Vec<TemplateSummary>>("/api/v1/templates").await });
    view! {
        <div class="page-heading">
            <h1>"Templates"</h1>
            <a class="button" href="/dashboard/templates/new">"Add a template"</a>
        </div>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading templates…"</p> }>
            {move || {
                list.get().map(|answer| match answer {
                    Ok(rows) if rows.is_empty() => view! { <Examples /> }.into_any(),
                    Ok(rows) => view! { <TemplateTable rows=rows /> }.into_any(),
                    Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// The table of templates: name (a link to its page), live version, number
/// of versions, work items using it, and when it was made.
#[component]
pub fn TemplateTable(
    /// The templates, in the host's order (by name).
    rows: Vec<TemplateSummary>,
) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|t| {
            let live_title = t.versions.iter().find(|v| v.version == t.live_version).map(|v| v.title.clone()).unwrap_or_default();
            view! {
                <tr>
                    <th scope="row"><a href=format!("/dashboard/templates/{}", t.id)>{t.name}</a></th>
                    <td>{format!("Version {}", t.live_version)}<span class="hint-inline">{live_title}</span></td>
                    <td class="numeric">{t.versions.len()}</td>
                    <td class="numeric">{t.work_items}</td>
                    <td>{when(&t.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Templates, by name" columns=vec![Column::Text("Name"), Column::Text("Live version"), Column::Numeric("Versions"), Column::Numeric("Work items"), Column::Text("Created")]>
            {body}
        </DataTable>
    }
}

/// What an empty site offers: each example with its own button.
#[component]
pub fn Examples() -> impl IntoView {
    let navigate = use_navigate();
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let cards = EXAMPLES
        .into_iter()
        .map(|example| {
            let navigate = navigate.clone();
            let add = move |_| {
                if busy.get_untracked() {
                    return;
                }
                let definition = match serde_json::from_str(example.definition) {
                    Ok(value) => value,
                    Err(e) => {
                        problems.set(vec![(format!("The {} example cannot be read: {e}", example.word), String::new())]);
                        return;
                    }
                };
                let body = NewTemplate { name: example.name.to_owned(), definition };
                let navigate = navigate.clone();
                busy.set(true);
                leptos::task::spawn_local(async move {
                    match api::call::<_, TemplateCreated>(Method::Post, "/api/v1/templates", &body).await {
                        Ok(made) => navigate(&format!("/dashboard/templates/{}", made.id), NavigateOptions::default()),
                        Err(failure) => problems.set(definition_problems(&failure, "")),
                    }
                    busy.set(false);
                });
            };
            view! {
                <li class="example">
                    <h3>{example.name}</h3>
                    <p>{example.about}</p>
                    <button type="button" class="button secondary" on:click=add disabled=move || busy.get()>
                        {format!("Add the {} example", example.word)}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <section class="examples" aria-labelledby="examples-title">
            <h2 id="examples-title">"Start from an example"</h2>
            <p>"There are no templates yet. Add an example to send yourself a first interview in a minute, or "
                <a href="/dashboard/templates/new">"add your own template"</a>"."</p>
            <ul class="example-list">{cards}</ul>
        </section>
    }
}

/// The engine's problems with a definition, as `422 invalid_template` lists them.
pub fn template_problems(failure: &Failure) -> Vec<TemplateProblem> {
    failure.problems().into_iter().filter_map(|p| serde_json::from_value(p).ok()).collect()
}

/// The error summary's lines for a refused template or version: the host's
/// sentence, then each problem with its path, all linking to `field`
/// (the name's field for a bad name).
pub fn definition_problems(failure: &Failure, field: &str) -> Vec<(String, String)> {
    let field = if failure.code() == "invalid_name" { "name" } else { field };
    let mut lines = vec![(failure.message(), field.to_owned())];
    lines.extend(template_problems(failure).into_iter().map(|p| (format!("{}: {}", p.path, p.message), field.to_owned())));
    lines
}

/// Reads pasted or loaded definition text as JSON, or says why it is not.
pub fn read_definition(text: &str) -> Result<serde_json::Value, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err("Choose a JSON file or paste the template's definition.".to_owned());
    }
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(value @ serde_json::Value::Object(_)) => Ok(value),
        Ok(_) => Err("The definition must be a JSON object (it starts with `{`).".to_owned()),
        Err(e) => Err(format!("The definition is not JSON: {e}.")),
    }
}

/// The engine's problems under the definition field, each with its path.
#[component]
pub fn ProblemList(
    /// The problems, in the engine's order.
    problems: Vec<TemplateProblem>,
    /// The list's element id (the field's `aria-describedby` names it).
    id: &'static str,
) -> impl IntoView {
    let items = problems
        .into_iter()
        .map(|p| view! { <li><code class="path">{p.path}</code>" "{p.message}</li> })
        .collect_view();
    view! {
        <div class="field-error" id=id>
            <span class="visually-hidden">"Error: "</span>
            "The engine found these problems, each at its path in the definition:"
            <ul class="problem-list">{items}</ul>
        </div>
    }
}

/// The definition of a template or version: a JSON file, read into the text
/// box, or pasted there; what is in the box is what is sent. The engine's
/// problems from the host are listed under it by path.
#[component]
pub fn DefinitionField(
    /// The definition text (the box's content).
    text: RwSignal<String>,
    /// The engine's problems from the last try.
    problems: RwSignal<Vec<TemplateProblem>>,
    /// A message about the text itself (empty, not JSON), when there is one.
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let read_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(read) => {
                    text.set(read.as_string().unwrap_or_default());
                    message.set(None);
                    problems.set(Vec::new());
                }
                Err(_) => message.set(Some(format!("The file {} could not be read.", file.name()))),
            }
        });
    };
    let invalid = move || message.with(Option::is_some) || problems.with(|p| !p.is_empty());
    let described = move || {
        let mut ids = vec!["definition-hint"];
        if message.with(Option::is_some) {
            ids.push("definition-message");
        }
        if problems.with(|p| !p.is_empty()) {
            ids.push("definition-problems");
        }
        ids.join(" ")
    };
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for="definition-file">"Definition file (JSON)"</label>
            <p class="hint" id="definition-file-hint">"Its text is put in the box below, where you can change it."</p>
            <input id="definition-file" type="file" accept=".json,application/json" aria-describedby="definition-file-hint" on:change=read_file />
        </div>
        <div class="field" class:field-invalid=invalid>
            <label for="definition">"Definition"</label>
            <p class="hint" id="definition-hint">"The template document (format interview/1), from the file above or pasted here."</p>
            {move || message.get().map(|m| view! {
                <p class="field-error" id="definition-message"><span class="visually-hidden">"Error: "</span>{m}</p>
            })}
            {move || {
                let list = problems.get();
                (!list.is_empty()).then(|| view! { <ProblemList problems=list id="definition-problems" /> })
            }}
            <textarea id="definition" class="code" rows="16" spellcheck="false"
                aria-describedby=described aria-invalid=move || invalid().then_some("true")
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
        </div>
    }
}

/// "Add a template": a name and a definition; on success, the template's page.
#[component]
pub fn NewTemplatePage() -> impl IntoView {
    set_title("Add a template");
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let engine = RwSignal::new(Vec::<TemplateProblem>::new());
    let message = RwSignal::new(None::<String>);
    let name_message = RwSignal::new(None::<String>);
    let summary = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut lines = Vec::new();
        let chosen = name.get_untracked().trim().to_owned();
        name_message.set(None);
        message.set(None);
        engine.set(Vec::new());
        if chosen.is_empty() {
            let m = "Enter a name for the template.".to_owned();
            name_message.set(Some(m.clone()));
            lines.push((m, "name".to_owned()));
        }
        let definition = match read_definition(&text.get_untracked()) {
            Ok(value) => Some(value),
            Err(m) => {
                message.set(Some(m.clone()));
                lines.push((m, "definition".to_owned()));
                None
            }
        };
        let Some(definition) = definition.filter(|_| lines.is_empty()) else {
            summary.set(lines);
            return;
        };
        let body = NewTemplate { name: chosen, definition };
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, TemplateCreated>(Method::Post, "/api/v1/templates", &body).await {
                Ok(made) => navigate(&format!("/dashboard/templates/{}", made.id), NavigateOptions::default()),
                Err(failure) => {
                    if failure.code() == "invalid_name" {
                        name_message.set(Some(failure.message()));
                    } else {
                        engine.set(template_problems(&failure));
                        message.set(Some(failure.message()));
                    }
                    summary.set(definition_problems(&failure, "definition"));
                }
            }
            busy.set(false);
        });
    };

    view! {
        <a class="back-link" href="/dashboard/templates">"Back to templates"</a>
        <h1>"Add a template"</h1>
        {move || {
            let list = summary.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <form on:submit=submit novalidate class="wide">
            <div class="field" class:field-invalid=move || name_message.with(Option::is_some)>
                <label for="name">"Name"</label>
                <p class="hint" id="name-hint">"What staff see when they choose a template, such as \"Client intake\"."</p>
                {move || name_message.get().map(|m| view! {
                    <p class="field-error" id="name-error"><span class="visually-hidden">"Error: "</span>{m}</p>
                })}
                <input id="name" type="text" maxlength="200" required
                    aria-describedby=move || if name_message.with(Option::is_some) { "name-hint name-error" } else { "name-hint" }
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <DefinitionField text=text problems=engine message=message />
            <button type="submit" class="button" disabled=move || busy.get()>"Add template"</button>
        </form>
    }
}
