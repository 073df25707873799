//! Work items: one matter each, with its answers (and their history), status,
//! client and interviews. Staff see answers only once submitted: saved
//! progress stays on the interview, never here (rule 5).

use interview_runtime::validate::{validate, Code};
use interview_runtime::Template;
use serde_json::{json, Value};

use super::audit::{self, Actor};
use super::work_groups;
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{AnswerRevision, AnswerSource, Answers, WorkItem, WorkItemStatus};
use crate::storage::txn::ReadTxn;
use crate::storage::Storage;

/// The live template of a work item, checked.
fn live_template(tx: &dyn ReadTxn, template_id: &str) -> Result<Template, Error> {
    let record = tx.template(template_id)?.ok_or_else(|| Error::Unprocessable {
        code: "unknown_template",
        message: format!("There is no template `{template_id}`."),
        errors: None,
    })?;
    let text = tx
        .template_definition(template_id, record.live_version)?
        .ok_or_else(|| Error::Internal("a live template version is missing".to_owned()))?;
    Template::from_json(&text).map_err(|e| Error::Internal(format!("a stored template no longer checks: {e}")))
}

/// Reads answers given by staff: a JSON answer set, or HotDocs answer file XML as a string.
/// Answers of the wrong type or for unknown questions are refused; missing ones are fine.
fn read_answers(template: &Template, given: &Value, today: interview_runtime::date::Date) -> Result<Answers, Error> {
    let answers = match given {
        Value::Object(map) => map.clone(),
        Value::String(xml) => interview_runtime::answer_file::import(xml, template).map_err(|e| Error::Unprocessable {
            code: "invalid_answers",
            message: e.to_string(),
            errors: None,
        })?,
        _ => {
            return Err(Error::Unprocessable {
                code: "invalid_answers",
                message: "Answers must be an answer set (a JSON object) or an answer file (XML text).".to_owned(),
                errors: None,
            })
        }
    };
    let report = validate(template, &answers, today);
    let shape: Vec<Value> = report
        .errors
        .iter()
        .filter(|e| matches!(e.code, Code::WrongType | Code::UnknownField))
        .map(|e| json!({"path": e.path, "code": e.code, "message": e.message}))
        .collect();
    if !shape.is_empty() {
        return Err(Error::Unprocessable {
            code: "invalid_answers",
            message: "Some answers do not fit the template.".to_owned(),
            errors: Some(Value::Array(shape)),
        });
    }
    Ok(answers)
}

/// Makes a work item, with initial answers when given, filed under the
/// work group of that name (ignoring case) when one is given: it must exist
/// and not be archived. A blank group name means none.
pub fn create(
    store: &Storage,
    now: Timestamp,
    actor: &Actor,
    name: &str,
    template_id: &str,
    work_group: Option<String>,
    initial_answers: Option<&Value>,
) -> Result<WorkItem, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::Unprocessable {
            code: "invalid_name",
            message: "A work item needs a name of 1 to 200 characters.".to_owned(),
            errors: None,
        });
    }
    let today = now.date().ok_or_else(|| Error::Internal("the clock is out of range".to_owned()))?;
    store.write(|tx| {
        let template = live_template(tx, template_id)?;
        let answers = match initial_answers {
            Some(given) => read_answers(&template, given, today)?,
            None => Answers::new(),
        };
        let group = match work_group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
            Some(name) => Some(work_groups::for_new_work_item(tx, name)?),
            None => None,
        };
        let mut item = WorkItem {
            id: token::new_id("wi_"),
            name: name.to_owned(),
            template_id: template_id.to_owned(),
            work_group_id: group.as_ref().map(|g| g.id.clone()),
            status: WorkItemStatus::Draft,
            client_id: None,
            answers: answers.clone(),
            history: Vec::new(),
            interviews: Vec::new(),
            documents: Vec::new(),
            created_at: now,
            updated_at: now,
        };
        if !answers.is_empty() {
            item.history.push(AnswerRevision { at: now, actor: actor.as_string(), source: AnswerSource::Initial, answers });
        }
        tx.put_work_item(&item)?;
        let mut detail = json!({"template": template_id});
        if let Some(group) = &group {
            detail["work_group"] = json!(group.id);
        }
        audit::record(tx, &item.id, now, actor, "work_item_created", detail, None)?;
        Ok(item)
    })
}

/// Replaces a work item's answers (staff edit), keeping the old ones in the history.
pub fn edit_answers(store: &Storage, now: Timestamp, actor: &Actor, id: &str, given: &Value) -> Result<WorkItem, Error> {
    let today = now.date().ok_or_else(|| Error::Internal("the clock is out of range".to_owned()))?;
    store.write(|tx| {
        let mut item = tx.work_item(id)?.ok_or(Error::NotFound { what: "work item" })?;
        let template = live_template(tx, &item.template_id)?;
        let answers = read_answers(&template, given, today)?;
        let mut changed: Vec<&String> = answers
            .keys()
            .chain(item.answers.keys())
            .filter(|k| answers.get(*k) != item.answers.get(*k))
            .collect();
        changed.sort();
        changed.dedup();
        let detail = json!({"changed": changed});
        item.answers = answers.clone();
        item.history.push(AnswerRevision { at: now, actor: actor.as_string(), source: AnswerSource::StaffEdit, answers });
        item.updated_at = now;
        tx.put_work_item(&item)?;
        audit::record(tx, &item.id, now, actor, "answers_edited", detail, None)?;
        Ok(item)
    })
}

/// Which work items a search keeps: every filter given must match.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Only this status.
    pub status: Option<WorkItemStatus>,
    /// Only names containing this (ignoring case).
    pub q: Option<&'a str>,
    /// Only items filed under the group with this id.
    pub work_group_id: Option<&'a str>,
}

/// The work items `filter` keeps, newest first.
pub fn search(all: Vec<WorkItem>, filter: Filter<'_>) -> Vec<WorkItem> {
    let Filter { status, q, work_group_id } = filter;
    let needle = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let mut found: Vec<WorkItem> = all
        .into_iter()
        .filter(|w| status.is_none_or(|s| w.status == s))
        .filter(|w| work_group_id.is_none_or(|g| w.work_group_id.as_deref() == Some(g)))
        .filter(|w| needle.as_ref().is_none_or(|n| w.name.to_lowercase().contains(n.as_str())))
        .collect();
    found.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    found
}
