//! In-browser tests of the dashboard's settings screens: the site settings
//! form's conversions (hours and minutes to the seconds the API takes) and
//! its problems by field, sending only what changed, webhook secrets kept
//! unless a new one is typed, the host's refusals mapped to fields, the
//! admins-only page, the delivery log's tags and "Retry now", and the API
//! key shown once.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p
//! interview-components --features dashboard --test dashboard`.

use interview_api::settings::REDACTED;
use interview_api::{
    ApiError, ApiKeyView, AuthMethod, CreatedApiKey, DeliveryState, Role, SettingsChange, SiteSettings, UserSummary, WebhookDelivery,
    WebhookSetting,
};
use interview_components::dashboard::api::Failure;
use interview_components::dashboard::session::{Known, Session};
use interview_components::dashboard::settings::api_keys::{made_by, KeyShownOnce};
use interview_components::dashboard::settings::site::{host_problems, SiteForm, WebhookRow, ACCESS_WINDOW, LINK_LIFETIME, LOCKOUT, STAFF_SESSION};
use interview_components::dashboard::settings::webhooks::DeliveryTable;
use interview_components::dashboard::settings::AdminsOnly;
use leptos::prelude::*;
use leptos_router::components::Router;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use super::support::*;

fn settings() -> SiteSettings {
    SiteSettings {
        link_lifetime_secs: 96 * 3600,
        access_window_secs: 96 * 3600,
        auth_methods: vec![AuthMethod::None, AuthMethod::Passphrase, AuthMethod::Sms],
        max_failed_attempts: 5,
        lockout_secs: 900,
        client_session_secs: 7200,
        staff_session_secs: 43_200,
        public_base_url: "https://intake.example".to_owned(),
        embed_origins: vec![],
        email_subject: "Information needed: {work_item}".to_owned(),
        email_body: "Dear {title} {last_name},\n\n{link}\n".to_owned(),
        webhooks: vec![WebhookSetting { url: "https://hooks.example/a".to_owned(), secret: Some(REDACTED.to_owned()) }],
    }
}

fn fields(problems: &[(String, String)]) -> Vec<&str> {
    problems.iter().map(|(_, f)| f.as_str()).collect()
}

#[wasm_bindgen_test]
fn durations_are_written_in_hours_or_minutes_and_sent_in_seconds() {
    assert_eq!(LINK_LIFETIME.read("48"), Ok(172_800));
    assert_eq!(LINK_LIFETIME.read(" 1.5 "), Ok(5_400));
    assert_eq!(LINK_LIFETIME.show(172_800), "48");
    assert_eq!(LINK_LIFETIME.show(90), "0.025");
    assert_eq!(LOCKOUT.show(900), "15");
    assert_eq!(LOCKOUT.read("15"), Ok(900));
    assert_eq!(STAFF_SESSION.show(43_200), "12");
    assert_eq!(LINK_LIFETIME.read(""), Err("Enter the link lifetime in hours.".to_owned()));
    assert!(LINK_LIFETIME.read("two days").unwrap_err().starts_with("The link lifetime must be a number of hours"));
    assert!(LINK_LIFETIME.read("-3").is_err());
    assert_eq!(LINK_LIFETIME.read("9000"), Err("The link lifetime must be between 1 minute and 366 days (8784 hours).".to_owned()));
    assert!(ACCESS_WINDOW.read("0").is_err(), "below a minute");
    assert_eq!(ACCESS_WINDOW.read("8784"), Ok(366 * 24 * 3600));
    assert!(STAFF_SESSION.read("0.05").is_err(), "3 minutes is below 5");
    assert_eq!(LINK_LIFETIME.read(".25"), Ok(900));
    for bad in [".", "1.2.3", "1e3", "+4", "4 h"] {
        assert!(LINK_LIFETIME.read(bad).is_err(), "{bad}");
    }
    assert_eq!(LINK_LIFETIME.show(5_399), "1.4997");
    assert_eq!(LINK_LIFETIME.show(3_599), "0.9997");
}

