//! Work groups over real TCP: admins create, rename, describe and archive
//! them, staff list them, new work items must name a live one, existing work
//! items keep theirs, and the work item list filters by group.

use serde_json::{json, Value};

use super::support::*;

const GROUPS: &str = "/api/v1/work-groups";

/// Asserts the status, and that an error body has the API's shape and this code.
fn expect(reply: &Reply, status: u16, code: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.text());
    if status >= 400 {
        assert!(
            reply.json()["error"]["message"].is_string(),
            "{}",
            reply.text()
        );
        assert!(
            reply
                .header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{:?}",
            reply.headers
        );
    }
    if let Some(code) = code {
        assert_eq!(reply.json()["error"]["code"], code, "{}", reply.text());
    }
}

fn id_of(reply: &Reply) -> String {
    reply.json()["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {}", reply.text()))
        .to_owned()
}

async fn new_group(admin: &Staff, name: &str) -> String {
    let made = admin.post(GROUPS, json!({"name": name})).await;
    expect(&made, 201, None);
    id_of(&made)
}

async fn template(admin: &Staff) -> String {
    let definition = json!({"format": "interview/1", "title": "Matter", "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name"}
    ]}]});
    let made = admin
        .post(
            "/api/v1/templates",
            json!({"name": "Matter", "definition": definition}),
        )
        .await;
    expect(&made, 201, None);
    id_of(&made)
}

async fn work_item(admin: &Staff, template_id: &str, name: &str, group: Option<&str>) -> Reply {
    let mut body = json!({"name": name, "template_id": template_id});
    if let Some(group) = group {
        body["work_group"] = json!(group);
    }
    admin.post("/api/v1/work-items", body).await
}

async fn listed(staff: &Staff, path: &str) -> Vec<Value> {
    let reply = staff.get(path).await;
    expect(&reply, 200, None);
    reply
        .json()
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("not a list: {}", reply.text()))
}

fn names(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|v| v["name"].as_str().unwrap_or_default())
        .collect()
}

async fn staff_user(h: &Host, admin: &Staff) -> Staff {
    let added = admin
        .post(
            "/api/v1/users",
            json!({"email": "bo@example.com", "password": "another long password"}),
        )
        .await;
    expect(&added, 201, None);
    h.sign_in("bo@example.com", "another long password").await
}

#[tokio::test]
async fn admins_create_groups_staff_list_them_and_names_are_unique_ignoring_case() {
    let h = Host::start().await;
    let admin = h.admin().await;
    assert!(listed(&admin, GROUPS).await.is_empty());

    let made = admin
        .post(
            GROUPS,
            json!({"name": "  North office ", "description": "Leeds and York"}),
        )
        .await;
    expect(&made, 201, None);
    let north = id_of(&made);
    assert!(north.starts_with("wg_") && north.len() == 29, "{north}");
    assert_eq!(
        made.json().as_object().map(|o| o.len()),
        Some(1),
        "only the id: {}",
        made.text()
    );
    let south = new_group(&admin, "south office").await;

    for taken in ["North office", "NORTH OFFICE", " north office  "] {
        expect(
            &admin.post(GROUPS, json!({"name": taken})).await,
            409,
            Some("work_group_exists"),
        );
    }

    let bo = staff_user(&h, &admin).await;
    let groups = listed(&bo, GROUPS).await;
    assert_eq!(
        names(&groups),
        ["North office", "south office"],
        "by name, ignoring case"
    );
    assert_eq!(
        groups[0],
        json!({"id": north, "name": "North office", "description": "Leeds and York", "archived": false, "created_at": "2026-11-24T09:00:00Z"})
    );
    assert_eq!(
        (groups[1]["id"].as_str(), &groups[1]["description"]),
        (Some(south.as_str()), &Value::Null)
    );
}

