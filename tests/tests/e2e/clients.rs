//! The clients screens and the "Client interview" wizard at `/dashboard/`,
//! driven as staff use them, with the client opening the link in a second
//! browser; axe-core on every screen and state.

use fantoccini::elements::Element;
use fantoccini::Locator;
use interview_e2e::{eventually, Browser, Driver, Host, Staff, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;

/// Signs the browser in through the dashboard's sign-in screen.
async fn sign_in(browser: &Browser, host: &Host) {
    browser.goto(&host.url("/dashboard/")).await;
    browser.wait_for_path("/dashboard/sign-in").await;
    browser.sign_in_to_dashboard(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.wait_for_path("/dashboard/work-items").await;
}

/// The first element of the page matching `css`, once there is one (for
/// links whose words are partly for screen readers only).
async fn css(page: &Element, css: &str) -> Element {
    eventually(&format!("an element {css}"), || async { page.find(Locator::Css(css)).await.map_err(|e| e.to_string()) }).await
}

/// Clicks the first element matching `css`.
async fn click(page: &Element, selector: &str) {
    css(page, selector).await.click().await.unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

/// The intake example template and a work item of it, through the API: the work item's id.
async fn work_item(staff: &Staff, name: &str) -> String {
    let definition: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/templates/intake.json")).expect("intake.json");
    let template = staff.post("/api/v1/templates", json!({"name": "Client intake", "definition": definition}), 201).await;
    let made = staff.post("/api/v1/work-items", json!({"name": name, "template_id": template["id"]}), 201).await;
    made["id"].as_str().expect("work item id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_send_a_client_interview_with_a_passphrase_the_client_opens_it_and_an_outstanding_one_is_cancelled() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let item = work_item(&staff, "Lee matter").await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    sign_in(&browser, &host).await;
    let wizard = format!("/dashboard/work-items/{item}/interview");

    // Client: a new client; the step refuses to go on without one.
    browser.goto(&host.url(&wizard)).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Who is the interview for?").await;
    browser.assert_accessible("the wizard's client step").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_role(&page, "alert", "Search for the client and choose them").await;
    browser.assert_accessible("the client step with an error").await;
    browser.choose(&page, "Who is the interview for?", "New client").await;
    browser.type_into(&page, "Title", "Ms").await;
    browser.type_into(&page, "First name", "Ann").await;
    browser.type_into(&page, "Last name", "Lee").await;
    browser.type_into(&page, "Email address", "ann@example.com").await;
    browser.assert_accessible("the client step with a new client").await;
    browser.press(&page, "Continue").await;

    // Authentication: each step is its own address, so Back returns with the answers kept.
    browser.wait_for_path(&format!("{wizard}?step=auth")).await;
    browser.wait_for_heading(&page, "How will the client prove who they are?").await;
    browser.client.back().await.expect("back");
    browser.wait_for_heading(&page, "Who is the interview for?").await;
    assert_eq!(browser.value_of(&page, "First name").await, "Ann");
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "How will the client prove who they are?").await;
    browser.assert_accessible("the authentication step").await;
    browser.choose(&page, "How will the client prove who they are?", "Passphrase").await;
    browser.wait_for_text(&page, "#passphrase-reminder", "Tell the client the passphrase by phone, not in the same email.").await;
    browser.type_into(&page, "Choose a passphrase", "short").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_role(&page, "alert", "Enter a passphrase of 8 to 1024 characters.").await;
    browser.assert_accessible("the authentication step with an error").await;
    let passphrase = "blue harbour lamp";
    browser.retype(&page, "Choose a passphrase", passphrase).await;
    browser.press(&page, "Continue").await;

    // Forms: the work item's template is included.
    browser.wait_for_path(&format!("{wizard}?step=sections")).await;
    browser.wait_for_heading(&page, "Forms and document requests").await;
    browser.wait_for_text(&page, ".sections li > span", "Client intake").await;
    browser.assert_accessible("the forms step").await;
    browser.press(&page, "Continue").await;

    // Check and send.
    browser.wait_for_heading(&page, "Check and send").await;
    browser.assert_accessible("the check step").await;
    browser.press(&page, "Send interview").await;

    // Sent: the link, the email with it, the mail program's link, and "Copy link".
    browser.wait_for_path(&format!("{wizard}?step=sent")).await;
    browser.wait_for_heading(&page, "Interview sent").await;
    let link = browser.value_of(&page, "The client's link").await;
    assert!(link.starts_with(&host.url("/i/#")), "{link}");
    let body = browser.value_of(&page, "Body").await;
    assert!(body.contains(&link), "the email carries the link: {body}");
    assert!(body.contains("Dear Ms Lee"), "{body}");
    let mail = css(&page, "a.button[href^='mailto:']").await;
    assert!(mail.text().await.expect("text").starts_with("Email"));
    let href = mail.attr("href").await.expect("href").expect("an href");
    assert!(href.starts_with("mailto:ann@example.com?subject=Information%20needed%3A%20Lee%20matter&body="), "{href}");
    browser.press(&page, "Copy link").await;
    browser.wait_for_role(&page, "status", "Copied").await;
    browser.assert_accessible("the sent step").await;

    // The client, in a browser of their own, opens the link with the passphrase.
    let (_client_driver, client, root) = super::open_in_browser(&link).await;
    client.type_into(&root, "Passphrase", passphrase).await;
    client.press(&root, "Continue").await;
    client.field(&root, "Full name").await;

    // Sending again while that one is outstanding: the reason, and the way out.
    browser.goto(&host.url(&wizard)).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Client").await;
    browser.wait_for_text(&page, ".summary-list dd", "Ms Ann Lee").await;
    browser.assert_accessible("the client step of a follow-up").await;
    browser.press(&page, "Continue").await;
    browser.choose(&page, "How will the client prove who they are?", "No authentication").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "Forms and document requests").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "Check and send").await;
    browser.press(&page, "Send interview").await;
    let said = browser.wait_for_role(&page, "alert", "outstanding").await;
    assert!(said.contains("Cancel the outstanding interview, then send this one."), "{said}");
    browser.assert_accessible("the check step refused: outstanding").await;
    browser.press(&page, "Cancel the outstanding interview").await;
    browser.wait_for_text(&page, "#confirm-cancel", "Are you sure you want to cancel the outstanding interview? The client's link will stop working at once.").await;
    browser.assert_accessible("the cancel confirmation").await;
    browser.press(&page, "Yes, cancel it").await;
    browser.wait_for_text(&page, ".notice", "The outstanding interview was cancelled. You can send this one now.").await;
    let shown = staff.get(&format!("/api/v1/work-items/{item}")).await;
    assert_eq!(shown["status"], "cancelled", "{shown}");

    // The client's link now says it has expired.
    client.goto(&link).await;
    let root = client.shadow_root("main").await;
    client.wait_for_heading(&root, "This request has expired.").await;

    // And the follow-up goes out, in French.
    browser.select(&page, "The client's language", "Français (French)").await;
    browser.press(&page, "Send interview").await;
    browser.wait_for_heading(&page, "Interview sent").await;
    let shown = staff.get(&format!("/api/v1/work-items/{item}")).await;
    assert_eq!(shown["interviews"][1]["locale"], "fr", "{shown}");
    client.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_list_search_and_page_the_clients_open_one_with_their_work_items_and_edit_the_mobile() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    // More clients than a page holds (50), Ann the oldest.
    let ann = staff
        .post("/api/v1/clients", json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"}), 201)
        .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for n in 0..50 {
        let body = json!({"title": "Mr", "first_name": format!("Client{n:02}"), "last_name": "Other", "email": format!("c{n}@example.com")});
        staff.post("/api/v1/clients", body, 201).await;
    }
    let item = work_item(&staff, "Lee estate").await;
    staff.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client_id": ann}), 201).await;

    let driver = Driver::start().await;
    let browser = driver.browser().await;
    sign_in(&browser, &host).await;

    // The list, paged by key: Ann is on the second page.
    browser.goto(&host.url("/dashboard/clients")).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Clients").await;
    browser.link(&page, "Mr Client49 Other").await;
    browser.wait_for_text(&page, ".pagination-page", "Page 1").await;
    browser.assert_accessible("the clients list").await;
    click(&page, "a[rel=next]").await;
    browser.wait_for_path("/dashboard/clients?cursor=").await;
    browser.link(&page, "Ms Ann Lee").await;
    browser.wait_for_text(&page, ".pagination-page", "Page 2").await;
    click(&page, "a[rel=prev]").await;
    browser.wait_for_text(&page, ".pagination-page", "Page 1").await;

    // Search, kept in the address.
    browser.type_into(&page, "Name or email", "lee").await;
    browser.press(&page, "Search").await;
    browser.wait_for_path("/dashboard/clients?q=lee").await;
    browser.wait_for_text(&page, "tbody th", "Ms Ann Lee").await;
    browser.assert_accessible("the clients list searched").await;

    // The client's page, with their work items.
    browser.follow(&page, "Ms Ann Lee").await;
    browser.wait_for_path(&format!("/dashboard/clients/{ann}")).await;
    browser.wait_for_heading(&page, "Ms Ann Lee").await;
    browser.link(&page, "Lee estate").await;
    browser.assert_accessible("a client's page").await;

    // Change the mobile number: the host's refusal is shown by field, then it saves.
    click(&page, "a[href$='/edit#mobile']").await;
    browser.wait_for_heading(&page, "Change client details").await;
    browser.assert_accessible("the client edit form").await;
    browser.retype(&page, "Mobile number", "call me").await;
    browser.select(&page, "Region of the mobile number", "United Kingdom (GB)").await;
    browser.press(&page, "Save changes").await;
    let said = browser.wait_for_role(&page, "alert", "is not a phone number").await;
    assert!(said.contains("There is a problem"), "{said}");
    let to_field = browser.link(&page, said.lines().find(|l| l.contains("phone number")).unwrap_or("").trim()).await;
    assert_eq!(to_field.attr("href").await.expect("href").as_deref(), Some("#mobile"));
    browser.assert_accessible("the client edit form with the host's error").await;
    browser.retype(&page, "Mobile number", "07700 900456").await;
    browser.press(&page, "Save changes").await;
    browser.wait_for_path(&format!("/dashboard/clients/{ann}")).await;
    browser.wait_for_text(&page, ".summary-list > div:nth-child(5) dd", "+447700900456 (GB)").await;
    let saved = staff.get(&format!("/api/v1/clients/{ann}")).await;
    assert_eq!(saved["mobile"], "+447700900456");

    // In the "Client interview" wizard, an existing client is found as one types.
    let second = work_item(&staff, "Lee trust").await;
    browser.goto(&host.url(&format!("/dashboard/work-items/{second}/interview"))).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Who is the interview for?").await;
    browser.type_into(&page, "Search for the client", "ann").await;
    browser.wait_for_role(&page, "status", "1 client found").await;
    browser.assert_accessible("the client step with a search").await;
    click(&page, ".client-matches button").await;
    browser.wait_for_text(&page, ".notice", "Chosen: Ms Ann Lee (ann@example.com)").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "How will the client prove who they are?").await;
    // Ann has a mobile number now, so SMS can go to it.
    browser.choose(&page, "How will the client prove who they are?", "SMS code").await;
    browser.wait_for_text(&page, ".reveal p", "The code goes to +447700900456.").await;
    browser.press(&page, "Continue").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "Check and send").await;
    browser.press(&page, "Send interview").await;
    browser.wait_for_heading(&page, "Interview sent").await;
    let sent = staff.get(&format!("/api/v1/work-items/{second}")).await;
    assert_eq!(sent["client"]["id"], ann.as_str(), "sent to the client chosen: {sent}");
    browser.close().await;
}
