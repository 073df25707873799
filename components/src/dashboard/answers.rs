//! A work item's answers as the client saw them (labels, option labels,
//! repeats, files with name and size: the runtime's [`summary`] walk, the same
//! one the documents use), with a "Change" link per question; and the screen
//! that changes them in the client's own form component, with the client's
//! validation, saved as a new revision.

use std::collections::BTreeSet;

use interview_api::{AnsweredTemplate, WorkItemDetail};
use interview_runtime::summary::{self, Answer, Row};
use interview_runtime::{AnswerSet, Locale, Template};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

use super::api::{self, Failure, Method};
use super::set_title;
use super::widgets::{ErrorSummary, Problem};
use crate::form::{today_utc, InterviewForm};

/// A template read for showing answers: kept for the life of the page, as
/// the client's form needs it to be.
#[derive(Clone, Copy)]
pub struct TemplateText {
    /// The checked template.
    pub template: &'static Template,
}

impl std::fmt::Debug for TemplateText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateText").field("title", &self.template.title).finish()
    }
}

impl TemplateText {
    /// Fetches the template version the answers of work item `id` belong to.
    pub async fn fetch(work_item_id: &str) -> Result<TemplateText, Failure> {
        let path = format!("/api/v1/work-items/{}/template", api::encode(work_item_id));
        let found = api::get::<AnsweredTemplate>(&path).await?;
        let template = Template::unpack(&found.template_packed).map_err(|e| Failure::Http {
            status: 200,
            error: interview_api::ApiError {
                code: "unreadable_template".to_owned(),
                message: format!("The template could not be read: {e}"),
                attempts_left: None,
                retry_after: None,
                errors: None,
            },
        })?;
        Ok(TemplateText { template: Box::leak(Box::new(template)) })
    }

    /// The label of question `id` (else the id itself).
    pub fn label_of(&self, id: &str) -> String {
        self.template
            .items
            .iter()
            .find(|item| item.id.as_deref() == Some(id))
            .map(|item| item.display_name().to_owned())
            .unwrap_or_else(|| id.to_owned())
    }
}

/// The answers laid out page by page, each question with a "Change" link to
/// `change_href?page=<page id>` when given.
#[component]
pub fn AnswersView(
    /// The template the answers belong to.
    template: TemplateText,
    /// The answers.
    answers: AnswerSet,
    /// Where "Change" goes (the edit screen); none for a read-only view.
    change_href: Option<String>,
) -> impl IntoView {
    let today = today();
    let sections = summary::sections(template.template, &answers, today);
    if sections.is_empty() {
        return view! { <p class="empty">"No questions are answered."</p> }.into_any();
    }
    sections
        .into_iter()
        .map(|section| {
            let href = change_href.as_ref().map(|base| format!("{base}{}", api::query(&[("page", &section.page_id)])));
            view! {
                <h3>{section.title.clone()}</h3>
                <dl class="summary-list">{section.rows.into_iter().map(|row| view! { <AnswerRow row=row change=href.clone() /> }).collect_view()}</dl>
            }
        })
        .collect_view()
        .into_any()
}

/// One answered question: its label, the answer, and "Change".
#[component]
fn AnswerRow(
    /// The question and its answer.
    row: Row,
    /// Where "Change" goes, if anywhere.
    change: Option<String>,
) -> impl IntoView {
    let label = row.label.clone();
    view! {
        <div>
            <dt>{row.label}</dt>
            <dd><AnswerText answer=row.answer /></dd>
            {change.map(|href| view! {
                <dd class="actions"><a href=href>"Change"<span class="visually-hidden">{format!(" {label}")}</span></a></dd>
            })}
        </div>
    }
}

