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
