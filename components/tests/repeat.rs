//! In-browser tests of repeats and file questions in the interview form:
//! entries added, removed and reordered within `min_items`/`max_items` (and
//! the answers that result), `visible_if` and validation inside entries, focus
//! after each change, unique ids, and file uploads: refused in the browser by
//! type and size, sent through the form's uploader with progress, recorded in
//! the answer and removable.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p interview-components`.

#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use interview_components::form::{Progress, Uploader};
use interview_components::InterviewForm;
use interview_runtime::date::Date;
use interview_runtime::{AnswerSet, Template};
use leptos::prelude::*;
use serde_json::{json, Value as Json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

const CHILDREN: &str = r#"{
  "format": "interview/1", "title": "Family",
  "pages": [{"id": "one", "title": "Children", "items": [
    {"type": "repeat", "id": "children", "label": "Children", "item_label": "Child",
     "min_items": 1, "max_items": 3, "items": [
       {"type": "text", "id": "name", "label": "Name", "required": true},
       {"type": "yes_no", "id": "at_school", "label": "At school?"},
       {"type": "text", "id": "school", "label": "School", "visible_if": "at_school"},
       {"type": "file", "id": "reports", "label": "School reports", "max_files": 1}
     ]}
  ]}]
}"#;

const FILES: &str = r#"{
  "format": "interview/1", "title": "Papers",
  "pages": [{"id": "one", "title": "Papers", "items": [
    {"type": "file", "id": "payslips", "label": "Payslips", "required": true,
     "accept": ["application/pdf", "image/*"], "max_bytes": 5242880, "max_files": 2}
  ]}]
}"#;

/// A form mounted in a shadow root, with the answers its `on_change` last gave.
struct Form {
    host: Element,
    answers: Arc<Mutex<AnswerSet>>,
    _handle: Box<dyn std::any::Any>,
}

impl Form {
    fn root(&self) -> ShadowRoot {
        self.host.shadow_root().unwrap()
    }

    fn answer(&self, id: &str) -> Json {
        self.answers
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .unwrap_or(Json::Null)
    }
}

impl Drop for Form {
    fn drop(&mut self) {
        self.host.remove();
    }
}

fn mount(template: &str, uploader: Option<Uploader>) -> Form {
    let template: &'static Template = Box::leak(Box::new(Template::from_json(template).unwrap()));
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let root = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    let slot: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    root.append_child(&slot).unwrap();
    let answers = Arc::new(Mutex::new(AnswerSet::new()));
    let seen = answers.clone();
    let on_change = Callback::new(move |a: AnswerSet| *seen.lock().unwrap() = a);
    let today = Date::from_ymd(2026, 11, 24).unwrap();
    let handle = leptos::mount::mount_to(slot, move || match uploader {
        Some(u) => {
            view! { <InterviewForm template=template today=today on_change=on_change uploader=u /> }
                .into_any()
        }
        None => {
            view! { <InterviewForm template=template today=today on_change=on_change /> }.into_any()
        }
    });
    Form {
        host,
        answers,
        _handle: Box::new(handle),
    }
}

async fn settle() {
    leptos::task::tick().await;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    leptos::task::tick().await;
}

