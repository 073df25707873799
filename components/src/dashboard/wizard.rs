//! "Client interview": the short wizard that sends a work item's client their
//! link, following the seed procedure. Each step has its own address
//! (`/dashboard/work-items/:id/interview?step=…`) so the browser's Back button
//! walks the steps; what was typed stays while the wizard is open.
//!
//! 1. Client: an existing client (searched as the person types) or a new one;
//!    a work item that already has a client (a follow-up) keeps it.
//! 2. Authentication: only the methods the settings enable
//!    (`GET /api/v1/interview-options`, which staff may read).
//! 3. Forms: the work item's template first, more templates as further sections.
//! 4. Check and send; `409` conflicts shown with their way out.
//! 5. Sent: the link (shown once), the editable email, "Email" (`mailto:`),
//!    "Copy link" and, with SMTP, "Send from server" (the edited email).

use std::time::Duration;

use interview_api::{
    AuthChoice, AuthMethod, ClientView, EmailOutcome, EmailRequest, InterviewOptions, InterviewState, SendInterview,
    SentInterview, TemplateSummary, WorkItemDetail,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

use super::api::{self, Failure, Method};
use super::clients::{client_problems, full_name, ClientFieldset, ClientForm, REGIONS};
use super::set_title;
use super::widgets::{when, ErrorSummary, Problem};

/// A step of the wizard, as the query string names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Who the interview is for.
    Client,
    /// How the client proves who they are.
    Auth,
    /// The forms and document requests included.
    Sections,
    /// Check and send.
    Check,
    /// Sent: the link and the email.
    Sent,
}

impl Step {
    /// The step named by `step=` (the first one for anything else).
    pub fn from_query(name: Option<&str>) -> Step {
        match name {
            Some("auth") => Step::Auth,
            Some("sections") => Step::Sections,
            Some("check") => Step::Check,
            Some("sent") => Step::Sent,
            _ => Step::Client,
        }
    }

    /// The query value (`auth`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Client => "client",
            Step::Auth => "auth",
            Step::Sections => "sections",
            Step::Check => "check",
            Step::Sent => "sent",
        }
    }
}

/// The wizard's address for a step.
pub fn step_href(work_item_id: &str, step: Step) -> String {
    format!("/dashboard/work-items/{work_item_id}/interview?step={}", step.as_str())
}

/// Whether the interview goes to a known client or a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientMode {
    /// A client found by searching.
    #[default]
    Existing,
    /// A client made with the interview.
    New,
}

/// What the person has chosen so far, as signals shared by the steps.
#[derive(Debug, Clone, Copy)]
pub struct Wizard {
    /// Existing or new client.
    pub mode: RwSignal<ClientMode>,
    /// The existing client chosen (or the work item's own).
    pub chosen: RwSignal<Option<ClientView>>,
    /// The new client's fields.
    pub new_client: RwSignal<ClientForm>,
    /// The sign-in method.
    pub method: RwSignal<Option<AuthMethod>>,
    /// The passphrase, for that method.
    pub passphrase: RwSignal<String>,
    /// The sections' template ids, in order.
    pub sections: RwSignal<Vec<String>>,
    /// The client's language (`en`, `fr`, `de`; empty: the host's default).
    pub locale: RwSignal<String>,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard::new()
    }
}

impl Wizard {
    /// An empty wizard.
    pub fn new() -> Wizard {
        Wizard {
            mode: RwSignal::new(ClientMode::Existing),
            chosen: RwSignal::new(None),
            new_client: RwSignal::new(ClientForm::default()),
            method: RwSignal::new(None),
            passphrase: RwSignal::new(String::new()),
            sections: RwSignal::new(Vec::new()),
            locale: RwSignal::new(String::new()),
        }
    }

    /// A snapshot of the choices, for checking and sending.
    pub fn draft(&self) -> Draft {
        Draft {
            mode: self.mode.get_untracked(),
            chosen: self.chosen.get_untracked(),
            new_client: self.new_client.get_untracked(),
            method: self.method.get_untracked(),
            passphrase: self.passphrase.get_untracked(),
            sections: self.sections.get_untracked(),
            locale: self.locale.get_untracked(),
        }
    }
}

/// The choices at one moment: what each step checks and what is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// Existing or new client.
    pub mode: ClientMode,
    /// The existing client chosen.
    pub chosen: Option<ClientView>,
    /// The new client's fields.
    pub new_client: ClientForm,
    /// The sign-in method.
    pub method: Option<AuthMethod>,
    /// The passphrase.
    pub passphrase: String,
    /// The sections' template ids.
    pub sections: Vec<String>,
    /// The client's language tag (empty: the host's default).
    pub locale: String,
}

/// Fewest and most characters of a passphrase (the host's rule).
pub const PASSPHRASE_CHARS: (usize, usize) = (8, 1024);
/// Most sections in one interview (the host's rule).
pub const MAX_SECTIONS: usize = 20;

