//! What the host stores: one record type per table. Records are serialised
//! with a version byte in front (see `codec`), and new fields get
//! `#[serde(default)]` so older records still read.

use std::collections::BTreeMap;

use interview_runtime::Locale;
use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// An answer set as stored (question id to answer).
pub type Answers = serde_json::Map<String, serde_json::Value>;

/// Answers per section of an interview (section id to answer set).
pub type SectionAnswers = BTreeMap<String, Answers>;

/// A SHA-256 digest, as stored for every token, code and key.
pub type Digest = [u8; 32];

/// Site settings, one record (admin only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How long a link stays active if never opened.
    pub link_lifetime_secs: u64,
    /// How long a link stays active after its last access (sliding).
    pub access_window_secs: u64,
    /// Which client authentication methods staff may choose.
    pub auth_methods: Vec<AuthMethodName>,
    /// Failed passphrase/SMS attempts allowed before a temporary lockout.
    pub max_failed_attempts: u32,
    /// How long a lockout lasts.
    pub lockout_secs: u64,
    /// How long a client session lasts (never beyond the link's own expiry).
    pub client_session_secs: u64,
    /// How long a staff session lasts.
    pub staff_session_secs: u64,
    /// The base URL clients reach the host at (links are built from it).
    pub public_base_url: String,
    /// Origins allowed to embed the interview (CORS on the client API).
    pub embed_origins: Vec<String>,
    /// Subject of the interview email; `{first_name}`, `{last_name}`, `{title}`, `{work_item}` are replaced.
    pub email_subject: String,
    /// Body of the interview email; also `{link}` and `{expires_at}`.
    pub email_body: String,
    /// Webhooks told about events.
    pub webhooks: Vec<Webhook>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            link_lifetime_secs: 96 * 3600,
            access_window_secs: 96 * 3600,
            auth_methods: vec![AuthMethodName::None, AuthMethodName::Passphrase, AuthMethodName::Sms],
            max_failed_attempts: 5,
            lockout_secs: 15 * 60,
            client_session_secs: 2 * 3600,
            staff_session_secs: 12 * 3600,
            public_base_url: "http://127.0.0.1:8080".to_owned(),
            embed_origins: Vec::new(),
            email_subject: "Information needed: {work_item}".to_owned(),
            email_body: "Dear {title} {last_name},\n\nPlease answer a few questions for us at this \
                         personal link:\n\n{link}\n\nThe link is active until {expires_at}.\n"
                .to_owned(),
            webhooks: Vec::new(),
        }
    }
}

/// A webhook endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// Where events are POSTed.
    pub url: String,
    /// Key of the HMAC-SHA256 signature header.
    pub secret: String,
}

/// The name of a client authentication method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethodName {
    /// The link alone.
    None,
    /// A passphrase told to the client out of band.
    Passphrase,
    /// The last 4 digits of the mobile number, then a code sent by SMS.
    Sms,
}

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including settings and users.
    Admin,
    /// Work items, templates, clients and interviews.
    Staff,
}

/// A staff user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// `usr_…`.
    pub id: String,
    /// Sign-in name, lower-cased.
    pub email: String,
    /// Shown in the dashboard and the audit log.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    /// When the user was made.
    pub created_at: Timestamp,
    /// A disabled user cannot sign in.
    #[serde(default)]
    pub disabled: bool,
}

/// An API key for a partner back end (the key itself is shown once, stored as SHA-256).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    /// `key_…`.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// SHA-256 of the key.
    pub key_hash: Digest,
    /// Acts with this role.
    pub role: Role,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// A revoked key is refused.
    #[serde(default)]
    pub revoked: bool,
}

