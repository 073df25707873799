//! The client's side of a link, start to end: open the link, sign in when the
//! link asks for it (passphrase, or SMS digits then a code), fill each section
//! page by page, check the answers, submit, and show the receipt.
//!
//! Nothing the client types is lost: every change is kept in the browser's
//! local storage (debounced) under the interview's id, restored on the next
//! visit, and reconciled with progress saved on the host (the newer wins, and
//! the client is told). A draft made for another template version is offered
//! through the runtime's carry-over, never applied as it is. When the network
//! is down the page says so and retries the save or submit once the browser
//! is back online, with the same `Idempotency-Key`, so a retried submit is
//! never recorded twice.
//!
//! The partner page hears about it through DOM events on the mounted element:
//! `interview-ready`, `interview-saved`, `interview-submitted` (with the
//! receipt) and `interview-expired`.

use std::future::Future;
use std::pin::Pin;

use interview_runtime::draft::{self, Draft, DraftSection, Fit};
use interview_runtime::interview::Interview;
use interview_runtime::json;
use interview_runtime::template::{ItemKind, Template};
use interview_runtime::AnswerSet;
use leptos::prelude::*;
use serde_json::{Map, Value as Json};
use wasm_bindgen::JsCast;

use crate::api::{Api, Failure, OFFLINE};
use crate::form::{today_utc, InterviewForm};
use crate::dom::El;
use crate::fresh::{dynamic, flag, Fresh, IntoFresh};

/// The words shown for an expired, submitted, cancelled or unknown link.
pub const EXPIRED: &str = "This request has expired.";

/// Where the client is.
#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Loading,
    Expired,
    Passphrase,
    SmsDigits,
    SmsCode,
    /// Filling a section (index), opened on a page (template page index).
    Fill(usize, Option<usize>),
    Review,
    Submitted(String),
    /// Something the page cannot get past (shown with a retry).
    Problem(String),
}

/// One section of the interview: a template, pinned to a version.
struct Section {
    id: String,
    title: String,
    version: u32,
    fingerprint: String,
    template: &'static Template,
}

impl Section {
    /// Puts this section's answers in `draft`, marked with its template version.
    fn keep(&self, draft: &mut Draft, answers: AnswerSet) {
        let section = DraftSection {
            answers,
            fingerprint: self.fingerprint.clone(),
            template_version: self.version,
        };
        draft.sections.insert(self.id.clone(), section);
    }
}

/// A call to repeat when the connection returns.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pending {
    Open,
    Save,
    Submit,
}

/// What every part of the flow shares (all handles: `Copy`).
#[derive(Clone, Copy)]
struct Flow {
    api: StoredValue<Api>,
    token: StoredValue<String>,
    events: StoredValue<web_sys::EventTarget, LocalStorage>,
    screen: RwSignal<Screen>,
    session: StoredValue<Option<String>>,
    interview_id: StoredValue<String>,
    title: RwSignal<String>,
    sections: StoredValue<Vec<Section>, LocalStorage>,
    /// Each section's answers, in the order of `sections`.
    answers: StoredValue<Vec<AnswerSet>>,
    /// The status line under the heading ("Saved on this device", offline, ...).
    status: RwSignal<String>,
    /// A notice the client should read (restored draft, changed form).
    notice: RwSignal<Option<String>>,
    /// The error of the sign-in screen or of submitting.
    problem: RwSignal<Option<String>>,
    /// The server's errors on submit.
    submit_errors: RwSignal<Vec<(usize, Option<usize>, String)>>,
    busy: RwSignal<bool>,
    pending: StoredValue<Option<Pending>>,
    last4: StoredValue<String>,
    /// The pending debounced draft write.
    draft_timer: StoredValue<Option<TimeoutHandle>>,
    /// Whether this tab keeps the link and the session ([`AppOptions::remember`]).
    remember: bool,
    /// Whether the session came from the tab's storage (a reload), not a sign-in.
    resumed: StoredValue<bool>,
}

/// Session storage key of the link this tab opened: `{"token","session"?}`.
const LINK_KEY: &str = "client-interview:link";

/// Runs a call in the background. Boxed, so that the task machinery is
/// compiled once rather than once per call site.
fn spawn(task: impl Future<Output = ()> + 'static) {
    let task: Pin<Box<dyn Future<Output = ()>>> = Box::pin(task);
    leptos::task::spawn_local(task);
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn stored_link() -> Option<Json> {
    let text = session_storage()?.get_item(LINK_KEY).ok().flatten()?;
    json::parse(&text).ok()
}

/// Keeps the link's token for this tab, so that a reload (the token has left
/// the address bar) opens the same link. The session kept for the same token
/// stays; a different link replaces both.
pub fn remember_link(token: &str) {
    if stored_link().is_some_and(|link| link.get("token").and_then(Json::as_str) == Some(token)) {
        return;
    }
    if let Some(storage) = session_storage() {
        let link = json::object(vec![("token", Json::from(token))]);
        let _ = storage.set_item(LINK_KEY, &json::to_string(&link));
    }
}

/// The token of the link this tab opened last, if it is still in use.
pub fn remembered_link() -> Option<String> {
    stored_link()?
        .get("token")
        .and_then(Json::as_str)
        .map(str::to_owned)
}

/// Forgets the tab's link (submitted or expired).
fn forget_link() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(LINK_KEY);
    }
}

