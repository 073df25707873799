//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the HTTP API,
//! built from one table of operations ([`OPERATIONS`]) and hand-written JSON
//! Schemas. A derive macro crate would cost minutes of compile time and
//! attributes on handlers that live in other modules; instead tests hold the
//! table to the router: every `.route(...)` in the HTTP modules must be in the
//! table, and every operation in the table must answer on a running host.

use axum::Json;
use serde_json::{json, Map, Value};

/// Who may call an operation; decides its security and its auth errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone.
    Public,
    /// A client session (`Authorization: Bearer <session>`).
    Client,
    /// Signed-in staff (cookie, plus `X-CSRF-Token` when changing state) or an API key.
    Staff,
    /// Like [`Access::Staff`], admins only.
    Admin,
    /// Signed-in staff by the session cookie only (an API key has no session).
    StaffCookie,
}

/// What a request or an answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Nothing.
    Empty,
    /// JSON described by the named schema in `components/schemas`.
    Json(&'static str),
    /// A multipart form with one file.
    Multipart,
    /// Anything of this media type (text, documents).
    Raw(&'static str),
}

/// One possible answer to an operation.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// When it happens (and the error codes it carries).
    pub description: &'static str,
    /// The body.
    pub content: Content,
}

/// One operation of the API: a method on a route pattern.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// Lower-case HTTP method, as OpenAPI spells it.
    pub method: &'static str,
    /// The route pattern, as axum and OpenAPI both spell it (`/api/v1/clients/{id}`).
    pub path: &'static str,
    /// A unique name.
    pub id: &'static str,
    /// The group it is listed under.
    pub tag: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Query parameters: name and meaning.
    pub query: &'static [(&'static str, &'static str)],
    /// Request headers besides authentication: name and meaning.
    pub headers: &'static [(&'static str, &'static str)],
    /// The request body.
    pub body: Content,
    /// The answers specific to this operation; the ones its access and body
    /// imply (401, 403, 410, 400, 415, 503) are added when the document is built.
    pub answers: &'static [Answer],
    /// A list paged by key: `limit` and `cursor` in the query, a `Link` to the next page.
    pub paged: bool,
}

const fn ok(status: u16, description: &'static str, schema: &'static str) -> Answer {
    Answer { status, description, content: Content::Json(schema) }
}

const fn err(status: u16, description: &'static str) -> Answer {
    Answer { status, description, content: Content::Json("Error") }
}

const NOT_FOUND: Answer = err(404, "`not_found`: no such record.");
const RATE_LIMITED: Answer = err(429, "`rate_limited`: too many calls from this network, or `locked`: too many failed attempts on this link; see `Retry-After`.");

const fn op(method: &'static str, path: &'static str, id: &'static str, tag: &'static str, summary: &'static str) -> Operation {
    Operation { method, path, id, tag, summary, access: Access::Public, query: &[], headers: &[], body: Content::Empty, answers: &[], paged: false }
}