/// A signed-in staff session (cookie value stored as SHA-256).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffSession {
    /// SHA-256 of the cookie value.
    pub token_hash: Digest,
    /// The user.
    pub user_id: String,
    /// SHA-256 of the CSRF token given at sign-in.
    pub csrf_hash: Digest,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// A template with its versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateRecord {
    /// `tpl_…`.
    pub id: String,
    /// Shown to staff.
    pub name: String,
    /// The version new interviews get when first opened.
    pub live_version: u32,
    /// Every version, oldest first.
    pub versions: Vec<TemplateVersionMeta>,
    /// When the template was made.
    pub created_at: Timestamp,
}

/// One version's facts (its definition is stored apart, by (template id, version)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateVersionMeta {
    /// 1, 2, 3, …
    pub version: u32,
    /// The definition's title.
    pub title: String,
    /// When it was added.
    pub created_at: Timestamp,
    /// Who added it.
    pub created_by: String,
}

/// A client: the person interviews are sent to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    /// `cli_…`.
    pub id: String,
    /// Mr, Ms, Dr, …
    pub title: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email address (normalised).
    pub email: String,
    /// Mobile number in E.164, required for SMS.
    pub mobile: Option<String>,
    /// Region the mobile number was written in.
    pub region: Option<String>,
    /// When the client was made.
    pub created_at: Timestamp,
    /// When the client was last changed.
    pub updated_at: Timestamp,
}

/// A work item's status, an interview's state and where a revision of the
/// answers came from: the API's own enums, stored by the same snake_case
/// names as they are shown.
pub use interview_api::{AnswerSource, InterviewState, WorkItemStatus};

/// One revision of a work item's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRevision {
    /// When.
    pub at: Timestamp,
    /// Who: a user id, `client`, or `api_key:…`.
    pub actor: String,
    /// Why.
    pub source: AnswerSource,
    /// The whole answer set after the change.
    pub answers: Answers,
}

/// A generated document's facts (its bytes are a file in the data folder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// `doc_…`.
    pub id: String,
    /// `html`, `docx` or `md`.
    pub format: String,
    /// SHA-256 of the bytes, hex (names the file).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// When.
    pub created_at: Timestamp,
    /// Who asked.
    pub created_by: String,
}

/// A work item: one matter, with its answers, client and interviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItem {
    /// `wi_…`.
    pub id: String,
    /// Shown to staff.
    pub name: String,
    /// The main template.
    pub template_id: String,
    /// The work group it is filed under (a [`WorkGroup`] id); schema version 1
    /// stored the group's name in a field `work_group` instead, which the
    /// migration to version 2 turned into this.
    #[serde(default)]
    pub work_group_id: Option<String>,
    /// Where it stands.
    pub status: WorkItemStatus,
    /// The client attached by the first interview.
    pub client_id: Option<String>,
    /// The current answers (per the main template; follow-up sections merge into it).
    pub answers: Answers,
    /// Every revision of the answers, oldest first.
    pub history: Vec<AnswerRevision>,
    /// Interviews, oldest first.
    pub interviews: Vec<String>,
    /// Generated documents, oldest first.
    pub documents: Vec<DocumentMeta>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A work group: a named heading staff file work items under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkGroup {
    /// `wg_…`.
    pub id: String,
    /// Shown to staff; unique ignoring case (see [`WorkGroup::name_key`]).
    pub name: String,
    /// What the group is for.
    #[serde(default)]
    pub description: Option<String>,
    /// When it was made.
    pub created_at: Timestamp,
    /// An archived group is not offered for new work items; items already in it keep it.
    #[serde(default)]
    pub archived: bool,
}

impl WorkGroup {
    /// The key of the name index: names that differ only in case share it.
    pub fn name_key(name: &str) -> String {
        name.trim().to_lowercase()
    }
}

/// How the client proves who they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ClientAuth {
    /// The link alone.
    None,
    /// A passphrase, stored as an argon2id PHC string.
    Passphrase {
        /// argon2id PHC string.
        hash: String,
    },
    /// Last 4 digits of the client's mobile, then an SMS code.
    Sms,
}

