//! The interview form: one page of a checked template at a time, with native,
//! labelled controls, Back/Next, a progress indicator and the runtime's
//! validation shown as an error summary plus inline messages.
//!
//! The answers live in an [`Interview`] held in a [`StoredValue`]; each change
//! goes through [`Interview::set`], and only the items the runtime reports as
//! changed (visibility or value) are told to update, through one trigger per
//! item. Notes are evaluated on demand by the runtime (nothing in its plan
//! depends on them), so they listen to every change instead.

use std::cell::Cell;

use interview_runtime::date::Date;
use interview_runtime::interview::Interview;
use interview_runtime::template::{ChoiceDisplay, ChoiceOption, ItemId, ItemKind, Template};
use interview_runtime::validate::{self, FieldError};
use interview_runtime::value::number_to_json;
use interview_runtime::AnswerSet;
use leptos::html;
use leptos::prelude::*;
use serde_json::Value as Json;
use wasm_bindgen::JsCast;

thread_local! {
    /// Numbers the mounted forms, so element ids stay unique when two
    /// interviews share one page (or one shadow root).
    static NEXT_INSTANCE: Cell<u32> = const { Cell::new(0) };
}

/// A fresh id prefix for one form instance (`iv1`, `iv2`, ...).
fn next_prefix() -> String {
    NEXT_INSTANCE.with(|next| {
        let n = next.get().wrapping_add(1);
        next.set(n);
        format!("iv{n}")
    })
}

/// Today's date in UTC, as the host counts it, for the date rules; `None`
/// only if the browser's clock is outside the years the runtime accepts.
pub fn today_utc() -> Option<Date> {
    let now = js_sys::Date::new_0();
    Date::from_ymd(
        now.get_utc_full_year() as i32,
        now.get_utc_month() + 1,
        now.get_utc_date(),
    )
}

/// The reactive wrapper around the runtime's interview.
#[derive(Clone, Copy)]
struct Store {
    /// The evaluated interview; local storage because it borrows the template.
    interview: StoredValue<Interview<'static>, LocalStorage>,
    /// One trigger per template item (by arena index), fired when the runtime
    /// reports that item's visibility or value changed.
    items: StoredValue<Vec<ArcTrigger>>,
    /// Fired when any page's visibility changed.
    pages: Trigger,
    /// Fired on every change (for notes, which the runtime evaluates on demand).
    any: Trigger,
}

impl Store {
    fn new(interview: Interview<'static>) -> Store {
        let count = interview.template().items.len();
        Store {
            interview: StoredValue::new_local(interview),
            items: StoredValue::new((0..count).map(|_| ArcTrigger::new()).collect()),
            pages: Trigger::new(),
            any: Trigger::new(),
        }
    }

    /// Subscribes the running effect to changes of `item`.
    fn track(&self, item: ItemId) {
        self.items.with_value(|triggers| {
            if let Some(trigger) = triggers.get(item.index()) {
                trigger.track();
            }
        });
    }

