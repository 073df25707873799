//! In-browser tests of the clients screens' pieces and the "Client
//! interview" wizard's steps: the clients table and summary, the client
//! step's checks (existing, new, the work item's own client), only the
//! enabled sign-in methods with the passphrase reminder, sections added and
//! removed, the `mailto:` built from the edited email, and the 409 refusals
//! with their way out.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p
//! interview-components --features dashboard --test dashboard`.

use interview_api::{ApiError, AuthMethod, ClientView, EmailStatus, SentEmail, SentInterview, TemplateSummary};
use interview_components::dashboard::api::Failure;
use interview_components::dashboard::clients::{client_problems, ClientForm, ClientSummary, ClientTable};
use interview_components::dashboard::wizard::{
    mailto, AuthStep, ClientMode, ClientStep, Conflict, SectionsStep, SendProblem, SentStep, Step, Wizard,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

use super::support::*;


async fn settle() {
    leptos::task::tick().await;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().request_animation_frame(&resolve).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    leptos::task::tick().await;
}

fn ann(mobile: Option<&str>) -> ClientView {
    ClientView {
        id: "cli_ann".to_owned(),
        title: "Ms".to_owned(),
        first_name: "Ann".to_owned(),
        last_name: "Lee".to_owned(),
        email: "ann@example.com".to_owned(),
        mobile: mobile.map(str::to_owned),
        region: mobile.map(|_| "GB".to_owned()),
        created_at: "2026-12-01T09:00:00Z".to_owned(),
        updated_at: "2026-12-01T09:00:00Z".to_owned(),
    }
}

fn template(id: &str, name: &str) -> TemplateSummary {
    TemplateSummary { id: id.to_owned(), name: name.to_owned(), live_version: 1, created_at: "2026-12-01T09:00:00Z".to_owned(), versions: Vec::new(), work_items: 0, interviews_not_opened: 0 }
}

/// A callback that counts its calls.
fn counter() -> (RwSignal<u32>, Callback<()>) {
    let count = RwSignal::new(0);
    (count, Callback::new(move |_| count.update(|n| *n += 1)))
}

fn http_failure(status: u16, code: &str, errors: Option<serde_json::Value>) -> Failure {
    Failure::Http {
        status,
        error: ApiError { code: code.to_owned(), message: format!("The host said {code}."), attempts_left: None, retry_after: None, errors },
    }
}

// ------------------------------------------------------------------ clients

#[wasm_bindgen_test]
fn the_clients_table_has_its_columns_and_links_each_client() {
    let rows = vec![ann(Some("+447700900123")), ClientView { id: "cli_bo".to_owned(), first_name: "Bo".to_owned(), last_name: "Ng".to_owned(), ..ann(None) }];
    let page = mount(move || view! { <ClientTable rows=rows /> }.into_any());
    assert_eq!(page.text("thead th"), ["Name", "Email", "Mobile", "Created"]);
    assert_eq!(page.all("thead th[scope=col]").len(), 4);
    assert_eq!(page.text("tbody th[scope=row] a"), ["Ms Ann Lee", "Ms Bo Ng"]);
    assert_eq!(page.all("tbody a")[0].get_attribute("href").as_deref(), Some("/dashboard/clients/cli_ann"));
    assert_eq!(page.text("tbody tr:nth-child(1) td")[1], "+447700900123");
    assert_eq!(page.text("tbody tr:nth-child(2) td")[1], "", "no mobile, nothing shown");
    let empty = mount(|| view! { <ClientTable rows=Vec::new() searched=true /> }.into_any());
    assert_eq!(empty.text(".empty"), ["No clients match this search."]);
}

#[wasm_bindgen_test]
fn a_clients_summary_has_a_change_link_to_each_field() {
    let page = mount(|| view! { <ClientSummary client=ann(None) /> }.into_any());
    assert_eq!(page.text("h1"), ["Ms Ann Lee"]);
    assert_eq!(page.text("dt"), ["Title", "First name", "Last name", "Email address", "Mobile number", "Created"]);
    let changes: Vec<String> = page.all("dd.actions a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(changes.len(), 5);
    assert_eq!(changes[4], "/dashboard/clients/cli_ann/edit#mobile");
    assert!(page.text("dd.actions a")[4].contains("Change") && page.text("dd.actions a")[4].contains("mobile number"));
    assert!(page.whole_text().contains("needed for SMS"));
}

#[wasm_bindgen_test]
fn a_refused_edit_points_at_the_field_the_host_names() {
    let failure = http_failure(422, "invalid_client", Some(serde_json::json!([{"field": "first_name"}])));
    assert_eq!(client_problems(&failure), [("The host said invalid_client.".to_owned(), "first-name".to_owned())]);
    let form = ClientForm { title: "Ms".into(), first_name: "Ann".into(), last_name: "Lee".into(), email: "ann@example.com".into(), ..Default::default() };
    assert!(form.problems(false).is_empty());
    let fields: Vec<String> = form.problems(true).into_iter().map(|(_, f)| f).collect();
    assert_eq!(fields, ["mobile", "region"], "SMS needs the mobile number and its region");
    let bad = ClientForm { email: "ann".into(), ..form };
    assert_eq!(bad.problems(false)[0].1, "email");
}

// ------------------------------------------------------------------ the wizard: client

#[wasm_bindgen_test]
async fn the_client_step_needs_a_chosen_client_or_a_complete_new_one() {
    let wizard = Wizard::new();
    let (next, on_next) = counter();
    let page = mount(move || view! { <ClientStep wizard=wizard fixed=None on_next=on_next /> }.into_any());
    assert_eq!(page.text("legend"), ["Who is the interview for?"]);
    assert_eq!(page.field("Search for the client").get_attribute("type").as_deref(), Some("search"));

    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 0);
    assert!(page.text(".error-summary li")[0].contains("Search for the client"), "{:?}", page.text(".error-summary li"));

    page.click("New client");
    settle().await;
    assert_eq!(wizard.mode.get_untracked(), ClientMode::New);
    page.type_into("Title", "Ms");
    page.type_into("First name", "Ann");
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 0);
    let links: Vec<String> = page.all(".error-summary a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(links, ["#last-name", "#email"]);
    assert!(page.all("#mobile").is_empty(), "the mobile number is asked only when SMS is chosen");

    page.type_into("Last name", "Lee");
    page.type_into("Email address", "ann@example.com");
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 1);
    assert_eq!(wizard.new_client.get_untracked().email, "ann@example.com");
    let request = wizard.draft().request();
    assert!(request.client_id.is_none());
    assert_eq!(request.client.unwrap().last_name.as_deref(), Some("Lee"));
}

