//! Staff users and their sessions over the API: who is signed in (the
//! session's CSRF token told again), disabling and enabling, the last-admin
//! guard, passwords set by an admin or changed by their owner, and the
//! `disable-user`, `enable-user` and `reset-password` commands of the binary.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use super::support::*;

const BO_PASSWORD: &str = "bo's long password";

fn expect(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.text());
    if status >= 400 {
        assert!(reply.json()["error"]["message"].is_string(), "{}", reply.text());
    }
}

fn code(reply: &Reply) -> Value {
    reply.json()["error"]["code"].clone()
}

/// Adds a user through the API and answers their id.
async fn add_user(admin: &Staff, email: &str, role: &str) -> String {
    let made = admin.post("/api/v1/users", json!({"email": email, "password": BO_PASSWORD, "role": role})).await;
    expect(&made, 201);
    made.json()["id"].as_str().expect("id").to_owned()
}

/// An API key made by `by`.
async fn key_of(by: &Staff) -> String {
    let made = by.post("/api/v1/api-keys", json!({"name": "Partner CRM"})).await;
    expect(&made, 201);
    made.json()["key"].as_str().expect("key").to_owned()
}

async fn session_of(h: &Host, cookie: &str, extra: &[(&str, &str)]) -> Reply {
    let mut headers = vec![("cookie", cookie)];
    headers.extend_from_slice(extra);
    h.raw("GET", "/api/v1/staff/session", "", &headers).await
}

fn sign_in_body(email: &str, password: &str) -> Value {
    json!({"email": email, "password": password})
}

#[tokio::test]
async fn the_session_tells_who_is_signed_in_and_the_same_csrf_token_that_works() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let again = session_of(&h, &admin.cookie, &[]).await;
    expect(&again, 200);
    let info = again.json();
    assert_eq!(info["csrf_token"], json!(admin.csrf), "the token of the sign-in, told again");
    assert_eq!(info["user"]["email"], ADMIN_EMAIL);
    assert_eq!(info["user"]["role"], "admin");
    assert!(info["user"]["id"].as_str().is_some_and(|id| id.starts_with("usr_")));
    assert!(info["user"]["name"].is_string());
    // The shared API type reads it.
    let typed: interview_api::SessionInfo = serde_json::from_value(info.clone()).expect("SessionInfo");
    assert_eq!(typed.user.role, interview_api::Role::Admin);

    // The token told by the GET works for a change, as a reloaded dashboard would use it.
    let csrf = info["csrf_token"].as_str().expect("token");
    let changed = h
        .raw(
            "POST",
            "/api/v1/clients",
            &json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"}).to_string(),
            &[("cookie", admin.cookie.as_str()), ("x-csrf-token", csrf), ("content-type", "application/json")],
        )
        .await;
    expect(&changed, 201);

    // Another session of the same user has another token.
    let second = h.admin().await;
    assert_ne!(second.csrf, admin.csrf);
    assert_eq!(session_of(&h, &second.cookie, &[]).await.json()["csrf_token"], json!(second.csrf));

    // Signed out, the cookie tells nothing.
    expect(&admin.delete("/api/v1/staff/session").await, 204);
    let gone = session_of(&h, &admin.cookie, &[]).await;
    expect(&gone, 401);
    assert_eq!(code(&gone), "not_signed_in");
}

#[tokio::test]
async fn without_a_signed_in_cookie_the_session_is_401() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let none = h.get("/api/v1/staff/session", &[]).await;
    expect(&none, 401);
    assert_eq!(code(&none), "not_signed_in");
    let forged = session_of(&h, "interview_staff=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &[]).await;
    expect(&forged, 401);
    // An API key has no session to tell, and with a bearer token the cookie is not looked at.
    let key = key_of(&admin).await;
    let by_key = h.with_key(&key, "GET", "/api/v1/staff/session", None).await;
    expect(&by_key, 401);
    assert_eq!(code(&by_key), "not_signed_in");
    let both = session_of(&h, &admin.cookie, &[("authorization", &format!("Bearer {key}"))]).await;
    expect(&both, 401);
    // An expired session tells nothing either (12 hours by default).
    h.clock.advance_secs(12 * 3600);
    expect(&session_of(&h, &admin.cookie, &[]).await, 401);
}

