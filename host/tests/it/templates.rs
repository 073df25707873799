//! Templates as the dashboard's screens read them: the list with its use
//! counts, any version's definition, and which interviews are pinned to
//! which version; with unknown ids and versions refused.

use interview_api::{PinnedInterview, TemplateSummary, VersionDetail};
use serde_json::{json, Value};

use super::support::*;

fn definition(title: &str) -> Value {
    json!({"format": "interview/1", "title": title, "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name", "required": true}
    ]}]})
}

fn id_of(reply: &Reply) -> String {
    assert!(matches!(reply.status, 200 | 201), "{} {}", reply.status, reply.text());
    reply.json()["id"].as_str().expect("id").to_owned()
}

async fn template(staff: &Staff, name: &str) -> String {
    id_of(&staff.post("/api/v1/templates", json!({"name": name, "definition": definition(name)})).await)
}

async fn work_item(staff: &Staff, template_id: &str, name: &str) -> String {
    id_of(&staff.post("/api/v1/work-items", json!({"name": name, "template_id": template_id})).await)
}

/// Sends an interview for the work item: its link token and id.
async fn send(staff: &Staff, item: &str, email: &str) -> (String, String) {
    let client = json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": email});
    let sent = staff.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": client})).await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let link = sent.json()["link"].as_str().expect("link").to_owned();
    let token = link.split_once("/i/#").expect("token in the fragment").1.to_owned();
    (token, sent.json()["id"].as_str().expect("id").to_owned())
}

async fn open(h: &Host, token: &str) {
    let opened = h.post("/api/v1/client/open", json!({"token": token}), &[]).await;
    assert_eq!(opened.status, 200, "{}", opened.text());
}

async fn list(staff: &Staff) -> Vec<TemplateSummary> {
    let reply = staff.get("/api/v1/templates").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("the list reads as TemplateSummary rows")
}

async fn pins(staff: &Staff, path: &str) -> (Vec<PinnedInterview>, Option<String>) {
    let reply = staff.get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    let next = reply.header("link").and_then(interview_api::next_cursor);
    (serde_json::from_slice(&reply.body).expect("pins read as PinnedInterview rows"), next)
}

fn error_code(reply: &Reply) -> String {
    reply.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_list_is_by_name_and_counts_the_work_items_of_each_template() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let zeta = template(&staff, "Zeta form").await;
    let alpha = template(&staff, "alpha form").await;
    let rows = list(&staff).await;
    assert_eq!(rows.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["alpha form", "Zeta form"]);
    assert!(rows.iter().all(|t| t.work_items == 0 && t.live_version == 1 && t.versions.len() == 1));

    for n in 0..3 {
        work_item(&staff, &alpha, &format!("Alpha {n}")).await;
    }
    work_item(&staff, &zeta, "Zeta 1").await;
    // A work item refused (no name) is not counted.
    let refused = staff.post("/api/v1/work-items", json!({"name": " ", "template_id": zeta})).await;
    assert_eq!(refused.status, 422);
    let rows = list(&staff).await;
    let count = |id: &str| rows.iter().find(|t| t.id == id).map(|t| t.work_items);
    assert_eq!((count(&alpha), count(&zeta)), (Some(3), Some(1)));

    // The same count on the template's own GET, and the counters agree with the rows.
    let one = staff.get(&format!("/api/v1/templates/{alpha}")).await;
    assert_eq!(one.json()["work_items"], 3);
    assert_eq!(one.json()["definition"]["title"], "alpha form");
    let report = h.state.storage.check().expect("check");
    assert!(report.is_ok(), "{report:#?}");
    assert_eq!(report.rows.get("work_items_per_template"), Some(&2));
}

#[tokio::test]
async fn any_version_is_read_with_its_definition_and_unknown_ones_are_not_found() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let id = template(&staff, "Intake").await;
    let added = staff.post(&format!("/api/v1/templates/{id}/versions"), json!({"definition": definition("Intake, second go")})).await;
    assert_eq!((added.status, added.json()["version"].clone()), (201, json!(2)));

    let read = |n: &str| {
        let path = format!("/api/v1/templates/{id}/versions/{n}");
        let staff = &staff;
        async move { staff.get(&path).await }
    };
    let v1: VersionDetail = serde_json::from_slice(&read("1").await.body).expect("version 1");
    assert!(v1.live);
    assert_eq!((v1.version.version, v1.version.title.as_str(), v1.template_name.as_str()), (1, "Intake", "Intake"));
    assert_eq!(v1.definition, definition("Intake"));
    assert!(v1.version.created_by.starts_with("usr_"));
    let packed = interview_runtime::Template::unpack(&v1.template_packed).expect("the packed form reads back");
    assert_eq!(packed.title, "Intake");
    let by = v1.version.created_by_name.clone().unwrap_or_default();
    assert!(!by.is_empty() && !by.starts_with("usr_"), "who added it, for a person: {by:?}");
    let v2: VersionDetail = serde_json::from_slice(&read("2").await.body).expect("version 2");
    assert!(!v2.live, "added, not published");
    assert_eq!(v2.definition["title"], "Intake, second go");

    let published = staff.post(&format!("/api/v1/templates/{id}/publish"), json!({"version": 2})).await;
    assert_eq!(published.status, 200);
    let v2: VersionDetail = serde_json::from_slice(&read("2").await.body).expect("version 2");
    assert!(v2.live);
    let v1: VersionDetail = serde_json::from_slice(&read("1").await.body).expect("version 1");
    assert!(!v1.live);

    for bad in ["3", "0", "abc", "-1", "99999999999"] {
        let reply = read(bad).await;
        assert_eq!((reply.status, error_code(&reply)), (404, "not_found".to_owned()), "version {bad}: {}", reply.text());
    }
    let unknown = staff.get("/api/v1/templates/tpl_nothing/versions/1").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(staff.get("/api/v1/templates/tpl_nothing").await.status, 404);
    let publish_unknown = staff.post(&format!("/api/v1/templates/{id}/publish"), json!({"version": 7})).await;
    assert_eq!((publish_unknown.status, error_code(&publish_unknown)), (422, "unknown_version".to_owned()));
    // Signed out, nothing is told.
    assert_eq!(h.get(&format!("/api/v1/templates/{id}/versions/1"), &[]).await.status, 401);
}

