//! `/dashboard/settings`: every site setting on one form. Durations are
//! written in hours or minutes and sent in seconds; each problem is shown by
//! its field and in the error summary; saving sends only what changed (the
//! host's `PUT` takes a subset). Webhook secrets are write-only: a stored
//! one shows as "set" and is kept unless a new one is typed.

use interview_api::settings::{EMAIL_PLACEHOLDERS, REDACTED};
use interview_api::{AuthMethod, SettingProblem, SettingsChange, SiteSettings, WebhookSetting};
use leptos::prelude::*;

use super::super::api::{self, Failure, Method};
use super::super::set_title;
use super::super::widgets::{Problem};
use super::{or_loading, described_by, field_class, notice, summary, is_admin_only, AdminsOnly, FieldError, NotAdmin};

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

/// A duration field: how it is written and the range the host accepts.
#[derive(Debug, Clone, Copy)]
pub struct Duration {
    /// The field's id.
    pub field: &'static str,
    /// What it is called in a sentence ("the link lifetime").
    pub what: &'static str,
    /// The unit it is written in ("hours").
    pub unit: &'static str,
    /// Seconds in one unit.
    pub unit_secs: u64,
    /// The least accepted, in seconds.
    pub min_secs: u64,
    /// The most accepted, in seconds.
    pub max_secs: u64,
    /// The range in words.
    pub range: &'static str,
    /// A value to give as an example, in the unit.
    pub example: &'static str,
}

/// The link lifetime, in hours.
pub const LINK_LIFETIME: Duration = Duration {
    field: "link-lifetime",
    what: "the link lifetime",
    unit: "hours",
    unit_secs: HOUR,
    min_secs: MINUTE,
    max_secs: 366 * DAY,
    range: "1 minute and 366 days (8784 hours)",
    example: "96",
};
/// The access window, in hours.
pub const ACCESS_WINDOW: Duration = Duration {
    field: "access-window",
    what: "the access window",
    unit: "hours",
    unit_secs: HOUR,
    min_secs: MINUTE,
    max_secs: 366 * DAY,
    range: "1 minute and 366 days (8784 hours)",
    example: "96",
};
/// The lockout after too many failed attempts, in minutes.
pub const LOCKOUT: Duration = Duration {
    field: "lockout",
    what: "the lockout",
    unit: "minutes",
    unit_secs: MINUTE,
    min_secs: 1,
    max_secs: DAY,
    range: "1 second and 1 day (1440 minutes)",
    example: "15",
};
/// The client session, in minutes.
pub const CLIENT_SESSION: Duration = Duration {
    field: "client-session",
    what: "the client session length",
    unit: "minutes",
    unit_secs: MINUTE,
    min_secs: MINUTE,
    max_secs: DAY,
    range: "1 minute and 1 day (1440 minutes)",
    example: "120",
};
/// The staff session, in hours.
pub const STAFF_SESSION: Duration = Duration {
    field: "staff-session",
    what: "the staff session length",
    unit: "hours",
    unit_secs: HOUR,
    min_secs: 5 * MINUTE,
    max_secs: 30 * DAY,
    range: "5 minutes and 30 days (720 hours)",
    example: "12",
};

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A decimal number as typed ("48", "1.5", ".25"): its whole part and its
/// fraction as (digits, number of digits); no floating point, which would
/// bring the float formatting and parsing code into the bundle.
fn decimal(text: &str) -> Option<(u64, u64, u32)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) || whole.len() > 12 || fraction.len() > 9 {
        return None;
    }
    let whole = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let places = u32::try_from(fraction.len()).ok()?;
    let fraction = if fraction.is_empty() { 0 } else { fraction.parse().ok()? };
    Some((whole, fraction, places))
}

