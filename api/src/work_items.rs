//! Work items (`/api/v1/work-items`): the list's rows and the statuses.

use serde::{Deserialize, Serialize};

/// A work item's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkItemStatus {
    /// No interview outstanding, none submitted yet.
    Draft,
    /// An interview is outstanding.
    WaitingForClient,
    /// The last interview was submitted.
    Submitted,
    /// The last interview was cancelled.
    Cancelled,
    /// The last interview expired unanswered.
    Expired,
}

impl WorkItemStatus {
    /// Every status, in the order filters offer them.
    pub const ALL: [WorkItemStatus; 5] = [
        WorkItemStatus::Draft,
        WorkItemStatus::WaitingForClient,
        WorkItemStatus::Submitted,
        WorkItemStatus::Cancelled,
        WorkItemStatus::Expired,
    ];

    /// The wire name (`waiting_for_client`), as the `status` filter takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkItemStatus::Draft => "draft",
            WorkItemStatus::WaitingForClient => "waiting_for_client",
            WorkItemStatus::Submitted => "submitted",
            WorkItemStatus::Cancelled => "cancelled",
            WorkItemStatus::Expired => "expired",
        }
    }

    /// The status of that wire name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// An interview's state as stored (`locked` and `progress_saved` are told apart
/// by the interview's own fields, not by this).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewState {
    /// Sent, not opened yet.
    Sent,
    /// Opened at least once.
    Opened,
    /// Submitted (final).
    Submitted,
    /// Cancelled by staff (final).
    Cancelled,
    /// Expired (final).
    Expired,
}

/// The latest interview of a work item, as its list row shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewSummary {
    /// `iv_…`.
    pub id: String,
    /// Its state now (an interview past its expiry shows `expired`).
    pub state: InterviewState,
    /// When the link stops working, while it is outstanding.
    pub expires_at: Option<String>,
}

/// One row of `GET /api/v1/work-items`: everything the list shows, so the
/// list needs no call per row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItemRow {
    /// `wi_…`.
    pub id: String,
    /// The work item's name.
    pub name: String,
    /// Its status.
    pub status: WorkItemStatus,
    /// Its template.
    pub template_id: String,
    /// The template's name.
    #[serde(default)]
    pub template_name: Option<String>,
    /// The work group's current name.
    pub work_group: Option<String>,
    /// The work group's id.
    pub work_group_id: Option<String>,
    /// The client attached by the first interview.
    pub client_id: Option<String>,
    /// The client's name, "First Last".
    #[serde(default)]
    pub client_name: Option<String>,
    /// The latest interview, if one was sent.
    #[serde(default)]
    pub interview: Option<InterviewSummary>,
    /// The time of the last thing that happened to the work item.
    #[serde(default)]
    pub last_activity_at: Option<String>,
    /// When it was made.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// `POST /api/v1/work-items`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWorkItem {
    /// 1 to 200 characters.
    pub name: String,
    /// The template (`tpl_…`).
    pub template_id: String,
    /// The work group's name (ignoring case); none when absent or blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_group: Option<String>,
    /// An answer set (JSON object) or an answer file (XML text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_answers: Option<serde_json::Value>,
}

/// The answer of a call that made something: its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    /// The new thing's id.
    pub id: String,
}

/// A section of an interview: a template, pinned to the version that was
/// live when the client first opened the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionPin {
    /// The section's id within the interview.
    pub id: String,
    /// Its template (`tpl_…`).
    pub template_id: String,
    /// The pinned version (none until the client first opens the link).
    pub template_version: Option<u32>,
}

/// An interview sent for a work item, as the work item shows it: what staff
/// may know before the client submits (sent, opened, locked, progress saved),
/// never the answers themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewDetail {
    /// `iv_…`.
    pub id: String,
    /// Its state now.
    pub state: InterviewState,
    /// The client's language (`en`, `fr`, `de`).
    pub locale: String,
    /// When it was sent.
    pub created_at: String,
    /// When the link stops working, while outstanding.
    pub expires_at: Option<String>,
    /// When the client first opened the link.
    pub first_opened_at: Option<String>,
    /// While the link is locked after too many wrong attempts: until when.
    #[serde(default)]
    pub locked_until: Option<String>,
    /// When the client last saved progress (not what they saved).
    #[serde(default)]
    pub progress_saved_at: Option<String>,
    /// When the client submitted.
    pub submitted_at: Option<String>,
    /// The submission's receipt.
    pub receipt: Option<String>,
    /// Its sections.
    pub sections: Vec<SectionPin>,
}

/// A document generated for a work item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// `doc_…`; downloaded at `/api/v1/documents/{id}`.
    pub id: String,
    /// `html`, `docx` or `md`.
    pub format: String,
    /// When it was generated.
    pub created_at: String,
}

/// `GET /api/v1/work-items/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkItemDetail {
    /// `wi_…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: WorkItemStatus,
    /// Its template.
    pub template_id: String,
    /// The template's name.
    #[serde(default)]
    pub template_name: Option<String>,
    /// The template's live version now (interviews pin theirs).
    #[serde(default)]
    pub template_live_version: Option<u32>,
    /// The work group's current name.
    pub work_group: Option<String>,
    /// The work group's id.
    pub work_group_id: Option<String>,
    /// The client attached by the first interview.
    pub client: Option<crate::clients::ClientView>,
    /// The current answers (empty until the client submits, unless staff gave some).
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// The interviews sent, oldest first.
    pub interviews: Vec<InterviewDetail>,
    /// The documents generated, oldest first.
    pub documents: Vec<DocumentSummary>,
    /// When it was made.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// Where a revision of a work item's answers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    /// Given when the work item was made.
    Initial,
    /// A client's submission.
    Submission,
    /// Changed by staff.
    StaffEdit,
}

/// One revision of a work item's answers (`GET /api/v1/work-items/{id}/history`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRevisionView {
    /// When.
    pub at: String,
    /// Who: a user id (`usr_…`), `api_key:key_…`, `client` or `system`.
    pub actor: String,
    /// Who, for people: the staff member's name, "Client", "System" or the key's name.
    #[serde(default)]
    pub actor_name: Option<String>,
    /// What made it.
    pub source: AnswerSource,
    /// The whole answer set after the change.
    pub answers: serde_json::Map<String, serde_json::Value>,
}

/// `GET /api/v1/work-items/{id}/template`: the template version a work
/// item's answers belong to (the one its latest submission was answered on,
/// else the live one), for laying the answers out and changing them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnsweredTemplate {
    /// The template (`tpl_…`).
    pub template_id: String,
    /// Its version.
    pub version: u32,
    /// The version read and checked, in the engine's packed form (as the
    /// interview page gets it), so the dashboard needs no template reader.
    pub template_packed: String,
}
