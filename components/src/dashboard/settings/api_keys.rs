//! `/dashboard/settings/api-keys`: the API keys partner back ends call with
//! (name, role, who made it, when, and "Revoked" as a tag with its word);
//! creating one, whose key is shown once with a "Copy" button and a warning
//! that it will not be shown again; revoking one after a confirmation.

use interview_api::{ApiKeyView, CreatedApiKey, NewApiKey, Role, User};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::super::api::{self, Method};
use super::super::set_title;
use super::super::widgets::{when, Column, DataTable, Problem};
use super::users::role_word;
use super::{or_loading, described_by, field_class, notice, summary, is_admin_only, AdminsOnly, FieldError, NotAdmin};

/// Who made a key, in words: the user's email when known, else the id as stored.
pub fn made_by(created_by: &str, emails: &[(String, String)]) -> String {
    if let Some(key) = created_by.strip_prefix("api_key:") {
        return format!("API key {key}");
    }
    emails.iter().find(|(id, _)| id == created_by).map_or_else(|| created_by.to_owned(), |(_, email)| email.clone())
}

/// Copies `text` to the clipboard (`navigator.clipboard.writeText`); whether it worked.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator: wasm_bindgen::JsValue = window.navigator().into();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return false };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else { return false };
    let Some(write) = write.dyn_ref::<js_sys::Function>() else { return false };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else { return false };
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else { return false };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// The key just made, shown once, with "Copy".
#[component]
pub fn KeyShownOnce(
    /// The key just made.
    made: CreatedApiKey,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let key = made.key.clone();
    let copy = move |_| {
        let key = key.clone();
        leptos::task::spawn_local(async move { copied.set(Some(copy_text(&key).await)) });
    };
    view! {
        <div class="key-once" role="region" aria-labelledby="key-title">
            <h2 id="key-title">{format!("The key for {}", made.name)}</h2>
            <p class="warning-text"><strong>"Copy the key now: it will not be shown again."</strong>" The host keeps only a digest of it."</p>
            <p><code class="key" id="new-key">{made.key.clone()}</code></p>
            <button type="button" class="button" on:click=copy aria-label="Copy the key">"Copy"</button>
            <p role="status">
                {move || copied.get().map(|ok| if ok { "Copied to the clipboard." } else { "Copying did not work here: select the key and copy it." })}
            </p>
            <p class="hint">"The partner sends it as "<code>"Authorization: Bearer <key>"</code>"."</p>
        </div>
    }
}

/// The API keys screen.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <AdminsOnly>
            <ApiKeysScreen />
        </AdminsOnly>
    }
}

