//! Who is signed in: the session context every screen reads, the sign-in
//! screen, sign-out, and the hook that sends a person whose session ended to
//! sign in (and back where they were afterwards).

use interview_api::{Role, SessionInfo, SignIn, UserSummary};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use super::api::{self, Failure, Method};
use super::widgets::ErrorSummary;
use super::{set_title, BASE};

/// What the dashboard knows about the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Known {
    /// Not asked yet (a reload or a deep link: the cookie may still be good).
    Unknown,
    /// Signed in as this person.
    SignedIn(UserSummary),
    /// Not signed in.
    SignedOut,
}

/// The session, shared by every screen through Leptos's context.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// What is known now.
    pub known: RwSignal<Known>,
}

impl Session {
    /// The session of this page (provided by [`super::App`]).
    pub fn get() -> Session {
        match use_context::<Session>() {
            Some(session) => session,
            None => {
                let session = Session { known: RwSignal::new(Known::Unknown) };
                provide_context(session);
                session
            }
        }
    }

    /// Keeps what a sign-in (or the session check) answered.
    pub fn signed_in(&self, info: SessionInfo) {
        api::set_csrf(Some(info.csrf_token));
        self.known.set(Known::SignedIn(info.user));
    }

    /// Forgets the session.
    pub fn signed_out(&self) {
        api::set_csrf(None);
        self.known.set(Known::SignedOut);
    }

    /// The signed-in person, if any.
    pub fn user(&self) -> Option<UserSummary> {
        match self.known.get() {
            Known::SignedIn(user) => Some(user),
            _ => None,
        }
    }

    /// Whether the signed-in person is an admin.
    pub fn is_admin(&self) -> bool {
        self.user().is_some_and(|u| u.role == Role::Admin)
    }
}

/// The page's path and query now, to come back to after signing in.
pub fn here() -> String {
    web_sys::window()
        .map(|w| {
            let location = w.location();
            format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
        })
        .unwrap_or_default()
}

/// The sign-in screen's URL, coming back to `next` afterwards.
pub fn sign_in_url(next: &str) -> String {
    format!("{BASE}/sign-in{}", api::query(&[("next", next)]))
}

/// The sign-in screen's URL, coming back to this page afterwards; on the
/// sign-in screen already, that screen as it is (so the hook and the frame,
/// which both send a signed-out person there, agree on where they come back to).
pub fn sign_in_for_here() -> String {
    let here = here();
    if here.starts_with(&format!("{BASE}/sign-in")) {
        here
    } else {
        sign_in_url(&here)
    }
}

/// Where to go after signing in: `next` when it is a dashboard address (never
/// another site: `//evil.example` and `https://…` are refused), else the home screen.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/dashboard/") && !n.starts_with("//") && !n.contains('\\') && !n.contains("/sign-in") => {
            n.to_owned()
        }
        _ => format!("{BASE}/work-items"),
    }
}

/// Sends a person whose session ends (a `401 not_signed_in` on any call) to
/// sign in, and back here afterwards. Renders nothing.
#[component]
pub fn SignedOutHook() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    api::on_signed_out(move || {
        let target = sign_in_for_here();
        session.signed_out();
        navigate(&target, NavigateOptions::default());
    });
}

/// Asks the host who is signed in (the cookie may have survived a reload).
pub fn check(session: Session) {
    leptos::task::spawn_local(async move {
        match api::get::<SessionInfo>("/api/v1/staff/session").await {
            Ok(info) => session.signed_in(info),
            // The hook has already sent the person to sign in.
            Err(Failure::SignedOut) => {}
            Err(_) => session.known.set(Known::SignedOut),
        }
    });
}

/// Signs out, then shows the sign-in screen.
pub fn sign_out(session: Session, navigate: impl Fn(&str, NavigateOptions) + 'static) {
    leptos::task::spawn_local(async move {
        // Signed out locally whatever the host says: the cookie is cleared by its answer.
        let _ = api::call_no_answer::<()>(Method::Delete, "/api/v1/staff/session", None).await;
        session.signed_out();
        navigate(&format!("{BASE}/sign-in"), NavigateOptions::default());
    });
}

/// The sign-in screen: email and password; after signing in, back to `next`.
#[component]
pub fn SignInPage() -> impl IntoView {
    set_title("Sign in");
    let session = Session::get();
    let query = use_query_map();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let ended = move || query.read().get_str("next").is_some();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let body = SignIn { email: email.get_untracked(), password: password.get_untracked() };
        let next = safe_next(query.read_untracked().get_str("next"));
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, SessionInfo>(Method::Post, "/api/v1/staff/session", &body).await {
                Ok(info) => {
                    failure.set(None);
                    password.set(String::new());
                    session.signed_in(info);
                    navigate(&next, NavigateOptions::default());
                }
                Err(f) => {
                    password.set(String::new());
                    failure.set(Some(f));
                }
            }
            busy.set(false);
        });
    };

    let message = move || {
        failure.get().map(|f| match f.code() {
            "wrong_credentials" => "The email or password is not right.".to_owned(),
            "rate_limited" | "locked" => match f {
                Failure::Http { error, .. } => match error.retry_after {
                    Some(secs) => format!("Too many attempts. Try again in {}.", super::widgets::duration_words(secs)),
                    None => "Too many attempts. Wait a few minutes, then try again.".to_owned(),
                },
                _ => "Too many attempts. Wait a few minutes, then try again.".to_owned(),
            },
            _ => f.message(),
        })
    };

    view! {
        <main class="page narrow" id="main">
            <h1>"Sign in"</h1>
            <Show when=move || ended() && failure.get().is_none()>
                <p class="notice" role="status">"Sign in to continue where you were."</p>
            </Show>
            {move || message().map(|m| view! { <ErrorSummary messages=vec![(m, "email".to_owned())] /> })}
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="email">"Email address"</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        spellcheck="false"
                        required
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" class="button" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="hint">
                "First start? Sign in with the email address and password the host printed when it started."
            </p>
        </main>
    }
}

/// Shown while the session check has not answered.
#[component]
pub fn Checking() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}
