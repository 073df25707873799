//! Staff users and their sessions: signing in and out, who the session cookie
//! belongs to (`GET /api/v1/staff/session`, for a dashboard reloaded or
//! opened on a deep link), and the admin's user calls (`/api/v1/users`):
//! add, list, read, change (role, name, disabled) and set a password, which
//! a user may also do for themselves. The rules are in `domain::users`.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use interview_api::{NewUser, PasswordChange, SessionInfo, SignIn, UserChange, UserSummary};

use super::extract::{bearer, ApiJson, ClientIp};
use super::staff::{cookie_session, cookie_value, not_signed_in, Admin, Staff, COOKIE};
use super::AppState;
use crate::auth::{csrf, token};
use crate::domain::users::{self, Changed, Changes, PasswordBy};
use crate::error::Error;
use crate::storage::records::{Role, StaffSession, User};

/// The session and user routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/staff/session", post(sign_in).get(current).delete(sign_out))
        .route("/api/v1/users", post(create).get(list))
        .route("/api/v1/users/{id}", get(one).patch(update))
        .route("/api/v1/users/{id}/password", post(set_password))
}

fn role_in(role: interview_api::Role) -> Role {
    match role {
        interview_api::Role::Admin => Role::Admin,
        interview_api::Role::Staff => Role::Staff,
    }
}

fn role_out(role: Role) -> interview_api::Role {
    match role {
        Role::Admin => interview_api::Role::Admin,
        Role::Staff => interview_api::Role::Staff,
    }
}

fn view(u: &User) -> interview_api::User {
    interview_api::User {
        id: u.id.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
        role: role_out(u.role),
        created_at: u.created_at.to_rfc3339(),
        disabled: u.disabled,
    }
}

fn summary(u: &User) -> UserSummary {
    UserSummary { id: u.id.clone(), email: u.email.clone(), name: u.name.clone(), role: role_out(u.role) }
}

// ------------------------------------------------------------------ the session

fn wrong_credentials() -> Error {
    // One answer for an unknown email, a wrong password and a disabled user alike.
    Error::Unauthorized {
        code: "wrong_credentials",
        message: "The email or password is not right.".to_owned(),
        attempts_left: None,
    }
}

