//! In-browser tests of the dashboard's templates screens: the templates
//! table (name linking to the template, live version, versions and work
//! items counted), the engine's problems listed by path (under the field and
//! in the error summary), reading a definition, the pins table and its
//! addresses, and the examples offered on an empty site.
//!
//! Run with `cargo test --target wasm32-unknown-unknown -p
//! interview-components --features dashboard --test dashboard`.

use interview_api::{ApiError, InterviewState, PinnedInterview, TemplateProblem, TemplateSummary, VersionSummary};
use interview_components::dashboard::api::Failure;
use interview_components::dashboard::paging::Trail;
use interview_components::dashboard::templates::page::{PinsShown, PinsTable};
use interview_components::dashboard::templates::{
    definition_problems, read_definition, template_problems, ProblemList, TemplateTable, EXAMPLES,
};
use interview_components::dashboard::widgets::ErrorSummary;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen_test::*;

use super::support::*;

fn version(n: u32, title: &str) -> VersionSummary {
    VersionSummary {
        version: n,
        title: title.to_owned(),
        created_at: "2026-12-01T09:00:00Z".to_owned(),
        created_by: "usr_1".to_owned(),
        created_by_name: Some("Ann Admin".to_owned()),
        interviews: 0,
    }
}

fn template(id: &str, name: &str, live: u32, versions: u32, work_items: u64) -> TemplateSummary {
    TemplateSummary {
        id: id.to_owned(),
        name: name.to_owned(),
        live_version: live,
        created_at: "2026-11-30T10:00:00Z".to_owned(),
        versions: (1..=versions).map(|n| version(n, &format!("{name} v{n}"))).collect(),
        work_items,
        interviews_not_opened: 0,
    }
}

fn invalid_template() -> Failure {
    Failure::Http {
        status: 422,
        error: ApiError {
            code: "invalid_template".to_owned(),
            message: "The template has 2 problem(s).".to_owned(),
            attempts_left: None,
            retry_after: None,
            errors: Some(json!([
                {"path": "$.pages[0].items[1].id", "message": "The id `name` is used twice."},
                {"path": "$.title", "message": "A title is required."},
            ])),
        },
    }
}

#[wasm_bindgen_test]
fn the_templates_table_shows_live_version_versions_and_work_items() {
    let rows = vec![template("tpl_a", "Client intake", 2, 3, 12), template("tpl_b", "KYC", 1, 1, 0)];
    let page = mount(move || view! { <TemplateTable rows=rows /> }.into_any());
    assert_eq!(page.text("thead th"), ["Name", "Live version", "Versions", "Work items", "Created"]);
    assert_eq!(page.all("thead th[scope=col]").len(), 5);
    assert!(page.text("caption")[0].contains("Templates"));
    assert_eq!(page.text("tbody th[scope=row]"), ["Client intake", "KYC"]);
    let links: Vec<String> = page.all("tbody th a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(links, ["/dashboard/templates/tpl_a", "/dashboard/templates/tpl_b"]);
    let first = page.text("tbody tr:nth-child(1) td");
    assert!(first[0].starts_with("Version 2"), "{first:?}");
    assert!(first[0].contains("Client intake v2"), "the live version's title: {first:?}");
    assert_eq!((first[1].as_str(), first[2].as_str()), ("3", "12"));
    assert!(first[3].contains("2026"), "created, as a date: {first:?}");
    let second = page.text("tbody tr:nth-child(2) td");
    assert_eq!((second[1].as_str(), second[2].as_str()), ("1", "0"));
}

#[wasm_bindgen_test]
fn the_engines_problems_are_listed_each_with_its_path() {
    let failure = invalid_template();
    let problems = template_problems(&failure);
    assert_eq!(
        problems,
        [
            TemplateProblem { path: "$.pages[0].items[1].id".into(), message: "The id `name` is used twice.".into() },
            TemplateProblem { path: "$.title".into(), message: "A title is required.".into() },
        ]
    );
    let list = mount(move || view! { <ProblemList problems=problems id="definition-problems" /> }.into_any());
    assert_eq!(list.text("code.path"), ["$.pages[0].items[1].id", "$.title"]);
    let items = list.text("li");
    assert!(items[0].contains("$.pages[0].items[1].id") && items[0].contains("used twice"), "{items:?}");
    assert_eq!(list.all("#definition-problems").len(), 1, "the field's aria-describedby names it");

    // The error summary: the host's sentence, then each problem by path, each a link to the field.
    let lines = definition_problems(&failure, "definition");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], ("The template has 2 problem(s).".to_owned(), "definition".to_owned()));
    assert_eq!(lines[2].0, "$.title: A title is required.");
    let summary = mount(move || view! { <ErrorSummary messages=lines /> }.into_any());
    assert_eq!(summary.text("[role=alert] a")[1], "$.pages[0].items[1].id: The id `name` is used twice.");
    let hrefs: Vec<String> = summary.all("a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(hrefs, ["#definition", "#definition", "#definition"]);

    // A bad name points at the name field, and has no paths.
    let bad_name = Failure::Http {
        status: 422,
        error: ApiError {
            code: "invalid_name".into(),
            message: "A template needs a name of 1 to 200 characters.".into(),
            attempts_left: None,
            retry_after: None,
            errors: None,
        },
    };
    assert_eq!(definition_problems(&bad_name, "definition"), [(bad_name.message(), "name".to_owned())]);
}