/// Every operation the host serves, in the order the document lists them.
pub const OPERATIONS: &[Operation] = &[
    // ------------------------------------------------------------ client
    Operation {
        body: Content::Json("TokenBody"),
        answers: &[
            ok(200, "The link is valid: a session, or the sign-in step it needs first.", "Opened"),
            err(410, "`expired`: the link was submitted, cancelled, expired or never existed (\"This request has expired.\")."),
            RATE_LIMITED,
        ],
        ..op("post", "/api/v1/client/open", "openLink", "client", "Trade a link token for a client session.")
    },
    Operation {
        body: Content::Json("PassphraseBody"),
        answers: &[
            ok(200, "The passphrase is right.", "Session"),
            err(401, "`wrong_passphrase`, with `attempts_left`."),
            err(410, "`expired`: the link no longer works."),
            RATE_LIMITED,
        ],
        ..op("post", "/api/v1/client/auth/passphrase", "signInWithPassphrase", "client", "Sign in with the passphrase staff chose.")
    },
    Operation {
        body: Content::Json("Last4Body"),
        answers: &[
            ok(202, "The code is on its way by SMS.", "SmsStarted"),
            err(401, "`wrong_digits`: not the last 4 digits of the mobile number."),
            err(410, "`expired`: the link no longer works."),
            RATE_LIMITED,
            err(503, "`sms_unavailable`: the SMS gateway failed; try again after `Retry-After` seconds."),
        ],
        ..op("post", "/api/v1/client/auth/sms/start", "startSms", "client", "Prove the mobile number's last 4 digits; a code is sent to it.")
    },
    Operation {
        body: Content::Json("CodeBody"),
        answers: &[
            ok(200, "The code is right.", "Session"),
            err(401, "`wrong_code`, with `attempts_left`."),
            err(410, "`expired`: the link no longer works."),
            RATE_LIMITED,
        ],
        ..op("post", "/api/v1/client/auth/sms/verify", "verifySms", "client", "Sign in with the code sent by SMS.")
    },
    Operation {
        access: Access::Client,
        answers: &[ok(200, "The interview's sections (templates at their pinned versions) and saved progress.", "Interview")],
        ..op("get", "/api/v1/client/interview", "getInterview", "client", "The interview to answer.")
    },
    Operation {
        access: Access::Client,
        body: Content::Json("AnswersBody"),
        answers: &[
            ok(200, "Saved.", "Saved"),
            err(422, "`invalid_answers`: answers of the wrong shape (incomplete answers are fine)."),
        ],
        ..op("put", "/api/v1/client/progress", "saveProgress", "client", "Save answers so far.")
    },
    Operation {
        access: Access::Client,
        body: Content::Multipart,
        answers: &[
            ok(201, "Stored; put the answer in the question's answer as is.", "UploadedFile"),
            err(400, "`file_required`, `one_file_only`, `empty_file` or `question_incomplete`."),
            err(413, "`too_large`: the file is larger than allowed."),
            err(415, "`unsupported_media_type`: not multipart, or a kind of file that is not accepted."),
            err(422, "`unknown_question`, or `too_many_files` for this request."),
        ],
        ..op("post", "/api/v1/client/files", "uploadFile", "client", "Upload one file for an answer.")
    },
    Operation {
        access: Access::Client,
        headers: &[("Idempotency-Key", "Any unique text up to 200 characters; a repeated key gets the original answer, also after the link was submitted.")],
        body: Content::Json("AnswersBody"),
        answers: &[
            ok(200, "Submitted (or the answer to an earlier submit with the same key).", "Receipt"),
            err(400, "`idempotency_key_required`."),
            err(422, "`invalid_answers`, with `errors`."),
        ],
        ..op("post", "/api/v1/client/submit", "submit", "client", "Submit the answers; the link then stops working.")
    },
    // ------------------------------------------------------------ staff
    Operation {
        body: Content::Json("SignIn"),
        answers: &[
            ok(200, "Signed in; the session cookie is set (`Set-Cookie`), send `csrf_token` as `X-CSRF-Token` on state-changing calls.", "SignedIn"),
            err(401, "`wrong_credentials`."),
            RATE_LIMITED,
        ],
        ..op("post", "/api/v1/staff/session", "signIn", "staff", "Sign in as staff.")
    },
    Operation {
        access: Access::StaffCookie,
        answers: &[ok(
            200,
            "Who the session cookie signs in, and the session's CSRF token again (the same as at sign-in). \
             No CORS headers are sent, so no other site can read this answer.",
            "SignedIn",
        )],
        ..op("get", "/api/v1/staff/session", "getSession", "staff", "Who is signed in, for a reloaded dashboard.")
    },
    Operation {
        access: Access::Staff,
        answers: &[Answer { status: 204, description: "Signed out; the cookie is cleared.", content: Content::Empty }],
        ..op("delete", "/api/v1/staff/session", "signOut", "staff", "Sign out.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("NewTemplate"),
        answers: &[
            ok(201, "Created; version 1 is live.", "TemplateCreated"),
            err(422, "`invalid_template`, with `errors`."),
        ],
        ..op("post", "/api/v1/templates", "createTemplate", "templates", "Create a template.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "All templates, by name (ignoring case), each with its use counts.", "TemplateList")],
        ..op("get", "/api/v1/templates", "listTemplates", "templates", "List templates.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "The template, its versions and its live definition.", "Template"), NOT_FOUND],
        ..op("get", "/api/v1/templates/{id}", "getTemplate", "templates", "One template.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("NewVersion"),
        answers: &[
            ok(201, "Added; not live until published.", "VersionCreated"),
            NOT_FOUND,
            err(422, "`invalid_template`, with `errors`."),
        ],
        ..op("post", "/api/v1/templates/{id}/versions", "addTemplateVersion", "templates", "Add a version of a template.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("Publish"),
        answers: &[ok(200, "The version is live.", "Published"), NOT_FOUND],
        ..op("post", "/api/v1/templates/{id}/publish", "publishTemplateVersion", "templates", "Make a version live.")
    },
    Operation {
        access: Access::Staff,
        answers: &[
            ok(200, "The version, whether it is live, and its definition.", "TemplateVersion"),
            err(404, "`not_found`: no such template, or no such version (a number it does not have, or not a number)."),
        ],
        ..op("get", "/api/v1/templates/{id}/versions/{version}", "getTemplateVersion", "templates", "One version of a template, with its definition.")
    },
    Operation {
        access: Access::Staff,
        query: &[("version", "Only the interviews pinned to this version, or `none`: those not opened yet (not pinned). Absent: all.")],
        answers: &[
            ok(200, "A page of the interviews with a section of the template: by pinned version, highest first (not opened yet last), then newest first.", "PinnedInterviewList"),
            err(400, "`invalid_query`: `version` is not a number or `none`; `invalid_cursor`."),
            err(404, "`not_found`: no such template, or no such version."),
        ],
        paged: true,
        ..op("get", "/api/v1/templates/{id}/pins", "listTemplatePins", "templates", "Which interviews are pinned to which version.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("ClientFields"),
        answers: &[ok(201, "Created.", "Created"), err(422, "A field is missing or malformed.")],
        ..op("post", "/api/v1/clients", "createClient", "clients", "Create a client.")
    },
    Operation {
        access: Access::Staff,
        query: &[("q", "Text to find in the first name, last name, \"first last\" or email, ignoring case.")],
        answers: &[ok(200, "A page of the matching clients, newest first.", "ClientList")],
        paged: true,
        ..op("get", "/api/v1/clients", "listClients", "clients", "Search clients.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "The client.", "Client"), NOT_FOUND],
        ..op("get", "/api/v1/clients/{id}", "getClient", "clients", "One client.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("ClientFields"),
        answers: &[ok(200, "The edited client.", "Client"), NOT_FOUND, err(422, "A field is malformed.")],
        ..op("patch", "/api/v1/clients/{id}", "editClient", "clients", "Edit a client (only the fields sent).")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("NewWorkItem"),
        answers: &[
            ok(201, "Created.", "Created"),
            NOT_FOUND,
            err(422, "`invalid_name`, `unknown_template`, `invalid_answers` (initial answers that do not fit the template), or `unknown_work_group` / `archived_work_group`: `work_group` names no work group, or an archived one."),
        ],
        ..op("post", "/api/v1/work-items", "createWorkItem", "work items", "Create a work item.")
    },
    Operation {
        access: Access::Staff,
        query: &[
            ("status", "Only work items in this status: draft, waiting_for_client, submitted, cancelled or expired."),
            ("q", "Text to find in the name or the client's name (\"First Last\"), ignoring case."),
            ("work_group", "Only work items filed under the work group of this name (ignoring case); none when no group has it."),
            ("client_id", "Only the work items attached to this client (`cli_…`). No index serves it: a page reads the list a chunk at a time until it is full."),
        ],
        answers: &[
            ok(200, "A page of the matching work items, newest first, each row with what the list shows.", "WorkItemList"),
            err(400, "`invalid_status`, or `invalid_query`: a parameter given twice."),
        ],
        paged: true,
        ..op("get", "/api/v1/work-items", "listWorkItems", "work items", "Search work items.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "The work item with its client, answers, interviews and documents.", "WorkItem"), NOT_FOUND],
        ..op("get", "/api/v1/work-items/{id}", "getWorkItem", "work items", "One work item.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("AnswerSet"),
        answers: &[ok(200, "Saved and audited.", "EditedAnswers"), NOT_FOUND, err(422, "`invalid_answers`, with `errors`.")],
        ..op("put", "/api/v1/work-items/{id}/answers", "editAnswers", "work items", "Replace a work item's answers.")
    },
    Operation {
        access: Access::Staff,
        query: &[("format", "`json` (the default): the answer set; `hotdocs`: a HotDocs-style answer file. Both import again as initial answers.")],
        answers: &[
            Answer { status: 200, description: "The answers, as an attachment.", content: Content::Raw("application/octet-stream") },
            NOT_FOUND,
            err(400, "`invalid_query`: an unknown format."),
        ],
        ..op("get", "/api/v1/work-items/{id}/answers", "downloadAnswers", "work items", "Download a work item's answers as a file.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "The template version the answers belong to, packed.", "AnsweredTemplate"), NOT_FOUND],
        ..op("get", "/api/v1/work-items/{id}/template", "getAnsweredTemplate", "work items", "The template version a work item's answers belong to.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("SendInterview"),
        answers: &[
            ok(201, "Sent: the link (shown only now) and the email to send it with.", "SentInterview"),
            NOT_FOUND,
            err(409, "`outstanding_interview`: one is already waiting for the client; `different_client`: the work item belongs to another client."),
            err(422, "`invalid_client`, a passphrase too short, a method not enabled, a bad client field, or `invalid_locale`: a language the host does not speak."),
        ],
        ..op("post", "/api/v1/work-items/{id}/interviews", "sendInterview", "work items", "Send an interview to a client.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "A page of the log, newest first.", "AuditLog"), NOT_FOUND],
        paged: true,
        ..op("get", "/api/v1/work-items/{id}/audit", "getAudit", "work items", "A work item's audit log.")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("NewDocument"),
        answers: &[ok(201, "Generated; download it from `url`.", "DocumentCreated"), NOT_FOUND, err(422, "`unknown_format`.")],
        ..op("post", "/api/v1/work-items/{id}/documents", "createDocument", "documents", "Generate a document from a work item's answers.")
    },
    Operation {
        access: Access::Staff,
        answers: &[
            Answer { status: 200, description: "The document, as an attachment.", content: Content::Raw("application/octet-stream") },
            NOT_FOUND,
        ],
        ..op("get", "/api/v1/documents/{id}", "downloadDocument", "documents", "Download a generated document.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "Cancelled; the link stops working.", "Cancelled"), NOT_FOUND, err(409, "The interview is already final.")],
        ..op("post", "/api/v1/interviews/{id}/cancel", "cancelInterview", "work items", "Cancel an interview.")
    },
    // ------------------------------------------------------------ interviews (the dashboard's wizard)
    Operation {
        access: Access::Staff,
        body: Content::Json("EmailRequest"),
        answers: &[
            ok(200, "The SMTP server's outcome: `sent`, or `failed` with `error` (audited as `email_sent` / `email_failed`).", "EmailOutcome"),
            NOT_FOUND,
            err(409, "`not_outstanding`: the interview is no longer waiting for the client."),
            err(422, "`smtp_not_configured`; `invalid_email`: a subject not one line of 1 to 1000 characters, or a body over 20000; `link_missing`: the body no longer holds the interview's link."),
        ],
        ..op("post", "/api/v1/interviews/{id}/email", "sendInterviewEmail", "work items", "Send an interview's email, as staff edited it, over SMTP.")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "What the \"Client interview\" wizard may offer.", "InterviewOptions")],
        ..op("get", "/api/v1/interview-options", "getInterviewOptions", "work items", "The sign-in methods, languages and email options for sending an interview.")
    },
    Operation {
        access: Access::Admin,
        answers: &[ok(200, "The settings; webhook secrets read `[redacted]`.", "Settings")],
        ..op("get", "/api/v1/settings", "getSettings", "settings", "The site settings.")
    },
    Operation {
        access: Access::Admin,
        body: Content::Json("SettingsChange"),
        answers: &[
            ok(200, "The settings after the change.", "Settings"),
            err(400, "`unknown_setting`, or `invalid_body`: not an object."),
            err(422, "`invalid_setting`: a value of the wrong type or out of range, or a new webhook without a secret; `errors` lists each problem as `{\"field\", \"message\"}`."),
        ],
        ..op("put", "/api/v1/settings", "putSettings", "settings", "Change some settings (only the keys sent).")
    },
    Operation {
        access: Access::Staff,
        answers: &[ok(200, "Every revision of the answers, oldest first.", "AnswerHistory"), NOT_FOUND],
        ..op("get", "/api/v1/work-items/{id}/history", "getAnswerHistory", "work items", "A work item's answer revisions.")
    },
    Operation {
        access: Access::Staff,
        query: &[("archived", "`true`: only archived groups; `false`: only the ones offered for new work items. Default: all.")],
        answers: &[ok(200, "The work groups, by name.", "WorkGroupList"), err(400, "`invalid_query`: `archived` is not `true` or `false`.")],
        ..op("get", "/api/v1/work-groups", "listWorkGroups", "work groups", "List work groups.")
    },
    Operation {
        access: Access::Admin,
        body: Content::Json("NewWorkGroup"),
        answers: &[
            ok(201, "Created.", "Created"),
            err(409, "`work_group_exists`: a group has that name, ignoring case."),
            err(422, "`invalid_name` (1 to 200 characters, one line) or `invalid_description` (at most 2000 characters)."),
        ],
        ..op("post", "/api/v1/work-groups", "createWorkGroup", "work groups", "Create a work group.")
    },
    Operation {
        access: Access::Admin,
        body: Content::Json("WorkGroupChange"),
        answers: &[
            ok(200, "The group after the change.", "WorkGroup"),
            NOT_FOUND,
            err(409, "`work_group_exists`: another group has that name, ignoring case."),
            err(422, "`invalid_name` or `invalid_description`."),
        ],
        ..op("patch", "/api/v1/work-groups/{id}", "editWorkGroup", "work groups", "Rename, describe, archive or bring back a work group (only the fields sent).")
    },
    Operation {
        access: Access::Admin,
        body: Content::Json("NewApiKey"),
        answers: &[
            ok(201, "Created; `key` is shown only in this answer.", "NewApiKeyCreated"),
            err(422, "A missing or too long name."),
        ],
        ..op("post", "/api/v1/api-keys", "createApiKey", "settings", "Create an API key for a partner back end.")
    },
    Operation {
        access: Access::Admin,
        answers: &[ok(200, "All API keys, without their secrets.", "ApiKeyList")],
        ..op("get", "/api/v1/api-keys", "listApiKeys", "settings", "List API keys.")
    },
    Operation {
        access: Access::Admin,
        answers: &[Answer { status: 204, description: "Revoked; the key stops working.", content: Content::Empty }, NOT_FOUND],
        ..op("delete", "/api/v1/api-keys/{id}", "revokeApiKey", "settings", "Revoke an API key.")
    },
    Operation {
        access: Access::Admin,
        answers: &[ok(200, "A page of the webhook deliveries, newest first (by when the event was queued).", "WebhookDeliveryList")],
        paged: true,
        ..op("get", "/api/v1/webhook-deliveries", "listWebhookDeliveries", "settings", "The webhook delivery log.")
    },
    Operation {
        access: Access::Admin,
        answers: &[
            ok(200, "The delivery, now due: the background task attempts it within a few seconds.", "WebhookDelivery"),
            NOT_FOUND,
            err(409, "`already_delivered`: the receiver has it already."),
        ],
        ..op("post", "/api/v1/webhook-deliveries/{id}/retry", "retryWebhookDelivery", "settings", "Retry a pending or failed webhook delivery now.")
    },
    Operation {
        access: Access::Admin,
        body: Content::Json("NewUser"),
        answers: &[
            ok(201, "Added.", "User"),
            err(409, "`user_exists`: a user with that email exists."),
            err(422, "`invalid_email`, or too short a password."),
        ],
        ..op("post", "/api/v1/users", "createUser", "settings", "Add a staff user.")
    },
    Operation {
        access: Access::Admin,
        answers: &[ok(200, "All staff users, by email.", "UserList")],
        ..op("get", "/api/v1/users", "listUsers", "settings", "List staff users.")
    },
    Operation {
        access: Access::Admin,
        answers: &[ok(200, "The user.", "User"), NOT_FOUND],
        ..op("get", "/api/v1/users/{id}", "getUser", "settings", "One staff user.")
    },
    Operation {
        access: Access::Admin,
        body: Content::Json("UserChange"),
        answers: &[
            ok(200, "The user after the change. Disabling ended their sessions and revoked the API keys they made.", "User"),
            NOT_FOUND,
            err(409, "`last_admin`: the change would leave no enabled admin."),
            err(422, "`invalid_name`: 1 to 200 characters, on one line."),
        ],
        ..op("patch", "/api/v1/users/{id}", "editUser", "settings", "Change a user's role or name, or disable or enable them (only the fields sent).")
    },
    Operation {
        access: Access::Staff,
        body: Content::Json("PasswordChange"),
        answers: &[
            Answer { status: 204, description: "Set; the user's other sessions ended (all of them when an admin set someone else's).", content: Content::Empty },
            err(403, "`admin_only`: someone else's password, and the caller is not an admin; `wrong_password`: `current_password` is not right."),
            NOT_FOUND,
            err(422, "`weak_password` (12 to 1024 characters), or `current_password_required` for one's own password."),
            err(429, "`rate_limited`: too many attempts from this network; see `Retry-After`."),
        ],
        ..op("post", "/api/v1/users/{id}/password", "setPassword", "settings", "Set a user's password: an admin for anyone, a user for themselves with the current one.")
    },
    // ------------------------------------------------------------ admin
    Operation {
        access: Access::Admin,
        answers: &[Answer {
            status: 200,
            description: "A consistent copy of the database (a redb file), taken while the host runs, as an attachment named \
                `interview-<UTC time>.redb` (`Content-Disposition`), with its `Content-Length`.",
            content: Content::Raw("application/octet-stream"),
        }],
        ..op("post", "/api/v1/admin/backup", "backupDatabase", "admin", "Back up the database while the host runs.")
    },
    Operation {
        access: Access::Admin,
        answers: &[
            ok(200, "The database is sound: the report, with `healthy: true`.", "CheckReport"),
            Answer {
                status: 500,
                description: "`database_problems`: the check found problems; the message says which, and `report` lists them.",
                content: Content::Json("CheckProblems"),
            },
        ],
        ..op("post", "/api/v1/admin/check", "checkDatabase", "admin", "Check the database's integrity, records and indexes.")
    },
    // ------------------------------------------------------------ operations
    Operation {
        answers: &[ok(200, "The host is up.", "Health")],
        ..op("get", "/healthz", "health", "operations", "Health check.")
    },
    Operation {
        answers: &[Answer { status: 200, description: "Prometheus text format 0.0.4.", content: Content::Raw("text/plain") }],
        ..op("get", "/metrics", "metrics", "operations", "Metrics for Prometheus.")
    },
    Operation {
        answers: &[Answer { status: 200, description: "This document.", content: Content::Raw("application/json") }],
        ..op("get", "/api/v1/openapi.json", "openapi", "operations", "The OpenAPI 3.1 description of the API.")
    },
];

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> Json<Value> {
    Json(document())
}

/// The whole OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for operation in OPERATIONS {
        let item = paths.entry(operation.path).or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            item.insert(operation.method.to_owned(), operation_json(operation));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Interview host API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Client interviews: staff send a personal link, the client answers in the browser, \
                staff get the answers. Every error is `{\"error\": {\"code\", \"message\", ...}}`; times are RFC 3339 UTC.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": [
            {"name": "client", "description": "The interview page and partner embeds: a link token traded for a client session."},
            {"name": "staff", "description": "Staff sign-in."},
            {"name": "templates"}, {"name": "clients"}, {"name": "work items"}, {"name": "documents"},
            {"name": "work groups", "description": "Headings work items are filed under; admins manage them."},
            {"name": "settings", "description": "Admins only."},
            {"name": "admin", "description": "Admins only: backups and checks of the running host's database."},
            {"name": "operations", "description": "Health, metrics and this document."},
        ],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "clientSession": {"type": "http", "scheme": "bearer", "description": "A client session from `/api/v1/client/open` or a sign-in call."},
                "staffCookie": {"type": "apiKey", "in": "cookie", "name": super::staff::COOKIE, "description": "Set by `POST /api/v1/staff/session`."},
                "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "The `csrf_token` of the sign-in answer; needed with the cookie on state-changing calls."},
                "apiKey": {"type": "http", "scheme": "bearer", "description": "An API key, for partner back ends."},
            },
            "headers": {
                "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 0}},
                "Link": {"description": "When more rows follow: `<path?filters&cursor=…&limit=…>; rel=\"next\"`, the next page (the path relative to the host, the same filters URL-encoded). Absent on the last page.", "schema": {"type": "string"}},
                "Set-Cookie": {"description": "The staff session cookie (HttpOnly, SameSite=Strict).", "schema": {"type": "string"}},
                "X-Request-Id": {"description": "The request's id: the caller's own `X-Request-Id` when it is up to 64 of [A-Za-z0-9-_], else a new one.", "schema": {"type": "string"}},
            },
        },
    })
}

fn operation_json(operation: &Operation) -> Value {
    let mut parameters = Vec::new();
    for segment in operation.path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parameters.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
        }
    }
    for (name, description) in operation.query {
        parameters.push(json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": "string"}}));
    }
    if operation.paged {
        parameters.push(json!({"name": "limit", "in": "query", "required": false, "description": "Rows per page.",
                               "schema": {"type": "integer", "minimum": 1, "maximum": interview_api::paging::MAX_LIMIT, "default": interview_api::paging::DEFAULT_LIMIT}}));
        parameters.push(json!({"name": "cursor", "in": "query", "required": false,
                               "description": "Where the page starts: the cursor of the previous page's `Link` header (opaque).", "schema": {"type": "string"}}));
    }
    for (name, description) in operation.headers {
        parameters.push(json!({"name": name, "in": "header", "required": true, "description": description, "schema": {"type": "string", "maxLength": 200}}));
    }

    let mut answers: Vec<(u16, String, Content)> =
        operation.answers.iter().map(|a| (a.status, a.description.to_owned(), a.content)).collect();
    // An implied answer with a status already listed adds its reasons to that one.
    let mut add = |answer: Answer| match answers.iter_mut().find(|(status, _, _)| *status == answer.status) {
        Some((_, description, _)) => {
            description.push_str(" Or ");
            description.push_str(answer.description);
        }
        None => answers.push((answer.status, answer.description.to_owned(), answer.content)),
    };
    let changes_state = !matches!(operation.method, "get" | "head" | "options");
    match operation.access {
        Access::Public => {}
        Access::Client => add(err(410, "`expired`: no session, or the session or its link is no longer valid.")),
        Access::StaffCookie => add(err(401, "`not_signed_in`: no valid staff session cookie (an API key has no session).")),
        Access::Staff | Access::Admin => {
            add(err(401, "`not_signed_in`: no valid staff session or API key."));
            if operation.access == Access::Admin {
                add(err(403, "`admin_only`, or `csrf` when the cookie comes without a valid `X-CSRF-Token`."));
            } else if changes_state {
                add(err(403, "`csrf`: the cookie came without a valid `X-CSRF-Token`."));
            }
        }
    }
    if operation.paged {
        add(err(400, "`invalid_query`: a `limit` that is not 1 to 200; `invalid_cursor`: a `cursor` this list did not give out."));
    }
    if let Content::Json(_) = operation.body {
        add(err(400, "`malformed_json` or `invalid_body`: the body is not JSON of the expected fields and types."));
        add(err(413, "`too_large`: the body is larger than this call accepts."));
        add(err(415, "`unsupported_media_type`: send `Content-Type: application/json`."));
    }
    // The API's layers shed load and time out; the operations routes sit outside them.
    if operation.tag != "operations" {
        add(err(503, "`unavailable`: the host is busy or the request took too long; try again (see `Retry-After`)."));
    }
    answers.sort_by_key(|(status, _, _)| *status);

    let mut responses = Map::new();
    for (status, description, content) in answers {
        let mut response = json!({"description": description, "headers": {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}});
        if let Some(content) = content_json(content) {
            response["content"] = content;
        }
        if matches!(status, 429 | 503) {
            response["headers"]["Retry-After"] = json!({"$ref": "#/components/headers/Retry-After"});
        }
        if operation.paged && status == 200 {
            response["headers"]["Link"] = json!({"$ref": "#/components/headers/Link"});
        }
        if operation.id == "signIn" && status == 200 {
            response["headers"]["Set-Cookie"] = json!({"$ref": "#/components/headers/Set-Cookie"});
        }
        responses.insert(status.to_string(), response);
    }

    let mut out = json!({
        "operationId": operation.id,
        "tags": [operation.tag],
        "summary": operation.summary,
        "responses": responses,
    });
    if !parameters.is_empty() {
        out["parameters"] = Value::Array(parameters);
    }
    if let Some(content) = content_json(operation.body) {
        out["requestBody"] = json!({"required": true, "content": content});
    }
    out["security"] = match operation.access {
        Access::Public => json!([]),
        Access::Client => json!([{"clientSession": []}]),
        Access::StaffCookie => json!([{"staffCookie": []}]),
        Access::Staff | Access::Admin if changes_state => json!([{"staffCookie": [], "csrfToken": []}, {"apiKey": []}]),
        Access::Staff | Access::Admin => json!([{"staffCookie": []}, {"apiKey": []}]),
    };
    out
}

fn content_json(content: Content) -> Option<Value> {
    match content {
        Content::Empty => None,
        Content::Json(name) => Some(json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}})),
        Content::Multipart => Some(json!({"multipart/form-data": {
            "schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "contentMediaType": "application/octet-stream", "description": "One file."},
                "section": {"type": "string", "description": "With `question`: the file question it answers, whose limits apply."},
                "question": {"type": "string", "description": "With `section`: the item id of the file question."},
            }}
        }})),
        Content::Raw(media_type) => Some(json!({media_type: {}})),
    }
}