/// One section of an interview: a form or a document-upload request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Unique within the interview (`s1`, `s2`, …).
    pub id: String,
    /// The template.
    pub template_id: String,
    /// The version pinned at first opening (None before).
    pub version: Option<u32>,
}

/// A pending SMS challenge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmsChallenge {
    /// SHA-256 of the code (keyed with the interview id so equal codes hash apart).
    pub code_hash: Digest,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// Failed attempts and lockout, counted per interview.
pub use crate::auth::softlock::Attempts;

/// What the client saved with "Save progress".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Answers per section.
    pub answers: SectionAnswers,
    /// When.
    pub saved_at: Timestamp,
}

/// A submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// Normalised answers per section.
    pub answers: SectionAnswers,
    /// Shown to the client.
    pub receipt: String,
    /// When.
    pub submitted_at: Timestamp,
    /// SHA-256 of the Idempotency-Key it came with.
    pub idempotency_key_hash: Digest,
}

/// An interview: a personal link to a client for one or more sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interview {
    /// `iv_…`.
    pub id: String,
    /// The work item.
    pub work_item_id: String,
    /// The client.
    pub client_id: String,
    /// What the client fills in.
    pub sections: Vec<Section>,
    /// SHA-256 of the link token.
    pub token_hash: Digest,
    /// How the client proves who they are.
    pub auth: ClientAuth,
    /// Where it stands.
    pub state: InterviewState,
    /// When it was made.
    pub created_at: Timestamp,
    /// Expiry if never opened (creation + link lifetime).
    pub link_expires_at: Timestamp,
    /// The access window applied from each access.
    pub access_window_secs: u64,
    /// First opening.
    pub first_opened_at: Option<Timestamp>,
    /// Latest access (the sliding window starts here).
    pub last_access_at: Option<Timestamp>,
    /// Failed attempts and lockout.
    pub attempts: Attempts,
    /// A code sent and not used yet.
    pub sms: Option<SmsChallenge>,
    /// The client's saved progress (staff cannot read it).
    pub progress: Option<Progress>,
    /// The submission, once made.
    pub submission: Option<Submission>,
    /// Who sent it.
    pub created_by: String,
    /// The language of the product's own words to the client (records from
    /// before locales read as English).
    #[serde(default)]
    pub locale: Locale,
}

/// A client session (bearer token stored as SHA-256).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSession {
    /// SHA-256 of the bearer token.
    pub token_hash: Digest,
    /// The interview it opens.
    pub interview_id: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working (also when the link stops).
    pub expires_at: Timestamp,
}

/// An uploaded file (its bytes live in the data folder under their SHA-256).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    /// `file_…`.
    pub id: String,
    /// The interview it was uploaded to.
    pub interview_id: String,
    /// The client's file name.
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// Sniffed MIME type.
    pub content_type: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// When.
    pub created_at: Timestamp,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// The work item.
    pub work_item_id: String,
    /// When (UTC).
    pub at: Timestamp,
    /// Who: a user id, `client`, `api_key:…`, or `system`.
    pub actor: String,
    /// What: `interview_sent`, `interview_opened`, `auth_failed`, `locked`, `submitted`, …
    pub event: String,
    /// Details (never a token or secret).
    pub detail: serde_json::Value,
    /// From where (IP address), when known.
    pub ip: Option<String>,
}

/// A webhook delivery waiting or done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// `evt_…`.
    pub id: String,
    /// Target URL.
    pub url: String,
    /// The JSON body to POST.
    pub body: String,
    /// Attempts so far.
    pub attempts: u32,
    /// When to try next.
    pub next_attempt_at: Timestamp,
    /// When it was delivered (2xx).
    pub delivered_at: Option<Timestamp>,
    /// Last failure, for operators.
    pub last_error: Option<String>,
    /// When the event was queued (since schema version 4; filled in by its migration).
    #[serde(default)]
    pub created_at: Timestamp,
    /// The event's name, such as `interview.submitted` (since schema version 4).
    #[serde(default)]
    pub event: String,
}