impl Draft {
    /// Whether the interview goes to a client that already exists.
    fn existing(&self) -> bool {
        self.mode == ClientMode::Existing
    }

    /// The client step's problems (`fixed`: the work item's client, nothing to choose).
    pub fn client_problems(&self, fixed: bool) -> Vec<(String, String)> {
        if fixed {
            return Vec::new();
        }
        match self.mode {
            ClientMode::Existing if self.chosen.is_none() => {
                vec![("Search for the client and choose them, or choose “New client”.".to_owned(), "client-search".to_owned())]
            }
            ClientMode::Existing => Vec::new(),
            ClientMode::New => self.new_client.problems(false),
        }
    }

    /// The authentication step's problems, given the methods the settings enable.
    pub fn auth_problems(&self, enabled: &[AuthMethod]) -> Vec<(String, String)> {
        let Some(method) = self.method.filter(|m| enabled.contains(m)) else {
            return vec![("Choose how the client proves who they are.".to_owned(), "auth-method".to_owned())];
        };
        match method {
            AuthMethod::Passphrase => {
                let n = self.passphrase.chars().count();
                if n < PASSPHRASE_CHARS.0 || n > PASSPHRASE_CHARS.1 {
                    vec![("Enter a passphrase of 8 to 1024 characters.".to_owned(), "passphrase".to_owned())]
                } else {
                    Vec::new()
                }
            }
            AuthMethod::Sms if self.existing() => match &self.chosen {
                Some(c) if c.mobile.is_some() => Vec::new(),
                _ => vec![(
                    "This client has no mobile number: add one on the client's page, or choose another method.".to_owned(),
                    "auth-method".to_owned(),
                )],
            },
            AuthMethod::Sms => {
                let mut out = Vec::new();
                if self.new_client.mobile.trim().is_empty() {
                    out.push(("Enter the client's mobile number: the SMS code is sent to it.".to_owned(), "sms-mobile".to_owned()));
                }
                if self.new_client.region.trim().is_empty() {
                    out.push(("Choose the region the mobile number is in.".to_owned(), "sms-region".to_owned()));
                }
                out
            }
            AuthMethod::None => Vec::new(),
        }
    }

    /// The forms step's problems.
    pub fn section_problems(&self) -> Vec<(String, String)> {
        if self.sections.is_empty() {
            vec![("Include at least one form.".to_owned(), "add-section".to_owned())]
        } else if self.sections.len() > MAX_SECTIONS {
            vec![(format!("Include at most {MAX_SECTIONS} forms."), "add-section".to_owned())]
        } else {
            Vec::new()
        }
    }

    /// The first step not done yet, if any (`fixed` and `enabled` as for the steps).
    pub fn first_incomplete(&self, fixed: bool, enabled: &[AuthMethod]) -> Option<Step> {
        if !self.client_problems(fixed).is_empty() {
            Some(Step::Client)
        } else if !self.auth_problems(enabled).is_empty() {
            Some(Step::Auth)
        } else if !self.section_problems().is_empty() {
            Some(Step::Sections)
        } else {
            None
        }
    }

    /// The send request these choices make.
    pub fn request(&self) -> SendInterview {
        let method = self.method.unwrap_or(AuthMethod::None);
        let (client_id, client) = match (&self.chosen, self.mode) {
            (Some(c), ClientMode::Existing) => (Some(c.id.clone()), None),
            _ => {
                let mut fields = self.new_client.fields();
                if method != AuthMethod::Sms && self.new_client.mobile.trim().is_empty() {
                    fields.mobile = None;
                }
                (None, Some(fields))
            }
        };
        SendInterview {
            client_id,
            client,
            auth: Some(AuthChoice {
                method,
                passphrase: (method == AuthMethod::Passphrase).then(|| self.passphrase.clone()),
            }),
            sections: Some(self.sections.clone()),
            send_email: false,
            locale: Some(self.locale.trim().to_owned()).filter(|l| !l.is_empty()),
        }
    }
}

/// The name of a sign-in method, as the wizard offers it.
pub fn method_label(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::Sms => "SMS code",
        AuthMethod::Passphrase => "Passphrase",
        AuthMethod::None => "No authentication",
    }
}

/// What a sign-in method asks of the client.
pub fn method_hint(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::Sms => "The client types the last 4 digits of their mobile number, then a code sent to it by SMS.",
        AuthMethod::Passphrase => "The client types a passphrase you choose and tell them.",
        AuthMethod::None => "Anyone with the link can open the interview.",
    }
}

/// A language's name as staff pick it ("Français (French)").
pub fn language_name(tag: &str) -> String {
    match tag {
        "en" => "English".to_owned(),
        "fr" => "Français (French)".to_owned(),
        "de" => "Deutsch (German)".to_owned(),
        other => other.to_owned(),
    }
}

/// The methods offered, in the wizard's order: only those the settings enable.
pub fn offered_methods(enabled: &[AuthMethod]) -> Vec<AuthMethod> {
    interview_api::interviews::WIZARD_ORDER.into_iter().filter(|m| enabled.contains(m)).collect()
}