/// `{"type": "string"}` with a description.
fn text(description: &str) -> Value {
    json!({"type": "string", "description": description})
}

/// An RFC 3339 UTC time.
fn time() -> Value {
    json!({"type": "string", "format": "date-time"})
}

/// A time that may be absent.
fn maybe_time() -> Value {
    json!({"type": ["string", "null"], "format": "date-time"})
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn array_of(name: &str) -> Value {
    json!({"type": "array", "items": schema_ref(name)})
}

/// The JSON Schemas of the bodies, as the handlers read and write them.
fn schemas() -> Value {
    let maybe_text = json!({"type": ["string", "null"]});
    let session = object(
        &["session", "expires_at"],
        json!({"session": text("Send as `Authorization: Bearer <session>`."), "expires_at": time()}),
    );
    let client_fields = json!({
        "title": {"type": ["string", "null"], "description": "Mr, Ms, Dr, ..."},
        "first_name": maybe_text, "last_name": maybe_text, "email": maybe_text,
        "mobile": {"type": ["string", "null"], "description": "Any common form; stored in E.164."},
        "region": {"type": ["string", "null"], "description": "ISO 3166 alpha-2 region the mobile number is written in, when it has no country code."},
    });
    let mut client = client_fields.clone();
    client["id"] = json!({"type": "string"});
    client["created_at"] = time();
    client["updated_at"] = time();
    let settings = json!({
        "link_lifetime_secs": {"type": "integer", "minimum": 60, "description": "How long a link stays active if never opened."},
        "access_window_secs": {"type": "integer", "minimum": 60, "description": "How long a link stays active after its last access."},
        "auth_methods": {"type": "array", "items": schema_ref("AuthMethod"), "minItems": 1},
        "max_failed_attempts": {"type": "integer", "minimum": 1, "maximum": 100},
        "lockout_secs": {"type": "integer", "minimum": 1},
        "client_session_secs": {"type": "integer"},
        "staff_session_secs": {"type": "integer"},
        "public_base_url": {"type": "string", "format": "uri"},
        "embed_origins": {"type": "array", "items": {"type": "string"}},
        "email_subject": {"type": "string"},
        "email_body": {"type": "string"},
        "webhooks": {"type": "array", "maxItems": 20, "items": object(&["url"], json!({"url": {"type": "string", "format": "uri"}, "secret": {"type": "string", "writeOnly": true, "description": "At least 16 characters. Reads `[redacted]`; left out or `[redacted]` in a PUT, the secret stored for the same URL is kept."}}))},
    });
    let settings_keys: Vec<String> = settings.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let answer_set = json!({"type": "object", "description": "Answers keyed by item id, as the template defines them.", "additionalProperties": true});

    let entries = [
        ("Error", object(&["error"], json!({"error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": text("snake_case, stable: what programs match on."),
                "message": text("A sentence for a person."),
                "attempts_left": {"type": "integer", "minimum": 0},
                "retry_after": {"type": "integer", "minimum": 0, "description": "Seconds; also in `Retry-After`."},
                "errors": {"type": "array", "items": schema_ref("FieldError")},
            },
        }}))),
        ("FieldError", object(&["path", "code", "message"], json!({
            "section": text("The section id (client calls)."), "path": text("The item id."),
            "code": {"type": "string"}, "message": {"type": "string"},
        }))),
        ("AuthMethod", json!({"type": "string", "enum": ["none", "passphrase", "sms"]})),
        ("Locale", json!({"type": "string", "enum": ["en", "fr", "de"], "description": "The language of the product's own words to the client (validation messages, the SMS code)."})),
        ("TokenBody", object(&["token"], json!({"token": text("The link token from the link's fragment.")}))),
        ("PassphraseBody", object(&["token", "passphrase"], json!({"token": {"type": "string"}, "passphrase": {"type": "string"}}))),
        ("Last4Body", object(&["token", "last4"], json!({"token": {"type": "string"}, "last4": {"type": "string", "pattern": "^[0-9]{4}$"}}))),
        ("CodeBody", object(&["token", "code"], json!({"token": {"type": "string"}, "code": {"type": "string", "pattern": "^[0-9]{6}$"}}))),
        ("Session", session),
        ("Opened", json!({"oneOf": [
            object(&["state", "session", "expires_at", "locale"], json!({"state": {"const": "ready"}, "session": {"type": "string"}, "expires_at": time(), "locale": schema_ref("Locale")})),
            object(&["state", "method", "locale"], json!({"state": {"const": "auth_required"}, "method": {"type": "string", "enum": ["passphrase", "sms"]}, "locale": schema_ref("Locale")})),
        ]})),
        ("SmsStarted", object(&["code_expires_in"], json!({"code_expires_in": {"type": "integer", "description": "Seconds."}}))),
        ("AnswerSet", answer_set),
        ("SectionAnswers", json!({"type": "object", "description": "Answer sets keyed by section id.", "additionalProperties": schema_ref("AnswerSet")})),
        ("AnswersBody", object(&["answers"], json!({"answers": schema_ref("SectionAnswers")}))),
        ("Interview", object(&["id", "title", "locale", "sections", "answers"], json!({
            "id": {"type": "string", "description": "The interview's id (the page keys its local draft by it)."},
            "title": {"type": "string"},
            "locale": schema_ref("Locale"),
            "sections": {"type": "array", "items": object(&["id", "title", "template_version", "template", "template_packed"], json!({
                "id": {"type": "string"}, "title": {"type": "string"}, "template_version": {"type": "integer"},
                "template": {"type": "object", "description": "The template document (the source of truth)."},
                "template_packed": {"type": "string", "description": "The same template read and checked, in the engine's packed form (a format version character, then base64); the interview page reads this instead of the document. Its format may change with the engine: partners with their own UI read `template`."},
            }))},
            "answers": schema_ref("SectionAnswers"),
            "saved_at": maybe_time(),
            "expires_at": maybe_time(),
        }))),
        ("Saved", object(&["saved_at"], json!({"saved_at": time()}))),
        ("UploadedFile", object(&["file_id", "name", "size", "content_type", "sha256"], json!({
            "file_id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"},
            "content_type": {"type": "string"}, "sha256": text("Hex digest of the content."),
        }))),
        ("Receipt", object(&["receipt", "message"], json!({"receipt": text("The number shown to the client."), "message": {"const": "Data successfully submitted"}}))),
        ("SignIn", object(&["email", "password"], json!({"email": {"type": "string"}, "password": {"type": "string", "writeOnly": true}}))),
        ("SignedIn", object(&["csrf_token", "user"], json!({
            "csrf_token": text("Send as `X-CSRF-Token` on state-changing calls."),
            "user": object(&["id", "email", "name", "role"], json!({"id": {"type": "string"}, "email": {"type": "string"}, "name": {"type": "string"}, "role": schema_ref("Role")})),
        }))),
        ("NewTemplate", object(&["name", "definition"], json!({"name": {"type": "string"}, "definition": {"type": "object", "description": "A template document (`interview/1`)."}}))),
        ("TemplateCreated", object(&["id", "version"], json!({"id": {"type": "string"}, "version": {"const": 1}}))),
        ("NewVersion", object(&["definition"], json!({"definition": {"type": "object"}}))),
        ("VersionCreated", object(&["version"], json!({"version": {"type": "integer"}}))),
        ("Publish", object(&["version"], json!({"version": {"type": "integer", "minimum": 1}}))),
        ("Published", object(&["id", "live_version"], json!({"id": {"type": "string"}, "live_version": {"type": "integer"}}))),
        ("TemplateVersionSummary", object(&["version", "title", "created_at", "created_by", "interviews"], json!({
            "version": {"type": "integer"}, "title": {"type": "string"}, "created_at": time(), "created_by": text("`usr_…` or `api_key:key_…`."),
            "created_by_name": {"type": ["string", "null"], "description": "The user's name (their email when they have none), or `API key \"<name>\"`."},
            "interviews": {"type": "integer", "minimum": 0, "description": "Interviews pinned to this version (opened with it)."},
        }))),
        ("Template", object(&["id", "name", "live_version", "created_at", "versions", "work_items", "interviews_not_opened"], json!({
            "id": {"type": "string"}, "name": {"type": "string"}, "live_version": {"type": "integer"}, "created_at": time(),
            "versions": {"type": "array", "items": schema_ref("TemplateVersionSummary"), "description": "Oldest first."},
            "work_items": {"type": "integer", "minimum": 0, "description": "Work items with this template as theirs (a counter kept when work items are made)."},
            "interviews_not_opened": {"type": "integer", "minimum": 0, "description": "Interviews with a section of it not opened yet: they get the version live at their first opening."},
            "definition": {"type": "object", "description": "The live version's document (`GET /api/v1/templates/{id}` only)."},
        }))),
        ("TemplateList", array_of("Template")),
        ("TemplateVersion", object(&["template_id", "template_name", "live", "version", "title", "created_at", "created_by", "interviews", "definition", "template_packed"], json!({
            "template_id": {"type": "string"}, "template_name": {"type": "string"}, "live": {"type": "boolean"},
            "version": {"type": "integer"}, "title": {"type": "string"}, "created_at": time(), "created_by": {"type": "string"},
            "created_by_name": {"type": ["string", "null"]}, "interviews": {"type": "integer", "minimum": 0},
            "definition": {"type": "object", "description": "This version's document."},
            "template_packed": {"type": "string", "description": "The same document read and checked, in the engine's packed form (as in the client's interview); its format may change with the engine."},
        }))),
        ("PinnedInterview", object(&["interview_id", "version", "state", "created_at", "work_item_id", "work_item_name", "client_id", "client_name"], json!({
            "interview_id": {"type": "string"},
            "version": {"type": ["integer", "null"], "description": "The pinned version; null until the client first opens the link."},
            "state": {"type": "string", "enum": ["sent", "opened", "submitted", "cancelled", "expired"]},
            "created_at": time(), "work_item_id": {"type": "string"}, "work_item_name": {"type": "string"},
            "client_id": {"type": "string"}, "client_name": {"type": "string"},
        }))),
        ("PinnedInterviewList", array_of("PinnedInterview")),
        ("ClientFields", json!({"type": "object", "properties": client_fields})),
        ("Client", object(&["id", "created_at", "updated_at"], client)),
        ("ClientList", array_of("Client")),
        ("Created", object(&["id"], json!({"id": {"type": "string"}}))),
        ("WorkItemStatus", json!({"type": "string", "enum": ["draft", "waiting_for_client", "submitted", "cancelled", "expired"]})),
        ("NewWorkItem", object(&["name", "template_id"], json!({
            "name": {"type": "string"}, "template_id": {"type": "string"},
            "work_group": {"type": ["string", "null"], "description": "The name of a work group that is not archived (ignoring case); blank for none."},
            "initial_answers": {"oneOf": [schema_ref("AnswerSet"), {"type": "null"}]},
        }))),
        ("WorkItemRow", object(&["id", "name", "status", "template_id", "created_at", "updated_at"], json!({
            "id": {"type": "string"}, "name": {"type": "string"}, "status": schema_ref("WorkItemStatus"),
            "template_id": {"type": "string"}, "template_name": maybe_text,
            "work_group": {"type": ["string", "null"], "description": "The work group's name."}, "work_group_id": maybe_text,
            "client_id": maybe_text, "client_name": {"type": ["string", "null"], "description": "The client's \"First Last\"."},
            "interview": {"oneOf": [object(&["id", "state"], json!({
                "id": {"type": "string"},
                "state": {"type": "string", "enum": ["sent", "opened", "submitted", "cancelled", "expired"], "description": "As of now: a link past its expiry is `expired`."},
                "expires_at": {"type": ["string", "null"], "format": "date-time", "description": "While the link is outstanding."},
            })), {"type": "null"}], "description": "The latest interview."},
            "last_activity_at": {"type": ["string", "null"], "format": "date-time", "description": "The newest audit event's time, or when the item last changed."},
            "created_at": time(), "updated_at": time(),
        }))),
        ("WorkItemList", array_of("WorkItemRow")),
        ("WorkItem", object(&["id", "name", "status", "client", "answers", "interviews", "documents"], json!({
            "id": {"type": "string"}, "name": {"type": "string"}, "status": schema_ref("WorkItemStatus"),
            "template_id": {"type": "string"}, "work_group": {"type": ["string", "null"], "description": "The work group's name."}, "work_group_id": maybe_text,
            "client": {"oneOf": [schema_ref("Client"), {"type": "null"}]},
            "answers": schema_ref("AnswerSet"),
            "interviews": {"type": "array", "items": object(&["id", "state", "created_at", "locale"], json!({
                "id": {"type": "string"}, "locale": schema_ref("Locale"),
                "state": {"type": "string", "enum": ["sent", "opened", "submitted", "cancelled", "expired"]},
                "created_at": time(), "expires_at": maybe_time(), "first_opened_at": maybe_time(),
                "submitted_at": maybe_time(), "receipt": maybe_text,
                "sections": {"type": "array", "items": object(&["id", "template_id"], json!({
                    "id": {"type": "string"}, "template_id": {"type": "string"}, "template_version": {"type": ["integer", "null"]},
                }))},
            }))},
            "documents": {"type": "array", "items": object(&["id", "format", "created_at"], json!({
                "id": {"type": "string"}, "format": {"type": "string"}, "created_at": time(),
            }))},
            "created_at": time(), "updated_at": time(),
        }))),
        ("EditedAnswers", object(&["id", "answers"], json!({"id": {"type": "string"}, "answers": schema_ref("AnswerSet")}))),
        (
            "AnsweredTemplate",
            object(&["template_id", "version", "template_packed"], json!({
                "template_id": {"type": "string"}, "version": {"type": "integer"},
                "template_packed": {"type": "string", "description": "The version read and checked, in the engine's packed form (as the interview page gets it)."}
            })),
        ),
        ("SendInterview", json!({
            "type": "object",
            "description": "Exactly one of `client_id` and `client`.",
            "oneOf": [{"required": ["client_id"]}, {"required": ["client"]}],
            "properties": {
                "client_id": {"type": "string"},
                "client": schema_ref("ClientFields"),
                "auth": object(&["method"], json!({
                    "method": schema_ref("AuthMethod"),
                    "passphrase": {"type": "string", "minLength": 8, "writeOnly": true, "description": "For `passphrase`."},
                })),
                "sections": {"type": "array", "items": {"type": "string"}, "description": "Template ids, one section each (default: the work item's template)."},
                "send_email": {"type": "boolean", "default": false},
                "locale": {"type": "string", "description": "A BCP 47 tag read by its language: en, fr or de (`fr-CA` is French). Default: the host's `default_locale`."},
            },
            "additionalProperties": false,
        })),
        ("SentInterview", object(&["id", "link", "expires_at", "locale", "email"], json!({
            "id": {"type": "string"}, "link": text("The personal link; shown only in this answer."), "expires_at": time(),
            "locale": schema_ref("Locale"),
            "email": object(&["to", "subject", "body", "mailto"], json!({
                "to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}, "mailto": {"type": "string"},
                "status": {"type": "string", "enum": ["sent", "failed", "not_configured", "not_sent"], "description": "Whether the host sent the email (`send_email`)."},
                "error": text("Why the email was not sent, when `status` is `failed` or `not_configured`."),
            })),
        }))),
        ("Cancelled", object(&["state"], json!({"state": {"const": "cancelled"}}))),
        ("EmailRequest", object(&["subject", "body"], json!({
            "subject": text("One line, 1 to 1000 characters."),
            "body": text("At most 20000 characters; must still contain the interview's link as the send gave it."),
        }))),
        ("EmailOutcome", object(&["to", "status"], json!({
            "to": text("The client's address."),
            "status": {"type": "string", "enum": ["sent", "failed"]},
            "error": text("Why the email was not sent."),
        }))),
        ("InterviewOptions", object(&["auth_methods", "default_locale", "locales", "smtp_configured", "link_lifetime_secs"], json!({
            "auth_methods": {"type": "array", "items": schema_ref("AuthMethod"), "description": "The methods the settings enable."},
            "default_locale": schema_ref("Locale"),
            "locales": {"type": "array", "items": schema_ref("Locale")},
            "smtp_configured": {"type": "boolean", "description": "Whether the host can send the email itself."},
            "link_lifetime_secs": {"type": "integer", "description": "How long a link works if never opened."},
        }))),
        ("AuditLog", json!({"type": "array", "items": object(&["at", "actor", "event", "detail"], json!({
            "at": time(), "actor": text("A user id, `client`, `api_key:...` or `system`."), "event": {"type": "string"},
            "detail": {}, "ip": maybe_text,
        }))})),
        ("NewDocument", object(&["format"], json!({"format": {"type": "string", "enum": ["html", "docx", "md"]}}))),
        ("DocumentCreated", object(&["id", "url"], json!({"id": {"type": "string"}, "url": text("Where to GET it (staff only).")}))),
        ("Settings", object(&settings_keys.iter().map(String::as_str).collect::<Vec<_>>(), settings.clone())),
        ("SettingsChange", json!({"type": "object", "description": "Any subset of the settings; only those change.", "properties": settings, "additionalProperties": false})),
        ("AnswerHistory", json!({"type": "array", "items": object(&["at", "actor", "source", "answers"], json!({
            "at": time(), "actor": text("A user id, `client` or `api_key:...`."),
            "source": {"type": "string", "enum": ["initial", "submission", "staff_edit"]},
            "answers": schema_ref("AnswerSet"),
        }))})),
        ("Role", json!({"type": "string", "enum": ["admin", "staff"]})),
        ("NewApiKey", object(&["name"], json!({"name": {"type": "string"}, "role": {"oneOf": [schema_ref("Role"), {"type": "null"}], "description": "Default `staff`."}}))),
        ("ApiKey", object(&["id", "name", "role", "created_at", "revoked"], json!({
            "id": {"type": "string"}, "name": {"type": "string"}, "role": schema_ref("Role"),
            "created_by": {"type": "string"}, "created_at": time(), "revoked": {"type": "boolean"},
        }))),
        ("NewApiKeyCreated", json!({"allOf": [schema_ref("ApiKey"), object(&["key"], json!({"key": text("Send as `Authorization: Bearer <key>`; shown only once.")}))]})),
        ("ApiKeyList", array_of("ApiKey")),
        ("WebhookDelivery", object(&["id", "event", "url", "state", "attempts", "last_error", "next_attempt_at", "delivered_at", "created_at"], json!({
            "id": {"type": "string"}, "event": {"type": "string", "description": "Such as `interview.submitted`."},
            "url": {"type": "string", "format": "uri"},
            "state": {"type": "string", "enum": ["delivered", "pending", "failed"], "description": "`failed`: given up after every attempt, or its webhook was removed."},
            "attempts": {"type": "integer", "minimum": 0}, "last_error": maybe_text,
            "next_attempt_at": maybe_time(), "delivered_at": maybe_time(), "created_at": time(),
        }))),
        ("WebhookDeliveryList", array_of("WebhookDelivery")),
        ("NewUser", object(&["email", "password"], json!({
            "email": {"type": "string"}, "password": {"type": "string", "writeOnly": true},
            "role": {"oneOf": [schema_ref("Role"), {"type": "null"}], "description": "Default `staff`."},
        }))),
        ("User", object(&["id", "email", "name", "role", "created_at", "disabled"], json!({
            "id": {"type": "string"}, "email": {"type": "string"}, "name": {"type": "string"},
            "role": schema_ref("Role"), "created_at": time(), "disabled": {"type": "boolean", "description": "A disabled user cannot sign in."},
        }))),
        ("UserList", array_of("User")),
        ("UserChange", json!({"type": "object", "additionalProperties": false, "properties": {
            "role": schema_ref("Role"),
            "disabled": {"type": "boolean", "description": "`true` ends the user's sessions and revokes the API keys they made; `false` lets them sign in again."},
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
        }})),
        ("PasswordChange", json!({"type": "object", "required": ["password"], "additionalProperties": false, "properties": {
            "password": {"type": "string", "minLength": 12, "maxLength": 1024, "writeOnly": true},
            "current_password": {"type": "string", "writeOnly": true, "description": "Required when changing one's own password."},
        }})),
        ("NewWorkGroup", json!({"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Unique ignoring case."},
            "description": {"type": ["string", "null"], "maxLength": 2000},
        }})),
        ("WorkGroupChange", json!({"type": "object", "additionalProperties": false, "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": ["string", "null"], "maxLength": 2000, "description": "`null` or blank removes it."},
            "archived": {"type": "boolean", "description": "An archived group is not offered for new work items; items in it keep it."},
        }})),
        ("WorkGroup", object(&["id", "name", "description", "archived", "created_at"], json!({
            "id": {"type": "string"}, "name": {"type": "string"}, "description": maybe_text,
            "archived": {"type": "boolean"}, "created_at": time(),
        }))),
        ("WorkGroupList", array_of("WorkGroup")),
        ("Health", object(&["status"], json!({"status": {"const": "ok"}}))),
        ("CheckReport", object(&["healthy", "integrity", "rows", "problems"], json!({
            "healthy": {"type": "boolean", "description": "The file is clean and every record and index is sound."},
            "integrity": {"type": "string", "enum": ["clean", "repaired"], "description": "What redb's check of the file found; `repaired`: damage was found and repaired."},
            "rows": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "Rows per table."},
            "problems": {"type": "array", "items": {"type": "string"}, "description": "Records that do not decode and index entries that disagree with their rows."},
        }))),
        ("CheckProblems", object(&["error"], json!({"error": object(&["code", "message", "report"], json!({
            "code": {"const": "database_problems"}, "message": {"type": "string"}, "report": schema_ref("CheckReport"),
        }))}))),
    ];
    Value::Object(entries.into_iter().map(|(name, schema)| (name.to_owned(), schema)).collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The routes declared in the HTTP modules' sources: each `.route("path", ...)`
    /// with the methods its method router names.
    fn routes_in_source() -> BTreeSet<(String, String)> {
        let sources = [include_str!("mod.rs"), include_str!("client.rs"), include_str!("staff.rs"), include_str!("users.rs"), include_str!("work_groups.rs"), include_str!("admin.rs"), include_str!("settings.rs"), include_str!("templates.rs"), include_str!("clients.rs"), include_str!("interviews.rs")];
        let methods = ["get", "post", "put", "patch", "delete"];
        let mut found = BTreeSet::new();
        for source in sources {
            for piece in source.split(".route(\"").skip(1) {
                let Some((path, rest)) = piece.split_once('"') else { continue };
                // The method router runs to the `)` closing `.route(`.
                let mut depth = 1usize;
                let end = rest
                    .char_indices()
                    .find(|&(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(rest.len(), |(i, _)| i);
                let call = &rest[..end];
                let mut word = String::new();
                for c in call.chars() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        word.push(c);
                        continue;
                    }
                    if c == '(' && methods.contains(&word.as_str()) {
                        found.insert((word.clone(), path.to_owned()));
                    }
                    word.clear();
                }
            }
        }
        found
    }

    #[test]
    fn every_routed_operation_is_documented() {
        let documented: BTreeSet<(String, String)> =
            OPERATIONS.iter().map(|o| (o.method.to_owned(), o.path.to_owned())).collect();
        let routed = routes_in_source();
        assert!(routed.len() >= 30, "the route scan found too little: {routed:?}");
        let missing: Vec<_> = routed.difference(&documented).collect();
        assert!(missing.is_empty(), "routes missing from OPERATIONS in openapi.rs: {missing:?}");
    }

    #[test]
    fn operations_are_unique() {
        let mut ids = BTreeSet::new();
        let mut routes = BTreeSet::new();
        for o in OPERATIONS {
            assert!(ids.insert(o.id), "operation id {} twice", o.id);
            assert!(routes.insert((o.method, o.path)), "{} {} twice", o.method, o.path);
            assert!(!o.answers.is_empty(), "{} has no answers", o.id);
        }
    }

    /// Every `$ref` in `value`.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn the_document_is_openapi_3_1_with_answers_and_resolvable_refs() {
        let doc = document();
        let text = serde_json::to_string(&doc).expect("serialises");
        let doc: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().expect("paths");
        for (path, item) in paths {
            for (method, operation) in item.as_object().expect("path item") {
                let responses = operation["responses"].as_object().expect("responses");
                assert!(!responses.is_empty(), "{method} {path} has no responses");
                assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path} has no success answer");
                for segment in path.split('/').filter(|s| s.starts_with('{')) {
                    let name = segment.trim_matches(['{', '}']);
                    assert!(
                        operation["parameters"].as_array().is_some_and(|p| p.iter().any(|p| p["name"] == name && p["in"] == "path")),
                        "{method} {path} lacks its path parameter {name}"
                    );
                }
                for requirement in operation["security"].as_array().expect("security") {
                    for scheme in requirement.as_object().expect("requirement").keys() {
                        assert!(doc["components"]["securitySchemes"].get(scheme).is_some(), "unknown scheme {scheme}");
                    }
                }
            }
        }
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let pointer = r.strip_prefix('#').expect("a local ref");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn security_follows_access() {
        let doc = document();
        assert_eq!(doc["paths"]["/api/v1/client/interview"]["get"]["security"], json!([{"clientSession": []}]));
        assert_eq!(doc["paths"]["/api/v1/staff/session"]["post"]["security"], json!([]));
        assert_eq!(doc["paths"]["/api/v1/staff/session"]["get"]["security"], json!([{"staffCookie": []}]));
        assert!(doc["paths"]["/api/v1/staff/session"]["get"]["responses"]["401"].is_object());
        assert_eq!(
            doc["paths"]["/api/v1/work-items"]["post"]["security"],
            json!([{"staffCookie": [], "csrfToken": []}, {"apiKey": []}])
        );
        assert_eq!(doc["paths"]["/api/v1/work-items"]["get"]["security"], json!([{"staffCookie": []}, {"apiKey": []}]));
        let locked = &doc["paths"]["/api/v1/client/auth/passphrase"]["post"]["responses"]["429"];
        assert!(locked["headers"]["Retry-After"].is_object());
        // Implied answers: auth errors by access, body errors by body, merged with listed ones.
        let submit = &doc["paths"]["/api/v1/client/submit"]["post"]["responses"];
        let bad = submit["400"]["description"].as_str().unwrap_or_default();
        assert!(bad.contains("idempotency_key_required") && bad.contains("malformed_json"), "{bad}");
        assert!(submit["410"].is_object() && submit["415"].is_object() && submit["503"].is_object());
        let create = &doc["paths"]["/api/v1/work-items"]["post"]["responses"];
        assert!(create["401"].is_object() && create["403"].is_object());
        assert!(doc["paths"]["/api/v1/work-items"]["get"]["responses"].get("403").is_none());
        assert!(doc["paths"]["/api/v1/settings"]["get"]["responses"]["403"].is_object());
        assert!(doc["paths"]["/healthz"]["get"]["responses"].get("503").is_none());
    }
}