    /// Reads the interview without subscribing.
    fn read<R>(&self, f: impl FnOnce(&Interview<'static>) -> R) -> R {
        self.interview.with_value(f)
    }

    /// The answer of a top-level item as given, if any.
    fn raw(&self, item: ItemId) -> Option<Json> {
        self.read(|iv| iv.raw(item, &[]).cloned())
    }

    /// Sets a top-level answer and wakes only what the runtime says changed.
    fn set(&self, item: ItemId, value: Json) {
        let Some(changes) = self
            .interview
            .try_update_value(|iv| iv.set(item, &[], value))
        else {
            return;
        };
        self.items.with_value(|triggers| {
            if changes.everything {
                triggers.iter().for_each(|t| t.notify());
            } else {
                for (changed, _) in &changes.items {
                    if let Some(trigger) = triggers.get(changed.index()) {
                        trigger.notify();
                    }
                }
            }
        });
        if changes.everything || !changes.pages.is_empty() {
            self.pages.notify();
        }
        self.any.notify();
    }
}

/// What every control needs: the store, the errors shown, and the instance's id prefix.
#[derive(Clone)]
struct Ctx {
    store: Store,
    errors: RwSignal<Vec<FieldError>>,
    prefix: String,
}

impl Ctx {
    /// The element id of an item's (first) control, unique to this form instance.
    fn field_id(&self, item: ItemId) -> String {
        let id = self.store.read(|iv| iv.template().item(item).id.clone());
        match id {
            Some(id) => format!("{}-{id}", self.prefix),
            // Notes may have no id: the arena index is unique too.
            None => format!("{}-item{}", self.prefix, item.index()),
        }
    }
}

/// The top-level question an error path belongs to (`children[1].name` -> `children`).
fn top_id(path: &str) -> &str {
    let end = path.find(['[', '.']).unwrap_or(path.len());
    &path[..end]
}

/// The answers with each unanswered top-level question's `default` filled in.
fn with_defaults(template: &Template, mut answers: AnswerSet) -> AnswerSet {
    for page in &template.pages {
        for item_id in &page.items {
            let item = template.item(*item_id);
            if let (Some(id), Some(default)) = (&item.id, &item.default) {
                if answers.get(id).is_none_or(Json::is_null) {
                    answers.insert(id.clone(), default.clone());
                }
            }
        }
    }
    answers
}

/// Moves focus to an element once the pending DOM updates have been applied
/// (Leptos applies them in a microtask; an animation frame comes after).
fn focus_later(target: impl FnOnce() -> Option<web_sys::HtmlElement> + 'static) {
    request_animation_frame(move || {
        if let Some(element) = target() {
            // Focus can only fail on a detached element: nothing to do then.
            let _ = element.focus();
        }
    });
}

/// The interview a client fills in: one page of `template` at a time, validated
/// by the runtime when the client moves on.
#[component]
pub fn InterviewForm(
    /// The checked template; `'static` because the runtime's interview borrows it
    /// for as long as the form lives.
    template: &'static Template,
    /// Answers to start from (saved progress or initial answers).
    #[prop(optional)]
    answers: AnswerSet,
    /// The day the date rules count as today (the caller's clock, in UTC).
    today: Date,
    /// Called with the kept (normalised) answers when the last page is valid.
    #[prop(optional, into)]
    on_finish: Option<Callback<AnswerSet>>,
    /// Called with the answers as given after every change (for drafts).
    #[prop(optional, into)]
    on_change: Option<Callback<AnswerSet>>,
    /// The page to open on (a template page index; the first shown page when
    /// absent or hidden).
    #[prop(default = None)]
    start_page: Option<usize>,
    /// When given, Back shows on the first page too and calls this (going back
    /// to the previous section).
    #[prop(default = None)]
    on_back: Option<Callback<()>>,
    /// The last page's button text [default: "Finish"].
    #[prop(optional, into)]
    finish_label: Option<String>,
) -> impl IntoView {
    let store = Store::new(Interview::new(
        template,
        with_defaults(template, answers),
        today,
    ));
    let errors: RwSignal<Vec<FieldError>> = RwSignal::new(Vec::new());
    let prefix = next_prefix();
    let ctx = Ctx {
        store,
        errors,
        prefix: prefix.clone(),
    };

    let visible_pages = Memo::new(move |_| {
        store.pages.track();
        store.read(Interview::visible_pages)
    });
    let first_page = store.read(|iv| iv.visible_pages().first().copied().unwrap_or(0));
    let opening = start_page
        .filter(|p| store.read(|iv| iv.is_page_visible(*p)))
        .unwrap_or(first_page);
    let current = RwSignal::new(opening);
    if let Some(callback) = on_change {
        Effect::new(move |_| {
            store.any.track();
            callback.run(store.read(|iv| iv.answers().clone()));
        });
    }
    let finish_label = finish_label.unwrap_or_else(|| "Finish".to_owned());

    // "Page N of M" counts shown pages only; a page hidden while on it keeps
    // its place among the ones around it.
    let position = move || {
        let cur = current.get();
        visible_pages.with(|pages| pages.iter().filter(|p| **p < cur).count() + 1)
    };
    let total = move || visible_pages.with(|pages| pages.len().max(1));
    let is_last = move || {
        let cur = current.get();
        visible_pages.with(|pages| !pages.iter().any(|p| *p > cur))
    };
    let is_first = move || {
        let cur = current.get();
        visible_pages.with(|pages| !pages.iter().any(|p| *p < cur))
    };

    let summary_ref: NodeRef<html::Div> = NodeRef::new();
    let heading_ref: NodeRef<html::H2> = NodeRef::new();
    let form_ref: NodeRef<html::Form> = NodeRef::new();
    let focus_heading = move || {
        focus_later(move || heading_ref.get_untracked().map(|h| h.unchecked_into()));
    };

    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let page = current.get_untracked();
        let found = store.read(|iv| validate::page_errors(iv, page));
        if !found.is_empty() {
            errors.set(found);
            focus_later(move || summary_ref.get_untracked().map(|d| d.unchecked_into()));
            return;
        }
        errors.set(Vec::new());
        let following =
            visible_pages.with_untracked(|pages| pages.iter().copied().find(|p| *p > page));
        match following {
            Some(p) => {
                current.set(p);
                focus_heading();
            }
            None => {
                if let Some(callback) = on_finish {
                    callback.run(store.read(validate::normalised));
                }
            }
        }
    };
    let back = move |_| {
        let page = current.get_untracked();
        let previous =
            visible_pages.with_untracked(|pages| pages.iter().copied().rev().find(|p| *p < page));
        if let Some(p) = previous {
            errors.set(Vec::new());
            current.set(p);
            focus_heading();
        } else if let Some(callback) = on_back {
            callback.run(());
        }
    };
    let has_back = on_back.is_some();

