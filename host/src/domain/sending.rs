//! Staff sending an interview to a client, and cancelling it (rule 3: one
//! outstanding interview per work item; follow-ups only to the client already
//! attached). The link carries its token in the URL fragment so it never
//! reaches server logs or Referer headers.

use std::collections::BTreeMap;

use interview_runtime::Locale;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::audit::{self, Actor};
use super::clients::{self, ClientFields};
use super::expiry;
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::notify::mail;
use crate::storage::records::{
    Attempts, AuthMethodName, ClientAuth, Interview, InterviewState, Progress, Section, SectionAnswers, WorkItemStatus,
};
use crate::storage::Storage;

/// Who the interview goes to: a known client, or a new one.
#[derive(Debug, Clone)]
pub enum Recipient {
    /// An existing client by id.
    Existing(String),
    /// A client to make now.
    New(ClientFields),
}

/// The email staff can send (or that was sent) with the link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmailView {
    /// The client's address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain text with the link.
    pub body: String,
    /// A `mailto:` link with all of the above, for staff's own mail program.
    pub mailto: String,
}

/// A sent interview: the link is shown once (only its hash is kept).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sent {
    /// `iv_…`.
    pub id: String,
    /// The personal link.
    pub link: String,
    /// When it expires if never opened.
    pub expires_at: String,
    /// The language of the product's own words to the client.
    pub locale: Locale,
    /// The email with the link.
    pub email: EmailView,
}

/// The auth part of a send request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthRequest {
    /// `none`, `passphrase` or `sms`.
    pub method: AuthMethodName,
    /// Required for `passphrase`.
    pub passphrase: Option<String>,
}

/// Shortest passphrase staff may set.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Checks a passphrase staff chose, before it is hashed.
pub fn check_passphrase(auth: &AuthRequest) -> Result<Option<&str>, Error> {
    match (auth.method, auth.passphrase.as_deref()) {
        (AuthMethodName::Passphrase, Some(p)) if p.chars().count() >= MIN_PASSPHRASE_CHARS && p.len() <= 1024 => {
            Ok(Some(p))
        }
        (AuthMethodName::Passphrase, _) => Err(Error::Unprocessable {
            code: "invalid_passphrase",
            message: format!("A passphrase of {MIN_PASSPHRASE_CHARS} to 1024 characters is needed for passphrase protection."),
            errors: None,
        }),
        (_, Some(_)) => Err(Error::Unprocessable {
            code: "invalid_passphrase",
            message: "A passphrase is only used with the passphrase method.".to_owned(),
            errors: None,
        }),
        _ => Ok(None),
    }
}

/// The locale a send request asked for by its tag (`default` when it named
/// none); a language the product does not speak is `422 invalid_locale`.
pub fn read_locale(tag: Option<&str>, default: Locale) -> Result<Locale, Error> {
    let Some(tag) = tag else { return Ok(default) };
    Locale::from_tag(tag).ok_or_else(|| {
        let text = interview_runtime::locale::unsupported(tag);
        let mut chars = text.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
        Error::Unprocessable { code: "invalid_locale", message: format!("{first}{}.", chars.as_str()), errors: None }
    })
}

/// True when an interview still waits for the client at `now`.
fn outstanding(iv: &Interview, now: Timestamp) -> bool {
    expiry::is_live(iv, now)
}

/// What staff asked to send.
#[derive(Debug, Clone)]
pub struct SendRequest {
    /// To whom.
    pub recipient: Recipient,
    /// How the client proves who they are.
    pub method: AuthMethodName,
    /// The argon2id hash of the passphrase (made by the caller off the executor) for `passphrase`.
    pub passphrase_hash: Option<String>,
    /// Template ids, one section each (default: the work item's template).
    pub sections: Option<Vec<String>>,
    /// The language of the product's own words to the client.
    pub locale: Locale,
}

