//! How a client gets in: a link token is traded for a client session,
//! directly or after a passphrase or an SMS code (rule 6). Every refusal for
//! a link that is submitted, cancelled, expired or unknown is the same
//! [`Error::Expired`], so an outsider learns nothing (rule 4).
//!
//! Failed attempts are counted per interview with a temporary lockout
//! (`auth::softlock`); per-IP limits sit in the HTTP layer.

use interview_runtime::Locale;
use serde_json::json;

use super::audit::{self, Actor};
use super::expiry;
use crate::auth::{otp, softlock, token};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{ClientAuth, ClientSession, Interview, InterviewState, SmsChallenge};
use crate::storage::txn::WriteTxn;
use crate::storage::Storage;

/// How long an SMS code stays valid.
pub const SMS_CODE_TTL_SECS: u64 = 600;
/// The shortest gap between two codes for one interview.
pub const SMS_RESEND_GAP_SECS: u64 = 30;

/// The answer to opening a link.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// In: a client session.
    Ready(NewSession),
    /// The client must prove who they are first.
    AuthRequired(&'static str),
}

/// A client session just made (the token is shown once, stored hashed).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    /// The bearer token.
    pub session: String,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// An SMS to send after the transaction committed.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSms {
    /// E.164 number.
    pub to: String,
    /// The text, with the code.
    pub body: String,
}

/// Finds the live interview a link token names, or the uniform "expired".
fn live_interview(tx: &dyn crate::storage::txn::ReadTxn, link_token: &str, now: Timestamp) -> Result<Interview, Error> {
    let hash = token::parse_token(link_token).ok_or(Error::Expired)?;
    let interview = tx.interview_by_token(&hash)?.ok_or(Error::Expired)?;
    if !expiry::is_live(&interview, now) {
        return Err(Error::Expired);
    }
    Ok(interview)
}

/// Refuses while the interview is locked after too many failed attempts.
fn not_locked(interview: &Interview, now: Timestamp) -> Result<(), Error> {
    softlock::check(&interview.attempts, now).map_err(|l| Error::locked(l.retry_after_secs))
}

/// The live, unlocked interview of an SMS-protected link.
fn live_sms_interview(tx: &dyn crate::storage::txn::ReadTxn, link_token: &str, now: Timestamp) -> Result<Interview, Error> {
    let interview = live_interview(tx, link_token, now)?;
    if interview.auth != ClientAuth::Sms {
        return Err(Error::BadRequest {
            code: "wrong_method",
            message: "This request is not protected by an SMS code.".to_owned(),
        });
    }
    not_locked(&interview, now)?;
    Ok(interview)
}

/// Makes a client session, records the access (pinning template versions at the
/// first one) and audits the opening.
fn admit(
    tx: &mut dyn WriteTxn,
    mut interview: Interview,
    now: Timestamp,
    ip: Option<&str>,
    how: &str,
) -> Result<NewSession, Error> {
    let settings = tx.settings()?;
    let first = interview.first_opened_at.is_none();
    if first {
        // Rule 2: the live version at first opening is the one used from then on.
        for section in &mut interview.sections {
            if section.version.is_none() {
                let template = tx.template(&section.template_id)?.ok_or(Error::Expired)?;
                section.version = Some(template.live_version);
            }
        }
    }
    expiry::touch(&mut interview, now);
    softlock::record_success(&mut interview.attempts);
    let link_expiry = expiry::expires_at(&interview).unwrap_or(now);
    let expires_at = now.plus_secs(settings.client_session_secs).min(link_expiry);
    let (session, hash) = token::new_token();
    tx.put_client_session(&ClientSession {
        token_hash: hash,
        interview_id: interview.id.clone(),
        created_at: now,
        expires_at,
    })?;
    tx.put_interview(&interview)?;
    let event = if first { "interview_opened" } else { "interview_resumed" };
    audit::record(tx, &interview.work_item_id, now, &Actor::Client, event, json!({"interview": interview.id, "via": how}), ip)?;
    Ok(NewSession { session, expires_at })
}

