//! `/dashboard/settings/users`: the staff users (email, name, role, and
//! "Disabled" as a tag with its word), adding one, changing a role,
//! disabling (after a confirmation: their sessions and API keys stop at
//! once) or enabling, and setting a new password. The host keeps the last
//! enabled admin (`409 last_admin`), which is shown as it says.

use interview_api::{NewUser, PasswordChange, Role, User, UserChange};
use leptos::prelude::*;

use super::super::api::{self, Failure, Method};
use super::super::session::Session;
use super::super::set_title;
use super::super::widgets::{when, Column, DataTable, Problem};
use super::{or_loading, described_by, field_class, notice, summary, is_admin_only, AdminsOnly, FieldError, NotAdmin};

/// The word for a role.
pub fn role_word(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::Staff => "Staff",
    }
}

/// The problems of a refused user call, each with the field it is about.
pub fn user_problems(failure: &Failure, password_field: &str) -> Vec<(String, String)> {
    let field = match failure.code() {
        "user_exists" | "invalid_email" => "new-email",
        "invalid_name" => "new-name",
        "weak_password" => password_field,
        _ => "",
    };
    let message = match failure.code() {
        "user_exists" => "A user with this email address already exists.".to_owned(),
        "weak_password" => "The password must have 12 to 1024 characters.".to_owned(),
        _ => failure.message(),
    };
    vec![(message, field.to_owned())]
}

/// What the panel above the table is doing.
#[derive(Debug, Clone, PartialEq)]
enum Panel {
    /// Nothing.
    Closed,
    /// Asking to confirm disabling this user.
    Disable(User),
    /// Setting this user's password.
    Password(User),
}

/// The staff users screen.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <AdminsOnly>
            <UsersScreen />
        </AdminsOnly>
    }
}

