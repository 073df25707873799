//! End to end: the real host binary serves the built bundle; headless
//! Chromium opens the interview page like a client would.

use fantoccini::elements::ShadowRoot;
use fantoccini::Locator;
use interview_e2e::{Driver, Host};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interview_page_without_a_link_says_what_it_is_for_inside_a_shadow_root() {
    let host = Host::start().await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;

    browser.goto(&host.url("/i/")).await;
    let root = browser.shadow_root("main").await;

    let heading = browser
        .wait_for_text(&root, "h1", "Open the link you were sent")
        .await;
    assert_eq!(heading.text().await.unwrap(), "Open the link you were sent");
    browser.assert_accessible("the interview page opened without a link").await;
    // The check sees into the shadow root: an unlabelled field put there is reported.
    browser
        .script(
            "const field = document.createElement('input');\
             field.id = 'unlabelled';\
             document.querySelector('main').shadowRoot.querySelector('h1').after(field);\
             return null;",
        )
        .await;
    let found = browser
        .axe("the served page with an unlabelled field")
        .await;
    assert!(
        found
            .iter()
            .any(|v| v.id == "label" && v.nodes.iter().any(|n| n.target.contains("#unlabelled"))),
        "axe missed the unlabelled field in the shadow root: {found:?}"
    );
    // The page's own selectors cannot reach into the shadow root.
    assert!(browser.client.find(Locator::Css("main h1")).await.is_err());

    browser.close().await;
}

// ---------------------------------------------------------------------------
// The client flow: a link opened in Chromium
// against the real host, set up through the staff API.

use interview_e2e::{client_call, eventually, Browser, Staff};
use serde_json::{json, Value as Json};

/// A template with several pages: text, number, date, radios, yes/no and a
/// question shown only for one answer.
fn test_template() -> Json {
    json!({
        "format": "interview/1",
        "title": "Household details",
        "pages": [
            {"id": "you", "title": "About you", "items": [
                {"type": "text", "id": "full_name", "label": "Full name", "required": true},
                {"type": "number", "id": "children", "label": "Number of children", "integer": true, "min": 0, "required": true},
                {"type": "date", "id": "born", "label": "Date of birth", "max": "today", "required": true}
            ]},
            {"id": "home", "title": "Your home", "items": [
                {"type": "choice", "id": "housing", "label": "Where do you live?", "required": true,
                 "options": [{"value": "own", "label": "My own home"}, {"value": "rent", "label": "A rented home"},
                             {"value": "family", "label": "With family"}]},
                {"type": "text", "id": "town", "label": "Town", "required": true}
            ]},
            {"id": "partner", "title": "Partner", "items": [
                {"type": "yes_no", "id": "has_partner", "label": "Do you have a partner?", "required": true},
                {"type": "text", "id": "partner_name", "label": "Partner's name", "visible_if": "has_partner", "required": true}
            ]}
        ]
    })
}

/// Makes a template, a work item and sends an interview with `auth` to a new
/// client; the interview's id, the work item's id and the link.
async fn send_interview(
    staff: &Staff,
    auth: Json,
    mobile: Option<&str>,
) -> (String, String, String) {
    send_interview_with(staff, test_template(), auth, mobile, None).await
}

/// [`send_interview`] asking for `passphrase`: the interview's id and the link.
async fn send_with_passphrase(staff: &Staff, passphrase: &str) -> (String, String) {
    let auth = json!({"method": "passphrase", "passphrase": passphrase});
    let (interview_id, _, link) = send_interview(staff, auth, None).await;
    (interview_id, link)
}

/// [`send_interview`] for the template `definition`, in `locale` when given
/// (else the host's default).
async fn send_interview_with(
    staff: &Staff,
    definition: Json,
    auth: Json,
    mobile: Option<&str>,
    locale: Option<&str>,
) -> (String, String, String) {
    let template = staff
        .post(
            "/api/v1/templates",
            json!({"name": "Household", "definition": definition}),
            201,
        )
        .await;
    let item = staff
        .post(
            "/api/v1/work-items",
            json!({"name": "Lee household", "template_id": template["id"]}),
            201,
        )
        .await;
    let item_id = item["id"].as_str().expect("work item id").to_owned();
    let mut client =
        json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"});
    if let Some(mobile) = mobile {
        client["mobile"] = json!(mobile);
        client["region"] = json!("GB");
    }
    let mut body = json!({"client": client, "auth": auth});
    if let Some(locale) = locale {
        body["locale"] = json!(locale);
    }
    let sent = staff
        .post(&format!("/api/v1/work-items/{item_id}/interviews"), body, 201)
        .await;
    (
        sent["id"].as_str().expect("interview id").to_owned(),
        item_id,
        sent["link"].as_str().expect("link").to_owned(),
    )
}

/// The link's token: what follows `#` in the link.
fn token_of(link: &str) -> String {
    link.split('#')
        .nth(1)
        .expect("token in the link")
        .to_owned()
}

/// A fresh browser with `link` open, and the interview's shadow root; the
/// driver is returned to keep it running for as long as the test needs it.
async fn open_in_browser(link: &str) -> (Driver, Browser, ShadowRoot) {
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser.goto(link).await;
    let root = browser.shadow_root("main").await;
    (driver, browser, root)
}

