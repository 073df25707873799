//! Lists paged by key: work items, clients and a work item's audit log in
//! pages of `limit`, newest first, the next page named by the `Link` header;
//! the rows the dashboard shows; expiry seen in the list as soon as it is due.

use interview_host::storage::records::WorkItemStatus;
use serde_json::{json, Value};

use super::support::*;

const HOUR: u64 = 3600;

fn template_body(name: &str) -> Value {
    json!({"name": name, "definition": {"format": "interview/1", "title": name, "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name"}
    ]}]}})
}

fn client_body(first: &str, last: &str) -> Value {
    json!({"title": "Ms", "first_name": first, "last_name": last, "email": format!("{}@example.com", first.to_lowercase())})
}

fn id_of(reply: &Reply) -> String {
    assert!(reply.status < 300, "{}", reply.text());
    reply.json()["id"].as_str().unwrap_or_else(|| panic!("no id in {}", reply.text())).to_owned()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter().map(|r| r["id"].as_str().unwrap_or_default().to_owned()).collect()
}

fn expect_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.json()["error"]["code"], code, "{}", reply.text());
    assert!(reply.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", reply.text());
}

/// The target of the `rel="next"` link, if the answer has one.
fn next_of(reply: &Reply) -> Option<String> {
    let link = reply.header("link")?;
    assert!(link.ends_with("; rel=\"next\""), "{link}");
    let target = link.strip_prefix('<')?.split_once('>')?.0;
    Some(target.to_owned())
}

/// One page: its rows and its next link.
async fn page(staff: &Staff, path: &str) -> (Vec<Value>, Option<String>) {
    let reply = staff.get(path).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    let rows = reply.json().as_array().cloned().unwrap_or_else(|| panic!("an array: {}", reply.text()));
    (rows, next_of(&reply))
}

/// Every page from `first` on, following the links.
async fn walk(staff: &Staff, first: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let (rows, link) = page(staff, &path).await;
        pages.push(rows);
        next = link;
        assert!(pages.len() < 100, "the walk does not end");
    }
    pages
}

async fn new_item(staff: &Staff, template: &str, name: &str) -> String {
    id_of(&staff.post("/api/v1/work-items", json!({"name": name, "template_id": template})).await)
}

async fn send(staff: &Staff, item: &str, client: Value) -> Reply {
    let sent = staff.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": client})).await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    sent
}

