//! In-browser tests of the staff dashboard's components: the work item table
//! (every status as a word, names linking to the item, an empty table that
//! says so), its pagination by key (Previous and Next through a trail of
//! cursors), the error summary, and reading an initial answers file.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p
//! interview-components --features dashboard --test dashboard`.

use interview_api::{InterviewState, InterviewSummary, WorkItemRow, WorkItemStatus};
use interview_components::dashboard::paging::Trail;
use interview_components::dashboard::widgets::{ErrorSummary, Pager};
use interview_components::dashboard::work_items::{initial_answers, Filters, WorkItemTable};
use leptos::prelude::*;
use wasm_bindgen_test::*;

use super::support::*;

fn row(id: &str, status: WorkItemStatus, interview: Option<InterviewSummary>) -> WorkItemRow {
    WorkItemRow {
        id: id.to_owned(),
        name: format!("Matter {id}"),
        status,
        template_id: "tpl_1".to_owned(),
        template_name: Some("Intake".to_owned()),
        work_group: None,
        work_group_id: None,
        client_id: Some("cli_1".to_owned()),
        client_name: Some("Ann Example".to_owned()),
        interview,
        last_activity_at: Some("2026-12-01T09:30:00Z".to_owned()),
        created_at: "2026-12-01T09:00:00Z".to_owned(),
        updated_at: "2026-12-01T09:30:00Z".to_owned(),
    }
}