#[tokio::test]
async fn no_other_site_may_read_the_session_answer() {
    let h = Host::start().await;
    let admin = h.admin().await;
    // Even an origin allowed to embed the interview gets no CORS on staff routes.
    expect(&admin.put("/api/v1/settings", json!({"embed_origins": ["https://partner.example"]})).await, 200);
    for origin in ["https://evil.example", "https://partner.example"] {
        let reply = session_of(&h, &admin.cookie, &[("origin", origin)]).await;
        expect(&reply, 200);
        assert_eq!(reply.header("access-control-allow-origin"), None, "{origin}");
        assert_eq!(reply.header("access-control-allow-credentials"), None, "{origin}");
        let preflight = h
            .raw("OPTIONS", "/api/v1/staff/session", "", &[("origin", origin), ("access-control-request-method", "GET")])
            .await;
        assert_eq!(preflight.header("access-control-allow-origin"), None, "{origin}");
    }
    assert_eq!(admin.get("/api/v1/staff/session").await.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn disabling_a_user_ends_their_session_and_keys_at_once_and_enabling_lets_them_sign_in_again() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let bo_id = add_user(&admin, "bo@example.com", "admin").await;
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    let bo_key = key_of(&bo).await;
    let admin_key = key_of(&admin).await;
    expect(&bo.get("/api/v1/work-items").await, 200);
    expect(&h.with_key(&bo_key, "GET", "/api/v1/work-items", None).await, 200);

    let disabled = admin.patch(&format!("/api/v1/users/{bo_id}"), json!({"disabled": true})).await;
    expect(&disabled, 200);
    assert_eq!(disabled.json()["disabled"], true);
    assert_eq!(disabled.json()["id"], json!(bo_id));
    let typed: interview_api::User = serde_json::from_value(disabled.json()).expect("User");
    assert!(typed.disabled);

    // The very next request with the session or the key is refused.
    let session = bo.get("/api/v1/work-items").await;
    expect(&session, 401);
    assert_eq!(code(&session), "not_signed_in");
    expect(&session_of(&h, &bo.cookie, &[]).await, 401);
    expect(&h.with_key(&bo_key, "GET", "/api/v1/work-items", None).await, 401);
    // Other people's keys and sessions go on.
    expect(&h.with_key(&admin_key, "GET", "/api/v1/work-items", None).await, 200);
    expect(&admin.get("/api/v1/work-items").await, 200);

    // Signing in is refused with the same answer as a wrong password.
    let refused = h.post("/api/v1/staff/session", sign_in_body("bo@example.com", BO_PASSWORD), &[]).await;
    let wrong = h.post("/api/v1/staff/session", sign_in_body("bo@example.com", "not bo's password"), &[]).await;
    expect(&refused, 401);
    assert_eq!(code(&refused), "wrong_credentials");
    assert_eq!(refused.json(), wrong.json());

    let keys = admin.get("/api/v1/api-keys").await.json();
    let revoked: Vec<&Value> = keys.as_array().expect("keys").iter().filter(|k| k["revoked"] == true).collect();
    assert_eq!(revoked.len(), 1, "{keys}");
    assert_eq!(revoked[0]["created_by"], json!(bo_id));

    // Enabled again: bo signs in, but the old key stays revoked.
    let enabled = admin.patch(&format!("/api/v1/users/{bo_id}"), json!({"disabled": false})).await;
    expect(&enabled, 200);
    assert_eq!(enabled.json()["disabled"], false);
    let back = h.sign_in("bo@example.com", BO_PASSWORD).await;
    expect(&back.get("/api/v1/work-items").await, 200);
    expect(&h.with_key(&bo_key, "GET", "/api/v1/work-items", None).await, 401);
    assert_eq!(admin.get(&format!("/api/v1/users/{bo_id}")).await.json()["disabled"], false);
}

#[tokio::test]
async fn users_are_read_renamed_and_changed_by_admins_with_clear_errors() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let bo_id = add_user(&admin, "bo@example.com", "staff").await;
    let one = admin.get(&format!("/api/v1/users/{bo_id}")).await;
    expect(&one, 200);
    assert_eq!(one.json()["email"], "bo@example.com");
    assert_eq!(one.json()["role"], "staff");
    assert!(one.json().get("password_hash").is_none());

    let renamed = admin.patch(&format!("/api/v1/users/{bo_id}"), json!({"name": "  Bo Lee ", "role": "admin"})).await;
    expect(&renamed, 200);
    assert_eq!(renamed.json()["name"], "Bo Lee");
    assert_eq!(renamed.json()["role"], "admin");
    // Only what was sent changes; an empty change changes nothing.
    let same = admin.patch(&format!("/api/v1/users/{bo_id}"), json!({})).await;
    expect(&same, 200);
    assert_eq!(same.json(), renamed.json());
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    assert_eq!(session_of(&h, &bo.cookie, &[]).await.json()["user"]["name"], "Bo Lee");

    expect(&admin.get("/api/v1/users/usr_nobody").await, 404);
    expect(&admin.patch("/api/v1/users/usr_nobody", json!({"disabled": true})).await, 404);
    for (body, status, error) in [
        (json!({"name": ""}), 422, "invalid_name"),
        (json!({"name": "two\nlines"}), 422, "invalid_name"),
        (json!({"role": "root"}), 400, "invalid_body"),
        (json!({"disabled": "yes"}), 400, "invalid_body"),
        (json!({"email": "eve@example.com"}), 400, "invalid_body"),
    ] {
        let reply = admin.patch(&format!("/api/v1/users/{bo_id}"), body.clone()).await;
        expect(&reply, status);
        assert_eq!(code(&reply), error, "{body}");
    }
    let malformed = h
        .raw(
            "PATCH",
            &format!("/api/v1/users/{bo_id}"),
            "{not json",
            &[("cookie", admin.cookie.as_str()), ("x-csrf-token", admin.csrf.as_str()), ("content-type", "application/json")],
        )
        .await;
    expect(&malformed, 400);
    // A refused change changed nothing.
    assert_eq!(admin.get(&format!("/api/v1/users/{bo_id}")).await.json(), renamed.json());
    // Changes need the CSRF token like every other.
    let no_csrf = h.raw("PATCH", &format!("/api/v1/users/{bo_id}"), "{}", &[("cookie", admin.cookie.as_str()), ("content-type", "application/json")]).await;
    expect(&no_csrf, 403);
    assert_eq!(code(&no_csrf), "csrf");
}

