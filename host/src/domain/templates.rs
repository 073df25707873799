//! Templates with immutable numbered versions; one version is live. A
//! definition is checked in full by the runtime before it is stored.

use interview_runtime::{Error as RuntimeError, Template};
use serde_json::{json, Value};

use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{TemplateRecord, TemplateVersionMeta};
use crate::storage::Storage;

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
