//! What a client does inside an interview: read it, save progress, submit.
//!
//! The host never trusts the browser: a submit is validated again by the
//! runtime, natively, against the pinned template versions, answers to
//! hidden questions are dropped, and errors come back in the shape the
//! browser shows (rule 8). Submitting is idempotent by `Idempotency-Key`.

use std::collections::BTreeMap;

use interview_runtime::validate::validate_in;
use interview_runtime::{Locale, Template};
use serde::Serialize;
use serde_json::{json, Value};

use super::audit::{self, Actor};
use super::expiry;
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{
    AnswerRevision, AnswerSource, Interview, InterviewState, Progress, Section, SectionAnswers, Submission, WorkItemStatus,
};
use crate::storage::txn::ReadTxn;
use crate::storage::Storage;

/// The message shown after a submit.
pub const SUBMITTED_MESSAGE: &str = "Data successfully submitted";

/// One section as the client gets it.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Section id (keys of `answers`).
    pub id: String,
    /// The template's title.
    pub title: String,
    /// The pinned version.
    pub template_version: u32,
    /// The template document.
    pub template: Value,
    /// The same template read and checked, in the runtime's packed form
    /// (`Template::pack`), which the interview page unpacks instead of
    /// reading the document (so it links no template reader).
    pub template_packed: String,
}

/// `GET /client/interview`.
#[derive(Debug, Clone, Serialize)]
pub struct InterviewView {
    /// The interview's id: the browser keys its local draft by it.
    pub id: String,
    /// The interview's title (the work item's name).
    pub title: String,
    /// The language of the product's own words (`en`, `fr`, `de`).
    pub locale: Locale,
    /// The sections, in order.
    pub sections: Vec<SectionView>,
    /// Saved progress per section (empty when none).
    pub answers: SectionAnswers,
    /// When progress was last saved on the host.
    pub saved_at: Option<String>,
    /// When the link stops working if not used again.
    pub expires_at: Option<String>,
}

/// The answer to a successful submit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receipt {
    /// The receipt number shown to the client.
    pub receipt: String,
    /// "Data successfully submitted".
    pub message: String,
    /// True for the submit that recorded it, false for a repeat answered from the record.
    #[serde(skip)]
    pub fresh: bool,
}

/// The checked template of a section at its pinned version (the live one before the first opening).
pub(crate) fn pinned_template(tx: &dyn ReadTxn, section: &Section) -> Result<(u32, Template), Error> {
    let template = tx
        .template(&section.template_id)?
        .ok_or_else(|| Error::Internal(format!("template {} of an interview is missing", section.template_id)))?;
    let version = section.version.unwrap_or(template.live_version);
    let text = tx
        .template_definition(&section.template_id, version)?
        .ok_or_else(|| Error::Internal(format!("version {version} of template {} is missing", section.template_id)))?;
    let parsed = Template::from_json(&text)
        .map_err(|e| Error::Internal(format!("stored template {} v{version} no longer checks: {e}", section.template_id)))?;
    Ok((version, parsed))
}

/// Loads the checked template of each section at its pinned version.
fn section_templates(tx: &dyn ReadTxn, interview: &Interview) -> Result<Vec<(String, u32, Template, Value)>, Error> {
    let mut out = Vec::new();
    for section in &interview.sections {
        let (version, parsed) = pinned_template(tx, section)?;
        let doc = parsed.source().clone();
        out.push((section.id.clone(), version, parsed, doc));
    }
    Ok(out)
}

/// `GET /client/interview`: the sections with their pinned templates and saved progress.
pub fn view(store: &Storage, interview: &Interview) -> Result<InterviewView, Error> {
    store.read(|tx| {
        let work_item = tx.work_item(&interview.work_item_id)?.ok_or(Error::Expired)?;
        let sections = section_templates(tx, interview)?
            .into_iter()
            .map(|(id, version, template, doc)| SectionView {
                id,
                title: template.title.clone(),
                template_version: version,
                template_packed: template.pack(),
                template: doc,
            })
            .collect();
        let (answers, saved_at) = match &interview.progress {
            Some(p) => (p.answers.clone(), Some(p.saved_at.to_rfc3339())),
            None => (SectionAnswers::new(), None),
        };
        Ok(InterviewView {
            id: interview.id.clone(),
            title: work_item.name,
            locale: interview.locale,
            sections,
            answers,
            saved_at,
            expires_at: expiry::expires_at(interview).map(Timestamp::to_rfc3339),
        })
    })
}

/// Reads `{"answers": {section: {...}}}` into section answers, refusing the wrong shape.
pub fn section_answers(interview: &Interview, body: &Value) -> Result<SectionAnswers, Error> {
    let shape = |message: String| Error::Unprocessable { code: "invalid_answers", message, errors: None };
    let answers = body
        .get("answers")
        .ok_or_else(|| shape("The body needs `answers`: an object of section id to answer set.".to_owned()))?;
    let map = answers
        .as_object()
        .ok_or_else(|| shape("`answers` must be an object of section id to answer set.".to_owned()))?;
    let mut out = BTreeMap::new();
    for (section, set) in map {
        if !interview.sections.iter().any(|s| &s.id == section) {
            return Err(shape(format!("`{section}` is not a section of this request.")));
        }
        let set = set
            .as_object()
            .ok_or_else(|| shape(format!("The answers of section `{section}` must be an object.")))?;
        out.insert(section.clone(), set.clone());
    }
    Ok(out)
}