impl Duration {
    /// `secs` written in this field's unit: whole when it divides, else with
    /// up to 4 decimals ("48", "1.5", "0.025").
    pub fn show(&self, secs: u64) -> String {
        let whole = secs / self.unit_secs;
        let rest = secs % self.unit_secs;
        if rest == 0 {
            return whole.to_string();
        }
        let ten_thousandths = (rest * 10_000 + self.unit_secs / 2) / self.unit_secs;
        if ten_thousandths >= 10_000 {
            return (whole + 1).to_string();
        }
        let fraction = format!("{ten_thousandths:04}");
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            whole.to_string()
        } else {
            format!("{whole}.{fraction}")
        }
    }

    /// Reads what was typed into seconds (rounded to the nearest), or says what is wrong with it.
    pub fn read(&self, text: &str) -> Result<u64, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(format!("Enter {} in {}.", self.what, self.unit));
        }
        let (whole, fraction, places) = decimal(text)
            .ok_or_else(|| format!("{} must be a number of {}, such as {}.", capital(self.what), self.unit, self.example))?;
        let scale = 10u128.pow(places);
        let part = (u128::from(fraction) * u128::from(self.unit_secs) + scale / 2) / scale;
        let secs = u128::from(whole) * u128::from(self.unit_secs) + part;
        if secs < u128::from(self.min_secs) || secs > u128::from(self.max_secs) {
            return Err(format!("{} must be between {}.", capital(self.what), self.range));
        }
        u64::try_from(secs).map_err(|_| format!("{} must be between {}.", capital(self.what), self.range))
    }
}

/// One webhook row of the form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebhookRow {
    /// Its URL.
    pub url: String,
    /// A new secret typed in (empty: keep the stored one).
    pub secret: String,
    /// Whether the host holds a secret for the URL it was loaded with.
    pub stored: bool,
}

/// What the form holds, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SiteForm {
    /// Hours.
    pub link_lifetime: String,
    /// Hours.
    pub access_window: String,
    /// The methods ticked.
    pub auth_methods: Vec<AuthMethod>,
    /// A whole number.
    pub max_failed_attempts: String,
    /// Minutes.
    pub lockout: String,
    /// Minutes.
    pub client_session: String,
    /// Hours.
    pub staff_session: String,
    /// The public URL.
    pub public_base_url: String,
    /// One origin per line.
    pub embed_origins: String,
    /// The email's subject.
    pub email_subject: String,
    /// The email's body.
    pub email_body: String,
    /// The webhooks.
    pub webhooks: Vec<WebhookRow>,
}