#[tokio::test]
async fn only_admins_change_groups_and_callers_without_credentials_are_refused() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let north = new_group(&admin, "North").await;
    let path = format!("{GROUPS}/{north}");

    let bo = staff_user(&h, &admin).await;
    expect(&bo.get(GROUPS).await, 200, None);
    expect(
        &bo.post(GROUPS, json!({"name": "Mine"})).await,
        403,
        Some("admin_only"),
    );
    expect(
        &bo.patch(&path, json!({"archived": true})).await,
        403,
        Some("admin_only"),
    );
    // The role is checked before the body is read.
    expect(
        &bo.post(GROUPS, json!({"nonsense": 1})).await,
        403,
        Some("admin_only"),
    );

    let staff_key = admin.post("/api/v1/api-keys", json!({"name": "CRM"})).await;
    let staff_key = staff_key.json()["key"].as_str().expect("key").to_owned();
    expect(
        &h.with_key(&staff_key, "GET", GROUPS, None).await,
        200,
        None,
    );
    expect(
        &h.with_key(&staff_key, "POST", GROUPS, Some(json!({"name": "Via key"})))
            .await,
        403,
        Some("admin_only"),
    );
    let admin_key = admin
        .post("/api/v1/api-keys", json!({"name": "Ops", "role": "admin"}))
        .await;
    let admin_key = admin_key.json()["key"].as_str().expect("key").to_owned();
    expect(
        &h.with_key(&admin_key, "POST", GROUPS, Some(json!({"name": "Via key"})))
            .await,
        201,
        None,
    );
    expect(
        &h.with_key(
            &admin_key,
            "PATCH",
            &path,
            Some(json!({"description": "By key"})),
        )
        .await,
        200,
        None,
    );

    expect(&h.get(GROUPS, &[]).await, 401, Some("not_signed_in"));
    expect(
        &h.post(GROUPS, json!({"name": "Anon"}), &[]).await,
        401,
        Some("not_signed_in"),
    );
    expect(
        &h.raw(
            "PATCH",
            &path,
            "{}",
            &[("content-type", "application/json")],
        )
        .await,
        401,
        Some("not_signed_in"),
    );
    let no_csrf = h
        .raw(
            "POST",
            GROUPS,
            r#"{"name": "No CSRF"}"#,
            &[
                ("cookie", &admin.cookie),
                ("content-type", "application/json"),
            ],
        )
        .await;
    expect(&no_csrf, 403, Some("csrf"));

    let all = listed(&admin, GROUPS).await;
    assert_eq!(
        names(&all),
        ["North", "Via key"],
        "nothing refused was made"
    );
    assert_eq!(all[0]["description"], "By key");
}