#[wasm_bindgen_test]
fn saving_sends_only_what_changed() {
    let current = settings();
    let untouched = SiteForm::from_settings(&current);
    assert_eq!(untouched.link_lifetime, "96");
    assert_eq!(untouched.lockout, "15");
    assert_eq!(untouched.client_session, "120");
    assert!(untouched.change(&current).unwrap().is_empty(), "the form as read changes nothing");

    let mut form = untouched.clone();
    form.link_lifetime = "48".to_owned();
    form.auth_methods = vec![AuthMethod::Sms, AuthMethod::None];
    form.embed_origins = "https://partner.example/\n\n  https://other.example ".to_owned();
    let change = form.change(&current).unwrap();
    assert_eq!(
        change,
        SettingsChange {
            link_lifetime_secs: Some(172_800),
            auth_methods: Some(vec![AuthMethod::None, AuthMethod::Sms]),
            embed_origins: Some(vec!["https://partner.example".to_owned(), "https://other.example".to_owned()]),
            ..SettingsChange::default()
        }
    );
    assert_eq!(serde_json::to_value(&change).unwrap(), json!({
        "link_lifetime_secs": 172800, "auth_methods": ["none", "sms"], "embed_origins": ["https://partner.example", "https://other.example"],
    }));

    // The same methods in another order are no change.
    let mut reordered = untouched;
    reordered.auth_methods = vec![AuthMethod::Sms, AuthMethod::Passphrase, AuthMethod::None];
    assert!(reordered.change(&current).unwrap().is_empty());
}

#[wasm_bindgen_test]
fn each_problem_is_named_by_its_field() {
    let current = settings();
    let mut form = SiteForm::from_settings(&current);
    form.link_lifetime = String::new();
    form.auth_methods.clear();
    form.max_failed_attempts = "0".to_owned();
    form.public_base_url = "intake.example".to_owned();
    form.embed_origins = "partner.example".to_owned();
    form.email_body = "No link here".to_owned();
    let problems = form.change(&current).unwrap_err();
    assert_eq!(fields(&problems), ["link-lifetime", "auth-none", "max-failed-attempts", "public-url", "embed-origins", "email-body"]);
    assert_eq!(problems[1].0, "Choose at least one way for clients to sign in.");
}

#[wasm_bindgen_test]
fn webhook_secrets_are_kept_unless_a_new_one_is_typed() {
    let current = settings();
    let mut form = SiteForm::from_settings(&current);
    assert_eq!(form.webhooks, [WebhookRow { url: "https://hooks.example/a".to_owned(), secret: String::new(), stored: true }]);

    // A new webhook needs a secret of 16 characters or more.
    form.webhooks.push(WebhookRow { url: "https://hooks.example/b".to_owned(), ..WebhookRow::default() });
    assert_eq!(fields(&form.change(&current).unwrap_err()), ["webhook-secret-1"]);
    form.webhooks[1].secret = "short".to_owned();
    assert_eq!(fields(&form.change(&current).unwrap_err()), ["webhook-secret-1"]);
    form.webhooks[1].secret = "0123456789abcdef".to_owned();
    let sent = form.change(&current).unwrap().webhooks.unwrap();
    assert_eq!(sent[0], WebhookSetting { url: "https://hooks.example/a".to_owned(), secret: None }, "the stored secret is kept");
    assert_eq!(sent[1].secret.as_deref(), Some("0123456789abcdef"));

    // A blank new row is ignored; removing the stored one sends the shorter list.
    let mut form = SiteForm::from_settings(&current);
    form.webhooks.push(WebhookRow::default());
    assert!(form.change(&current).unwrap().is_empty());
    form.webhooks.clear();
    assert_eq!(form.change(&current).unwrap().webhooks, Some(vec![]));
}

#[wasm_bindgen_test]
fn the_hosts_refusal_is_shown_by_field() {
    let failure = Failure::Http {
        status: 422,
        error: ApiError {
            code: "invalid_setting".to_owned(),
            message: "2 settings need attention.".to_owned(),
            attempts_left: None,
            retry_after: None,
            errors: Some(json!([
                {"field": "link_lifetime_secs", "message": "The link lifetime must be between 1 minute and 366 days."},
                {"field": "auth_methods", "message": "At least one sign-in method must stay enabled."},
            ])),
        },
    };
    let problems = host_problems(&failure);
    assert_eq!(fields(&problems), ["link-lifetime", "auth-none"]);
    assert_eq!(problems[1].0, "At least one sign-in method must stay enabled.");
    assert_eq!(host_problems(&Failure::Offline).len(), 1);
}

