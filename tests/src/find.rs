//! Finding things on a page as a person does: a field by its label, a
//! button or a link by its text, an element by its role or heading. Each
//! helper waits for [`READY_TIMEOUT`](super::READY_TIMEOUT) and looks inside a [`Scope`]: the
//! interview's shadow root, or (for the dashboard, which has none) the page's
//! `<html>` element from [`Browser::page`].

use std::future::Future;

use fantoccini::elements::{Element, ShadowRoot};
use fantoccini::error::CmdError;
use fantoccini::Locator;

use super::{eventually, Browser};

/// Where the helpers look for elements: a shadow root or an element.
pub trait Scope {
    /// The first element matching `locator` inside.
    fn find(&self, locator: Locator<'_>) -> impl Future<Output = Result<Element, CmdError>>;
    /// Every element matching `locator` inside.
    fn find_all(&self, locator: Locator<'_>) -> impl Future<Output = Result<Vec<Element>, CmdError>>;
}

impl Scope for ShadowRoot {
    fn find(&self, locator: Locator<'_>) -> impl Future<Output = Result<Element, CmdError>> {
        ShadowRoot::find(self, locator)
    }
    fn find_all(&self, locator: Locator<'_>) -> impl Future<Output = Result<Vec<Element>, CmdError>> {
        ShadowRoot::find_all(self, locator)
    }
}

impl Scope for Element {
    fn find(&self, locator: Locator<'_>) -> impl Future<Output = Result<Element, CmdError>> {
        Element::find(self, locator)
    }
    fn find_all(&self, locator: Locator<'_>) -> impl Future<Output = Result<Vec<Element>, CmdError>> {
        Element::find_all(self, locator)
    }
}

/// Text of an element, or the reason it has none.
async fn text_of(element: &Element) -> Result<String, String> {
    element.text().await.map_err(|e| e.to_string())
}

/// Elements of `root` found as a person finds them: by their label, their
/// text or their role. Each waits for [`READY_TIMEOUT`](super::READY_TIMEOUT).
impl Browser {
    /// The control labelled `label` (a `<label for>` whose text is `label`).
    pub async fn field(&self, root: &impl Scope, label: &str) -> Element {
        eventually(&format!("a field labelled {label:?}"), || async {
            let labels = root
                .find_all(Locator::Css("label"))
                .await
                .map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            for candidate in labels {
                let text = text_of(&candidate).await?;
                if text.trim() == label {
                    let id = candidate
                        .attr("for")
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or("the label has no `for`")?;
                    return root
                        .find(Locator::Css(&format!("[id=\"{id}\"]")))
                        .await
                        .map_err(|e| format!("no control with id {id}: {e}"));
                }
                seen.push(text);
            }
            Err(format!("labels seen: {seen:?}"))
        })
        .await
    }

    /// The radio (or checkbox) labelled `option` in the group whose legend is `legend`.
    pub async fn option(&self, root: &impl Scope, legend: &str, option: &str) -> Element {
        eventually(&format!("option {option:?} of {legend:?}"), || async {
            let groups = root
                .find_all(Locator::Css("fieldset"))
                .await
                .map_err(|e| e.to_string())?;
            for group in groups {
                let Ok(title) = group.find(Locator::Css("legend")).await else {
                    continue;
                };
                if text_of(&title).await?.trim() != legend {
                    continue;
                }
                for label in group
                    .find_all(Locator::Css("label"))
                    .await
                    .map_err(|e| e.to_string())?
                {
                    if text_of(&label).await?.trim() == option {
                        let id = label
                            .attr("for")
                            .await
                            .map_err(|e| e.to_string())?
                            .ok_or("no `for`")?;
                        return root
                            .find(Locator::Css(&format!("[id=\"{id}\"]")))
                            .await
                            .map_err(|e| e.to_string());
                    }
                }
                return Err(format!("{legend:?} has no option {option:?}"));
            }
            Err(format!("no group with the legend {legend:?}"))
        })
        .await
    }

    /// Clicks the radio (or checkbox) labelled `option` in the group whose
    /// legend is `legend`, as a person picks an answer.
    pub async fn choose(&self, root: &impl Scope, legend: &str, option: &str) {
        self.option(root, legend, option)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("choose {option:?} for {legend:?}: {e}"));
    }

    /// The shown button whose text is `text` (or whose `aria-label` is).
    pub async fn button(&self, root: &impl Scope, text: &str) -> Element {
        eventually(&format!("a button {text:?}"), || async {
            let buttons = root
                .find_all(Locator::Css("button"))
                .await
                .map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            for button in buttons {
                let shown = text_of(&button).await?;
                let aria = button.attr("aria-label").await.ok().flatten();
                if shown.trim() == text || aria.as_deref() == Some(text) {
                    return Ok(button);
                }
                seen.push(shown);
            }
            Err(format!("buttons seen: {seen:?}"))
        })
        .await
    }

    /// Clicks the button `text`.
    pub async fn press(&self, root: &impl Scope, text: &str) {
        self.button(root, text)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
    }

    /// Types `text` into the field labelled `label`.
    pub async fn type_into(&self, root: &impl Scope, label: &str, text: &str) {
        self.field(root, label)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {label:?}: {e}"));
    }

    /// Replaces what the field labelled `label` holds with `text`: selects it
    /// all and types over it, as a person would.
    pub async fn retype(&self, root: &impl Scope, label: &str, text: &str) {
        self.field(root, label)
            .await
            .send_keys(&format!(
                "{}a{}{text}",
                fantoccini::key::Key::Control,
                fantoccini::key::Key::Null
            ))
            .await
            .unwrap_or_else(|e| panic!("retype {label:?}: {e}"));
    }

    /// Sets the date field labelled `label` to `iso` (`1980-05-17`) as a date
    /// picker does (the typed form of a date input depends on the locale).
    pub async fn set_date(&self, root: &impl Scope, label: &str, iso: &str) {
        let field = self.field(root, label).await;
        let arg = serde_json::to_value(&field).expect("element as JSON");
        self.client
            .execute(
                "arguments[0].value = arguments[1];\
                 arguments[0].dispatchEvent(new Event('input', {bubbles: true}));\
                 arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                vec![arg, serde_json::json!(iso)],
            )
            .await
            .unwrap_or_else(|e| panic!("set the date {label:?}: {e}"));
    }

    /// The value of the field labelled `label`.
    pub async fn value_of(&self, root: &impl Scope, label: &str) -> String {
        self.field(root, label)
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Waits until an element with `role` shows text containing `text`; its whole text.
    pub async fn wait_for_role(&self, root: &impl Scope, role: &str, text: &str) -> String {
        eventually(&format!("[role={role}] showing {text:?}"), || async {
            let found = root
                .find_all(Locator::Css(&format!("[role={role}]")))
                .await
                .map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            for element in found {
                let shown = text_of(&element).await?;
                if shown.contains(text) {
                    return Ok(shown);
                }
                seen.push(shown);
            }
            Err(format!("seen: {seen:?}"))
        })
        .await
    }

    /// Waits until a heading (`h1`) reads `text`.
    pub async fn wait_for_heading(&self, root: &impl Scope, text: &str) {
        eventually(&format!("a heading {text:?}"), || async {
            let found = root
                .find_all(Locator::Css("h1"))
                .await
                .map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            for element in found {
                let shown = text_of(&element).await?;
                if shown.trim() == text {
                    return Ok(());
                }
                seen.push(shown);
            }
            Err(format!("headings seen: {seen:?}"))
        })
        .await
    }

    /// Runs `script` in the page and returns its JSON result.
    pub async fn script(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("run {script:?}: {e}"))
    }
}


/// The dashboard's helpers: it renders in the page itself, not in a shadow root.
impl Browser {
    /// The page's `<html>` element, once the dashboard has put a heading in it.
    pub async fn page(&self) -> Element {
        eventually("the page with a heading", || async {
            let html = self.client.find(Locator::Css("html")).await.map_err(|e| e.to_string())?;
            html.find(Locator::Css("h1")).await.map_err(|e| e.to_string())?;
            Ok(html)
        })
        .await
    }

