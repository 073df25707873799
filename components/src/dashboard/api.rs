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

use gloo_net::http::{Request, RequestBuilder, Response};
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
async fn failure(response: Response) -> Failure {
    let status = response.status();
    let error = match response.json::<ErrorBody>().await {
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

async fn send(request: Result<Request, gloo_net::Error>) -> Answer<Response> {
    let request = request.map_err(|_| Failure::Offline)?;
    let response = request.send().await.map_err(|_| Failure::Offline)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(failure(response).await)
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Answer<T> {
    let status = response.status();
    response.json::<T>().await.map_err(|e| Failure::Http {
        status,
        error: ApiError {
            code: "unreadable_answer".to_owned(),
            message: format!("The host's answer could not be read ({e}); the dashboard and the host may be of different versions."),
            attempts_left: None,
            retry_after: None,
            errors: None,
        },
    })
}

/// `GET path`, read as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Answer<T> {
    let response = send(Request::get(path).build()).await?;
    read(response).await
}

/// `GET path` of a paged list: its rows and the next page's cursor.
pub async fn get_page<T: DeserializeOwned>(path: &str) -> Answer<Page<T>> {
    let response = send(Request::get(path).build()).await?;
    let next = response.headers().get("link").as_deref().and_then(next_cursor);
    let items = read(response).await?;
    Ok(Page { items, next })
}

/// `method path` with a JSON body, read as `T`.
pub async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(method: Method, path: &str, body: &B) -> Answer<T> {
    let response = send(with_csrf(method.builder(path)).json(body)).await?;
    read(response).await
}

/// `method path` with a JSON body, when the answer has none worth reading (`204`).
pub async fn call_no_answer<B: Serialize + ?Sized>(method: Method, path: &str, body: Option<&B>) -> Answer<()> {
    let request = with_csrf(method.builder(path));
    let request = match body {
        Some(body) => request.json(body),
        None => request.build(),
    };
    send(request).await.map(|_| ())
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