#[tokio::test]
async fn the_last_enabled_admin_can_be_neither_disabled_nor_demoted() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let me = session_of(&h, &admin.cookie, &[]).await.json()["user"]["id"].as_str().expect("id").to_owned();
    for change in [json!({"disabled": true}), json!({"role": "staff"}), json!({"role": "staff", "disabled": true})] {
        let refused = admin.patch(&format!("/api/v1/users/{me}"), change.clone()).await;
        expect(&refused, 409);
        assert_eq!(code(&refused), "last_admin", "{change}");
    }
    // An admin API key cannot do it either.
    let made = admin.post("/api/v1/api-keys", json!({"name": "Ops", "role": "admin"})).await;
    let ops_key = made.json()["key"].as_str().expect("key").to_owned();
    let by_key = h.with_key(&ops_key, "PATCH", &format!("/api/v1/users/{me}"), Some(json!({"disabled": true}))).await;
    expect(&by_key, 409);
    expect(&admin.get("/api/v1/work-items").await, 200);

    // With a second admin the first may step down, and the second is then the last.
    let bo_id = add_user(&admin, "bo@example.com", "admin").await;
    let stepped_down = admin.patch(&format!("/api/v1/users/{me}"), json!({"role": "staff"})).await;
    expect(&stepped_down, 200);
    assert_eq!(stepped_down.json()["role"], "staff");
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    let last = bo.patch(&format!("/api/v1/users/{bo_id}"), json!({"disabled": true})).await;
    expect(&last, 409);
    assert_eq!(code(&last), "last_admin");
    // Disabling oneself is allowed while another admin remains, and ends one's own session.
    expect(&bo.patch(&format!("/api/v1/users/{me}"), json!({"role": "admin"})).await, 200);
    expect(&bo.patch(&format!("/api/v1/users/{bo_id}"), json!({"disabled": true})).await, 200);
    expect(&bo.get("/api/v1/work-items").await, 401);
}