#[component]
fn ApiKeysScreen() -> impl IntoView {
    set_title("API keys");
    let version = RwSignal::new(0u32);
    let keys = LocalResource::new(move || {
        version.track();
        async { api::get::<Vec<ApiKeyView>>("/api/v1/api-keys").await }
    });
    let users = LocalResource::new(|| async { api::get::<Vec<User>>("/api/v1/users").await });
    let made = RwSignal::new(None::<CreatedApiKey>);
    let confirm = RwSignal::new(None::<ApiKeyView>);
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let revoke = move |key: ApiKeyView| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call_no_answer::<()>(Method::Delete, &format!("/api/v1/api-keys/{}", key.id), None).await {
                Ok(()) => {
                    done.set(Some(format!("The key {} is revoked: it is refused from now on.", key.name)));
                    version.update(|v| *v += 1);
                }
                Err(failure) => problems.set(vec![(failure.message(), String::new())]),
            }
            confirm.set(None);
            busy.set(false);
        });
    };

    let table = move || {
        keys.get().map(|answer| match answer {
            Ok(list) if list.is_empty() => view! { <p class="empty">"There are no API keys yet."</p> }.into_any(),
            Ok(list) => {
                let emails: Vec<(String, String)> =
                    users.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|u| (u.id, u.email)).collect();
                let body = list
                    .into_iter()
                    .map(|key| {
                        let by = made_by(&key.created_by, &emails);
                        let action = if key.revoked {
                            view! { <strong class="tag tag-cancelled">"Revoked"</strong> }.into_any()
                        } else {
                            let asked = key.clone();
                            let name = key.name.clone();
                            view! {
                                <strong class="tag tag-submitted">"Active"</strong>
                                " "
                                <button type="button" class="button secondary" aria-label=format!("Revoke {name}")
                                    on:click=move |_| { done.set(None); confirm.set(Some(asked.clone())) }>"Revoke"</button>
                            }
                            .into_any()
                        };
                        view! {
                            <tr>
                                <th scope="row">{key.name.clone()}</th>
                                <td>{role_word(key.role)}</td>
                                <td>{by}</td>
                                <td>{when(&key.created_at)}</td>
                                <td class="actions">{action}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <DataTable caption="API keys, oldest first" columns=vec![Column::Text("Name"), Column::Text("Role"), Column::Text("Created by"), Column::Text("Created"), Column::Text("Status")]>
                        {body}
                    </DataTable>
                }
                .into_any()
            }
            Err(failure) if is_admin_only(&failure) => view! { <NotAdmin /> }.into_any(),
            Err(failure) => view! { <Problem failure=failure /> }.into_any(),
        })
    };

    view! {
        <h1>"API keys"</h1>
        <p>"Partner back ends call the API with a key instead of signing in. A key acts with its role; revoke it when it is no longer needed."</p>
        {summary(problems)}
        {notice(done)}
        {move || made.get().map(|m| view! { <KeyShownOnce made=m /> })}
        {move || confirm.get().map(|key| {
            let asked = key.clone();
            view! {
                <div class="confirm" role="alertdialog" aria-labelledby="revoke-title" aria-describedby="revoke-text">
                    <h2 id="revoke-title">{format!("Revoke the key {}?", key.name)}</h2>
                    <p id="revoke-text">"Whatever uses it is refused from the next request on. This cannot be undone: a new key would be needed."</p>
                    <button type="button" class="button warning" disabled=move || busy.get() on:click=move |_| revoke(asked.clone())>"Yes, revoke"</button>
                    " "
                    <button type="button" class="button secondary" on:click=move |_| confirm.set(None)>"Cancel"</button>
                </div>
            }
        })}
        {or_loading(table, "Loading the keys…")}
        <NewKeyForm made=made done=done version=version />
    }
}

/// "Create an API key": a name and a role.
#[component]
fn NewKeyForm(
    /// Where the key just made is shown.
    made: RwSignal<Option<CreatedApiKey>>,
    /// Where success is said (cleared on a new key).
    done: RwSignal<Option<String>>,
    /// Bumped to read the list again.
    version: RwSignal<u32>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("staff".to_owned());
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let chosen = name.get_untracked().trim().to_owned();
        if chosen.is_empty() || chosen.chars().count() > 200 {
            problems.set(vec![("Enter a name for the key, up to 200 characters, such as the partner's system.".to_owned(), "key-name".to_owned())]);
            return;
        }
        problems.set(Vec::new());
        let body = NewApiKey { name: chosen, role: Some(if role.get_untracked() == "admin" { Role::Admin } else { Role::Staff }) };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, CreatedApiKey>(Method::Post, "/api/v1/api-keys", &body).await {
                Ok(key) => {
                    name.set(String::new());
                    done.set(None);
                    made.set(Some(key));
                    version.update(|v| *v += 1);
                    if let Some(top) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("key-title")) {
                        top.scroll_into_view();
                    }
                }
                Err(failure) => problems.set(vec![(failure.message(), "key-name".to_owned())]),
            }
            busy.set(false);
        });
    };
    view! {
        <h2>"Create an API key"</h2>
        {summary(problems)}
        <form on:submit=submit novalidate class="narrow">
            <div class=field_class(problems, "key-name")>
                <label for="key-name">"Name"</label>
                <p class="hint" id="key-name-hint">"What the key is for, such as the partner's system."</p>
                <FieldError problems=problems field="key-name" />
                <input id="key-name" type="text" autocomplete="off" aria-describedby=described_by(problems, "key-name", true)
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="key-role">"Role"</label>
                <select id="key-role" on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
                    <option value="staff">"Staff"</option>
                    <option value="admin">"Admin"</option>
                </select>
            </div>
            <button type="submit" class="button" disabled=move || busy.get()>"Create key"</button>
        </form>
    }
}
