//! The dashboard's settings screens, driven as an admin uses them, against
//! the real host: the site settings (hours in the form, seconds in the API,
//! a problem by field), adding and disabling a staff user (who then cannot
//! sign in), an API key shown once that works until it is revoked, the
//! webhook delivery log with a pending delivery retried; and a staff member who sees no Settings link and
//! gets the admins-only page. axe-core on every screen and state.

use interview_e2e::{client_call, Browser, Driver, Host, Staff, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;

const BO: &str = "bo@example.com";
const CY: &str = "cy@example.com";
const PASSWORD: &str = "a long staff password";


/// The texts of the main navigation's links.
async fn main_links(browser: &Browser) -> Vec<String> {
    let found = browser.script("return [...document.querySelectorAll('nav[aria-label=Main] a')].map(a => a.textContent.trim());").await;
    serde_json::from_value(found).unwrap_or_default()
}

/// A call with `Authorization: Bearer <key>`: its status.
async fn with_key(host: &Host, key: &str, path: &str) -> u16 {
    reqwest::Client::new()
        .get(host.url(path))
        .bearer_auth(key)
        .send()
        .await
        .expect("call with the key")
        .status()
        .as_u16()
}

/// An http URL on this machine where nothing listens.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/hook")
}

/// Sends a one-question interview and submits it as the client, through the API.
async fn submit_an_interview(host: &Host, staff: &Staff) {
    let definition = json!({"format": "interview/1", "title": "Matter", "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name", "required": true}]}]});
    let template = staff.post("/api/v1/templates", json!({"name": "Matter", "definition": definition}), 201).await;
    let item = staff.post("/api/v1/work-items", json!({"name": "Lee matter", "template_id": template["id"]}), 201).await;
    let client = json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"});
    let sent = staff.post(&format!("/api/v1/work-items/{}/interviews", item["id"].as_str().unwrap_or_default()), json!({"client": client}), 201).await;
    let token = sent["link"].as_str().and_then(|l| l.split_once("/i/#")).map(|(_, t)| t.to_owned()).expect("the link's token");
    let (status, opened) = client_call(host, "open", None, Some(json!({"token": token}))).await;
    assert_eq!(status, 200, "{opened}");
    let submitted = reqwest::Client::new()
        .post(host.url("/api/v1/client/submit"))
        .bearer_auth(opened["session"].as_str().unwrap_or_default())
        .header("idempotency-key", "once")
        .json(&json!({"answers": {"s1": {"full_name": "Ann Lee"}}}))
        .send()
        .await
        .expect("submit");
    assert_eq!(submitted.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_changes_settings_manages_users_and_api_keys_and_staff_are_kept_out() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;

    // A deep link to the settings asks to sign in and comes back to them.
    browser.goto(&host.url("/dashboard/settings")).await;
    browser.wait_for_path("/dashboard/sign-in?next=").await;
    browser.sign_in_to_dashboard(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.wait_for_path("/dashboard/settings").await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Site settings").await;
    assert!(main_links(&browser).await.contains(&"Settings".to_owned()));
    let current = browser.script("return document.querySelector('nav[aria-label=Settings] a[aria-current=page]').textContent;").await;
    assert_eq!(current, json!("Site settings"));
    assert_eq!(browser.value_of(&page, "Link lifetime, in hours").await, "96");
    browser.assert_accessible("the site settings").await;

    // The link lifetime in hours, saved in seconds.
    browser.retype(&page, "Link lifetime, in hours", "48").await;
    browser.press(&page, "Save settings").await;
    browser.wait_for_role(&page, "status", "The settings have been saved.").await;
    assert_eq!(staff.get("/api/v1/settings").await["link_lifetime_secs"], 172_800);
    assert_eq!(browser.value_of(&page, "Link lifetime, in hours").await, "48");
    browser.assert_accessible("the site settings, saved").await;

    // No sign-in method at all is a problem shown by its field; nothing is sent.
    for method in ["The link alone", "Passphrase", "SMS code"] {
        browser.option(&page, "Ways clients may sign in", method).await.click().await.expect("untick");
    }
    browser.press(&page, "Save settings").await;
    let said = browser.wait_for_role(&page, "alert", "Choose at least one way for clients to sign in.").await;
    assert!(said.contains("There is a problem"), "{said}");
    let by_field = browser.script("return document.querySelector('.field-error .error-message').textContent;").await;
    assert_eq!(by_field, json!("Error: Choose at least one way for clients to sign in."));
    browser.assert_accessible("the site settings with a problem").await;
    assert_eq!(staff.get("/api/v1/settings").await["auth_methods"], json!(["none", "passphrase", "sms"]));

    // Staff users: add one, then disable them after the confirmation.
    browser.follow(&page, "Staff users").await;
    browser.wait_for_path("/dashboard/settings/users").await;
    browser.wait_for_heading(&page, "Staff users").await;
    browser.wait_for_text(&page, "tbody th", &format!("{ADMIN_EMAIL} (you)")).await;
    browser.assert_accessible("the staff users").await;
    browser.type_into(&page, "Email address", BO).await;
    browser.type_into(&page, "Name (optional)", "Bo Lee").await;
    browser.type_into(&page, "First password", PASSWORD).await;
    browser.press(&page, "Add user").await;
    browser.wait_for_role(&page, "status", &format!("{BO} has been added as staff.")).await;
    browser.press(&page, &format!("Disable {BO}")).await;
    let asked = browser.wait_for_role(&page, "alertdialog", "Their sessions and API keys stop at once.").await;
    assert!(asked.contains(&format!("Disable {BO}?")), "{asked}");
    browser.assert_accessible("the confirmation to disable a user").await;
    browser.press(&page, "Yes, disable").await;
    browser.wait_for_role(&page, "status", &format!("{BO} is disabled.")).await;
    browser.button(&page, &format!("Enable {BO}")).await;
    let users = staff.get("/api/v1/users").await;
    let bo = users.as_array().and_then(|all| all.iter().find(|u| u["email"] == BO)).expect("bo listed").clone();
    assert_eq!((bo["disabled"].clone(), bo["name"].clone(), bo["role"].clone()), (json!(true), json!("Bo Lee"), json!("staff")));
    browser.assert_accessible("the staff users with a disabled one").await;

    // The last admin cannot be made staff: the host's reason is shown.
    browser.press(&page, &format!("Make staff {ADMIN_EMAIL}")).await;
    browser.wait_for_role(&page, "alert", "This is the last enabled admin").await;
    browser.assert_accessible("the staff users refusing to demote the last admin").await;

    // API keys: made, shown once with Copy, working, then revoked.
    browser.follow(&page, "API keys").await;
    browser.wait_for_heading(&page, "API keys").await;
    browser.wait_for_text(&page, ".empty", "There are no API keys yet.").await;
    browser.assert_accessible("the API keys, none yet").await;
    browser.type_into(&page, "Name", "Partner CRM").await;
    browser.press(&page, "Create key").await;
    browser.wait_for_text(&page, ".key-once .warning-text strong", "Copy the key now: it will not be shown again.").await;
    let key = browser.script("return document.querySelector('code.key').textContent;").await;
    let key = key.as_str().expect("the key").to_owned();
    assert_eq!(key.len(), 43, "{key}");
    browser.press(&page, "Copy the key").await;
    let copied = browser.wait_for_role(&page, "status", "Cop").await;
    assert!(copied == "Copied to the clipboard." || copied.starts_with("Copying did not work here"), "{copied}");
    browser.assert_accessible("a new API key, shown once").await;
    assert_eq!(with_key(&host, &key, "/api/v1/work-items").await, 200, "the key works against the API");

    browser.goto(&host.url("/dashboard/settings/api-keys")).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "API keys").await;
    browser.wait_for_text(&page, "tbody th", "Partner CRM").await;
    let shown_again = browser
        .client
        .execute("return document.body.textContent.includes(arguments[0]);", vec![json!(key)])
        .await
        .expect("search the page");
    assert_eq!(shown_again, json!(false), "the key is not shown again");
    browser.press(&page, "Revoke Partner CRM").await;
    browser.wait_for_role(&page, "alertdialog", "Revoke the key Partner CRM?").await;
    browser.assert_accessible("the confirmation to revoke a key").await;
    browser.press(&page, "Yes, revoke").await;
    browser.wait_for_role(&page, "status", "The key Partner CRM is revoked").await;
    browser.wait_for_text(&page, "tbody .tag", "Revoked").await;
    assert_eq!(with_key(&host, &key, "/api/v1/work-items").await, 401, "a revoked key is refused");
    browser.assert_accessible("the API keys with a revoked one").await;

    // The webhook delivery log, empty on a new host.
    browser.follow(&page, "Webhook deliveries").await;
    browser.wait_for_heading(&page, "Webhook deliveries").await;
    browser.wait_for_text(&page, ".empty", "No webhook deliveries yet. Events are queued here when a webhook is set in the site settings.").await;
    browser.assert_accessible("the webhook delivery log, empty").await;

    // A submission to a webhook whose receiver is down is pending in the log; "Retry now" makes it due.
    let hook = dead_url();
    let (status, answer) = staff.call("PUT", "/api/v1/settings", Some(json!({"webhooks": [{"url": hook, "secret": "whsec_0123456789abcdef"}]}))).await;
    assert_eq!(status, 200, "{answer}");
    submit_an_interview(&host, &staff).await;
    browser.press(&page, "Refresh").await;
    browser.wait_for_text(&page, "tbody .tag", "Pending").await;
    browser.wait_for_text(&page, "tbody td.url", &hook).await;
    browser.assert_accessible("the webhook delivery log with a pending delivery").await;
    browser.press(&page, &format!("Retry now: interview.submitted to {hook}")).await;
    browser.wait_for_role(&page, "status", &format!("The interview.submitted delivery to {hook} will be attempted within a few seconds.")).await;
    let log = staff.get("/api/v1/webhook-deliveries").await;
    assert_eq!((log[0]["event"].clone(), log[0]["state"].clone()), (json!("interview.submitted"), json!("pending")), "{log}");

    // The disabled user cannot sign in: the same answer as a wrong password.
    browser.press(&page, "Sign out").await;
    browser.wait_for_path("/dashboard/sign-in").await;
    browser.sign_in_to_dashboard(BO, PASSWORD).await;
    let page = browser.page().await;
    browser.wait_for_role(&page, "alert", "The email or password is not right.").await;

    // A staff member sees no Settings link, and the admins-only page on a settings address.
    staff.post("/api/v1/users", json!({"email": CY, "password": PASSWORD, "role": "staff"}), 201).await;
    browser.sign_in_to_dashboard(CY, PASSWORD).await;
    browser.wait_for_path("/dashboard/work-items").await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Work items").await;
    let links = main_links(&browser).await;
    assert!(links.contains(&"Work items".to_owned()) && !links.contains(&"Settings".to_owned()), "{links:?}");
    for address in ["/dashboard/settings", "/dashboard/settings/users", "/dashboard/settings/api-keys", "/dashboard/settings/webhooks"] {
        browser.goto(&host.url(address)).await;
        let page = browser.page().await;
        browser.wait_for_heading(&page, "Only admins can change settings").await;
        let sub_nav = browser.script("return document.querySelectorAll('nav[aria-label=Settings]').length;").await;
        assert_eq!(sub_nav, json!(0), "{address}");
    }
    browser.assert_accessible("the admins-only page").await;

    browser.close().await;
}