#[tokio::test]
async fn pins_say_which_interview_has_which_version_page_by_page() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let id = template(&staff, "Intake").await;
    let first_item = work_item(&staff, &id, "First matter").await;
    let (first_token, first_iv) = send(&staff, &first_item, "first@example.com").await;

    // Sent, not opened: not pinned yet.
    let rows = list(&staff).await;
    assert_eq!((rows[0].interviews_not_opened, rows[0].versions[0].interviews), (1, 0));
    let (all, _) = pins(&staff, &format!("/api/v1/templates/{id}/pins")).await;
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].interview_id.as_str(), all[0].version), (first_iv.as_str(), None));
    assert_eq!((all[0].work_item_name.as_str(), all[0].client_name.as_str()), ("First matter", "Ms Ann Lee"));

    // Opened: pinned to the live version 1, and kept there after version 2 is published.
    open(&h, &first_token).await;
    staff.post(&format!("/api/v1/templates/{id}/versions"), json!({"definition": definition("Intake 2")})).await;
    assert_eq!(staff.post(&format!("/api/v1/templates/{id}/publish"), json!({"version": 2})).await.status, 200);
    let second_item = work_item(&staff, &id, "Second matter").await;
    let (second_token, second_iv) = send(&staff, &second_item, "second@example.com").await;
    open(&h, &second_token).await;
    let third_item = work_item(&staff, &id, "Third matter").await;
    let (_, third_iv) = send(&staff, &third_item, "third@example.com").await;
    assert_eq!(staff.post(&format!("/api/v1/interviews/{third_iv}/cancel"), json!({})).await.status, 200);

    let rows = list(&staff).await;
    let counts: Vec<(u32, u64)> = rows[0].versions.iter().map(|v| (v.version, v.interviews)).collect();
    assert_eq!(counts, [(1, 1), (2, 1)]);
    assert_eq!((rows[0].interviews_not_opened, rows[0].work_items), (1, 3));

    // All of them: highest version first, not opened last.
    let (all, next) = pins(&staff, &format!("/api/v1/templates/{id}/pins")).await;
    let seen: Vec<(&str, Option<u32>)> = all.iter().map(|p| (p.interview_id.as_str(), p.version)).collect();
    assert_eq!(seen, [(second_iv.as_str(), Some(2)), (first_iv.as_str(), Some(1)), (third_iv.as_str(), None)]);
    assert_eq!(next, None);
    assert_eq!(serde_json::to_value(all[2].state).expect("state"), json!("cancelled"));
    assert_eq!(serde_json::to_value(all[0].state).expect("state"), json!("opened"));

    // One version, and the ones not opened.
    let (v1, _) = pins(&staff, &format!("/api/v1/templates/{id}/pins?version=1")).await;
    assert_eq!(v1.iter().map(|p| p.interview_id.as_str()).collect::<Vec<_>>(), [first_iv.as_str()]);
    let (none, _) = pins(&staff, &format!("/api/v1/templates/{id}/pins?version=none")).await;
    assert_eq!(none.iter().map(|p| p.interview_id.as_str()).collect::<Vec<_>>(), [third_iv.as_str()]);

    // Page by page: each row once, in the same order.
    let mut walked = Vec::new();
    let mut path = format!("/api/v1/templates/{id}/pins?limit=1");
    loop {
        let (page, next) = pins(&staff, &path).await;
        assert!(page.len() <= 1);
        walked.extend(page.into_iter().map(|p| p.interview_id));
        match next {
            Some(cursor) => path = format!("/api/v1/templates/{id}/pins?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, [second_iv.clone(), first_iv.clone(), third_iv.clone()]);

    // Bad input: 404 for what does not exist, 400 for what cannot be read.
    let bad = [
        ("/api/v1/templates/tpl_nothing/pins".to_owned(), 404, "not_found"),
        (format!("/api/v1/templates/{id}/pins?version=9"), 404, "not_found"),
        (format!("/api/v1/templates/{id}/pins?version=two"), 400, "invalid_query"),
        (format!("/api/v1/templates/{id}/pins?cursor=bm9wZQ"), 400, "invalid_cursor"),
        (format!("/api/v1/templates/{id}/pins?limit=0"), 400, "invalid_query"),
    ];
    for (path, status, code) in bad {
        let reply = staff.get(&path).await;
        assert_eq!((reply.status, error_code(&reply)), (status, code.to_owned()), "{path}: {}", reply.text());
    }
    let report = h.state.storage.check().expect("check");
    assert!(report.is_ok(), "{report:#?}");
    assert_eq!(report.rows.get("interviews_by_template"), Some(&3));
}
