//! Answers out: a work item's current answers as a file staff can take
//! elsewhere, a JSON answer set or a HotDocs-style answer file (XML), both
//! importable again as initial answers (docs/answer-files.md); and the
//! template version those answers belong to.

use interview_api::AnsweredTemplate;
use interview_runtime::Template;

use crate::error::Error;
use crate::storage::records::{InterviewState, WorkItem};
use crate::storage::txn::ReadTxn;

/// The forms answers go out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswersFormat {
    /// The answer set as JSON (`json`).
    Json,
    /// A HotDocs-style answer file (`hotdocs`).
    HotDocs,
}

impl AnswersFormat {
    /// The format named `name` in the query (`json` when absent).
    pub fn from_query(name: Option<&str>) -> Result<AnswersFormat, Error> {
        match name.map(str::trim) {
            None | Some("") | Some("json") => Ok(AnswersFormat::Json),
            Some("hotdocs") => Ok(AnswersFormat::HotDocs),
            Some(other) => Err(Error::BadRequest {
                code: "invalid_query",
                message: format!("`{}` is not an answers format: json or hotdocs.", other.chars().take(40).collect::<String>()),
            }),
        }
    }

    /// The `Content-Type` to send it with.
    pub fn content_type(self) -> &'static str {
        match self {
            AnswersFormat::Json => "application/json",
            AnswersFormat::HotDocs => "application/xml; charset=utf-8",
        }
    }

    /// Its file extension.
    pub fn extension(self) -> &'static str {
        match self {
            AnswersFormat::Json => "json",
            AnswersFormat::HotDocs => "anx",
        }
    }
}

/// A file of answers: its bytes and a safe download name.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswersFile {
    /// The file's content.
    pub bytes: Vec<u8>,
    /// A safe file name (`Smith-estate-answers.json`).
    pub file_name: String,
}

/// The template the answers of work item `id` belong to, packed for the dashboard.
pub fn template_of(tx: &dyn ReadTxn, id: &str) -> Result<AnsweredTemplate, Error> {
    let item = tx.work_item(id)?.ok_or(Error::NotFound { what: "work item" })?;
    let (version, template) = answered_version(tx, &item)?;
    Ok(AnsweredTemplate { template_id: item.template_id, version, template_packed: template.pack() })
}

/// The template the work item's answers were given on: the version pinned by
/// its latest submitted interview, else the live one.
pub fn answered_template(tx: &dyn ReadTxn, item: &WorkItem) -> Result<Template, Error> {
    answered_version(tx, item).map(|(_, template)| template)
}

/// [`answered_template`] and its version number.
fn answered_version(tx: &dyn ReadTxn, item: &WorkItem) -> Result<(u32, Template), Error> {
    let record = tx.template(&item.template_id)?.ok_or(Error::NotFound { what: "template" })?;
    let mut version = record.live_version;
    for id in item.interviews.iter().rev() {
        let Some(interview) = tx.interview(id)? else { continue };
        if interview.state != InterviewState::Submitted {
            continue;
        }
        if let Some(pinned) = interview.sections.iter().find(|s| s.template_id == item.template_id).and_then(|s| s.version) {
            version = pinned;
            break;
        }
    }
    let text = tx
        .template_definition(&item.template_id, version)?
        .ok_or_else(|| Error::Internal("a template version is missing".to_owned()))?;
    let template = Template::from_json(&text).map_err(|e| Error::Internal(format!("a stored template no longer checks: {e}")))?;
    Ok((version, template))
}

/// The answers of work item `id` in `format`.
pub fn export(tx: &dyn ReadTxn, id: &str, format: AnswersFormat) -> Result<AnswersFile, Error> {
    let item = tx.work_item(id)?.ok_or(Error::NotFound { what: "work item" })?;
    let bytes = match format {
        AnswersFormat::Json => {
            serde_json::to_vec_pretty(&item.answers).map_err(|e| Error::Internal(format!("writing answers: {e}")))?
        }
        AnswersFormat::HotDocs => {
            let template = answered_template(tx, &item)?;
            interview_runtime::answer_file::export(&item.answers, &template).into_bytes()
        }
    };
    let file_name = crate::documents::file_name(&format!("{} answers", item.name), format.extension());
    Ok(AnswersFile { bytes, file_name })
}