/// Counts a failed attempt, auditing it and the lockout it may cause, and returns the refusal.
fn refuse(
    tx: &mut dyn WriteTxn,
    mut interview: Interview,
    now: Timestamp,
    ip: Option<&str>,
    code: &'static str,
    message: &str,
) -> Result<Error, Error> {
    let settings = tx.settings()?;
    let outcome = softlock::record_failure(
        &mut interview.attempts,
        now,
        settings.max_failed_attempts,
        settings.lockout_secs,
    );
    tx.put_interview(&interview)?;
    audit::record(tx, &interview.work_item_id, now, &Actor::Client, "auth_failed", json!({"interview": interview.id, "reason": code}), ip)?;
    Ok(match outcome {
        softlock::Failure::AttemptsLeft(left) => Error::Unauthorized {
            code,
            message: message.to_owned(),
            attempts_left: Some(left),
        },
        // Another request locked it while this one was being checked: no new audit event.
        softlock::Failure::AlreadyLocked { retry_after_secs } => Error::locked(retry_after_secs),
        softlock::Failure::LockedNow { retry_after_secs } => {
            audit::record(
                tx,
                &interview.work_item_id,
                now,
                &Actor::System,
                "auth_locked",
                json!({"interview": interview.id, "for_secs": retry_after_secs}),
                ip,
            )?;
            Error::locked_now(retry_after_secs)
        }
    })
}

/// `POST /client/open`: a link token for a session, or the method to prove identity with, and
/// the interview's locale.
pub fn open(store: &Storage, now: Timestamp, link_token: &str, ip: Option<&str>) -> Result<(Opened, Locale), Error> {
    store.write(|tx| {
        let interview = live_interview(tx, link_token, now)?;
        let locale = interview.locale;
        match interview.auth {
            ClientAuth::None => Ok((Opened::Ready(admit(tx, interview, now, ip, "link")?), locale)),
            ClientAuth::Passphrase { .. } => Ok((Opened::AuthRequired("passphrase"), locale)),
            ClientAuth::Sms => Ok((Opened::AuthRequired("sms"), locale)),
        }
    })
}

/// The stored passphrase hash of a live passphrase interview, after the lockout check.
pub fn passphrase_hash(store: &Storage, now: Timestamp, link_token: &str) -> Result<String, Error> {
    store.read(|tx| {
        let interview = live_interview(tx, link_token, now)?;
        let ClientAuth::Passphrase { hash } = &interview.auth else {
            return Err(Error::BadRequest {
                code: "wrong_method",
                message: "This request is not protected by a passphrase.".to_owned(),
            });
        };
        not_locked(&interview, now)?;
        Ok(hash.clone())
    })
}

/// Records the outcome of a passphrase check made (slowly, off the executor) by the caller.
pub fn passphrase_result(
    store: &Storage,
    now: Timestamp,
    link_token: &str,
    correct: bool,
    ip: Option<&str>,
) -> Result<NewSession, Error> {
    store.write(|tx| {
        let interview = live_interview(tx, link_token, now)?;
        // A lockout may have started while the hash was being checked.
        not_locked(&interview, now)?;
        if correct {
            Ok(Ok(admit(tx, interview, now, ip, "passphrase")?))
        } else {
            Ok(Err(refuse(tx, interview, now, ip, "wrong_passphrase", "The passphrase is not right.")?))
        }
    })?
}