#[wasm_bindgen_test]
fn a_definition_must_be_a_json_object() {
    assert!(read_definition("  ").unwrap_err().contains("Choose a JSON file or paste"));
    assert!(read_definition("{\"format\": ").unwrap_err().starts_with("The definition is not JSON"));
    assert!(read_definition("[1, 2]").unwrap_err().contains("JSON object"));
    assert_eq!(read_definition("\u{feff} {\"title\": \"x\"} ").unwrap(), json!({"title": "x"}));
}

#[wasm_bindgen_test]
fn the_shipped_examples_are_valid_templates() {
    assert_eq!(EXAMPLES.map(|e| e.word), ["intake", "KYC"]);
    for example in EXAMPLES {
        let template = interview_runtime::Template::from_json(example.definition);
        assert!(template.is_ok(), "{}: {:?}", example.name, template.err());
    }
}

#[wasm_bindgen_test]
fn the_pins_table_says_which_version_each_interview_has() {
    let row = |id: &str, version: Option<u32>, state| PinnedInterview {
        interview_id: format!("iv_{id}"),
        version,
        state,
        created_at: "2026-12-02T09:00:00Z".to_owned(),
        work_item_id: format!("wi_{id}"),
        work_item_name: format!("Matter {id}"),
        client_id: "cli_1".to_owned(),
        client_name: "Ms Ann Lee".to_owned(),
    };
    let rows = vec![row("a", Some(2), InterviewState::Opened), row("b", None, InterviewState::Sent)];
    let page = mount(move || view! { <PinsTable rows=rows /> }.into_any());
    assert_eq!(page.text("thead th"), ["Work item", "Client", "Pinned to", "State", "Sent"]);
    assert_eq!(page.text("tbody td:nth-child(3)"), ["Version 2", "Not opened yet"]);
    assert_eq!(page.text("tbody .tag"), ["Opened", "Sent"]);
    let links: Vec<String> = page.all("tbody th a").iter().filter_map(|a| a.get_attribute("href")).collect();
    assert_eq!(links, ["/dashboard/work-items/wi_a", "/dashboard/work-items/wi_b"]);
    let empty = mount(|| view! { <PinsTable rows=Vec::new() /> }.into_any());
    assert!(empty.all("table").is_empty());
    assert!(empty.text(".empty")[0].contains("No interview"));

    // Which pins, and which page, live in the address.
    let second = Trail::default().next("c1");
    assert_eq!(PinsShown::Version(2).href("tpl_a", &second), "/dashboard/templates/tpl_a?version=2&cursor=c1#pins");
    assert_eq!(PinsShown::NotOpened.api_path("tpl_a", None), "/api/v1/templates/tpl_a/pins?version=none");
    assert_eq!(PinsShown::All.api_path("tpl_a", Some("c1")), "/api/v1/templates/tpl_a/pins?cursor=c1");
    assert_eq!(PinsShown::from_query(Some("none")), PinsShown::NotOpened);
    assert_eq!(PinsShown::from_query(Some("3")), PinsShown::Version(3));
    assert_eq!(PinsShown::from_query(Some("x")), PinsShown::All);
}
