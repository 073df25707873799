//! End to end: the real host binary serves the built bundle; headless
//! Chromium opens the interview page like a client would.

use fantoccini::Locator;
use interview_e2e::{Driver, Host};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interview_page_mounts_the_interview_in_a_shadow_root_and_reacts_to_clicks() {
    let host = Host::start().await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;

    browser.goto(&host.url("/i/")).await;
    let root = browser.shadow_root("main").await;

    let heading = browser.wait_for_text(&root, "h1", "Interview").await;
    assert_eq!(heading.text().await.unwrap(), "Interview");
    browser
        .wait_for_text(&root, "[role=status]", "Ready to start.")
        .await;
    // The page's own selectors cannot reach into the shadow root.
    assert!(browser.client.find(Locator::Css("main h1")).await.is_err());

    // A real click, through WebDriver, on the button inside the shadow root.
    root.find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text(&root, "[role=status]", "Interview started.")
        .await;

    browser.close().await;
}