fn http_url(text: &str) -> bool {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

/// The field id for the webhook row `i`'s URL.
pub fn webhook_url_id(i: usize) -> String {
    format!("webhook-url-{i}")
}

/// The field id for the webhook row `i`'s secret.
pub fn webhook_secret_id(i: usize) -> String {
    format!("webhook-secret-{i}")
}

impl SiteForm {
    /// The form filled in from the settings as read.
    pub fn from_settings(s: &SiteSettings) -> SiteForm {
        SiteForm {
            link_lifetime: LINK_LIFETIME.show(s.link_lifetime_secs),
            access_window: ACCESS_WINDOW.show(s.access_window_secs),
            auth_methods: s.auth_methods.clone(),
            max_failed_attempts: s.max_failed_attempts.to_string(),
            lockout: LOCKOUT.show(s.lockout_secs),
            client_session: CLIENT_SESSION.show(s.client_session_secs),
            staff_session: STAFF_SESSION.show(s.staff_session_secs),
            public_base_url: s.public_base_url.clone(),
            embed_origins: s.embed_origins.join("\n"),
            email_subject: s.email_subject.clone(),
            email_body: s.email_body.clone(),
            webhooks: s.webhooks.iter().map(|h| WebhookRow { url: h.url.clone(), secret: String::new(), stored: true }).collect(),
        }
    }

    /// What to send: only the settings that differ from `current`; or every
    /// problem, each as (message, field id).
    pub fn change(&self, current: &SiteSettings) -> Result<SettingsChange, Vec<(String, String)>> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut change = SettingsChange::default();
        let mut duration = |d: &Duration, text: &str, now: u64| -> Option<u64> {
            match d.read(text) {
                Ok(secs) => (secs != now).then_some(secs),
                Err(message) => {
                    problems.push((message, d.field.to_owned()));
                    None
                }
            }
        };
        change.link_lifetime_secs = duration(&LINK_LIFETIME, &self.link_lifetime, current.link_lifetime_secs);
        change.access_window_secs = duration(&ACCESS_WINDOW, &self.access_window, current.access_window_secs);
        change.lockout_secs = duration(&LOCKOUT, &self.lockout, current.lockout_secs);
        change.client_session_secs = duration(&CLIENT_SESSION, &self.client_session, current.client_session_secs);
        change.staff_session_secs = duration(&STAFF_SESSION, &self.staff_session, current.staff_session_secs);

        let methods: Vec<AuthMethod> = AuthMethod::ALL.into_iter().filter(|m| self.auth_methods.contains(m)).collect();
        if methods.is_empty() {
            problems.push(("Choose at least one way for clients to sign in.".to_owned(), "auth-none".to_owned()));
        } else {
            let before: Vec<AuthMethod> = AuthMethod::ALL.into_iter().filter(|m| current.auth_methods.contains(m)).collect();
            change.auth_methods = (methods != before).then_some(methods);
        }

        match self.max_failed_attempts.trim().parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => change.max_failed_attempts = (n != current.max_failed_attempts).then_some(n),
            _ => problems.push(("The failed-attempt limit must be a whole number from 1 to 100.".to_owned(), "max-failed-attempts".to_owned())),
        }

        let url = self.public_base_url.trim();
        if http_url(url) {
            change.public_base_url = (url != current.public_base_url).then(|| url.to_owned());
        } else {
            problems.push(("Enter the public URL as an address starting with https:// or http://.".to_owned(), "public-url".to_owned()));
        }

        let origins: Vec<String> = self.embed_origins.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| l.trim_end_matches('/').to_owned()).collect();
        if let Some(bad) = origins.iter().find(|o| !http_url(o)) {
            problems.push((format!("{bad} is not an origin: write each as https://partner.example, one per line."), "embed-origins".to_owned()));
        } else {
            change.embed_origins = (origins != current.embed_origins).then_some(origins);
        }

        if self.email_subject.trim().is_empty() {
            problems.push(("Enter the email subject.".to_owned(), "email-subject".to_owned()));
        } else if self.email_subject.chars().count() > 1000 {
            problems.push(("The email subject must be at most 1000 characters.".to_owned(), "email-subject".to_owned()));
        } else {
            change.email_subject = (self.email_subject != current.email_subject).then(|| self.email_subject.clone());
        }
        if !self.email_body.contains("{link}") {
            problems.push(("The email body must contain {link}, where the client's link goes.".to_owned(), "email-body".to_owned()));
        } else if self.email_body.len() > 20_000 {
            problems.push(("The email body must be at most 20000 characters.".to_owned(), "email-body".to_owned()));
        } else {
            change.email_body = (self.email_body != current.email_body).then(|| self.email_body.clone());
        }

        let mut hooks = Vec::new();
        for (i, row) in self.webhooks.iter().enumerate() {
            let url = row.url.trim();
            let secret = row.secret.trim();
            if url.is_empty() && secret.is_empty() {
                continue;
            }
            if !http_url(url) {
                problems.push((format!("Enter webhook {}'s URL as an address starting with https:// or http://.", i + 1), webhook_url_id(i)));
                continue;
            }
            let kept = current.webhooks.iter().any(|h| h.url == url);
            if secret.is_empty() && !kept {
                problems.push((format!("Give the webhook {url} a secret of at least 16 characters."), webhook_secret_id(i)));
            } else if !secret.is_empty() && secret.chars().count() < 16 {
                problems.push((format!("The secret of the webhook {url} must have at least 16 characters."), webhook_secret_id(i)));
            }
            hooks.push(WebhookSetting { url: url.to_owned(), secret: (!secret.is_empty()).then(|| secret.to_owned()) });
        }
        let same_urls = hooks.iter().map(|h| h.url.as_str()).eq(current.webhooks.iter().map(|h| h.url.as_str()));
        let new_secret = hooks.iter().any(|h| h.secret.is_some());
        if !same_urls || new_secret {
            change.webhooks = Some(hooks);
        }

        if problems.is_empty() {
            Ok(change)
        } else {
            Err(problems)
        }
    }
}