#[tokio::test]
async fn bad_bodies_and_unknown_ids_are_json_4xx() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let north = new_group(&admin, "North").await;
    let path = format!("{GROUPS}/{north}");
    let headers = [
        ("cookie", admin.cookie.as_str()),
        ("x-csrf-token", admin.csrf.as_str()),
        ("content-type", "application/json"),
    ];

    let cases: Vec<(&str, &str, String, u16, &str)> = vec![
        ("POST", GROUPS, "{\"name\": ".into(), 400, "malformed_json"),
        ("POST", GROUPS, "[]".into(), 400, "invalid_body"),
        ("POST", GROUPS, "{}".into(), 400, "invalid_body"),
        ("POST", GROUPS, r#"{"name": 5}"#.into(), 400, "invalid_body"),
        (
            "POST",
            GROUPS,
            r#"{"name": null}"#.into(),
            400,
            "invalid_body",
        ),
        (
            "POST",
            GROUPS,
            r#"{"name": "X", "description": ["a"]}"#.into(),
            400,
            "invalid_body",
        ),
        (
            "POST",
            GROUPS,
            r#"{"name": "X", "archived": true}"#.into(),
            400,
            "invalid_body",
        ),
        (
            "POST",
            GROUPS,
            r#"{"name": ""}"#.into(),
            422,
            "invalid_name",
        ),
        (
            "POST",
            GROUPS,
            r#"{"name": "   "}"#.into(),
            422,
            "invalid_name",
        ),
        (
            "POST",
            GROUPS,
            r#"{"name": "two\nlines"}"#.into(),
            422,
            "invalid_name",
        ),
        (
            "POST",
            GROUPS,
            json!({"name": "x".repeat(201)}).to_string(),
            422,
            "invalid_name",
        ),
        (
            "POST",
            GROUPS,
            json!({"name": "X", "description": "d".repeat(2001)}).to_string(),
            422,
            "invalid_description",
        ),
        (
            "POST",
            GROUPS,
            json!({"name": "x".repeat(2 << 20)}).to_string(),
            413,
            "too_large",
        ),
        ("PATCH", &path, "nope".into(), 400, "malformed_json"),
        (
            "PATCH",
            &path,
            r#"{"archived": "yes"}"#.into(),
            400,
            "invalid_body",
        ),
        ("PATCH", &path, r#"{"name": 1}"#.into(), 400, "invalid_body"),
        (
            "PATCH",
            &path,
            r#"{"colour": "red"}"#.into(),
            400,
            "invalid_body",
        ),
        (
            "PATCH",
            &path,
            r#"{"name": ""}"#.into(),
            422,
            "invalid_name",
        ),
        (
            "PATCH",
            &path,
            json!({"name": "x".repeat(201)}).to_string(),
            422,
            "invalid_name",
        ),
        (
            "PATCH",
            &path,
            json!({"description": "d".repeat(2001)}).to_string(),
            422,
            "invalid_description",
        ),
        (
            "PATCH",
            "/api/v1/work-groups/wg_nope",
            r#"{"archived": true}"#.into(),
            404,
            "not_found",
        ),
        (
            "PATCH",
            "/api/v1/work-groups/wg_nope",
            "{}".into(),
            404,
            "not_found",
        ),
    ];
    for (method, target, body, status, code) in &cases {
        let reply = h.raw(method, target, body, &headers).await;
        assert_eq!(
            reply.status,
            *status,
            "{method} {target} {}: {}",
            &body[..body.len().min(60)],
            reply.text()
        );
        expect(&reply, *status, Some(code));
    }
    let long_id = format!("{GROUPS}/{}", "w".repeat(5000));
    expect(
        &admin.patch(&long_id, json!({"archived": true})).await,
        404,
        Some("not_found"),
    );
    let no_type = h
        .raw("POST", GROUPS, r#"{"name": "Typeless"}"#, &headers[..2])
        .await;
    expect(&no_type, 415, Some("unsupported_media_type"));
    expect(
        &admin.get(&format!("{GROUPS}?archived=maybe")).await,
        400,
        Some("invalid_query"),
    );
    expect(
        &admin
            .get(&format!("{GROUPS}?archived=true&archived=false"))
            .await,
        400,
        Some("invalid_query"),
    );

    // None of it changed the group.
    let all = listed(&admin, GROUPS).await;
    assert_eq!(
        (names(&all), &all[0]["archived"], &all[0]["description"]),
        (vec!["North"], &json!(false), &Value::Null)
    );
}

#[tokio::test]
async fn a_patch_renames_describes_and_archives_only_what_it_sends() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let north = new_group(&admin, "North").await;
    new_group(&admin, "South").await;
    let path = format!("{GROUPS}/{north}");

    let described = admin
        .patch(&path, json!({"description": "  Leeds office "}))
        .await;
    expect(&described, 200, None);
    assert_eq!(
        described.json(),
        json!({"id": north, "name": "North", "description": "Leeds office", "archived": false, "created_at": "2026-11-24T09:00:00Z"})
    );
    let renamed = admin.patch(&path, json!({"name": "Northern"})).await;
    expect(&renamed, 200, None);
    assert_eq!(
        (&renamed.json()["name"], &renamed.json()["description"]),
        (&json!("Northern"), &json!("Leeds office"))
    );
    // Its own name in another case is no conflict; another group's is.
    expect(
        &admin.patch(&path, json!({"name": "NORTHERN"})).await,
        200,
        None,
    );
    expect(
        &admin
            .patch(&path, json!({"name": "south", "archived": true}))
            .await,
        409,
        Some("work_group_exists"),
    );
    let unchanged = admin.patch(&path, json!({})).await;
    expect(&unchanged, 200, None);
    assert_eq!(
        (&unchanged.json()["name"], &unchanged.json()["archived"]),
        (&json!("NORTHERN"), &json!(false)),
        "the refused change left all of it"
    );

    let archived = admin
        .patch(&path, json!({"archived": true, "description": null}))
        .await;
    expect(&archived, 200, None);
    assert_eq!(
        (
            &archived.json()["archived"],
            &archived.json()["description"]
        ),
        (&json!(true), &Value::Null)
    );
    assert_eq!(
        names(&listed(&admin, &format!("{GROUPS}?archived=true")).await),
        ["NORTHERN"]
    );
    assert_eq!(
        names(&listed(&admin, &format!("{GROUPS}?archived=false")).await),
        ["South"]
    );
    assert_eq!(names(&listed(&admin, GROUPS).await), ["NORTHERN", "South"]);
    // The old name is free again once the group has another.
    expect(
        &admin.post(GROUPS, json!({"name": "North"})).await,
        201,
        None,
    );

    let back = admin
        .patch(&path, json!({"archived": false, "description": ""}))
        .await;
    expect(&back, 200, None);
    assert_eq!(
        (&back.json()["archived"], &back.json()["description"]),
        (&json!(false), &Value::Null)
    );
}

#[tokio::test]
async fn new_work_items_need_a_live_group_and_existing_ones_keep_theirs() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin).await;
    let north = new_group(&admin, "North").await;

    let made = work_item(&admin, &tpl, "Lee matter", Some(" north ")).await;
    expect(&made, 201, None);
    let item = id_of(&made);
    let shown = admin.get(&format!("/api/v1/work-items/{item}")).await;
    expect(&shown, 200, None);
    assert_eq!(
        (&shown.json()["work_group"], &shown.json()["work_group_id"]),
        (&json!("North"), &json!(north))
    );
    let audit = admin.get(&format!("/api/v1/work-items/{item}/audit")).await;
    // Newest first: the one event so far is the creation.
    assert_eq!(audit.json().as_array().map(Vec::len), Some(1));
    assert_eq!(audit.json()[0]["event"], "work_item_created");
    assert_eq!(audit.json()[0]["detail"]["work_group"], json!(north));

    let unknown = work_item(&admin, &tpl, "Stray", Some("Nowhere")).await;
    expect(&unknown, 422, Some("unknown_work_group"));
    assert!(
        unknown.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Nowhere")),
        "{}",
        unknown.text()
    );
    expect(
        &work_item(&admin, &tpl, "Huge", Some(&"g".repeat(100_000))).await,
        422,
        Some("unknown_work_group"),
    );
    let wrong_type = admin
        .post(
            "/api/v1/work-items",
            json!({"name": "Typed", "template_id": tpl, "work_group": 7}),
        )
        .await;
    expect(&wrong_type, 400, Some("invalid_body"));
    // A blank group, or none, files the item under no group.
    for group in [Some("  "), None] {
        let plain = work_item(&admin, &tpl, "Ungrouped", group).await;
        expect(&plain, 201, None);
        let shown = admin
            .get(&format!("/api/v1/work-items/{}", id_of(&plain)))
            .await;
        assert_eq!(
            (&shown.json()["work_group"], &shown.json()["work_group_id"]),
            (&Value::Null, &Value::Null)
        );
    }

    expect(
        &admin
            .patch(
                &format!("{GROUPS}/{north}"),
                json!({"archived": true, "name": "North (old)"}),
            )
            .await,
        200,
        None,
    );
    expect(
        &work_item(&admin, &tpl, "Late", Some("North (old)")).await,
        422,
        Some("archived_work_group"),
    );
    expect(
        &work_item(&admin, &tpl, "Late", Some("North")).await,
        422,
        Some("unknown_work_group"),
    );
    // The item made before keeps its group, shown under the group's new name.
    let kept = admin.get(&format!("/api/v1/work-items/{item}")).await;
    assert_eq!(
        (&kept.json()["work_group"], &kept.json()["work_group_id"]),
        (&json!("North (old)"), &json!(north))
    );
    let items = listed(&admin, "/api/v1/work-items").await;
    let listed_item = items
        .iter()
        .find(|w| w["id"] == json!(item))
        .expect("listed");
    assert_eq!(listed_item["work_group"], "North (old)");

    // Brought back, it is offered again.
    expect(
        &admin
            .patch(&format!("{GROUPS}/{north}"), json!({"archived": false}))
            .await,
        200,
        None,
    );
    expect(
        &work_item(&admin, &tpl, "Back", Some("north (OLD)")).await,
        201,
        None,
    );
}

