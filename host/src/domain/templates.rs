//! Templates with immutable numbered versions; one version is live. A
//! definition is checked in full by the runtime before it is stored.
//!
//! What staff see of a template's use is read from counters and an index the
//! storage keeps in the same transactions as the rows (never by walking the
//! work items): the work items per template (`put_work_item`), and the
//! interviews per template and pinned version (`put_interview`).

use interview_api::{PinnedInterview, TemplateDetail, TemplateSummary, VersionDetail, VersionSummary};
use interview_runtime::{Error as RuntimeError, Template};
use serde_json::{json, Value};

use super::expiry;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::paging::Page;
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{TemplateRecord, TemplateVersionMeta};
use crate::storage::txn::ReadTxn;
use crate::storage::{PinKey, Storage};

/// Checks a definition, turning the runtime's problems into a 422 with every problem listed.
pub fn check(definition: &Value) -> Result<(Template, String), Error> {
    let text = definition.to_string();
    match Template::from_json(&text) {
        Ok(t) => Ok((t, text)),
        Err(RuntimeError::InvalidTemplate(problems)) => Err(Error::Unprocessable {
            code: "invalid_template",
            message: format!("The template has {} problem(s).", problems.len()),
            errors: Some(json!(problems)),
        }),
        Err(e) => Err(Error::Unprocessable { code: "invalid_template", message: e.to_string(), errors: None }),
    }
}

fn name_ok(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::Unprocessable {
            code: "invalid_name",
            message: "A template needs a name of 1 to 200 characters.".to_owned(),
            errors: None,
        });
    }
    Ok(name.to_owned())
}

/// Makes a template whose version 1 is live.
pub fn create(store: &Storage, now: Timestamp, actor: &str, name: &str, definition: &Value) -> Result<TemplateRecord, Error> {
    let name = name_ok(name)?;
    let (template, text) = check(definition)?;
    store.write(|tx| {
        let record = TemplateRecord {
            id: token::new_id("tpl_"),
            name: name.clone(),
            live_version: 1,
            versions: vec![TemplateVersionMeta {
                version: 1,
                title: template.title.clone(),
                created_at: now,
                created_by: actor.to_owned(),
            }],
            created_at: now,
        };
        tx.put_template_definition(&record.id, 1, &text)?;
        tx.put_template(&record)?;
        Ok(record)
    })
}

/// Adds a new version (not live until published).
pub fn add_version(store: &Storage, now: Timestamp, actor: &str, id: &str, definition: &Value) -> Result<u32, Error> {
    let (template, text) = check(definition)?;
    store.write(|tx| {
        let mut record = tx.template(id)?.ok_or(Error::NotFound { what: "template" })?;
        let version = record.versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
        record.versions.push(TemplateVersionMeta {
            version,
            title: template.title.clone(),
            created_at: now,
            created_by: actor.to_owned(),
        });
        tx.put_template_definition(id, version, &text)?;
        tx.put_template(&record)?;
        Ok(version)
    })
}

/// Makes `version` the live one; interviews already opened keep theirs.
pub fn publish(store: &Storage, id: &str, version: u32) -> Result<TemplateRecord, Error> {
    store.write(|tx| {
        let mut record = tx.template(id)?.ok_or(Error::NotFound { what: "template" })?;
        if !record.versions.iter().any(|v| v.version == version) {
            return Err(Error::Unprocessable {
                code: "unknown_version",
                message: format!("Template `{id}` has no version {version}."),
                errors: None,
            });
        }
        record.live_version = version;
        tx.put_template(&record)?;
        Ok(record)
    })
}