/// The form's field id for a setting's wire name.
pub fn field_of(setting: &str) -> &'static str {
    match setting {
        "link_lifetime_secs" => "link-lifetime",
        "access_window_secs" => "access-window",
        "auth_methods" => "auth-none",
        "max_failed_attempts" => "max-failed-attempts",
        "lockout_secs" => "lockout",
        "client_session_secs" => "client-session",
        "staff_session_secs" => "staff-session",
        "public_base_url" => "public-url",
        "embed_origins" => "embed-origins",
        "email_subject" => "email-subject",
        "email_body" => "email-body",
        "webhooks" => "webhooks",
        _ => "",
    }
}

/// The problems of a refused save, by field: the host's `invalid_setting`
/// lists each with its setting; anything else is one problem for the form.
pub fn host_problems(failure: &Failure) -> Vec<(String, String)> {
    let listed: Vec<(String, String)> = failure
        .problems()
        .into_iter()
        .filter_map(|p| serde_json::from_value::<SettingProblem>(p).ok())
        .map(|p| (p.message, field_of(&p.field).to_owned()))
        .collect();
    if listed.is_empty() {
        vec![(failure.message(), String::new())]
    } else {
        listed
    }
}

/// The site settings screen.
#[component]
pub fn SiteSettingsPage() -> impl IntoView {
    view! {
        <AdminsOnly>
            <SiteSettingsScreen />
        </AdminsOnly>
    }
}

#[component]
fn SiteSettingsScreen() -> impl IntoView {
    set_title("Site settings");
    let loaded = LocalResource::new(|| async { api::get::<SiteSettings>("/api/v1/settings").await });
    view! {
        <h1>"Site settings"</h1>
        {or_loading(move || loaded.get().map(|answer| match answer {
                Ok(settings) => view! { <SiteSettingsForm settings=settings /> }.into_any(),
                Err(failure) if is_admin_only(&failure) => view! { <NotAdmin /> }.into_any(),
                Err(failure) => view! { <Problem failure=failure /> }.into_any(),
            }), "Loading the settings…")}
    }
}

/// How one text field of the form is read and written.
#[derive(Clone, Copy)]
struct Text {
    id: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    kind: &'static str,
    get: fn(&SiteForm) -> &String,
    set: fn(&mut SiteForm) -> &mut String,
}

/// A text input (or, for `kind` "area", a text area) bound to one of the form's strings.
fn text_field(form: RwSignal<SiteForm>, problems: RwSignal<Vec<(String, String)>>, t: Text) -> AnyView {
    let Text { id, label, hint, kind, get, set } = t;
    let value = move || form.with(|f| get(f).clone());
    let input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        form.update(|f| *set(f) = typed);
    };
    let control = if kind == "area" {
        let rows = if id == "email-body" { "8" } else { "3" };
        view! { <textarea id=id rows=rows spellcheck="false" aria-describedby=described_by(problems, id, hint.is_some()) prop:value=value on:input=input></textarea> }
            .into_any()
    } else {
        let inputmode = (kind == "number").then_some("decimal");
        let input_type = if kind == "number" { "text" } else { kind };
        view! { <input id=id type=input_type inputmode=inputmode spellcheck="false" aria-describedby=described_by(problems, id, hint.is_some()) prop:value=value on:input=input /> }
            .into_any()
    };
    view! {
        <div class=field_class(problems, id)>
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            <FieldError problems=problems field=id />
            {control}
        </div>
    }
    .into_any()
}

