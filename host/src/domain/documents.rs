//! Documents generated from a work item's answers, kept as files in the data
//! folder (named by their SHA-256) and listed on the work item.

use std::path::{Path, PathBuf};

use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::audit::{self, Actor};
use crate::auth::token;
use crate::clock::Timestamp;
use crate::documents::{self, DocumentInput, Format};
use crate::error::Error;
use crate::storage::records::DocumentMeta;
use crate::storage::Storage;

/// Where a document's bytes live.
pub fn path_of(data_dir: &Path, meta: &DocumentMeta) -> PathBuf {
    data_dir.join("documents").join(format!("{}.{}", meta.sha256, meta.format))
}

/// Generates a document for a work item, stores it and records it (with an audit event).
pub fn generate(store: &Storage, data_dir: &Path, now: Timestamp, actor: &Actor, work_item_id: &str, format: Format) -> Result<DocumentMeta, Error> {
    let (item, client_name, template_text) = store.read(|tx| {
        let item = tx.work_item(work_item_id)?.ok_or(Error::NotFound { what: "work item" })?;
        let client_name = match &item.client_id {
            Some(id) => tx.client(id)?.map(|c| format!("{} {} {}", c.title, c.first_name, c.last_name)),
            None => None,
        };
        let record = tx.template(&item.template_id)?.ok_or_else(|| Error::Internal("template missing".to_owned()))?;
        let text = tx
            .template_definition(&item.template_id, record.live_version)?
            .ok_or_else(|| Error::Internal("template version missing".to_owned()))?;
        Ok((item, client_name, text))
    })?;
    let template = interview_runtime::Template::from_json(&template_text).map_err(|e| Error::Internal(e.to_string()))?;
    let generated_at = now.to_rfc3339();
    let bytes = documents::generate(
        format,
        &DocumentInput {
            title: &item.name,
            client_name: client_name.as_deref(),
            generated_at: &generated_at,
            template: &template,
            answers: &item.answers,
        },
    )
    .map_err(|e| Error::Internal(format!("document: {e}")))?;
    let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let meta = DocumentMeta {
        id: token::new_id("doc_"),
        format: format.extension().to_owned(),
        sha256,
        size: bytes.len() as u64,
        created_at: now,
        created_by: actor.as_string(),
    };
    // Bytes first (durably), then the record: a crash leaves at worst an unlisted file.
    let path = path_of(data_dir, &meta);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, &bytes)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &path)?;
    store.write(|tx| {
        let mut item = tx.work_item(work_item_id)?.ok_or(Error::NotFound { what: "work item" })?;
        item.documents.push(meta.clone());
        item.updated_at = now;
        tx.put_work_item(&item)?;
        audit::record(tx, work_item_id, now, actor, "document_generated", json!({"document": meta.id, "format": meta.format}), None)?;
        Ok(())
    })?;
    Ok(meta)
}

/// Finds a document by id, with its work item's name (for the download's file name).
pub fn find(store: &Storage, id: &str) -> Result<(DocumentMeta, String), Error> {
    store.read(|tx| {
        for item in tx.work_items()? {
            if let Some(doc) = item.documents.iter().find(|d| d.id == id) {
                return Ok((doc.clone(), item.name.clone()));
            }
        }
        Err(Error::NotFound { what: "document" })
    })
}