#[tokio::test]
async fn the_work_item_list_filters_by_group_name() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin).await;
    let north = new_group(&admin, "North office").await;
    new_group(&admin, "South").await;
    new_group(&admin, "Empty").await;
    for (name, group) in [
        ("Ash", Some("North office")),
        ("Birch", Some("South")),
        ("Cedar", Some("north OFFICE")),
        ("Dell", None),
    ] {
        expect(&work_item(&admin, &tpl, name, group).await, 201, None);
        h.clock.advance_secs(1);
    }

    let bo = staff_user(&h, &admin).await;
    let north_items = listed(&bo, "/api/v1/work-items?work_group=North%20office").await;
    assert_eq!(names(&north_items), ["Cedar", "Ash"], "newest first");
    assert!(north_items
        .iter()
        .all(|w| w["work_group"] == "North office" && w["work_group_id"] == json!(north)));
    assert_eq!(
        names(&listed(&bo, "/api/v1/work-items?work_group=NORTH+OFFICE").await),
        ["Cedar", "Ash"]
    );
    assert_eq!(
        names(&listed(&bo, "/api/v1/work-items?work_group=south").await),
        ["Birch"]
    );
    assert!(listed(&bo, "/api/v1/work-items?work_group=Empty")
        .await
        .is_empty());
    assert!(
        listed(&bo, "/api/v1/work-items?work_group=Nowhere")
            .await
            .is_empty(),
        "no such group: nothing filed under it"
    );
    assert!(listed(
        &bo,
        &format!("/api/v1/work-items?work_group={}", "z".repeat(4000))
    )
    .await
    .is_empty());
    assert_eq!(
        names(&listed(&bo, "/api/v1/work-items?work_group=").await),
        ["Dell", "Cedar", "Birch", "Ash"],
        "blank: no filter"
    );
    // With the other filters, all must match.
    assert_eq!(
        names(&listed(&bo, "/api/v1/work-items?work_group=North%20office&q=ced").await),
        ["Cedar"]
    );
    assert_eq!(
        names(
            &listed(
                &bo,
                "/api/v1/work-items?work_group=North%20office&status=draft"
            )
            .await
        ),
        ["Cedar", "Ash"]
    );
    assert!(listed(
        &bo,
        "/api/v1/work-items?work_group=North%20office&status=submitted"
    )
    .await
    .is_empty());
    // An archived group still filters: its items are still in it.
    expect(
        &admin
            .patch(&format!("{GROUPS}/{north}"), json!({"archived": true}))
            .await,
        200,
        None,
    );
    assert_eq!(
        names(&listed(&bo, "/api/v1/work-items?work_group=north%20office").await),
        ["Cedar", "Ash"]
    );

    expect(
        &bo.get("/api/v1/work-items?work_group=a&work_group=b").await,
        400,
        Some("invalid_query"),
    );
    expect(
        &bo.get("/api/v1/work-items?work_group=South&status=nope")
            .await,
        400,
        Some("invalid_status"),
    );
    expect(
        &h.get("/api/v1/work-items?work_group=South", &[]).await,
        401,
        Some("not_signed_in"),
    );
}