/// `POST /client/auth/sms/start`: checks the last 4 digits and issues a code to send.
pub fn sms_start(
    store: &Storage,
    now: Timestamp,
    link_token: &str,
    last4: &str,
    ip: Option<&str>,
) -> Result<PendingSms, Error> {
    store.write(|tx| {
        let mut interview = live_sms_interview(tx, link_token, now)?;
        let client = tx.client(&interview.client_id)?.ok_or(Error::Expired)?;
        let Some(mobile) = client.mobile.clone() else {
            return Err(Error::Conflict {
                code: "no_mobile",
                message: "No mobile number is on file; ask the sender for another way in.".to_owned(),
            });
        };
        let digits: String = last4.chars().filter(|c| !c.is_whitespace()).collect();
        if !interview_runtime::phone::last_digits_match(&mobile, &digits, 4) {
            return Ok(Err(refuse(
                tx,
                interview,
                now,
                ip,
                "wrong_digits",
                "Those are not the last 4 digits of the mobile number we have.",
            )?));
        }
        if let Some(previous) = &interview.sms {
            if let Err(wait) = otp::may_resend(previous.sent_at, now, SMS_RESEND_GAP_SECS) {
                return Err(Error::TooManyRequests {
                    code: "resend_too_soon",
                    message: format!("A code was sent moments ago; you can ask for another in {wait} seconds."),
                    retry_after_secs: wait,
                });
            }
        }
        let (code, challenge) = otp::Challenge::issue(&interview.id, now, SMS_CODE_TTL_SECS);
        interview.sms = Some(SmsChallenge {
            code_hash: challenge.code_hash,
            sent_at: challenge.sent_at,
            expires_at: challenge.expires_at,
        });
        tx.put_interview(&interview)?;
        audit::record(tx, &interview.work_item_id, now, &Actor::Client, "sms_code_sent", json!({"interview": interview.id}), ip)?;
        Ok(Ok(PendingSms {
            to: mobile,
            body: sms_text(interview.locale, &code),
        }))
    })?
}

/// The SMS carrying a sign-in code, in the interview's language.
fn sms_text(locale: Locale, code: &str) -> String {
    match locale {
        Locale::En => format!("Your code is {code}. It works for 10 minutes. Do not share it with anyone."),
        Locale::Fr => format!("Votre code est {code}. Il est valable 10 minutes. Ne le communiquez à personne."),
        Locale::De => format!("Ihr Code lautet {code}. Er ist 10 Minuten gültig. Geben Sie ihn an niemanden weiter."),
    }
}

/// `POST /client/auth/sms/verify`: a correct, unexpired code (used once) for a session.
pub fn sms_verify(store: &Storage, now: Timestamp, link_token: &str, code: &str, ip: Option<&str>) -> Result<NewSession, Error> {
    store.write(|tx| {
        let mut interview = live_sms_interview(tx, link_token, now)?;
        let Some(stored) = interview.sms.clone() else {
            return Ok(Err(refuse(tx, interview, now, ip, "wrong_code", "Ask for a code first.")?));
        };
        let challenge = otp::Challenge { code_hash: stored.code_hash, sent_at: stored.sent_at, expires_at: stored.expires_at };
        match challenge.verify(&interview.id, code, now) {
            otp::OtpCheck::Valid => {
                // Single use: the code is gone once it let someone in.
                interview.sms = None;
                Ok(Ok(admit(tx, interview, now, ip, "sms")?))
            }
            otp::OtpCheck::Expired => {
                interview.sms = None;
                Ok(Err(refuse(tx, interview, now, ip, "wrong_code", "The code has expired; ask for a new one.")?))
            }
            otp::OtpCheck::Wrong => Ok(Err(refuse(tx, interview, now, ip, "wrong_code", "The code is not right.")?)),
        }
    })?
}

/// The interview a client session opens, if both are still live; records the access.
pub fn session_interview(store: &Storage, now: Timestamp, session: &str) -> Result<Interview, Error> {
    let hash = token::parse_token(session).ok_or(Error::Expired)?;
    store.write(|tx| {
        let record = tx.client_session(&hash)?.ok_or(Error::Expired)?;
        if now >= record.expires_at {
            return Err(Error::Expired);
        }
        let mut interview = tx.interview(&record.interview_id)?.ok_or(Error::Expired)?;
        if !expiry::is_live(&interview, now) {
            return Err(Error::Expired);
        }
        expiry::touch(&mut interview, now);
        tx.put_interview(&interview)?;
        Ok(interview)
    })
}

/// The interview behind a session whatever its state (for a repeated submit).
pub fn session_interview_any_state(store: &Storage, session: &str) -> Result<Interview, Error> {
    let hash = token::parse_token(session).ok_or(Error::Expired)?;
    store.read(|tx| {
        let record = tx.client_session(&hash)?.ok_or(Error::Expired)?;
        tx.interview(&record.interview_id)?.ok_or(Error::Expired)
    })
}

/// True when an interview is in a final state.
pub fn is_final(state: InterviewState) -> bool {
    matches!(state, InterviewState::Submitted | InterviewState::Cancelled | InterviewState::Expired)
}