#[wasm_bindgen_test]
async fn a_follow_up_keeps_the_work_items_client() {
    let wizard = Wizard::new();
    wizard.chosen.set(Some(ann(None)));
    let (next, on_next) = counter();
    let page = mount(move || view! { <ClientStep wizard=wizard fixed=Some(ann(None)) on_next=on_next /> }.into_any());
    assert!(page.all("input[type=radio]").is_empty(), "nothing to choose");
    assert!(page.whole_text().contains("Ms Ann Lee") && page.whole_text().contains("ann@example.com"));
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 1);
    assert_eq!(wizard.draft().request().client_id.as_deref(), Some("cli_ann"));
}

// ------------------------------------------------------------------ the wizard: authentication

#[wasm_bindgen_test]
async fn only_the_enabled_methods_are_offered_and_the_passphrase_has_its_reminder() {
    let wizard = Wizard::new();
    wizard.chosen.set(Some(ann(None)));
    let (next, on_next) = counter();
    let page = mount(move || {
        view! { <AuthStep wizard=wizard enabled=vec![AuthMethod::None, AuthMethod::Passphrase] on_next=on_next /> }.into_any()
    });
    assert_eq!(page.text(".radio label"), ["Passphrase", "No authentication"], "SMS is not enabled");
    assert!(!page.whole_text().contains("SMS code"));
    assert!(!page.whole_text().contains("by phone"), "the reminder comes with the passphrase");

    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 0);
    assert!(page.text(".error-summary li")[0].contains("Choose how"));

    page.click("Passphrase");
    settle().await;
    assert!(page.whole_text().contains("Tell the client the passphrase by phone, not in the same email."));
    page.type_into("Choose a passphrase", "short");
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 0);
    assert_eq!(page.all(".error-summary a")[0].get_attribute("href").as_deref(), Some("#passphrase"));
    page.type_into("Choose a passphrase", "correct horse battery");
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 1);
    let auth = wizard.draft().request().auth.unwrap();
    assert_eq!((auth.method, auth.passphrase.as_deref()), (AuthMethod::Passphrase, Some("correct horse battery")));
}

