//! Operating a running host: backups and checks over the admin API and from
//! the `interview` binary with `--host`, and the lockout metrics.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use interview_host::Storage;
use serde_json::{json, Value};

use super::support::*;

/// The `interview` binary run with `args` and `env` (INTERVIEW_API_KEY cleared unless given),
/// off the test's runtime so the host in this process keeps answering.
async fn interview(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_interview"));
        command
            .args(&args)
            .env_remove("INTERVIEW_API_KEY")
            .env_remove("INTERVIEW_DATA_DIR");
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().expect("runs")
    })
    .await
    .expect("joins")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Makes a client through the API; its id.
async fn some_client(staff: &Staff) -> String {
    let made = staff
        .post("/api/v1/clients", json!({"title": "Ms", "first_name": "Ada", "last_name": "Byron", "email": "ada@example.com"}))
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    made.json()["id"].as_str().expect("id").to_owned()
}

/// A key acting with `role`.
async fn api_key(staff: &Staff, role: &str) -> String {
    let made = staff
        .post(
            "/api/v1/api-keys",
            json!({"name": format!("ops {role}"), "role": role}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    made.json()["key"].as_str().expect("key").to_owned()
}

/// The first name of client `id` in the database in `data_dir`, opened with the crate's own storage.
fn first_name_in(data_dir: &Path, id: &str) -> Option<String> {
    let store = Storage::open(data_dir).expect("the backup opens as a database");
    let report = store.check().expect("checks");
    assert!(report.is_ok(), "{report:?}");
    let id = id.to_owned();
    store
        .read(move |tx| Ok(tx.client(&id)?))
        .expect("reads")
        .map(|c| c.first_name)
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_backup_taken_while_the_host_runs_is_a_database_with_the_data_made_before() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let client = some_client(&admin).await;

    let reply = admin.post("/api/v1/admin/backup", json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(
        reply.header("content-disposition"),
        Some("attachment; filename=\"interview-20261124T090000Z.redb\"")
    );
    assert_eq!(
        reply.header("content-length"),
        Some(reply.body.len().to_string().as_str())
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));

    let copy = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        copy.path().join(interview_host::storage::DATABASE_FILE),
        &reply.body,
    )
    .expect("write");
    assert_eq!(first_name_in(copy.path(), &client).as_deref(), Some("Ada"));

    // The host carries on, and the temporary copy is gone.
    assert_eq!(
        admin.get(&format!("/api/v1/clients/{client}")).await.status,
        200
    );
    let tmp = h
        .data
        .path()
        .join("data")
        .join(interview_host::http::admin::BACKUP_TMP_DIR);
    assert!(leftovers(&tmp).is_empty(), "{:?}", leftovers(&tmp));
}

#[tokio::test]
async fn backups_and_checks_are_for_admins_only() {
    let h = Host::start().await;
    let admin = h.admin().await;
    for path in ["/api/v1/admin/backup", "/api/v1/admin/check"] {
        let anonymous = h.raw("POST", path, "", &[]).await;
        assert_eq!(
            (anonymous.status, anonymous.json()["error"]["code"].clone()),
            (401, json!("not_signed_in")),
            "{path}"
        );
    }

    let user = admin
        .post("/api/v1/users", json!({"email": "bo@example.com", "password": "another long password", "role": "staff"}))
        .await;
    assert_eq!(user.status, 201, "{}", user.text());
    let staff = h.sign_in("bo@example.com", "another long password").await;
    let staff_key = api_key(&admin, "staff").await;
    for path in ["/api/v1/admin/backup", "/api/v1/admin/check"] {
        let refused = staff.post(path, json!({})).await;
        assert_eq!(
            (refused.status, refused.json()["error"]["code"].clone()),
            (403, json!("admin_only")),
            "{path}"
        );
        let refused = h.with_key(&staff_key, "POST", path, None).await;
        assert_eq!(
            (refused.status, refused.json()["error"]["code"].clone()),
            (403, json!("admin_only")),
            "{path}"
        );
        // The admin's cookie alone, without the CSRF header, does not do either.
        let forged = h
            .raw("POST", path, "", &[("cookie", admin.cookie.as_str())])
            .await;
        assert_eq!(
            (forged.status, forged.json()["error"]["code"].clone()),
            (403, json!("csrf")),
            "{path}"
        );
    }

    let admin_key = api_key(&admin, "admin").await;
    let backup = h
        .with_key(&admin_key, "POST", "/api/v1/admin/backup", None)
        .await;
    assert_eq!(backup.status, 200, "{}", backup.text());
    assert!(!backup.body.is_empty());
}

#[tokio::test]
async fn the_check_reports_a_sound_database() {
    let h = Host::start().await;
    let admin = h.admin().await;
    some_client(&admin).await;
    let reply = admin.post("/api/v1/admin/check", json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let report = reply.json();
    assert_eq!(
        (
            report["healthy"].clone(),
            report["integrity"].clone(),
            report["problems"].clone()
        ),
        (json!(true), json!("clean"), json!([]))
    );
    let rows = report["rows"].as_object().expect("rows per table");
    assert!(
        rows.values().any(|n| n.as_u64() == Some(1)),
        "the client is counted: {rows:?}"
    );
}

#[tokio::test]
async fn the_binary_backs_up_and_checks_a_running_host_with_host() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let client = some_client(&admin).await;
    let key = api_key(&admin, "admin").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("api-key");
    std::fs::write(&key_file, format!("{key}\n")).expect("write");
    let url = format!("http://{}", h.addr);

    let restored = dir.path().join("restored");
    std::fs::create_dir(&restored).expect("mkdir");
    let dest = restored.join(interview_host::storage::DATABASE_FILE);
    let args = vec![
        "backup".to_owned(),
        dest.display().to_string(),
        "--host".to_owned(),
        url.clone(),
        "--api-key-file".to_owned(),
        key_file.display().to_string(),
    ];
    let out = interview(args, vec![]).await;
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("Wrote a consistent copy"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        leftovers(&restored),
        vec![dest.clone()],
        "only the backup, no partial file"
    );
    assert_eq!(first_name_in(&restored, &client).as_deref(), Some("Ada"));

    // `check`, the key in the environment this time.
    let out = interview(
        vec!["check".into(), "--host".into(), url.clone()],
        vec![("INTERVIEW_API_KEY", key.clone())],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(
        (report["healthy"].clone(), report["integrity"].clone()),
        (json!(true), json!("clean"))
    );

    // A wrong key, and none at all, are usage errors with a message.
    let out = interview(
        vec!["check".into(), "--host".into(), url.clone()],
        vec![("INTERVIEW_API_KEY", "not-a-key".into())],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did not accept the API key"),
        "{}",
        text(&out.stderr)
    );
    let out = interview(vec!["check".into(), "--host".into(), url], vec![]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("INTERVIEW_API_KEY"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn without_host_the_binary_says_the_running_host_has_the_database() {
    let h = Host::start().await;
    let data_dir = h.data.path().join("data").display().to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("backup.redb");

    let out = interview(
        vec![
            "backup".into(),
            dest.display().to_string(),
            "--data-dir".into(),
            data_dir.clone(),
        ],
        vec![],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("in use by a running host") && stderr.contains("--host"),
        "{stderr}"
    );
    assert!(!dest.exists());

    let out = interview(vec!["check".into(), "--data-dir".into(), data_dir], vec![]).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("in use by a running host") && stderr.contains("interview check --host"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

// ---------------------------------------------------------------- lockouts

/// An interview sent with `auth` for a new work item: its link token.
async fn sent(staff: &Staff, auth: Value) -> String {
    let definition = json!({"format": "interview/1", "title": "T", "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "name", "label": "Name"}
    ]}]});
    let template = staff
        .post(
            "/api/v1/templates",
            json!({"name": "T", "definition": definition}),
        )
        .await;
    assert_eq!(template.status, 201, "{}", template.text());
    let item = staff
        .post(
            "/api/v1/work-items",
            json!({"name": "Matter", "template_id": template.json()["id"]}),
        )
        .await;
    assert_eq!(item.status, 201, "{}", item.text());
    let client = json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "mobile": "+44 7700 900123"});
    let path = format!(
        "/api/v1/work-items/{}/interviews",
        item.json()["id"].as_str().expect("id")
    );
    let sent = staff
        .post(&path, json!({"client": client, "auth": auth}))
        .await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    sent.json()["link"]
        .as_str()
        .expect("link")
        .split_once("/i/#")
        .expect("token")
        .1
        .to_owned()
}

async fn metric(h: &Host, line_start: &str) -> String {
    let text = h.get("/metrics", &[]).await.text();
    text.lines()
        .find(|l| l.starts_with(line_start))
        .unwrap_or_else(|| panic!("no {line_start} in {text}"))
        .to_owned()
}

#[tokio::test]
async fn lockouts_and_failed_sign_ins_are_counted() {
    let h = Host::start().await;
    let admin = h.admin().await;
    assert_eq!(
        metric(&h, "interview_lockouts_total{kind=\"passphrase\"}").await,
        "interview_lockouts_total{kind=\"passphrase\"} 0"
    );

    let token = sent(
        &admin,
        json!({"method": "passphrase", "passphrase": "correct horse"}),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let wrong = h
            .post(
                "/api/v1/client/auth/passphrase",
                json!({"token": token, "passphrase": "nope"}),
                &[],
            )
            .await;
        statuses.push(wrong.status);
    }
    // Four failures, the fifth locks, the sixth finds it locked (no new lockout, no attempt).
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429]);

    let token = sent(&admin, json!({"method": "sms"})).await;
    for _ in 0..5 {
        h.post(
            "/api/v1/client/auth/sms/start",
            json!({"token": token, "last4": "0000"}),
            &[],
        )
        .await;
    }
    let locked = h
        .post(
            "/api/v1/client/auth/sms/start",
            json!({"token": token, "last4": "0123"}),
            &[],
        )
        .await;
    assert_eq!(
        (locked.status, locked.json()["error"]["code"].clone()),
        (429, json!("locked"))
    );

    assert_eq!(
        metric(&h, "interview_lockouts_total{kind=\"passphrase\"}").await,
        "interview_lockouts_total{kind=\"passphrase\"} 1"
    );
    assert_eq!(
        metric(&h, "interview_lockouts_total{kind=\"sms\"}").await,
        "interview_lockouts_total{kind=\"sms\"} 1"
    );
    // Every failed attempt counts, the locking ones (answered 429) included.
    assert_eq!(
        metric(&h, "interview_auth_failures_total ").await,
        "interview_auth_failures_total 10"
    );
}
