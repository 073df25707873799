//! Work items: one matter each, with its answers (and their history), status,
//! client and interviews. Staff see answers only once submitted: saved
//! progress stays on the interview, never here (rule 5).

use std::collections::HashMap;

use interview_api::{AnswerRevisionView, DocumentSummary, InterviewDetail, InterviewSummary, SectionPin, WorkItemDetail, WorkItemRow};
use interview_runtime::validate::{validate, Code};
use interview_runtime::Template;
use serde_json::{json, Value};

use super::audit::{self, Actor};
use super::paging::{self, Page, FILTERED_CHUNK};
use super::{expiry, work_groups};
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{
    AnswerRevision, AnswerSource, Answers, Interview, InterviewState, WorkItem, WorkItemStatus,
};
use crate::storage::txn::ReadTxn;
use crate::storage::{RowKey, Storage, WorkItemsBy};

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

/// Which work items a list keeps: every filter given must match.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Only this status (as of now).
    pub status: Option<WorkItemStatus>,
    /// Only items whose name or client's name ("First Last") contains this, ignoring case.
    pub q: Option<&'a str>,
    /// Only items filed under the group with this id.
    pub work_group_id: Option<&'a str>,
    /// Only items attached to the client with this id (read from the index by client).
    pub client_id: Option<&'a str>,
}

/// A work item's place in the list.
pub fn key_of(item: &WorkItem) -> RowKey {
    RowKey { created_at: item.created_at, id: item.id.clone() }
}

/// A page of the work items `filter` keeps, newest first, after `after`: each
/// status, group and name read once per page, not once per row.
pub fn list(
    tx: &dyn ReadTxn,
    now: Timestamp,
    filter: Filter<'_>,
    after: Option<RowKey>,
    limit: usize,
) -> Result<Page<WorkItemRow>, Error> {
    let Filter { status, q, work_group_id, client_id } = filter;
    let needle = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    // The narrowest index the filters allow; what it does not serve is checked row by row.
    let (by, chunk) = match (client_id, work_group_id, status) {
        // A client has few work items: their index, whatever else is asked.
        (Some(client), None, None) => (WorkItemsBy::Client(client), 0),
        (Some(client), _, _) => (WorkItemsBy::Client(client), FILTERED_CHUNK),
        (None, Some(group), None) => (WorkItemsBy::WorkGroup(group), 0),
        (None, Some(group), Some(_)) => (WorkItemsBy::WorkGroup(group), FILTERED_CHUNK),
        (None, None, Some(status)) => (WorkItemsBy::Status(status), 0),
        (None, None, None) => (WorkItemsBy::All, 0),
    };
    let chunk = if needle.is_some() { FILTERED_CHUNK } else { chunk };
    let mut names = Names::default();
    let (items, next) = paging::collect(
        after,
        limit,
        chunk,
        |after, n| Ok(tx.work_items_page(by, after, n)?),
        key_of,
        |item| {
            // The index already holds only the client's items; a cheap second look.
            if client_id.is_some_and(|wanted| item.client_id.as_deref() != Some(wanted)) {
                return Ok(None);
            }
            let client = match &item.client_id {
                Some(id) => tx.client(id)?,
                None => None,
            };
            let client_name = client.map(|c| format!("{} {}", c.first_name, c.last_name));
            if let Some(needle) = &needle {
                let hit = item.name.to_lowercase().contains(needle.as_str())
                    || client_name.as_ref().is_some_and(|n| n.to_lowercase().contains(needle.as_str()));
                if !hit {
                    return Ok(None);
                }
            }
            let row = row(tx, now, &mut names, &item, client_name)?;
            Ok(status.is_none_or(|s| row.status == s).then_some(row))
        },
    )?;
    Ok(Page { items, next: next.as_ref().map(paging::row_cursor) })
}

/// Template and work group names already read for a page.
#[derive(Default)]
struct Names {
    templates: HashMap<String, Option<String>>,
    groups: HashMap<String, Option<String>>,
}

/// The status as of `now`: an outstanding interview past its expiry makes it
/// `expired` even before the sweep writes that down.
pub fn status_now(item: &WorkItem, latest: Option<&Interview>, now: Timestamp) -> WorkItemStatus {
    match latest {
        Some(iv) if item.status == WorkItemStatus::WaitingForClient
            && expiry::effective_state(iv, now) == InterviewState::Expired =>
        {
            WorkItemStatus::Expired
        }
        _ => item.status,
    }
}