/// `PUT /client/progress`: saves the client's answers as they are (validated only for shape).
pub fn save_progress(store: &Storage, now: Timestamp, interview_id: &str, answers: SectionAnswers) -> Result<Timestamp, Error> {
    store.write(|tx| {
        let mut interview = tx.interview(interview_id)?.ok_or(Error::Expired)?;
        if !expiry::is_live(&interview, now) {
            return Err(Error::Expired);
        }
        interview.progress = Some(Progress { answers: answers.clone(), saved_at: now });
        tx.put_interview(&interview)?;
        audit::record(tx, &interview.work_item_id, now, &Actor::Client, "progress_saved", json!({"interview": interview.id}), None)?;
        Ok(now)
    })
}

/// A repeated submit: the original receipt when the key matches, else the uniform "expired".
pub fn replay(interview: &Interview, idempotency_key: &str) -> Result<Receipt, Error> {
    match (&interview.submission, interview.state) {
        (Some(s), InterviewState::Submitted) if token::digest_eq(&s.idempotency_key_hash, &token::hash_token(idempotency_key)) => {
            Ok(Receipt { receipt: s.receipt.clone(), message: SUBMITTED_MESSAGE.to_owned(), fresh: false })
        }
        _ => Err(Error::Expired),
    }
}

/// `POST /client/submit`: validates every section natively and, when all are valid, records
/// the submission, the work item's new answers and status, an audit event and a webhook.
pub fn submit(
    store: &Storage,
    now: Timestamp,
    interview_id: &str,
    answers: SectionAnswers,
    idempotency_key: &str,
    ip: Option<&str>,
) -> Result<Receipt, Error> {
    let today = now.date().ok_or_else(|| Error::Internal("the clock is out of range".to_owned()))?;
    store.write(|tx| {
        let mut interview = tx.interview(interview_id)?.ok_or(Error::Expired)?;
        // A concurrent retry may have committed first: answer it like a replay.
        if interview.state == InterviewState::Submitted {
            return replay(&interview, idempotency_key).map(Ok);
        }
        if !expiry::is_live(&interview, now) {
            return Err(Error::Expired);
        }
        // Files (issue #3): only this interview's uploads, described as the host recorded them.
        let answers = super::files::resolve_references(tx, &interview, answers)?;
        let mut errors = Vec::new();
        let mut normalised = SectionAnswers::new();
        for (section, _version, template, _) in section_templates(tx, &interview)? {
            let given = answers.get(&section).cloned().unwrap_or_default();
            let report = validate_in(&template, &given, today, interview.locale);
            for e in report.errors {
                errors.push(json!({"section": section, "path": e.path, "code": e.code, "message": e.message}));
            }
            normalised.insert(section, report.answers);
        }
        if !errors.is_empty() {
            return Ok(Err(Error::Unprocessable {
                code: "invalid_answers",
                message: "Some answers need attention.".to_owned(),
                errors: Some(Value::Array(errors)),
            }));
        }
        let receipt = token::receipt_number();
        interview.state = InterviewState::Submitted;
        interview.submission = Some(Submission {
            answers: normalised.clone(),
            receipt: receipt.clone(),
            submitted_at: now,
            idempotency_key_hash: token::hash_token(idempotency_key),
        });
        // Saved progress has served its purpose; the submission is the record now.
        interview.progress = None;
        tx.put_interview(&interview)?;

        let mut work_item = tx
            .work_item(&interview.work_item_id)?
            .ok_or_else(|| Error::Internal("the work item of an interview is missing".to_owned()))?;
        for set in normalised.values() {
            for (k, v) in set {
                work_item.answers.insert(k.clone(), v.clone());
            }
        }
        work_item.history.push(AnswerRevision {
            at: now,
            actor: Actor::Client.as_string(),
            source: AnswerSource::Submission,
            answers: work_item.answers.clone(),
        });
        work_item.status = WorkItemStatus::Submitted;
        work_item.updated_at = now;
        tx.put_work_item(&work_item)?;
        audit::record(
            tx,
            &work_item.id,
            now,
            &Actor::Client,
            "submitted",
            json!({"interview": interview.id, "receipt": receipt}),
            ip,
        )?;
        super::webhooks::enqueue(
            tx,
            now,
            "interview.submitted",
            json!({"work_item": work_item.id, "interview": interview.id, "receipt": receipt}),
        )?;
        Ok(Ok(Receipt { receipt, message: SUBMITTED_MESSAGE.to_owned(), fresh: true }))
    })?
}
