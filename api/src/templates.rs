//! Templates (`/api/v1/templates`): named, with immutable numbered versions;
//! one version is live (new interviews get it when first opened).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::work_items::InterviewState;

/// One version of a template, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionSummary {
    /// 1, 2, 3, …
    pub version: u32,
    /// The definition's title.
    pub title: String,
    /// When it was added.
    pub created_at: String,
    /// Who added it (`usr_…`, `api_key:key_…`).
    pub created_by: String,
    /// Who added it, for a person: the user's name (their email when they
    /// have none), or `API key "<name>"`; absent when no longer known.
    #[serde(default)]
    pub created_by_name: Option<String>,
    /// How many interviews are pinned to it (opened with it).
    #[serde(default)]
    pub interviews: u64,
}

/// A template as `GET /api/v1/templates` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateSummary {
    /// `tpl_…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The version new interviews get.
    pub live_version: u32,
    /// When it was made.
    pub created_at: String,
    /// Every version, oldest first.
    pub versions: Vec<VersionSummary>,
    /// How many work items have it as their template.
    #[serde(default)]
    pub work_items: u64,
    /// Interviews with a section of it not opened yet: not pinned, they get
    /// the version that is live when the client first opens the link.
    #[serde(default)]
    pub interviews_not_opened: u64,
}

/// `GET /api/v1/templates/{id}`: the summary and the live version's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateDetail {
    /// The template as the list shows it.
    #[serde(flatten)]
    pub summary: TemplateSummary,
    /// The live version's definition (TEMPLATE.md).
    pub definition: Value,
}

/// `GET /api/v1/templates/{id}/versions/{n}`: one version and its definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionDetail {
    /// The template's id.
    pub template_id: String,
    /// The template's name.
    pub template_name: String,
    /// Whether this is the live version.
    pub live: bool,
    /// The version's facts.
    #[serde(flatten)]
    pub version: VersionSummary,
    /// Its definition (TEMPLATE.md).
    pub definition: Value,
    /// The same definition read and checked, in the engine's packed form (as
    /// the client's interview carries it), so a browser can show the form
    /// without linking the template reader.
    pub template_packed: String,
}

/// `POST /api/v1/templates`: a name and a definition (version 1, live).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTemplate {
    /// 1 to 200 characters.
    pub name: String,
    /// The definition (TEMPLATE.md), checked in full.
    pub definition: Value,
}

/// The answer to `POST /api/v1/templates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateCreated {
    /// `tpl_…`.
    pub id: String,
    /// Always 1.
    pub version: u32,
}

/// `POST /api/v1/templates/{id}/versions`: a new definition (not live until published).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// The definition (TEMPLATE.md), checked in full.
    pub definition: Value,
}

/// The answer to `POST /api/v1/templates/{id}/versions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionAdded {
    /// The new version's number.
    pub version: u32,
}

/// `POST /api/v1/templates/{id}/publish`: the version to make live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    /// An existing version's number.
    pub version: u32,
}

/// The answer to `POST /api/v1/templates/{id}/publish`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    /// `tpl_…`.
    pub id: String,
    /// The version now live.
    pub live_version: u32,
}

/// One problem the engine found in a definition (`422 invalid_template`, in `error.errors`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateProblem {
    /// Where in the definition, as a JSON path (`$.pages[0].items[2].id`).
    pub path: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// One row of `GET /api/v1/templates/{id}/pins`: an interview with a section
/// of the template, and the version it is pinned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinnedInterview {
    /// `iv_…`.
    pub interview_id: String,
    /// The version it is pinned to; `None` until the client first opens it.
    pub version: Option<u32>,
    /// Where the interview stands.
    pub state: InterviewState,
    /// When it was sent.
    pub created_at: String,
    /// Its work item, `wi_…`.
    pub work_item_id: String,
    /// The work item's name.
    pub work_item_name: String,
    /// The client it was sent to, `cli_…`.
    pub client_id: String,
    /// The client's name (title, first and last name).
    pub client_name: String,
}