/// One list row: the work item with what the list shows beside it.
fn row(
    tx: &dyn ReadTxn,
    now: Timestamp,
    names: &mut Names,
    item: &WorkItem,
    client_name: Option<String>,
) -> Result<WorkItemRow, Error> {
    let template_name = match names.templates.get(&item.template_id) {
        Some(name) => name.clone(),
        None => {
            let name = tx.template(&item.template_id)?.map(|t| t.name);
            names.templates.insert(item.template_id.clone(), name.clone());
            name
        }
    };
    let work_group = match &item.work_group_id {
        None => None,
        Some(id) => match names.groups.get(id) {
            Some(name) => name.clone(),
            None => {
                let name = tx.work_group(id)?.map(|g| g.name);
                names.groups.insert(id.clone(), name.clone());
                name
            }
        },
    };
    let latest = match item.interviews.last() {
        Some(id) => tx.interview(id)?,
        None => None,
    };
    let last_event = tx.audit_page(&item.id, None, 1)?.into_iter().next().map(|(_, e)| e.at);
    let last_activity = last_event.map_or(item.updated_at, |at| at.max(item.updated_at));
    Ok(WorkItemRow {
        id: item.id.clone(),
        name: item.name.clone(),
        status: status_now(item, latest.as_ref(), now),
        template_id: item.template_id.clone(),
        template_name,
        work_group,
        work_group_id: item.work_group_id.clone(),
        client_id: item.client_id.clone(),
        client_name,
        interview: latest.map(|iv| InterviewSummary {
            state: expiry::effective_state(&iv, now),
            expires_at: expiry::expires_at(&iv).map(Timestamp::to_rfc3339),
            id: iv.id,
        }),
        last_activity_at: Some(last_activity.to_rfc3339()),
        created_at: item.created_at.to_rfc3339(),
        updated_at: item.updated_at.to_rfc3339(),
    })
}

/// The work item `id` as staff see it at `now`: details, client, answers,
/// interviews (what staff may know of each before it is submitted: sent,
/// opened, locked, progress saved) and documents.
pub fn detail(tx: &dyn ReadTxn, id: &str, now: Timestamp) -> Result<WorkItemDetail, Error> {
    let w = tx.work_item(id)?.ok_or(Error::NotFound { what: "work item" })?;
    let work_group = match &w.work_group_id {
        Some(g) => tx.work_group(g)?.map(|g| g.name),
        None => None,
    };
    let client = match &w.client_id {
        Some(c) => tx.client(c)?.map(|c| super::clients::view(&c)),
        None => None,
    };
    let template = tx.template(&w.template_id)?;
    let mut interviews = Vec::new();
    for iv_id in &w.interviews {
        if let Some(iv) = tx.interview(iv_id)? {
            interviews.push(interview_detail(&iv, now));
        }
    }
    Ok(WorkItemDetail {
        id: w.id,
        name: w.name,
        status: w.status,
        template_id: w.template_id,
        template_name: template.as_ref().map(|t| t.name.clone()),
        template_live_version: template.as_ref().map(|t| t.live_version),
        work_group,
        work_group_id: w.work_group_id,
        client,
        answers: w.answers,
        interviews,
        documents: w
            .documents
            .iter()
            .map(|d| DocumentSummary { id: d.id.clone(), format: d.format.clone(), created_at: d.created_at.to_rfc3339() })
            .collect(),
        created_at: w.created_at.to_rfc3339(),
        updated_at: w.updated_at.to_rfc3339(),
    })
}

/// One interview as its work item shows it at `now`.
fn interview_detail(iv: &Interview, now: Timestamp) -> InterviewDetail {
    let state = expiry::effective_state(iv, now);
    let live = matches!(state, InterviewState::Sent | InterviewState::Opened);
    InterviewDetail {
        id: iv.id.clone(),
        state,
        locale: iv.locale.tag().to_owned(),
        created_at: iv.created_at.to_rfc3339(),
        expires_at: expiry::expires_at(iv).map(Timestamp::to_rfc3339),
        first_opened_at: iv.first_opened_at.map(Timestamp::to_rfc3339),
        locked_until: iv.attempts.locked_until.filter(|until| live && *until > now).map(Timestamp::to_rfc3339),
        progress_saved_at: iv.progress.as_ref().map(|p| p.saved_at.to_rfc3339()),
        submitted_at: iv.submission.as_ref().map(|s| s.submitted_at.to_rfc3339()),
        receipt: iv.submission.as_ref().map(|s| s.receipt.clone()),
        sections: iv
            .sections
            .iter()
            .map(|s| SectionPin { id: s.id.clone(), template_id: s.template_id.clone(), template_version: s.version })
            .collect(),
    }
}

/// Every revision of the answers of work item `id`, oldest first, each with
/// who made it in words (a staff member's name, "Client", "System", an API
/// key's name).
pub fn history(tx: &dyn ReadTxn, id: &str) -> Result<Vec<AnswerRevisionView>, Error> {
    let item = tx.work_item(id)?.ok_or(Error::NotFound { what: "work item" })?;
    let mut names = audit::ActorNames::default();
    item.history
        .into_iter()
        .map(|r| {
            Ok(AnswerRevisionView {
                actor_name: names.name_of(tx, &r.actor)?,
                at: r.at.to_rfc3339(),
                actor: r.actor,
                source: r.source,
                answers: r.answers,
            })
        })
        .collect()
}