/// A template as the list shows it, with its counts.
pub fn summary(tx: &dyn ReadTxn, record: &TemplateRecord) -> Result<TemplateSummary, Error> {
    let pins = tx.pin_counts(&record.id)?;
    let pinned = |version: u32| pins.iter().find(|(v, _)| *v == version).map_or(0, |(_, n)| *n);
    Ok(TemplateSummary {
        id: record.id.clone(),
        name: record.name.clone(),
        live_version: record.live_version,
        created_at: record.created_at.to_rfc3339(),
        versions: record
            .versions
            .iter()
            .map(|v| Ok(version_summary(v, pinned(v.version), actor_name(tx, &v.created_by)?)))
            .collect::<Result<_, Error>>()?,
        work_items: tx.work_items_of_template(&record.id)?,
        interviews_not_opened: pinned(0),
    })
}

fn version_summary(v: &TemplateVersionMeta, interviews: u64, created_by_name: Option<String>) -> VersionSummary {
    VersionSummary {
        version: v.version,
        title: v.title.clone(),
        created_at: v.created_at.to_rfc3339(),
        created_by: v.created_by.clone(),
        created_by_name,
        interviews,
    }
}

/// Who `actor` (as stored: `usr_…` or `api_key:key_…`) is, for a person.
fn actor_name(tx: &dyn ReadTxn, actor: &str) -> Result<Option<String>, Error> {
    if let Some(key_id) = actor.strip_prefix("api_key:") {
        let key = tx.api_keys()?.into_iter().find(|k| k.id == key_id);
        return Ok(key.map(|k| format!("API key \"{}\"", k.name)));
    }
    Ok(tx.user(actor)?.map(|u| if u.name.trim().is_empty() { u.email } else { u.name }))
}

/// Every template, by name (ignoring case), then by id.
pub fn list(tx: &dyn ReadTxn) -> Result<Vec<TemplateSummary>, Error> {
    let mut all = tx.templates()?;
    all.sort_by_cached_key(|t| (t.name.to_lowercase(), t.id.clone()));
    all.iter().map(|t| summary(tx, t)).collect()
}

fn template_of(tx: &dyn ReadTxn, id: &str) -> Result<TemplateRecord, Error> {
    tx.template(id)?.ok_or(Error::NotFound { what: "template" })
}

fn definition_of(tx: &dyn ReadTxn, id: &str, version: u32) -> Result<Value, Error> {
    let text = tx
        .template_definition(id, version)?
        .ok_or_else(|| Error::Internal(format!("version {version} of template {id} is missing")))?;
    serde_json::from_str(&text).map_err(|e| Error::Internal(format!("stored template {id} v{version} is not JSON: {e}")))
}

/// A stored version, checked again and packed as the interview page reads it.
fn packed_of(tx: &dyn ReadTxn, id: &str, version: u32) -> Result<String, Error> {
    let text = tx
        .template_definition(id, version)?
        .ok_or_else(|| Error::Internal(format!("version {version} of template {id} is missing")))?;
    let template = Template::from_json(&text)
        .map_err(|e| Error::Internal(format!("stored template {id} v{version} no longer checks: {e}")))?;
    Ok(template.pack())
}

/// A template with its live version's definition.
pub fn detail(tx: &dyn ReadTxn, id: &str) -> Result<TemplateDetail, Error> {
    let record = template_of(tx, id)?;
    let definition = definition_of(tx, id, record.live_version)?;
    Ok(TemplateDetail { summary: summary(tx, &record)?, definition })
}

/// Reads a version number from a path: anything but a version of the template is not found.
pub fn read_version(text: &str) -> Result<u32, Error> {
    text.parse::<u32>().ok().filter(|n| *n > 0).ok_or(Error::NotFound { what: "template version" })
}

/// One version of a template with its definition.
pub fn version_detail(tx: &dyn ReadTxn, id: &str, version: u32) -> Result<VersionDetail, Error> {
    let record = template_of(tx, id)?;
    let meta = record.versions.iter().find(|v| v.version == version).ok_or(Error::NotFound { what: "template version" })?;
    let interviews = tx.pin_counts(id)?.into_iter().find(|(v, _)| *v == version).map_or(0, |(_, n)| n);
    Ok(VersionDetail {
        template_id: record.id.clone(),
        template_name: record.name.clone(),
        live: record.live_version == version,
        version: version_summary(meta, interviews, actor_name(tx, &meta.created_by)?),
        template_packed: packed_of(tx, id, version)?,
        definition: definition_of(tx, id, version)?,
    })
}