#[tokio::test]
async fn staff_may_not_change_users_or_other_peoples_passwords() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let bo_id = add_user(&admin, "bo@example.com", "staff").await;
    let cy_id = add_user(&admin, "cy@example.com", "staff").await;
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    for reply in [
        bo.patch(&format!("/api/v1/users/{cy_id}"), json!({"disabled": true})).await,
        bo.patch(&format!("/api/v1/users/{bo_id}"), json!({"role": "admin"})).await,
        bo.patch(&format!("/api/v1/users/{cy_id}"), json!({"bad": "body"})).await,
        bo.get(&format!("/api/v1/users/{cy_id}")).await,
        bo.post(&format!("/api/v1/users/{cy_id}/password"), json!({"password": "a new long password"})).await,
        // Refused before the body is read, and whether the user exists is not told.
        bo.post(&format!("/api/v1/users/{cy_id}/password"), json!({"nonsense": 1})).await,
        bo.post("/api/v1/users/usr_nobody/password", json!({"password": "a new long password"})).await,
    ] {
        expect(&reply, 403);
        assert_eq!(code(&reply), "admin_only");
    }
    // A staff API key is not anyone's own password either.
    let staff_key = key_of(&admin).await;
    let by_key = h.with_key(&staff_key, "POST", &format!("/api/v1/users/{bo_id}/password"), Some(json!({"password": "a new long password"}))).await;
    expect(&by_key, 403);
    let unsigned = h.post(&format!("/api/v1/users/{bo_id}/password"), json!({"password": "a new long password"}), &[]).await;
    expect(&unsigned, 401);
    // Nothing changed: both still sign in with their passwords.
    h.sign_in("cy@example.com", BO_PASSWORD).await;
    h.sign_in("bo@example.com", BO_PASSWORD).await;
}

