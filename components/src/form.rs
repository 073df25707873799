//! The interview form: one page of a checked template at a time, with native,
//! labelled controls, Back/Next, a progress indicator and the runtime's
//! validation shown as an error summary plus inline messages.
//!
//! The answers live in an [`Interview`] held in a [`StoredValue`]; each change
//! goes through [`Interview::set`], and only the items the runtime reports as
//! changed (visibility or value) are told to update, through one trigger per
//! item. Notes are evaluated on demand by the runtime (nothing in its plan
//! depends on them), so they listen to every change instead.
//!
//! Every control is bound to an item instance (`At`: the item and the entry
//! indices of its repeats), so a repeat's entries reuse the same controls;
//! element ids follow the answer path (`iv1-children-0-name` for
//! `children[0].name`). Adding, removing or moving entries rebuilds the
//! entries of the repeats shown. File questions upload through the
//! [`Uploader`] the form is given.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use interview_runtime::date::Date;
use interview_runtime::interview::{Changes, Interview};
use interview_runtime::number::parse_f64;
use interview_runtime::template::{ChoiceDisplay, ChoiceOption, ItemId, ItemKind, Template};
use interview_runtime::validate::{self, byte_size, mime_matches, FieldError};
use interview_runtime::value::number_to_json;
use interview_runtime::AnswerSet;
use leptos::html;
use leptos::prelude::*;
use serde_json::Value as Json;
use wasm_bindgen::JsCast;

use crate::fresh::{dynamic, flag, handler, Fresh, IntoFresh};

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
    /// Fired when entries are added, removed or moved (repeats rebuild their entries).
    entries: Trigger,
    /// Counts removals and moves of entries (after which an entry's index may name another).
    shifts: StoredValue<u32>,
}

