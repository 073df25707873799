//! The client half of the host's API (docs/api.md, "Client side"), over the
//! browser's `fetch`.
//!
//! Every call answers JSON or a [`Failure`]: either the network is down (the
//! page then keeps the draft and retries when the connection returns) or the
//! host answered with an error object, whose code and sentence are kept.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use interview_runtime::{json, Locale};
use serde_json::Value as Json;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::words::{say, word, W};

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No answer: the device is offline or the host cannot be reached.
    Offline,
    /// The host answered with an error.
    Http {
        /// The HTTP status.
        status: u16,
        /// The error's `code` (`expired`, `wrong_passphrase`, ...).
        code: String,
        /// The error's sentence for a person, in English (absent when the
        /// answer was not the host's JSON, e.g. a gateway's error page).
        message: Option<String>,
        /// The whole error object, for the fields some errors carry
        /// (`attempts_left`, `retry_after`, `errors`).
        detail: Json,
    },
}

impl Failure {
    /// Whether the link is no longer usable (the host's `410`, or a session
    /// that stopped working).
    pub fn is_expired(&self) -> bool {
        matches!(self, Failure::Http { status: 410, .. })
    }

    /// The sentence to show the client in `locale`: in English the host's
    /// own (the most precise); in other languages the component's words for
    /// the error's code or status.
    pub fn message(&self, locale: Locale) -> String {
        let (status, code, message) = match self {
            Failure::Offline => return word(locale, W::Offline).to_owned(),
            Failure::Http {
                status,
                code,
                message,
                ..
            } => (*status, code.as_str(), message),
        };
        if let (Locale::En, Some(message)) = (locale, message) {
            return message.clone();
        }
        let w = match (status, code) {
            (410, _) => W::Expired,
            (_, "invalid_answers") => W::AnswersNeedChanges,
            (_, "resend_too_soon") => W::ResendTooSoon,
            (429, _) => W::TooManyRequests,
            (413, _) => W::UploadTooLarge,
            (415, _) => W::UploadWrongType,
            (500..=599, _) => W::ServiceTrouble,
            _ => return say(locale, W::RequestFailed, &[("status", &status.to_string())]),
        };
        word(locale, w).to_owned()
    }

    /// A whole-number field of the error object (`attempts_left`, `retry_after`).
    pub fn number(&self, field: &str) -> Option<u64> {
        match self {
            Failure::Http { detail, .. } => detail.get(field).and_then(Json::as_u64),
            Failure::Offline => None,
        }
    }
}

/// The host's client API, at `base` (empty for the page's own origin).
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
}