#[wasm_bindgen_test]
fn staff_see_the_admins_only_page_and_admins_see_the_screen() {
    let as_staff = mount(|| {
        let session = Session::get();
        session.known.set(Known::SignedIn(UserSummary { id: "usr_b".into(), email: "bo@example.com".into(), name: "Bo".into(), role: Role::Staff }));
        view! { <Router><AdminsOnly><p class="inside">"The settings"</p></AdminsOnly></Router> }.into_any()
    });
    assert_eq!(as_staff.text("h1"), ["Only admins can change settings"]);
    assert!(as_staff.all(".inside").is_empty());
    assert!(as_staff.all("nav.sub-nav").is_empty());

    let as_admin = mount(|| {
        let session = Session::get();
        session.known.set(Known::SignedIn(UserSummary { id: "usr_a".into(), email: "ann@example.com".into(), name: "Ann".into(), role: Role::Admin }));
        view! { <Router><AdminsOnly><p class="inside">"The settings"</p></AdminsOnly></Router> }.into_any()
    });
    assert_eq!(as_admin.text(".inside"), ["The settings"]);
    assert_eq!(as_admin.text("nav.sub-nav a"), ["Site settings", "Staff users", "API keys", "Webhook deliveries"]);
    assert_eq!(as_admin.all("nav.sub-nav")[0].get_attribute("aria-label").as_deref(), Some("Settings"));
}

fn delivery(id: &str, state: DeliveryState) -> WebhookDelivery {
    WebhookDelivery {
        id: id.to_owned(),
        event: "interview.submitted".to_owned(),
        url: "https://hooks.example/a".to_owned(),
        state,
        attempts: 2,
        last_error: (state != DeliveryState::Delivered).then(|| "https://hooks.example answered HTTP 500".to_owned()),
        next_attempt_at: (state == DeliveryState::Pending).then(|| "2026-12-01T10:00:00Z".to_owned()),
        delivered_at: (state == DeliveryState::Delivered).then(|| "2026-12-01T09:01:00Z".to_owned()),
        created_at: "2026-12-01T09:00:00Z".to_owned(),
    }
}

#[wasm_bindgen_test]
fn the_delivery_log_shows_each_state_as_a_word_and_offers_retry_unless_delivered() {
    let retried = RwSignal::new(Vec::<String>::new());
    let shown = mount(move || {
        let rows = vec![delivery("evt_1", DeliveryState::Pending), delivery("evt_2", DeliveryState::Delivered), delivery("evt_3", DeliveryState::Failed)];
        let on_retry = Callback::new(move |id: String| retried.update(|r| r.push(id)));
        view! { <DeliveryTable rows=rows on_retry=on_retry busy=RwSignal::new(false) /> }.into_any()
    });
    assert_eq!(shown.text("tbody .tag"), ["Pending", "Delivered", "Failed"]);
    assert_eq!(shown.text("caption"), ["Webhook deliveries, newest first"]);
    let buttons = shown.all("tbody button");
    assert_eq!(buttons.len(), 2, "no retry for a delivered one");
    assert_eq!(buttons[0].text_content().as_deref(), Some("Retry now"));
    assert_eq!(buttons[0].get_attribute("aria-label").as_deref(), Some("Retry now: interview.submitted to https://hooks.example/a"));
    buttons[1].unchecked_ref::<HtmlElement>().click();
    assert_eq!(retried.get_untracked(), ["evt_3"]);
    let cells = shown.text("tbody tr:nth-child(3) td");
    assert!(cells.contains(&"None: given up".to_owned()), "{cells:?}");

    let empty = mount(|| view! { <DeliveryTable rows=vec![] on_retry=Callback::new(|_: String| {}) busy=RwSignal::new(false) /> }.into_any());
    assert!(empty.text(".empty")[0].starts_with("No webhook deliveries yet."));
}

#[wasm_bindgen_test]
fn a_new_key_is_shown_once_with_copy_and_a_warning() {
    let shown = mount(|| {
        let made = CreatedApiKey::new(
            ApiKeyView {
                id: "key_1".into(),
                name: "Partner CRM".into(),
                role: Role::Staff,
                created_by: "usr_a".into(),
                created_at: "2026-12-01T09:00:00Z".into(),
                revoked: false,
            },
            "k3y-text-only-shown-here".into(),
        );
        view! { <KeyShownOnce made=made /> }.into_any()
    });
    assert_eq!(shown.text("code.key"), ["k3y-text-only-shown-here"]);
    assert!(shown.text(".warning-text")[0].contains("it will not be shown again"));
    assert_eq!(shown.text("button"), ["Copy"]);
    assert_eq!(shown.all("button")[0].get_attribute("aria-label").as_deref(), Some("Copy the key"));

    let emails = [("usr_a".to_owned(), "ann@example.com".to_owned())];
    assert_eq!(made_by("usr_a", &emails), "ann@example.com");
    assert_eq!(made_by("api_key:key_9", &emails), "API key key_9");
    assert_eq!(made_by("usr_gone", &emails), "usr_gone");
}
