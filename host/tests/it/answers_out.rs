//! Answers out: `GET /api/v1/work-items/{id}/answers?format=json|hotdocs`
//! downloads what the work item holds, and each file imports back as the
//! initial answers of a new work item with the same answers (tested on the
//! example templates); the work item page's detail, history and audit read
//! as the dashboard shows them.

use serde_json::{json, Value};

use super::support::*;

/// Makes a template from an example file; its id.
async fn example_template(staff: &Staff, name: &str) -> String {
    let text = std::fs::read_to_string(format!("{}/../examples/templates/{name}.json", env!("CARGO_MANIFEST_DIR"))).expect("example template");
    let definition: Value = serde_json::from_str(&text).expect("example JSON");
    let made = staff.post("/api/v1/templates", json!({"name": name, "definition": definition})).await;
    assert_eq!(made.status, 201, "{}", made.text());
    made.json()["id"].as_str().expect("template id").to_owned()
}

/// The example answers of a template, mended where they are wrong on purpose
/// (the examples show the validator's report): no answer to a question the
/// template lacks, no choice that is not an option.
fn example_answers(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/../examples/answers/{name}.json", env!("CARGO_MANIFEST_DIR"))).expect("example answers");
    let mut answers: Value = serde_json::from_str(&text).expect("example answers JSON");
    if let Some(map) = answers.as_object_mut() {
        map.remove("favourite_colour");
        if name == "intake" {
            map.insert("goals".to_owned(), json!(["will", "tax"]));
        }
    }
    answers
}

async fn work_item_with(staff: &Staff, template: &str, answers: Value) -> Reply {
    staff.post("/api/v1/work-items", json!({"name": "Åsa Öberg / 2026", "template_id": template, "initial_answers": answers})).await
}

#[tokio::test]
async fn exported_answers_import_back_as_the_same_answers_in_both_formats() {
    let host = Host::start().await;
    let admin = host.admin().await;
    for example in ["intake", "kyc"] {
        let template = example_template(&admin, example).await;
        let made = work_item_with(&admin, &template, example_answers(example)).await;
        assert_eq!(made.status, 201, "{example}: {}", made.text());
        let id = made.json()["id"].as_str().unwrap().to_owned();
        let stored = admin.get(&format!("/api/v1/work-items/{id}")).await.json()["answers"].clone();
        assert!(stored.as_object().is_some_and(|a| !a.is_empty()), "{example}: {stored}");

        let as_json = admin.get(&format!("/api/v1/work-items/{id}/answers?format=json")).await;
        assert_eq!(as_json.status, 200);
        assert_eq!(as_json.header("content-type"), Some("application/json"));
        assert_eq!(as_json.header("content-disposition"), Some("attachment; filename=\"Asa-Oberg-2026-answers.json\""));
        assert_eq!(as_json.json(), stored, "{example}: the JSON is the answer set");
        let again = work_item_with(&admin, &template, as_json.json()).await;
        let again_id = again.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(admin.get(&format!("/api/v1/work-items/{again_id}")).await.json()["answers"], stored, "{example}: JSON round trip");

        let as_file = admin.get(&format!("/api/v1/work-items/{id}/answers?format=hotdocs")).await;
        assert_eq!(as_file.status, 200);
        assert_eq!(as_file.header("content-type"), Some("application/xml; charset=utf-8"));
        assert!(as_file.header("content-disposition").unwrap_or_default().ends_with(".anx\""));
        let xml = as_file.text();
        assert!(xml.contains("AnswerSet"), "{xml}");
        let imported = work_item_with(&admin, &template, Value::String(xml)).await;
        assert_eq!(imported.status, 201, "{example}: {}", imported.text());
        let imported_id = imported.json()["id"].as_str().unwrap().to_owned();
        // Answer files carry no uploaded files (docs/answer-files.md): all else comes back.
        assert_eq!(
            admin.get(&format!("/api/v1/work-items/{imported_id}")).await.json()["answers"],
            without_files(stored),
            "{example}: answer file round trip"
        );
    }
}

#[tokio::test]
async fn answers_out_refuses_an_unknown_format_or_work_item_and_callers_not_signed_in() {
    let host = Host::start().await;
    let admin = host.admin().await;
    let template = example_template(&admin, "intake").await;
    let id = work_item_with(&admin, &template, json!({})).await.json()["id"].as_str().unwrap().to_owned();
    let bad = admin.get(&format!("/api/v1/work-items/{id}/answers?format=pdf")).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "invalid_query");
    assert_eq!(admin.get("/api/v1/work-items/wi_missing/answers").await.status, 404);
    let anonymous = host.get(&format!("/api/v1/work-items/{id}/answers"), &[]).await;
    assert_eq!(anonymous.status, 401);
    // No answers yet: an empty answer set, which imports as nothing.
    let empty = admin.get(&format!("/api/v1/work-items/{id}/answers")).await;
    assert_eq!(empty.json(), json!({}));
}

#[tokio::test]
async fn the_work_item_page_reads_names_for_who_changed_what() {
    let host = Host::start().await;
    let admin = host.admin().await;
    let template = example_template(&admin, "intake").await;
    let made = work_item_with(&admin, &template, example_answers("intake")).await;
    let id = made.json()["id"].as_str().unwrap().to_owned();

    let detail = admin.get(&format!("/api/v1/work-items/{id}")).await.json();
    assert_eq!(detail["template_name"], "intake");
    assert_eq!(detail["template_live_version"], 1);
    assert_eq!(detail["status"], "draft");

    let history = admin.get(&format!("/api/v1/work-items/{id}/history")).await.json();
    assert_eq!(history[0]["source"], "initial");
    let admin_name = history[0]["actor_name"].as_str().unwrap_or_default().to_owned();
    assert!(!admin_name.is_empty() && !admin_name.starts_with("usr_"), "a person's name or email: {history}");

    let answered = admin.get(&format!("/api/v1/work-items/{id}/template")).await.json();
    assert_eq!((answered["template_id"].as_str(), answered["version"].as_u64()), (Some(template.as_str()), Some(1)));
    let packed = interview_runtime::Template::unpack(answered["template_packed"].as_str().unwrap()).expect("the packed template reads");
    assert_eq!(packed.pages[0].id, "about");
    assert_eq!(admin.get("/api/v1/work-items/wi_missing/template").await.status, 404);

    let audit = admin.get(&format!("/api/v1/work-items/{id}/audit")).await.json();
    assert_eq!(audit[0]["event"], "work_item_created");
    assert_eq!(audit[0]["actor_name"], admin_name.as_str());
}

/// `answers` less every answer that is a list of uploaded files (at any depth).
fn without_files(answers: Value) -> Value {
    let is_files = |v: &Value| v.as_array().is_some_and(|list| !list.is_empty() && list.iter().all(|f| f.get("file_id").is_some()));
    match answers {
        Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !is_files(v)).map(|(k, v)| (k, without_files(v))).collect()),
        Value::Array(list) => Value::Array(list.into_iter().map(without_files).collect()),
        other => other,
    }
}