#[wasm_bindgen_test]
async fn sms_for_a_new_client_asks_for_the_mobile_number_and_region() {
    let wizard = Wizard::new();
    wizard.mode.set(ClientMode::New);
    let (next, on_next) = counter();
    let page = mount(move || view! { <AuthStep wizard=wizard enabled=vec![AuthMethod::Sms, AuthMethod::None] on_next=on_next /> }.into_any());
    assert_eq!(page.text(".radio label"), ["SMS code", "No authentication"]);
    page.click("SMS code");
    settle().await;
    page.click("Continue");
    settle().await;
    let links: Vec<String> = page.all(".error-summary a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(links, ["#sms-mobile", "#sms-region"]);
    page.type_into("Mobile number", "07700 900123");
    page.choose("Region of the mobile number", "GB");
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 1);
    let client = wizard.draft().request().client.unwrap();
    assert_eq!((client.mobile.as_deref(), client.region.as_deref()), (Some("07700 900123"), Some("GB")));
}

// ------------------------------------------------------------------ the wizard: forms

#[wasm_bindgen_test]
async fn sections_are_added_and_removed_and_one_is_needed() {
    let wizard = Wizard::new();
    wizard.sections.set(vec!["tpl_intake".to_owned()]);
    let templates = vec![template("tpl_intake", "Intake"), template("tpl_kyc", "KYC"), template("tpl_id", "Proof of identity")];
    let (next, on_next) = counter();
    let page = mount(move || view! { <SectionsStep wizard=wizard templates=templates on_next=on_next /> }.into_any());
    assert_eq!(page.text(".sections li > span"), ["Intake"], "the work item's template first");
    assert_eq!(page.text("#add-section option"), ["KYC", "Proof of identity"], "only what is not included yet");

    page.choose("Add a form or document request", "tpl_id");
    page.click("Add");
    settle().await;
    assert_eq!(page.text(".sections li > span"), ["Intake", "Proof of identity"]);
    assert_eq!(wizard.sections.get_untracked(), ["tpl_intake", "tpl_id"]);
    assert!(page.text("[role=status]").iter().any(|s| s == "Proof of identity added."));
    assert_eq!(page.text("#add-section option"), ["KYC"]);

    page.click("Remove Intake");
    settle().await;
    assert_eq!(page.text(".sections li > span"), ["Proof of identity"]);
    page.click("Remove Proof of identity");
    settle().await;
    assert!(page.text(".sections li").is_empty());
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 0);
    assert_eq!(page.text(".error-summary li"), ["Include at least one form."]);
    page.click("Add");
    settle().await;
    page.click("Continue");
    settle().await;
    assert_eq!(next.get_untracked(), 1);
    assert_eq!(wizard.draft().request().sections.unwrap().len(), 1);
}

#[wasm_bindgen_test]
fn steps_are_read_from_the_query_and_the_first_unfinished_one_is_known() {
    assert_eq!(Step::from_query(Some("auth")), Step::Auth);
    assert_eq!(Step::from_query(Some("nonsense")), Step::Client);
    assert_eq!(Step::from_query(None), Step::Client);
    let wizard = Wizard::new();
    let enabled = [AuthMethod::None];
    assert_eq!(wizard.draft().first_incomplete(false, &enabled), Some(Step::Client));
    wizard.chosen.set(Some(ann(None)));
    assert_eq!(wizard.draft().first_incomplete(false, &enabled), Some(Step::Auth));
    wizard.method.set(Some(AuthMethod::Sms));
    assert_eq!(wizard.draft().first_incomplete(false, &enabled), Some(Step::Auth), "a method the settings do not enable");
    wizard.method.set(Some(AuthMethod::None));
    assert_eq!(wizard.draft().first_incomplete(false, &enabled), Some(Step::Sections));
    wizard.sections.set(vec!["tpl_1".to_owned()]);
    assert_eq!(wizard.draft().first_incomplete(false, &enabled), None);
    assert_eq!(wizard.draft().request().locale, None, "the host's default language unless one is chosen");
    wizard.locale.set("fr".to_owned());
    assert_eq!(wizard.draft().request().locale.as_deref(), Some("fr"));
}

// ------------------------------------------------------------------ the wizard: sent