/// A `mailto:` link (RFC 6068) for `to` with `subject` and `body`: every byte
/// but the unreserved characters percent-encoded as UTF-8, line breaks as CRLF.
pub fn mailto(to: &str, subject: &str, body: &str) -> String {
    fn encode(text: &str, keep: &[u8]) -> String {
        let mut out = String::with_capacity(text.len());
        for &byte in text.as_bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.contains(&byte) {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }
    let body = body.replace("\r\n", "\n").replace('\r', "\n").replace('\n', "\r\n");
    format!("mailto:{}?subject={}&body={}", encode(to.trim(), b"@"), encode(subject, b""), encode(&body, b""))
}

/// A refusal of the send that has a way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// `409 outstanding_interview`: cancel the one waiting first.
    Outstanding,
    /// `409 different_client`: follow-ups go to the client attached.
    DifferentClient,
}

impl Conflict {
    /// The conflict of a failed send, if it is one.
    pub fn of(failure: &Failure) -> Option<Conflict> {
        match (failure.status(), failure.code()) {
            (Some(409), "outstanding_interview") => Some(Conflict::Outstanding),
            (Some(409), "different_client") => Some(Conflict::DifferentClient),
            _ => None,
        }
    }

    /// Why the interview was not sent.
    pub fn reason(self) -> &'static str {
        match self {
            Conflict::Outstanding => "This work item already has an interview waiting for the client (outstanding). Only one can be outstanding at a time.",
            Conflict::DifferentClient => "This work item belongs to a different client. Follow-up interviews go to the client already attached to it.",
        }
    }

    /// What to do about it.
    pub fn way_out(self) -> &'static str {
        match self {
            Conflict::Outstanding => "Cancel the outstanding interview, then send this one. The client's old link will stop working.",
            Conflict::DifferentClient => "Go back to the client step and send it to the work item's client.",
        }
    }
}

/// The "Client interview" wizard's screen.
#[component]
pub fn ClientInterviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let step = Memo::new(move |_| Step::from_query(query.read().get_str("step")));
    let item = LocalResource::new(move || {
        let id = id.get();
        async move { api::get::<WorkItemDetail>(&format!("/api/v1/work-items/{}", api::encode(&id))).await }
    });
    let options = LocalResource::new(|| async { api::get::<InterviewOptions>("/api/v1/interview-options").await });
    let templates = LocalResource::new(|| async { api::get::<Vec<TemplateSummary>>("/api/v1/templates").await });
    let wizard = Wizard::new();
    let sent = RwSignal::new(None::<SentInterview>);

    // The work item decides the first section and, for a follow-up, the client.
    Effect::new(move |_| {
        if let Some(Ok(w)) = item.get() {
            if wizard.sections.get_untracked().is_empty() {
                wizard.sections.set(vec![w.template_id.clone()]);
            }
            if let Some(client) = w.client {
                wizard.mode.set(ClientMode::Existing);
                wizard.chosen.set(Some(client));
            }
        }
    });
    // Only the enabled methods may stay chosen; one enabled method is chosen for the person.
    Effect::new(move |_| {
        if let Some(Ok(o)) = options.get() {
            let offered = offered_methods(&o.auth_methods);
            if wizard.method.get_untracked().is_none_or(|m| !offered.contains(&m)) {
                wizard.method.set((offered.len() == 1).then(|| offered[0]));
            }
        }
    });

    view! {
        {move || {
            let loaded = (item.get(), options.get(), templates.get());
            match loaded {
                (Some(Err(f)), _, _) | (_, Some(Err(f)), _) | (_, _, Some(Err(f))) => {
                    set_title("Client interview");
                    view! { <h1>"Client interview"</h1><Problem failure=f /> }.into_any()
                }
                (Some(Ok(w)), Some(Ok(o)), Some(Ok(t))) => {
                    let fixed = w.client.is_some();
                    let wanted = step.get();
                    let done = wizard.draft().first_incomplete(fixed, &o.auth_methods);
                    // A step is shown only once the ones before it are done (a reload forgets the choices).
                    let shown = match (wanted, done) {
                        (Step::Sent, _) => Step::Sent,
                        (wanted, Some(first)) if first < wanted => first,
                        (wanted, _) => wanted,
                    };
                    view! { <WizardStep step=shown item=w options=o templates=t wizard=wizard sent=sent /> }.into_any()
                }
                _ => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
            }
        }}
    }
}

