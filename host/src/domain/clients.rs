//! Clients: the people interviews are sent to.

use serde::Deserialize;

use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::Client;
use crate::storage::txn::WriteTxn;

/// What staff send to make or change a client.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFields {
    /// Mr, Ms, Dr, …
    pub title: Option<String>,
    /// Given name.
    pub first_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Mobile number (any common form; stored in E.164).
    pub mobile: Option<String>,
    /// Region the mobile number is written in (ISO 3166 alpha-2), when it has no country code.
    pub region: Option<String>,
}

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

/// Clients whose name or email contains `q` (case-insensitive), by last name.
pub fn search(all: Vec<Client>, q: Option<&str>) -> Vec<Client> {
    let needle = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let mut found: Vec<Client> = all
        .into_iter()
        .filter(|c| match &needle {
            None => true,
            Some(n) => [&c.first_name, &c.last_name, &c.email]
                .iter()
                .any(|field| field.to_lowercase().contains(n.as_str()))
                || format!("{} {}", c.first_name, c.last_name).to_lowercase().contains(n.as_str()),
        })
        .collect();
    found.sort_by(|a, b| (a.last_name.to_lowercase(), &a.id).cmp(&(b.last_name.to_lowercase(), &b.id)));
    found
}