    /// Signs in on the dashboard's sign-in screen (which the browser shows)
    /// as `email` with `password`, as a person types them.
    pub async fn sign_in_to_dashboard(&self, email: &str, password: &str) {
        let page = self.page().await;
        self.wait_for_heading(&page, "Sign in").await;
        self.retype(&page, "Email address", email).await;
        self.retype(&page, "Password", password).await;
        self.press(&page, "Sign in").await;
    }

    /// The link whose text (or `aria-label`) is `text`.
    pub async fn link(&self, root: &impl Scope, text: &str) -> Element {
        eventually(&format!("a link {text:?}"), || async {
            let links = root.find_all(Locator::Css("a")).await.map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            for link in links {
                let shown = text_of(&link).await?;
                let aria = link.attr("aria-label").await.ok().flatten();
                if shown.trim() == text || aria.as_deref() == Some(text) {
                    return Ok(link);
                }
                seen.push(shown);
            }
            Err(format!("links seen: {seen:?}"))
        })
        .await
    }

    /// Follows the link `text`, as a person clicks it.
    pub async fn follow(&self, root: &impl Scope, text: &str) {
        self.link(root, text).await.click().await.unwrap_or_else(|e| panic!("follow {text:?}: {e}"));
    }

    /// Picks the option shown as `text` in the list labelled `label`.
    pub async fn select(&self, root: &impl Scope, label: &str, text: &str) {
        let field = self.field(root, label).await;
        eventually(&format!("option {text:?} of {label:?}"), || async {
            let options = field.find_all(Locator::Css("option")).await.map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            for option in options {
                let shown = text_of(&option).await?;
                if shown.trim() == text {
                    return option.click().await.map_err(|e| e.to_string());
                }
                seen.push(shown);
            }
            Err(format!("options seen: {seen:?}"))
        })
        .await
    }

    /// The address bar's path and query, once it starts with `prefix`.
    pub async fn wait_for_path(&self, prefix: &str) -> String {
        eventually(&format!("the address {prefix}…"), || async {
            let url = self.client.current_url().await.map_err(|e| e.to_string())?;
            let here = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            };
            if here.starts_with(prefix) {
                Ok(here)
            } else {
                Err(here)
            }
        })
        .await
    }
}