#[component]
fn UsersScreen() -> impl IntoView {
    set_title("Staff users");
    let session = Session::get();
    let version = RwSignal::new(0u32);
    let users = LocalResource::new(move || {
        version.track();
        async { api::get::<Vec<User>>("/api/v1/users").await }
    });
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let done = RwSignal::new(None::<String>);
    let panel = RwSignal::new(Panel::Closed);
    let busy = RwSignal::new(false);
    let me = move || session.user().map(|u| u.id).unwrap_or_default();

    // One PATCH, then the list again; what happened said in words.
    let change = move |user: User, body: UserChange, said: String| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problems.set(Vec::new());
        done.set(None);
        leptos::task::spawn_local(async move {
            match api::call::<_, User>(Method::Patch, &format!("/api/v1/users/{}", user.id), &body).await {
                Ok(_) => {
                    done.set(Some(said));
                    panel.set(Panel::Closed);
                    version.update(|v| *v += 1);
                }
                Err(failure) => {
                    panel.set(Panel::Closed);
                    problems.set(user_problems(&failure, ""));
                }
            }
            busy.set(false);
        });
    };

    let table = move || {
        users.get().map(|answer| match answer {
            Ok(list) => {
                let body = list
                    .into_iter()
                    .map(|user| {
                        let email = user.email.clone();
                        let is_me = user.id == me();
                        let (flip_to, flip_label) = match user.role {
                            Role::Admin => (Role::Staff, "Make staff"),
                            Role::Staff => (Role::Admin, "Make admin"),
                        };
                        let flip_user = user.clone();
                        let flip = move |_| {
                            let said = format!("{} is now {}.", flip_user.email, role_word(flip_to).to_lowercase());
                            change(flip_user.clone(), UserChange { role: Some(flip_to), ..UserChange::default() }, said);
                        };
                        let toggle_user = user.clone();
                        let toggle = move |_| {
                            if toggle_user.disabled {
                                let said = format!("{} can sign in again. API keys they made stay revoked.", toggle_user.email);
                                change(toggle_user.clone(), UserChange { disabled: Some(false), ..UserChange::default() }, said);
                            } else {
                                problems.set(Vec::new());
                                done.set(None);
                                panel.set(Panel::Disable(toggle_user.clone()));
                            }
                        };
                        let password_user = user.clone();
                        let password = move |_| {
                            problems.set(Vec::new());
                            done.set(None);
                            panel.set(Panel::Password(password_user.clone()));
                        };
                        let status = if user.disabled {
                            view! { <strong class="tag tag-cancelled">"Disabled"</strong> }.into_any()
                        } else {
                            view! { <strong class="tag tag-submitted">"Active"</strong> }.into_any()
                        };
                        let toggle_label = if user.disabled { "Enable" } else { "Disable" };
                        view! {
                            <tr>
                                <th scope="row">{user.email.clone()}{is_me.then_some(" (you)")}</th>
                                <td>{user.name.clone()}</td>
                                <td>{role_word(user.role)}</td>
                                <td>{status}</td>
                                <td>{when(&user.created_at)}</td>
                                <td class="actions">
                                    <button type="button" class="button secondary" on:click=flip disabled=move || busy.get()
                                        aria-label=format!("{flip_label} {email}")>{flip_label}</button>
                                    <button type="button" class="button secondary" on:click=toggle disabled=move || busy.get()
                                        aria-label=format!("{toggle_label} {}", user.email)>{toggle_label}</button>
                                    <button type="button" class="button secondary" on:click=password
                                        aria-label=format!("Set password for {}", user.email)>"Set password"</button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <DataTable caption="Staff users, by email" columns=vec![Column::Text("Email address"), Column::Text("Name"), Column::Text("Role"), Column::Text("Status"), Column::Text("Added"), Column::Text("Actions")]>
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
        <h1>"Staff users"</h1>
        {summary(problems)}
        {notice(done)}
        {move || match panel.get() {
            Panel::Closed => None,
            Panel::Disable(user) => {
                let confirm_user = user.clone();
                let said = format!("{} is disabled. Their sessions and API keys have stopped.", user.email);
                Some(view! {
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                        <h2 id="confirm-title">{format!("Disable {}?", user.email)}</h2>
                        <p id="confirm-text">"Their sessions and API keys stop at once. They cannot sign in until an admin enables them again; the API keys they made stay revoked."</p>
                        <button type="button" class="button warning" disabled=move || busy.get()
                            on:click=move |_| change(confirm_user.clone(), UserChange { disabled: Some(true), ..UserChange::default() }, said.clone())>
                            "Yes, disable"
                        </button>
                        " "
                        <button type="button" class="button secondary" on:click=move |_| panel.set(Panel::Closed)>"Cancel"</button>
                    </div>
                }.into_any())
            }
            Panel::Password(user) => Some(view! { <SetPassword user=user panel=panel done=done /> }.into_any()),
        }}
        {or_loading(table, "Loading the users…")}
        <AddUser on_added=move |said| { done.set(Some(said)); version.update(|v| *v += 1); } />
    }
}

/// Sets another user's password (an admin needs no current password); every session of theirs ends.
#[component]
fn SetPassword(
    /// Whose password.
    user: User,
    /// The panel, closed when done.
    panel: RwSignal<Panel>,
    /// Where success is said.
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let id = user.id.clone();
    let email = user.email.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let chosen = password.get_untracked();
        if chosen.chars().count() < 12 {
            problems.set(vec![("The password must have at least 12 characters.".to_owned(), "set-password".to_owned())]);
            return;
        }
        busy.set(true);
        let (id, email) = (id.clone(), email.clone());
        leptos::task::spawn_local(async move {
            let body = PasswordChange { password: chosen, current_password: None };
            match api::call_no_answer(Method::Post, &format!("/api/v1/users/{id}/password"), Some(&body)).await {
                Ok(()) => {
                    password.set(String::new());
                    panel.set(Panel::Closed);
                    done.set(Some(format!("The password of {email} is set. Their sessions have ended: tell them the new password.")));
                }
                Err(failure) => problems.set(user_problems(&failure, "set-password")),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="confirm" role="region" aria-labelledby="password-title">
            <h2 id="password-title">{format!("Set a new password for {}", user.email)}</h2>
            {summary(problems)}
            <form on:submit=submit novalidate>
                <div class="field">
                    <label for="set-password">"New password"</label>
                    <p class="hint" id="set-password-hint">"12 characters or more. Their sessions end; tell them the new password yourself."</p>
                    <FieldError problems=problems field="set-password" />
                    <input id="set-password" type="password" autocomplete="new-password" aria-describedby=described_by(problems, "set-password", true)
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button" disabled=move || busy.get()>"Set password"</button>
                " "
                <button type="button" class="button secondary" on:click=move |_| panel.set(Panel::Closed)>"Cancel"</button>
            </form>
        </div>
    }
}

/// "Add a user": email, name, role and a first password.
#[component]
fn AddUser(
    /// Called with a sentence once the user is added.
    on_added: impl Fn(String) + Clone + 'static,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("staff".to_owned());
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found = Vec::new();
        let chosen_email = email.get_untracked().trim().to_owned();
        if !chosen_email.contains('@') {
            found.push(("Enter an email address, such as name@example.com.".to_owned(), "new-email".to_owned()));
        }
        let chosen_name = name.get_untracked().trim().to_owned();
        if chosen_name.chars().count() > 200 {
            found.push(("The name must have at most 200 characters.".to_owned(), "new-name".to_owned()));
        }
        let chosen_password = password.get_untracked();
        if chosen_password.chars().count() < 12 {
            found.push(("The password must have at least 12 characters.".to_owned(), "new-password".to_owned()));
        }
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        let chosen_role = if role.get_untracked() == "admin" { Role::Admin } else { Role::Staff };
        let body = NewUser { email: chosen_email, password: chosen_password, role: Some(chosen_role) };
        busy.set(true);
        let on_added = on_added.clone();
        leptos::task::spawn_local(async move {
            match api::call::<_, User>(Method::Post, "/api/v1/users", &body).await {
                Ok(user) => {
                    // The name is set with a change, as the host's add takes none.
                    if !chosen_name.is_empty() {
                        let rename = UserChange { name: Some(chosen_name), ..UserChange::default() };
                        if let Err(failure) = api::call::<_, User>(Method::Patch, &format!("/api/v1/users/{}", user.id), &rename).await {
                            problems.set(user_problems(&failure, "new-password"));
                        }
                    }
                    email.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    role.set("staff".to_owned());
                    if problems.get_untracked().is_empty() {
                        on_added(format!("{} has been added as {}. Tell them their password.", user.email, role_word(user.role).to_lowercase()));
                    } else {
                        on_added(format!("{} has been added.", user.email));
                    }
                }
                Err(failure) => problems.set(user_problems(&failure, "new-password")),
            }
            busy.set(false);
        });
    };
    view! {
        <h2>"Add a user"</h2>
        {summary(problems)}
        <form on:submit=submit novalidate class="narrow">
            <div class=field_class(problems, "new-email")>
                <label for="new-email">"Email address"</label>
                <FieldError problems=problems field="new-email" />
                <input id="new-email" type="email" spellcheck="false" autocomplete="off" aria-describedby=described_by(problems, "new-email", false)
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
            </div>
            <div class=field_class(problems, "new-name")>
                <label for="new-name">"Name (optional)"</label>
                <p class="hint" id="new-name-hint">"Shown in lists and the audit log."</p>
                <FieldError problems=problems field="new-name" />
                <input id="new-name" type="text" autocomplete="off" aria-describedby=described_by(problems, "new-name", true)
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="new-role">"Role"</label>
                <select id="new-role" on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
                    <option value="staff">"Staff: work items, clients, templates and interviews"</option>
                    <option value="admin">"Admin: also settings, users and API keys"</option>
                </select>
            </div>
            <div class=field_class(problems, "new-password")>
                <label for="new-password">"First password"</label>
                <p class="hint" id="new-password-hint">"12 characters or more. Tell them yourself; they can change it once signed in."</p>
                <FieldError problems=problems field="new-password" />
                <input id="new-password" type="password" autocomplete="new-password" aria-describedby=described_by(problems, "new-password", true)
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button" disabled=move || busy.get()>"Add user"</button>
        </form>
    }
}
