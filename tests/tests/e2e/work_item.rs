//! The work item page after the client submitted: the answers laid out as
//! the client saw them, a change made in the client's own form (refused
//! first by the client's validation), the history, documents and the
//! answers to download.

use interview_e2e::{submit_as_client, Driver, Host, Staff, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;

/// Intake answers a client could submit.
fn intake_answers() -> serde_json::Value {
    json!({
        "title": "ms", "full_name": "Åsa Öberg", "born": "1980-05-17", "email": "asa@example.se",
        "has_partner": false, "children": [{"name": "Liv", "born": "2012-03-01", "lives_with_you": true}],
        "employment": "self_employed", "income": 52000, "goals": ["will", "tax"], "consent": true
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_see_submitted_answers_as_the_client_saw_them_and_change_one_with_the_clients_checks() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let definition: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/templates/intake.json")).expect("intake.json");
    let template = staff.post("/api/v1/templates", json!({"name": "Client intake", "definition": definition}), 201).await;
    let item = staff.post("/api/v1/work-items", json!({"name": "Öberg will", "template_id": template["id"]}), 201).await;
    let id = item["id"].as_str().unwrap().to_owned();
    let client = json!({"title": "Ms", "first_name": "Åsa", "last_name": "Öberg", "email": "asa@example.se"});
    let sent = staff
        .post(
            &format!("/api/v1/work-items/{id}/interviews"),
            json!({"client": client, "auth": {"method": "passphrase", "passphrase": "blue kettle"}}),
            201,
        )
        .await;
    let token = sent["link"].as_str().unwrap().split('#').nth(1).unwrap().to_owned();

    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser.goto(&host.url(&format!("/dashboard/work-items/{id}"))).await;
    browser.sign_in_to_dashboard(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = browser.page().await;

    // Before the client submits: only what staff may know.
    browser.wait_for_heading(&page, "Öberg will").await;
    browser.wait_for_text(&page, ".notice strong", "Waiting for client").await;
    browser.assert_accessible("a work item waiting for the client").await;

    let receipt = submit_as_client(&host, &token, "blue kettle", intake_answers()).await;
    browser.goto(&host.url(&format!("/dashboard/work-items/{id}"))).await;
    let page = browser.page().await;
    browser.wait_for_text(&page, ".summary-list .tag", "Submitted").await;
    let shown = browser.script("return document.querySelector('main').innerText;").await;
    let shown = shown.as_str().unwrap_or_default().to_owned();
    for expected in ["Full name", "Åsa Öberg", "17 May 1980", "Self-employed", "A will", "Tax", "Child 1", "Liv", &receipt] {
        assert!(shown.contains(expected), "the page shows {expected:?}:\n{shown}");
    }
    // The option's value, the computed value's id and the hidden question are not shown.
    assert!(!shown.contains("self_employed") && !shown.contains("child_count"), "{shown}");
    browser.assert_accessible("a submitted work item").await;

    // Change the email in the client's own form: a bad value is refused as it is for the client.
    browser.script("document.querySelector('a[href*=\"answers?page=about\"]').click(); return null;").await;
    browser.wait_for_path(&format!("/dashboard/work-items/{id}/answers")).await;
    let form = browser.shadow_root(".client-form").await;
    browser.retype(&form, "Email address", "not an email").await;
    browser.press(&form, "Next").await;
    browser.wait_for_role(&form, "alert", "There is a problem").await;
    browser.assert_accessible("changing answers, with a problem").await;
    browser.retype(&form, "Email address", "asa.oberg@example.se").await;
    browser.press(&form, "Next").await;
    browser.press(&form, "Next").await;
    browser.press(&form, "Save answers").await;
    browser.wait_for_path(&format!("/dashboard/work-items/{id}?saved=1")).await;
    let page = browser.page().await;
    browser.wait_for_role(&page, "status", "The answers were saved as a new revision.").await;
    let answers = staff.get(&format!("/api/v1/work-items/{id}")).await["answers"].clone();
    assert_eq!(answers["email"], "asa.oberg@example.se");
    // The history names who changed what.
    let history = browser.script("return document.querySelector('[aria-label^=\"Answer history\"]').innerText;").await;
    let history = history.as_str().unwrap_or_default().to_owned();
    assert!(history.contains("Changed by staff") && history.contains("Email address"), "{history}");
    assert!(history.contains("Submitted by the client"), "{history}");

    // Generate a Word document; it is listed for download.
    browser.press(&page, "Generate a Word document").await;
    let href = interview_e2e::eventually("a Word document listed", || async {
        let found = browser
            .script("const a = [...document.querySelectorAll('ul.documents a')].find(a => a.innerText.startsWith('Answers summary (Word)')); return a ? a.getAttribute('href') : null;")
            .await;
        found.as_str().map(str::to_owned).ok_or_else(|| format!("{found}"))
    })
    .await;
    let detail = staff.get(&format!("/api/v1/work-items/{id}")).await;
    assert_eq!(href, format!("/api/v1/documents/{}", detail["documents"][0]["id"].as_str().unwrap()));
    browser.assert_accessible("a work item with a document").await;

    browser.close().await;
}