fn all(root: &impl AsRef<web_sys::Node>, selector: &str) -> Vec<Element> {
    let node: &web_sys::Node = root.as_ref();
    let list = match node.dyn_ref::<Element>() {
        Some(e) => e.query_selector_all(selector).unwrap(),
        None => node
            .unchecked_ref::<ShadowRoot>()
            .query_selector_all(selector)
            .unwrap(),
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

fn text_of(element: &Element) -> String {
    element.text_content().unwrap_or_default().trim().to_owned()
}

/// The fieldset whose (first) legend has exactly this text, if any.
fn group(root: &ShadowRoot, legend: &str) -> Option<Element> {
    all(root, "fieldset").into_iter().find(|f| {
        f.query_selector("legend")
            .unwrap()
            .is_some_and(|l| text_of(&l) == legend)
    })
}

/// The control labelled `label` inside the fieldset with legend `legend`.
fn control_in(root: &ShadowRoot, legend: &str, label: &str) -> Option<HtmlInputElement> {
    let fieldset = group(root, legend)?;
    let found = all(&fieldset, "label")
        .into_iter()
        .find(|l| text_of(l) == label)?;
    Some(
        root.get_element_by_id(&found.get_attribute("for")?)?
            .unchecked_into(),
    )
}

fn button(root: &impl AsRef<web_sys::Node>, text: &str) -> Option<HtmlElement> {
    all(root, "button")
        .into_iter()
        .find(|b| text_of(b) == text)
        .map(|b| b.unchecked_into())
}

fn click(root: &impl AsRef<web_sys::Node>, text: &str) {
    button(root, text)
        .unwrap_or_else(|| panic!("no button {text:?}"))
        .click();
}

fn fire(element: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    element
        .dispatch_event(&web_sys::Event::new_with_event_init_dict(kind, &init).unwrap())
        .unwrap();
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    fire(input, "input");
}

fn names(root: &ShadowRoot) -> Vec<String> {
    (1..=3)
        .filter_map(|n| control_in(root, &format!("Child {n}"), "Name"))
        .map(|i| i.value())
        .collect()
}

fn active(root: &ShadowRoot) -> Option<Element> {
    root.active_element()
}

#[wasm_bindgen_test]
async fn entries_are_added_reordered_and_removed_within_the_limits() {
    let form = mount(CHILDREN, None);
    let root = form.root();
    assert!(
        group(&root, "Children").is_some(),
        "the repeat is a fieldset named by its label"
    );
    assert!(group(&root, "Child 1").is_none(), "no entries yet");

    for (n, name) in ["Ann", "Bo", "Cy"].iter().enumerate() {
        click(&root, "Add Child");
        settle().await;
        let input = control_in(&root, &format!("Child {}", n + 1), "Name").unwrap();
        // Focus lands on the new entry's first field.
        assert_eq!(
            active(&root).as_ref(),
            Some(input.unchecked_ref::<Element>())
        );
        type_into(&input, name);
    }
    settle().await;
    assert!(
        button(&root, "Add Child").unwrap().hidden(),
        "no Add at max_items"
    );
    assert_eq!(
        form.answer("children"),
        json!([{"name": "Ann"}, {"name": "Bo"}, {"name": "Cy"}])
    );

    // Every id in the form is unique, across entries too.
    let ids: Vec<String> = all(&root, "[id]").iter().map(Element::id).collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");

    // The first entry has no Move up, the last no Move down.
    let first = group(&root, "Child 1").unwrap();
    assert!(button(&first, "Move up Child 1").is_none());
    click(&first, "Move down Child 1");
    settle().await;
    assert_eq!(names(&root), ["Bo", "Ann", "Cy"]);
    assert_eq!(
        form.answer("children"),
        json!([{"name": "Bo"}, {"name": "Ann"}, {"name": "Cy"}])
    );
    // Focus follows the moved entry.
    assert_eq!(
        active(&root).map(|e| text_of(&e)).as_deref(),
        Some("Move down Child 2")
    );

    click(&root, "Move up Child 3");
    settle().await;
    assert_eq!(names(&root), ["Bo", "Cy", "Ann"]);
    assert!(button(&root, "Move down Child 3").is_none());

    click(&root, "Remove Child 2");
    settle().await;
    assert_eq!(names(&root), ["Bo", "Ann"]);
    assert_eq!(
        form.answer("children"),
        json!([{"name": "Bo"}, {"name": "Ann"}])
    );
    // Focus goes to the previous entry; Add is back below the maximum.
    let bo = control_in(&root, "Child 1", "Name").unwrap();
    assert_eq!(active(&root).as_ref(), Some(bo.unchecked_ref::<Element>()));
    assert!(!button(&root, "Add Child").unwrap().hidden());

    click(&root, "Remove Child 1");
    settle().await;
    assert_eq!(names(&root), ["Ann"]);
    assert_eq!(
        active(&root).map(|e| text_of(&e)).as_deref(),
        Some("Add Child"),
        "focus on Add after the first entry went"
    );
    assert!(
        button(&root, "Remove Child 1").is_none(),
        "no Remove at min_items"
    );
}

#[wasm_bindgen_test]
async fn visible_if_inside_an_entry_follows_that_entry() {
    let form = mount(CHILDREN, None);
    let root = form.root();
    click(&root, "Add Child");
    click(&root, "Add Child");
    settle().await;
    assert!(control_in(&root, "Child 1", "School").is_none());
    let fieldset = group(&root, "At school?").unwrap();
    let yes: HtmlInputElement = all(&fieldset, "input[value=true]")[0]
        .clone()
        .unchecked_into();
    yes.set_checked(true);
    fire(&yes, "change");
    settle().await;
    let school = control_in(&root, "Child 1", "School").expect("shown in the entry that said yes");
    assert!(
        control_in(&root, "Child 2", "School").is_none(),
        "not in the other entry"
    );
    type_into(&school, "Hill");
    settle().await;
    assert_eq!(
        form.answer("children")[0],
        json!({"at_school": true, "school": "Hill"})
    );
}

#[wasm_bindgen_test]
async fn entry_errors_show_inline_and_in_the_summary_with_links_to_the_field() {
    let form = mount(CHILDREN, None);
    let root = form.root();
    click(&root, "Finish");
    settle().await;
    let links = all(&root, "[role=alert] a");
    assert_eq!(
        links.iter().map(text_of).collect::<Vec<_>>(),
        ["Add at least 1 (Child)."]
    );
    links[0].unchecked_ref::<HtmlElement>().click();
    assert_eq!(
        active(&root).map(|e| text_of(&e)).as_deref(),
        Some("Add Child")
    );

    click(&root, "Add Child");
    click(&root, "Add Child");
    settle().await;
    type_into(&control_in(&root, "Child 2", "Name").unwrap(), "Bo");
    click(&root, "Finish");
    settle().await;
    let links = all(&root, ".error-summary a");
    assert_eq!(links.len(), 1);
    let message = text_of(&links[0]);
    let first = control_in(&root, "Child 1", "Name").unwrap();
    let second = control_in(&root, "Child 2", "Name").unwrap();
    assert_eq!(first.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(
        second.get_attribute("aria-invalid").is_none(),
        "only the entry with the error"
    );
    // The summary names the entry, so several entries' errors read apart.
    let message = message
        .strip_prefix("Child 1: ")
        .unwrap_or_else(|| panic!("the summary names the entry: {message}"))
        .to_owned();
    let inline = all(&group(&root, "Child 1").unwrap(), ".field-error");
    assert!(
        inline.iter().any(|e| text_of(e).ends_with(&message)),
        "inline: {message}"
    );
    assert!(all(&group(&root, "Child 2").unwrap(), "p.field-error").is_empty());
    links[0].unchecked_ref::<HtmlElement>().click();
    assert_eq!(
        active(&root).as_ref(),
        Some(first.unchecked_ref::<Element>())
    );
}

thread_local! {
    /// Uploads the fake uploader holds open: the question path and the function finishing each.
    static PENDING: RefCell<Vec<(String, js_sys::Function)>> = const { RefCell::new(Vec::new()) };
}

/// An uploader that reports half the file sent and waits for the test to finish it
/// (`"fail"` makes it fail); it counts its calls.
fn fake_uploader(calls: Rc<Cell<u32>>) -> Uploader {
    Uploader::new(
        move |file: web_sys::File, path: String, progress: Progress| {
            calls.set(calls.get() + 1);
            progress(0.5);
            let mut finish = None;
            let promise = js_sys::Promise::new(&mut |resolve, _| finish = Some(resolve));
            PENDING.with(|p| p.borrow_mut().push((path, finish.unwrap())));
            async move {
                let outcome = wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
                if let Some(message) = outcome.as_string() {
                    return Err(message);
                }
                Ok(
                    json!({"file_id": "file_1", "name": file.name(), "size": file.size() as u64,
                      "content_type": file.type_(), "sha256": "00ff"}),
                )
            }
        },
    )
}

fn finish_upload(outcome: JsValue) -> String {
    let (path, finish) = PENDING.with(|p| p.borrow_mut().remove(0));
    finish.call1(&JsValue::NULL, &outcome).unwrap();
    path
}

fn file(name: &str, content_type: &str, bytes: usize) -> web_sys::File {
    let parts = js_sys::Array::of1(&JsValue::from_str(&"x".repeat(bytes)));
    let options = web_sys::FilePropertyBag::new();
    options.set_type(content_type);
    web_sys::File::new_with_str_sequence_and_options(&parts, name, &options).unwrap()
}

fn choose(input: &HtmlInputElement, files: &[web_sys::File]) {
    let transfer = web_sys::DataTransfer::new().unwrap();
    for f in files {
        transfer.items().add_with_file(f).unwrap();
    }
    input.set_files(transfer.files().as_ref());
    fire(input, "change");
}

fn payslips(root: &ShadowRoot) -> HtmlInputElement {
    let label = all(root, "label")
        .into_iter()
        .find(|l| text_of(l) == "Payslips")
        .unwrap();
    root.get_element_by_id(&label.get_attribute("for").unwrap())
        .unwrap()
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn files_of_the_wrong_type_or_size_are_refused_before_uploading() {
    let calls = Rc::new(Cell::new(0));
    let form = mount(FILES, Some(fake_uploader(calls.clone())));
    let root = form.root();
    let input = payslips(&root);
    assert_eq!(input.type_(), "file");
    assert_eq!(
        input.get_attribute("accept").as_deref(),
        Some("application/pdf,image/*")
    );
    assert!(input.multiple(), "max_files 2 allows several at once");

    choose(
        &input,
        &[
            file("notes.txt", "text/plain", 10),
            file("big.pdf", "application/pdf", 6 * 1024 * 1024),
        ],
    );
    settle().await;
    let alert = root
        .get_element_by_id(&format!("{}-problems", input.id()))
        .unwrap();
    assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
    let text = text_of(&alert);
    assert!(
        text.contains("notes.txt: This type of file is not accepted"),
        "{text}"
    );
    assert!(
        text.contains("big.pdf: This file is too large (max 5 MB)"),
        "{text}"
    );
    assert_eq!(calls.get(), 0, "nothing was uploaded");
    assert!(input
        .get_attribute("aria-describedby")
        .unwrap()
        .contains(&alert.id()));
    assert_eq!(form.answer("payslips"), Json::Null);
}

#[wasm_bindgen_test]
async fn an_upload_shows_progress_and_its_reference_becomes_the_answer() {
    let calls = Rc::new(Cell::new(0));
    let form = mount(FILES, Some(fake_uploader(calls.clone())));
    let root = form.root();
    let input = payslips(&root);
    choose(&input, &[file("may.pdf", "application/pdf", 2048)]);
    settle().await;
    assert_eq!(calls.get(), 1);
    let bar = root
        .query_selector("progress[aria-label='Uploading may.pdf']")
        .unwrap()
        .expect("a progress bar per file");
    assert_eq!(bar.get_attribute("value").as_deref(), Some("50"));
    assert_eq!(bar.get_attribute("max").as_deref(), Some("100"));

    assert_eq!(
        finish_upload(JsValue::UNDEFINED),
        "payslips",
        "the uploader is told the question"
    );
    settle().await;
    assert!(root
        .query_selector("progress[aria-label^=Uploading]")
        .unwrap()
        .is_none());
    let reference = json!({"file_id": "file_1", "name": "may.pdf", "size": 2048,
                           "content_type": "application/pdf", "sha256": "00ff"});
    assert_eq!(form.answer("payslips"), json!([reference]));
    let listed = all(&root, ".file-list li");
    assert_eq!(listed.len(), 1);
    assert!(
        text_of(&listed[0]).starts_with("may.pdf (2 KB)"),
        "{}",
        text_of(&listed[0])
    );

    // A failed upload says why and keeps the answer as it was.
    choose(&input, &[file("june.pdf", "application/pdf", 10)]);
    settle().await;
    finish_upload(JsValue::from_str("The service is busy."));
    settle().await;
    assert!(text_of(
        &root
            .query_selector(".field-error[role=alert]")
            .unwrap()
            .unwrap()
    )
    .contains("june.pdf: The service is busy."));
    assert_eq!(form.answer("payslips"), json!([reference]));

    // Removing the file empties the answer; focus returns to the file input.
    click(&root, "Remove may.pdf");
    settle().await;
    assert_eq!(form.answer("payslips"), Json::Null);
    assert!(all(&root, ".file-list li").is_empty());
    assert_eq!(
        active(&root).as_ref(),
        Some(input.unchecked_ref::<Element>())
    );
}

#[wasm_bindgen_test]
async fn without_an_uploader_the_file_question_says_uploading_is_unavailable() {
    let form = mount(CHILDREN, None);
    let root = form.root();
    click(&root, "Add Child");
    settle().await;
    let input = control_in(&root, "Child 1", "School reports").unwrap();
    assert_eq!(input.type_(), "file");
    assert!(input.disabled());
    assert!(!input.multiple(), "max_files 1");
    let status = input.get_attribute("aria-describedby").unwrap();
    let status = root
        .get_element_by_id(status.split(' ').next_back().unwrap())
        .unwrap();
    assert_eq!(text_of(&status), "Uploading files is not available here.");
}

/// The children form with two entries, and `term.png` being uploaded into
/// `child`'s school reports (held open by the fake uploader).
async fn uploading_into(child: &str) -> (Form, ShadowRoot) {
    let form = mount(CHILDREN, Some(fake_uploader(Rc::new(Cell::new(0)))));
    let root = form.root();
    click(&root, "Add Child");
    click(&root, "Add Child");
    settle().await;
    let input = control_in(&root, child, "School reports").unwrap();
    assert!(!input.disabled());
    choose(&input, &[file("term.png", "image/png", 5)]);
    settle().await;
    (form, root)
}

#[wasm_bindgen_test]
async fn a_file_inside_an_entry_is_uploaded_for_that_entry() {
    let (form, root) = uploading_into("Child 2").await;
    // Adding an entry meanwhile rebuilds the entries; the upload keeps its
    // progress bar in its entry, and lands there.
    click(&root, "Add Child");
    settle().await;
    let bars = all(
        &group(&root, "Child 2").unwrap(),
        "progress[aria-label='Uploading term.png']",
    );
    assert_eq!(bars.len(), 1, "the progress bar survives the rebuild");
    assert_eq!(bars[0].get_attribute("value").as_deref(), Some("50"));
    assert!(all(&group(&root, "Child 3").unwrap(), "progress").is_empty());
    assert_eq!(finish_upload(JsValue::UNDEFINED), "children[1].reports");
    settle().await;
    assert_eq!(
        form.answer("children")[1]["reports"][0]["name"],
        json!("term.png")
    );
    let input = control_in(&root, "Child 2", "School reports").unwrap();
    assert!(input.disabled(), "max_files 1 reached");
    assert_eq!(
        all(&group(&root, "Child 2").unwrap(), ".file-list li").len(),
        1
    );
}

#[wasm_bindgen_test]
async fn an_upload_into_an_entry_that_moves_is_let_go_and_lands_nowhere_else() {
    let (form, root) = uploading_into("Child 1").await;
    assert_eq!(all(&root, "progress[aria-label^=Uploading]").len(), 1);
    // Child 1 moves down: its index now names the other child, so the
    // upload is let go rather than attached to the wrong one.
    click(&root, "Move down Child 1");
    settle().await;
    assert!(all(&root, "progress[aria-label^=Uploading]").is_empty());
    assert_eq!(finish_upload(JsValue::UNDEFINED), "children[0].reports");
    settle().await;
    let children = form.answer("children");
    assert!(
        children[0]["reports"].is_null() && children[1]["reports"].is_null(),
        "{children}"
    );
}