#[tokio::test]
async fn work_items_page_without_repeats_or_gaps_while_rows_are_added() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let tpl = id_of(&staff.post("/api/v1/templates", template_body("Matter")).await);
    let mut made = Vec::new();
    for n in 0..7 {
        made.push(new_item(&staff, &tpl, &format!("Matter {n}")).await);
        // Pairs share a millisecond, so the id breaks the tie.
        if n % 2 == 1 {
            h.clock.advance_secs(1);
        }
    }
    let (all, link) = page(&staff, "/api/v1/work-items?limit=200").await;
    assert_eq!(link, None, "one page holds everything");
    let all = ids(&all);
    let mut expected = made.clone();
    expected.sort();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    // Newest first: by time, then by id, descending.
    let order: Vec<(String, String)> = page(&staff, "/api/v1/work-items?limit=200").await.0.iter()
        .map(|r| (r["created_at"].as_str().unwrap_or_default().to_owned(), r["id"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let mut descending = order.clone();
    descending.sort_by(|a, b| b.cmp(a));
    assert_eq!(order, descending);

    let (first, next) = page(&staff, "/api/v1/work-items?limit=3").await;
    assert_eq!(first.len(), 3);
    let next = next.expect("a link to page 2");
    assert!(next.starts_with("/api/v1/work-items?") && next.contains("limit=3") && next.contains("cursor="), "{next}");
    // Rows made between two pages go before the walk's position: they neither
    // repeat a row nor push one out.
    h.clock.advance_secs(5);
    let late = [new_item(&staff, &tpl, "Late 1").await, new_item(&staff, &tpl, "Late 2").await];
    let mut walked = ids(&first);
    for rows in walk(&staff, &next).await {
        assert!(!rows.is_empty(), "no empty page is linked to");
        walked.extend(ids(&rows));
    }
    assert_eq!(walked, all, "every original row once, in order");
    assert!(late.iter().all(|l| !walked.contains(l)));
    // A new walk sees them first.
    let (fresh, _) = page(&staff, "/api/v1/work-items?limit=2").await;
    let mut late_first = late.to_vec();
    late_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids(&fresh), late_first);
}

#[tokio::test]
async fn the_link_is_there_only_while_more_rows_follow() {
    let h = Host::start().await;
    let staff = h.admin().await;
    for n in 0..6 {
        expect_status(&staff.post("/api/v1/clients", client_body(&format!("Ann{n}"), "Lee")).await, 201);
        h.clock.advance_secs(1);
    }
    let pages = walk(&staff, "/api/v1/clients?limit=3").await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3], "exactly two full pages, no empty third");
    let (_, last) = page(&staff, "/api/v1/clients?limit=6").await;
    assert_eq!(last, None);
    let (_, more) = page(&staff, "/api/v1/clients?limit=5").await;
    assert!(more.is_some());
    let names: Vec<String> = pages.concat().iter().map(|c| c["first_name"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(names, ["Ann5", "Ann4", "Ann3", "Ann2", "Ann1", "Ann0"], "newest first");
    // The client rows carry the whole client.
    let row = &pages[0][0];
    for field in ["id", "title", "first_name", "last_name", "email", "mobile", "region", "created_at", "updated_at"] {
        assert!(row.get(field).is_some(), "{field} in {row}");
    }
}

fn expect_status(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.text());
}

#[tokio::test]
async fn limits_must_be_1_to_200_and_default_to_50() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let tpl = id_of(&staff.post("/api/v1/templates", template_body("Matter")).await);
    let item = new_item(&staff, &tpl, "Matter").await;
    let audit = format!("/api/v1/work-items/{item}/audit");
    for list in ["/api/v1/work-items", "/api/v1/clients", audit.as_str()] {
        for bad in ["0", "201", "x", "-3", "1e2"] {
            expect_error(&staff.get(&format!("{list}?limit={bad}")).await, 400, "invalid_query");
        }
        for bad in ["nonsense!", "AAAA", "bm90IGEgY3Vyc29y"] {
            expect_error(&staff.get(&format!("{list}?cursor={bad}")).await, 400, "invalid_cursor");
        }
        expect_status(&staff.get(&format!("{list}?limit=200")).await, 200);
        expect_status(&staff.get(&format!("{list}?limit=1")).await, 200);
    }
    for n in 0..51 {
        expect_status(&staff.post("/api/v1/clients", client_body(&format!("C{n}"), "Ng")).await, 201);
    }
    let (rows, next) = page(&staff, "/api/v1/clients").await;
    assert_eq!(rows.len(), 50);
    let next = next.expect("a 51st client follows");
    assert!(next.contains("limit=50"), "{next}");
    let (rest, end) = page(&staff, &next).await;
    assert_eq!((rest.len(), end), (1, None));
}