/// Sends an interview for a work item; returns it with the work item's id.
pub fn send(store: &Storage, now: Timestamp, actor: &Actor, work_item_id: &str, request: SendRequest) -> Result<(Sent, String), Error> {
    let SendRequest { recipient, method, passphrase_hash, sections, locale } = request;
    store.write(|tx| {
        let settings = tx.settings()?;
        let mut work_item = tx.work_item(work_item_id)?.ok_or(Error::NotFound { what: "work item" })?;
        for id in &work_item.interviews {
            if let Some(existing) = tx.interview(id)? {
                if outstanding(&existing, now) {
                    return Err(Error::Conflict {
                        code: "outstanding_interview",
                        message: "An interview for this work item is still waiting for the client; cancel it first."
                            .to_owned(),
                    });
                }
            }
        }
        if !settings.auth_methods.contains(&method) {
            return Err(Error::Unprocessable {
                code: "auth_method_disabled",
                message: "That sign-in method is turned off in the site settings.".to_owned(),
                errors: None,
            });
        }
        let client = match recipient.clone() {
            Recipient::Existing(id) => {
                let client = tx.client(&id)?.ok_or_else(|| Error::Unprocessable {
                    code: "unknown_client",
                    message: format!("There is no client `{id}`."),
                    errors: None,
                })?;
                if work_item.client_id.as_deref().is_some_and(|attached| attached != client.id) {
                    return Err(different_client());
                }
                client
            }
            Recipient::New(fields) => {
                if work_item.client_id.is_some() {
                    return Err(different_client());
                }
                clients::create(tx, now, fields)?
            }
        };
        if method == AuthMethodName::Sms && client.mobile.is_none() {
            return Err(Error::Unprocessable {
                code: "no_mobile",
                message: "SMS protection needs the client's mobile number; add it to the client first.".to_owned(),
                errors: None,
            });
        }
        let template_ids = sections.clone().unwrap_or_else(|| vec![work_item.template_id.clone()]);
        if template_ids.is_empty() || template_ids.len() > 20 {
            return Err(Error::Unprocessable {
                code: "invalid_sections",
                message: "An interview needs 1 to 20 sections.".to_owned(),
                errors: None,
            });
        }
        let mut section_records = Vec::new();
        for (n, template_id) in template_ids.iter().enumerate() {
            if tx.template(template_id)?.is_none() {
                return Err(Error::Unprocessable {
                    code: "unknown_template",
                    message: format!("There is no template `{template_id}`."),
                    errors: None,
                });
            }
            section_records.push(Section { id: format!("s{}", n + 1), template_id: template_id.clone(), version: None });
        }
        let auth = match method {
            AuthMethodName::None => ClientAuth::None,
            AuthMethodName::Sms => ClientAuth::Sms,
            AuthMethodName::Passphrase => ClientAuth::Passphrase {
                hash: passphrase_hash.clone().ok_or_else(|| Error::Internal("passphrase hash missing".to_owned()))?,
            },
        };
        let progress = starting_answers(&work_item, &section_records, now);
        let (link_token, token_hash) = token::new_token();
        let interview = Interview {
            id: token::new_id("iv_"),
            work_item_id: work_item.id.clone(),
            client_id: client.id.clone(),
            sections: section_records,
            token_hash,
            auth,
            state: InterviewState::Sent,
            created_at: now,
            link_expires_at: now.plus_secs(settings.link_lifetime_secs),
            access_window_secs: settings.access_window_secs,
            first_opened_at: None,
            last_access_at: None,
            attempts: Attempts::default(),
            sms: None,
            progress,
            submission: None,
            created_by: actor.as_string(),
            locale,
        };
        tx.put_interview(&interview)?;
        work_item.client_id = Some(client.id.clone());
        work_item.interviews.push(interview.id.clone());
        work_item.status = WorkItemStatus::WaitingForClient;
        work_item.updated_at = now;
        tx.put_work_item(&work_item)?;
        audit::record(
            tx,
            &work_item.id,
            now,
            actor,
            "interview_sent",
            json!({"interview": interview.id, "client": client.id, "auth": method, "sections": template_ids, "locale": locale}),
            None,
        )?;

        let link = format!("{}/i/#{}", settings.public_base_url.trim_end_matches('/'), link_token);
        let expires_at = interview.link_expires_at.to_rfc3339();
        let vars = BTreeMap::from([
            ("title", client.title.clone()),
            ("first_name", client.first_name.clone()),
            ("last_name", client.last_name.clone()),
            ("work_item", work_item.name.clone()),
            ("link", link.clone()),
            ("expires_at", expires_at.clone()),
        ]);
        let (subject, body) = mail::compose(&settings.email_subject, &settings.email_body, &vars);
        let email = mail::Email { to: client.email.clone(), subject, body };
        let mailto = mail::mailto(&email);
        let view = EmailView { to: email.to.clone(), subject: email.subject.clone(), body: email.body.clone(), mailto };
        Ok((Sent { id: interview.id, link, expires_at, locale, email: view }, work_item.id))
    })
}