#[wasm_bindgen_test]
fn the_table_shows_each_status_as_a_word_and_links_each_name() {
    let waiting = InterviewSummary {
        id: "iv_1".to_owned(),
        state: InterviewState::Opened,
        expires_at: Some("2026-12-05T09:00:00Z".to_owned()),
    };
    let rows = vec![
        row("wi_1", WorkItemStatus::Draft, None),
        row("wi_2", WorkItemStatus::WaitingForClient, Some(waiting)),
        row("wi_3", WorkItemStatus::Submitted, None),
        row("wi_4", WorkItemStatus::Cancelled, None),
        row("wi_5", WorkItemStatus::Expired, None),
    ];
    let page = mount(move || view! { <WorkItemTable rows=rows /> }.into_any());
    assert_eq!(
        page.text("thead th"),
        ["Name", "Client", "Template", "Status", "Link expires", "Last activity"]
    );
    assert_eq!(page.all("thead th[scope=col]").len(), 6);
    assert_eq!(
        page.text("tbody .tag"),
        ["Draft", "Waiting for client", "Submitted", "Cancelled", "Expired"]
    );
    let links: Vec<String> = page.all("tbody th[scope=row] a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(links[1], "/dashboard/work-items/wi_2");
    assert_eq!(page.text("tbody th a")[0], "Matter wi_1");
    // Only the outstanding interview's expiry is shown.
    let cells = page.text("tbody tr:nth-child(2) td");
    assert_eq!(cells[0], "Ann Example");
    assert_eq!(cells[1], "Intake");
    assert!(cells[3].contains("2026"), "the expiry is written as a date: {cells:?}");
    assert_eq!(page.text("tbody tr:nth-child(1) td")[3], "");
    assert!(page.text("caption")[0].contains("Work items"));
}

#[wasm_bindgen_test]
fn an_empty_table_says_why() {
    let page = mount(|| view! { <WorkItemTable rows=Vec::new() /> }.into_any());
    assert!(page.all("table").is_empty());
    assert!(page.text(".empty")[0].contains("no work items yet"));
    let filtered = mount(|| view! { <WorkItemTable rows=Vec::new() filtered=true /> }.into_any());
    assert_eq!(filtered.text(".empty"), ["No work items match these filters."]);
}

#[wasm_bindgen_test]
fn paging_walks_forward_and_back_through_the_trail_of_cursors() {
    let filters = Filters { q: "smith".to_owned(), status: Some(WorkItemStatus::Submitted), work_group: String::new() };
    let first = Trail::from_query(None, None);
    assert_eq!(first.page_number(), 1);
    assert!(first.previous().is_none());
    let second = first.next("c1");
    let third = second.next("c2");
    assert_eq!((second.page_number(), third.page_number()), (2, 3));
    assert_eq!(filters.href(&third), "/dashboard/work-items?q=smith&status=submitted&cursor=c2&trail=c1");
    // The address is all there is: reading it back gives the same page.
    let read = Trail::from_query(Some("c2"), Some("c1"));
    assert_eq!(read, third);
    assert_eq!(read.previous(), Some(second.clone()));
    assert_eq!(second.previous(), Some(first.clone()));
    assert_eq!(filters.href(&first), "/dashboard/work-items?q=smith&status=submitted");
    // A trail without a cursor is the first page.
    assert_eq!(Trail::from_query(None, Some("c1")), first);
    // The host is asked for the page's cursor with the same filters.
    assert_eq!(filters.api_path(Some("c2")), "/api/v1/work-items?q=smith&status=submitted&cursor=c2");
}

#[wasm_bindgen_test]
fn the_pager_links_previous_and_next_and_hides_on_a_single_page() {
    let both = mount(|| {
        view! { <Pager previous=Some("/p1".to_owned()) next=Some("/p3".to_owned()) page=2 /> }.into_any()
    });
    assert_eq!(both.all("nav[aria-label=Pages]").len(), 1);
    let hrefs: Vec<String> = both.all("a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(hrefs, ["/p1", "/p3"]);
    assert_eq!(both.text("a"), ["Previous page", "Next page"]);
    assert_eq!(both.text(".pagination-page"), ["Page 2"]);
    let first = mount(|| view! { <Pager previous=None next=Some("/p2".to_owned()) page=1 /> }.into_any());
    assert_eq!(first.text("a"), ["Next page"]);
    let single = mount(|| view! { <Pager previous=None next=None page=1 /> }.into_any());
    assert!(single.all("nav").is_empty());
}

#[wasm_bindgen_test]
fn filters_in_force_are_each_removable() {
    let filters = Filters { q: "ann".to_owned(), status: Some(WorkItemStatus::Expired), work_group: "Wills".to_owned() };
    let removable = filters.removable();
    assert_eq!(removable.len(), 3);
    assert_eq!(removable[0], ("Name: ann".to_owned(), "/dashboard/work-items?status=expired&work_group=Wills".to_owned()));
    assert_eq!(removable[1].0, "Status: Expired");
    assert_eq!(removable[2].1, "/dashboard/work-items?q=ann&status=expired");
    assert!(Filters::default().removable().is_empty());
}

#[wasm_bindgen_test]
fn the_error_summary_links_each_problem_to_its_field() {
    let page = mount(|| {
        let messages = vec![
            ("Enter a name for the work item.".to_owned(), "name".to_owned()),
            ("Something general.".to_owned(), String::new()),
        ];
        view! { <ErrorSummary messages=messages /> }.into_any()
    });
    assert_eq!(page.all("[role=alert]").len(), 1);
    assert_eq!(page.text("h2"), ["There is a problem"]);
    let links: Vec<String> = page.all("li a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(links, ["#name"]);
    assert_eq!(page.text("li"), ["Enter a name for the work item.", "Something general."]);
}

#[wasm_bindgen_test]
fn an_answers_file_is_json_or_an_answer_file() {
    assert_eq!(initial_answers("{\"full_name\": \"Ann\"}").unwrap()["full_name"], "Ann");
    let xml = "\u{feff}<?xml version=\"1.0\"?><AnswerSet/>";
    assert!(initial_answers(xml).unwrap().as_str().unwrap().starts_with("<?xml"));
    assert!(initial_answers("[1, 2]").unwrap_err().contains("JSON object"));
    assert!(initial_answers("not json").unwrap_err().contains("neither JSON nor an answer file"));
}

/// A template with every item type, for the answers view.
const EVERY_TYPE: &str = r#"{
  "format": "interview/1",
  "title": "Every type",
  "pages": [
    {"id": "one", "title": "First page", "items": [
      {"type": "text", "id": "full_name", "label": "Full name"},
      {"type": "text", "id": "story", "label": "Your story", "multiline": true},
      {"type": "number", "id": "age", "label": "Age in years"},
      {"type": "date", "id": "born", "label": "Date of birth"},
      {"type": "email", "id": "email", "label": "Email address"},
      {"type": "phone", "id": "mobile", "label": "Mobile number", "region": "GB"},
      {"type": "yes_no", "id": "has_partner", "label": "Do you have a partner?"},
      {"type": "text", "id": "partner_name", "label": "Partner's name", "visible_if": "has_partner"},
      {"type": "choice", "id": "colour", "label": "Favourite colour", "options": [{"value": "red", "label": "Bright red"}, "Blue"]},
      {"type": "multi_choice", "id": "goals", "label": "Goals", "options": [{"value": "will", "label": "A will"}, {"value": "tax", "label": "Tax"}]},
      {"type": "computed", "id": "double_age", "label": "Twice your age", "expr": "age * 2"},
      {"type": "note", "text": "A note is never an answer."}
    ]},
    {"id": "two", "title": "Family", "items": [
      {"type": "repeat", "id": "children", "label": "Children", "item_label": "Child", "items": [
        {"type": "text", "id": "name", "label": "Name"}
      ]},
      {"type": "file", "id": "passport", "label": "Passport"}
    ]},
    {"id": "three", "title": "Nothing answered", "items": [
      {"type": "text", "id": "town", "label": "Town"}
    ]}
  ]
}"#;

#[wasm_bindgen_test]
fn the_answers_view_shows_every_item_type_as_the_client_saw_it_with_change_links() {
    use interview_components::dashboard::answers::{AnswersView, TemplateText};
    let template: &'static interview_runtime::Template =
        Box::leak(Box::new(interview_runtime::Template::from_json(EVERY_TYPE).expect("the template reads")));
    let answers: interview_runtime::AnswerSet = serde_json::from_value(serde_json::json!({
        "full_name": "Åsa Öberg", "story": "line one\nline two", "age": 46, "born": "1980-05-17",
        "email": "asa@example.se", "mobile": "+447700900123", "has_partner": false, "partner_name": "hidden",
        "colour": "red", "goals": ["tax", "will"],
        "children": [{"name": "Liv"}, {"name": "Ola"}],
        "passport": [{"file_id": "f1", "name": "passport.pdf", "size": 1572864, "content_type": "application/pdf", "sha256": "00"}]
    }))
    .unwrap();
    let page = mount(move || {
        view! { <AnswersView template=TemplateText { template } answers=answers change_href=Some("/dashboard/work-items/wi_1/answers".to_owned()) /> }
            .into_any()
    });
    assert_eq!(page.text("h3"), ["First page", "Family"], "a page with nothing answered is left out");
    let labels = page.text("h3 + dl > div > dt");
    assert_eq!(
        labels,
        ["Full name", "Your story", "Age in years", "Date of birth", "Email address", "Mobile number", "Do you have a partner?", "Favourite colour", "Goals", "Twice your age", "Children", "Passport"]
    );
    let answers = page.text("h3 + dl > div > dd:not(.actions)");
    assert_eq!(answers[0], "Åsa Öberg");
    assert_eq!(answers[1], "line one\nline two");
    assert_eq!(answers[2], "46");
    assert_eq!(answers[3], "17 May 1980");
    assert_eq!(answers[6], "No");
    assert_eq!(answers[7], "Bright red", "an option's label, not its value");
    assert_eq!(page.text("h3 + dl > div:nth-child(9) li"), ["A will", "Tax"], "in the template's order");
    assert_eq!(answers[9], "92");
    assert_eq!(page.text(".answer-entry h4"), ["Child 1", "Child 2"]);
    assert_eq!(page.text(".answer-entry dd"), ["Liv", "Ola"]);
    assert_eq!(answers[11], "passport.pdf (1.5 MB)");
    let all = page.host.text_content().unwrap_or_default();
    assert!(!all.contains("hidden") && !all.contains("A note"), "hidden answers and notes are not shown: {all}");
    let change: Vec<String> = page.all("dd.actions a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(change.len(), 12, "a Change link per top-level question");
    assert_eq!(change[0], "/dashboard/work-items/wi_1/answers?page=one");
    assert_eq!(change[11], "/dashboard/work-items/wi_1/answers?page=two");
    assert_eq!(page.text("dd.actions a")[0], "Change Full name");
}
