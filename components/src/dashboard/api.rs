//! The dashboard's client of the staff API (docs/api.md, "Staff API"), typed
//! with the shapes of `interview-api`, so the dashboard and the host read and
//! write the same structs.
//!
//! Calls go to the page's own origin with the session cookie (HttpOnly, so
//! this code never sees it) and, on every change, the `X-CSRF-Token` the
//! sign-in gave. A `401 not_signed_in` on any call means the session ended:
//! the hook set with [`on_signed_out`] sends the person to sign in, and back
//! where they were afterwards.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder};
use interview_api::{next_cursor, ApiError, ErrorBody, Page};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No answer: the network is down or the host cannot be reached.
    Offline,
    /// The session ended (or never began): sign in again.
    SignedOut,
    /// The host answered with an error.
    Http {
        /// The HTTP status.
        status: u16,
        /// The host's error object (code, sentence, details).
        error: ApiError,
    },
}

impl Failure {
    /// A sentence for the person using the dashboard.
    pub fn message(&self) -> String {
        match self {
            Failure::Offline => "The host cannot be reached. Check your connection and try again.".to_owned(),
            Failure::SignedOut => "Your session has ended. Sign in again.".to_owned(),
            Failure::Http { error, .. } => error.message.clone(),
        }
    }

    /// The host's error code (`""` when there is none).
    pub fn code(&self) -> &str {
        match self {
            Failure::Http { error, .. } => &error.code,
            Failure::Offline => "offline",
            Failure::SignedOut => "not_signed_in",
        }
    }

    /// The HTTP status, when the host answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error's list of problems (`errors`), when it has one.
    pub fn problems(&self) -> Vec<serde_json::Value> {
        match self {
            Failure::Http { error, .. } => match &error.errors {
                Some(serde_json::Value::Array(list)) => list.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

/// What a call answers.
pub type Answer<T> = Result<T, Failure>;

thread_local! {
    static CSRF: RefCell<Option<String>> = const { RefCell::new(None) };
    static SIGNED_OUT: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Keeps the CSRF token of the current session (or forgets it, on sign-out).
pub fn set_csrf(token: Option<String>) {
    CSRF.with(|c| *c.borrow_mut() = token);
}

/// Sets what happens when a call finds the session ended.
pub fn on_signed_out(hook: impl Fn() + 'static) {
    SIGNED_OUT.with(|h| *h.borrow_mut() = Some(Rc::new(hook)));
}

fn signed_out() {
    let hook = SIGNED_OUT.with(|h| h.borrow().clone());
    if let Some(hook) = hook {
        hook();
    }
}

fn with_csrf(request: RequestBuilder) -> RequestBuilder {
    match CSRF.with(|c| c.borrow().clone()) {
        Some(token) => request.header("X-CSRF-Token", &token),
        None => request,
    }
}

/// Turns an answer that is not a success into a [`Failure`].
fn failure(status: u16, body: &str) -> Failure {
    let error = match serde_json::from_str::<ErrorBody>(body) {
        Ok(body) => body.error,
        Err(_) => ApiError {
            code: format!("http_{status}"),
            message: format!("The host answered with status {status}. Try again in a moment."),
            attempts_left: None,
            retry_after: None,
            errors: None,
        },
    };
    if status == 401 && error.code == "not_signed_in" {
        signed_out();
        return Failure::SignedOut;
    }
    Failure::Http { status, error }
}

/// What a call answered: its body as text and the next page's cursor (from `Link`).
struct Reply {
    status: u16,
    body: String,
    next: Option<String>,
}

/// Sends a request and reads the whole answer. Not generic, so one copy of
/// the fetch is linked whatever the calls read.
async fn send(method: Option<Method>, path: &str, body: Option<String>) -> Answer<Reply> {
    let builder = match method {
        None => Request::get(path),
        Some(method) => with_csrf(method.builder(path)),
    };
    let request = match body {
        Some(json) => builder.header("Content-Type", "application/json").body(json),
        None => builder.build(),
    };
    let request = request.map_err(|_| Failure::Offline)?;
    let response = request.send().await.map_err(|_| Failure::Offline)?;
    let status = response.status();
    let next = response.headers().get("link").as_deref().and_then(next_cursor);
    let body = response.text().await.map_err(|_| Failure::Offline)?;
    if (200..300).contains(&status) {
        Ok(Reply { status, body, next })
    } else {
        Err(failure(status, &body))
    }
}

/// Reads an answer's body as `T`.
fn read<T: DeserializeOwned>(reply: &Reply) -> Answer<T> {
    serde_json::from_str(&reply.body).map_err(|e| Failure::Http {
        status: reply.status,
        error: ApiError {
            code: "unreadable_answer".to_owned(),
            message: format!("The host's answer could not be read ({e}); the dashboard and the host may be of different versions."),
            attempts_left: None,
            retry_after: None,
            errors: None,
        },
    })
}

/// A JSON body, or the failure to write one (which only a bug causes).
fn body_of<B: Serialize + ?Sized>(body: &B) -> Answer<String> {
    serde_json::to_string(body).map_err(|_| Failure::Offline)
}

/// `GET path`, read as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Answer<T> {
    read(&send(None, path, None).await?)
}

/// `GET path` of a paged list: its rows and the next page's cursor.
pub async fn get_page<T: DeserializeOwned>(path: &str) -> Answer<Page<T>> {
    let reply = send(None, path, None).await?;
    Ok(Page { items: read(&reply)?, next: reply.next })
}

/// `method path` with a JSON body, read as `T`.
pub async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(method: Method, path: &str, body: &B) -> Answer<T> {
    let body = body_of(body)?;
    read(&send(Some(method), path, Some(body)).await?)
}

/// `method path` with a JSON body (or none), when the answer has none worth reading (`204`).
pub async fn call_no_answer<B: Serialize + ?Sized>(method: Method, path: &str, body: Option<&B>) -> Answer<()> {
    let body = body.map(body_of).transpose()?;
    send(Some(method), path, body).await.map(|_| ())
}

/// The methods that change something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Makes something.
    Post,
    /// Replaces something.
    Put,
    /// Changes part of something.
    Patch,
    /// Removes something.
    Delete,
}

impl Method {
    fn builder(self, path: &str) -> RequestBuilder {
        match self {
            Method::Post => Request::post(path),
            Method::Put => Request::put(path),
            Method::Patch => Request::patch(path),
            Method::Delete => Request::delete(path),
        }
    }
}

/// `value` encoded for a URL's query string.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

/// A query string (`?a=1&b=2`, or `""`) of the pairs whose value is not empty.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