/// The interview as the client API shows it after signing in with the
/// passphrase from another device (saved progress included).
async fn interview_as_client(host: &Host, token: &str, passphrase: &str) -> Json {
    let (status, opened) = client_call(
        host,
        "auth/passphrase",
        None,
        Some(json!({"token": token, "passphrase": passphrase})),
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    let (status, view) = client_call(host, "interview", opened["session"].as_str(), None).await;
    assert_eq!(status, 200, "{view}");
    view
}

/// Goes on to the test template's second page and checks the answers given
/// there earlier came back (`when`: after what).
async fn next_page_shows_the_home_answers(browser: &Browser, root: &ShadowRoot, when: &str) {
    browser.press(root, "Next").await;
    assert_eq!(browser.value_of(root, "Town").await, "Leeds", "{when}");
    let rented = browser
        .option(root, "Where do you live?", "A rented home")
        .await;
    assert!(
        rented.is_selected().await.unwrap(),
        "the chosen radio was not restored {when}"
    );
}

/// Fills the test template's first page as a client would: `name`, `children`
/// and a date of birth of 1980-05-17.
async fn fill_about_you(browser: &Browser, root: &ShadowRoot, name: &str, children: &str) {
    browser.type_into(root, "Full name", name).await;
    browser.type_into(root, "Number of children", children).await;
    browser.set_date(root, "Date of birth", "1980-05-17").await;
}

/// The keys of the page's local storage that belong to the interview page.
async fn stored_keys(browser: &Browser) -> Vec<String> {
    let keys = browser
        .script("return Object.keys(window.localStorage).filter(k => k.startsWith('client-interview:'));")
        .await;
    serde_json::from_value(keys).unwrap_or_default()
}

/// The page's address, without the host.
async fn address(browser: &Browser) -> String {
    browser
        .client
        .current_url()
        .await
        .expect("current URL")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_signs_in_with_a_passphrase_fills_the_form_resumes_after_a_reload_and_submits() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let passphrase = "blue harbour lamp";
    let (interview_id, item_id, link) = send_interview(
        &staff,
        json!({"method": "passphrase", "passphrase": passphrase}),
        None,
    )
    .await;
    let token = token_of(&link);

    let (_driver, browser, root) = open_in_browser(&link).await;

    // The passphrase screen; the token has left the address bar.
    let field = browser.field(&root, "Passphrase").await;
    let url = address(&browser).await;
    assert!(
        !url.contains('#') && !url.contains(&token),
        "the token is still in {url}"
    );
    assert_eq!(
        field.attr("type").await.unwrap().as_deref(),
        Some("password")
    );
    browser.assert_accessible("the passphrase screen").await;

    // A wrong passphrase: the error, tied to the field, with the attempts left.
    field.send_keys("not the passphrase").await.unwrap();
    browser.press(&root, "Continue").await;
    let alert = browser.wait_for_role(&root, "alert", "attempts left").await;
    assert!(alert.contains("That passphrase is not right."), "{alert}");
    assert!(alert.contains("4 attempts left"), "{alert}");
    let field = browser.field(&root, "Passphrase").await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    browser
        .assert_accessible("the passphrase screen with its error")
        .await;

    // The right one opens the interview on its first page.
    browser.retype(&root, "Passphrase", passphrase).await;
    browser.press(&root, "Continue").await;
    fill_about_you(&browser, &root, "Ann Lee", "2").await;
    browser.press(&root, "Next").await;

    // Page 2, partly filled.
    browser.choose(&root, "Where do you live?", "A rented home").await;
    browser.type_into(&root, "Town", "Leeds").await;
    browser
        .wait_for_role(&root, "status", "Saved on this device")
        .await;

    // A reload: the link's token is no longer in the address, the tab keeps
    // it (sessionStorage), so the page comes back, with the answers kept on
    // this device, without asking for the passphrase again.
    browser.client.refresh().await.unwrap();
    let root = browser.shadow_root("main").await;
    assert_eq!(browser.value_of(&root, "Full name").await, "Ann Lee");
    assert_eq!(browser.value_of(&root, "Number of children").await, "2");
    assert_eq!(browser.value_of(&root, "Date of birth").await, "1980-05-17");
    browser
        .wait_for_role(&root, "status", "Saved on this device")
        .await;
    next_page_shows_the_home_answers(&browser, &root, "after the reload").await;

    // Save progress: the host has it.
    browser.press(&root, "Save progress").await;
    browser
        .wait_for_role(&root, "status", "Progress saved")
        .await;
    let view = interview_as_client(&host, &token, passphrase).await;
    assert_eq!(view["id"], json!(interview_id));
    assert!(view["saved_at"].is_string(), "{view}");
    assert_eq!(view["answers"]["s1"]["full_name"], json!("Ann Lee"));
    assert_eq!(view["answers"]["s1"]["town"], json!("Leeds"));
    assert_eq!(view["answers"]["s1"]["housing"], json!("rent"));

    // As on another device (nothing kept in the browser): the link, the
    // passphrase, and the progress saved online comes back.
    browser
        .script("window.localStorage.clear(); window.sessionStorage.clear(); return null;")
        .await;
    browser.goto(&link).await;
    let root = browser.shadow_root("main").await;
    browser.type_into(&root, "Passphrase", passphrase).await;
    browser.press(&root, "Continue").await;
    assert_eq!(browser.value_of(&root, "Full name").await, "Ann Lee");
    assert_eq!(browser.value_of(&root, "Date of birth").await, "1980-05-17");
    next_page_shows_the_home_answers(&browser, &root, "from the progress saved online").await;

    // Finish: page 3 with the question that shows only for "Yes".
    browser.press(&root, "Next").await;
    browser.choose(&root, "Do you have a partner?", "Yes").await;
    browser.type_into(&root, "Partner's name", "Sam Lee").await;
    browser.press(&root, "Check your answers").await;
    browser.wait_for_heading(&root, "Check your answers").await;
    let review = root
        .find(Locator::Css("dl"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for shown in [
        "Ann Lee",
        "1980-05-17",
        "A rented home",
        "Leeds",
        "Yes",
        "Sam Lee",
    ] {
        assert!(
            review.contains(shown),
            "the review lacks {shown:?}: {review}"
        );
    }
    browser.button(&root, "Change Full name").await;
    browser.button(&root, "Change Partner's name").await;

    // Change leads to the question's page; the answers stay.
    browser.press(&root, "Change Town").await;
    assert_eq!(browser.value_of(&root, "Town").await, "Leeds");
    browser.type_into(&root, "Town", " city").await;
    browser.press(&root, "Next").await;
    browser.press(&root, "Check your answers").await;
    browser.wait_for_heading(&root, "Check your answers").await;
    let review = root
        .find(Locator::Css("dl"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(review.contains("Leeds city"), "{review}");

    browser.press(&root, "Submit").await;
    browser
        .wait_for_heading(&root, "Data successfully submitted")
        .await;
    let receipt = root
        .find(Locator::Css("strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!receipt.is_empty(), "no receipt shown");
    assert!(
        root.find(Locator::Css("form")).await.is_err(),
        "a form is still shown"
    );

    // The host has the submitted answers; the device no longer keeps them.
    let item = staff.get(&format!("/api/v1/work-items/{item_id}")).await;
    assert_eq!(item["status"], json!("submitted"), "{item}");
    let answers = &item["answers"];
    assert_eq!(answers["full_name"], json!("Ann Lee"), "{item}");
    assert_eq!(answers["children"], json!(2), "{item}");
    assert_eq!(answers["born"], json!("1980-05-17"), "{item}");
    assert_eq!(answers["housing"], json!("rent"), "{item}");
    assert_eq!(answers["town"], json!("Leeds city"), "{item}");
    assert_eq!(answers["has_partner"], json!(true), "{item}");
    assert_eq!(answers["partner_name"], json!("Sam Lee"), "{item}");
    let receipts: Vec<&Json> = item["interviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["receipt"])
        .collect();
    assert!(
        receipts.contains(&&json!(receipt)),
        "receipt {receipt} not on {item}"
    );
    assert_eq!(
        stored_keys(&browser).await,
        Vec::<String>::new(),
        "the local draft was kept"
    );
    let kept = browser
        .script("return Object.keys(window.sessionStorage);")
        .await;
    assert_eq!(kept, json!([]), "the tab still keeps the link");

    // A reload after sending: the page no longer has a link, and says so
    // rather than showing an empty interview.
    browser.client.refresh().await.expect("reload");
    let root = browser.shadow_root("main").await;
    browser
        .wait_for_heading(&root, "Open the link you were sent")
        .await;
    browser.assert_accessible("the page without a link").await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_signs_in_with_a_code_sent_by_sms() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let (_, _, link) = send_interview(&staff, json!({"method": "sms"}), Some("07700 900123")).await;

    let (_driver, browser, root) = open_in_browser(&link).await;

    browser
        .field(&root, "Last 4 digits of your mobile number")
        .await;
    browser.assert_accessible("the SMS digits screen").await;

    // Digits that do not match count as a failed attempt.
    browser
        .type_into(&root, "Last 4 digits of your mobile number", "9999")
        .await;
    browser.press(&root, "Continue").await;
    let alert = browser
        .wait_for_role(&root, "alert", "You have 4 attempts left.")
        .await;
    assert!(alert.contains("Those digits do not match"), "{alert}");
    browser
        .assert_accessible("the SMS digits screen with its error")
        .await;

    browser
        .retype(&root, "Last 4 digits of your mobile number", "0123")
        .await;
    browser.press(&root, "Continue").await;
    browser
        .wait_for_role(&root, "status", "We sent a code")
        .await;
    browser.field(&root, "6-digit code").await;
    browser.assert_accessible("the SMS code screen").await;

    // The log provider's outbox holds the text message with the code.
    let outbox = host.data_dir.path().join("sms-outbox.jsonl");
    let code = eventually("a code in the SMS outbox", || async {
        let text = std::fs::read_to_string(&outbox).map_err(|e| e.to_string())?;
        let line = text.lines().last().ok_or("empty outbox")?;
        let message: Json = serde_json::from_str(line).map_err(|e| e.to_string())?;
        assert_eq!(message["to"], json!("+447700900123"));
        let body = message["body"].as_str().unwrap_or_default();
        body.split(|c: char| !c.is_ascii_digit())
            .find(|run| run.len() == 6)
            .map(str::to_owned)
            .ok_or_else(|| format!("no code in {body:?}"))
    })
    .await;

    // Asking again at once is refused with the host's reason, not as a failed attempt.
    browser.press(&root, "Send a new code").await;
    let alert = browser
        .wait_for_role(&root, "alert", "you can ask for another in")
        .await;
    assert!(!alert.contains("Too many attempts"), "{alert}");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    browser.type_into(&root, "6-digit code", wrong).await;
    browser.press(&root, "Continue").await;
    let alert = browser
        .wait_for_role(&root, "alert", "You have 3 attempts left.")
        .await;
    assert!(alert.contains("That code is not right."), "{alert}");
    browser
        .assert_accessible("the SMS code screen with its error")
        .await;

    browser.retype(&root, "6-digit code", &code).await;
    browser.press(&root, "Continue").await;
    browser.field(&root, "Full name").await;
    browser.wait_for_heading(&root, "Household details").await;

    // A reload resumes the session: no new sign-in, no second text message.
    browser.client.refresh().await.unwrap();
    let root = browser.shadow_root("main").await;
    browser.field(&root, "Full name").await;
    let sent = std::fs::read_to_string(&outbox).unwrap();
    assert_eq!(sent.lines().count(), 1, "{sent}");

    // A kept session that no longer works (it lasts two hours) leads back to
    // the sign-in, not to "expired": the link itself still works.
    browser
        .script(
            "const link = JSON.parse(sessionStorage.getItem('client-interview:link'));\
             link.session = 'no-longer-valid';\
             sessionStorage.setItem('client-interview:link', JSON.stringify(link));\
             return null;",
        )
        .await;
    browser.client.refresh().await.unwrap();
    let root = browser.shadow_root("main").await;
    browser
        .field(&root, "Last 4 digits of your mobile number")
        .await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_cancelled_link_shows_that_the_request_has_expired() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let (interview_id, _, link) = send_interview(&staff, json!({"method": "none"}), None).await;

    let driver = Driver::start().await;
    let browser = driver.browser().await;

    // The link works, then staff cancel it; opening it again (in the same
    // tab, whose address is now `/i/`) shows that it has expired.
    browser.goto(&link).await;
    let root = browser.shadow_root("main").await;
    browser.field(&root, "Full name").await;
    staff
        .post(
            &format!("/api/v1/interviews/{interview_id}/cancel"),
            json!({}),
            200,
        )
        .await;

    let unknown = host.url("/i/#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    for url in [link.as_str(), unknown.as_str()] {
        browser.goto(url).await;
        let root = browser.shadow_root("main").await;
        browser
            .wait_for_heading(&root, "This request has expired.")
            .await;
        browser
            .assert_accessible(&format!("the expired screen ({url})"))
            .await;
        assert!(
            root.find(Locator::Css("form")).await.is_err(),
            "{url} shows a form"
        );
        assert!(
            root.find(Locator::Css("input")).await.is_err(),
            "{url} shows a field"
        );
        // Nothing is kept for a dead link: a reload does not try it again.
        let kept = browser
            .script("return Object.keys(window.sessionStorage);")
            .await;
        assert_eq!(kept, json!([]), "{url}: the tab still keeps the link");
    }

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_wrong_passphrases_lock_the_link_for_a_while() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let passphrase = "blue harbour lamp";
    let (_, link) = send_with_passphrase(&staff, passphrase).await;

    let (_driver, browser, root) = open_in_browser(&link).await;

    let attempts = [
        ("wrong one", "You have 4 attempts left."),
        ("wrong two", "You have 3 attempts left."),
        ("wrong three", "You have 2 attempts left."),
        ("wrong four", "You have 1 attempt left."),
        ("wrong five", "Too many attempts. Try again in 15 minutes."),
        // Locked: even the right one is refused until the lockout ends.
        (passphrase, "Too many attempts. Try again in 15 minutes."),
    ];
    for (typed, expected) in attempts {
        browser.retype(&root, "Passphrase", typed).await;
        browser.press(&root, "Continue").await;
        browser.wait_for_role(&root, "alert", expected).await;
    }
    assert!(
        root.find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            == "Enter your passphrase"
    );
    browser.assert_accessible("the lockout message").await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_and_submitting_offline_happen_once_the_connection_returns() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let (_, item_id, link) = send_interview(&staff, json!({"method": "none"}), None).await;
    let token = token_of(&link);

    let (_driver, browser, root) = open_in_browser(&link).await;
    fill_about_you(&browser, &root, "Ann Lee", "0").await;

    // Save progress without a connection: the page says so, and saves once it returns.
    browser.set_offline(true).await;
    browser.press(&root, "Save progress").await;
    browser
        .wait_for_role(&root, "status", "You seem to be offline")
        .await;
    browser
        .assert_accessible("a page saying it is offline")
        .await;
    browser.set_offline(false).await;
    browser
        .wait_for_role(&root, "status", "Progress saved")
        .await;
    let (status, opened) = client_call(&host, "open", None, Some(json!({"token": token}))).await;
    assert_eq!(status, 200, "{opened}");
    let (_, view) = client_call(&host, "interview", opened["session"].as_str(), None).await;
    assert_eq!(
        view["answers"]["s1"]["full_name"],
        json!("Ann Lee"),
        "{view}"
    );

    browser.press(&root, "Next").await;
    browser.choose(&root, "Where do you live?", "My own home").await;
    browser.type_into(&root, "Town", "York").await;
    browser.press(&root, "Next").await;
    browser.choose(&root, "Do you have a partner?", "No").await;
    browser.press(&root, "Check your answers").await;
    browser.wait_for_heading(&root, "Check your answers").await;

    // Submit without a connection: nothing reaches the host until it returns.
    browser.set_offline(true).await;
    browser.press(&root, "Submit").await;
    browser
        .wait_for_role(&root, "status", "You seem to be offline")
        .await;
    let item = staff.get(&format!("/api/v1/work-items/{item_id}")).await;
    assert_eq!(item["status"], json!("waiting_for_client"), "{item}");
    browser.set_offline(false).await;
    browser
        .wait_for_heading(&root, "Data successfully submitted")
        .await;
    let item = staff.get(&format!("/api/v1/work-items/{item_id}")).await;
    assert_eq!(item["status"], json!("submitted"), "{item}");
    assert_eq!(item["answers"]["town"], json!("York"), "{item}");
    assert_eq!(item["answers"]["has_partner"], json!(false), "{item}");
    assert!(
        item["answers"]
            .get("partner_name")
            .is_none_or(Json::is_null),
        "{item}"
    );

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_that_cannot_be_opened_says_so_and_opens_on_try_again() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let (_, _, link) = send_interview(&staff, json!({"method": "none"}), None).await;

    let driver = Driver::start().await;
    let browser = driver.browser().await;
    // The page loads, but its call to open the link gets no answer.
    browser.block_urls(&["*/api/v1/client/open*"]).await;
    browser.goto(&link).await;
    let root = browser.shadow_root("main").await;
    browser
        .wait_for_heading(&root, "Something went wrong")
        .await;
    browser
        .wait_for_role(&root, "alert", "You seem to be offline")
        .await;
    browser
        .assert_accessible("the page that could not open the link")
        .await;

    // Still no answer: the page stays put and keeps its way out.
    browser.press(&root, "Try again").await;
    browser
        .wait_for_heading(&root, "Something went wrong")
        .await;

    browser.block_urls(&[]).await;
    browser.press(&root, "Try again").await;
    browser.type_into(&root, "Full name", "Ann Lee").await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newer_progress_saved_from_another_device_wins_over_this_device_and_the_client_is_told() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let (_, _, link) = send_interview(&staff, json!({"method": "none"}), None).await;
    let token = token_of(&link);

    let (_driver, browser, root) = open_in_browser(&link).await;
    browser
        .type_into(&root, "Full name", "Ann on the phone")
        .await;
    browser
        .wait_for_role(&root, "status", "Saved on this device")
        .await;

    // Later (saved times count in seconds), the client saves from another device.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, opened) = client_call(&host, "open", None, Some(json!({"token": token}))).await;
    assert_eq!(status, 200, "{opened}");
    let saved = reqwest::Client::new()
        .put(host.url("/api/v1/client/progress"))
        .bearer_auth(opened["session"].as_str().expect("session"))
        .json(&json!({"answers": {"s1": {"full_name": "Ann on the laptop"}}}))
        .send()
        .await
        .expect("save progress");
    assert_eq!(saved.status().as_u16(), 200);

    // Back on the phone: the newer copy is restored, and the client is told.
    browser.client.refresh().await.expect("reload");
    let root = browser.shadow_root("main").await;
    browser
        .wait_for_role(&root, "note", "Your progress saved online is newer")
        .await;
    assert_eq!(
        browser.value_of(&root, "Full name").await,
        "Ann on the laptop"
    );
    browser
        .assert_accessible("the form with the restored-progress notice")
        .await;
    browser.press(&root, "Dismiss").await;

    browser.close().await;
}

/// Serves `html` at `/` on 127.0.0.1: a partner's site, on another origin
/// (another port) than the host.
async fn serve_partner_page(html: String) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the partner site");
    let addr = listener.local_addr().expect("partner address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let html = html.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65_536 {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&chunk[..n]),
                    }
                }
                let (status, body) = if request.starts_with(b"GET / ") {
                    ("200 OK", html)
                } else {
                    ("404 Not Found", String::new())
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_partner_page_mounts_the_interview_from_another_origin() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let page = std::fs::read_to_string(
        interview_e2e::workspace_root().join("examples/partner/index.html"),
    )
    .expect("examples/partner/index.html");
    let partner = serve_partner_page(page).await;
    let (status, answer) = staff
        .call(
            "PUT",
            "/api/v1/settings",
            Some(json!({"embed_origins": [format!("http://{partner}")]})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (_, _, link) = send_interview(&staff, json!({"method": "none"}), None).await;
    let token = token_of(&link);

    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser
        .goto(&format!(
            "http://{partner}/#host=http://{}&token={token}",
            host.addr()
        ))
        .await;
    // The custom element mounted the interview in its own shadow root.
    let root = browser.shadow_root("client-interview").await;
    browser.field(&root, "Full name").await;
    let heard = eventually("the partner page hears interview-ready", || async {
        let text = browser
            .script("return document.getElementById('events').textContent;")
            .await;
        match text.as_str() {
            Some(t) if t.contains("interview-ready") => Ok(t.to_owned()),
            _ => Err(format!("{text}")),
        }
    })
    .await;
    assert!(heard.contains("Lee household"), "{heard}");
    browser.assert_accessible("the partner page").await;

    // The partner's logo, from its custom property, with its alternative text.
    let logo = browser
        .script(
            "const root = document.querySelector('client-interview').shadowRoot;
             return getComputedStyle(root.querySelector('.interview-root'), '::before').content;",
        )
        .await;
    let logo = logo.as_str().unwrap_or_default();
    assert!(
        logo.starts_with("url(\"data:image/svg+xml") && logo.ends_with("/ \"Acme Accounting\""),
        "logo: {logo}"
    );

    // The partner's CSS stays out, its theme goes in, and the bundle left the
    // partner's own <main> alone.
    let styles = browser
        .script(
            "const next = [...document.querySelector('client-interview').shadowRoot.querySelectorAll('button')]
                 .find(b => b.textContent.trim() === 'Next');
             const style = getComputedStyle(next);
             return [style.backgroundColor, style.textTransform,
                     getComputedStyle(document.querySelector('h1') || document.body).fontFamily,
                     document.querySelector('main').shadowRoot === null];",
        )
        .await;
    assert_eq!(
        styles[0],
        json!("rgb(11, 110, 79)"),
        "theme accent: {styles}"
    );
    assert_ne!(
        styles[0],
        json!("rgb(255, 105, 180)"),
        "partner CSS leaked in"
    );
    assert_eq!(
        styles[3],
        json!(true),
        "the bundle mounted into the partner's <main>"
    );

    // The partner's choice of language wins over the interview's (English here).
    browser
        .goto(&format!(
            "http://{partner}/#host=http://{}&token={token}&locale=de-AT",
            host.addr()
        ))
        .await;
    browser.client.refresh().await.unwrap();
    let root = browser.shadow_root("client-interview").await;
    browser.field(&root, "Full name").await;
    browser.button(&root, "Weiter").await;
    browser.button(&root, "Fortschritt speichern").await;
    let lang = browser
        .script(
            "return document.querySelector('client-interview').shadowRoot\
             .querySelector('section.client-app').getAttribute('lang');",
        )
        .await;
    assert_eq!(lang, json!("de"));

    browser.close().await;
}

// ---------------------------------------------------------------------------
// Accessibility: axe-core (WCAG 2.2 A and AA) on every screen, and reflow at
// narrow widths. The other flows call `assert_accessible` at the screens they
// reach (sign-in, errors, lockout, expired, partner page); this one walks a
// form with every item type.

/// A template with every item type, a page each for a kind of control.
fn every_item_template() -> Json {
    json!({
        "format": "interview/1",
        "title": "Everything form",
        "description": "A form with every kind of question.",
        "pages": [
            {"id": "contact", "title": "Contact", "items": [
                {"type": "text", "id": "full_name", "label": "Full name", "required": true,
                 "help": "As on your passport."},
                {"type": "text", "id": "address", "label": "Postal address", "multiline": true, "required": true},
                {"type": "email", "id": "email", "label": "Email address", "required": true},
                {"type": "phone", "id": "mobile", "label": "Mobile number", "region": "GB"}
            ]},
            {"id": "numbers", "title": "Numbers and dates", "items": [
                {"type": "number", "id": "adults", "label": "Adults in the household", "integer": true, "min": 1, "required": true},
                {"type": "date", "id": "born", "label": "Date of birth", "max": "today", "required": true},
                {"type": "computed", "id": "household", "label": "People in the household", "expr": "adults + 1"},
                {"type": "note", "text": "Thanks {{full_name}}, a few more questions."}
            ]},
            {"id": "choices", "title": "Choices", "items": [
                {"type": "choice", "id": "housing", "label": "Where do you live?", "required": true,
                 "options": [{"value": "own", "label": "My own home"}, {"value": "rent", "label": "A rented home"}]},
                {"type": "choice", "id": "title", "label": "Title", "display": "dropdown", "required": true,
                 "options": [{"value": "mr", "label": "Mr"}, {"value": "ms", "label": "Ms"}, {"value": "mx", "label": "Mx"}]},
                {"type": "multi_choice", "id": "goals", "label": "What would you like help with?", "min_selected": 1,
                 "options": [{"value": "will", "label": "A will"}, {"value": "tax", "label": "Tax"}]},
                {"type": "yes_no", "id": "consent", "label": "Are the answers true?", "required": true}
            ]},
            {"id": "family", "title": "Family", "items": [
                {"type": "repeat", "id": "children", "label": "Children", "item_label": "Child", "max_items": 5,
                 "items": [
                     {"type": "text", "id": "name", "label": "Name", "required": true},
                     {"type": "date", "id": "born", "label": "Child's date of birth", "max": "today"}
                 ]},
                {"type": "file", "id": "payslips", "label": "Payslips", "accept": ["application/pdf"], "max_files": 2,
                 "help": "PDF files, at most 2."}
            ]}
        ]
    })
}

/// Checks the page at 320 CSS px (400% zoom of a 1280 px screen) and at
/// 640 CSS px (200% zoom): no sideways scrolling, nothing past the edge;
/// then puts the window back.
async fn assert_reflows(browser: &Browser, context: &str) {
    for width in [320, 640] {
        browser.set_width(width).await;
        browser
            .assert_no_horizontal_overflow(&format!("{context} at {width} px"))
            .await;
    }
    browser.set_width(1024).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_passes_axe_and_reflows_at_narrow_widths() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let (_, _, link) = send_interview_with(
        &staff,
        every_item_template(),
        json!({"method": "none"}),
        None,
        None,
    )
    .await;

    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser.set_width(1024).await;
    browser.goto(&link).await;
    let root = browser.shadow_root("main").await;

    // Page 1: text, multi-line text, email, phone.
    browser.field(&root, "Full name").await;
    browser
        .assert_accessible("page 1 (text, textarea, email, phone)")
        .await;
    assert_reflows(&browser, "page 1").await;
    // Next with the required fields empty: the error summary and inline errors.
    browser.press(&root, "Next").await;
    browser
        .wait_for_role(&root, "alert", "There is a problem")
        .await;
    browser.assert_accessible("page 1 with errors").await;
    assert_reflows(&browser, "page 1 with errors").await;
    browser.type_into(&root, "Full name", "Ann Lee").await;
    browser
        .type_into(&root, "Postal address", "1 High Street\nLeeds")
        .await;
    // A long word (an email address) must wrap rather than widen the page.
    browser
        .type_into(
            &root,
            "Email address",
            "ann.lee.at.the.household.address@household-example.co.uk",
        )
        .await;
    browser
        .type_into(&root, "Mobile number", "07700 900123")
        .await;
    browser.press(&root, "Next").await;

    // Page 2: number, date, computed, note; errors on a number and a date.
    browser.field(&root, "Adults in the household").await;
    browser
        .assert_accessible("page 2 (number, date, computed, note)")
        .await;
    browser
        .type_into(&root, "Adults in the household", "0")
        .await;
    browser.press(&root, "Next").await;
    browser
        .wait_for_role(&root, "alert", "There is a problem")
        .await;
    browser.assert_accessible("page 2 with errors").await;
    browser.retype(&root, "Adults in the household", "2").await;
    browser.set_date(&root, "Date of birth", "1980-05-17").await;
    browser
        .assert_accessible("page 2 filled (computed shown)")
        .await;
    assert_reflows(&browser, "page 2").await;
    browser.press(&root, "Next").await;

    // Page 3: radios, a dropdown, checkboxes, yes/no; errors on each group.
    browser
        .option(&root, "Where do you live?", "My own home")
        .await;
    browser
        .assert_accessible("page 3 (radios, select, checkboxes, yes/no)")
        .await;
    browser.press(&root, "Next").await;
    browser
        .wait_for_role(&root, "alert", "There is a problem")
        .await;
    browser.assert_accessible("page 3 with errors").await;
    assert_reflows(&browser, "page 3 with errors").await;
    browser.choose(&root, "Where do you live?", "A rented home").await;
    browser
        .field(&root, "Title")
        .await
        .select_by_value("ms")
        .await
        .unwrap();
    browser.choose(&root, "What would you like help with?", "Tax").await;
    browser.choose(&root, "Are the answers true?", "Yes").await;
    browser.press(&root, "Next").await;

    // Page 4: a repeat (empty, then with an entry) and a file question.
    browser.button(&root, "Add Child").await;
    browser.assert_accessible("page 4 (repeat, file)").await;
    browser.press(&root, "Add Child").await;
    browser.press(&root, "Add Child").await;
    browser.field(&root, "Name").await;
    browser.assert_accessible("page 4 with two entries").await;
    browser.press(&root, "Check your answers").await;
    browser
        .wait_for_role(&root, "alert", "There is a problem")
        .await;
    browser
        .assert_accessible("page 4 with errors in the entries")
        .await;
    assert_reflows(&browser, "page 4 with errors").await;
    for name in root
        .find_all(Locator::Css("input[id$='-name']"))
        .await
        .unwrap()
    {
        name.send_keys("Sam").await.unwrap();
    }
    browser.press(&root, "Check your answers").await;

    // The review, then the receipt.
    browser.wait_for_heading(&root, "Check your answers").await;
    browser.assert_accessible("the review page").await;
    assert_reflows(&browser, "the review page").await;
    browser.press(&root, "Submit").await;
    browser
        .wait_for_heading(&root, "Data successfully submitted")
        .await;
    browser.assert_accessible("the submitted page").await;
    // Focus is on the confirmation (the Submit button is gone).
    eventually("focus on the confirmation heading", || async {
        let focused = browser
            .script("const a = document.querySelector('main').shadowRoot.activeElement; return a && a.textContent;")
            .await;
        match focused.as_str() {
            Some("Data successfully submitted") => Ok(()),
            _ => Err(format!("focused: {focused}")),
        }
    })
    .await;
    assert_reflows(&browser, "the submitted page").await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_the_host_refuses_on_submit_are_listed_with_a_way_back_to_them() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let (_, _, link) = send_interview_with(
        &staff,
        every_item_template(),
        json!({"method": "none"}),
        None,
        None,
    )
    .await;
    let (_driver, browser, root) = open_in_browser(&link).await;
    browser.type_into(&root, "Full name", "A").await;
    eventually("a local draft", || async {
        let keys = stored_keys(&browser).await;
        keys.iter()
            .any(|k| k.starts_with("client-interview:draft:"))
            .then_some(())
            .ok_or(format!("{keys:?}"))
    })
    .await;

    // A complete answer set whose file reference the host never issued (as a
    // draft from another device or an old upload could hold): the browser
    // cannot know, the host refuses it on submit.
    browser
        .script(
            "const key = Object.keys(localStorage).find(k => k.startsWith('client-interview:draft:'));
             const draft = JSON.parse(localStorage.getItem(key));
             draft.saved_at = new Date().toISOString();
             draft.sections.s1.answers = {
               full_name: 'Ann Lee', address: '1 High Street', email: 'ann@example.com',
               adults: 2, born: '1980-01-01', housing: 'own', title: 'ms', goals: ['will'],
               consent: true, children: [],
               payslips: [{file_id: 'f_never_uploaded', name: 'ghost.pdf', size: 1000,
                           content_type: 'application/pdf', sha256: '00'.repeat(32)}]};
             localStorage.setItem(key, JSON.stringify(draft));
             return null;",
        )
        .await;
    browser.client.refresh().await.expect("reload");
    let root = browser.shadow_root("main").await;
    assert_eq!(browser.value_of(&root, "Full name").await, "Ann Lee");
    for _ in 0..3 {
        browser.press(&root, "Next").await;
    }
    browser.press(&root, "Check your answers").await;
    browser.wait_for_heading(&root, "Check your answers").await;
    browser.press(&root, "Submit").await;

    let problem = "This file was not uploaded to this request; upload it again.";
    browser.wait_for_role(&root, "alert", problem).await;
    browser
        .assert_accessible("review with the host's errors")
        .await;
    // The error leads back to the page of the question.
    browser.press(&root, problem).await;
    browser.field(&root, "Payslips").await;
    browser.button(&root, "Check your answers").await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_ends_mid_fill_asks_for_the_passphrase_again_and_keeps_the_answers() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    // The shortest client session the host allows, so that it ends while
    // the client is still filling in.
    let (status, answer) = staff
        .call(
            "PUT",
            "/api/v1/settings",
            Some(json!({"client_session_secs": 60})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let passphrase = "green river stone";
    let (interview_id, link) = send_with_passphrase(&staff, passphrase).await;

    let (_driver, browser, root) = open_in_browser(&link).await;
    browser.type_into(&root, "Passphrase", passphrase).await;
    browser.press(&root, "Continue").await;
    browser.type_into(&root, "Full name", "Ann Lee").await;
    browser
        .wait_for_role(&root, "status", "Saved on this device")
        .await;

    tokio::time::sleep(std::time::Duration::from_secs(62)).await;
    browser.type_into(&root, "Number of children", "2").await;
    browser.press(&root, "Save progress").await;

    // The host refuses the ended session; the page says so, opens the link
    // again (which asks for the passphrase) and keeps what was typed.
    let status = browser
        .wait_for_role(&root, "status", "Your session ended")
        .await;
    assert!(status.contains("Your answers are kept on this device"), "{status}");
    browser.field(&root, "Passphrase").await;
    browser
        .assert_accessible("the passphrase screen after the session ended")
        .await;
    browser.type_into(&root, "Passphrase", passphrase).await;
    browser.press(&root, "Continue").await;
    assert_eq!(browser.value_of(&root, "Full name").await, "Ann Lee");
    assert_eq!(browser.value_of(&root, "Number of children").await, "2");

    // Saving now works, under the new session, with both answers.
    browser.press(&root, "Save progress").await;
    browser
        .wait_for_role(&root, "status", "Progress saved")
        .await;
    let view = interview_as_client(&host, &token_of(&link), passphrase).await;
    assert_eq!(view["id"], json!(interview_id));
    assert_eq!(view["answers"]["s1"]["full_name"], json!("Ann Lee"));
    assert_eq!(view["answers"]["s1"]["children"], json!(2));

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interview_sent_in_french_speaks_french_from_the_passphrase_to_the_receipt() {
    let host = Host::start().await;
    let staff = Staff::sign_in(&host).await;
    let passphrase = "lampe du port";
    let auth = json!({"method": "passphrase", "passphrase": passphrase});
    let (_, _, link) = send_interview_with(&staff, test_template(), auth, None, Some("fr")).await;

    let (_driver, browser, root) = open_in_browser(&link).await;
    // The host said the language when the link was opened: the passphrase
    // screen is already French, and marked so for screen readers.
    let field = browser.field(&root, "Phrase secrète").await;
    let lang = browser
        .script(
            "return document.querySelector('main').shadowRoot\
             .querySelector('section.client-app').getAttribute('lang');",
        )
        .await;
    assert_eq!(lang, json!("fr"));
    browser.assert_accessible("the passphrase screen in French").await;
    field.send_keys("pas la bonne").await.unwrap();
    browser.press(&root, "Continuer").await;
    let alert = browser.wait_for_role(&root, "alert", "tentatives").await;
    assert!(alert.contains("Cette phrase secrète n’est pas correcte."), "{alert}");
    assert!(alert.contains("Il vous reste 4 tentatives."), "{alert}");
    browser.retype(&root, "Phrase secrète", passphrase).await;
    browser.press(&root, "Continuer").await;

    // The form's words and the runtime's messages are French; the
    // template's own text stays as staff wrote it.
    browser.wait_for_text(&root, ".interview-progress", "Page 1 sur 3").await;
    browser.press(&root, "Suivant").await;
    let summary = browser.wait_for_role(&root, "alert", "Il y a un problème").await;
    assert!(summary.contains("Renseignez Full name."), "{summary}");
    browser.assert_accessible("the first page with errors, in French").await;
    fill_about_you(&browser, &root, "Anne Leroy", "2").await;
    browser.press(&root, "Suivant").await;
    browser.choose(&root, "Where do you live?", "A rented home").await;
    browser.type_into(&root, "Town", "Lyon").await;
    browser
        .wait_for_role(&root, "status", "Enregistré sur cet appareil")
        .await;
    browser.press(&root, "Suivant").await;
    browser.choose(&root, "Do you have a partner?", "Non").await;
    browser.press(&root, "Vérifiez vos réponses").await;

    // The review, then the receipt.
    browser.wait_for_heading(&root, "Vérifiez vos réponses").await;
    browser.button(&root, "Modifier").await;
    browser.assert_accessible("the review in French").await;
    browser.press(&root, "Envoyer").await;
    browser.wait_for_heading(&root, "Données envoyées avec succès").await;
    let shown = browser
        .script(
            "const r = document.querySelector('main').shadowRoot.querySelector('.receipt');\
             return [r.textContent, r.parentElement.textContent];",
        )
        .await;
    let receipt = shown[0].as_str().unwrap_or_default();
    assert!(!receipt.is_empty(), "{shown}");
    assert_eq!(shown[1], json!(format!("Merci. Votre numéro de reçu est {receipt}.")));
}

// ---------------------------------------------------------------------------
// The staff dashboard.

#[path = "e2e/dashboard.rs"]
mod dashboard;

#[path = "e2e/work_item.rs"]
mod work_item;
// Templates: the list, examples on an empty site, versions, publish, preview.
#[path = "e2e/templates.rs"]
mod templates;
#[path = "e2e/settings.rs"]
mod settings;
#[path = "e2e/clients.rs"]
mod clients;

#[path = "e2e/journey.rs"]
mod journey;