impl Api {
    /// The API of the host at `base` (`https://intake.example.com`, or `""`).
    pub fn new(base: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// `POST /api/v1/client/open`.
    pub fn open(&self, token: &str) -> Call {
        self.call(
            "POST",
            "open",
            Some(json::object(vec![("token", Json::from(token))])),
            None,
            None,
        )
    }

    /// `POST /api/v1/client/auth/passphrase`.
    pub fn passphrase(&self, token: &str, passphrase: &str) -> Call {
        let body = json::object(vec![
            ("token", Json::from(token)),
            ("passphrase", Json::from(passphrase)),
        ]);
        self.call("POST", "auth/passphrase", Some(body), None, None)
    }

    /// `POST /api/v1/client/auth/sms/start`.
    pub fn sms_start(&self, token: &str, last4: &str) -> Call {
        let body = json::object(vec![
            ("token", Json::from(token)),
            ("last4", Json::from(last4)),
        ]);
        self.call("POST", "auth/sms/start", Some(body), None, None)
    }

    /// `POST /api/v1/client/auth/sms/verify`.
    pub fn sms_verify(&self, token: &str, code: &str) -> Call {
        let body = json::object(vec![
            ("token", Json::from(token)),
            ("code", Json::from(code)),
        ]);
        self.call("POST", "auth/sms/verify", Some(body), None, None)
    }

    /// `GET /api/v1/client/interview`.
    pub fn interview(&self, session: &str) -> Call {
        self.call("GET", "interview", None, Some(session), None)
    }

    /// `PUT /api/v1/client/progress`.
    pub fn save(&self, session: &str, answers: Json) -> Call {
        let body = json::object(vec![("answers", answers)]);
        self.call("PUT", "progress", Some(body), Some(session), None)
    }

    /// `POST /api/v1/client/submit`, with the key that makes a retry safe.
    pub fn submit(&self, session: &str, answers: Json, key: &str) -> Call {
        let body = json::object(vec![("answers", answers)]);
        self.call("POST", "submit", Some(body), Some(session), Some(key))
    }

    /// `POST /api/v1/client/files`: one file for the file question at the answer
    /// path `question` of `section`, over XMLHttpRequest so that `progress`
    /// (0.0 to 1.0) can follow the upload; answers the file reference.
    pub async fn upload(
        &self,
        session: &str,
        section: &str,
        question: &str,
        file: &web_sys::File,
        progress: Rc<dyn Fn(f64)>,
    ) -> Result<Json, Failure> {
        let form = web_sys::FormData::new().map_err(|_| Failure::Offline)?;
        // The host applies the question's rule, read before the file.
        form.append_with_str("section", section)
            .map_err(|_| Failure::Offline)?;
        form.append_with_str("question", question)
            .map_err(|_| Failure::Offline)?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(|_| Failure::Offline)?;
        let xhr = web_sys::XmlHttpRequest::new().map_err(|_| Failure::Offline)?;
        xhr.open("POST", &format!("{}/api/v1/client/files", self.base))
            .map_err(|_| Failure::Offline)?;
        let _ = xhr.set_request_header("Authorization", &format!("Bearer {session}"));
        let on_progress =
            Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    progress(ev.loaded() / ev.total());
                }
            });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        // `loadend` comes after success, failure, abort and timeout alike.
        let done = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
        xhr.send_with_opt_form_data(Some(&form))
            .map_err(|_| Failure::Offline)?;
        let _ = JsFuture::from(done).await;
        let status = xhr.status().unwrap_or(0);
        if status == 0 {
            return Err(Failure::Offline);
        }
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        let retry_after = xhr.get_response_header("Retry-After").ok().flatten();
        answer(status, &text, retry_after)
    }

    /// One call, boxed: every call shares one compiled future.
    fn call(
        &self,
        method: &'static str,
        path: &'static str,
        body: Option<Json>,
        session: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Call {
        let url = format!("{}/api/v1/client/{path}", self.base);
        let session = session.map(str::to_owned);
        let idempotency_key = idempotency_key.map(str::to_owned);
        Box::pin(async move {
            fetch(
                method,
                &url,
                body,
                session.as_deref(),
                idempotency_key.as_deref(),
            )
            .await
        })
    }
}

/// A call's answer, to await.
pub type Call = Pin<Box<dyn Future<Output = Result<Json, Failure>>>>;

/// Sends one request to the client API and reads its answer.
async fn fetch(
    method: &str,
    url: &str,
    body: Option<Json>,
    session: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<Json, Failure> {
    let headers = web_sys::Headers::new().map_err(|_| Failure::Offline)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    // The session goes in a header, never a cookie: no credentials cross origins.
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from_str(&json::to_string(&body)));
    }
    if let Some(session) = session {
        let _ = headers.set("Authorization", &format!("Bearer {session}"));
    }
    if let Some(key) = idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or(Failure::Offline)?;
    let request =
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| Failure::Offline)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| Failure::Offline)?
        .unchecked_into();
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    answer(
        status,
        &text,
        response.headers().get("Retry-After").ok().flatten(),
    )
}

/// The host's answer as JSON, or the error it carries.
fn answer(status: u16, text: &str, retry_after: Option<String>) -> Result<Json, Failure> {
    let value: Json = json::parse(text).unwrap_or(Json::Null);
    if (200..300).contains(&status) {
        return Ok(value);
    }
    let error = value.get("error").cloned().unwrap_or(Json::Null);
    let text_of = |field: &str| error.get(field).and_then(Json::as_str).map(str::to_owned);
    // A gateway's own error page (no JSON) still gets a sentence: see `message`.
    let message = text_of("message");
    let mut detail = error.clone();
    if let (Some(object), Some(retry)) = (
        detail.as_object_mut(),
        retry_after.and_then(|v| v.parse::<u64>().ok()),
    ) {
        object.entry("retry_after").or_insert(Json::from(retry));
    }
    Err(Failure::Http {
        status,
        code: text_of("code").unwrap_or_default(),
        message,
        detail,
    })
}
