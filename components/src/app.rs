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
use interview_runtime::{AnswerSet, Locale};
use leptos::prelude::*;
use serde_json::{Map, Value as Json};
use wasm_bindgen::JsCast;

use crate::api::{Api, Failure};
use crate::form::{today_utc, InterviewForm};
use crate::dom::El;
use crate::fresh::{dynamic, flag, Fresh, IntoFresh};
use crate::words::{self, W};

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
    /// The language of the page's words: the partner's choice, else the
    /// interview's (once the host has said it), else the browser's.
    locale: RwSignal<Locale>,
    /// The partner's choice of language ([`AppOptions::locale`]), which wins.
    chosen: Option<Locale>,
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
fn wait_words(locale: Locale, seconds: u64) -> String {
    if seconds >= 90 {
        let minutes = seconds.div_ceil(60).to_string();
        words::say(locale, W::Minutes, &[("n", &minutes)])
    } else {
        words::say(locale, W::Seconds, &[("n", &seconds.to_string())])
    }
}

impl Flow {
    fn api(&self) -> Api {
        self.api.get_value()
    }

    /// The current language.
    fn lang(&self) -> Locale {
        self.locale.get_untracked()
    }

    /// The words of `w` in the current language.
    fn word(&self, w: W) -> &'static str {
        words::word(self.lang(), w)
    }

    /// The words of `w` in the current language, placeholders filled.
    fn say(&self, w: W, args: &[(&str, &str)]) -> String {
        words::say(self.lang(), w, args)
    }

    /// Takes the interview's language from a host answer (`"locale"`),
    /// unless the partner chose one.
    fn follow_locale(&self, answer: &Json) {
        let told = answer
            .get("locale")
            .and_then(Json::as_str)
            .and_then(Locale::from_tag);
        if let (None, Some(locale)) = (self.chosen, told) {
            self.locale.set(locale);
        }
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
                let offline = self.word(W::Offline).to_owned();
                self.status.set(offline.clone());
                if retry == Pending::Open {
                    self.screen.set(Screen::Problem(offline));
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
                self.status.set(self.word(W::SessionEnded).to_owned());
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
        let message = failure.message(self.lang());
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
                Ok(answer) => {
                    self.follow_locale(&answer);
                    match answer.get("state").and_then(Json::as_str) {
                        Some("ready") => self.signed_in(&answer),
                        _ => match answer.get("method").and_then(Json::as_str) {
                            Some("sms") => self.screen.set(Screen::SmsDigits),
                            _ => self.screen.set(Screen::Passphrase),
                        },
                    }
                }
                Err(failure) => {
                    if let Some(f) = self.common(failure, Pending::Open) {
                        self.screen.set(Screen::Problem(f.message(self.lang())));
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
                        self.screen.set(Screen::Problem(f.message(self.lang())));
                    }
                }
            }
        });
    }

    /// Reads the interview the host sent and picks the answers to start from.
    fn start(&self, view: &Json) -> Result<(), String> {
        self.follow_locale(view);
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
            .map_err(|e| self.say(W::FormBroken, &[("problem", &e.to_string())]))?;
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
            return Err(self.word(W::NothingToFill).to_owned());
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
                    self.notice.set(Some(self.word(W::HostNewer).to_owned()));
                } else if host.sections != local.sections {
                    self.notice.set(Some(self.word(W::LocalNewer).to_owned()));
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
                self.word(W::FormChanged).to_owned()
            } else {
                self.say(W::FormChangedDropped, &[("n", &dropped.to_string())])
            }));
        }
        self.answers.set_value(answers);
        self.sections.set_value(sections);
        if local_draft.is_some() {
            self.status.set(self.word(W::SavedOnDevice).to_owned());
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
        self.status.set(self.word(if stored { W::SavedOnDevice } else { W::NoStorage }).to_owned());
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
                    self.status.set(self.word(W::ProgressSaved).to_owned());
                    let saved_at = answer.get("saved_at").cloned().unwrap_or(Json::Null);
                    self.emit(
                        "interview-saved",
                        json::object(vec![("saved_at", saved_at)]),
                    );
                }
                Err(failure) => {
                    if let Some(f) = self.common(failure, Pending::Save) {
                        self.status.set(f.message(self.lang()));
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
                        self.problem.set(Some(f.message(self.lang())));
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
    /// The language the partner chose (`mount`'s `locale`); `None` follows
    /// the interview's, and the browser's until the host has said it.
    pub locale: Option<Locale>,
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
        locale: RwSignal::new(
            options
                .locale
                .or_else(words::browser_locale)
                .unwrap_or_default(),
        ),
        chosen: options.locale,
    };
    let online = window_event_listener(leptos::ev::online, move |_| {
        flow.status.set(flow.word(W::BackOnline).to_owned());
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
            .text(flow.word(W::Loading))
            .fresh(),
        Screen::Expired => El::new("div")
            .child(El::with_class("h1", "interview-title").text(flow.word(W::Expired)))
            .child(El::new("p").text(flow.word(W::ExpiredHelp)))
            .fresh(),
        Screen::Problem(message) => {
            let again = button(
                "interview-next",
                flow.word(W::TryAgain).to_owned(),
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
                .child(El::with_class("h1", "interview-title").text(flow.word(W::SomethingWrong)))
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
            let sentence = flow.word(W::Receipt);
            let (before, after) = sentence.split_once("{receipt}").unwrap_or((sentence, ""));
            El::new("div")
                .child(focus_soon(El::with_class("h1", "interview-title").text(flow.word(W::Submitted))))
                .child(
                    El::new("p")
                        .text(before)
                        .child(El::with_class("strong", "receipt").text(&receipt))
                        .text(after),
                )
                .child(El::new("p").text(flow.word(W::CanClose)))
                .fresh()
        }
    });
    El::with_class("section", "interview client-app")
        .reactive_attr("lang", dynamic(move || Some(flow.locale.get().tag().to_owned())))
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
                    .child(El::with_class("span", "visually-hidden").text(flow.word(W::ErrorPrefix)))
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
            .text(flow.word(W::Continue)),
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
fn attempt_message(locale: Locale, failure: &Failure, wrong: &str) -> String {
    match failure {
        // Only a lockout is about failed attempts: asking for a new code too
        // soon (`resend_too_soon`) or too many calls (`rate_limited`) keep
        // the host's own sentence.
        Failure::Http {
            status: 429, code, ..
        } if code == "locked" => match failure.number("retry_after") {
            Some(secs) => words::say(locale, W::TooManyAttempts, &[("wait", &wait_words(locale, secs))]),
            None => failure.message(locale),
        },
        Failure::Http { status: 401, .. } => match failure.number("attempts_left") {
            Some(1) => words::say(locale, W::OneAttemptLeft, &[("wrong", wrong)]),
            Some(n) => words::say(locale, W::AttemptsLeft, &[("wrong", wrong), ("n", &n.to_string())]),
            None => wrong.to_owned(),
        },
        other => other.message(locale),
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
                    W::WrongPassphrase,
                ),
                SignIn::SmsDigits => (
                    api.sms_start(&token, &typed).await,
                    W::WrongDigits,
                ),
                SignIn::SmsCode => (
                    api.sms_verify(&token, &typed).await,
                    W::WrongCode,
                ),
                SignIn::Resend => (
                    api.sms_start(&token, &typed).await,
                    W::ResendFailed,
                ),
            };
            match (result, step) {
                (Ok(answer), SignIn::Passphrase | SignIn::SmsCode) => self.signed_in(&answer),
                (Ok(_), _) => {
                    self.busy.set(false);
                    self.problem.set(None);
                    if let SignIn::SmsDigits = step {
                        self.last4.set_value(typed);
                        self.status.set(self.word(W::CodeSent).to_owned());
                        self.screen.set(Screen::SmsCode);
                    } else {
                        self.status.set(self.word(W::NewCodeSent).to_owned());
                    }
                }
                (Err(failure), _) => {
                    if let Some(f) = self.common(failure, Pending::Open) {
                        self.problem.set(Some(attempt_message(self.lang(), &f, self.word(wrong))));
                    }
                }
            }
        });
    }
}

