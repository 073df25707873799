//! The whole journey, as staff and a client live it, against the real host
//! binary in headless Chromium: staff sign in (a wrong password first), add
//! the intake template by pasting its text, create a work item, send a new
//! client an interview with a passphrase and read the link from the email;
//! the client, in a browser of their own, opens it, gives the passphrase,
//! fills every page and submits; staff see it submitted with the answers,
//! change one in the client's own form (a bad email refused with the
//! client's message), generate a Word document and download it, send a
//! follow-up to the same client (which opens on the latest answers) and
//! cancel it, and the client's follow-up link then says the request has
//! expired. Every element is found by its
//! label, role or text, and axe-core (WCAG 2.2 AA) checks every screen and
//! state along the way.

use fantoccini::elements::Element;
use fantoccini::Locator;
use interview_e2e::{eventually, Browser, Driver, Host, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;

/// The intake example, as staff paste it into the Definition box.
const INTAKE: &str = include_str!("../../../examples/templates/intake.json");


/// Follows the link whose accessible text is `name`, words for screen
/// readers only included ("Change" + " Email address").
async fn follow_named(page: &Element, name: &str) {
    let link = eventually(&format!("a link named {name:?}"), || async {
        let links = page.find_all(Locator::Css("a")).await.map_err(|e| e.to_string())?;
        let mut seen = Vec::new();
        for link in links {
            let text = link.prop("textContent").await.map_err(|e| e.to_string())?.unwrap_or_default();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text == name {
                return Ok(link);
            }
            seen.push(text);
        }
        Err(format!("links seen: {seen:?}"))
    })
    .await;
    link.click().await.unwrap_or_else(|e| panic!("follow {name:?}: {e}"));
}

/// The text the main region shows.
async fn main_text(browser: &Browser) -> String {
    let shown = browser.script("return document.querySelector('main').innerText;").await;
    shown.as_str().unwrap_or_default().to_owned()
}

/// Waits until the main region shows every one of `expected`; its text.
async fn wait_for_main_text(browser: &Browser, expected: &[&str]) -> String {
    eventually(&format!("the page showing {expected:?}"), || async {
        let shown = main_text(browser).await;
        match expected.iter().find(|e| !shown.contains(**e)) {
            None => Ok(shown),
            Some(missing) => Err(format!("no {missing:?} in:\n{shown}")),
        }
    })
    .await
}

/// Fetches `href` from the page, with the staff session's cookie as a
/// download would: the status and the content type.
const FETCH: &str = r#"
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => done([r.status, r.headers.get('content-type')]), e => done([0, String(e)]));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_send_a_new_client_an_interview_the_client_submits_it_and_staff_change_document_follow_up_and_cancel() {
    let host = Host::start().await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;

    // 1. Staff open the dashboard and are sent to sign in; a wrong password says so, the right one opens the work items.
    browser.goto(&host.url("/dashboard/")).await;
    browser.wait_for_path("/dashboard/sign-in").await;
    browser.assert_accessible("the sign-in screen").await;
    browser.sign_in_to_dashboard(ADMIN_EMAIL, "not the password").await;
    let page = browser.page().await;
    let said = browser.wait_for_role(&page, "alert", "The email or password is not right.").await;
    assert!(said.contains("There is a problem"), "{said}");
    browser.assert_accessible("the sign-in screen after a wrong password").await;
    browser.sign_in_to_dashboard(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.wait_for_path("/dashboard/work-items").await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Work items").await;
    browser.assert_accessible("the work items screen, empty").await;

    // 2. Templates: "Add a template", named, with the intake example's text pasted in.
    browser.follow(&page, "Templates").await;
    browser.wait_for_path("/dashboard/templates").await;
    browser.wait_for_heading(&page, "Templates").await;
    browser.assert_accessible("the templates screen, empty").await;
    browser.follow(&page, "Add a template").await;
    browser.wait_for_heading(&page, "Add a template").await;
    browser.type_into(&page, "Name", "Client intake").await;
    browser.type_into(&page, "Definition", INTAKE).await;
    browser.assert_accessible("the add a template screen, filled").await;
    browser.press(&page, "Add template").await;
    browser.wait_for_path("/dashboard/templates/tpl_").await;
    browser.wait_for_heading(&page, "Client intake").await;
    browser.wait_for_text(&page, ".summary-list div:first-child dd", "Version 1: New client intake").await;
    browser.assert_accessible("the new template's page").await;

    // 3. "Create new work item" with that template; its page opens, a draft.
    browser.follow(&page, "Work items").await;
    browser.wait_for_heading(&page, "Work items").await;
    browser.follow(&page, "Create new work item").await;
    browser.wait_for_heading(&page, "Create new work item").await;
    browser.type_into(&page, "Name", "Lee household").await;
    browser.select(&page, "Template", "Client intake (version 1 live)").await;
    browser.assert_accessible("the create work item form, filled").await;
    browser.press(&page, "Create work item").await;
    let at = browser.wait_for_path("/dashboard/work-items/wi_").await;
    let item = at.trim_start_matches("/dashboard/work-items/").to_owned();
    browser.wait_for_heading(&page, "Lee household").await;
    browser.wait_for_text(&page, ".summary-list .tag", "Draft").await;
    browser.assert_accessible("a new work item").await;

    // 4. "Client interview": a new client, a passphrase, the template's form, sent; the link read from the email.
    let wizard = format!("/dashboard/work-items/{item}/interview");
    browser.follow(&page, "Client interview").await;
    browser.wait_for_path(&wizard).await;
    browser.wait_for_heading(&page, "Who is the interview for?").await;
    browser.choose(&page, "Who is the interview for?", "New client").await;
    browser.type_into(&page, "Title", "Ms").await;
    browser.type_into(&page, "First name", "Ann").await;
    browser.type_into(&page, "Last name", "Lee").await;
    browser.type_into(&page, "Email address", "ann@example.com").await;
    browser.assert_accessible("the wizard's client step with a new client").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "How will the client prove who they are?").await;
    let passphrase = "blue harbour lamp";
    browser.choose(&page, "How will the client prove who they are?", "Passphrase").await;
    browser.type_into(&page, "Choose a passphrase", passphrase).await;
    browser.assert_accessible("the wizard's authentication step with a passphrase").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "Forms and document requests").await;
    browser.wait_for_text(&page, ".sections li > span", "Client intake").await;
    browser.assert_accessible("the wizard's forms step").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "Check and send").await;
    browser.assert_accessible("the wizard's check step").await;
    browser.press(&page, "Send interview").await;
    browser.wait_for_path(&format!("{wizard}?step=sent")).await;
    browser.wait_for_heading(&page, "Interview sent").await;
    let email = browser.value_of(&page, "Body").await;
    assert!(email.starts_with("Dear Ms Lee"), "{email}");
    let link = email
        .split_whitespace()
        .find(|word| word.starts_with(&host.url("/i/#")))
        .unwrap_or_else(|| panic!("no link in the email: {email}"))
        .to_owned();
    assert_eq!(browser.value_of(&page, "The client's link").await, link);
    browser.assert_accessible("the wizard's sent step").await;

    // 5. The client, in a browser of their own: the link, the passphrase, every page of the intake, submitted.
    let client = driver.browser().await;
    client.goto(&link).await;
    let root = client.shadow_root("main").await;
    client.field(&root, "Passphrase").await;
    client.assert_accessible("the client's passphrase screen").await;
    client.type_into(&root, "Passphrase", passphrase).await;
    client.press(&root, "Continue").await;
    client.select(&root, "Title", "Ms").await;
    client.type_into(&root, "Full name", "Ann Lee").await;
    client.set_date(&root, "Date of birth", "1980-05-17").await;
    client.type_into(&root, "Email address", "ann@example.com").await;
    client.assert_accessible("the client's page About you, filled").await;
    client.press(&root, "Next").await;
    client.choose(&root, "Do you have a partner?", "No").await;
    client.assert_accessible("the client's page Your family, filled").await;
    client.press(&root, "Next").await;
    client.choose(&root, "Employment", "Employed").await;
    client.type_into(&root, "Yearly income (GBP)", "52000").await;
    client.choose(&root, "What would you like help with?", "A will").await;
    client.choose(&root, "I confirm the answers are true and complete", "Yes").await;
    client.assert_accessible("the client's page Income, filled").await;
    client.press(&root, "Check your answers").await;
    client.wait_for_heading(&root, "Check your answers").await;
    client.assert_accessible("the client's review").await;
    client.press(&root, "Submit").await;
    client.wait_for_heading(&root, "Data successfully submitted").await;
    let receipt = root.find(Locator::Css("strong")).await.expect("the receipt").text().await.expect("its text");
    assert!(!receipt.is_empty(), "no receipt shown");
    client.assert_accessible("the client's confirmation").await;

    // 6. Staff, back on the work item: "Submitted", and the answers as the client gave them.
    browser.follow(&page, "Back to the work item").await;
    browser.wait_for_path(&format!("/dashboard/work-items/{item}")).await;
    browser.wait_for_text(&page, ".summary-list .tag", "Submitted").await;
    wait_for_main_text(&browser, &["Full name", "Ann Lee", "17 May 1980", "Employment", "Employed", "A will", &receipt]).await;
    browser.assert_accessible("the submitted work item").await;

    // 7. "Change" the email in the client's own form: a bad one is refused with the client's message, a good one saved.
    follow_named(&page, "Change Email address").await;
    browser.wait_for_path(&format!("/dashboard/work-items/{item}/answers?page=about")).await;
    browser.wait_for_heading(&page, "Change the answers").await;
    let form = browser.shadow_root(".client-form").await;
    assert_eq!(browser.value_of(&form, "Email address").await, "ann@example.com");
    browser.retype(&form, "Email address", "ann at example").await;
    browser.press(&form, "Next").await;
    let said = browser.wait_for_role(&form, "alert", "Email address must be an email address, like name@example.com.").await;
    assert!(said.contains("There is a problem"), "{said}");
    browser.assert_accessible("changing the answers, a bad email refused").await;
    browser.retype(&form, "Email address", "ann.lee@example.com").await;
    browser.press(&form, "Next").await;
    let kept = browser.option(&form, "Do you have a partner?", "No").await;
    assert!(kept.is_selected().await.expect("selected?"), "the next page keeps the client's answer");
    browser.press(&form, "Next").await;
    browser.press(&form, "Save answers").await;
    browser.wait_for_path(&format!("/dashboard/work-items/{item}?saved=1")).await;
    browser.wait_for_role(&page, "status", "The answers were saved as a new revision.").await;
    wait_for_main_text(&browser, &["ann.lee@example.com", "Changed by staff"]).await;
    browser.assert_accessible("the work item with the answers saved").await;

    // 8. Generate a Word document: it is listed, and its link downloads it with the staff session.
    browser.press(&page, "Generate a Word document").await;
    let href = eventually("a Word document listed", || async {
        let found = browser
            .script("const a = [...document.querySelectorAll('ul.documents a')].find(a => a.innerText.startsWith('Answers summary (Word)')); return a ? a.getAttribute('href') : null;")
            .await;
        found.as_str().map(str::to_owned).ok_or_else(|| format!("{found}"))
    })
    .await;
    assert!(href.starts_with("/api/v1/documents/"), "{href}");
    let fetched = browser.client.execute_async(FETCH, vec![json!(href)]).await.expect("fetch the document");
    assert_eq!(fetched[0], json!(200), "downloading {href}: {fetched}");
    assert!(fetched[1].as_str().unwrap_or_default().contains("wordprocessingml"), "{fetched}");
    browser.assert_accessible("the work item with a Word document").await;

    // 9. A follow-up to the same client (the client step is fixed), sent, opened, then cancelled from the work item page.
    browser.follow(&page, "Send a follow-up interview").await;
    browser.wait_for_path(&wizard).await;
    browser.wait_for_heading(&page, "Client").await;
    browser.wait_for_text(&page, ".summary-list dd", "Ms Ann Lee").await;
    browser.assert_accessible("the follow-up's client step").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "How will the client prove who they are?").await;
    browser.choose(&page, "How will the client prove who they are?", "No authentication").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "Forms and document requests").await;
    browser.press(&page, "Continue").await;
    browser.wait_for_heading(&page, "Check and send").await;
    browser.press(&page, "Send interview").await;
    browser.wait_for_heading(&page, "Interview sent").await;
    let follow_up = browser.value_of(&page, "The client's link").await;
    assert!(follow_up.starts_with(&host.url("/i/#")) && follow_up != link, "{follow_up}");
    browser.assert_accessible("the follow-up's sent step").await;
    // The link works until then: the client's form starts from the latest answers, the staff's change included.
    client.goto(&follow_up).await;
    let root = client.shadow_root("main").await;
    assert_eq!(client.value_of(&root, "Email address").await, "ann.lee@example.com");
    assert_eq!(client.value_of(&root, "Full name").await, "Ann Lee");
    browser.follow(&page, "Back to the work item").await;
    browser.wait_for_path(&format!("/dashboard/work-items/{item}")).await;
    browser.wait_for_text(&page, "table tbody tr:first-child .tag", "Opened").await;
    browser.press(&page, "Cancel interview").await;
    browser.wait_for_role(&page, "group", "Cancel this interview? The client's link stops working at once.").await;
    browser.assert_accessible("the confirmation to cancel the follow-up").await;
    browser.press(&page, "Yes, cancel the interview").await;
    browser.wait_for_text(&page, "table tbody tr:first-child .tag", "Cancelled").await;
    browser.wait_for_text(&page, "table tbody tr:nth-child(2) .tag", "Submitted").await;
    browser.assert_accessible("the work item with the follow-up cancelled").await;

    // 10. The client's follow-up link, opened again, now says the request has expired.
    client.goto(&follow_up).await;
    let root = client.shadow_root("main").await;
    client.wait_for_heading(&root, "This request has expired.").await;
    client.assert_accessible("the client's expired follow-up link").await;

    client.close().await;
    browser.close().await;
}