#[tokio::test]
async fn changing_ones_own_password_needs_the_current_one_and_ends_the_other_sessions_only() {
    let h = Host::start_with(|c| c.ip_rate_limit = 12).await;
    let admin = h.admin().await;
    let bo_id = add_user(&admin, "bo@example.com", "staff").await;
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    let bo_elsewhere = h.sign_in("bo@example.com", BO_PASSWORD).await;
    let path = format!("/api/v1/users/{bo_id}/password");

    let missing = bo.post(&path, json!({"password": "bo's new long password"})).await;
    expect(&missing, 422);
    assert_eq!(code(&missing), "current_password_required");
    let wrong = bo.post(&path, json!({"password": "bo's new long password", "current_password": "not it at all"})).await;
    expect(&wrong, 403);
    assert_eq!(code(&wrong), "wrong_password");
    let weak = bo.post(&path, json!({"password": "short", "current_password": BO_PASSWORD})).await;
    expect(&weak, 422);
    assert_eq!(code(&weak), "weak_password");
    let too_long = bo.post(&path, json!({"password": "x".repeat(1025), "current_password": BO_PASSWORD})).await;
    expect(&too_long, 422);
    expect(&bo.post(&path, json!({"password": 12, "current_password": BO_PASSWORD})).await, 400);
    // Nothing was changed by the refusals.
    expect(&bo_elsewhere.get("/api/v1/work-items").await, 200);

    let changed = bo.post(&path, json!({"password": "bo's new long password", "current_password": BO_PASSWORD})).await;
    expect(&changed, 204);
    assert!(changed.body.is_empty());
    // The caller's session goes on, with its token; the other one ended.
    expect(&bo.get("/api/v1/work-items").await, 200);
    expect(&bo.post("/api/v1/clients", json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"})).await, 201);
    expect(&bo_elsewhere.get("/api/v1/work-items").await, 401);
    expect(&h.post("/api/v1/staff/session", sign_in_body("bo@example.com", BO_PASSWORD), &[]).await, 401);
    h.sign_in("bo@example.com", "bo's new long password").await;
    // The admin's session was not touched.
    expect(&admin.get("/api/v1/users").await, 200);

    // Wrong current passwords count against the per-IP limit, like sign-ins.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let reply = bo.post(&path, json!({"password": "yet another long password", "current_password": "a wrong guess"})).await;
        statuses.push(reply.status);
        if reply.status == 429 {
            assert_eq!(code(&reply), "rate_limited");
            assert!(reply.header("retry-after").is_some());
            break;
        }
        assert_eq!(code(&reply), "wrong_password");
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

#[tokio::test]
async fn an_admin_sets_someone_elses_password_and_all_their_sessions_end() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let bo_id = add_user(&admin, "bo@example.com", "staff").await;
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    let path = format!("/api/v1/users/{bo_id}/password");
    let weak = admin.post(&path, json!({"password": "short"})).await;
    expect(&weak, 422);
    assert_eq!(code(&weak), "weak_password");
    expect(&bo.get("/api/v1/work-items").await, 200);

    // No current password needed: it is not the admin's own.
    expect(&admin.post(&path, json!({"password": "set by the admin"})).await, 204);
    expect(&bo.get("/api/v1/work-items").await, 401);
    expect(&admin.get("/api/v1/work-items").await, 200);
    h.sign_in("bo@example.com", "set by the admin").await;
    expect(&admin.post("/api/v1/users/usr_nobody/password", json!({"password": "set by the admin"})).await, 404);
    expect(&admin.post(&path, json!({"password": "set by the admin", "extra": true})).await, 400);

    // An admin changing their own password is changing their own: the current one is needed.
    let me = session_of(&h, &admin.cookie, &[]).await.json()["user"]["id"].as_str().expect("id").to_owned();
    let own = admin.post(&format!("/api/v1/users/{me}/password"), json!({"password": "the admin's new password"})).await;
    expect(&own, 422);
    assert_eq!(code(&own), "current_password_required");
}

// ------------------------------------------------------------------ the binary

/// Runs the `interview` binary on `data_dir`. The in-process host lets go of the
/// database a moment after it stops, so a command that finds it in use is tried again.
async fn interview(data_dir: &Path, args: &[&str], new_password: &str) -> std::process::Output {
    for _ in 0..100 {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_interview"))
            .args(args)
            .arg("--data-dir")
            .arg(data_dir)
            .env_remove("INTERVIEW_DATA_DIR")
            .env("INTERVIEW_NEW_PASSWORD", new_password)
            .output()
            .expect("run interview");
        if !String::from_utf8_lossy(&output.stderr).contains("in use by another process") {
            return output;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the database stayed in use");
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn host_on(dir: &Path) -> Host {
    let dir = dir.to_path_buf();
    Host::start_with(move |c| c.data_dir = dir).await
}

#[tokio::test]
async fn disable_user_enable_user_and_reset_password_work_on_a_stopped_host() {
    let data = tempfile::tempdir().expect("tempdir");
    let h = host_on(data.path()).await;
    let admin = h.admin().await;
    add_user(&admin, "bo@example.com", "admin").await;
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    let bo_key = key_of(&bo).await;
    let bo_cookie = bo.cookie.clone();
    drop(h);

    let disabled = interview(data.path(), &["disable-user", "--email", "Bo@Example.com"], "").await;
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    assert_eq!(stdout(&disabled).trim(), "Disabled bo@example.com: ended 1 session and revoked 1 API key.");
    let again = interview(data.path(), &["disable-user", "--email", "bo@example.com"], "").await;
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("disabled already"), "{}", stdout(&again));
    let nobody = interview(data.path(), &["disable-user", "--email", "nobody@example.com"], "").await;
    assert_eq!(nobody.status.code(), Some(2));
    assert!(stderr(&nobody).contains("no such user"), "{}", stderr(&nobody));
    // The last enabled admin stays.
    let last = interview(data.path(), &["disable-user", "--email", ADMIN_EMAIL], "").await;
    assert_eq!(last.status.code(), Some(2));
    assert!(stderr(&last).contains("last enabled admin"), "{}", stderr(&last));

    let h = host_on(data.path()).await;
    expect(&session_of(&h, &bo_cookie, &[]).await, 401);
    expect(&h.with_key(&bo_key, "GET", "/api/v1/work-items", None).await, 401);
    let refused = h.post("/api/v1/staff/session", sign_in_body("bo@example.com", BO_PASSWORD), &[]).await;
    assert_eq!(code(&refused), "wrong_credentials");
    let admin_cookie = h.admin().await.cookie;
    drop(h);

    let enabled = interview(data.path(), &["enable-user", "--email", "bo@example.com"], "").await;
    assert!(enabled.status.success(), "{}", stderr(&enabled));
    assert!(stdout(&enabled).starts_with("Enabled bo@example.com"), "{}", stdout(&enabled));
    let reset = interview(data.path(), &["reset-password", "--email", ADMIN_EMAIL], "the admin's new password").await;
    assert!(reset.status.success(), "{}", stderr(&reset));
    // The admin signed in on each of the two hosts.
    assert_eq!(stdout(&reset).trim(), format!("Changed the password of {ADMIN_EMAIL} and ended 2 sessions."));

    let h = host_on(data.path()).await;
    let bo = h.sign_in("bo@example.com", BO_PASSWORD).await;
    expect(&bo.get("/api/v1/work-items").await, 200);
    expect(&h.with_key(&bo_key, "GET", "/api/v1/work-items", None).await, 401);
    // reset-password ended the admin's sessions; the new password signs in.
    expect(&session_of(&h, &admin_cookie, &[]).await, 401);
    h.sign_in(ADMIN_EMAIL, "the admin's new password").await;
}