fn passphrase_view(flow: Flow) -> Fresh {
    let submit = move |passphrase: String| {
        if passphrase.trim().is_empty() {
            flow.problem.set(Some(flow.word(W::PassphraseMissing).to_owned()));
        } else {
            flow.sign_in(SignIn::Passphrase, passphrase);
        }
    };
    sign_in_form(
        flow,
        flow.word(W::PassphraseHeading),
        flow.word(W::PassphraseIntro),
        flow.word(W::PassphraseLabel),
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
    let submit = move |typed: String| match digits(&typed, 4) {
        Some(last4) => flow.sign_in(SignIn::SmsDigits, last4),
        None => flow.problem.set(Some(flow.word(W::DigitsMissing).to_owned())),
    };
    sign_in_form(
        flow,
        flow.word(W::DigitsHeading),
        flow.word(W::DigitsIntro),
        flow.word(W::DigitsLabel),
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
        flow.word(W::SendNewCode).to_owned(),
        None,
        Some(flow.busy),
        resend,
    );
    let submit = move |typed: String| match digits(&typed, 6) {
        Some(code) => flow.sign_in(SignIn::SmsCode, code),
        None => flow.problem.set(Some(flow.word(W::CodeMissing).to_owned())),
    };
    let numeric = Some("numeric");
    sign_in_form(
        flow,
        flow.word(W::CodeHeading),
        flow.word(W::CodeIntro),
        flow.word(W::CodeLabel),
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
                    flow.word(W::Dismiss).to_owned(),
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
        return El::new("p").text(flow.word(W::NoSuchSection)).fresh();
    };
    let answers = flow
        .answers
        .with_value(|all| all.get(index).cloned().unwrap_or_default());
    let Some(today) = today_utc() else {
        return clock_problem(flow.lang());
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
    let finish_label = flow.word(if index + 1 < count { W::NextSection } else { W::CheckAnswers });
    let section_line = (count > 1).then(|| {
        let (n, m) = ((index + 1).to_string(), count.to_string());
        flow.say(W::SectionOf, &[("n", &n), ("m", &m), ("title", &title)])
    });
    let locale = flow.lang();
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
            on_back=on_back start_page=page finish_label=finish_label uploader=uploader locale=locale />
    };
    let save = button(
        "interview-back",
        flow.word(W::SaveProgress).to_owned(),
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
fn clock_problem(locale: Locale) -> Fresh {
    El::new("p")
        .attr("role", "alert")
        .text(words::word(locale, W::ClockWrong))
        .fresh()
}

/// An answer as the client reads it on the review page.
fn answer_text(locale: Locale, iv: &Interview<'_>, item: interview_runtime::template::ItemId) -> String {
    let word = |w| words::word(locale, w);
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
        (ItemKind::YesNo, Json::Bool(b)) => word(if *b { W::Yes } else { W::No }).to_owned(),
        (ItemKind::Choice { options, .. }, v) => label_of(options, v),
        (ItemKind::MultiChoice { options, .. }, Json::Array(values)) => values
            .iter()
            .map(|v| label_of(options, v))
            .collect::<Vec<_>>()
            .join(", "),
        (ItemKind::Repeat { .. }, _) => match iv.entries(item, &[]) {
            0 => String::new(),
            1 => word(W::OneEntry).to_owned(),
            n => words::say(locale, W::Entries, &[("n", &n.to_string())]),
        },
        (ItemKind::File { .. }, Json::Array(files)) => files
            .iter()
            .map(|f| {
                f.get("name")
                    .and_then(Json::as_str)
                    .unwrap_or(word(W::AFile))
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Json::String(s)) => s.clone(),
        _ => iv.value(item, &[]).display_text(),
    };
    if text.is_empty() {
        word(W::NotAnswered).to_owned()
    } else {
        text
    }
}

fn review_view(flow: Flow) -> Fresh {
    let locale = flow.lang();
    let Some(today) = today_utc() else {
        return clock_problem(locale);
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
                                    answer_text(locale, &iv, item),
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
        El::with_class("h1", "interview-title").text(flow.word(W::CheckAnswers)),
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
                    .child(El::with_class("h2", "error-summary-title").text(flow.word(W::ThereIsAProblem)))
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
                flow.word(W::Change).to_owned(),
                Some(flow.say(W::ChangeLabel, &[("label", &label)])),
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
        flow.word(W::Back).to_owned(),
        None,
        None,
        Box::new(move || flow.screen.set(Screen::Fill(last, None))),
    );
    let submit = button(
        "interview-next",
        flow.word(W::Submit).to_owned(),
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
