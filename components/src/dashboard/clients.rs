//! The clients: the list (searched, paged by key, the search and the page in
//! the query string), a client's page (their details with "Change" links and
//! their work items), and editing a client, mobile number for SMS included.

use interview_api::{ClientFields, ClientView, WorkItemRow};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

use super::api::{self, Failure, Method};
use super::paging::Trail;
use super::set_title;
use super::widgets::{when, Column, DataTable, ErrorSummary, Pager, Problem};
use super::work_items::WorkItemTable;

/// The dashboard address of the clients list searching for `q`, on the page `trail` names.
pub fn list_href(q: &str, trail: &Trail) -> String {
    let (cursor, before) = trail.query_values();
    format!("/dashboard/clients{}", api::query(&[("q", q), ("cursor", &cursor), ("trail", &before)]))
}

/// The host's address of the clients page at `cursor` searching for `q`.
pub fn list_api_path(q: &str, cursor: Option<&str>) -> String {
    format!("/api/v1/clients{}", api::query(&[("q", q), ("cursor", cursor.unwrap_or(""))]))
}

/// A client's name as staff read it: "Ms Ann Lee".
pub fn full_name(client: &ClientView) -> String {
    [client.title.as_str(), client.first_name.as_str(), client.last_name.as_str()]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The clients screen: search and the table, paged.
#[component]
pub fn ClientsPage() -> impl IntoView {
    set_title("Clients");
    let query = use_query_map();
    let navigate = use_navigate();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let trail = Memo::new(move |_| {
        let q = query.read();
        Trail::from_query(q.get_str("cursor"), q.get_str("trail"))
    });
    let page = LocalResource::new(move || {
        let path = list_api_path(&q.get(), trail.get().cursor.as_deref());
        async move { api::get_page::<ClientView>(&path).await }
    });
    let typed = RwSignal::new(q.get_untracked());
    // Keep the field in step with the address (Back, "Clear search").
    Effect::new(move |_| typed.set(q.get()));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        navigate(&list_href(typed.get_untracked().trim(), &Trail::default()), NavigateOptions::default());
    };
    view! {
        <h1>"Clients"</h1>
        <search class="filters">
            <form on:submit=search role="search" aria-label="Clients">
                <div class="field">
                    <label for="client-q">"Name or email"</label>
                    <input id="client-q" type="search" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button">"Search"</button>
            </form>
            {move || (!q.get().is_empty()).then(|| view! {
                <p class="chosen-filters">{format!("Showing clients matching “{}”. ", q.get())}<a href="/dashboard/clients">"Clear search"</a></p>
            })}
        </search>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading clients…"</p> }>
            {move || {
                page.get().map(|answer| match answer {
                    Ok(found) => {
                        let q = q.get();
                        let trail = trail.get();
                        let previous = trail.previous().map(|t| list_href(&q, &t));
                        let next = found.next.as_deref().map(|n| list_href(&q, &trail.next(n)));
                        view! {
                            <ClientTable rows=found.items searched=!q.is_empty() />
                            <Pager previous=previous next=next page=trail.page_number() />
                        }
                        .into_any()
                    }
                    Err(failure) => view! { <Problem failure=failure /> }.into_any(),
                })
            }}
        </Transition>
    }
}

