//! In-browser tests of the interview form: each item type renders as a
//! native control found by its label, `visible_if` shows and hides
//! questions, Next validates the page with the runtime (error summary,
//! inline messages, aria-invalid) and moves on when the page is valid.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p interview-components`.

#![cfg(target_arch = "wasm32")]

use interview_runtime::date::Date;
use interview_components::words::{word, W};
use interview_runtime::{AnswerSet, Locale, Template};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// Every item type this version renders, on page one; a second page to move to.
const TEMPLATE: &str = r#"{
  "format": "interview/1",
  "title": "Test interview",
  "pages": [
    {"id": "one", "title": "First page", "items": [
      {"type": "text", "id": "full_name", "label": "Full name", "required": true, "help": "As on your passport."},
      {"type": "text", "id": "story", "label": "Your story", "multiline": true},
      {"type": "number", "id": "age", "label": "Age in years", "integer": true},
      {"type": "date", "id": "born", "label": "Date of birth", "max": "today"},
      {"type": "email", "id": "email", "label": "Email address"},
      {"type": "phone", "id": "mobile", "label": "Mobile number", "region": "GB"},
      {"type": "yes_no", "id": "has_partner", "label": "Do you have a partner?"},
      {"type": "text", "id": "partner_name", "label": "Partner's name", "visible_if": "has_partner"},
      {"type": "choice", "id": "colour", "label": "Favourite colour", "options": ["Red", "Blue"]},
      {"type": "choice", "id": "title", "label": "Title", "display": "dropdown",
       "options": [{"value": "mr", "label": "Mr"}, {"value": "ms", "label": "Ms"}]},
      {"type": "multi_choice", "id": "goals", "label": "Goals", "options": ["Will", "Tax"]},
      {"type": "computed", "id": "double_age", "label": "Twice your age", "expr": "age * 2"},
      {"type": "note", "text": "Hello {{full_name}}."}
    ]},
    {"id": "two", "title": "Second page", "items": [
      {"type": "text", "id": "city", "label": "City"}
    ]}
  ]
}"#;

fn today() -> Date {
    Date::from_ymd(2026, 11, 24).unwrap()
}

/// A mounted form and its host element, removed when dropped.
struct Mounted {
    host: Element,
    mounted: interview_components::Mounted,
}

impl Mounted {
    fn root(&self) -> ShadowRoot {
        self.host.shadow_root().unwrap()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.mounted.unmount();
        self.host.remove();
    }
}

fn mount(template: &str, answers: AnswerSet) -> Mounted {
    mount_in(template, answers, Locale::En)
}

fn mount_in(template: &str, answers: AnswerSet, locale: Locale) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let mounted = interview_components::mount_form(&host, template, answers, today(), locale).unwrap();
    Mounted { host, mounted }
}

/// Lets the reactive system apply the DOM updates a change scheduled, and the
/// animation frame after which focus moves.
async fn settle() {
    leptos::task::tick().await;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().unwrap();
        window.request_animation_frame(&resolve).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    leptos::task::tick().await;
}

fn all(root: &ShadowRoot, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| node.unchecked_into())
        .collect()
}

fn text_of(element: &Element) -> String {
    element.text_content().unwrap_or_default().trim().to_owned()
}

/// The control a `<label>` with exactly this text names, as a person finds it.
fn by_label(root: &ShadowRoot, label: &str) -> Option<Element> {
    let found = all(root, "label")
        .into_iter()
        .find(|l| text_of(l) == label)?;
    let target = found.get_attribute("for")?;
    root.get_element_by_id(&target)
}

fn control(root: &ShadowRoot, label: &str) -> Element {
    by_label(root, label).unwrap_or_else(|| panic!("no control labelled {label:?}"))
}

/// The fieldset whose legend has exactly this text.
fn group(root: &ShadowRoot, legend: &str) -> Element {
    all(root, "fieldset")
        .into_iter()
        .find(|f| {
            f.query_selector("legend")
                .unwrap()
                .is_some_and(|l| text_of(&l) == legend)
        })
        .unwrap_or_else(|| panic!("no group with legend {legend:?}"))
}

/// The control labelled `label` inside the group with legend `legend`.
fn option_in(root: &ShadowRoot, legend: &str, label: &str) -> HtmlInputElement {
    let fieldset = group(root, legend);
    let list = fieldset.query_selector_all("label").unwrap();
    let found = (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into::<Element>())
        .find(|l| text_of(l) == label)
        .unwrap_or_else(|| panic!("no option {label:?} in {legend:?}"));
    root.get_element_by_id(&found.get_attribute("for").unwrap())
        .unwrap()
        .unchecked_into()
}

