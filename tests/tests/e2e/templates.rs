//! The templates screens, from an empty site: the examples offered, a
//! template's page, a version added from pasted text (refused first, with
//! the engine's problems by path), published after a confirmation, and a
//! version previewed in the real interview form. axe-core on every screen.

use interview_e2e::{Driver, Host, Staff, ADMIN_EMAIL, ADMIN_PASSWORD};


/// Two questions with the same id: the engine refuses it, naming the path.
const TWICE_THE_SAME_ID: &str = r#"{"format": "interview/1", "title": "Quick check", "pages": [{"id": "first", "title": "A quick check", "items": [{"type": "text", "id": "name", "label": "Your name"}, {"type": "text", "id": "name", "label": "Your name again"}]}]}"#;

/// The same, put right.
const QUICK_CHECK: &str = r#"{"format": "interview/1", "title": "Quick check", "pages": [{"id": "first", "title": "A quick check", "items": [{"type": "text", "id": "name", "label": "Your name", "required": true}, {"type": "computed", "id": "name_length", "expr": "size(name)"}]}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_an_empty_site_staff_add_the_intake_example_add_and_publish_a_version_and_preview_it() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;

    // An empty site: the templates screen offers the examples.
    browser.goto(&host.url("/dashboard/templates")).await;
    browser.wait_for_path("/dashboard/sign-in").await;
    browser.sign_in_to_dashboard(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.wait_for_path("/dashboard/templates").await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Templates").await;
    browser.wait_for_text(&page, "#examples-title", "Start from an example").await;
    browser.button(&page, "Add the KYC example").await;
    browser.assert_accessible("the templates screen of an empty site").await;

    // One button makes the intake example and opens its page.
    browser.press(&page, "Add the intake example").await;
    let at = browser.wait_for_path("/dashboard/templates/tpl_").await;
    let id = at.trim_start_matches("/dashboard/templates/").to_owned();
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Client intake (example)").await;
    browser.wait_for_text(&page, ".summary-list div:first-child dd", "Version 1: New client intake").await;
    browser.wait_for_text(&page, "tbody .tag", "Live").await;
    browser.link(&page, "Preview version 1").await;
    browser.assert_accessible("a template's page").await;
    let listed = staff.get("/api/v1/templates").await;
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["name"], "Client intake (example)");

    // The list now shows it, with its live version and no work items yet.
    browser.goto(&host.url("/dashboard/templates")).await;
    let page = browser.page().await;
    browser.link(&page, "Client intake (example)").await;
    browser.wait_for_text(&page, "tbody td.numeric:nth-of-type(3)", "0").await;
    browser.assert_accessible("the templates list").await;

    // "Add a template" refuses an empty form, naming both fields.
    browser.follow(&page, "Add a template").await;
    browser.wait_for_heading(&page, "Add a template").await;
    browser.assert_accessible("the add a template screen").await;
    browser.press(&page, "Add template").await;
    let said = browser.wait_for_role(&page, "alert", "Enter a name for the template.").await;
    assert!(said.contains("Choose a JSON file or paste the template's definition."), "{said}");
    browser.assert_accessible("the add a template screen with errors").await;
    browser.follow(&page, "Back to templates").await;
    browser.wait_for_heading(&page, "Templates").await;
    browser.follow(&page, "Client intake (example)").await;
    browser.wait_for_path(&format!("/dashboard/templates/{id}")).await;

    // Add a version from pasted text: first with a problem, shown by its path.
    let page = browser.page().await;
    browser.follow(&page, "Add a version").await;
    browser.wait_for_heading(&page, "Add a version of Client intake (example)").await;
    browser.type_into(&page, "Definition", TWICE_THE_SAME_ID).await;
    browser.press(&page, "Add version").await;
    let said = browser.wait_for_role(&page, "alert", "already used").await;
    assert!(said.contains("There is a problem"), "{said}");
    assert!(said.contains("items[1].id"), "the problem's path is shown: {said}");
    let listed = browser.script("return document.querySelector('#definition-problems').textContent;").await;
    assert!(listed.as_str().unwrap_or_default().contains("items[1].id"), "the problems under the field: {listed}");
    browser.assert_accessible("adding a version, with the engine's problems").await;

    // Put right, it is added (not live) and the template's page says so.
    browser.retype(&page, "Definition", QUICK_CHECK).await;
    browser.press(&page, "Add version").await;
    browser.wait_for_path(&format!("/dashboard/templates/{id}?added=2")).await;
    let page = browser.page().await;
    browser.wait_for_role(&page, "status", "Version 2 was added. It is not live until you publish it.").await;
    browser.wait_for_text(&page, "tbody tr:first-child .tag", "Not live").await;
    browser.assert_accessible("a template's page with a version added").await;

    // Publish it, after a confirmation that says what it changes.
    browser.press(&page, "Publish version 2").await;
    browser.wait_for_text(&page, "#confirm-title", "Publish version 2?").await;
    browser.assert_accessible("the publish confirmation").await;
    browser.press(&page, "Yes, publish version 2").await;
    browser.wait_for_path(&format!("/dashboard/templates/{id}?published=2")).await;
    browser.wait_for_role(&page, "status", "Version 2 is live.").await;
    browser.wait_for_text(&page, ".summary-list div:first-child dd", "Version 2: Quick check").await;
    browser.assert_accessible("a template's page after publishing").await;
    let template = staff.get(&format!("/api/v1/templates/{id}")).await;
    assert_eq!(template["live_version"], 2);

    // Preview the first version in the real form: its first page, answers not kept.
    browser.follow(&page, "Preview version 1").await;
    browser.wait_for_path(&format!("/dashboard/templates/{id}/versions/1/preview")).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Preview of Client intake (example), version 1").await;
    browser.wait_for_text(&page, ".preview-notice strong", "Preview — answers are not saved").await;
    let form = browser.shadow_root(".preview-form").await;
    browser.wait_for_text(&form, "h2.interview-page-title", "About you").await;
    browser.field(&form, "Full name").await;
    browser.assert_accessible("the preview of version 1").await;

    // The published version too; its unlabelled computed value is not shown.
    browser.goto(&host.url(&format!("/dashboard/templates/{id}/versions/2/preview"))).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Preview of Client intake (example), version 2").await;
    let form = browser.shadow_root(".preview-form").await;
    browser.wait_for_text(&form, "h2.interview-page-title", "A quick check").await;
    browser.type_into(&form, "Your name", "Ann").await;
    let shown = browser
        .script("return document.querySelector('.preview-form').shadowRoot.textContent;")
        .await;
    assert!(!shown.as_str().unwrap_or_default().contains("name_length"), "{shown}");
    browser.assert_accessible("the preview of version 2").await;
    // Nothing was sent: the template has no interviews and no work items.
    let listed = staff.get("/api/v1/templates").await;
    assert_eq!((listed[0]["work_items"].clone(), listed[0]["interviews_not_opened"].clone()), (0.into(), 0.into()));

    // A version that does not exist says so.
    browser.goto(&host.url(&format!("/dashboard/templates/{id}/versions/9/preview"))).await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Template not found").await;
    browser.assert_accessible("the preview of a missing version").await;

    browser.close().await;
}