#[tokio::test]
async fn filtered_pages_are_full_until_the_last_and_keep_their_filters() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let tpl = id_of(&staff.post("/api/v1/templates", template_body("Matter")).await);
    let mut wanted = Vec::new();
    let mut waiting = Vec::new();
    for n in 0..15 {
        let name = if n % 3 == 0 { format!("Öl & Co {n}") } else { format!("Other {n}") };
        let item = new_item(&staff, &tpl, &name).await;
        if n % 3 == 0 {
            wanted.push(item.clone());
        }
        if n % 4 == 0 {
            send(&staff, &item, client_body(&format!("Cy{n}"), "Park")).await;
            waiting.push(item);
        }
        h.clock.advance_secs(1);
    }
    wanted.reverse();
    waiting.reverse();

    let pages = walk(&staff, "/api/v1/work-items?q=%C3%B6L%20%26%20co&limit=2").await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!(ids(&pages.concat()), wanted);
    let reply = staff.get("/api/v1/work-items?q=%C3%B6L%20%26%20co&limit=2").await;
    let link = next_of(&reply).expect("link");
    assert!(link.contains("q=%C3%B6L%20%26%20co"), "the filter stays in the link, encoded: {link}");

    let pages = walk(&staff, "/api/v1/work-items?status=waiting_for_client&limit=3").await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 1]);
    assert_eq!(ids(&pages.concat()), waiting);
    assert!(pages.concat().iter().all(|r| r["status"] == "waiting_for_client"));

    // q finds the client's name too ("First Last", any case).
    let (rows, _) = page(&staff, "/api/v1/work-items?q=cy8%20PARK").await;
    assert_eq!(ids(&rows), [waiting[1].clone()]);
    // Both filters at once, and a walk that keeps them.
    let both = walk(&staff, "/api/v1/work-items?status=waiting_for_client&q=%C3%B6l&limit=1").await;
    let expected: Vec<String> = waiting.iter().filter(|w| wanted.contains(w)).cloned().collect();
    assert_eq!(ids(&both.concat()), expected);
    assert!(both.iter().all(|p| p.len() == 1));
    let (none, end) = page(&staff, "/api/v1/work-items?q=nothing%20like%20it&limit=2").await;
    assert!(none.is_empty() && end.is_none());
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let tpl = id_of(&staff.post("/api/v1/templates", template_body("Matter")).await);
    let item = new_item(&staff, &tpl, "Matter").await;
    for n in 0..6 {
        h.clock.advance_secs(1);
        let edit = staff.put(&format!("/api/v1/work-items/{item}/answers"), json!({"full_name": format!("Name {n}")})).await;
        expect_status(&edit, 200);
    }
    let (all, end) = page(&staff, &format!("/api/v1/work-items/{item}/audit?limit=200")).await;
    assert_eq!(end, None);
    assert_eq!(all.len(), 7);
    assert_eq!(all[0]["event"], "answers_edited");
    assert_eq!(all[6]["event"], "work_item_created");
    let times: Vec<&str> = all.iter().filter_map(|e| e["at"].as_str()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    let first = format!("/api/v1/work-items/{item}/audit?limit=3");
    let (_, link) = page(&staff, &first).await;
    assert!(link.as_deref().is_some_and(|l| l.starts_with(&format!("/api/v1/work-items/{item}/audit?cursor="))), "{link:?}");
    let pages = walk(&staff, &first).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    assert_eq!(pages.concat(), all, "no event skipped or repeated");
    // An event written mid-walk does not disturb it.
    let (page1, next) = page(&staff, &first).await;
    staff.put(&format!("/api/v1/work-items/{item}/answers"), json!({"full_name": "Later"})).await;
    let mut walked = page1;
    for rows in walk(&staff, &next.expect("next")).await {
        walked.extend(rows);
    }
    assert_eq!(walked, all);
    expect_status(&staff.get("/api/v1/work-items/wi_nope/audit?limit=2").await, 404);
}

#[tokio::test]
async fn rows_carry_what_the_list_shows() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let tpl = id_of(&staff.post("/api/v1/templates", template_body("Intake form")).await);
    let quiet = new_item(&staff, &tpl, "Quiet matter").await;
    let busy = new_item(&staff, &tpl, "Busy matter").await;
    h.clock.advance_secs(60);
    let sent = send(&staff, &busy, client_body("Ann", "Lee")).await;
    let (rows, _) = page(&staff, "/api/v1/work-items").await;
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).cloned().expect("row");
    let busy_row = row(&busy);
    assert_eq!(busy_row["template_name"], "Intake form");
    assert_eq!(busy_row["client_name"], "Ann Lee");
    assert_eq!(busy_row["status"], "waiting_for_client");
    assert_eq!(
        busy_row["interview"],
        json!({"id": sent.json()["id"], "state": "sent", "expires_at": sent.json()["expires_at"]})
    );
    assert_eq!(busy_row["last_activity_at"], "2026-11-24T09:01:00Z");
    assert_eq!(busy_row["created_at"], "2026-11-24T09:00:00Z");
    let quiet_row = row(&quiet);
    assert_eq!(quiet_row["client_name"], Value::Null);
    assert_eq!(quiet_row["interview"], Value::Null);
    assert_eq!(quiet_row["last_activity_at"], "2026-11-24T09:00:00Z");
    // The row is the shared type, field for field.
    let typed: Vec<interview_api::WorkItemRow> = serde_json::from_value(Value::Array(rows.clone())).expect("rows read as WorkItemRow");
    assert_eq!(typed.len(), 2);
}