impl Store {
    fn new(interview: Interview<'static>) -> Store {
        let count = interview.template().items.len();
        Store {
            interview: StoredValue::new_local(interview),
            items: StoredValue::new((0..count).map(|_| ArcTrigger::new()).collect()),
            pages: Trigger::new(),
            any: Trigger::new(),
            entries: Trigger::new(),
            shifts: StoredValue::new(0),
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

    /// Changes the interview and wakes only what the runtime says changed.
    fn apply(&self, change: impl FnOnce(&mut Interview<'static>) -> Changes) {
        let Some(changes) = self.interview.try_update_value(change) else {
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
        if changes.everything {
            self.entries.notify();
        }
        self.any.notify();
    }

    /// Removes or moves entries (`change` says whether it did).
    fn shift_entries(&self, change: impl FnOnce(&mut Interview<'static>) -> bool) {
        self.shifts.update_value(|n| *n = n.wrapping_add(1));
        self.change_entries(change);
    }

    /// Adds, removes or moves entries (`change` says whether it did), evaluating everything again.
    fn change_entries(&self, change: impl FnOnce(&mut Interview<'static>) -> bool) {
        self.apply(|iv| Changes {
            everything: change(iv),
            ..Changes::default()
        });
    }
}

/// One item instance: where a control reads and writes its answer.
#[derive(Clone)]
struct At {
    store: Store,
    item: ItemId,
    instance: Arc<[u32]>,
}

impl At {
    /// The answer as given, if any.
    fn raw(&self) -> Option<Json> {
        self.store
            .read(|iv| iv.raw(self.item, &self.instance).cloned())
    }

    /// The answer as a list (empty when absent or not a list).
    fn list(&self) -> Vec<Json> {
        match self.raw() {
            Some(Json::Array(list)) => list,
            _ => Vec::new(),
        }
    }

    /// Sets the answer (`Json::Null` clears it).
    fn set(&self, value: Json) {
        self.store
            .apply(|iv| iv.set(self.item, &self.instance, value));
    }

    /// Sets a list answer, or clears it when the list is empty.
    fn set_list(&self, list: Vec<Json>) {
        self.set(if list.is_empty() {
            Json::Null
        } else {
            Json::Array(list)
        });
    }
}

/// The answer a file question stores, from an upload: the host's
/// `{"file_id","name","size","content_type","sha256"}`, or a message for the client.
pub type UploadResult = Result<Json, String>;

/// A progress callback for an upload: the share sent, from 0.0 to 1.0.
pub type Progress = Rc<dyn Fn(f64)>;

/// An upload under way.
type Upload = Pin<Box<dyn Future<Output = UploadResult>>>;

/// Uploads one file for the form: called with the file, the question's answer
/// path (`children[0].payslips`) and a progress callback.
#[derive(Clone)]
pub struct Uploader(Rc<dyn Fn(web_sys::File, String, Progress) -> Upload>);

impl Uploader {
    /// Wraps an upload function.
    pub fn new<F: Future<Output = UploadResult> + 'static>(
        upload: impl Fn(web_sys::File, String, Progress) -> F + 'static,
    ) -> Uploader {
        Uploader(Rc::new(move |file, path, progress| {
            Box::pin(upload(file, path, progress))
        }))
    }
}

/// What every control needs: the store, the errors shown, the form's id
/// prefix, the entry (instance) the controls belong to and the uploader.
#[derive(Clone)]
struct Ctx {
    store: Store,
    errors: RwSignal<Vec<FieldError>>,
    prefix: String,
    instance: Arc<[u32]>,
    uploader: StoredValue<Option<Uploader>, LocalStorage>,
}

impl Ctx {
    /// The item's instance in this context.
    fn at(&self, item: ItemId) -> At {
        At {
            store: self.store,
            item,
            instance: self.instance.clone(),
        }
    }

    /// The answer path of an item instance, as the runtime's errors name it (`children[1].name`).
    fn path(&self, item: ItemId) -> String {
        self.store.read(|iv| {
            let template = iv.template();
            let mut path = String::new();
            for (repeat, entry) in template.repeat_chain(item).iter().zip(self.instance.iter()) {
                path += &format!("{}[{entry}].", template.item(*repeat).id_str());
            }
            match &template.item(item).id {
                Some(id) => path + id,
                // Notes may have no id: the arena index is unique too.
                None => format!("{path}item{}", item.index()),
            }
        })
    }

    /// The element id for an answer path, unique to this form instance (`iv1-children-1-name`).
    fn dom_id(&self, path: &str) -> String {
        let tail: String = path
            .chars()
            .filter(|c| *c != ']')
            .map(|c| if c == '[' || c == '.' { '-' } else { c })
            .collect();
        format!("{}-{tail}", self.prefix)
    }

    /// The element id of an item instance's (first) control.
    fn field_id(&self, item: ItemId) -> String {
        self.dom_id(&self.path(item))
    }
}

/// The top-level question an error path belongs to (`children[1].name` -> `children`).
fn top_id(path: &str) -> &str {
    let end = path.find(['[', '.']).unwrap_or(path.len());
    &path[..end]
}

/// Names the repeat entries an error path runs through, as the entries' legends
/// do (`children[1].name` -> "Child 2: "), so that several entries' errors in
/// the summary can be told apart; empty for a path outside any entry.
fn entry_prefix(template: &Template, path: &str) -> String {
    let mut names = Vec::new();
    let mut scope: Option<&[ItemId]> = None;
    for segment in path.split('.') {
        let Some((id, rest)) = segment.split_once('[') else {
            break;
        };
        let Some(index) = rest.strip_suffix(']').and_then(|n| n.parse::<usize>().ok()) else {
            break;
        };
        let found = match scope {
            None => template.top_level(id),
            Some(items) => items
                .iter()
                .copied()
                .find(|i| template.item(*i).id.as_deref() == Some(id)),
        };
        let Some(item) = found else { break };
        let ItemKind::Repeat {
            items, item_label, ..
        } = &template.item(item).kind
        else {
            break;
        };
        names.push(format!(
            "{} {}",
            item_label.as_deref().unwrap_or("Entry"),
            index + 1
        ));
        scope = Some(items);
    }
    // A path that ends at the entry itself (`children[1]`) is about the entry: no prefix needed.
    if names.is_empty() || !path.ends_with(|c: char| c != ']') {
        return String::new();
    }
    format!("{}: ", names.join(", "))
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
    /// Uploads the files of file questions; without it they say uploading is unavailable.
    #[prop(optional)]
    uploader: Option<Uploader>,
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
        instance: Arc::from([]),
        uploader: StoredValue::new_local(uploader),
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
            {dynamic(move || {
                (current.get() == first_page)
                    .then(|| template.description.clone())
                    .flatten()
                    .map(|text| view! { <p class="interview-description">{text}</p> })
                    .fresh()
            })}
            <p class="interview-progress" id=progress_id.clone()>
                {dynamic(move || format!("Page {} of {}", position(), total()))}
            </p>
            <progress
                class="interview-progress-bar"
                aria-labelledby=progress_id
                max=dynamic(move || total().to_string())
                value=dynamic(move || position().to_string())
            ></progress>
            <div
                class="error-summary"
                role="alert"
                tabindex="-1"
                aria-labelledby=summary_labelled_by
                hidden=dynamic(move || flag(errors.with(Vec::is_empty)))
                node_ref=summary_ref
            >
                <h2 id=summary_heading class="error-summary-title">"There is a problem"</h2>
                <ul class="error-summary-list">
                    {dynamic(move || {
                        let ctx = summary_ctx.clone();
                        errors
                            .get()
                            .into_iter()
                            .map(|error| summary_link(&ctx, form_ref, error))
                            .collect_view()
                            .fresh()
                    })}
                </ul>
            </div>
            <form class="interview-page" novalidate=true on:submit=handler(next) node_ref=form_ref>
                {dynamic(move || {
                    let page = current.get();
                    untrack(|| page_view(&page_ctx, page, heading_ref))
                })}
                <div class="interview-nav">
                    <button type="button" class="interview-back" hidden=dynamic(move || flag(is_first() && !has_back)) on:click=handler(back)>
                        "Back"
                    </button>
                    <button type="submit" class="interview-next">
                        {dynamic(move || if is_last() { finish_label.clone() } else { "Next".to_owned() })}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// One entry of the error summary: a link that focuses the field it names.
fn summary_link(ctx: &Ctx, form_ref: NodeRef<html::Form>, error: FieldError) -> impl IntoView {
    let target = ctx.dom_id(&error.path);
    // An error with no control of its own (an unknown field) leads to its question.
    let fallback = ctx.dom_id(top_id(&error.path));
    let href = format!("#{target}");
    // A fragment link cannot reach into a shadow root (the document resolves
    // it), so the click focuses the field itself.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let field = form_ref.get_untracked().and_then(|form| {
            [&target, &fallback]
                .iter()
                .find_map(|id| form.query_selector(&format!("#{id}")).ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        });
        if let Some(field) = field {
            field.scroll_into_view();
            let _ = field.focus();
        }
    };
    let text = format!(
        "{}{}",
        ctx.store
            .read(|iv| entry_prefix(iv.template(), &error.path)),
        error.message
    );
    view! { <li><a href=href on:click=handler(on_click)>{text}</a></li> }
}

/// The heading and the items of one page.
fn page_view(ctx: &Ctx, page: usize, heading_ref: NodeRef<html::H2>) -> Fresh {
    let (title, items) = ctx.store.read(|iv| {
        iv.template()
            .pages
            .get(page)
            .map(|p| (p.title.clone(), p.items.clone()))
            .unwrap_or_default()
    });
    view! {
        <h2 class="interview-page-title" tabindex="-1" node_ref=heading_ref>{title}</h2>
        {items_view(ctx, &items)}
    }
    .fresh()
}

/// Items of a page or of one entry, each shown while its `visible_if` holds.
fn items_view(ctx: &Ctx, items: &[ItemId]) -> impl IntoView {
    items
        .iter()
        .map(|&item| {
            let at = ctx.at(item);
            let visible = Memo::new(move |_| {
                at.store.track(item);
                at.store.read(|iv| iv.is_visible(item, &at.instance))
            });
            let ctx = ctx.clone();
            dynamic(move || {
                visible
                    .get()
                    .then(|| untrack(|| item_view(&ctx, item)))
                    .fresh()
            })
        })
        .collect_view()
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
    // The runtime's parser: the same values as std's, without linking std's
    // (larger) one; `inf` and `nan`, which std accepts, are not finite anyway.
    match parse_f64(trimmed) {
        Some(n) if n.is_finite() => number_to_json(n),
        _ => Json::String(text),
    }
}

/// The ids and reactive attributes one control shares with its label, help and error.
struct Field {
    id: String,
    label: String,
    help: Option<String>,
    help_id: String,
    error_id: String,
    messages: Memo<Vec<String>>,
}

impl Field {
    fn new(ctx: &Ctx, item: ItemId) -> Field {
        let key = ctx.path(item);
        let id = ctx.dom_id(&key);
        let (label, help) = ctx.store.read(|iv| {
            let it = iv.template().item(item);
            (it.display_name().to_owned(), it.help.clone())
        });
        let errors = ctx.errors;
        let messages = Memo::new(move |_| {
            errors.with(|list| {
                list.iter()
                    .filter(|e| e.path == key)
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
            })
        });
        Field {
            help_id: format!("{id}-help"),
            error_id: format!("{id}-error"),
            id,
            label,
            help,
            messages,
        }
    }

    /// `aria-describedby`: the help text and, while shown, the error message.
    fn described_by(&self) -> Box<dyn FnMut() -> Option<String> + Send> {
        let help = self.help.as_ref().map(|_| self.help_id.clone());
        let error = self.error_id.clone();
        let messages = self.messages;
        dynamic(move || {
            let mut ids: Vec<String> = help.iter().cloned().collect();
            if messages.with(|m| !m.is_empty()) {
                ids.push(error.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        })
    }

    /// `aria-invalid`: present, as "true", only while an error is shown.
    fn invalid(&self) -> Box<dyn FnMut() -> Option<String> + Send> {
        let messages = self.messages;
        dynamic(move || messages.with(|m| !m.is_empty()).then(|| "true".to_owned()))
    }

    /// Whether an error is shown (the `field-invalid` class).
    fn has_error(&self) -> Box<dyn FnMut() -> bool + Send> {
        let messages = self.messages;
        dynamic(move || messages.with(|m| !m.is_empty()))
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
        dynamic(move || {
            let text = messages.with(|m| m.join(" "));
            (!text.is_empty())
                .then(|| {
                    view! {
                        <p class="field-error" id=id.clone()>
                            <span class="visually-hidden">"Error: "</span>
                            {text}
                        </p>
                    }
                })
                .fresh()
        })
    }
}

/// The control(s) for one item, by its type.
fn item_view(ctx: &Ctx, item: ItemId) -> Fresh {
    let at = ctx.at(item);
    // The template lives as long as the page: the kind is borrowed, not cloned
    // (cloning would compile in the clone of every kind's expressions too).
    let (template, today) = ctx.store.read(|iv| (iv.template(), iv.today()));
    match &template.item(item).kind {
        ItemKind::Text {
            multiline: true, ..
        } => textarea_view(ctx, at),
        ItemKind::Text { .. } => input_view(ctx, at, "text", None, None, None, None),
        ItemKind::Email => input_view(ctx, at, "email", Some("email"), None, None, None),
        ItemKind::Phone { .. } => input_view(ctx, at, "tel", Some("tel"), None, None, None),
        ItemKind::Date { min, max } => {
            let bound = |b: &Option<interview_runtime::template::DateBound>| {
                b.as_ref().map(|b| b.resolve(today).to_string())
            };
            input_view(ctx, at, "date", None, None, bound(min), bound(max))
        }
        ItemKind::Number { integer, .. } => {
            let mode = if *integer { "numeric" } else { "decimal" };
            input_view(ctx, at, "number", None, Some(mode), None, None)
        }
        ItemKind::YesNo => {
            let options = [("true", "Yes"), ("false", "No")]
                .map(|(value, label)| ChoiceOption {
                    value: value.to_owned(),
                    label: label.to_owned(),
                })
                .to_vec();
            let checked = match at.raw() {
                Some(Json::Bool(b)) => vec![b.to_string()],
                _ => Vec::new(),
            };
            let set = at.clone();
            group_view(
                ctx,
                at,
                "radio",
                &options,
                checked,
                Rc::new(move |value, _| {
                    set.set(Json::Bool(value == "true"));
                }),
            )
        }
        ItemKind::Choice {
            options,
            display: ChoiceDisplay::Dropdown,
        } => select_view(ctx, at, options.clone()),
        ItemKind::Choice { options, .. } => {
            let checked = match at.raw() {
                Some(Json::String(s)) => vec![s],
                _ => Vec::new(),
            };
            let set = at.clone();
            group_view(
                ctx,
                at,
                "radio",
                options,
                checked,
                Rc::new(move |value, _| {
                    set.set(Json::String(value));
                }),
            )
        }
        ItemKind::MultiChoice { options, .. } => {
            let checked: Vec<String> = at
                .list()
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let set = at.clone();
            group_view(
                ctx,
                at,
                "checkbox",
                options,
                checked,
                Rc::new(move |value, on| {
                    let mut list = set.list();
                    list.retain(|v| v.as_str() != Some(value.as_str()));
                    if on {
                        list.push(Json::String(value));
                    }
                    set.set_list(list);
                }),
            )
        }
        ItemKind::Computed { .. } => computed_view(ctx, at),
        ItemKind::Note { .. } => note_view(ctx, at),
        ItemKind::Repeat {
            items,
            min_items,
            max_items,
            item_label,
        } => repeat_view(
            ctx,
            at,
            items.clone(),
            min_items.unwrap_or(0),
            *max_items,
            item_label.clone(),
        ),
        ItemKind::File {
            accept,
            max_bytes,
            max_files,
        } => file_view(ctx, at, accept.clone(), *max_bytes, *max_files),
    }
}

/// A question answered with one control: the label, help and error, then the control.
fn single_view(field: &Field, control: impl IntoView + 'static) -> Fresh {
    view! {
        <div class="field" class:field-invalid=field.has_error()>
            <label class="field-label" for=field.id.clone()>{field.label.clone()}</label>
            {field.help_view()}
            {field.error_view()}
            {control}
        </div>
    }
    .fresh()
}

/// An `<input>` for text, email, phone, date and number questions.
fn input_view(
    ctx: &Ctx,
    at: At,
    input_type: &'static str,
    autocomplete: Option<&'static str>,
    inputmode: Option<&'static str>,
    min: Option<String>,
    max: Option<String>,
) -> Fresh {
    let field = Field::new(ctx, at.item);
    let number = input_type == "number";
    let initial = match at.raw() {
        Some(Json::String(s)) => s,
        Some(Json::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let control = view! {
        <input
            id=field.id.clone()
            name=field.id.clone()
            type=input_type
            autocomplete=autocomplete
            inputmode=inputmode
            // The runtime checks a number's step; the browser's own check would
            // only disagree with it.
            step=number.then_some("any")
            min=min
            max=max
            value=initial
            aria-describedby=field.described_by()
            aria-invalid=field.invalid()
            on:input=handler(move |ev| {
                let text = event_target_value(&ev);
                at.set(if number { number_answer(text) } else { text_answer(text) })
            })
        />
    };
    single_view(&field, control)
}

fn textarea_view(ctx: &Ctx, at: At) -> Fresh {
    let field = Field::new(ctx, at.item);
    let initial = match at.raw() {
        Some(Json::String(s)) => s,
        _ => String::new(),
    };
    let control = view! {
        <textarea
            id=field.id.clone()
            name=field.id.clone()
            rows="5"
            aria-describedby=field.described_by()
            aria-invalid=field.invalid()
            on:input=handler(move |ev| at.set(text_answer(event_target_value(&ev))))
        >
            {initial}
        </textarea>
    };
    single_view(&field, control)
}

fn select_view(ctx: &Ctx, at: At, options: Vec<ChoiceOption>) -> Fresh {
    let field = Field::new(ctx, at.item);
    let selected = match at.raw() {
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
    let control = view! {
        <select
            id=field.id.clone()
            name=field.id.clone()
            aria-describedby=field.described_by()
            aria-invalid=field.invalid()
            on:change=handler(move |ev| at.set(text_answer(event_target_value(&ev))))
        >
            <option value="" selected=nothing_selected>"Choose one"</option>
            {options}
        </select>
    };
    single_view(&field, control)
}

/// A question in a fieldset whose legend is the question: the help and error, then `body`.
fn group_wrap(
    field: &Field,
    class: &'static str,
    body: impl IntoView + 'static,
    node_ref: NodeRef<html::Fieldset>,
) -> Fresh {
    view! {
        <fieldset
            class=class
            class:field-invalid=field.has_error()
            aria-describedby=field.described_by()
            node_ref=node_ref
        >
            <legend class="field-label">{field.label.clone()}</legend>
            {field.help_view()}
            {field.error_view()}
            {body}
        </fieldset>
    }
    .fresh()
}

/// Radios or checkboxes in a fieldset whose legend is the question.
/// `on_change` gets the option's value and whether its box is now checked.
fn group_view(
    ctx: &Ctx,
    at: At,
    input_type: &'static str,
    options: &[ChoiceOption],
    checked: Vec<String>,
    on_change: Rc<dyn Fn(String, bool)>,
) -> Fresh {
    let field = Field::new(ctx, at.item);
    let inputs = options
        .iter()
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
                        value=option.value.clone()
                        checked=is_checked
                        aria-invalid=field.invalid()
                        on:change=handler(move |ev| on_change(value.clone(), event_target_checked(&ev)))
                    />
                    <label for=id>{option.label.clone()}</label>
                </div>
            }
        })
        .collect_view();
    group_wrap(&field, "field field-group", inputs, NodeRef::new())
}

/// A computed value, read-only and live: an `<output>` labelled by the item's label.
fn computed_view(ctx: &Ctx, at: At) -> Fresh {
    let field = Field::new(ctx, at.item);
    let text = dynamic(move || {
        at.store.track(at.item);
        at.store
            .read(|iv| iv.value(at.item, &at.instance).display_text())
    });
    view! {
        <div class="field field-computed">
            <label class="field-label" for=field.id.clone()>{field.label.clone()}</label>
            {field.help_view()}
            <output id=field.id.clone() aria-describedby=field.described_by()>{text}</output>
        </div>
    }
    .fresh()
}

fn note_view(ctx: &Ctx, at: At) -> Fresh {
    let id = ctx.field_id(at.item);
    let text = dynamic(move || {
        at.store.any.track();
        at.store.read(|iv| iv.note_text(at.item, &at.instance))
    });
    view! { <p class="note" id=id>{text}</p> }.fresh()
}

/// Focuses the first element inside `root` matching one of `selectors` (tried in order), once the DOM is updated.
fn focus_in(root: NodeRef<html::Fieldset>, selectors: Vec<String>) {
    focus_later(move || {
        let root = root.get_untracked()?;
        selectors
            .iter()
            .find_map(|s| root.query_selector(s).ok().flatten())
            .and_then(|el| el.dyn_into().ok())
    });
}

/// A secondary button whose text is `text` plus `hidden` for screen readers (which entry or file it acts on).
fn action_button(
    text: &'static str,
    hidden: String,
    class: &'static str,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    button_view(text, hidden, class, Box::new(on_click))
}

/// [`action_button`] for one (boxed) handler type, so that its view is compiled once.
fn button_view(
    text: &'static str,
    hidden: String,
    class: &'static str,
    on_click: Box<dyn Fn()>,
) -> impl IntoView {
    view! {
        <button type="button" class=class on:click=handler(move |_| on_click())>
            {text}
            <span class="visually-hidden">{format!(" {hidden}")}</span>
        </button>
    }
}

/// The element id of a repeat's entry, from the repeat's own id.
fn entry_id(repeat_id: &str, entry: u32) -> String {
    format!("{repeat_id}-{entry}")
}

/// Selectors for the first control of an entry, or its first button when it has no question.
fn first_in(repeat_id: &str, entry: u32) -> Vec<String> {
    let id = entry_id(repeat_id, entry);
    vec![
        format!("#{id} :is(input,select,textarea)"),
        format!("#{id} button"),
    ]
}

/// A repeat: one fieldset per entry (legend "Child 1") holding the entry's
/// questions, with Move up / Move down / Remove, and an Add button (which
/// carries the question's id, for the error summary) while below `max`.
fn repeat_view(
    ctx: &Ctx,
    at: At,
    children: Vec<ItemId>,
    min: u32,
    max: u32,
    item_label: Option<String>,
) -> Fresh {
    let field = Field::new(ctx, at.item);
    let label = item_label.unwrap_or_else(|| "Entry".to_owned());
    let root: NodeRef<html::Fieldset> = NodeRef::new();
    let ctx = ctx.clone();
    let add_id = field.id.clone();
    let body = dynamic(move || {
        at.store.entries.track();
        let count = at.store.read(|iv| iv.entries(at.item, &at.instance));
        untrack(|| {
            let entries = (0..count)
                .map(|entry| {
                    let mut instance = at.instance.to_vec();
                    instance.push(entry);
                    let entry_ctx = Ctx {
                        instance: instance.into(),
                        ..ctx.clone()
                    };
                    let name = format!("{label} {}", entry + 1);
                    let moving = |to: u32, class: &'static str, other: &'static str| {
                        let (at, add_id) = (at.clone(), add_id.clone());
                        move || {
                            at.store
                                .shift_entries(|iv| iv.move_entry(at.item, &at.instance, entry, to));
                            let id = entry_id(&add_id, to);
                            focus_in(root, vec![format!("#{id} .{class}"), format!("#{id} .{other}")]);
                        }
                    };
                    let remove = {
                        let (at, add_id) = (at.clone(), add_id.clone());
                        move || {
                            at.store
                                .shift_entries(|iv| iv.remove_entry(at.item, &at.instance, entry));
                            // The previous entry, or the Add button when the first one went.
                            let target = match entry {
                                0 => vec![format!("#{add_id}")],
                                _ => first_in(&add_id, entry - 1),
                            };
                            focus_in(root, target);
                        }
                    };
                    view! {
                        <fieldset class="repeat-entry" id=entry_id(&add_id, entry)>
                            <legend>{name.clone()}</legend>
                            {items_view(&entry_ctx, &children)}
                            <div class="repeat-actions">
                                {(entry > 0).then(|| action_button("Move up", name.clone(), "interview-back entry-up", moving(entry - 1, "entry-up", "entry-down")))}
                                {(entry + 1 < count).then(|| action_button("Move down", name.clone(), "interview-back entry-down", moving(entry + 1, "entry-down", "entry-up")))}
                                {(count > min).then(|| action_button("Remove", name.clone(), "interview-back", remove))}
                            </div>
                        </fieldset>
                    }
                })
                .collect_view();
            let add = {
                let (at, add_id) = (at.clone(), add_id.clone());
                let defaults: Vec<(ItemId, Json)> = at.store.read(|iv| {
                    children
                        .iter()
                        .filter_map(|c| iv.template().item(*c).default.clone().map(|d| (*c, d)))
                        .collect()
                });
                move |_: leptos::ev::MouseEvent| {
                    let mut added = None;
                    at.store.change_entries(|iv| {
                        added = iv.add_entry(at.item, &at.instance);
                        if let Some(entry) = added {
                            let mut instance = at.instance.to_vec();
                            instance.push(entry);
                            for (child, default) in &defaults {
                                iv.set(*child, &instance, default.clone());
                            }
                        }
                        added.is_some()
                    });
                    if let Some(entry) = added {
                        focus_in(root, first_in(&add_id, entry));
                    }
                }
            };
            view! {
                {entries}
                <button type="button" class="interview-back" id=add_id.clone() hidden={count >= max} on:click=handler(add)>
                    {format!("Add {label}")}
                </button>
            }
            .fresh()
        })
    });
    group_wrap(&field, "field field-repeat", body, root)
}

/// The most the host accepts in one file (docs/api.md), when the question allows more or sets no limit.
const MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;

/// A file question: a labelled `<input type=file>`; each chosen file is
/// checked here (type, size, count) and then sent through the form's
/// [`Uploader`], with a `<progress>` while it goes; the files kept are listed
/// with a Remove button, and the answer is the list of the host's file references.
fn file_view(
    ctx: &Ctx,
    at: At,
    accept: Vec<String>,
    max_bytes: Option<u64>,
    max_files: Option<u32>,
) -> Fresh {
    let field = Field::new(ctx, at.item);
    let uploader = ctx.uploader;
    let available = uploader.with_value(Option::is_some);
    let path = ctx.path(at.item);
    let max_bytes = max_bytes.map_or(MAX_UPLOAD_BYTES, |m| m.min(MAX_UPLOAD_BYTES));
    let max_files = max_files.map_or(usize::MAX, |m| m as usize);
    // What the browser refused (or the upload answered), shown until the next choice.
    let problems: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let uploads: RwSignal<Vec<(String, ArcRwSignal<f64>)>> = RwSignal::new(Vec::new());
    let files = {
        let at = at.clone();
        Memo::new(move |_| {
            at.store.track(at.item);
            at.list()
        })
    };
    let input_ref: NodeRef<html::Input> = NodeRef::new();
    let accept_attr = (!accept.is_empty()).then(|| accept.join(","));
    let problems_id = format!("{}-problems", field.id);
    let status_id = format!("{}-status", field.id);
    let described = {
        let (mut base, problems_id, status_id) =
            (field.described_by(), problems_id.clone(), status_id.clone());
        dynamic(move || {
            let mut ids: Vec<String> = base().into_iter().collect();
            if problems.with(|p| !p.is_empty()) {
                ids.push(problems_id.clone());
            }
            if !available {
                ids.push(status_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        })
    };
    let on_change = {
        let at = at.clone();
        move |ev: leptos::ev::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            let (Some(list), Some(uploader)) = (input.files(), uploader.get_value()) else {
                return;
            };
            problems.set(Vec::new());
            let mut room = max_files
                .saturating_sub(files.get_untracked().len() + uploads.with_untracked(Vec::len));
            for file in (0..list.length()).filter_map(|i| list.get(i)) {
                let name = file.name();
                let problem = if room == 0 {
                    Some(format!("You can attach at most {max_files} files"))
                } else if !accept.is_empty()
                    && !accept.iter().any(|a| mime_matches(a, &file.type_()))
                {
                    Some("This type of file is not accepted".to_owned())
                } else if file.size() > max_bytes as f64 {
                    Some(format!(
                        "This file is too large (max {})",
                        byte_size(max_bytes)
                    ))
                } else {
                    None
                };
                if let Some(problem) = problem {
                    problems.update(|p| p.push(format!("{name}: {problem}.")));
                    continue;
                }
                room -= 1;
                let progress = ArcRwSignal::new(0.0);
                uploads.update(|u| u.push((name.clone(), progress.clone())));
                let report = progress.clone();
                let upload = (uploader.0)(file, path.clone(), Rc::new(move |p| report.set(p)));
                let at = at.clone();
                let shifts = at.store.shifts.get_value();
                leptos::task::spawn_local(async move {
                    let result = upload.await;
                    // The control may have been rebuilt meanwhile (another page, an entry added):
                    // the file is still kept, unless entries moved (its index may name another
                    // entry now) or the form is gone.
                    let shown = uploads
                        .try_update(|u| u.retain(|(_, p)| *p != progress))
                        .is_some();
                    if !shown && at.store.shifts.try_get_value() != Some(shifts) {
                        return;
                    }
                    match result {
                        Ok(reference) => {
                            let mut list = at.list();
                            list.push(reference);
                            at.set_list(list);
                        }
                        Err(message) => {
                            problems.try_update(|p| p.push(format!("{name}: {message}")));
                        }
                    }
                });
            }
            // The same file can be chosen again after a refusal or a removal.
            input.set_value("");
        }
    };
    let uploading = dynamic(move || {
        uploads
            .get()
            .into_iter()
            .map(|(name, progress)| {
                view! {
                    <li>
                        {name.clone()}
                        <progress max="100" aria-label=format!("Uploading {name}") value=dynamic(move || ((progress.get() * 100.0) as u32).to_string())></progress>
                    </li>
                }
            })
            .collect_view()
            .fresh()
    });
    let listed = dynamic(move || {
        files
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, file)| {
                let text = |key: &str| {
                    file.get(key)
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                let size = file
                    .get("size")
                    .and_then(Json::as_u64)
                    .map(byte_size)
                    .unwrap_or_default();
                let at = at.clone();
                let remove = move || {
                    let mut list = at.list();
                    if index < list.len() {
                        list.remove(index);
                    }
                    at.set_list(list);
                    focus_later(move || input_ref.get_untracked().map(|i| i.unchecked_into()));
                };
                view! {
                    <li>
                        {format!("{} ({size}) ", text("name"))}
                        {action_button("Remove", text("name"), "interview-back", remove)}
                    </li>
                }
            })
            .collect_view()
            .fresh()
    });
    let control = view! {
        <input
            id=field.id.clone()
            name=field.id.clone()
            type="file"
            accept=accept_attr
            multiple={max_files > 1}
            disabled=dynamic(move || flag(!available || files.with(Vec::len) >= max_files))
            aria-describedby=described
            aria-invalid=field.invalid()
            node_ref=input_ref
            on:change=handler(on_change)
        />
        {(!available).then(|| view! { <p class="field-help" id=status_id>"Uploading files is not available here."</p> })}
        <div class="field-error" role="alert" id=problems_id>
            {dynamic(move || problems.get().into_iter().map(|p| view! { <p>{p}</p> }).collect_view().fresh())}
        </div>
        <ul class="file-uploads">{uploading}</ul>
        <ul class="file-list">{listed}</ul>
    };
    single_view(&field, control)
}