    let summary_heading = format!("{prefix}-summary-title");
    let summary_labelled_by = summary_heading.clone();
    let progress_id = format!("{prefix}-progress");
    let summary_ctx = ctx.clone();
    let page_ctx = ctx;

    view! {
        <section class="interview" id=prefix.clone()>
            <h1 class="interview-title">{template.title.clone()}</h1>
            {move || {
                (current.get() == first_page)
                    .then(|| template.description.clone())
                    .flatten()
                    .map(|text| view! { <p class="interview-description">{text}</p> })
            }}
            <p class="interview-progress" id=progress_id.clone()>
                {move || format!("Page {} of {}", position(), total())}
            </p>
            <progress
                class="interview-progress-bar"
                aria-labelledby=progress_id
                max=move || total().to_string()
                value=move || position().to_string()
            ></progress>
            <div
                class="error-summary"
                role="alert"
                tabindex="-1"
                aria-labelledby=summary_labelled_by
                hidden=move || errors.with(Vec::is_empty)
                node_ref=summary_ref
            >
                <h2 id=summary_heading class="error-summary-title">"There is a problem"</h2>
                <ul class="error-summary-list">
                    {move || {
                        let ctx = summary_ctx.clone();
                        errors
                            .get()
                            .into_iter()
                            .map(|error| summary_link(&ctx, form_ref, error))
                            .collect_view()
                    }}
                </ul>
            </div>
            <form class="interview-page" novalidate=true on:submit=next node_ref=form_ref>
                {move || {
                    let page = current.get();
                    untrack(|| page_view(&page_ctx, page, heading_ref))
                }}
                <div class="interview-nav">
                    <button type="button" class="interview-back" hidden=move || is_first() && !has_back on:click=back>
                        "Back"
                    </button>
                    <button type="submit" class="interview-next">
                        {move || if is_last() { finish_label.clone() } else { "Next".to_owned() }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// One entry of the error summary: a link that focuses the field it names.
fn summary_link(ctx: &Ctx, form_ref: NodeRef<html::Form>, error: FieldError) -> impl IntoView {
    let target = ctx
        .store
        .read(|iv| iv.template().top_level(top_id(&error.path)))
        .map(|item| ctx.field_id(item))
        .unwrap_or_default();
    let href = format!("#{target}");
    // A fragment link cannot reach into a shadow root (the document resolves
    // it), so the click focuses the field itself.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let selector = format!("#{target}");
        let field = form_ref
            .get_untracked()
            .and_then(|form| form.query_selector(&selector).ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            field.scroll_into_view();
            let _ = field.focus();
        }
    };
    view! { <li><a href=href on:click=on_click>{error.message}</a></li> }
}

/// The heading and the items of one page.
fn page_view(ctx: &Ctx, page: usize, heading_ref: NodeRef<html::H2>) -> AnyView {
    let (title, items) = ctx.store.read(|iv| {
        iv.template()
            .pages
            .get(page)
            .map(|p| (p.title.clone(), p.items.clone()))
            .unwrap_or_default()
    });
    let items = items
        .into_iter()
        .map(|item| {
            let store = ctx.store;
            let visible = Memo::new(move |_| {
                store.track(item);
                store.read(|iv| iv.is_visible(item, &[]))
            });
            let ctx = ctx.clone();
            move || visible.get().then(|| untrack(|| item_view(&ctx, item)))
        })
        .collect_view();
    view! {
        <h2 class="interview-page-title" tabindex="-1" node_ref=heading_ref>{title}</h2>
        {items}
    }
    .into_any()
}

/// What a text-like input stores: the text as typed, or null when blank.
fn text_answer(text: String) -> Json {
    if text.trim().is_empty() {
        Json::Null
    } else {
        Json::String(text)
    }
}

/// What a number input stores: a JSON number, null when blank, and the text
/// itself when it is not a number (the runtime reports it as the wrong type).
fn number_answer(text: String) -> Json {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Json::Null;
    }
    match trimmed.parse::<f64>() {
        Ok(n) if n.is_finite() => number_to_json(n),
        _ => Json::String(text),
    }
}

/// The ids and reactive attributes one control shares with its label, help and error.
struct Field {
    item: ItemId,
    id: String,
    label: String,
    help: Option<String>,
    help_id: String,
    error_id: String,
    messages: Memo<Vec<String>>,
}

impl Field {
    fn new(ctx: &Ctx, item: ItemId) -> Field {
        let id = ctx.field_id(item);
        let (label, help, key) = ctx.store.read(|iv| {
            let it = iv.template().item(item);
            (
                it.display_name().to_owned(),
                it.help.clone(),
                it.id_str().to_owned(),
            )
        });
        let errors = ctx.errors;
        let messages = Memo::new(move |_| {
            errors.with(|list| {
                list.iter()
                    .filter(|e| top_id(&e.path) == key)
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
            })
        });
        Field {
            item,
            help_id: format!("{id}-help"),
            error_id: format!("{id}-error"),
            id,
            label,
            help,
            messages,
        }
    }

