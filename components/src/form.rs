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
use interview_runtime::validate::{self, mime_matches, FieldError};
use interview_runtime::Locale;

use crate::words::{say, word, W};
use interview_runtime::value::number_to_json;
use interview_runtime::AnswerSet;
use leptos::prelude::*;
use serde_json::Value as Json;
use wasm_bindgen::JsCast;

use crate::dom::El;
use crate::fresh::{dynamic, flag, Fresh, IntoFresh};
use send_wrapper::SendWrapper;

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
    /// Files being uploaded, for the whole form, so that a control rebuilt
    /// meanwhile (an entry added, another page and back) still shows them.
    uploads: RwSignal<Vec<InFlight>>,
}

/// A file being uploaded for a file question.
#[derive(Clone)]
struct InFlight {
    /// The question's answer path (`children[0].payslips`).
    path: String,
    /// The file's name, as chosen.
    name: String,
    /// The share sent, from 0.0 to 1.0.
    progress: ArcRwSignal<f64>,
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
            uploads: RwSignal::new(Vec::new()),
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

    /// Removes or moves entries of the repeat instance whose answer path is
    /// `repeat` (`change` says whether it did). Files still uploading into
    /// its entries are let go: their entry index may name another entry now.
    fn shift_entries(&self, repeat: &str, change: impl FnOnce(&mut Interview<'static>) -> bool) {
        let inside = format!("{repeat}[");
        self.uploads
            .update(|u| u.retain(|f| !f.path.starts_with(&inside)));
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
    /// The language of the form's own words and of validation messages.
    locale: Locale,
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
fn entry_prefix(template: &Template, path: &str, locale: Locale) -> String {
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
            item_label.as_deref().unwrap_or(word(locale, W::Entry)),
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
    /// The last page's button text [default: "Finish" in the locale].
    #[prop(optional, into)]
    finish_label: Option<String>,
    /// The language of the form's own words and validation messages [default: English].
    #[prop(optional)]
    locale: Locale,
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
        locale,
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
    let finish_label = finish_label.unwrap_or_else(|| word(locale, W::Finish).to_owned());

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

    let form = El::with_class("form", "interview-page").attr("novalidate", "");
    let form_node = form.node();
    let summary = El::with_class("div", "error-summary");
    let summary_node = summary.node();
    let focus_heading = {
        let form = form_node.clone();
        move || {
            let form = form.clone();
            focus_later(move || {
                form.query_selector(".interview-page-title")
                    .ok()
                    .flatten()
                    .and_then(|h| h.dyn_into().ok())
            });
        }
    };

    let next = {
        let focus_heading = focus_heading.clone();
        move |ev: web_sys::Event| {
            ev.prevent_default();
            let page = current.get_untracked();
            let found = store.read(|iv| validate::page_errors(iv, page, locale));
            if !found.is_empty() {
                errors.set(found);
                let summary = summary_node.clone();
                focus_later(move || summary.dyn_into().ok());
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
        }
    };
    let back = move |_: web_sys::Event| {
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
    let progress_id = format!("{prefix}-progress");
    let summary_ctx = ctx.clone();
    let page_ctx = ctx;
    let summary_form = SendWrapper::new(form_node);
    let summary_list = dynamic(move || {
        let mut list = El::with_class("ul", "error-summary-list");
        for error in errors.get() {
            list = list.child(summary_link(&summary_ctx, (*summary_form).clone(), error));
        }
        list.fresh()
    });
    let summary = summary
        .attr("role", "alert")
        .attr("tabindex", "-1")
        .attr("aria-labelledby", &summary_heading)
        .reactive_attr("hidden", dynamic(move || flag(errors.with(Vec::is_empty))))
        .child(
            El::with_class("h2", "error-summary-title")
                .attr("id", &summary_heading)
                .text(word(locale, W::ThereIsAProblem)),
        )
        .reactive(summary_list);
    let form = form
        .on("submit", Box::new(next))
        .reactive(dynamic(move || {
            let page = current.get();
            untrack(|| page_view(&page_ctx, page))
        }))
        .child(
            El::with_class("div", "interview-nav")
                .child(
                    El::with_class("button", "interview-back")
                        .attr("type", "button")
                        .reactive_attr("hidden", dynamic(move || flag(is_first() && !has_back)))
                        .on("click", Box::new(back))
                        .text(word(locale, W::Back)),
                )
                .child(
                    El::with_class("button", "interview-next")
                        .attr("type", "submit")
                        .reactive_text(dynamic(move || {
                            if is_last() {
                                finish_label.clone()
                            } else {
                                word(locale, W::Next).to_owned()
                            }
                        })),
                ),
        );
    El::with_class("section", "interview")
        .attr("id", &prefix)
        .child(El::with_class("h1", "interview-title").text(&template.title))
        .reactive(dynamic(move || {
            (current.get() == first_page)
                .then(|| template.description.clone())
                .flatten()
                .map(|text| El::with_class("p", "interview-description").text(&text).fresh())
                .fresh()
        }))
        .child(
            El::with_class("p", "interview-progress")
                .attr("id", &progress_id)
                .reactive_text(dynamic(move || {
                    let (n, m) = (position().to_string(), total().to_string());
                    say(locale, W::PageOf, &[("n", &n), ("m", &m)])
                })),
        )
        .child(
            El::with_class("progress", "interview-progress-bar")
                .attr("aria-labelledby", &progress_id)
                .reactive_attr("max", dynamic(move || Some(total().to_string())))
                .reactive_attr("value", dynamic(move || Some(position().to_string()))),
        )
        .child(summary)
        .child(form)
        .fresh()
}

/// One entry of the error summary: a link that focuses the field it names.
fn summary_link(ctx: &Ctx, form: web_sys::Element, error: FieldError) -> El {
    let target = ctx.dom_id(&error.path);
    // An error with no control of its own (an unknown field) leads to its question.
    let fallback = ctx.dom_id(top_id(&error.path));
    let href = format!("#{target}");
    // A fragment link cannot reach into a shadow root (the document resolves
    // it), so the click focuses the field itself.
    let on_click = move |ev: web_sys::Event| {
        ev.prevent_default();
        let field = [&target, &fallback]
            .iter()
            .find_map(|id| form.query_selector(&format!("#{id}")).ok().flatten())
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            field.scroll_into_view();
            let _ = field.focus();
        }
    };
    let text = format!(
        "{}{}",
        ctx.store
            .read(|iv| entry_prefix(iv.template(), &error.path, ctx.locale)),
        error.message
    );
    El::new("li").child(
        El::new("a")
            .attr("href", &href)
            .on("click", Box::new(on_click))
            .text(&text),
    )
}

/// The heading and the items of one page.
fn page_view(ctx: &Ctx, page: usize) -> Fresh {
    let (title, items) = ctx.store.read(|iv| {
        iv.template()
            .pages
            .get(page)
            .map(|p| (p.title.clone(), p.items.clone()))
            .unwrap_or_default()
    });
    items_view(
        ctx,
        &items,
        El::new("div").child(
            El::with_class("h2", "interview-page-title")
                .attr("tabindex", "-1")
                .text(&title),
        ),
    )
    .fresh()
}

/// Items of a page or of one entry, each shown while its `visible_if` holds.
fn items_view(ctx: &Ctx, items: &[ItemId], mut parent: El) -> El {
    for &item in items {
        let at = ctx.at(item);
        let visible = Memo::new(move |_| {
            at.store.track(item);
            at.store.read(|iv| iv.is_visible(item, &at.instance))
        });
        let ctx = ctx.clone();
        parent = parent.reactive(dynamic(move || {
            visible
                .get()
                .then(|| untrack(|| item_view(&ctx, item)))
                .fresh()
        }));
    }
    parent
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
    locale: Locale,
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
            locale: ctx.locale,
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

    /// The help text under the label, when the question has one.
    fn help_view(&self) -> Option<El> {
        self.help.as_ref().map(|text| {
            El::with_class("p", "field-help")
                .attr("id", &self.help_id)
                .text(text)
        })
    }

    /// The question's error message, while there is one.
    fn error_view(&self) -> Box<dyn FnMut() -> Fresh + Send> {
        let id = self.error_id.clone();
        let (messages, locale) = (self.messages, self.locale);
        dynamic(move || {
            let text = messages.with(|m| m.join(" "));
            (!text.is_empty())
                .then(|| {
                    El::with_class("p", "field-error")
                        .attr("id", &id)
                        .child(El::with_class("span", "visually-hidden").text(word(locale, W::ErrorPrefix)))
                        .text(&text)
                        .fresh()
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
            let options = [("true", word(ctx.locale, W::Yes)), ("false", word(ctx.locale, W::No))]
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
fn single_view(field: &Field, control: El) -> Fresh {
    labelled_box(field).child(control).fresh()
}

/// The element around a question with one control: its label, help and
/// error; the control and anything after it are appended by the caller.
fn labelled_box(field: &Field) -> El {
    field_box(field, "div", "field")
        .child(
            El::with_class("label", "field-label")
                .attr("for", &field.id)
                .text(&field.label),
        )
        .child_opt(field.help_view())
        .reactive(field.error_view())
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
    let control = control(&field, "input")
        .attr("type", input_type)
        .attr_opt("autocomplete", autocomplete)
        .attr_opt("inputmode", inputmode)
        // The runtime checks a number's step; the browser's own check would
        // only disagree with it.
        .attr_opt("step", number.then_some("any"))
        .attr_opt("min", min.as_deref())
        .attr_opt("max", max.as_deref())
        .attr("value", &initial)
        .on(
            "input",
            Box::new(move |ev| {
                let text = event_target_value(&ev);
                at.set(if number {
                    number_answer(text)
                } else {
                    text_answer(text)
                })
            }),
        );
    single_view(&field, control)
}

fn textarea_view(ctx: &Ctx, at: At) -> Fresh {
    let field = Field::new(ctx, at.item);
    let initial = match at.raw() {
        Some(Json::String(s)) => s,
        _ => String::new(),
    };
    let control = control(&field, "textarea")
        .attr("rows", "5")
        .text(&initial)
        .on(
            "input",
            Box::new(move |ev| at.set(text_answer(event_target_value(&ev)))),
        );
    single_view(&field, control)
}

fn select_view(ctx: &Ctx, at: At, options: Vec<ChoiceOption>) -> Fresh {
    let field = Field::new(ctx, at.item);
    let selected = match at.raw() {
        Some(Json::String(s)) => s,
        _ => String::new(),
    };
    let option = |value: &str, label: &str| {
        El::new("option")
            .attr("value", value)
            .attr_opt("selected", (value == selected).then_some(""))
            .text(label)
    };
    let mut control = control(&field, "select").child(option("", word(field.locale, W::ChooseOne)));
    for o in &options {
        control = control.child(option(&o.value, &o.label));
    }
    let control = control.on(
        "change",
        Box::new(move |ev| at.set(text_answer(event_target_value(&ev)))),
    );
    single_view(&field, control)
}

/// A question in a fieldset whose legend is the question: the help and error, then `body`.
fn group_wrap(field: &Field, class: &'static str) -> El {
    field_box(field, "fieldset", class)
        .reactive_attr("aria-describedby", field.described_by())
        .child(El::with_class("legend", "field-label").text(&field.label))
        .child_opt(field.help_view())
        .reactive(field.error_view())
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
    let mut group = group_wrap(&field, "field field-group");
    for (index, option) in options.iter().enumerate() {
        // The first control carries the field's id, so the error summary's
        // link lands on it.
        let id = if index == 0 {
            field.id.clone()
        } else {
            format!("{}-{index}", field.id)
        };
        let on_change = on_change.clone();
        let value = option.value.clone();
        group = group.child(
            El::with_class("div", "choice")
                .child(
                    El::new("input")
                        .attr("id", &id)
                        .attr("name", &field.id)
                        .attr("type", input_type)
                        .attr("value", &option.value)
                        .attr_opt("checked", checked.contains(&option.value).then_some(""))
                        .reactive_attr("aria-invalid", field.invalid())
                        .on(
                            "change",
                            Box::new(move |ev| on_change(value.clone(), event_target_checked(&ev))),
                        ),
                )
                .child(El::new("label").attr("for", &id).text(&option.label)),
        );
    }
    group.fresh()
}

/// A computed value, read-only and live: an `<output>` labelled by the item's
/// label. One without a label is working for the template (a count a rule or
/// a note reads), not for the person filling it in: it is not shown at all,
/// rather than under its id.
fn computed_view(ctx: &Ctx, at: At) -> Fresh {
    let labelled = ctx.store.read(|iv| {
        iv.template().item(at.item).label.as_deref().is_some_and(|l| !l.trim().is_empty())
    });
    if !labelled {
        return None::<Fresh>.fresh();
    }
    let field = Field::new(ctx, at.item);
    let text = dynamic(move || {
        at.store.track(at.item);
        at.store
            .read(|iv| iv.value(at.item, &at.instance).display_text())
    });
    El::with_class("div", "field field-computed")
        .child(
            El::with_class("label", "field-label")
                .attr("for", &field.id)
                .text(&field.label),
        )
        .child_opt(field.help_view())
        .child(
            El::new("output")
                .attr("id", &field.id)
                .reactive_attr("aria-describedby", field.described_by())
                .reactive_text(text),
        )
        .fresh()
}

fn note_view(ctx: &Ctx, at: At) -> Fresh {
    let id = ctx.field_id(at.item);
    let text = dynamic(move || {
        at.store.any.track();
        at.store.read(|iv| iv.note_text(at.item, &at.instance))
    });
    El::with_class("p", "note")
        .attr("id", &id)
        .reactive_text(text)
        .fresh()
}

/// Focuses the first element inside `root` matching one of `selectors` (tried in order), once the DOM is updated.
fn focus_in(root: web_sys::Element, selectors: Vec<String>) {
    focus_later(move || {
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
) -> El {
    button_view(text, hidden, class, Box::new(on_click))
}

/// [`action_button`] for one (boxed) handler type, so that its view is compiled once.
fn button_view(
    text: &'static str,
    hidden: String,
    class: &'static str,
    on_click: Box<dyn Fn()>,
) -> El {
    El::with_class("button", class)
        .attr("type", "button")
        .on("click", Box::new(move |_| on_click()))
        .text(text)
        .child(El::with_class("span", "visually-hidden").text(&format!(" {hidden}")))
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
    let locale = ctx.locale;
    let label = item_label.unwrap_or_else(|| word(locale, W::Entry).to_owned());
    let group = group_wrap(&field, "field field-repeat");
    let root = SendWrapper::new(group.node());
    let repeat_path = ctx.path(at.item);
    let ctx = ctx.clone();
    let add_id = field.id.clone();
    let body = dynamic(move || {
        at.store.entries.track();
        let count = at.store.read(|iv| iv.entries(at.item, &at.instance));
        let root: web_sys::Element = (*root).clone();
        untrack(|| {
            let mut body = El::new("div");
            for entry in 0..count {
                let mut instance = at.instance.to_vec();
                instance.push(entry);
                let entry_ctx = Ctx {
                    instance: instance.into(),
                    ..ctx.clone()
                };
                let name = format!("{label} {}", entry + 1);
                let moving = |to: u32, class: &'static str, other: &'static str| {
                    let (at, add_id, root) = (at.clone(), add_id.clone(), root.clone());
                    let repeat = repeat_path.clone();
                    move || {
                        at.store.shift_entries(&repeat, |iv| {
                            iv.move_entry(at.item, &at.instance, entry, to)
                        });
                        let id = entry_id(&add_id, to);
                        focus_in(
                            root.clone(),
                            vec![format!("#{id} .{class}"), format!("#{id} .{other}")],
                        );
                    }
                };
                let remove = {
                    let (at, add_id, root) = (at.clone(), add_id.clone(), root.clone());
                    let repeat = repeat_path.clone();
                    move || {
                        at.store.shift_entries(&repeat, |iv| {
                            iv.remove_entry(at.item, &at.instance, entry)
                        });
                        // The previous entry, or the Add button when the first one went.
                        let target = match entry {
                            0 => vec![format!("#{add_id}")],
                            _ => first_in(&add_id, entry - 1),
                        };
                        focus_in(root.clone(), target);
                    }
                };
                let mut actions = El::with_class("div", "repeat-actions");
                if entry > 0 {
                    actions = actions.child(action_button(
                        word(locale, W::MoveUp),
                        name.clone(),
                        "interview-back entry-up",
                        moving(entry - 1, "entry-up", "entry-down"),
                    ));
                }
                if entry + 1 < count {
                    actions = actions.child(action_button(
                        word(locale, W::MoveDown),
                        name.clone(),
                        "interview-back entry-down",
                        moving(entry + 1, "entry-down", "entry-up"),
                    ));
                }
                if count > min {
                    actions =
                        actions.child(action_button(word(locale, W::Remove), name.clone(), "interview-back", remove));
                }
                let fieldset = El::with_class("fieldset", "repeat-entry")
                    .attr("id", &entry_id(&add_id, entry))
                    .child(El::new("legend").text(&name));
                body = body.child(items_view(&entry_ctx, &children, fieldset).child(actions));
            }
            let add = {
                let (at, add_id) = (at.clone(), add_id.clone());
                let defaults: Vec<(ItemId, Json)> = at.store.read(|iv| {
                    children
                        .iter()
                        .filter_map(|c| iv.template().item(*c).default.clone().map(|d| (*c, d)))
                        .collect()
                });
                move |_: web_sys::Event| {
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
                        focus_in(root.clone(), first_in(&add_id, entry));
                    }
                }
            };
            body.child(
                El::with_class("button", "interview-back")
                    .attr("type", "button")
                    .attr("id", &add_id)
                    .attr_opt("hidden", (count >= max).then_some(""))
                    .on("click", Box::new(add))
                    .text(&say(locale, W::Add, &[("label", &label)])),
            )
            .fresh()
        })
    });
    group.reactive(body).fresh()
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
    let locale = ctx.locale;
    let available = uploader.with_value(Option::is_some);
    let path = ctx.path(at.item);
    let shown_path = path.clone();
    let max_bytes = max_bytes.map_or(MAX_UPLOAD_BYTES, |m| m.min(MAX_UPLOAD_BYTES));
    let max_files = max_files.map_or(usize::MAX, |m| m as usize);
    // What the browser refused (or the upload answered), shown until the next choice.
    let problems: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let uploads = at.store.uploads;
    let files = {
        let at = at.clone();
        Memo::new(move |_| {
            at.store.track(at.item);
            at.list()
        })
    };
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
        move |ev: web_sys::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            let (Some(list), Some(uploader)) = (input.files(), uploader.get_value()) else {
                return;
            };
            problems.set(Vec::new());
            let mut room = max_files
                .saturating_sub(files.get_untracked().len() + uploads.with_untracked(|u| u.iter().filter(|f| f.path == path).count()));
            for file in (0..list.length()).filter_map(|i| list.get(i)) {
                let name = file.name();
                let problem = if room == 0 {
                    Some(say(locale, W::AttachAtMost, &[("max", &max_files.to_string())]))
                } else if !accept.is_empty()
                    && !accept.iter().any(|a| mime_matches(a, &file.type_()))
                {
                    Some(word(locale, W::FileTypeRefused).to_owned())
                } else if file.size() > max_bytes as f64 {
                    Some(say(locale, W::FileTooLarge, &[("size", &locale.byte_size(max_bytes))]))
                } else {
                    None
                };
                if let Some(problem) = problem {
                    problems.update(|p| p.push(format!("{name}: {problem}.")));
                    continue;
                }
                room -= 1;
                let progress = ArcRwSignal::new(0.0);
                uploads.update(|u| {
                    u.push(InFlight {
                        path: path.clone(),
                        name: name.clone(),
                        progress: progress.clone(),
                    })
                });
                let report = progress.clone();
                let upload = (uploader.0)(file, path.clone(), Rc::new(move |p| report.set(p)));
                let at = at.clone();
                leptos::task::spawn_local(async move {
                    let result = upload.await;
                    // The control may have been rebuilt meanwhile (another page,
                    // an entry added): the file is still kept, unless its entry
                    // was moved or removed (its index may name another entry
                    // now, and the upload was let go) or the form is gone.
                    let listed = uploads.try_update(|u| {
                        let before = u.len();
                        u.retain(|f| f.progress != progress);
                        u.len() != before
                    });
                    if listed != Some(true) {
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
    let input = El::new("input")
        .attr("id", &field.id)
        .attr("name", &field.id)
        .attr("type", "file")
        .attr_opt("accept", accept_attr.as_deref())
        .attr_opt("multiple", (max_files > 1).then_some(""))
        .reactive_attr(
            "disabled",
            dynamic(move || flag(!available || files.with(Vec::len) >= max_files)),
        )
        .reactive_attr("aria-describedby", described)
        .reactive_attr("aria-invalid", field.invalid())
        .on("change", Box::new(on_change));
    let input_node = SendWrapper::new(input.node());
    let uploading = dynamic(move || {
        let mut list = El::with_class("ul", "file-uploads");
        let mine = uploads.with(|u| {
            u.iter()
                .filter(|f| f.path == shown_path)
                .map(|f| (f.name.clone(), f.progress.clone()))
                .collect::<Vec<_>>()
        });
        for (name, progress) in mine {
            list = list.child(
                El::new("li").text(&name).child(
                    El::new("progress")
                        .attr("max", "100")
                        .attr("aria-label", &say(locale, W::Uploading, &[("name", &name)]))
                        .reactive_attr(
                            "value",
                            dynamic(move || Some(((progress.get() * 100.0) as u32).to_string())),
                        ),
                ),
            );
        }
        list.fresh()
    });
    let listed = dynamic(move || {
        let mut list = El::with_class("ul", "file-list");
        for (index, file) in files.get().into_iter().enumerate() {
            let text = |key: &str| {
                file.get(key)
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let size = file
                .get("size")
                .and_then(Json::as_u64)
                .map(|b| locale.byte_size(b))
                .unwrap_or_default();
            let at = at.clone();
            let input: web_sys::Element = (*input_node).clone();
            let remove = move || {
                let mut list = at.list();
                if index < list.len() {
                    list.remove(index);
                }
                at.set_list(list);
                let input = input.clone();
                focus_later(move || input.dyn_into().ok());
            };
            list = list.child(
                El::new("li")
                    .text(&format!("{} ({size}) ", text("name")))
                    .child(action_button(word(locale, W::Remove), text("name"), "interview-back", remove)),
            );
        }
        list.fresh()
    });
    let problems_list = dynamic(move || {
        let mut list = El::new("div");
        for p in problems.get() {
            list = list.child(El::new("p").text(&p));
        }
        list.fresh()
    });
    labelled_box(&field)
        .child(input)
        .child_opt((!available).then(|| {
            El::with_class("p", "field-help")
                .attr("id", &status_id)
                .text(word(locale, W::UploadUnavailable))
        }))
        .child(
            El::with_class("div", "field-error")
                .attr("role", "alert")
                .attr("id", &problems_id)
                .reactive(problems_list),
        )
        .reactive(uploading)
        .reactive(listed)
        .fresh()
}

fn field_box(field: &Field, tag: &str, class: &'static str) -> El {
    let messages = field.messages;
    El::new(tag).reactive_attr(
        "class",
        dynamic(move || {
            Some(if messages.with(|m| m.is_empty()) {
                class.to_owned()
            } else {
                format!("{class} field-invalid")
            })
        }),
    )
}

fn control(field: &Field, tag: &str) -> El {
    El::new(tag)
        .attr("id", &field.id)
        .attr("name", &field.id)
        .reactive_attr("aria-describedby", field.described_by())
        .reactive_attr("aria-invalid", field.invalid())
}