async fn sign_in(State(state): State<AppState>, ClientIp(ip): ClientIp, ApiJson(body): ApiJson<SignIn>) -> Result<Response, Error> {
    state.limit_ip(ip)?;
    let store = state.storage.clone();
    let email = body.email.trim().to_lowercase();
    let user = state.blocking(move || store.read(|tx| Ok(tx.user_by_email(&email)?))).await?;
    // Verify against a dummy hash when there is no such user, so timing tells nothing.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| state.dummy_hash.clone());
    let correct = state.hasher.verify(body.password, hash).await;
    let user = match user {
        Some(u) if correct && !u.disabled => u,
        _ => return Err(wrong_credentials()),
    };
    let now = state.now();
    let (cookie, cookie_hash) = token::new_token();
    // Derived from the cookie, so `GET /api/v1/staff/session` can tell it again (see auth::csrf).
    let (csrf_token, csrf_hash) = csrf::for_session(&cookie);
    let store = state.storage.clone();
    let user_id = user.id.clone();
    let secure = state.public_https();
    let max_age = state
        .blocking(move || {
            store.write(|tx| {
                let settings = tx.settings()?;
                tx.put_staff_session(&StaffSession {
                    token_hash: cookie_hash,
                    user_id,
                    csrf_hash,
                    created_at: now,
                    expires_at: now.plus_secs(settings.staff_session_secs),
                })?;
                Ok(settings.staff_session_secs)
            })
        })
        .await?;
    let mut response = Json(SessionInfo { csrf_token, user: summary(&user) }).into_response();
    let cookie = format!(
        "{COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// `GET /api/v1/staff/session`: who the cookie signs in, with the session's CSRF
/// token again. Telling the token is safe: the cookie is HttpOnly, the token is
/// a one-way digest of it, and staff routes send no CORS headers, so no
/// cross-site page can read this answer (docs/api.md, auth::csrf).
async fn current(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<SessionInfo>, Error> {
    // This is about the cookie session: an API key has none to tell (and, as on
    // every staff call, a bearer token means the cookie is not looked at).
    if bearer(&headers).is_some() {
        return Err(not_signed_in());
    }
    let cookie = cookie_value(&headers, COOKIE).ok_or_else(not_signed_in)?;
    let (session, user) = cookie_session(&state, &cookie).await?.ok_or_else(not_signed_in)?;
    let (csrf_token, csrf_hash) = csrf::for_session(&cookie);
    // A session made before tokens were derived keeps its random token, which
    // cannot be told again: its browser signs in anew, and the old token keeps
    // working for whoever holds it until the session expires.
    if !token::digest_eq(&csrf_hash, &session.csrf_hash) {
        return Err(Error::Unauthorized {
            code: "not_signed_in",
            message: "Sign in again: this session is older than this host.".to_owned(),
            attempts_left: None,
        });
    }
    Ok(Json(SessionInfo { csrf_token, user: summary(&user) }))
}

async fn sign_out(State(state): State<AppState>, _staff: Staff, headers: HeaderMap) -> Result<Response, Error> {
    if let Some(cookie) = cookie_value(&headers, COOKIE) {
        let hash = token::hash_token(&cookie);
        let store = state.storage.clone();
        state.blocking(move || store.write(|tx| Ok(tx.delete_staff_session(&hash)?))).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

// ------------------------------------------------------------------ users (admin)

async fn create(
    State(state): State<AppState>,
    Admin(staff): Admin,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<interview_api::User>), Error> {
    let now = state.now();
    let role = body.role.map_or(Role::Staff, role_in);
    let user = crate::bootstrap::add_user(&state.storage, &state.hasher, now, &body.email, &body.password, role).await?;
    tracing::info!(user = %user.id, by = %staff.actor.as_string(), "staff user added");
    Ok((StatusCode::CREATED, Json(view(&user))))
}

async fn list(State(state): State<AppState>, _admin: Admin) -> Result<Json<Vec<interview_api::User>>, Error> {
    let store = state.storage.clone();
    let users = state.blocking(move || users::list(&store)).await?;
    Ok(Json(users.iter().map(view).collect()))
}

async fn one(State(state): State<AppState>, _admin: Admin, Path(id): Path<String>) -> Result<Json<interview_api::User>, Error> {
    let store = state.storage.clone();
    let user = state.blocking(move || users::get(&store, &id)).await?;
    Ok(Json(view(&user)))
}

async fn update(
    State(state): State<AppState>,
    Admin(staff): Admin,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserChange>,
) -> Result<Json<interview_api::User>, Error> {
    let store = state.storage.clone();
    let changes = Changes { role: body.role.map(role_in), disabled: body.disabled, name: body.name };
    let changed = state.blocking(move || users::update(&store, &id, changes)).await?;
    log_change(&changed, &staff.actor.as_string());
    Ok(Json(view(&changed.user)))
}

/// The operator's log of a user change: ids and what changed, never names or secrets.
fn log_change(changed: &Changed, by: &str) {
    let user = &changed.user.id;
    if changed.disabled_now() {
        tracing::info!(
            user = %user, by = %by, sessions_ended = changed.sessions_ended, keys_revoked = changed.keys_revoked,
            "staff user disabled"
        );
    }
    if changed.enabled_now() {
        tracing::info!(user = %user, by = %by, "staff user enabled");
    }
    if changed.before.role != changed.user.role {
        tracing::info!(user = %user, by = %by, role = ?changed.user.role, "staff user's role changed");
    }
    if changed.before.name != changed.user.name {
        tracing::info!(user = %user, by = %by, "staff user renamed");
    }
}

/// A caller allowed to set the password of the user in the path: that user,
/// or an admin. Checked before the body is read, so others learn nothing from
/// body errors.
struct PasswordCaller {
    staff: Staff,
    target: String,
    by: PasswordBy,
}

impl FromRequestParts<AppState> for PasswordCaller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, state).await?;
        let Path(target) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::NotFound { what: "user" })?;
        let by = users::password_access(&staff.actor, staff.role, &target)?;
        Ok(PasswordCaller { staff, target, by })
    }
}

/// `POST /api/v1/users/{id}/password`: `204`. A user changing their own proves
/// the current one (argon2 off the executor, counted by the per-IP limit like
/// a sign-in) and keeps the session they came with; every other session of
/// the user ends.
async fn set_password(
    State(state): State<AppState>,
    caller: PasswordCaller,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, Error> {
    crate::bootstrap::check_password(&body.password)?;
    let store = state.storage.clone();
    let target = caller.target.clone();
    let stored_hash = state.blocking(move || users::password_hash(&store, &target)).await?;
    let keep = match caller.by {
        PasswordBy::Admin => None,
        PasswordBy::Own => {
            state.limit_ip(ip)?;
            let current = body.current_password.ok_or_else(users::current_password_required)?;
            if !state.hasher.verify(current, stored_hash).await {
                tracing::info!(user = %caller.target, "wrong current password on a password change");
                return Err(users::wrong_password());
            }
            caller.staff.session
        }
    };
    let new_hash = state.hasher.hash(body.password).await.map_err(|e| Error::Internal(e.to_string()))?;
    let store = state.storage.clone();
    let target = caller.target.clone();
    let (user, sessions_ended) = state.blocking(move || users::set_password_hash(&store, &target, new_hash, keep)).await?;
    tracing::info!(user = %user.id, by = %caller.staff.actor.as_string(), sessions_ended, "staff password changed");
    Ok(StatusCode::NO_CONTENT)
}