    /// `aria-describedby`: the help text and, while shown, the error message.
    fn described_by(&self) -> impl Fn() -> Option<String> + Send + Sync + Clone + 'static {
        let help = self.help.as_ref().map(|_| self.help_id.clone());
        let error = self.error_id.clone();
        let messages = self.messages;
        move || {
            let mut ids: Vec<String> = help.iter().cloned().collect();
            if messages.with(|m| !m.is_empty()) {
                ids.push(error.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }

    /// `aria-invalid`: present, as "true", only while an error is shown.
    fn invalid(&self) -> impl Fn() -> Option<&'static str> + Send + Sync + Clone + 'static {
        let messages = self.messages;
        move || messages.with(|m| !m.is_empty()).then_some("true")
    }

    fn help_view(&self) -> Option<impl IntoView> {
        let id = self.help_id.clone();
        self.help
            .clone()
            .map(|text| view! { <p class="field-help" id=id>{text}</p> })
    }

    fn error_view(&self) -> impl IntoView {
        let id = self.error_id.clone();
        let messages = self.messages;
        move || {
            let text = messages.with(|m| m.join(" "));
            (!text.is_empty()).then(|| {
                view! {
                    <p class="field-error" id=id.clone()>
                        <span class="visually-hidden">"Error: "</span>
                        {text}
                    </p>
                }
            })
        }
    }
}

/// The control(s) for one item, by its type.
fn item_view(ctx: &Ctx, item: ItemId) -> AnyView {
    let store = ctx.store;
    let (kind, today) = store.read(|iv| (iv.template().item(item).kind.clone(), iv.today()));
    match kind {
        ItemKind::Text {
            multiline: true, ..
        } => textarea_view(ctx, item),
        ItemKind::Text { .. } => input_view(ctx, item, "text", None, None, None),
        ItemKind::Email => input_view(ctx, item, "email", Some("email"), None, None),
        ItemKind::Phone { .. } => input_view(ctx, item, "tel", Some("tel"), None, None),
        ItemKind::Date { min, max } => {
            let bound = |b: Option<interview_runtime::template::DateBound>| {
                b.map(|b| b.resolve(today).to_string())
            };
            input_view(ctx, item, "date", None, bound(min), bound(max))
        }
        ItemKind::Number { integer, .. } => number_view(ctx, item, integer),
        ItemKind::YesNo => {
            let options = vec![
                ChoiceOption {
                    value: "true".to_owned(),
                    label: "Yes".to_owned(),
                },
                ChoiceOption {
                    value: "false".to_owned(),
                    label: "No".to_owned(),
                },
            ];
            let checked = match store.raw(item) {
                Some(Json::Bool(true)) => vec!["true".to_owned()],
                Some(Json::Bool(false)) => vec!["false".to_owned()],
                _ => Vec::new(),
            };
            group_view(ctx, item, "radio", options, checked, move |value, _| {
                store.set(item, Json::Bool(value == "true"));
            })
        }
        ItemKind::Choice {
            options,
            display: ChoiceDisplay::Dropdown,
        } => select_view(ctx, item, options),
        ItemKind::Choice { options, .. } => {
            let checked = match store.raw(item) {
                Some(Json::String(s)) => vec![s],
                _ => Vec::new(),
            };
            group_view(ctx, item, "radio", options, checked, move |value, _| {
                store.set(item, Json::String(value));
            })
        }
        ItemKind::MultiChoice { options, .. } => {
            let checked: Vec<String> = match store.raw(item) {
                Some(Json::Array(list)) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            group_view(ctx, item, "checkbox", options, checked, move |value, on| {
                let mut list: Vec<Json> = match store.raw(item) {
                    Some(Json::Array(list)) => list,
                    _ => Vec::new(),
                };
                list.retain(|v| v.as_str() != Some(value.as_str()));
                if on {
                    list.push(Json::String(value));
                }
                store.set(
                    item,
                    if list.is_empty() {
                        Json::Null
                    } else {
                        Json::Array(list)
                    },
                );
            })
        }
        ItemKind::Computed { .. } => computed_view(ctx, item),
        ItemKind::Note { .. } => note_view(ctx, item),
        ItemKind::Repeat { .. } => {
            placeholder_view(ctx, item, "Adding entries here is not available yet.")
        }
        ItemKind::File { .. } => {
            placeholder_view(ctx, item, "Uploading files here is not available yet.")
        }
    }
}

fn input_view(
    ctx: &Ctx,
    item: ItemId,
    input_type: &'static str,
    autocomplete: Option<&'static str>,
    min: Option<String>,
    max: Option<String>,
) -> AnyView {
    let store = ctx.store;
    let field = Field::new(ctx, item);
    let initial = match store.raw(item) {
        Some(Json::String(s)) => s,
        _ => String::new(),
    };
    view! {
        <div class="field" class:field-invalid=move || field.messages.with(|m| !m.is_empty())>
            <label class="field-label" for=field.id.clone()>{field.label.clone()}</label>
            {field.help_view()}
            {field.error_view()}
            <input
                id=field.id.clone()
                name=field.id.clone()
                type=input_type
                autocomplete=autocomplete
                min=min
                max=max
                value=initial
                aria-describedby=field.described_by()
                aria-invalid=field.invalid()
                on:input=move |ev| store.set(field.item, text_answer(event_target_value(&ev)))
            />
        </div>
    }
    .into_any()
}

fn number_view(ctx: &Ctx, item: ItemId, integer: bool) -> AnyView {
    let store = ctx.store;
    let field = Field::new(ctx, item);
    let initial = match store.raw(item) {
        Some(Json::Number(n)) => n.to_string(),
        Some(Json::String(s)) => s,
        _ => String::new(),
    };
    view! {
        <div class="field" class:field-invalid=move || field.messages.with(|m| !m.is_empty())>
            <label class="field-label" for=field.id.clone()>{field.label.clone()}</label>
            {field.help_view()}
            {field.error_view()}
            <input
                id=field.id.clone()
                name=field.id.clone()
                type="number"
                inputmode=if integer { "numeric" } else { "decimal" }
                // The runtime checks the step; the browser's own check would
                // only disagree with it.
                step="any"
                value=initial
                aria-describedby=field.described_by()
                aria-invalid=field.invalid()
                on:input=move |ev| store.set(field.item, number_answer(event_target_value(&ev)))
            />
        </div>
    }
    .into_any()
}

fn textarea_view(ctx: &Ctx, item: ItemId) -> AnyView {
    let store = ctx.store;
    let field = Field::new(ctx, item);
    let initial = match store.raw(item) {
        Some(Json::String(s)) => s,
        _ => String::new(),
    };
    view! {
        <div class="field" class:field-invalid=move || field.messages.with(|m| !m.is_empty())>
            <label class="field-label" for=field.id.clone()>{field.label.clone()}</label>
            {field.help_view()}
            {field.error_view()}
            <textarea
                id=field.id.clone()
                name=field.id.clone()
                rows="5"
                aria-describedby=field.described_by()
                aria-invalid=field.invalid()
                on:input=move |ev| store.set(field.item, text_answer(event_target_value(&ev)))
            >
                {initial}
            </textarea>
        </div>
    }
    .into_any()
}

fn select_view(ctx: &Ctx, item: ItemId, options: Vec<ChoiceOption>) -> AnyView {
    let store = ctx.store;
    let field = Field::new(ctx, item);
    let selected = match store.raw(item) {
        Some(Json::String(s)) => s,
        _ => String::new(),
    };
    let nothing_selected = selected.is_empty();
    let options = options
        .into_iter()
        .map(|option| {
            let is_selected = option.value == selected;
            view! { <option value=option.value selected=is_selected>{option.label}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field-invalid=move || field.messages.with(|m| !m.is_empty())>
            <label class="field-label" for=field.id.clone()>{field.label.clone()}</label>
            {field.help_view()}
            {field.error_view()}
            <select
                id=field.id.clone()
                name=field.id.clone()
                aria-describedby=field.described_by()
                aria-invalid=field.invalid()
                on:change=move |ev| store.set(field.item, text_answer(event_target_value(&ev)))
            >
                <option value="" selected=nothing_selected>"Choose one"</option>
                {options}
            </select>
        </div>
    }
    .into_any()
}

/// Radios or checkboxes in a fieldset whose legend is the question.
/// `on_change` gets the option's value and whether its box is now checked.
fn group_view(
    ctx: &Ctx,
    item: ItemId,
    input_type: &'static str,
    options: Vec<ChoiceOption>,
    checked: Vec<String>,
    on_change: impl Fn(String, bool) + Clone + Send + Sync + 'static,
) -> AnyView {
    let field = Field::new(ctx, item);
    let invalid = field.invalid();
    let inputs = options
        .into_iter()
        .enumerate()
        .map(|(index, option)| {
            // The first control carries the field's id, so the error summary's
            // link lands on it.
            let id = if index == 0 {
                field.id.clone()
            } else {
                format!("{}-{index}", field.id)
            };
            let is_checked = checked.contains(&option.value);
            let on_change = on_change.clone();
            let value = option.value.clone();
            view! {
                <div class="choice">
                    <input
                        id=id.clone()
                        name=field.id.clone()
                        type=input_type
                        value=option.value
                        checked=is_checked
                        aria-invalid=invalid.clone()
                        on:change=move |ev| on_change(value.clone(), event_target_checked(&ev))
                    />
                    <label for=id>{option.label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset
            class="field field-group"
            class:field-invalid=move || field.messages.with(|m| !m.is_empty())
            aria-describedby=field.described_by()
        >
            <legend class="field-label">{field.label.clone()}</legend>
            {field.help_view()}
            {field.error_view()}
            {inputs}
        </fieldset>
    }
    .into_any()
}

/// A computed value, read-only and live: an `<output>` labelled by the item's label.
fn computed_view(ctx: &Ctx, item: ItemId) -> AnyView {
    let store = ctx.store;
    let field = Field::new(ctx, item);
    let text = move || {
        store.track(item);
        store.read(|iv| iv.value(item, &[]).display_text())
    };
    view! {
        <div class="field field-computed">
            <label class="field-label" for=field.id.clone()>{field.label.clone()}</label>
            {field.help_view()}
            <output id=field.id.clone() aria-describedby=field.described_by()>{text}</output>
        </div>
    }
    .into_any()
}

fn note_view(ctx: &Ctx, item: ItemId) -> AnyView {
    let store = ctx.store;
    let id = ctx.field_id(item);
    let text = move || {
        store.any.track();
        store.read(|iv| iv.note_text(item, &[]))
    };
    view! { <p class="note" id=id>{text}</p> }.into_any()
}

/// Item types this version cannot answer yet: said plainly, never faked.
fn placeholder_view(ctx: &Ctx, item: ItemId, message: &'static str) -> AnyView {
    let field = Field::new(ctx, item);
    view! {
        <fieldset class="field field-unavailable" id=field.id.clone()>
            <legend class="field-label">{field.label.clone()}</legend>
            {field.help_view()}
            {field.error_view()}
            <p class="field-help">{message}</p>
        </fieldset>
    }
    .into_any()
}