/// Where a new interview starts: the work item's current answers (a
/// submission, staff's edits or initial answers) as saved progress of each
/// section of the work item's own template, so a follow-up starts from the
/// latest answers instead of a blank form. Other templates' sections start
/// empty. `None` when the work item has no answers yet.
fn starting_answers(work_item: &crate::storage::records::WorkItem, sections: &[Section], now: Timestamp) -> Option<Progress> {
    if work_item.answers.is_empty() {
        return None;
    }
    let answers: SectionAnswers = sections
        .iter()
        .filter(|s| s.template_id == work_item.template_id)
        .map(|s| (s.id.clone(), work_item.answers.clone()))
        .collect();
    (!answers.is_empty()).then_some(Progress { answers, saved_at: now })
}

fn different_client() -> Error {
    Error::Conflict {
        code: "different_client",
        message: "Follow-up interviews go to the client already attached to this work item.".to_owned(),
    }
}

/// Cancels an outstanding interview: its link and sessions stop at once.
pub fn cancel(store: &Storage, now: Timestamp, actor: &Actor, interview_id: &str) -> Result<(), Error> {
    store.write(|tx| {
        let mut interview = tx.interview(interview_id)?.ok_or(Error::NotFound { what: "interview" })?;
        if !expiry::is_live(&interview, now) {
            return Err(Error::Conflict {
                code: "not_outstanding",
                message: "Only an interview still waiting for the client can be cancelled.".to_owned(),
            });
        }
        interview.state = InterviewState::Cancelled;
        tx.put_interview(&interview)?;
        tx.delete_client_sessions_of(&interview.id)?;
        if let Some(mut work_item) = tx.work_item(&interview.work_item_id)? {
            work_item.status = WorkItemStatus::Cancelled;
            work_item.updated_at = now;
            tx.put_work_item(&work_item)?;
        }
        audit::record(tx, &interview.work_item_id, now, actor, "interview_cancelled", json!({"interview": interview.id}), None)?;
        Ok(())
    })
}

/// How many expired interviews one write transaction writes down.
const SWEEP_BATCH: usize = 500;

/// Writes down expiry for the interviews past it (state, work item status and
/// audit in one transaction per batch). It reads only the expiry index up to
/// `now`, so it costs what expired, not the number of work items; when
/// nothing did, it is one read and no write.
pub fn sweep_expired(store: &Storage, now: Timestamp) -> Result<usize, Error> {
    let mut count = 0;
    loop {
        if store.read(|tx| Ok(tx.interviews_expiring(now, 1)?.is_empty()))? {
            return Ok(count);
        }
        let done = store.write(|tx| {
            let due = tx.interviews_expiring(now, SWEEP_BATCH)?;
            for interview in &due {
                expire(tx, now, interview.clone())?;
            }
            Ok(due.len())
        })?;
        count += done;
        if done < SWEEP_BATCH {
            return Ok(count);
        }
    }
}

/// Writes down the expiry of one work item's interviews when it is due, and
/// touches nothing else: what a read of the work item runs first.
pub fn expire_work_item(store: &Storage, now: Timestamp, work_item_id: &str) -> Result<(), Error> {
    let due = |tx: &dyn crate::storage::ReadTxn| -> Result<Vec<Interview>, Error> {
        let Some(item) = tx.work_item(work_item_id)? else { return Ok(Vec::new()) };
        let mut due = Vec::new();
        for id in &item.interviews {
            if let Some(iv) = tx.interview(id)? {
                if matches!(iv.state, InterviewState::Sent | InterviewState::Opened)
                    && expiry::effective_state(&iv, now) == InterviewState::Expired
                {
                    due.push(iv);
                }
            }
        }
        Ok(due)
    };
    if store.read(|tx| due(tx))?.is_empty() {
        return Ok(());
    }
    store.write(|tx| {
        for interview in due(&*tx)? {
            expire(tx, now, interview)?;
        }
        Ok(())
    })
}

/// Marks one live interview past its expiry as expired and ends its
/// sessions; when it is its work item's latest, the item's status follows and
/// the expiry is audited.
fn expire(tx: &mut dyn crate::storage::WriteTxn, now: Timestamp, mut interview: Interview) -> Result<(), Error> {
    interview.state = InterviewState::Expired;
    tx.put_interview(&interview)?;
    tx.delete_client_sessions_of(&interview.id)?;
    let Some(mut work_item) = tx.work_item(&interview.work_item_id)? else { return Ok(()) };
    // An older interview left live on paper (a follow-up was sent after it
    // lapsed) is closed quietly; the item's status belongs to its latest.
    if work_item.interviews.last() != Some(&interview.id) {
        return Ok(());
    }
    work_item.status = WorkItemStatus::Expired;
    work_item.updated_at = now;
    tx.put_work_item(&work_item)?;
    audit::record(tx, &work_item.id, now, &Actor::System, "interview_expired", json!({"interview": interview.id}), None)?;
    Ok(())
}