/// The step shown, with the wizard's frame.
#[component]
fn WizardStep(
    step: Step,
    item: WorkItemDetail,
    options: InterviewOptions,
    templates: Vec<TemplateSummary>,
    wizard: Wizard,
    sent: RwSignal<Option<SentInterview>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let id = item.id.clone();
    let go = {
        let id = id.clone();
        Callback::new(move |to: Step| navigate(&step_href(&id, to), NavigateOptions::default()))
    };
    let back = match step {
        Step::Client | Step::Sent => (format!("/dashboard/work-items/{id}"), "Back to the work item"),
        Step::Auth => (step_href(&id, Step::Client), "Back"),
        Step::Sections => (step_href(&id, Step::Auth), "Back"),
        Step::Check => (step_href(&id, Step::Sections), "Back"),
    };
    let caption = format!("Client interview – {}", item.name);
    let body = match step {
        Step::Client => {
            set_title("Client interview: client");
            let fixed = item.client.clone();
            view! { <ClientStep wizard=wizard fixed=fixed on_next=Callback::new(move |_| go.run(Step::Auth)) /> }.into_any()
        }
        Step::Auth => {
            set_title("Client interview: authentication");
            view! { <AuthStep wizard=wizard enabled=options.auth_methods.clone() on_next=Callback::new(move |_| go.run(Step::Sections)) /> }
                .into_any()
        }
        Step::Sections => {
            set_title("Client interview: forms");
            view! { <SectionsStep wizard=wizard templates=templates.clone() on_next=Callback::new(move |_| go.run(Step::Check)) /> }
                .into_any()
        }
        Step::Check => {
            set_title("Client interview: check and send");
            view! {
                <CheckStep wizard=wizard item=item.clone() templates=templates.clone() options=options.clone()
                    on_sent=Callback::new(move |s: SentInterview| { sent.set(Some(s)); go.run(Step::Sent); }) />
            }
            .into_any()
        }
        Step::Sent => {
            set_title("Client interview: sent");
            match sent.get_untracked() {
                Some(s) => view! { <SentStep sent=s smtp=options.smtp_configured /> }.into_any(),
                None => view! {
                    <h1>"Interview sent"</h1>
                    <p>"The link is shown only once, just after sending, and this page was reloaded since. If the client did not get the link, cancel the interview on the work item's page and send a new one."</p>
                    <p><a href=format!("/dashboard/work-items/{id}")>"Go to the work item"</a></p>
                }
                .into_any(),
            }
        }
    };
    view! {
        <a class="back-link" href=back.0>{back.1}</a>
        <p class="caption">{caption}</p>
        {body}
    }
}

/// Step 1: who the interview is for.
#[component]
pub fn ClientStep(
    /// The wizard's choices.
    wizard: Wizard,
    /// The work item's own client, when it has one (a follow-up): fixed.
    fixed: Option<ClientView>,
    /// Called when the step is done.
    on_next: Callback<()>,
) -> impl IntoView {
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let is_fixed = fixed.is_some();
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = wizard.draft().client_problems(is_fixed);
        problems.set(found.clone());
        if found.is_empty() {
            on_next.run(());
        }
    };
    let choice = match fixed {
        Some(client) => view! {
            <h1>"Client"</h1>
            <p>"Follow-up interviews go to the client already attached to this work item:"</p>
            <dl class="summary-list">
                <div><dt>"Name"</dt><dd>{full_name(&client)}</dd></div>
                <div><dt>"Email address"</dt><dd>{client.email.clone()}</dd></div>
                <div><dt>"Mobile number"</dt><dd>{client.mobile.clone().unwrap_or_else(|| "None".to_owned())}</dd></div>
            </dl>
        }
        .into_any(),
        None => view! {
            <fieldset class="field">
                <legend><h1>"Who is the interview for?"</h1></legend>
                <div class="radios">
                    <div class="radio">
                        <input type="radio" id="mode-existing" name="client-mode"
                            prop:checked=move || wizard.mode.get() == ClientMode::Existing
                            on:change=move |_| wizard.mode.set(ClientMode::Existing) />
                        <label for="mode-existing">"Existing client"</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id="mode-new" name="client-mode"
                            prop:checked=move || wizard.mode.get() == ClientMode::New
                            on:change=move |_| wizard.mode.set(ClientMode::New) />
                        <label for="mode-new">"New client"</label>
                    </div>
                </div>
            </fieldset>
            <Show when=move || wizard.mode.get() == ClientMode::Existing
                fallback=move || view! { <ClientFieldset form=wizard.new_client with_mobile=false /> }>
                <ClientSearch chosen=wizard.chosen />
            </Show>
        }
        .into_any(),
    };
    view! {
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <form on:submit=next novalidate class="narrow">
            {choice}
            <button type="submit" class="button">"Continue"</button>
        </form>
    }
}