fn sent() -> SentInterview {
    SentInterview {
        id: "iv_1".to_owned(),
        link: "http://127.0.0.1:8080/i/#TOKEN".to_owned(),
        expires_at: "2026-12-05T09:00:00Z".to_owned(),
        locale: "en".to_owned(),
        email: SentEmail {
            to: "ann@example.com".to_owned(),
            subject: "Information needed: Lee matter".to_owned(),
            body: "Dear Ms Lee,\n\nhttp://127.0.0.1:8080/i/#TOKEN".to_owned(),
            mailto: String::new(),
            status: EmailStatus::NotSent,
            error: None,
        },
    }
}

#[wasm_bindgen_test]
fn mailto_encodes_the_subject_and_body_as_rfc_6068_asks() {
    assert_eq!(
        mailto("ann@example.com", "Déjà vu & more", "Line 1\nLine 2: https://x.example/i/#A_b-c"),
        "mailto:ann@example.com?subject=D%C3%A9j%C3%A0%20vu%20%26%20more&body=Line%201%0D%0ALine%202%3A%20https%3A%2F%2Fx.example%2Fi%2F%23A_b-c"
    );
}

#[wasm_bindgen_test]
async fn the_email_link_follows_the_edited_text_and_send_from_server_needs_smtp() {
    let page = mount(|| view! { <SentStep sent=sent() smtp=false /> }.into_any());
    let link: HtmlInputElement = page.field("The client's link").unchecked_into();
    assert_eq!(link.value(), "http://127.0.0.1:8080/i/#TOKEN");
    assert!(link.read_only());
    let href = || page.all("a.button")[0].get_attribute("href").unwrap();
    assert!(href().starts_with("mailto:ann@example.com?subject=Information%20needed%3A%20Lee%20matter&body=Dear%20Ms%20Lee"));
    page.type_into("Subject", "Your form");
    page.type_into("Body", "Hi Ann,\nhttp://127.0.0.1:8080/i/#TOKEN");
    settle().await;
    assert_eq!(href(), "mailto:ann@example.com?subject=Your%20form&body=Hi%20Ann%2C%0D%0Ahttp%3A%2F%2F127.0.0.1%3A8080%2Fi%2F%23TOKEN");
    assert!(page.text("button").iter().any(|b| b == "Copy link"));
    assert!(!page.text("button").iter().any(|b| b == "Send from server"), "no SMTP, no server sending");
    let with_smtp = mount(|| view! { <SentStep sent=sent() smtp=true /> }.into_any());
    assert!(with_smtp.text("button").iter().any(|b| b == "Send from server"));
}

// ------------------------------------------------------------------ the wizard: refusals

#[wasm_bindgen_test]
async fn an_outstanding_interview_is_explained_with_the_cancel_way_out() {
    assert_eq!(Conflict::of(&http_failure(409, "outstanding_interview", None)), Some(Conflict::Outstanding));
    assert_eq!(Conflict::of(&http_failure(409, "different_client", None)), Some(Conflict::DifferentClient));
    assert_eq!(Conflict::of(&http_failure(422, "invalid_client", None)), None);

    let (cancelled, on_cancelled) = counter();
    let page = mount(move || {
        view! { <SendProblem conflict=Conflict::Outstanding work_item_id="wi_1".to_owned() on_cancelled=on_cancelled /> }.into_any()
    });
    assert_eq!(page.all("[role=alert]").len(), 1);
    assert!(page.whole_text().contains("outstanding"));
    assert!(page.whole_text().contains("Cancel the outstanding interview, then send this one."));
    page.click("Cancel the outstanding interview");
    settle().await;
    assert!(page.whole_text().contains("Are you sure"), "a confirmation first");
    assert!(page.text("button").iter().any(|b| b == "Yes, cancel it"));
    page.click("No, keep it");
    settle().await;
    assert!(!page.whole_text().contains("Are you sure"));
    assert_eq!(cancelled.get_untracked(), 0, "nothing cancelled without a yes");

    let other = mount(|| {
        view! { <SendProblem conflict=Conflict::DifferentClient work_item_id="wi_1".to_owned() on_cancelled=Callback::new(|_| ()) /> }.into_any()
    });
    assert!(other.whole_text().contains("belongs to a different client"));
    assert_eq!(
        other.all("a")[0].get_attribute("href").as_deref(),
        Some("/dashboard/work-items/wi_1/interview?step=client")
    );
}