/// An answer for people: text (line breaks kept), a list, or a repeat's entries.
#[component]
fn AnswerText(
    /// The answer.
    answer: Answer,
) -> impl IntoView {
    match answer {
        Answer::Text(text) => view! { <span class="answer-text">{text}</span> }.into_any(),
        Answer::List(items) => view! { <ul class="answer-list">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }.into_any(),
        Answer::Entries(entries) => entries
            .into_iter()
            .map(|entry| {
                view! {
                    <div class="answer-entry">
                        <h4>{entry.title}</h4>
                        <dl class="summary-list">
                            {entry.rows.into_iter().map(|row| view! { <AnswerRow row=row change=None /> }).collect_view()}
                        </dl>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
    }
}

/// Today in UTC by the browser's clock (1 January 1970 if the clock is out of
/// the calendar's range, which only a broken clock is).
fn today() -> interview_runtime::date::Date {
    today_utc().unwrap_or(interview_runtime::date::Date::UNIX_EPOCH)
}

/// The labels of the questions whose answers differ between `before` and
/// `after`, in the order of their ids (labels from `template` when known).
pub fn changed_questions(before: &AnswerSet, after: &AnswerSet, template: Option<&TemplateText>) -> Vec<String> {
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).collect();
    ids.into_iter().map(|id| template.map(|t| t.label_of(id)).unwrap_or_else(|| id.clone())).collect()
}

/// The screen that changes a work item's answers
/// (`/dashboard/work-items/:id/answers?page=<page id>`): the client's form,
/// opened on that page, with the client's validation; "Save answers" on its
/// last page keeps them as a new revision and goes back to the work item.
#[component]
pub fn EditAnswersPage() -> impl IntoView {
    set_title("Change the answers");
    let params = use_params_map();
    let query = use_query_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let page = query.read_untracked().get("page");
    let back = format!("/dashboard/work-items/{id}");
    let loaded = LocalResource::new({
        let id = id.clone();
        move || {
            let id = id.clone();
            async move {
                let item = api::get::<WorkItemDetail>(&format!("/api/v1/work-items/{}", api::encode(&id))).await?;
                let template = TemplateText::fetch(&item.id).await?;
                Ok::<_, Failure>((item, template))
            }
        }
    });
    view! {
        <a class="back-link" href=back.clone()>"Back to the work item"</a>
        <h1>"Change the answers"</h1>
        <p class="hint">"The same checks as the client's apply. Saving keeps the answers as a new revision; the earlier ones stay in the history."</p>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the form…"</p> }>
            {move || {
                let page = page.clone();
                loaded.get().map(move |answer| match answer {
                    Ok((item, template)) => view! { <EditForm item=item template=template page=page /> }.into_any(),
                    Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// The client's form for a loaded work item, mounted in a shadow root with the
/// client's styles, saving through the staff API.
#[component]
fn EditForm(
    /// The work item.
    item: WorkItemDetail,
    /// Its template.
    template: TemplateText,
    /// The id of the page to open on.
    page: Option<String>,
) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    let finished = RwSignal::new(None::<AnswerSet>);
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let navigate = use_navigate();
    let start_page = page.and_then(|p| template.template.pages.iter().position(|pg| pg.id == p));
    let today = today();
    let answers = item.answers.clone();
    let mounted = StoredValue::new_local(None::<crate::Mounted>);
    Effect::new(move |_| {
        let Some(host) = node.get() else { return };
        if mounted.with_value(Option::is_some) {
            return;
        }
        let answers = answers.clone();
        let template = template.template;
        let result = crate::mount_view(&host, Locale::En, move |slot| {
            Box::new(leptos::mount::mount_to(slot, move || {
                view! {
                    <InterviewForm
                        template=template
                        answers=answers
                        today=today
                        start_page=start_page
                        finish_label="Save answers"
                        on_finish=Callback::new(move |kept: AnswerSet| finished.set(Some(kept)))
                    />
                }
            }))
        });
        match result {
            Ok(form) => mounted.set_value(Some(form)),
            Err(_) => problems.set(vec![("The form could not be shown.".to_owned(), String::new())]),
        }
    });
    on_cleanup(move || {
        mounted.update_value(|form| {
            if let Some(form) = form.as_mut() {
                form.unmount();
            }
        });
    });
    let id = item.id.clone();
    Effect::new(move |_| {
        let Some(answers) = finished.get() else { return };
        let id = id.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/work-items/{}/answers", api::encode(&id));
            match api::call::<_, serde_json::Value>(Method::Put, &path, &answers).await {
                Ok(_) => navigate(&format!("/dashboard/work-items/{id}?saved=1"), NavigateOptions::default()),
                Err(failure) => {
                    let mut list = vec![(failure.message(), String::new())];
                    for p in failure.problems() {
                        if let (Some(path), Some(message)) = (p.get("path").and_then(|v| v.as_str()), p.get("message").and_then(|v| v.as_str())) {
                            list.push((format!("{path}: {message}"), String::new()));
                        }
                    }
                    problems.set(list);
                }
            }
        });
    });
    view! {
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <div class="client-form" node_ref=node></div>
    }
}