/// Finding an existing client: the clients search runs as the person types
/// (after a short pause), and each match can be chosen.
#[component]
pub fn ClientSearch(
    /// The client chosen.
    chosen: RwSignal<Option<ClientView>>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let wanted = RwSignal::new(String::new());
    let typing = StoredValue::new(0u32);
    let on_input = move |ev: leptos::ev::Event| {
        typed.set(event_target_value(&ev));
        let this = typing.get_value().wrapping_add(1);
        typing.set_value(this);
        set_timeout(
            move || {
                if typing.get_value() == this {
                    wanted.set(typed.get_untracked().trim().to_owned());
                }
            },
            Duration::from_millis(300),
        );
    };
    let matches = LocalResource::new(move || {
        let q = wanted.get();
        async move {
            if q.is_empty() {
                return Ok(None);
            }
            let path = format!("/api/v1/clients{}", api::query(&[("q", &q), ("limit", "10")]));
            api::get_page::<ClientView>(&path).await.map(|page| Some((q, page.items)))
        }
    });
    let found = move || {
        matches.get().map(|answer| match answer {
            Ok(None) => ().into_any(),
            Ok(Some((q, rows))) if rows.is_empty() => view! {
                <p role="status">{format!("No clients match “{q}”. Try another name or email, or choose “New client”.")}</p>
            }
            .into_any(),
            Ok(Some((_, rows))) => {
                let count = rows.len();
                view! {
                    <p role="status">{if count == 1 { "1 client found".to_owned() } else { format!("{count} clients found") }}</p>
                    <ul class="client-matches">
                        {rows.into_iter().map(|client| {
                            let name = full_name(&client);
                            let label = format!("{name} ({})", client.email);
                            let pick = client.clone();
                            view! {
                                <li>
                                    <span>{label.clone()}</span>" "
                                    <button type="button" class="button secondary" on:click=move |_| chosen.set(Some(pick.clone()))>
                                        "Choose"<span class="visually-hidden">{format!(" {label}")}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }
            Err(failure) => view! { <p role="alert">{failure.message()}</p> }.into_any(),
        })
    };
    view! {
        <div class="field">
            <label for="client-search">"Search for the client"</label>
            <p class="hint" id="client-search-hint">"Type part of their name or email address."</p>
            <input id="client-search" type="search" autocomplete="off" aria-describedby="client-search-hint"
                prop:value=move || typed.get() on:input=on_input />
        </div>
        <Transition fallback=|| ()>{found}</Transition>
        <div aria-live="polite">
            {move || chosen.get().map(|c| view! {
                <p class="notice">{format!("Chosen: {} ({})", full_name(&c), c.email)}</p>
            })}
        </div>
    }
}

/// Step 2: how the client proves who they are, from the methods the settings enable.
#[component]
pub fn AuthStep(
    /// The wizard's choices.
    wizard: Wizard,
    /// The methods the settings enable.
    enabled: Vec<AuthMethod>,
    /// Called when the step is done.
    on_next: Callback<()>,
) -> impl IntoView {
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let offered = offered_methods(&enabled);
    let next = {
        let enabled = enabled.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let found = wizard.draft().auth_problems(&enabled);
            problems.set(found.clone());
            if found.is_empty() {
                on_next.run(());
            }
        }
    };
    let options = offered
        .into_iter()
        .enumerate()
        .map(|(n, method)| {
            let id = if n == 0 { "auth-method".to_owned() } else { format!("auth-{}", method.as_str()) };
            let hint_id = format!("auth-{}-hint", method.as_str());
            let chosen = move || wizard.method.get() == Some(method);
            view! {
                <div class="radio">
                    <input type="radio" id=id.clone() name="auth-method" aria-describedby=hint_id.clone()
                        prop:checked=chosen on:change=move |_| wizard.method.set(Some(method)) />
                    <label for=id>{method_label(method)}</label>
                    <p class="hint" id=hint_id>{method_hint(method)}</p>
                </div>
                {move || chosen().then(|| reveal(method, wizard))}
            }
        })
        .collect_view();
    view! {
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <form on:submit=next novalidate class="narrow">
            <fieldset class="field">
                <legend><h1>"How will the client prove who they are?"</h1></legend>
                <div class="radios">{options}</div>
            </fieldset>
            <button type="submit" class="button">"Continue"</button>
        </form>
    }
}

/// What opens under a chosen sign-in method: the passphrase and its
/// reminder, or the mobile number SMS needs.
fn reveal(method: AuthMethod, wizard: Wizard) -> AnyView {
    match method {
                AuthMethod::Passphrase => view! {
                    <div class="reveal">
                        <div class="field">
                            <label for="passphrase">"Choose a passphrase"</label>
                            <p class="hint" id="passphrase-hint">"8 to 1024 characters."</p>
                            <input id="passphrase" type="text" autocomplete="off" spellcheck="false" aria-describedby="passphrase-hint passphrase-reminder"
                                prop:value=move || wizard.passphrase.get() on:input=move |ev| wizard.passphrase.set(event_target_value(&ev)) />
                        </div>
                        <p class="notice" id="passphrase-reminder"><strong>"Tell the client the passphrase by phone, not in the same email."</strong></p>
                    </div>
                }
                .into_any(),
                AuthMethod::Sms => view! {
                    <div class="reveal">
                        {move || if wizard.mode.get() == ClientMode::New {
                            view! {
                                <div class="field">
                                    <label for="sms-mobile">"Mobile number"</label>
                                    <input id="sms-mobile" type="tel" autocomplete="off"
                                        prop:value=move || wizard.new_client.get().mobile
                                        on:input=move |ev| wizard.new_client.update(|f| f.mobile = event_target_value(&ev)) />
                                </div>
                                <div class="field">
                                    <label for="sms-region">"Region of the mobile number"</label>
                                    <select id="sms-region" on:change=move |ev| wizard.new_client.update(|f| f.region = event_target_value(&ev))
                                        prop:value=move || wizard.new_client.get().region>
                                        <option value="" selected=move || wizard.new_client.get().region.is_empty()>"Choose a region"</option>
                                        {REGIONS.into_iter().map(|(code, name)| view! {
                                            <option value=code selected=move || wizard.new_client.get().region == code>{format!("{name} ({code})")}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            }.into_any()
                        } else {
                            match wizard.chosen.get().and_then(|c| c.mobile.map(|m| (c.id, m))) {
                                Some((_, mobile)) => view! { <p>{format!("The code goes to {mobile}.")}</p> }.into_any(),
                                None => {
                                    let id = wizard.chosen.get().map(|c| c.id).unwrap_or_default();
                                    view! { <p class="notice">"This client has no mobile number. "
                                        <a href=format!("/dashboard/clients/{id}/edit#mobile")>"Add it on the client's page"</a>
                                        ", or choose another method."</p> }.into_any()
                                }
                            }
                        }}
                    </div>
                }
                .into_any(),
                AuthMethod::None => ().into_any(),
            }
}

/// Step 3: the forms and document requests included, the work item's
/// template first; more can be added as further sections, and removed.
#[component]
pub fn SectionsStep(
    /// The wizard's choices.
    wizard: Wizard,
    /// Every template.
    templates: Vec<TemplateSummary>,
    /// Called when the step is done.
    on_next: Callback<()>,
) -> impl IntoView {
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let picked = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let all = StoredValue::new(templates);
    let name_of = move |id: &str| {
        all.with_value(|list| list.iter().find(|t| t.id == id).map(|t| t.name.clone())).unwrap_or_else(|| id.to_owned())
    };
    let addable = move || {
        let included = wizard.sections.get();
        all.with_value(|list| list.iter().filter(|t| !included.contains(&t.id)).cloned().collect::<Vec<_>>())
    };
    let add = move |_| {
        let mut id = picked.get_untracked();
        if id.is_empty() {
            id = addable().first().map(|t| t.id.clone()).unwrap_or_default();
        }
        if id.is_empty() {
            return;
        }
        if wizard.sections.get_untracked().len() >= MAX_SECTIONS {
            problems.set(vec![(format!("Include at most {MAX_SECTIONS} forms."), "add-section".to_owned())]);
            return;
        }
        let name = name_of(&id);
        wizard.sections.update(|s| s.push(id));
        picked.set(String::new());
        status.set(format!("{name} added."));
    };
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = wizard.draft().section_problems();
        problems.set(found.clone());
        if found.is_empty() {
            on_next.run(());
        }
    };
    view! {
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        <h1>"Forms and document requests"</h1>
        <p>"The client fills these in, in this order, from one link."</p>
        <ol class="sections">
            {move || wizard.sections.get().into_iter().enumerate().map(|(n, id)| {
                let name = name_of(&id);
                let label = name.clone();
                view! {
                    <li>
                        <span>{name}</span>" "
                        <button type="button" class="button secondary" on:click=move |_| {
                            wizard.sections.update(|s| { if n < s.len() { s.remove(n); } });
                            status.set(format!("{label} removed."));
                        }>"Remove"<span class="visually-hidden">{format!(" {}", name_of(&id))}</span></button>
                    </li>
                }
            }).collect_view()}
        </ol>
        {move || wizard.sections.get().is_empty().then(|| view! { <p class="empty">"No forms included yet."</p> })}
        <p role="status" class="visually-hidden">{move || status.get()}</p>
        <div class="field add-section">
            <label for="add-section">"Add a form or document request"</label>
            <select id="add-section" on:change=move |ev| picked.set(event_target_value(&ev)) prop:value=move || picked.get()>
                {move || addable().into_iter().map(|t| {
                    let id = t.id.clone();
                    view! { <option value=t.id selected=move || picked.get() == id>{t.name}</option> }
                }).collect_view()}
            </select>
            " "
            <button type="button" class="button secondary" on:click=add disabled=move || addable().is_empty()>"Add"</button>
        </div>
        <form on:submit=next novalidate>
            <button type="submit" class="button">"Continue"</button>
        </form>
    }
}

/// Step 4: the choices, each with a "Change" link, and "Send".
#[component]
fn CheckStep(
    wizard: Wizard,
    item: WorkItemDetail,
    templates: Vec<TemplateSummary>,
    options: InterviewOptions,
    on_sent: Callback<SentInterview>,
) -> impl IntoView {
    if wizard.locale.get_untracked().is_empty() {
        wizard.locale.set(options.default_locale.clone());
    }
    let languages = options.locales.clone();
    let draft = wizard.draft();
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<Failure>);
    let cancelled = RwSignal::new(false);
    let id = item.id.clone();
    let client = match (&draft.chosen, draft.mode) {
        (Some(c), ClientMode::Existing) => format!("{} ({})", full_name(c), c.email),
        _ => format!(
            "{} {} {} ({}), new",
            draft.new_client.title.trim(),
            draft.new_client.first_name.trim(),
            draft.new_client.last_name.trim(),
            draft.new_client.email.trim()
        ),
    };
    let method = draft.method.map(method_label).unwrap_or("No authentication");
    let names: Vec<String> = draft
        .sections
        .iter()
        .map(|s| templates.iter().find(|t| &t.id == s).map(|t| t.name.clone()).unwrap_or_else(|| s.clone()))
        .collect();
    let send = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            failed.set(None);
            let body = wizard.draft().request();
            let path = format!("/api/v1/work-items/{}/interviews", api::encode(&id));
            leptos::task::spawn_local(async move {
                match api::call::<_, SentInterview>(Method::Post, &path, &body).await {
                    Ok(sent) => on_sent.run(sent),
                    Err(failure) => failed.set(Some(failure)),
                }
                busy.set(false);
            });
        }
    };
    let rows = [
        ("Client", client, Step::Client),
        ("Authentication", method.to_owned(), Step::Auth),
        ("Forms", names.join(", "), Step::Sections),
    ];
    let work_item_id = id.clone();
    view! {
        {move || failed.get().map(|failure| match Conflict::of(&failure) {
            Some(conflict) => view! {
                <SendProblem conflict=conflict work_item_id=work_item_id.clone()
                    on_cancelled=Callback::new(move |_| { failed.set(None); cancelled.set(true); }) />
            }
            .into_any(),
            None => {
                let mut list = client_problems(&failure);
                if failure.code() == "invalid_client" || failure.code() == "unknown_client" {
                    list = vec![(failure.message(), String::new())];
                }
                view! { <ErrorSummary messages=list /> }.into_any()
            }
        })}
        <div aria-live="polite">
            {move || cancelled.get().then(|| view! { <p class="notice">"The outstanding interview was cancelled. You can send this one now."</p> })}
        </div>
        <h1>"Check and send"</h1>
        <dl class="summary-list">
            {rows.into_iter().map(|(label, value, step)| view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                    <dd class="actions"><a href=step_href(&id, step)>"Change"<span class="visually-hidden">{format!(" {}", label.to_lowercase())}</span></a></dd>
                </div>
            }).collect_view()}
        </dl>
        {(draft.method == Some(AuthMethod::Passphrase)).then(|| view! {
            <p class="notice"><strong>"Tell the client the passphrase by phone, not in the same email."</strong></p>
        })}
        <form on:submit=send novalidate>
            <div class="field">
                <label for="locale">"The client's language"</label>
                <p class="hint" id="locale-hint">"The interview page's own words, its messages and the SMS are in this language; the forms are as written."</p>
                <select id="locale" aria-describedby="locale-hint" on:change=move |ev| wizard.locale.set(event_target_value(&ev)) prop:value=move || wizard.locale.get()>
                    {languages.into_iter().map(|tag| {
                        let name = language_name(&tag);
                        let this = tag.clone();
                        view! { <option value=tag selected=move || wizard.locale.get() == this>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button" disabled=move || busy.get()>"Send interview"</button>
        </form>
    }
}

/// Why a send was refused, and the way out: for an outstanding interview,
/// "Cancel the outstanding interview" (after a confirmation).
#[component]
pub fn SendProblem(
    /// The refusal.
    conflict: Conflict,
    /// The work item.
    work_item_id: String,
    /// Called once the outstanding interview is cancelled.
    on_cancelled: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let id = StoredValue::new(work_item_id);
    let cancel = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let work_item = id.get_value();
        leptos::task::spawn_local(async move {
            let outcome = async {
                let item = api::get::<WorkItemDetail>(&format!("/api/v1/work-items/{}", api::encode(&work_item))).await?;
                let waiting = item
                    .interviews
                    .iter()
                    .rev()
                    .find(|iv| matches!(iv.state, InterviewState::Sent | InterviewState::Opened))
                    .map(|iv| iv.id.clone());
                match waiting {
                    Some(iv) => api::call::<_, serde_json::Value>(Method::Post, &format!("/api/v1/interviews/{}/cancel", api::encode(&iv)), &serde_json::json!({})).await.map(|_| ()),
                    None => Ok(()),
                }
            }
            .await;
            busy.set(false);
            match outcome {
                Ok(()) => on_cancelled.run(()),
                Err(failure) => problem.set(Some(failure.message())),
            }
        });
    };
    let way_out = match conflict {
        Conflict::Outstanding => view! {
            <Show when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="button warning" on:click=move |_| confirming.set(true)>"Cancel the outstanding interview"</button>
                }>
                <div class="confirm" role="group" aria-labelledby="confirm-cancel">
                    <p id="confirm-cancel"><strong>"Are you sure you want to cancel the outstanding interview? The client's link will stop working at once."</strong></p>
                    <button type="button" class="button warning" on:click=cancel disabled=move || busy.get()>"Yes, cancel it"</button>" "
                    <button type="button" class="button secondary" on:click=move |_| confirming.set(false)>"No, keep it"</button>
                </div>
            </Show>
        }
        .into_any(),
        Conflict::DifferentClient => {
            let href = step_href(&id.get_value(), Step::Client);
            view! { <p><a href=href>"Go back to the client step"</a></p> }.into_any()
        }
    };
    view! {
        <div class="error-summary" role="alert" aria-labelledby="send-problem-title">
            <h2 id="send-problem-title">"The interview was not sent"</h2>
            <p>{conflict.reason()}</p>
            <p>{conflict.way_out()}</p>
            {way_out}
            {move || problem.get().map(|p| view! { <p>{p}</p> })}
        </div>
    }
}

/// Copies `text` with the browser's clipboard; true when it worked.
async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok().filter(|c| !c.is_undefined());
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let (Some(clipboard), Some(write)) = (clipboard, write) {
        if let Ok(promise) = write.call1(&clipboard, &text.into()) {
            if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                    return true;
                }
            }
        }
    }
    // Without the Clipboard API (or its permission): copy the selected link field.
    let Some(document) = window.document() else { return false };
    let Some(field) = document.get_element_by_id("link").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
        return false;
    };
    field.select();
    js_sys::Reflect::get(&document, &"execCommand".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|exec| exec.call1(&document, &"copy".into()).ok())
        .is_some_and(|done| done.as_bool() == Some(true))
}