/// Keeps (or, with `None`, drops) the client session of the tab's link `token`.
fn remember_session(token: &str, session: Option<&str>) {
    let mut entries = vec![("token", Json::from(token))];
    if let Some(session) = session {
        entries.push(("session", Json::from(session)));
    }
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(LINK_KEY, &json::to_string(&json::object(entries)));
    }
}

/// The client session kept for the tab's link `token`.
fn remembered_session(token: &str) -> Option<String> {
    let link = stored_link()?;
    (link.get("token").and_then(Json::as_str) == Some(token))
        .then(|| {
            link.get("session")
                .and_then(Json::as_str)
                .map(str::to_owned)
        })
        .flatten()
}

/// Local storage key of an interview's draft.
fn draft_key(id: &str) -> String {
    format!("client-interview:draft:{id}")
}

/// Local storage key of an interview's pending submit key.
fn submit_key_name(id: &str) -> String {
    format!("client-interview:submit:{id}")
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The current instant, RFC 3339 UTC.
fn now_rfc3339() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// A random key for `Idempotency-Key` (128 bits, hex).
fn random_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No Web Crypto (very old browsers): time and Math.random still make
        // a collision between one client's submits practically impossible.
        let seed = js_sys::Date::now() as u64 ^ (js_sys::Math::random() * 1e15) as u64;
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A time to wait, in words ("2 minutes", "30 seconds").
fn wait_words(seconds: u64) -> String {
    if seconds >= 90 {
        format!("{} minutes", seconds.div_ceil(60))
    } else {
        format!("{seconds} seconds")
    }
}

impl Flow {
    fn api(&self) -> Api {
        self.api.get_value()
    }

    /// Tells the partner page something happened (bubbles out of the shadow root).
    fn emit(&self, name: &str, detail: Json) {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(
            &js_sys::JSON::parse(&json::to_string(&detail)).unwrap_or(wasm_bindgen::JsValue::NULL),
        );
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
            self.events.with_value(|target| {
                let _ = target.dispatch_event(&event);
            });
        }
    }

    fn expired(&self) {
        if self.remember {
            forget_link();
        }
        self.busy.set(false);
        self.screen.set(Screen::Expired);
        self.emit("interview-expired", Json::Object(Map::new()));
    }

    /// Deals with a failure every call can have: offline (retry later) or an expired link.
    /// Returns the failure when it is one the caller must handle.
    fn common(&self, failure: Failure, retry: Pending) -> Option<Failure> {
        self.busy.set(false);
        match failure {
            Failure::Offline => {
                self.pending.set_value(Some(retry));
                self.status.set(OFFLINE.to_owned());
                if retry == Pending::Open {
                    self.screen.set(Screen::Problem(OFFLINE.to_owned()));
                }
                None
            }
            // A save, submit or upload refused with 410: the link may be
            // dead, or only this session (it lasts hours, a client may take
            // longer). The answers are in the local draft, so open the link
            // again: a dead link then shows as expired, a live one asks to
            // sign in again (or just goes on) and restores the draft.
            f if f.is_expired()
                && retry != Pending::Open
                && self.session.with_value(Option::is_some) =>
            {
                self.session.set_value(None);
                if self.remember {
                    remember_session(&self.token.get_value(), None);
                }
                self.status.set("Your session ended; opening your link again. Your answers are kept on this device.".to_owned());
                self.open();
                None
            }
            f if f.is_expired() => {
                self.expired();
                None
            }
            f => Some(f),
        }
    }

    /// What an upload's failure means for the flow: an ended session or link
    /// is handled as for any call; the form shows the message.
    fn upload_failed(self, failure: Failure) -> String {
        let message = failure.message();
        if failure.is_expired() {
            self.common(failure, Pending::Save);
        }
        message
    }

    /// Opens the link.
    fn open(self) {
        self.screen.set(Screen::Loading);
        let token = self.token.get_value();
        // After a reload: the tab's session, so the client is not asked to
        // sign in again (nor sent another text) while it is still valid.
        if let Some(session) = self.remember.then(|| remembered_session(&token)).flatten() {
            self.session.set_value(Some(session));
            self.resumed.set_value(true);
            self.load();
            return;
        }
        spawn(async move {
            match self.api().open(&token).await {
                Ok(answer) => match answer.get("state").and_then(Json::as_str) {
                    Some("ready") => self.signed_in(&answer),
                    _ => match answer.get("method").and_then(Json::as_str) {
                        Some("sms") => self.screen.set(Screen::SmsDigits),
                        _ => self.screen.set(Screen::Passphrase),
                    },
                },
                Err(failure) => {
                    if let Some(f) = self.common(failure, Pending::Open) {
                        self.screen.set(Screen::Problem(f.message()));
                    }
                }
            }
        });
    }

    /// Keeps the session and loads the interview.
    fn signed_in(self, answer: &Json) {
        let session = answer
            .get("session")
            .and_then(Json::as_str)
            .map(str::to_owned);
        if self.remember {
            remember_session(&self.token.get_value(), session.as_deref());
        }
        self.session.set_value(session);
        self.resumed.set_value(false);
        self.problem.set(None);
        self.load();
    }

    /// Loads the sections and the answers, reconciling drafts.
    fn load(self) {
        self.screen.set(Screen::Loading);
        spawn(async move {
            let session = self.session.get_value().unwrap_or_default();
            match self.api().interview(&session).await {
                Ok(view) => match self.start(&view) {
                    Ok(()) => {
                        self.busy.set(false);
                        self.screen.set(Screen::Fill(0, None));
                        let title = self.title.get_untracked();
                        self.emit(
                            "interview-ready",
                            json::object(vec![("title", Json::String(title))]),
                        );
                    }
                    Err(message) => self.screen.set(Screen::Problem(message)),
                },
                // The kept session has ended (it lasts two hours): open the
                // link again, which asks for the sign-in if the link needs one.
                Err(failure) if failure.is_expired() && self.resumed.get_value() => {
                    self.resumed.set_value(false);
                    self.session.set_value(None);
                    remember_session(&self.token.get_value(), None);
                    self.open();
                }
                Err(failure) => {
                    if let Some(f) = self.common(failure, Pending::Open) {
                        self.screen.set(Screen::Problem(f.message()));
                    }
                }
            }
        });
    }

    /// Reads the interview the host sent and picks the answers to start from.
    fn start(&self, view: &Json) -> Result<(), String> {
        let id = view
            .get("id")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        self.interview_id.set_value(id.clone());
        self.title.set(
            view.get("title")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned(),
        );
        let mut sections = Vec::new();
        for section in view
            .get("sections")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            // The packed template, not the JSON document: reading that would
            // link the template reader and the expression and pattern parsers.
            let template = Template::unpack(
                section
                    .get("template_packed")
                    .and_then(Json::as_str)
                    .unwrap_or_default(),
            )
            .map_err(|e| format!("This form cannot be shown ({e}). Please contact the sender."))?;
            let template: &'static Template = Box::leak(Box::new(template));
            sections.push(Section {
                id: section
                    .get("id")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                title: section
                    .get("title")
                    .and_then(Json::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                version: section
                    .get("template_version")
                    .and_then(Json::as_u64)
                    .unwrap_or(0) as u32,
                fingerprint: template.fingerprint(),
                template,
            });
        }
        if sections.is_empty() {
            return Err("This request has nothing to fill in.".to_owned());
        }

        // The host's saved progress, as a draft made for the pinned versions.
        let host_draft = view.get("saved_at").and_then(Json::as_str).map(|saved_at| {
            let mut d = Draft::new(saved_at);
            for s in &sections {
                if let Some(Json::Object(answers)) = view.get("answers").and_then(|a| a.get(&s.id))
                {
                    s.keep(&mut d, answers.clone());
                }
            }
            d
        });
        let local_draft = local_storage()
            .and_then(|s| s.get_item(&draft_key(&id)).ok().flatten())
            .and_then(|text| Draft::from_json(&text).ok());
        let chosen = match (&host_draft, &local_draft) {
            (Some(host), Some(local)) => {
                let newer = draft::newer(local, host);
                if std::ptr::eq(newer, host) && host.sections != local.sections {
                    self.notice.set(Some("Your progress saved online is newer than the copy on this device, so it was restored.".to_owned()));
                } else if host.sections != local.sections {
                    self.notice.set(Some("The answers kept on this device are newer than your progress saved online, so they were restored.".to_owned()));
                }
                Some(newer.clone())
            }
            (Some(d), None) | (None, Some(d)) => Some(d.clone()),
            (None, None) => None,
        };
        let mut answers = Vec::new();
        let mut dropped = 0;
        let mut changed = false;
        for s in &sections {
            let start = match &chosen {
                Some(d) => match d.fit(&s.id, s.version, s.template) {
                    Fit::Current => d
                        .sections
                        .get(&s.id)
                        .map(|x| x.answers.clone())
                        .unwrap_or_default(),
                    Fit::OtherVersion { .. } => {
                        changed = true;
                        let carried = d
                            .sections
                            .get(&s.id)
                            .map(|x| draft::carry_over(&x.answers, s.template))
                            .unwrap_or_default();
                        dropped += carried.dropped.len();
                        carried.answers
                    }
                    Fit::Missing => AnswerSet::new(),
                },
                None => AnswerSet::new(),
            };
            answers.push(start);
        }
        if changed {
            self.notice.set(Some(if dropped == 0 {
                "The form has changed since your answers were saved; your answers were kept. Please check them.".to_owned()
            } else {
                format!("The form has changed since your answers were saved; {dropped} answer(s) no longer fit and were left out. Please check your answers.")
            }));
        }
        self.answers.set_value(answers);
        self.sections.set_value(sections);
        if local_draft.is_some() {
            self.status.set("Saved on this device.".to_owned());
        }
        Ok(())
    }

    /// The answers of every section, as the API takes them.
    fn answers_json(&self) -> Json {
        let mut out = Map::new();
        self.sections.with_value(|sections| {
            self.answers.with_value(|all| {
                for (s, answers) in sections.iter().zip(all) {
                    out.insert(s.id.clone(), Json::Object(answers.clone()));
                }
            })
        });
        Json::Object(out)
    }

    /// Keeps a section's answers and writes the local draft soon (debounced).
    fn changed(self, section: usize, answers: AnswerSet) {
        let same = self
            .answers
            .with_value(|all| all.get(section) == Some(&answers));
        if same {
            return;
        }
        self.answers.update_value(|all| {
            if let Some(slot) = all.get_mut(section) {
                *slot = answers;
            }
        });
        if let Some(timer) = self.draft_timer.get_value() {
            timer.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                self.draft_timer.set_value(None);
                self.write_local();
            },
            std::time::Duration::from_millis(400),
        );
        self.draft_timer.set_value(handle.ok());
    }

    /// Writes the draft now if a write is waiting (the page is going away:
    /// a reload or a closed tab must not lose the last keystrokes).
    fn flush_draft(self) {
        if self.draft_timer.with_value(Option::is_some) {
            self.write_local();
        }
    }

    /// Writes the local draft now (a debounced write still waiting is
    /// cancelled: it would bring back a draft a submit has just removed).
    fn write_local(self) {
        if let Some(timer) = self.draft_timer.get_value() {
            timer.clear();
            self.draft_timer.set_value(None);
        }
        let mut d = Draft::new(now_rfc3339());
        self.sections.with_value(|sections| {
            self.answers.with_value(|all| {
                for (s, answers) in sections.iter().zip(all) {
                    s.keep(&mut d, answers.clone());
                }
            })
        });
        let id = self.interview_id.get_value();
        let stored = local_storage()
            .and_then(|s| s.set_item(&draft_key(&id), &d.to_json()).ok())
            .is_some();
        self.status.set(if stored {
            "Saved on this device.".to_owned()
        } else {
            "This browser does not let the page keep your answers; use Save progress.".to_owned()
        });
    }

    /// Saves the answers on the host ("Save progress").
    fn save(self) {
        self.busy.set(true);
        self.write_local();
        spawn(async move {
            let session = self.session.get_value().unwrap_or_default();
            match self.api().save(&session, self.answers_json()).await {
                Ok(answer) => {
                    self.busy.set(false);
                    self.pending.set_value(None);
                    self.status
                        .set("Progress saved. You can come back to this link later.".to_owned());
                    let saved_at = answer.get("saved_at").cloned().unwrap_or(Json::Null);
                    self.emit(
                        "interview-saved",
                        json::object(vec![("saved_at", saved_at)]),
                    );
                }
                Err(failure) => {
                    if let Some(f) = self.common(failure, Pending::Save) {
                        self.status.set(f.message());
                    }
                }
            }
        });
    }

    /// Submits every section's answers.
    fn submit(self) {
        self.busy.set(true);
        self.problem.set(None);
        self.submit_errors.set(Vec::new());
        self.write_local();
        let id = self.interview_id.get_value();
        // One key per submission, kept with the draft: a retry after a
        // dropped connection or a reload is answered, never recorded twice.
        let storage = local_storage();
        let key = storage
            .as_ref()
            .and_then(|s| s.get_item(&submit_key_name(&id)).ok().flatten())
            .unwrap_or_else(|| {
                let key = random_key();
                if let Some(s) = &storage {
                    let _ = s.set_item(&submit_key_name(&id), &key);
                }
                key
            });
        spawn(async move {
            let session = self.session.get_value().unwrap_or_default();
            match self.api().submit(&session, self.answers_json(), &key).await {
                Ok(answer) => {
                    self.busy.set(false);
                    self.pending.set_value(None);
                    if let Some(s) = local_storage() {
                        let _ = s.remove_item(&draft_key(&id));
                        let _ = s.remove_item(&submit_key_name(&id));
                    }
                    if self.remember {
                        forget_link();
                    }
                    let receipt = answer
                        .get("receipt")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    self.status.set(String::new());
                    self.screen.set(Screen::Submitted(receipt.clone()));
                    self.emit(
                        "interview-submitted",
                        json::object(vec![("receipt", Json::String(receipt))]),
                    );
                }
                Err(failure) => {
                    if let Some(f) = self.common(failure, Pending::Submit) {
                        self.submit_errors.set(self.locate(&f));
                        self.problem.set(Some(f.message()));
                    }
                }
            }
        });
    }

    /// The server's validation errors, each with the section and page to change it on.
    fn locate(&self, failure: &Failure) -> Vec<(usize, Option<usize>, String)> {
        let Failure::Http { detail, .. } = failure else {
            return Vec::new();
        };
        let errors = detail
            .get("errors")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        self.sections.with_value(|sections| {
            errors
                .iter()
                .map(|e| {
                    let text = |f: &str| {
                        e.get(f)
                            .and_then(Json::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let (section, path) = (text("section"), text("path"));
                    let index = sections.iter().position(|s| s.id == section).unwrap_or(0);
                    let top = path.split(['[', '.']).next().unwrap_or_default().to_owned();
                    let page = sections.get(index).and_then(|s| {
                        s.template
                            .top_level(&top)
                            .map(|item| s.template.item(item).page)
                    });
                    (index, page, text("message"))
                })
                .collect()
        })
    }

    /// Repeats what failed while offline.
    fn retry(self) {
        match self.pending.get_value() {
            Some(Pending::Open) => {
                self.pending.set_value(None);
                if self.session.with_value(Option::is_some) {
                    self.load();
                } else {
                    self.open();
                }
            }
            Some(Pending::Save) => self.save(),
            Some(Pending::Submit) => self.submit(),
            None => {}
        }
    }
}

/// Options of [`ClientApp`].
#[derive(Clone)]
pub struct AppOptions {
    /// The host's base URL (`""` for the page's own origin).
    pub host: String,
    /// The link token.
    pub token: String,
    /// Where the DOM events go (the element the interview is mounted on).
    pub events: web_sys::EventTarget,
    /// Whether the tab keeps the link and the client session in its session
    /// storage, so a reload resumes without signing in again (the interview
    /// page, whose address loses the token). Forgotten on submit or expiry,
    /// and by the browser when the tab closes.
    pub remember: bool,
}

/// The whole client flow for one link.
#[component]
pub fn ClientApp(options: AppOptions) -> impl IntoView {
    let flow = Flow {
        api: StoredValue::new(Api::new(&options.host)),
        token: StoredValue::new(options.token),
        events: StoredValue::new_local(options.events),
        screen: RwSignal::new(Screen::Loading),
        session: StoredValue::new(None),
        interview_id: StoredValue::new(String::new()),
        title: RwSignal::new(String::new()),
        sections: StoredValue::new_local(Vec::new()),
        answers: StoredValue::new(Vec::new()),
        status: RwSignal::new(String::new()),
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        submit_errors: RwSignal::new(Vec::new()),
        busy: RwSignal::new(false),
        pending: StoredValue::new(None),
        last4: StoredValue::new(String::new()),
        draft_timer: StoredValue::new(None),
        remember: options.remember,
        resumed: StoredValue::new(false),
    };
    let online = window_event_listener(leptos::ev::online, move |_| {
        flow.status.set("Back online.".to_owned());
        flow.retry();
    });
    let leaving = window_event_listener(leptos::ev::pagehide, move |_| flow.flush_draft());
    on_cleanup(move || {
        online.remove();
        leaving.remove();
    });
    flow.open();

    let screen = dynamic(move || match flow.screen.get() {
        Screen::Loading => El::with_class("p", "interview-status")
            .attr("role", "status")
            .text("Loading…")
            .fresh(),
        Screen::Expired => El::new("div")
            .child(El::with_class("h1", "interview-title").text(EXPIRED))
            .child(El::new("p").text("Please contact the person who sent you the link if you still need to send information."))
            .fresh(),
        Screen::Problem(message) => {
            let again = button(
                "interview-next",
                "Try again".to_owned(),
                None,
                None,
                Box::new(move || {
                    // Not only after a lost connection: a failure the host
                    // reported (busy, rate limited) is tried again too.
                    if flow.pending.with_value(Option::is_none) {
                        flow.pending.set_value(Some(Pending::Open));
                    }
                    flow.retry();
                }),
            );
            El::new("div")
                .child(El::with_class("h1", "interview-title").text("Something went wrong"))
                .child(El::new("p").attr("role", "alert").text(&message))
                .view(again)
                .fresh()
        }
        Screen::Passphrase => passphrase_view(flow),
        Screen::SmsDigits => sms_digits_view(flow),
        Screen::SmsCode => sms_code_view(flow),
        Screen::Fill(section, page) => fill_view(flow, section, page),
        Screen::Review => review_view(flow),
        Screen::Submitted(receipt) => {
            // The Submit button is gone: focus the confirmation, so it is read out.
            El::new("div")
                .child(focus_soon(El::with_class("h1", "interview-title").text("Data successfully submitted")))
                .child(
                    El::new("p")
                        .text("Thank you. Your receipt number is ")
                        .child(El::with_class("strong", "receipt").text(&receipt))
                        .text("."),
                )
                .child(El::new("p").text("You can close this page."))
                .fresh()
        }
    });
    El::with_class("section", "interview client-app")
        .reactive(screen)
        .child(
            El::with_class("p", "interview-status")
                .attr("role", "status")
                .attr("aria-live", "polite")
                .reactive_text(dynamic(move || flow.status.get())),
        )
        .fresh()
}

/// A heading to focus once it is in the page (a new screen with no control
/// to start from: the review and the receipt), so a screen reader reads it.
fn focus_soon(heading: El) -> El {
    let node = heading.attr("tabindex", "-1");
    let target = node.node();
    request_animation_frame(move || {
        let _ = target.unchecked_ref::<web_sys::HtmlElement>().focus();
    });
    node
}

/// A button of the flow, disabled while `busy` (when given) is set. Every
/// button shares this one compiled view.
fn button(
    class: &'static str,
    text: String,
    label: Option<String>,
    busy: Option<RwSignal<bool>>,
    on_click: Box<dyn Fn()>,
) -> Fresh {
    let button = El::with_class("button", class)
        .attr("type", "button")
        .attr_opt("aria-label", label.as_deref())
        .text(&text)
        .on("click", Box::new(move |_| on_click()));
    match busy {
        Some(busy) => button.reactive_attr("disabled", dynamic(move || flag(busy.get()))),
        None => button,
    }
    .fresh()
}

/// A sign-in form: heading, one labelled input, error tied to it, a button.
#[allow(clippy::too_many_arguments)]
fn sign_in_form(
    flow: Flow,
    heading: &'static str,
    intro: &'static str,
    label: &'static str,
    input_type: &'static str,
    autocomplete: &'static str,
    inputmode: Option<&'static str>,
    extra: Option<Fresh>,
    on_submit: Box<dyn Fn(String)>,
) -> Fresh {
    let value = RwSignal::new(String::new());
    let invalid = move || flow.problem.with(Option::is_some);
    let input = El::new("input")
        .attr("id", "sign-in-input")
        .attr("type", input_type)
        .attr("autocomplete", autocomplete)
        .attr_opt("inputmode", inputmode)
        .reactive_attr(
            "aria-describedby",
            dynamic(move || invalid().then(|| "sign-in-error".to_owned())),
        )
        .reactive_attr(
            "aria-invalid",
            dynamic(move || invalid().then(|| "true".to_owned())),
        )
        .on(
            "input",
            Box::new(move |ev| value.set(event_target_value(&ev))),
        );
    let field = send_wrapper::SendWrapper::new(input.node().unchecked_into::<web_sys::HtmlInputElement>());
    Effect::new(move |_| {
        if flow.problem.get().is_some() {
            // A wrong passphrase or code is not left to be corrected
            // character by character: the field starts empty again.
            field.set_value("");
            value.set(String::new());
            let _ = field.focus();
        }
    });
    let error = dynamic(move || {
        flow.problem
            .get()
            .map(|p| {
                El::with_class("p", "field-error")
                    .attr("id", "sign-in-error")
                    .attr("role", "alert")
                    .child(El::with_class("span", "visually-hidden").text("Error: "))
                    .text(&p)
                    .fresh()
            })
            .fresh()
    });
    let mut nav = El::with_class("div", "interview-nav");
    if let Some(extra) = extra {
        nav = nav.view(extra);
    }
    let nav = nav.child(
        El::with_class("button", "interview-next")
            .attr("type", "submit")
            .reactive_attr("disabled", dynamic(move || flag(flow.busy.get())))
            .text("Continue"),
    );
    El::new("div")
        .child(El::with_class("h1", "interview-title").text(heading))
        .child(El::new("p").text(intro))
        .child(
            El::with_class("form", "interview-page")
                .attr("novalidate", "")
                .on(
                    "submit",
                    Box::new(move |ev| {
                        ev.prevent_default();
                        on_submit(value.get_untracked());
                    }),
                )
                .child(
                    El::new("div")
                        .reactive_attr(
                            "class",
                            dynamic(move || {
                                Some(if invalid() { "field field-invalid" } else { "field" }.to_owned())
                            }),
                        )
                        .child(
                            El::with_class("label", "field-label")
                                .attr("for", "sign-in-input")
                                .text(label),
                        )
                        .reactive(error)
                        .child(input),
                )
                .child(nav),
        )
        .fresh()
}

/// The message for a failed sign-in attempt (wrong value or lockout).
fn attempt_message(failure: &Failure, wrong: &str) -> String {
    match failure {
        // Only a lockout is about failed attempts: asking for a new code too
        // soon (`resend_too_soon`) or too many calls (`rate_limited`) keep
        // the host's own sentence.
        Failure::Http {
            status: 429, code, ..
        } if code == "locked" => match failure.number("retry_after") {
            Some(secs) => format!("Too many attempts. Try again in {}.", wait_words(secs)),
            None => failure.message(),
        },
        Failure::Http { status: 401, .. } => match failure.number("attempts_left") {
            Some(1) => format!("{wrong} You have 1 attempt left."),
            Some(n) => format!("{wrong} You have {n} attempts left."),
            None => wrong.to_owned(),
        },
        other => other.message(),
    }
}

/// Which sign-in call a form makes.
#[derive(Clone, Copy)]
enum SignIn {
    Passphrase,
    SmsDigits,
    SmsCode,
    Resend,
}

impl Flow {
    /// Makes a sign-in call with what the client typed (already checked) and
    /// handles its answer: signed in, code sent, or the error to show.
    fn sign_in(self, step: SignIn, typed: String) {
        self.busy.set(true);
        spawn(async move {
            let (api, token) = (self.api(), self.token.get_value());
            let (result, wrong) = match step {
                SignIn::Passphrase => (
                    api.passphrase(&token, &typed).await,
                    "That passphrase is not right.",
                ),
                SignIn::SmsDigits => (
                    api.sms_start(&token, &typed).await,
                    "Those digits do not match the mobile number we have.",
                ),
                SignIn::SmsCode => (
                    api.sms_verify(&token, &typed).await,
                    "That code is not right.",
                ),
                SignIn::Resend => (
                    api.sms_start(&token, &typed).await,
                    "We could not send a new code.",
                ),
            };
            match (result, step) {
                (Ok(answer), SignIn::Passphrase | SignIn::SmsCode) => self.signed_in(&answer),
                (Ok(_), _) => {
                    self.busy.set(false);
                    self.problem.set(None);
                    if let SignIn::SmsDigits = step {
                        self.last4.set_value(typed);
                        self.status
                            .set("We sent a code to your mobile phone.".to_owned());
                        self.screen.set(Screen::SmsCode);
                    } else {
                        self.status
                            .set("We sent a new code to your mobile phone.".to_owned());
                    }
                }
                (Err(failure), _) => {
                    if let Some(f) = self.common(failure, Pending::Open) {
                        self.problem.set(Some(attempt_message(&f, wrong)));
                    }
                }
            }
        });
    }
}

fn passphrase_view(flow: Flow) -> Fresh {
    let intro = "The sender protected this request with a passphrase. They will have given it to you separately.";
    let submit = move |passphrase: String| {
        if passphrase.trim().is_empty() {
            flow.problem.set(Some("Enter the passphrase.".to_owned()));
        } else {
            flow.sign_in(SignIn::Passphrase, passphrase);
        }
    };
    sign_in_form(
        flow,
        "Enter your passphrase",
        intro,
        "Passphrase",
        "password",
        "off",
        None,
        None,
        Box::new(submit),
    )
}

/// The typed digits without spaces, if they are exactly `count` digits.
fn digits(typed: &str, count: usize) -> Option<String> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == count && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn sms_digits_view(flow: Flow) -> Fresh {
    let intro = "To check it is you, we will text a code to your mobile phone.";
    let submit = move |typed: String| match digits(&typed, 4) {
        Some(last4) => flow.sign_in(SignIn::SmsDigits, last4),
        None => flow.problem.set(Some(
            "Enter the last 4 digits of your mobile number, like 1234.".to_owned(),
        )),
    };
    let label = "Last 4 digits of your mobile number";
    sign_in_form(
        flow,
        "Confirm your mobile number",
        intro,
        label,
        "text",
        "off",
        Some("numeric"),
        None,
        Box::new(submit),
    )
}

fn sms_code_view(flow: Flow) -> Fresh {
    let resend = Box::new(move || flow.sign_in(SignIn::Resend, flow.last4.get_value()));
    let extra = button(
        "interview-back",
        "Send a new code".to_owned(),
        None,
        Some(flow.busy),
        resend,
    );
    let intro = "Enter the 6-digit code we sent to your mobile phone. It works for 10 minutes.";
    let submit = move |typed: String| match digits(&typed, 6) {
        Some(code) => flow.sign_in(SignIn::SmsCode, code),
        None => flow.problem.set(Some(
            "Enter the 6 digits of the code, like 123456.".to_owned(),
        )),
    };
    let numeric = Some("numeric");
    sign_in_form(
        flow,
        "Enter the code",
        intro,
        "6-digit code",
        "text",
        "one-time-code",
        numeric,
        Some(extra),
        Box::new(submit),
    )
}

/// The notice the client should read (restored draft, changed form), with
/// a button to dismiss it.
fn notice_view(flow: Flow) -> Box<dyn FnMut() -> Fresh + Send> {
    dynamic(move || {
        flow.notice
            .get()
            .map(|text| {
                let dismiss = button(
                    "interview-back",
                    "Dismiss".to_owned(),
                    None,
                    None,
                    Box::new(move || flow.notice.set(None)),
                );
                El::with_class("div", "interview-notice")
                    .attr("role", "note")
                    .child(El::new("p").text(&text))
                    .view(dismiss)
                    .fresh()
            })
            .fresh()
    })
}

fn fill_view(flow: Flow, index: usize, page: Option<usize>) -> Fresh {
    let Some((id, title, template, count)) = flow.sections.with_value(|sections| {
        sections
            .get(index)
            .map(|s| (s.id.clone(), s.title.clone(), s.template, sections.len()))
    }) else {
        return El::new("p").text("This section does not exist.").fresh();
    };
    let answers = flow
        .answers
        .with_value(|all| all.get(index).cloned().unwrap_or_default());
    let Some(today) = today_utc() else {
        return clock_problem();
    };
    let on_change = Callback::new(move |answers: AnswerSet| flow.changed(index, answers));
    let on_finish = Callback::new(move |_answers: AnswerSet| {
        if index + 1 < count {
            flow.screen.set(Screen::Fill(index + 1, None));
        } else {
            flow.screen.set(Screen::Review);
        }
    });
    let on_back = (index > 0)
        .then(|| Callback::new(move |()| flow.screen.set(Screen::Fill(index - 1, None))));
    let finish_label = if index + 1 < count {
        "Next section"
    } else {
        "Check your answers"
    };
    let section_line =
        (count > 1).then(|| format!("Section {} of {}: {}", index + 1, count, title));
    let upload_section = id.clone();
    let uploader = crate::form::Uploader::new(move |file, question, progress| {
        let (api, section) = (flow.api(), upload_section.clone());
        let session = flow.session.get_value().unwrap_or_default();
        async move {
            api.upload(&session, &section, &question, &file, progress)
                .await
                .map_err(|f| flow.upload_failed(f))
        }
    });
    let form = view! {
        <InterviewForm template=template answers=answers today=today on_change=on_change on_finish=on_finish
            on_back=on_back start_page=page finish_label=finish_label uploader=uploader />
    };
    let save = button(
        "interview-back",
        "Save progress".to_owned(),
        None,
        Some(flow.busy),
        Box::new(move || flow.save()),
    );
    El::new("div")
        .reactive(notice_view(flow))
        .child_opt(section_line.map(|line| El::with_class("p", "interview-section").text(&line)))
        .view(form.fresh())
        .child(El::with_class("div", "interview-save").view(save))
        .fresh()
}

/// Shown when the device's clock is outside the years the engine accepts.
fn clock_problem() -> Fresh {
    El::new("p")
        .attr("role", "alert")
        .text("This device's date is not set correctly. Please correct it and reload the page.")
        .fresh()
}

/// An answer as the client reads it on the review page.
fn answer_text(iv: &Interview<'_>, item: interview_runtime::template::ItemId) -> String {
    let it = iv.template().item(item);
    let raw = iv.raw(item, &[]).cloned().unwrap_or(Json::Null);
    let label_of = |options: &[interview_runtime::template::ChoiceOption], v: &Json| {
        let v = v.as_str().unwrap_or_default();
        options
            .iter()
            .find(|o| o.value == v)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| v.to_owned())
    };
    let text = match (&it.kind, &raw) {
        (_, Json::Null) => String::new(),
        (ItemKind::YesNo, Json::Bool(b)) => if *b { "Yes" } else { "No" }.to_owned(),
        (ItemKind::Choice { options, .. }, v) => label_of(options, v),
        (ItemKind::MultiChoice { options, .. }, Json::Array(values)) => values
            .iter()
            .map(|v| label_of(options, v))
            .collect::<Vec<_>>()
            .join(", "),
        (ItemKind::Repeat { .. }, _) => match iv.entries(item, &[]) {
            0 => String::new(),
            1 => "1 entry".to_owned(),
            n => format!("{n} entries"),
        },
        (ItemKind::File { .. }, Json::Array(files)) => files
            .iter()
            .map(|f| {
                f.get("name")
                    .and_then(Json::as_str)
                    .unwrap_or("file")
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Json::String(s)) => s.clone(),
        _ => iv.value(item, &[]).display_text(),
    };
    if text.is_empty() {
        "Not answered".to_owned()
    } else {
        text
    }
}

fn review_view(flow: Flow) -> Fresh {
    let Some(today) = today_utc() else {
        return clock_problem();
    };
    let sections = flow.sections.with_value(|sections| {
        flow.answers.with_value(|all| {
            sections
                .iter()
                .enumerate()
                .map(|(index, s)| {
                    let iv = Interview::new(
                        s.template,
                        all.get(index).cloned().unwrap_or_default(),
                        today,
                    );
                    let mut rows = Vec::new();
                    for page in iv.visible_pages() {
                        for item in s
                            .template
                            .pages
                            .get(page)
                            .map(|p| p.items.clone())
                            .unwrap_or_default()
                        {
                            let it = s.template.item(item);
                            let answerable = !matches!(
                                it.kind,
                                ItemKind::Note { .. } | ItemKind::Computed { .. }
                            );
                            if answerable && iv.is_visible(item, &[]) {
                                rows.push((
                                    page,
                                    it.display_name().to_owned(),
                                    answer_text(&iv, item),
                                ));
                            }
                        }
                    }
                    (index, s.title.clone(), rows)
                })
                .collect::<Vec<_>>()
        })
    });
    let multi = sections.len() > 1;
    let mut page = El::new("div").child(focus_soon(
        El::with_class("h1", "interview-title").text("Check your answers"),
    ));
    let problems = dynamic(move || {
        flow.problem
            .get()
            .map(|p| {
                let mut list = El::with_class("ul", "error-summary-list");
                for (index, page, message) in flow.submit_errors.get() {
                    let go = Box::new(move || flow.screen.set(Screen::Fill(index, page)));
                    list = list.child(El::new("li").view(button("review-change", message, None, None, go)));
                }
                El::with_class("div", "error-summary")
                    .attr("role", "alert")
                    .attr("tabindex", "-1")
                    .child(El::with_class("h2", "error-summary-title").text("There is a problem"))
                    .child(El::new("p").text(&p))
                    .child(list)
                    .fresh()
            })
            .fresh()
    });
    page = page.reactive(problems);
    for (index, title, rows) in sections {
        if multi {
            page = page.child(El::with_class("h2", "interview-page-title").text(&title));
        }
        let mut list = El::with_class("dl", "review-list");
        for (at, label, text) in rows {
            let go = Box::new(move || flow.screen.set(Screen::Fill(index, Some(at))));
            let change = button(
                "review-change",
                "Change".to_owned(),
                Some(format!("Change {label}")),
                None,
                go,
            );
            list = list.child(
                El::with_class("div", "review-row")
                    .child(El::new("dt").text(&label))
                    .child(El::new("dd").text(&text))
                    .child(El::new("dd").view(change)),
            );
        }
        page = page.child(list);
    }
    let last = flow.sections.with_value(|s| s.len().saturating_sub(1));
    let back = button(
        "interview-back",
        "Back".to_owned(),
        None,
        None,
        Box::new(move || flow.screen.set(Screen::Fill(last, None))),
    );
    let submit = button(
        "interview-next",
        "Submit".to_owned(),
        None,
        Some(flow.busy),
        Box::new(move || flow.submit()),
    );
    page.child(
        El::with_class("div", "interview-nav")
            .view(back)
            .text(" ")
            .view(submit),
    )
    .fresh()
}