/// The table of clients: name (a link to the client's page), email, mobile, created.
#[component]
pub fn ClientTable(
    /// The rows, in order.
    rows: Vec<ClientView>,
    /// Whether a search is in force (changes what an empty table says).
    #[prop(optional)]
    searched: bool,
) -> impl IntoView {
    if rows.is_empty() {
        let text = if searched {
            "No clients match this search."
        } else {
            "There are no clients yet. A client is added when you send them an interview."
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|client| {
            let name = full_name(&client);
            view! {
                <tr>
                    <th scope="row"><a href=format!("/dashboard/clients/{}", client.id)>{name}</a></th>
                    <td>{client.email}</td>
                    <td>{client.mobile.unwrap_or_default()}</td>
                    <td>{when(&client.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Clients, newest first" columns=vec![Column::Text("Name"), Column::Text("Email"), Column::Text("Mobile"), Column::Text("Created")]>
            {body}
        </DataTable>
    }
    .into_any()
}

/// One client's page: their details, each with a "Change" link, and their work items.
#[component]
pub fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let client = LocalResource::new(move || {
        let id = id.get();
        async move { api::get::<ClientView>(&format!("/api/v1/clients/{}", api::encode(&id))).await }
    });
    let trail = Memo::new(move |_| {
        let q = query.read();
        Trail::from_query(q.get_str("cursor"), q.get_str("trail"))
    });
    let items = LocalResource::new(move || {
        let path = format!(
            "/api/v1/work-items{}",
            api::query(&[("client_id", &id.get()), ("cursor", trail.get().cursor.as_deref().unwrap_or(""))])
        );
        async move { api::get_page::<WorkItemRow>(&path).await }
    });
    let items_href = move |t: &Trail| {
        let (cursor, before) = t.query_values();
        format!("/dashboard/clients/{}{}", id.get(), api::query(&[("cursor", &cursor), ("trail", &before)]))
    };
    view! {
        <a class="back-link" href="/dashboard/clients">"Back to clients"</a>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the client…"</p> }>
            {move || client.get().map(|answer| match answer {
                Ok(c) => {
                    set_title(&full_name(&c));
                    view! { <ClientSummary client=c /> }.into_any()
                }
                Err(failure) => {
                    set_title("Client");
                    view! { <h1>"Client"</h1><Problem failure=failure /> }.into_any()
                }
            })}
        </Transition>
        <h2>"Work items"</h2>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading work items…"</p> }>
            {move || items.get().map(|answer| match answer {
                Ok(found) => {
                    let trail = trail.get();
                    let previous = trail.previous().map(|t| items_href(&t));
                    let next = found.next.as_deref().map(|n| items_href(&trail.next(n)));
                    if found.items.is_empty() && trail.cursor.is_none() {
                        view! { <p class="empty">"This client has no work items yet."</p> }.into_any()
                    } else {
                        view! {
                            <WorkItemTable rows=found.items filtered=true />
                            <Pager previous=previous next=next page=trail.page_number() />
                        }
                        .into_any()
                    }
                }
                Err(failure) => view! { <Problem failure=failure /> }.into_any(),
            })}
        </Transition>
    }
}

/// A client's details as a summary list, each row with a "Change" link to its field.
#[component]
pub fn ClientSummary(
    /// The client shown.
    client: ClientView,
) -> impl IntoView {
    let edit = format!("/dashboard/clients/{}/edit", client.id);
    let mobile = match (&client.mobile, &client.region) {
        (Some(m), Some(r)) => format!("{m} ({r})"),
        (Some(m), None) => m.clone(),
        (None, _) => "None (needed for SMS sign-in)".to_owned(),
    };
    let rows = [
        ("Title", client.title.clone(), "title"),
        ("First name", client.first_name.clone(), "first-name"),
        ("Last name", client.last_name.clone(), "last-name"),
        ("Email address", client.email.clone(), "email"),
        ("Mobile number", mobile, "mobile"),
    ];
    let name = full_name(&client);
    view! {
        <h1>{name}</h1>
        <dl class="summary-list">
            {rows.into_iter().map(|(label, value, field)| view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                    <dd class="actions"><a href=format!("{edit}#{field}")>"Change"<span class="visually-hidden">{format!(" {}", label.to_lowercase())}</span></a></dd>
                </div>
            }).collect_view()}
            <div>
                <dt>"Created"</dt>
                <dd>{when(&client.created_at)}</dd>
            </div>
        </dl>
    }
}

/// The fields of the edit form, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientForm {
    /// Mr, Ms, Dr, …
    pub title: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email address.
    pub email: String,
    /// Mobile number, as typed.
    pub mobile: String,
    /// The region the number is written in (GB, US, …).
    pub region: String,
}

impl ClientForm {
    /// The form filled from a client.
    pub fn of(client: &ClientView) -> ClientForm {
        ClientForm {
            title: client.title.clone(),
            first_name: client.first_name.clone(),
            last_name: client.last_name.clone(),
            email: client.email.clone(),
            mobile: client.mobile.clone().unwrap_or_default(),
            region: client.region.clone().unwrap_or_default(),
        }
    }

    /// What is missing before the form may be sent, each with its field's id;
    /// `mobile_needed` when SMS sign-in will use the number.
    pub fn problems(&self, mobile_needed: bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let need = |out: &mut Vec<(String, String)>, value: &str, message: &str, field: &str| {
            if value.trim().is_empty() {
                out.push((message.to_owned(), field.to_owned()));
            }
        };
        need(&mut out, &self.title, "Enter a title, such as Ms or Dr.", "title");
        need(&mut out, &self.first_name, "Enter the first name.", "first-name");
        need(&mut out, &self.last_name, "Enter the last name.", "last-name");
        need(&mut out, &self.email, "Enter an email address.", "email");
        if !self.email.trim().is_empty() && !self.email.contains('@') {
            out.push(("Enter an email address in the right form, like name@example.com.".to_owned(), "email".to_owned()));
        }
        if mobile_needed {
            need(&mut out, &self.mobile, "Enter a mobile number: the SMS code is sent to it.", "mobile");
            need(&mut out, &self.region, "Choose the region the mobile number is in.", "region");
        } else if !self.mobile.trim().is_empty() && self.region.trim().is_empty() {
            out.push(("Choose the region the mobile number is in.".to_owned(), "region".to_owned()));
        }
        out
    }

    /// The body that sends every field (an empty mobile removes the number).
    pub fn fields(&self) -> ClientFields {
        let text = |s: &str| Some(s.trim().to_owned());
        ClientFields {
            title: text(&self.title),
            first_name: text(&self.first_name),
            last_name: text(&self.last_name),
            email: text(&self.email),
            mobile: text(&self.mobile),
            region: Some(self.region.trim().to_owned()).filter(|r| !r.is_empty()),
        }
    }
}

/// The regions offered for a mobile number, as (code, name).
pub const REGIONS: [(&str, &str); 12] = [
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("US", "United States"),
    ("CA", "Canada"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("NL", "Netherlands"),
    ("ES", "Spain"),
    ("IT", "Italy"),
    ("CH", "Switzerland"),
];

/// The host's refusal of a client's fields, by field: `422 invalid_client`
/// names the field in `errors: [{field}]`.
pub fn client_problems(failure: &Failure) -> Vec<(String, String)> {
    let field = failure
        .problems()
        .first()
        .and_then(|p| p.get("field").and_then(|f| f.as_str()).map(str::to_owned))
        .map(|f| f.replace('_', "-"))
        .unwrap_or_default();
    vec![(failure.message(), field)]
}

/// The client fields as form inputs: title, names, email, and (when
/// `with_mobile`) the mobile number and its region.
#[component]
pub fn ClientFieldset(
    /// The form's values.
    form: RwSignal<ClientForm>,
    /// Whether the mobile number and region are shown.
    with_mobile: bool,
    /// A prefix for the fields' ids (empty on the edit screen).
    #[prop(optional, into)]
    prefix: String,
) -> impl IntoView {
    let region_id = format!("{prefix}region");
    let id = move |name: &str| format!("{prefix}{name}");
    let text = move |label: &'static str, name: &'static str, kind: &'static str, autocomplete: &'static str, get: fn(&ClientForm) -> String, set: fn(&mut ClientForm, String)| {
        let field_id = id(name);
        view! {
            <div class="field">
                <label for=field_id.clone()>{label}</label>
                <input id=field_id type=kind autocomplete=autocomplete spellcheck="false"
                    prop:value=move || get(&form.get())
                    on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
            </div>
        }
    };
    let mobile_part = with_mobile.then(|| {
        view! {
            {text("Mobile number", "mobile", "tel", "tel", |f| f.mobile.clone(), |f, v| f.mobile = v)}
            <div class="field">
                <label for=region_id.clone()>"Region of the mobile number"</label>
                <select id=region_id on:change=move |ev| form.update(|f| f.region = event_target_value(&ev)) prop:value=move || form.get().region>
                    <option value="" selected=move || form.get().region.is_empty()>"Choose a region"</option>
                    {REGIONS.into_iter().map(|(code, name)| view! {
                        <option value=code selected=move || form.get().region.eq_ignore_ascii_case(code)>{format!("{name} ({code})")}</option>
                    }).collect_view()}
                </select>
            </div>
        }
    });
    view! {
        {text("Title", "title", "text", "honorific-prefix", |f| f.title.clone(), |f, v| f.title = v)}
        {text("First name", "first-name", "text", "off", |f| f.first_name.clone(), |f, v| f.first_name = v)}
        {text("Last name", "last-name", "text", "off", |f| f.last_name.clone(), |f, v| f.last_name = v)}
        {text("Email address", "email", "email", "off", |f| f.email.clone(), |f, v| f.email = v)}
        {mobile_part}
    }
}

/// Editing a client: every field, the mobile number and its region included.
#[component]
pub fn EditClientPage() -> impl IntoView {
    set_title("Change client details");
    let params = use_params_map();
    let navigate = use_navigate();
    let location = use_location();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let client = LocalResource::new(move || {
        let id = id.get();
        async move { api::get::<ClientView>(&format!("/api/v1/clients/{}", api::encode(&id))).await }
    });
    let form = RwSignal::new(ClientForm::default());
    let loaded = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(c)) = client.get() {
            if !loaded.get_untracked() {
                form.set(ClientForm::of(&c));
                loaded.set(true);
                // A "Change" link names its field: put the person there.
                let field = location.hash.get_untracked().trim_start_matches('#').to_owned();
                if !field.is_empty() {
                    leptos::task::spawn_local(async move {
                        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&field)) {
                            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                                let _ = el.focus();
                            }
                        }
                    });
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let found = form.get_untracked().problems(false);
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        let body = form.get_untracked().fields();
        let id = id.get_untracked();
        let navigate = navigate.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::call::<_, ClientView>(Method::Patch, &format!("/api/v1/clients/{}", api::encode(&id)), &body).await {
                Ok(saved) => navigate(&format!("/dashboard/clients/{}", saved.id), NavigateOptions::default()),
                Err(failure) => problems.set(client_problems(&failure)),
            }
            busy.set(false);
        });
    };
    view! {
        <a class="back-link" href=move || format!("/dashboard/clients/{}", id.get())>"Back to the client"</a>
        <h1>"Change client details"</h1>
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| view! { <ErrorSummary messages=list /> })
        }}
        {move || match client.get() {
            None => view! { <p class="loading" role="status">"Loading the client…"</p> }.into_any(),
            Some(Err(failure)) => view! { <Problem failure=failure /> }.into_any(),
            Some(Ok(_)) => view! {
                <form on:submit=submit.clone() novalidate class="narrow">
                    <ClientFieldset form=form with_mobile=true />
                    <p class="hint">"The mobile number is needed to send the client an SMS code; leave it empty to remove it."</p>
                    <button type="submit" class="button" disabled=move || busy.get()>"Save changes"</button>
                </form>
            }
            .into_any(),
        }}
    }
}