/// Step 5: the interview is sent. The link (shown only now), the email to
/// edit, and the ways to send it.
#[component]
pub fn SentStep(
    /// The host's answer to the send.
    sent: SentInterview,
    /// Whether "Send from server" is offered.
    smtp: bool,
) -> impl IntoView {
    let subject = RwSignal::new(sent.email.subject.clone());
    let body = RwSignal::new(sent.email.body.clone());
    let to = sent.email.to.clone();
    let copied = RwSignal::new(String::new());
    let server = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let link = StoredValue::new(sent.link.clone());
    let interview = StoredValue::new(sent.id.clone());
    let href = {
        let to = to.clone();
        move || mailto(&to, &subject.get(), &body.get())
    };
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            let ok = copy_text(&link.get_value()).await;
            copied.set(if ok { "Copied".to_owned() } else { "The link could not be copied: select it and copy it yourself.".to_owned() });
        });
    };
    let send_from_server = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        server.set("Sending…".to_owned());
        let request = EmailRequest { subject: subject.get_untracked(), body: body.get_untracked() };
        let path = format!("/api/v1/interviews/{}/email", api::encode(&interview.get_value()));
        leptos::task::spawn_local(async move {
            let said = match api::call::<_, EmailOutcome>(Method::Post, &path, &request).await {
                Ok(outcome) if outcome.error.is_none() => format!("Sent from the server to {}.", outcome.to),
                Ok(outcome) => outcome.error.unwrap_or_default(),
                Err(failure) => failure.message(),
            };
            server.set(said);
            busy.set(false);
        });
    };
    let expires = when(&sent.expires_at);
    view! {
        <div class="panel-confirmation">
            <h1>"Interview sent"</h1>
            <p>{format!("The link works until {expires} if the client does not open it.")}</p>
        </div>
        <div class="field">
            <label for="link">"The client's link"</label>
            <p class="hint" id="link-hint">"Shown only now: the host keeps no copy of it."</p>
            <input id="link" type="text" readonly aria-describedby="link-hint" value=sent.link.clone() />
        </div>
        <p>
            <button type="button" class="button secondary" on:click=copy>"Copy link"</button>" "
            <span role="status" class="status">{move || copied.get()}</span>
        </p>
        <h2>"The email"</h2>
        <p>{format!("To: {to}")}</p>
        <div class="field">
            <label for="email-subject">"Subject"</label>
            <textarea id="email-subject" rows="2" prop:value=move || subject.get() on:input=move |ev| subject.set(event_target_value(&ev))></textarea>
        </div>
        <div class="field">
            <label for="email-body">"Body"</label>
            <p class="hint" id="email-body-hint">"Keep the link in it. Edit the rest as you like."</p>
            <textarea id="email-body" rows="12" aria-describedby="email-body-hint" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
        </div>
        <p class="actions">
            <a class="button" href=href>"Email"<span class="visually-hidden">" the client from your mail program"</span></a>" "
            {smtp.then(|| view! {
                <button type="button" class="button secondary" on:click=send_from_server disabled=move || busy.get()>"Send from server"</button>
            })}
        </p>
        <p role="status">{move || server.get()}</p>
    }
}