/// Which interviews of a template `GET /templates/{id}/pins` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinFilter {
    /// All of them.
    All,
    /// Those pinned to this version.
    Version(u32),
    /// Those not opened yet (so not pinned).
    NotOpened,
}

impl PinFilter {
    /// Reads the `version` query parameter: absent or empty for all, a number, or `none`.
    pub fn read(text: Option<&str>) -> Result<Self, Error> {
        match text.map(str::trim) {
            None | Some("") => Ok(PinFilter::All),
            Some("none") => Ok(PinFilter::NotOpened),
            Some(n) => match n.parse::<u32>() {
                Ok(v) if v > 0 => Ok(PinFilter::Version(v)),
                _ => Err(Error::BadRequest {
                    code: "invalid_query",
                    message: format!("`version` is a version number or `none`, not `{n}`."),
                }),
            },
        }
    }
}

/// The cursor of the pins list: `<version>.<ms>.<id>`, base64url.
pub fn pin_cursor(key: &PinKey) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}.{}", key.created_at.0, key.version, key.id))
}

/// Reads a cursor made by [`pin_cursor`].
pub fn read_pin_cursor(cursor: &str) -> Result<PinKey, Error> {
    let bad = || Error::BadRequest {
        code: "invalid_cursor",
        message: "The `cursor` is not one this list gave out; start again from the first page.".to_owned(),
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.splitn(3, '.');
    let at = parts.next().and_then(|p| p.parse::<i64>().ok()).ok_or_else(bad)?;
    let version = parts.next().and_then(|p| p.parse::<u32>().ok()).ok_or_else(bad)?;
    let id = parts.next().ok_or_else(bad)?;
    let id_ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !id_ok {
        return Err(bad());
    }
    Ok(PinKey { version, created_at: Timestamp(at), id: id.to_owned() })
}

/// A page of the interviews with a section of template `id`, by pinned
/// version (highest first, not opened last), then newest first.
pub fn pins(
    tx: &dyn ReadTxn,
    now: Timestamp,
    id: &str,
    filter: PinFilter,
    after: Option<PinKey>,
    limit: usize,
) -> Result<Page<PinnedInterview>, Error> {
    let record = template_of(tx, id)?;
    let version = match filter {
        PinFilter::All => None,
        PinFilter::NotOpened => Some(0),
        PinFilter::Version(v) if record.versions.iter().any(|m| m.version == v) => Some(v),
        PinFilter::Version(_) => return Err(Error::NotFound { what: "template version" }),
    };
    // One more than asked, to know whether a next page follows.
    let mut found = tx.interviews_of_template(id, version, after.as_ref(), limit + 1)?;
    let next = if found.len() > limit {
        found.truncate(limit);
        found.last().map(|(key, _)| pin_cursor(key))
    } else {
        None
    };
    let mut items = Vec::with_capacity(found.len());
    for (key, interview) in found {
        let work_item_name = tx.work_item(&interview.work_item_id)?.map(|w| w.name).unwrap_or_default();
        let client_name = tx
            .client(&interview.client_id)?
            .map(|c| [c.title, c.first_name, c.last_name].iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        items.push(PinnedInterview {
            state: expiry::effective_state(&interview, now),
            version: (key.version > 0).then_some(key.version),
            created_at: interview.created_at.to_rfc3339(),
            interview_id: interview.id,
            work_item_id: interview.work_item_id,
            work_item_name,
            client_id: interview.client_id,
            client_name,
        });
    }
    Ok(Page { items, next })
}