/// The form itself, filled from `settings`.
#[component]
fn SiteSettingsForm(
    /// The settings as last read or saved.
    settings: SiteSettings,
) -> impl IntoView {
    let current = RwSignal::new(settings.clone());
    let form = RwSignal::new(SiteForm::from_settings(&settings));
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let saved = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        saved.set(None);
        let change = match form.get_untracked().change(&current.get_untracked()) {
            Ok(change) => change,
            Err(found) => {
                problems.set(found);
                return;
            }
        };
        problems.set(Vec::new());
        if change.is_empty() {
            saved.set(Some("Nothing has changed, so there was nothing to save.".to_owned()));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, SiteSettings>(Method::Put, "/api/v1/settings", &change).await {
                Ok(after) => {
                    form.set(SiteForm::from_settings(&after));
                    current.set(after);
                    saved.set(Some("The settings have been saved.".to_owned()));
                }
                Err(failure) => problems.set(host_problems(&failure)),
            }
            busy.set(false);
        });
    };

    let auth_box = move |method: AuthMethod, label: &'static str, hint: &'static str| {
        let id = format!("auth-{}", method.as_str());
        let hint_id = format!("{id}-hint");
        let checked = move || form.with(|f| f.auth_methods.contains(&method));
        let toggle = move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            form.update(|f| {
                f.auth_methods.retain(|m| *m != method);
                if on {
                    f.auth_methods.push(method);
                }
            });
        };
        view! {
            <div class="checkbox">
                <input id=id.clone() type="checkbox" prop:checked=checked on:change=toggle aria-describedby=hint_id.clone() />
                <label for=id>{label}</label>
                <p class="hint" id=hint_id>{hint}</p>
            </div>
        }
    };
    let placeholders = EMAIL_PLACEHOLDERS.join(", ");

    // Re-drawn when a row is added or removed, not on every keystroke (which would take the focus away).
    let shape = Memo::new(move |_| form.with(|f| f.webhooks.iter().map(|r| r.stored).collect::<Vec<bool>>()));
    let webhook_rows = move || {
        shape.track();
        let rows = form.with_untracked(|f| f.webhooks.clone());
        rows.into_iter()
            .enumerate()
            .map(|(i, row)| {
                let url_id = webhook_url_id(i);
                let secret_id = webhook_secret_id(i);
                let secret_hint = format!("{secret_id}-hint");
                let url_error = url_id.clone();
                let secret_error = secret_id.clone();
                let error_of = move |id: String| {
                    move || {
                        let found: Vec<String> = problems.get().into_iter().filter(|(_, f)| *f == id).map(|(m, _)| m).collect();
                        (!found.is_empty()).then(|| view! { <p class="error-message"><span class="visually-hidden">"Error: "</span>{found.join(" ")}</p> })
                    }
                };
                let hint = if row.stored {
                    format!("A secret is set ({REDACTED}). Leave this empty to keep it, or type a new one of at least 16 characters.")
                } else {
                    "At least 16 characters. Receivers check each delivery's signature with it.".to_owned()
                };
                let set_url = move |ev: leptos::ev::Event| {
                    let value = event_target_value(&ev);
                    form.update(|f| {
                        if let Some(r) = f.webhooks.get_mut(i) {
                            r.url = value;
                        }
                    });
                };
                let set_secret = move |ev: leptos::ev::Event| {
                    let value = event_target_value(&ev);
                    form.update(|f| {
                        if let Some(r) = f.webhooks.get_mut(i) {
                            r.secret = value;
                        }
                    });
                };
                let remove = move |_| {
                    form.update(|f| {
                        if i < f.webhooks.len() {
                            f.webhooks.remove(i);
                        }
                    })
                };
                let stored_word = if row.stored { "Secret: set" } else { "Secret: not set yet" };
                view! {
                    <fieldset class="webhook">
                        <legend>{format!("Webhook {}", i + 1)}</legend>
                        <div class="field">
                            <label for=url_id.clone()>"URL"</label>
                            {error_of(url_error)}
                            <input id=url_id type="url" spellcheck="false" prop:value=row.url.clone() on:input=set_url />
                        </div>
                        <div class="field">
                            <label for=secret_id.clone()>"New secret"</label>
                            <p class="hint" id=secret_hint.clone()>{hint}</p>
                            {error_of(secret_error)}
                            <input id=secret_id type="password" autocomplete="new-password" aria-describedby=secret_hint prop:value=row.secret.clone() on:input=set_secret />
                        </div>
                        <p><strong class="tag tag-draft">{stored_word}</strong></p>
                        <button type="button" class="button secondary" aria-label=format!("Remove webhook {}", i + 1) on:click=remove>"Remove"</button>
                    </fieldset>
                }
            })
            .collect_view()
    };

    view! {
        {summary(problems)}
        {notice(saved)}
        <form on:submit=submit novalidate class="settings-form">
            <h2>"Links"</h2>
            {text_field(form, problems, Text { id: "link-lifetime", label: "Link lifetime, in hours", hint: Some("How long a link works if the client never opens it. For example, 96 is 4 days."), kind: "number", get: |f| &f.link_lifetime, set: |f| &mut f.link_lifetime })}
            {text_field(form, problems, Text { id: "access-window", label: "Access window, in hours", hint: Some("How long a link keeps working after the client last used it."), kind: "number", get: |f| &f.access_window, set: |f| &mut f.access_window })}
            <p class="hint">"A change applies to interviews sent from now on, not to the links already out."</p>

            <h2>"Client sign-in"</h2>
            <div class=field_class(problems, "auth-none")>
                <fieldset aria-describedby=described_by(problems, "auth-none", false)>
                    <legend>"Ways clients may sign in"</legend>
                    <FieldError problems=problems field="auth-none" />
                    {auth_box(AuthMethod::None, "The link alone", "No check beyond the link.")}
                    {auth_box(AuthMethod::Passphrase, "Passphrase", "Staff choose a passphrase and tell the client by phone.")}
                    {auth_box(AuthMethod::Sms, "SMS code", "The last 4 digits of the client's mobile number, then a code by text message.")}
                </fieldset>
            </div>
            {text_field(form, problems, Text { id: "max-failed-attempts", label: "Failed attempts before a lockout", hint: Some("A whole number from 1 to 100."), kind: "number", get: |f| &f.max_failed_attempts, set: |f| &mut f.max_failed_attempts })}
            {text_field(form, problems, Text { id: "lockout", label: "Lockout, in minutes", hint: Some("How long a link stays locked after too many failed attempts."), kind: "number", get: |f| &f.lockout, set: |f| &mut f.lockout })}

            <h2>"Sessions"</h2>
            {text_field(form, problems, Text { id: "client-session", label: "Client session length, in minutes", hint: Some("Never longer than the link itself."), kind: "number", get: |f| &f.client_session, set: |f| &mut f.client_session })}
            {text_field(form, problems, Text { id: "staff-session", label: "Staff session length, in hours", hint: Some("How long staff stay signed in. 5 minutes to 30 days."), kind: "number", get: |f| &f.staff_session, set: |f| &mut f.staff_session })}

            <h2>"Addresses"</h2>
            {text_field(form, problems, Text { id: "public-url", label: "Public URL", hint: Some("The address clients reach this host at; links are built from it. The host sets it again from its configuration when it starts."), kind: "url", get: |f| &f.public_base_url, set: |f| &mut f.public_base_url })}
            {text_field(form, problems, Text { id: "embed-origins", label: "Embed origins", hint: Some("Sites allowed to embed the interview page, one per line, such as https://partner.example."), kind: "area", get: |f| &f.embed_origins, set: |f| &mut f.embed_origins })}

            <h2>"The interview email"</h2>
            <p class="hint" id="placeholders">{format!("The subject and body may use these placeholders: {placeholders}. The body must contain {{link}}.")}</p>
            {text_field(form, problems, Text { id: "email-subject", label: "Email subject", hint: None, kind: "text", get: |f| &f.email_subject, set: |f| &mut f.email_subject })}
            {text_field(form, problems, Text { id: "email-body", label: "Email body", hint: Some("It must contain {link}, where the client's link goes."), kind: "area", get: |f| &f.email_body, set: |f| &mut f.email_body })}

            <h2 id="webhooks" tabindex="-1">"Webhooks"</h2>
            <p class="hint">"Each event is sent, signed with the webhook's secret, to every webhook here. Secrets are never shown again once saved."</p>
            <FieldError problems=problems field="webhooks" />
            {webhook_rows}
            <p>
                <button type="button" class="button secondary" on:click=move |_| form.update(|f| f.webhooks.push(WebhookRow::default()))>"Add a webhook"</button>
            </p>

            <button type="submit" class="button" disabled=move || busy.get()>
                {move || if busy.get() { "Saving…" } else { "Save settings" }}
            </button>
        </form>
    }
}
