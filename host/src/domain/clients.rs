//! Clients: the people interviews are sent to.

use interview_api::ClientView;

use super::paging::{self, Page, FILTERED_CHUNK};
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::Client;
use crate::storage::txn::{ReadTxn, WriteTxn};
use crate::storage::RowKey;

/// What staff send to make or change a client (one definition, in `interview-api`).
pub use interview_api::ClientFields;

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::Unprocessable {
        code: "invalid_client",
        message: message.into(),
        errors: Some(serde_json::json!([{"field": field}])),
    }
}

fn required(value: Option<String>, field: &str) -> Result<String, Error> {
    match value.map(|v| v.trim().to_owned()) {
        Some(v) if !v.is_empty() && v.chars().count() <= 200 => Ok(v),
        Some(v) if !v.is_empty() => Err(invalid(field, format!("`{field}` is longer than 200 characters."))),
        _ => Err(invalid(field, format!("`{field}` is required."))),
    }
}

/// Applies `fields` to `client` (all of them for a new client, the given ones for an edit).
fn apply(client: &mut Client, fields: ClientFields, new: bool) -> Result<(), Error> {
    if new || fields.title.is_some() {
        client.title = required(fields.title, "title")?;
    }
    if new || fields.first_name.is_some() {
        client.first_name = required(fields.first_name, "first_name")?;
    }
    if new || fields.last_name.is_some() {
        client.last_name = required(fields.last_name, "last_name")?;
    }
    if new || fields.email.is_some() {
        let email = required(fields.email, "email")?;
        client.email = interview_runtime::email::normalise(&email)
            .map_err(|e| invalid("email", format!("`email` is not an email address: {e}.")))?;
    }
    if let Some(region) = &fields.region {
        if !interview_runtime::phone::is_known_region(region) {
            return Err(invalid("region", format!("`{region}` is not a known region; use a code such as GB or US.")));
        }
        client.region = Some(region.to_ascii_uppercase());
    }
    if let Some(mobile) = fields.mobile {
        if mobile.trim().is_empty() {
            client.mobile = None;
        } else {
            let e164 = interview_runtime::phone::normalise(&mobile, client.region.as_deref())
                .map_err(|e| invalid("mobile", format!("`mobile` is not a phone number: {e}.")))?;
            client.mobile = Some(e164);
        }
    }
    Ok(())
}

/// Makes a client from staff's fields.
pub fn create(tx: &mut dyn WriteTxn, now: Timestamp, fields: ClientFields) -> Result<Client, Error> {
    let mut client = Client {
        id: token::new_id("cli_"),
        title: String::new(),
        first_name: String::new(),
        last_name: String::new(),
        email: String::new(),
        mobile: None,
        region: None,
        created_at: now,
        updated_at: now,
    };
    apply(&mut client, fields, true)?;
    tx.put_client(&client)?;
    Ok(client)
}

/// Changes the given fields of a client.
pub fn update(tx: &mut dyn WriteTxn, now: Timestamp, id: &str, fields: ClientFields) -> Result<Client, Error> {
    let mut client = tx.client(id)?.ok_or(Error::NotFound { what: "client" })?;
    apply(&mut client, fields, false)?;
    client.updated_at = now;
    tx.put_client(&client)?;
    Ok(client)
}

/// A client's place in the list.
pub fn key_of(client: &Client) -> RowKey {
    RowKey { created_at: client.created_at, id: client.id.clone() }
}

/// Whether a client's first name, last name, "first last" or email contains `needle` (lower-cased).
fn matches(client: &Client, needle: &str) -> bool {
    [&client.first_name, &client.last_name, &client.email]
        .iter()
        .any(|field| field.to_lowercase().contains(needle))
        || format!("{} {}", client.first_name, client.last_name).to_lowercase().contains(needle)
}

/// A page of the clients whose name or email contains `q` (ignoring case),
/// newest first, after `after`.
pub fn list(tx: &dyn ReadTxn, q: Option<&str>, after: Option<RowKey>, limit: usize) -> Result<Page<ClientView>, Error> {
    let needle = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let chunk = if needle.is_some() { FILTERED_CHUNK } else { 0 };
    let (items, next) = paging::collect(
        after,
        limit,
        chunk,
        |after, n| Ok(tx.clients_page(after, n)?),
        key_of,
        |client| Ok(needle.as_deref().is_none_or(|n| matches(&client, n)).then(|| view(&client))),
    )?;
    Ok(Page { items, next: next.as_ref().map(paging::row_cursor) })
}

/// A client as the API shows it.
pub fn view(client: &Client) -> ClientView {
    ClientView {
        id: client.id.clone(),
        title: client.title.clone(),
        first_name: client.first_name.clone(),
        last_name: client.last_name.clone(),
        email: client.email.clone(),
        mobile: client.mobile.clone(),
        region: client.region.clone(),
        created_at: client.created_at.to_rfc3339(),
        updated_at: client.updated_at.to_rfc3339(),
    }
}