#[tokio::test]
async fn an_expired_link_shows_in_the_list_and_the_item_without_another_request() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let tpl = id_of(&staff.post("/api/v1/templates", template_body("Matter")).await);
    let lapsing = new_item(&staff, &tpl, "Lapsing").await;
    let other = new_item(&staff, &tpl, "Other").await;
    send(&staff, &lapsing, client_body("Ann", "Lee")).await;
    h.clock.advance_secs(HOUR);
    send(&staff, &other, client_body("Bo", "Ng")).await;
    // The first link's lifetime (96 h) passes; the second's has an hour left.
    h.clock.advance_secs(95 * HOUR);
    // The staff session has lapsed too (12 hours).
    let staff = h.admin().await;

    let (rows, _) = page(&staff, "/api/v1/work-items").await;
    let row = rows.iter().find(|r| r["id"] == lapsing).expect("row");
    assert_eq!(row["status"], "expired", "{row}");
    assert_eq!(row["interview"]["state"], "expired", "{row}");
    assert_eq!(row["interview"]["expires_at"], Value::Null, "an ended link has no expiry");
    let (expired, _) = page(&staff, "/api/v1/work-items?status=expired").await;
    assert_eq!(ids(&expired), std::slice::from_ref(&lapsing));
    let (waiting, _) = page(&staff, "/api/v1/work-items?status=waiting_for_client").await;
    assert_eq!(ids(&waiting), std::slice::from_ref(&other));
    let audit = page(&staff, &format!("/api/v1/work-items/{lapsing}/audit")).await.0;
    assert_eq!(audit[0]["event"], "interview_expired");

    // Reading one work item writes down its own expiry and no other's.
    h.clock.advance_secs(HOUR);
    let shown = staff.get(&format!("/api/v1/work-items/{other}")).await;
    assert_eq!(shown.json()["status"], "expired", "{}", shown.text());
    assert_eq!(shown.json()["interviews"][0]["state"], "expired");
    let stored = h.state.storage.read(|tx| Ok(tx.work_item(&other)?)).expect("read").expect("item");
    assert_eq!(stored.status, WorkItemStatus::Expired);
    let report = h.state.storage.check().expect("check");
    assert!(report.is_ok(), "{report:#?}");
    assert_eq!(report.rows.get("interviews_by_expiry"), Some(&0), "no live interview is left in the expiry index");
}

#[tokio::test]
async fn reading_one_work_item_leaves_the_others_alone() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let tpl = id_of(&staff.post("/api/v1/templates", template_body("Matter")).await);
    let a = new_item(&staff, &tpl, "A").await;
    let b = new_item(&staff, &tpl, "B").await;
    send(&staff, &a, client_body("Ann", "Lee")).await;
    send(&staff, &b, client_body("Bo", "Ng")).await;
    h.clock.advance_secs(97 * HOUR);
    let staff = h.admin().await;
    let shown = staff.get(&format!("/api/v1/work-items/{a}")).await;
    assert_eq!(shown.json()["status"], "expired", "{}", shown.text());
    let status_of = |id: &str| h.state.storage.read(|tx| Ok(tx.work_item(id)?.map(|w| w.status))).expect("read");
    assert_eq!(status_of(&a), Some(WorkItemStatus::Expired));
    assert_eq!(status_of(&b), Some(WorkItemStatus::WaitingForClient), "B was not written by a read of A");
}
