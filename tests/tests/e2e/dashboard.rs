//! The staff dashboard at `/dashboard/`, driven as staff use it: elements
//! found by their labels, roles and text; axe-core on every screen.

use interview_e2e::{Driver, Host, Staff, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::json;


/// Makes the intake example template through the API; its id.
async fn intake_template(staff: &Staff) -> String {
    let definition: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/templates/intake.json")).expect("intake.json");
    let made = staff.post("/api/v1/templates", json!({"name": "Client intake", "definition": definition}), 201).await;
    made["id"].as_str().expect("template id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_see_the_work_items_create_one_and_come_back_to_a_deep_link_after_signing_in_again() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    intake_template(&staff).await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;

    // Not signed in: the home screen sends staff to sign in.
    browser.goto(&host.url("/dashboard/")).await;
    browser.wait_for_path("/dashboard/sign-in").await;
    browser.assert_accessible("the sign-in screen").await;

    // A wrong password says so, without telling whether the email exists.
    browser.sign_in_to_dashboard(ADMIN_EMAIL, "not the password").await;
    let page = browser.page().await;
    let said = browser.wait_for_role(&page, "alert", "The email or password is not right.").await;
    assert!(said.contains("There is a problem"), "{said}");
    browser.assert_accessible("the sign-in screen with an error").await;

    // The right one opens the work items, empty for now.
    browser.sign_in_to_dashboard(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.wait_for_path("/dashboard/work-items").await;
    let page = browser.page().await;
    browser.wait_for_heading(&page, "Work items").await;
    browser.wait_for_text(&page, ".empty", "There are no work items yet. Create one to send a client an interview.").await;
    browser.assert_accessible("the empty work items screen").await;

    // Create a work item on its form; the form refuses a missing name first.
    browser.follow(&page, "Create new work item").await;
    browser.wait_for_heading(&page, "Create new work item").await;
    browser.field(&page, "Template").await;
    browser.press(&page, "Create work item").await;
    browser.wait_for_role(&page, "alert", "Enter a name for the work item.").await;
    browser.assert_accessible("the create form with an error").await;
    browser.type_into(&page, "Name", "Smith estate").await;
    browser.select(&page, "Template", "Client intake (version 1 live)").await;
    browser.press(&page, "Create work item").await;
    let at = browser.wait_for_path("/dashboard/work-items/wi_").await;
    let id = at.trim_start_matches("/dashboard/work-items/").to_owned();
    let made = staff.get(&format!("/api/v1/work-items/{id}")).await;
    assert_eq!(made["name"], "Smith estate");

    // The list shows it with its status as a word.
    browser.goto(&host.url("/dashboard/work-items")).await;
    let page = browser.page().await;
    browser.link(&page, "Smith estate").await;
    browser.wait_for_text(&page, "tbody .tag", "Draft").await;
    browser.assert_accessible("the work items screen with a row").await;

    // A filter is kept in the address and shown as a removable tag.
    browser.select(&page, "Status", "Submitted").await;
    browser.press(&page, "Apply filters").await;
    browser.wait_for_path("/dashboard/work-items?status=submitted").await;
    browser.wait_for_text(&page, ".empty", "No work items match these filters.").await;
    browser.follow(&page, "Remove filter Status: Submitted").await;
    browser.wait_for_path("/dashboard/work-items").await;
    browser.link(&page, "Smith estate").await;

    // Signing out ends the session; a deep link then asks to sign in and comes back to it.
    browser.press(&page, "Sign out").await;
    browser.wait_for_path("/dashboard/sign-in").await;
    let deep = "/dashboard/work-items?q=smith";
    browser.goto(&host.url(deep)).await;
    browser.wait_for_path("/dashboard/sign-in?next=").await;
    browser.sign_in_to_dashboard(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(browser.wait_for_path("/dashboard/work-items?").await, deep);
    let page = browser.page().await;
    browser.link(&page, "Smith estate").await;

    browser.close().await;
}