fn type_into(element: &Element, text: &str) {
    let input: HtmlInputElement = element.clone().unchecked_into();
    input.set_value(text);
    fire(element, "input");
}

fn fire(element: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

fn click(root: &ShadowRoot, button_text: &str) {
    all(root, "button")
        .into_iter()
        .find(|b| text_of(b) == button_text)
        .unwrap_or_else(|| panic!("no button {button_text:?}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

fn page_heading(root: &ShadowRoot) -> String {
    text_of(
        &root
            .query_selector("h2.interview-page-title")
            .unwrap()
            .unwrap(),
    )
}

#[wasm_bindgen_test]
async fn every_item_type_renders_as_a_labelled_native_control() {
    let form = mount(TEMPLATE, AnswerSet::new());
    let root = form.root();

    assert_eq!(
        text_of(&root.query_selector("h1").unwrap().unwrap()),
        "Test interview"
    );
    assert_eq!(page_heading(&root), "First page");

    let expect = |label: &str, tag: &str, kind: Option<&str>| {
        let element = control(&root, label);
        assert_eq!(element.tag_name().to_lowercase(), tag, "{label}");
        if let Some(kind) = kind {
            assert_eq!(
                element.get_attribute("type").as_deref(),
                Some(kind),
                "{label}"
            );
        }
    };
    expect("Full name", "input", Some("text"));
    expect("Your story", "textarea", None);
    expect("Age in years", "input", Some("number"));
    expect("Date of birth", "input", Some("date"));
    expect("Email address", "input", Some("email"));
    expect("Mobile number", "input", Some("tel"));
    expect("Title", "select", None);
    expect("Twice your age", "output", None);

    // "today" as a date bound reaches the date picker.
    assert_eq!(
        control(&root, "Date of birth")
            .get_attribute("max")
            .as_deref(),
        Some("2026-11-24")
    );
    // Help text is tied to its control.
    let name = control(&root, "Full name");
    let help_id = name.get_attribute("aria-describedby").unwrap();
    assert_eq!(
        text_of(&root.get_element_by_id(&help_id).unwrap()),
        "As on your passport."
    );

    // Choices are grouped in fieldsets whose legend is the question.
    assert_eq!(
        option_in(&root, "Do you have a partner?", "Yes").type_(),
        "radio"
    );
    assert_eq!(
        option_in(&root, "Do you have a partner?", "No").type_(),
        "radio"
    );
    assert_eq!(
        option_in(&root, "Favourite colour", "Blue").type_(),
        "radio"
    );
    assert_eq!(option_in(&root, "Goals", "Tax").type_(), "checkbox");
    let titles: Vec<String> = all(&root, "select option").iter().map(text_of).collect();
    assert_eq!(titles, ["Choose one", "Mr", "Ms"]);

    // Computed values and notes follow the answers live.
    type_into(&control(&root, "Age in years"), "21");
    type_into(&control(&root, "Full name"), "Ann");
    settle().await;
    assert_eq!(text_of(&control(&root, "Twice your age")), "42");
    assert_eq!(
        text_of(&root.query_selector(".note").unwrap().unwrap()),
        "Hello Ann."
    );

    // "Page N of M" and the bar count the shown pages.
    assert_eq!(
        text_of(&root.query_selector(".interview-progress").unwrap().unwrap()),
        "Page 1 of 2"
    );
    let bar = root.query_selector("progress").unwrap().unwrap();
    assert_eq!(bar.get_attribute("value").as_deref(), Some("1"));
    assert_eq!(bar.get_attribute("max").as_deref(), Some("2"));
}

#[wasm_bindgen_test]
async fn a_question_appears_and_disappears_with_its_visible_if() {
    let form = mount(TEMPLATE, AnswerSet::new());
    let root = form.root();
    assert!(
        by_label(&root, "Partner's name").is_none(),
        "hidden until has_partner is true"
    );

    let yes = option_in(&root, "Do you have a partner?", "Yes");
    yes.set_checked(true);
    fire(&yes, "change");
    settle().await;
    let partner = control(&root, "Partner's name");
    type_into(&partner, "Bo");

    let no = option_in(&root, "Do you have a partner?", "No");
    no.set_checked(true);
    fire(&no, "change");
    settle().await;
    assert!(
        by_label(&root, "Partner's name").is_none(),
        "hidden again after No"
    );

    // Shown again, it still has what was typed: nothing the client typed is lost.
    yes.set_checked(true);
    fire(&yes, "change");
    settle().await;
    let partner: HtmlInputElement = control(&root, "Partner's name").unchecked_into();
    assert_eq!(partner.value(), "Bo");
}

#[wasm_bindgen_test]
async fn next_with_a_missing_required_answer_shows_the_errors_and_stays() {
    let form = mount(TEMPLATE, AnswerSet::new());
    let root = form.root();
    let summary = root.query_selector("[role=alert]").unwrap().unwrap();
    assert!(
        summary.has_attribute("hidden"),
        "no summary before the client moves on"
    );

    click(&root, "Next");
    settle().await;

    assert!(!summary.has_attribute("hidden"));
    assert_eq!(
        text_of(&summary.query_selector("h2").unwrap().unwrap()),
        "There is a problem"
    );
    let links = all(&root, "[role=alert] a");
    assert_eq!(links.len(), 1);
    let message = text_of(&links[0]);
    assert!(
        message.contains("Full name"),
        "the message names the question: {message}"
    );
    // Focus moved to the summary.
    assert_eq!(root.active_element().as_ref(), Some(&summary));

    let name = control(&root, "Full name");
    assert_eq!(name.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described: Vec<String> = name
        .get_attribute("aria-describedby")
        .unwrap()
        .split(' ')
        .map(str::to_owned)
        .collect();
    let inline = described
        .iter()
        .filter_map(|id| root.get_element_by_id(id))
        .find(|e| e.class_list().contains("field-error"))
        .expect("the inline message is tied to the field");
    assert!(text_of(&inline).ends_with(&message), "{}", text_of(&inline));
    // Fields without errors are not marked.
    assert!(control(&root, "Email address")
        .get_attribute("aria-invalid")
        .is_none());

    assert_eq!(page_heading(&root), "First page", "stays on the page");

    // The summary's link takes the client to the field.
    links[0].unchecked_ref::<HtmlElement>().click();
    assert_eq!(root.active_element().as_ref(), Some(&name));
}

#[wasm_bindgen_test]
async fn next_moves_to_the_next_page_when_the_page_is_valid_and_back_returns() {
    let form = mount(TEMPLATE, AnswerSet::new());
    let root = form.root();
    type_into(&control(&root, "Full name"), "Ann");
    click(&root, "Next");
    settle().await;

    assert_eq!(page_heading(&root), "Second page");
    assert!(root
        .query_selector("[role=alert]")
        .unwrap()
        .unwrap()
        .has_attribute("hidden"));
    assert_eq!(
        text_of(&root.query_selector(".interview-progress").unwrap().unwrap()),
        "Page 2 of 2"
    );
    assert!(by_label(&root, "City").is_some());
    assert!(by_label(&root, "Full name").is_none(), "one page at a time");
    // Focus moves to the new page's heading, so a screen reader starts there.
    assert_eq!(
        root.active_element().map(|e| text_of(&e)).as_deref(),
        Some("Second page")
    );

    click(&root, "Back");
    settle().await;
    assert_eq!(page_heading(&root), "First page");
    let name: HtmlInputElement = control(&root, "Full name").unchecked_into();
    assert_eq!(name.value(), "Ann", "answers survive moving between pages");
}

#[wasm_bindgen_test]
async fn two_forms_on_one_page_have_distinct_ids() {
    let first = mount(TEMPLATE, AnswerSet::new());
    let second = mount(TEMPLATE, AnswerSet::new());
    let a = control(&first.root(), "Full name").id();
    let b = control(&second.root(), "Full name").id();
    assert_ne!(a, b);
}

#[wasm_bindgen_test]
async fn a_page_hidden_by_its_visible_if_is_skipped_and_not_counted() {
    let template = r#"{
      "format": "interview/1", "title": "T",
      "pages": [
        {"id": "a", "title": "Start", "items": [{"type": "yes_no", "id": "more", "label": "More questions?"}]},
        {"id": "b", "title": "More", "visible_if": "more", "items": [{"type": "text", "id": "x", "label": "X"}]},
        {"id": "c", "title": "End", "items": [{"type": "text", "id": "y", "label": "Y"}]}
      ]
    }"#;
    let form = mount(template, AnswerSet::new());
    let root = form.root();
    let progress = || text_of(&root.query_selector(".interview-progress").unwrap().unwrap());
    assert_eq!(progress(), "Page 1 of 2");

    let yes = option_in(&root, "More questions?", "Yes");
    yes.set_checked(true);
    fire(&yes, "change");
    settle().await;
    assert_eq!(progress(), "Page 1 of 3");

    let no = option_in(&root, "More questions?", "No");
    no.set_checked(true);
    fire(&no, "change");
    settle().await;
    click(&root, "Next");
    settle().await;
    assert_eq!(page_heading(&root), "End");
    assert_eq!(progress(), "Page 2 of 2");
}

#[wasm_bindgen_test]
fn a_template_the_runtime_rejects_is_an_error() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    let error = interview_components::mount_form(
        &host,
        r#"{"format": "interview/1"}"#,
        AnswerSet::new(),
        today(),
        Locale::En,
    );
    assert!(error.is_err());
    // The runtime agrees: the same text is not a template.
    assert!(Template::from_json(r#"{"format": "interview/1"}"#).is_err());
}

#[wasm_bindgen_test]
async fn in_french_the_form_words_and_validation_messages_are_french() {
    let form = mount_in(TEMPLATE, AnswerSet::new(), Locale::Fr);
    let root = form.root();
    let container = root.query_selector(".interview-root").unwrap().unwrap();
    assert_eq!(container.get_attribute("lang").as_deref(), Some("fr"), "screen readers use a French voice");
    let progress = root.query_selector(".interview-progress").unwrap().unwrap();
    assert_eq!(text_of(&progress), "Page 1 sur 2");
    // Yes/no choices and the dropdown's empty choice are French too.
    option_in(&root, "Do you have a partner?", "Oui");
    option_in(&root, "Do you have a partner?", "Non");
    let title = control(&root, "Title");
    assert_eq!(text_of(&title.query_selector("option").unwrap().unwrap()), "Choisissez");

    click(&root, "Suivant");
    settle().await;
    let summary = root.query_selector("[role=alert]").unwrap().unwrap();
    assert_eq!(text_of(&summary.query_selector("h2").unwrap().unwrap()), "Il y a un problème");
    let links = all(&root, "[role=alert] a");
    assert_eq!(text_of(&links[0]), "Renseignez Full name.", "the runtime's French message");
    assert_eq!(page_heading(&root), "First page", "template text stays as written");
}

#[wasm_bindgen_test]
fn every_language_has_every_word_with_the_placeholders_of_the_english() {
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort();
        found
    }
    for w in W::ALL {
        let english = placeholders(word(Locale::En, w));
        for locale in Locale::ALL {
            let text = word(locale, w);
            assert!(!text.trim().is_empty(), "{locale} {w:?} is empty");
            assert_eq!(placeholders(text), english, "{locale} {w:?}: {text}");
        }
    }
}

// ------------------------------------------------------------------ computed values without a label

/// A count kept for a rule (no label) beside one meant for the person (labelled).
const UNLABELLED_COMPUTED: &str = r#"{
  "format": "interview/1",
  "title": "Family",
  "pages": [
    {"id": "family", "title": "Your family", "items": [
      {"type": "number", "id": "children", "label": "How many children do you have?", "integer": true},
      {"type": "computed", "id": "child_count", "expr": "children"},
      {"type": "computed", "id": "blank_label", "label": "  ", "expr": "children"},
      {"type": "computed", "id": "doubled", "label": "Twice that", "expr": "children * 2"},
      {"type": "text", "id": "school", "label": "Which school?", "visible_if": "child_count > 0"}
    ]}
  ]
}"#;

#[wasm_bindgen_test]
async fn a_computed_value_without_a_label_is_not_shown_and_still_works() {
    let form = mount(UNLABELLED_COMPUTED, AnswerSet::new());
    let root = form.root();
    settle().await;
    let text = root.text_content().unwrap_or_default();
    assert!(!text.contains("child_count"), "the id is never shown: {text}");
    assert!(!text.contains("blank_label"), "a blank label counts as none: {text}");
    let outputs = all(&root, "output");
    assert_eq!(outputs.len(), 1, "only the labelled value has an output");
    assert_eq!(control(&root, "Twice that").tag_name().to_lowercase(), "output");

    // The hidden value still drives the rules that read it, and the shown one updates.
    assert!(by_label(&root, "Which school?").is_none());
    type_into(&control(&root, "How many children do you have?"), "2");
    settle().await;
    assert!(by_label(&root, "Which school?").is_some(), "child_count > 0 shows the question");
    assert_eq!(text_of(&control(&root, "Twice that")), "4");
    assert!(!root.text_content().unwrap_or_default().contains("child_count"));
}
