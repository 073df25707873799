//! The stored layout: every redb table, the schema version stamped in `meta`,
//! and the migrations that bring an older file up to date at open.
//!
//! Opening decides by the stamped version: none (a brand-new file) or older
//! than [`SCHEMA_VERSION`] runs the migrations in order, all in one write
//! transaction so a failed upgrade leaves the file as it was; newer is
//! refused with [`StorageError::TooNew`] before anything is written.

use redb::{
    Database, Key, ReadableDatabase, ReadableTable, TableDefinition, TableHandle, Value,
    WriteTransaction,
};

use super::codec::{decode, encode};
use super::records::{Client, Interview, WorkGroup, WorkItem};
use super::txn::StorageError;

/// The version of the stored layout this build reads and writes.
pub const SCHEMA_VERSION: u64 = 6;

/// The key in `meta` holding the schema version.
pub(crate) const SCHEMA_VERSION_KEY: &str = "schema_version";

/// The key of the one row in `settings`.
pub(crate) const SETTINGS_KEY: &str = "settings";

/// A table with its name kept `'static`, for error messages and reports.
pub(crate) struct Def<K: Key + 'static, V: Value + 'static> {
    /// The name in the file.
    pub name: &'static str,
    /// redb's handle.
    pub def: TableDefinition<'static, K, V>,
}

impl<K: Key + 'static, V: Value + 'static> Def<K, V> {
    const fn new(name: &'static str) -> Self {
        Def {
            name,
            def: TableDefinition::new(name),
        }
    }
}

/// An encoded record (see `codec`).
type Rec = &'static [u8];
/// A SHA-256 digest as a key.
type Hash = &'static [u8; 32];

// One list drives creation, backup and the listing `check` compares against,
// so a table added here cannot be forgotten by any of them.
macro_rules! tables {
    ($($(#[$doc:meta])* $ident:ident: $k:ty => $v:ty = $name:literal;)*) => {
        $($(#[$doc])* pub(crate) const $ident: Def<$k, $v> = Def::new($name);)*

        /// The name of every table of the current layout.
        pub(crate) const TABLE_NAMES: &[&str] = &[$($name),*];

        /// Opens (and so creates) every table of the current layout.
        pub(crate) fn create_tables(txn: &WriteTransaction) -> Result<(), StorageError> {
            $(txn.open_table($ident.def)?;)*
            Ok(())
        }

        /// Copies every table of `src` into `dst`, row for row.
        pub(crate) fn copy_tables(src: &redb::ReadTransaction, dst: &WriteTransaction) -> Result<(), StorageError> {
            $(copy_table(src, dst, &$ident)?;)*
            Ok(())
        }
    };
}

tables! {
    /// Facts about the file itself (`schema_version`).
    META: &'static str => u64 = "meta";
    /// The site settings, one row under [`SETTINGS_KEY`].
    SETTINGS: &'static str => Rec = "settings";
    /// Staff users by id.
    USERS: &'static str => Rec = "users";
    /// Lower-cased email to user id.
    USERS_BY_EMAIL: &'static str => &'static str = "users_by_email";
    /// API keys by id.
    API_KEYS: &'static str => Rec = "api_keys";
    /// SHA-256 of the key to key id.
    API_KEYS_BY_HASH: Hash => &'static str = "api_keys_by_hash";
    /// Staff sessions by SHA-256 of the cookie.
    STAFF_SESSIONS: Hash => Rec = "staff_sessions";
    /// Templates by id.
    TEMPLATES: &'static str => Rec = "templates";
    /// (template id, version) to the definition's JSON text.
    TEMPLATE_DEFINITIONS: (&'static str, u32) => &'static str = "template_definitions";
    /// Clients by id.
    CLIENTS: &'static str => Rec = "clients";
    /// (created_at, id) of every client: the list's order (since version 3).
    CLIENTS_BY_CREATED: (i64, &'static str) => () = "clients_by_created";
    /// Work items by id.
    WORK_ITEMS: &'static str => Rec = "work_items";
    /// (created_at, id) of every work item: the list's order.
    WORK_ITEMS_BY_CREATED: (i64, &'static str) => () = "work_items_by_created";
    /// (status, created_at, id) of every work item (since version 3).
    WORK_ITEMS_BY_STATUS: (&'static str, i64, &'static str) => () = "work_items_by_status";
    /// (work group id, created_at, id) of every work item filed under a group (since version 3).
    WORK_ITEMS_BY_GROUP: (&'static str, i64, &'static str) => () = "work_items_by_group";
    /// (client id, created_at, id) of every work item with a client: a client's work items (since version 6).
    WORK_ITEMS_BY_CLIENT: (&'static str, i64, &'static str) => () = "work_items_by_client";
    /// Work groups by id (since version 2).
    WORK_GROUPS: &'static str => Rec = "work_groups";
    /// `WorkGroup::name_key` of each group's name to its id (since version 2).
    WORK_GROUPS_BY_NAME: &'static str => &'static str = "work_groups_by_name";
    /// Interviews by id.
    INTERVIEWS: &'static str => Rec = "interviews";
    /// SHA-256 of the link token to interview id.
    INTERVIEWS_BY_TOKEN: Hash => &'static str = "interviews_by_token";
    /// (expires_at, id) of every live interview: what the expiry sweep reads (since version 3).
    INTERVIEWS_BY_EXPIRY: (i64, &'static str) => () = "interviews_by_expiry";
    /// Client sessions by SHA-256 of the bearer token.
    CLIENT_SESSIONS: Hash => Rec = "client_sessions";
    /// (interview id, session hash) of every client session.
    CLIENT_SESSIONS_BY_INTERVIEW: (&'static str, Hash) => () = "client_sessions_by_interview";
    /// File records by id.
    FILES: &'static str => Rec = "files";
    /// (interview id, file id) of every file record.
    FILES_BY_INTERVIEW: (&'static str, &'static str) => () = "files_by_interview";
    /// (sha256 hex, file id) of every file record.
    FILES_BY_SHA256: (&'static str, &'static str) => () = "files_by_sha256";
    /// (work item id, sequence number from 1) to audit event.
    AUDIT: (&'static str, u64) => Rec = "audit";
    /// Webhook deliveries by id.
    OUTBOX: &'static str => Rec = "outbox";
    /// (next attempt, id) of every undelivered outbox entry.
    OUTBOX_DUE: (i64, &'static str) => () = "outbox_due";
    /// Template id to how many work items have it as their template, kept by
    /// `put_work_item` in the transaction that makes the item (since version 4).
    WORK_ITEMS_PER_TEMPLATE: &'static str => u64 = "work_items_per_template";
    /// (template id, pinned version or 0 before the first opening, created_at,
    /// interview id) of every interview with a section of that template (since version 4).
    INTERVIEWS_BY_TEMPLATE: (&'static str, u32, i64, &'static str) => () = "interviews_by_template";
    /// (template id, version or 0) to how many entries `interviews_by_template`
    /// has under it, kept with them (since version 4).
    INTERVIEWS_PER_VERSION: (&'static str, u32) => u64 = "interviews_per_version";
    /// (created_at, id) of every outbox entry: the delivery log's order (since version 5).
    OUTBOX_BY_CREATED: (i64, &'static str) => () = "outbox_by_created";
}

fn copy_table<K: Key + 'static, V: Value + 'static>(
    src: &redb::ReadTransaction,
    dst: &WriteTransaction,
    table: &Def<K, V>,
) -> Result<(), StorageError> {
    let from = src.open_table(table.def)?;
    let mut to = dst.open_table(table.def)?;
    for entry in from.iter()? {
        let (key, value) = entry?;
        to.insert(key.value(), value.value())?;
    }
    Ok(())
}

/// One step of the layout's history.
#[derive(Clone, Copy)]
pub(crate) struct Migration {
    /// The version it starts from.
    pub from: u64,
    /// What it does, for errors.
    pub name: &'static str,
    /// The change, inside the upgrade's write transaction.
    pub run: fn(&WriteTransaction) -> Result<(), StorageError>,
}

/// Every migration, oldest first; each moves the file from `from` to `from + 1`.
// When a step changes the layout, it must spell out its own tables rather than
// call `create_tables`, which always means the newest layout.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        from: 0,
        name: "create tables",
        run: create_tables,
    },
    Migration {
        from: 1,
        name: "work groups",
        run: add_work_groups,
    },
    Migration {
        from: 2,
        name: "list and expiry indexes",
        run: add_list_indexes,
    },
    Migration {
        from: 3,
        name: "template use counts and pins",
        run: add_template_use,
    },
    // ---- settings: the webhook delivery log (4 -> 5)
    Migration {
        from: 4,
        name: "webhook delivery log",
        run: add_outbox_log,
    },
    // ---- clients: a client's work items (5 -> 6)
    Migration {
        from: 5,
        name: "work items by client",
        run: add_client_index,
    },
];

/// The `interviews_by_template` keys of an interview: one per distinct
/// (template, version) of its sections, version 0 while not yet opened.
pub(crate) fn pin_keys(interview: &Interview) -> std::collections::BTreeSet<(&str, u32)> {
    interview
        .sections
        .iter()
        .map(|s| (s.template_id.as_str(), s.version.unwrap_or(0)))
        .collect()
}

/// 3 -> 4: the work items per template, and the interviews by template and
/// pinned version with their counts, built from the rows in the upgrade's transaction.
fn add_template_use(txn: &WriteTransaction) -> Result<(), StorageError> {
    let mut per_template = txn.open_table(WORK_ITEMS_PER_TEMPLATE.def)?;
    let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for entry in txn.open_table(WORK_ITEMS.def)?.iter()? {
        let (key, value) = entry?;
        let item: WorkItem = decode(WORK_ITEMS.name, value.value())
            .map_err(|e| in_row("work item", key.value(), e))?;
        *counts.entry(item.template_id).or_default() += 1;
    }
    for (template, n) in &counts {
        per_template.insert(template.as_str(), *n)?;
    }
    let mut by_template = txn.open_table(INTERVIEWS_BY_TEMPLATE.def)?;
    let mut pins: std::collections::BTreeMap<(String, u32), u64> = std::collections::BTreeMap::new();
    for entry in txn.open_table(INTERVIEWS.def)?.iter()? {
        let (key, value) = entry?;
        let interview: Interview = decode(INTERVIEWS.name, value.value())
            .map_err(|e| in_row("interview", key.value(), e))?;
        for (template, version) in pin_keys(&interview) {
            by_template.insert((template, version, interview.created_at.0, interview.id.as_str()), ())?;
            *pins.entry((template.to_owned(), version)).or_default() += 1;
        }
    }
    let mut per_version = txn.open_table(INTERVIEWS_PER_VERSION.def)?;
    for ((template, version), n) in &pins {
        per_version.insert((template.as_str(), *version), *n)?;
    }
    Ok(())
}

/// 4 -> 5: the webhook delivery log, paged newest first. Each outbox entry
/// gets the time it was queued and its event's name, read from the body it
/// carries (`at`, `event`; the next attempt's time when the body has none),
/// and an entry in the `(created_at, id)` index.
fn add_outbox_log(txn: &WriteTransaction) -> Result<(), StorageError> {
    let mut rows = txn.open_table(OUTBOX.def)?;
    let mut entries = Vec::new();
    for entry in rows.iter()? {
        let (key, value) = entry?;
        let record: super::records::OutboxEntry =
            decode(OUTBOX.name, value.value()).map_err(|e| in_row("outbox entry", key.value(), e))?;
        entries.push(record);
    }
    let mut by_created = txn.open_table(OUTBOX_BY_CREATED.def)?;
    for mut record in entries {
        let body: serde_json::Value = serde_json::from_str(&record.body).unwrap_or_default();
        record.created_at = body["at"]
            .as_str()
            .and_then(crate::clock::Timestamp::parse_rfc3339)
            .unwrap_or(record.next_attempt_at);
        record.event = body["event"].as_str().unwrap_or_default().to_owned();
        by_created.insert((record.created_at.0, record.id.as_str()), ())?;
        rows.insert(record.id.as_str(), encode(&record)?.as_slice())?;
    }
    Ok(())
}

/// 2 -> 3: indexes for lists paged by key (clients by creation, work items by
/// status and by work group) and the live interviews by expiry, built from the
/// rows in the upgrade's transaction.
fn add_list_indexes(txn: &WriteTransaction) -> Result<(), StorageError> {
    let mut clients_by_created = txn.open_table(CLIENTS_BY_CREATED.def)?;
    for entry in txn.open_table(CLIENTS.def)?.iter()? {
        let (key, value) = entry?;
        let client: Client = decode(CLIENTS.name, value.value())
            .map_err(|e| in_row("client", key.value(), e))?;
        clients_by_created.insert((client.created_at.0, client.id.as_str()), ())?;
    }
    let mut by_status = txn.open_table(WORK_ITEMS_BY_STATUS.def)?;
    let mut by_group = txn.open_table(WORK_ITEMS_BY_GROUP.def)?;
    for entry in txn.open_table(WORK_ITEMS.def)?.iter()? {
        let (key, value) = entry?;
        let item: WorkItem = decode(WORK_ITEMS.name, value.value())
            .map_err(|e| in_row("work item", key.value(), e))?;
        let (at, id) = (item.created_at.0, item.id.as_str());
        by_status.insert((item.status.as_str(), at, id), ())?;
        if let Some(group) = &item.work_group_id {
            by_group.insert((group.as_str(), at, id), ())?;
        }
    }
    let mut by_expiry = txn.open_table(INTERVIEWS_BY_EXPIRY.def)?;
    for entry in txn.open_table(INTERVIEWS.def)?.iter()? {
        let (key, value) = entry?;
        let interview: Interview = decode(INTERVIEWS.name, value.value())
            .map_err(|e| in_row("interview", key.value(), e))?;
        if let Some(at) = crate::domain::expiry::expires_at(&interview) {
            by_expiry.insert((at.0, interview.id.as_str()), ())?;
        }
    }
    Ok(())
}

/// 5 -> 6: the work items of each client, for a client's page, built from
/// the rows in the upgrade's transaction.
fn add_client_index(txn: &WriteTransaction) -> Result<(), StorageError> {
    let mut by_client = txn.open_table(WORK_ITEMS_BY_CLIENT.def)?;
    for entry in txn.open_table(WORK_ITEMS.def)?.iter()? {
        let (key, value) = entry?;
        let item: WorkItem = decode(WORK_ITEMS.name, value.value())
            .map_err(|e| in_row("work item", key.value(), e))?;
        if let Some(client) = &item.client_id {
            by_client.insert((client.as_str(), item.created_at.0, item.id.as_str()), ())?;
        }
    }
    Ok(())
}

fn in_row(what: &str, id: &str, error: StorageError) -> StorageError {
    StorageError::Backend(format!("{what} {id}: {error}"))
}

/// What version 1 stored of a work item's group: its name, as free text.
#[derive(serde::Deserialize)]
struct WorkItemV1 {
    #[serde(default)]
    work_group: Option<String>,
}

/// 1 -> 2: work groups become records. Every distinct name (ignoring case and
/// surrounding spaces) the work items carry becomes a group, spelt and dated
/// as on the oldest item using it, and each item then names its group by id.
fn add_work_groups(txn: &WriteTransaction) -> Result<(), StorageError> {
    let mut groups = txn.open_table(WORK_GROUPS.def)?;
    let mut by_name = txn.open_table(WORK_GROUPS_BY_NAME.def)?;
    let mut items = txn.open_table(WORK_ITEMS.def)?;
    let mut found = Vec::new();
    for entry in items.iter()? {
        let (key, value) = entry?;
        let id = key.value().to_owned();
        let bytes = value.value();
        let old: WorkItemV1 = decode(WORK_ITEMS.name, bytes).map_err(|e| in_item(&id, e))?;
        let item: WorkItem = decode(WORK_ITEMS.name, bytes).map_err(|e| in_item(&id, e))?;
        let name = old.work_group.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        found.push((item, name));
    }
    // Oldest first, so each group takes the spelling and the time of its first item.
    found.sort_by(|(a, _), (b, _)| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    for (mut item, name) in found {
        let Some(name) = name else { continue };
        let key = WorkGroup::name_key(&name);
        let existing = by_name.get(key.as_str())?.map(|id| id.value().to_owned());
        let group_id = match existing {
            Some(id) => id,
            None => {
                let group = WorkGroup {
                    id: crate::auth::token::new_id("wg_"),
                    name,
                    description: None,
                    created_at: item.created_at,
                    archived: false,
                };
                by_name.insert(key.as_str(), group.id.as_str())?;
                groups.insert(group.id.as_str(), encode(&group)?.as_slice())?;
                group.id
            }
        };
        item.work_group_id = Some(group_id);
        items.insert(item.id.as_str(), encode(&item)?.as_slice())?;
    }
    Ok(())
}

fn in_item(id: &str, error: StorageError) -> StorageError {
    StorageError::Backend(format!("work item {id}: {error}"))
}

/// What opening found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opened {
    /// The file was new (or never stamped) and is now at the current version.
    Created,
    /// The file was at this older version and was migrated.
    Migrated(u64),
    /// The file was already current.
    Current,
}

/// The version stamped in the file (`None` when never stamped).
pub(crate) fn stamped_version(db: &impl ReadableDatabase) -> Result<Option<u64>, StorageError> {
    let txn = db.begin_read()?;
    let meta = match txn.open_table(META.def) {
        Ok(meta) => meta,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(meta.get(SCHEMA_VERSION_KEY)?.map(|v| v.value()))
}

/// Brings the file to [`SCHEMA_VERSION`] with the real migrations.
pub(crate) fn upgrade(db: &Database) -> Result<Opened, StorageError> {
    upgrade_with(db, MIGRATIONS, SCHEMA_VERSION)
}

/// Brings the file to `target` with `migrations` (tests pass their own history).
pub(crate) fn upgrade_with(
    db: &Database,
    migrations: &[Migration],
    target: u64,
) -> Result<Opened, StorageError> {
    let found = stamped_version(db)?;
    let start = found.unwrap_or(0);
    if start > target {
        return Err(StorageError::TooNew {
            found: start,
            supported: target,
        });
    }
    if start == target {
        // A file stamped by an early build that made only `meta` still needs
        // the other tables; checked first so a current file is not written to.
        if missing_tables(db)? {
            let txn = db.begin_write()?;
            create_tables(&txn)?;
            txn.commit()?;
        }
        return Ok(Opened::Current);
    }
    let txn = db.begin_write()?;
    let mut version = start;
    while version < target {
        let step = migrations
            .iter()
            .find(|m| m.from == version)
            .ok_or_else(|| {
                StorageError::Backend(format!("no migration from schema version {version}"))
            })?;
        (step.run)(&txn).map_err(|e| {
            StorageError::Backend(format!(
                "migration {} -> {} ({}) failed: {e}",
                version,
                version + 1,
                step.name
            ))
        })?;
        version += 1;
    }
    // An early build stamped files whose tables it had not all made; the
    // migrations assume the tables of their version exist. Whatever was
    // missing is made now, in the same transaction.
    if target == SCHEMA_VERSION {
        create_tables(&txn)?;
    }
    txn.open_table(META.def)?
        .insert(SCHEMA_VERSION_KEY, target)?;
    // Dropping `txn` on an error above aborts it: the file stays at `start`.
    txn.commit()?;
    Ok(match found {
        None => Opened::Created,
        Some(v) => Opened::Migrated(v),
    })
}

fn missing_tables(db: &Database) -> Result<bool, StorageError> {
    let txn = db.begin_read()?;
    let present: Vec<String> = txn.list_tables()?.map(|t| t.name().to_owned()).collect();
    Ok(TABLE_NAMES
        .iter()
        .any(|name| !present.iter().any(|p| p == name)))
}

/// Files as older builds left them, for the migration tests.
#[cfg(test)]
pub(crate) mod legacy {
    use redb::Database;

    use super::*;
    use crate::storage::testdata;

    /// A work item's record as version 1 wrote it: the group as a name.
    pub(crate) fn work_item_v1(id: &str, created_at: i64, group: Option<&str>) -> Vec<u8> {
        let mut value = serde_json::to_value(testdata::work_item(id, created_at)).unwrap();
        let fields = value.as_object_mut().unwrap();
        fields.remove("work_group_id");
        fields.insert("work_group".into(), serde_json::json!(group));
        encode(&value).unwrap()
    }

    /// Makes `db` a version 1 file (its tables only, stamped 1) holding these
    /// work items: `(id, created_at, record)`.
    pub(crate) fn version_1(db: &Database, items: &[(&str, i64, Vec<u8>)]) {
        upgrade_with(db, &MIGRATIONS[..1], 1).unwrap();
        let txn = db.begin_write().unwrap();
        // Step 0 makes the newest layout; version 1 did not have these.
        assert!(txn.delete_table(WORK_GROUPS.def).unwrap());
        assert!(txn.delete_table(WORK_GROUPS_BY_NAME.def).unwrap());
        delete_version_3_tables(&txn);
        {
            let mut rows = txn.open_table(WORK_ITEMS.def).unwrap();
            let mut order = txn.open_table(WORK_ITEMS_BY_CREATED.def).unwrap();
            for (id, at, record) in items {
                rows.insert(*id, record.as_slice()).unwrap();
                order.insert((*at, *id), ()).unwrap();
            }
        }
        txn.commit().unwrap();
        assert_eq!(stamped_version(db).unwrap(), Some(1));
    }

    /// Deletes the tables versions 3 and later added (older files had none of them).
    fn delete_version_3_tables(txn: &WriteTransaction) {
        assert!(txn.delete_table(CLIENTS_BY_CREATED.def).unwrap());
        assert!(txn.delete_table(WORK_ITEMS_BY_STATUS.def).unwrap());
        assert!(txn.delete_table(WORK_ITEMS_BY_GROUP.def).unwrap());
        assert!(txn.delete_table(INTERVIEWS_BY_EXPIRY.def).unwrap());
        delete_version_4_tables(txn);
        assert!(txn.delete_table(OUTBOX_BY_CREATED.def).unwrap());
        delete_version_6_tables(txn);
    }

    /// Takes away what version 4 added, leaving a version 3 layout.
    pub(crate) fn delete_version_4_tables(txn: &WriteTransaction) {
        assert!(txn.delete_table(WORK_ITEMS_PER_TEMPLATE.def).unwrap());
        assert!(txn.delete_table(INTERVIEWS_BY_TEMPLATE.def).unwrap());
        assert!(txn.delete_table(INTERVIEWS_PER_VERSION.def).unwrap());
    }

    /// Deletes the table version 6 added.
    pub(crate) fn delete_version_6_tables(txn: &WriteTransaction) {
        assert!(txn.delete_table(WORK_ITEMS_BY_CLIENT.def).unwrap());
    }

    /// Makes `db` a version 2 file (its tables only, stamped 2) holding these
    /// rows with the indexes version 2 kept.
    pub(crate) fn version_2(
        db: &Database,
        groups: &[WorkGroup],
        clients: &[crate::storage::records::Client],
        items: &[WorkItem],
        interviews: &[Interview],
    ) {
        upgrade_with(db, &MIGRATIONS[..1], 1).unwrap();
        let txn = db.begin_write().unwrap();
        delete_version_3_tables(&txn);
        {
            let mut rows = txn.open_table(WORK_GROUPS.def).unwrap();
            let mut names = txn.open_table(WORK_GROUPS_BY_NAME.def).unwrap();
            for group in groups {
                rows.insert(group.id.as_str(), encode(group).unwrap().as_slice()).unwrap();
                names.insert(WorkGroup::name_key(&group.name).as_str(), group.id.as_str()).unwrap();
            }
            let mut rows = txn.open_table(CLIENTS.def).unwrap();
            for client in clients {
                rows.insert(client.id.as_str(), encode(client).unwrap().as_slice()).unwrap();
            }
            let mut rows = txn.open_table(WORK_ITEMS.def).unwrap();
            let mut order = txn.open_table(WORK_ITEMS_BY_CREATED.def).unwrap();
            for item in items {
                rows.insert(item.id.as_str(), encode(item).unwrap().as_slice()).unwrap();
                order.insert((item.created_at.0, item.id.as_str()), ()).unwrap();
            }
            let mut rows = txn.open_table(INTERVIEWS.def).unwrap();
            let mut tokens = txn.open_table(INTERVIEWS_BY_TOKEN.def).unwrap();
            for iv in interviews {
                rows.insert(iv.id.as_str(), encode(iv).unwrap().as_slice()).unwrap();
                tokens.insert(&iv.token_hash, iv.id.as_str()).unwrap();
            }
            txn.open_table(META.def).unwrap().insert(SCHEMA_VERSION_KEY, 2).unwrap();
        }
        txn.commit().unwrap();
        assert_eq!(stamped_version(db).unwrap(), Some(2));
        assert!(missing_tables(db).unwrap(), "no table of version 3");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: TableDefinition<&str, u64> = TableDefinition::new("marker");

    fn stamp(db: &Database, version: u64) {
        let txn = db.begin_write().unwrap();
        txn.open_table(META.def)
            .unwrap()
            .insert(SCHEMA_VERSION_KEY, version)
            .unwrap();
        txn.commit().unwrap();
    }

    fn add_marker(txn: &WriteTransaction) -> Result<(), StorageError> {
        let mut marker = txn.open_table(MARKER)?;
        let runs = marker.get("runs")?.map(|v| v.value()).unwrap_or(0);
        marker.insert("runs", runs + 1)?;
        Ok(())
    }

    fn fail(_: &WriteTransaction) -> Result<(), StorageError> {
        Err(StorageError::Backend("deliberate".to_owned()))
    }

    fn marker_runs(db: &Database) -> Option<u64> {
        let txn = db.begin_read().unwrap();
        let table = txn.open_table(MARKER).ok()?;
        table.get("runs").unwrap().map(|v| v.value())
    }

    #[test]
    fn a_new_file_gets_every_table_and_the_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        assert_eq!(upgrade(&db).unwrap(), Opened::Created);
        assert_eq!(stamped_version(&db).unwrap(), Some(SCHEMA_VERSION));
        assert!(!missing_tables(&db).unwrap());
        assert_eq!(upgrade(&db).unwrap(), Opened::Current);
    }

    #[test]
    fn an_older_file_runs_the_later_migrations_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        upgrade(&db).unwrap();
        let mut history = MIGRATIONS.to_vec();
        history.push(Migration {
            from: SCHEMA_VERSION,
            name: "marker",
            run: add_marker,
        });
        let next = SCHEMA_VERSION + 1;
        assert_eq!(
            upgrade_with(&db, &history, next).unwrap(),
            Opened::Migrated(SCHEMA_VERSION)
        );
        assert_eq!(stamped_version(&db).unwrap(), Some(next));
        // Only the last step ran; the earlier ones were behind the file already.
        assert_eq!(marker_runs(&db), Some(1));
        assert_eq!(upgrade_with(&db, &history, next).unwrap(), Opened::Current);
        assert_eq!(marker_runs(&db), Some(1));
    }

    #[test]
    fn a_version_1_file_with_only_its_stamp_gets_every_table_when_migrated() {
        // Seen on a data folder an early build had made: stamped 1, no
        // `users` table; the host then failed at its first start.
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        stamp(&db, 1);
        assert!(missing_tables(&db).unwrap());
        assert_eq!(upgrade(&db).unwrap(), Opened::Migrated(1));
        assert_eq!(stamped_version(&db).unwrap(), Some(SCHEMA_VERSION));
        assert!(!missing_tables(&db).unwrap());
    }

    #[test]
    fn a_file_stamped_zero_is_migrated_by_the_real_history() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        stamp(&db, 0);
        assert!(missing_tables(&db).unwrap());
        assert_eq!(upgrade(&db).unwrap(), Opened::Migrated(0));
        assert_eq!(stamped_version(&db).unwrap(), Some(SCHEMA_VERSION));
        assert!(!missing_tables(&db).unwrap());
    }

    #[test]
    fn a_failed_migration_leaves_the_file_at_its_old_version() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        upgrade(&db).unwrap();
        let mut history = MIGRATIONS.to_vec();
        history.push(Migration {
            from: SCHEMA_VERSION,
            name: "marker",
            run: add_marker,
        });
        history.push(Migration {
            from: SCHEMA_VERSION + 1,
            name: "broken",
            run: fail,
        });
        let err = upgrade_with(&db, &history, SCHEMA_VERSION + 2).unwrap_err();
        assert!(err.to_string().contains("broken"), "{err}");
        assert_eq!(stamped_version(&db).unwrap(), Some(SCHEMA_VERSION));
        assert_eq!(
            marker_runs(&db),
            None,
            "the successful step was rolled back with the failed one"
        );
    }

    #[test]
    fn a_gap_in_the_history_is_an_error_not_a_skip() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        upgrade(&db).unwrap();
        let err = upgrade_with(&db, MIGRATIONS, SCHEMA_VERSION + 1).unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("no migration from schema version {SCHEMA_VERSION}")),
            "{err}"
        );
        assert_eq!(stamped_version(&db).unwrap(), Some(SCHEMA_VERSION));
    }

    #[test]
    fn a_version_1_work_item_that_does_not_read_stops_the_upgrade_and_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        legacy::version_1(
            &db,
            &[
                ("wi_good", 1, legacy::work_item_v1("wi_good", 1, Some("North"))),
                ("wi_bad", 2, vec![1, 0xff]),
            ],
        );
        let err = upgrade(&db).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("work groups") && message.contains("wi_bad"),
            "{message}"
        );
        assert_eq!(stamped_version(&db).unwrap(), Some(1));
        assert!(missing_tables(&db).unwrap(), "nothing of version 2 was kept");
    }

    #[test]
    fn a_version_3_outbox_gets_its_delivery_log_from_the_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        upgrade_with(&db, &MIGRATIONS[..3], 3).unwrap();
        let at = |text: &str| crate::clock::Timestamp::parse_rfc3339(text).unwrap().0;
        {
            // The rows as version 3 wrote them: no time queued, no event name, no log index.
            let txn = db.begin_write().unwrap();
            assert!(txn.delete_table(OUTBOX_BY_CREATED.def).unwrap());
            {
                let mut rows = txn.open_table(OUTBOX.def).unwrap();
                for (id, queued) in [("evt_new", "2026-11-24T10:00:00Z"), ("evt_old", "2026-11-24T09:00:00Z")] {
                    let body = serde_json::json!({"id": id, "event": "interview.submitted", "at": queued, "data": {}}).to_string();
                    let record = serde_json::json!({"id": id, "url": "https://h.example/hook", "body": body, "attempts": 0,
                                                    "next_attempt_at": 5, "delivered_at": null, "last_error": null});
                    rows.insert(id, encode(&record).unwrap().as_slice()).unwrap();
                }
            }
            txn.commit().unwrap();
        }
        assert_eq!(upgrade(&db).unwrap(), Opened::Migrated(3));
        let txn = db.begin_read().unwrap();
        let index: Vec<(i64, String)> = txn
            .open_table(OUTBOX_BY_CREATED.def)
            .unwrap()
            .iter()
            .unwrap()
            .map(|e| {
                let (key, _) = e.unwrap();
                let (queued, id) = key.value();
                (queued, id.to_owned())
            })
            .collect();
        assert_eq!(
            index,
            [(at("2026-11-24T09:00:00Z"), "evt_old".to_owned()), (at("2026-11-24T10:00:00Z"), "evt_new".to_owned())]
        );
        let rows = txn.open_table(OUTBOX.def).unwrap();
        let record: super::super::records::OutboxEntry =
            decode(OUTBOX.name, rows.get("evt_new").unwrap().unwrap().value()).unwrap();
        assert_eq!((record.event.as_str(), record.created_at.0), ("interview.submitted", at("2026-11-24T10:00:00Z")));
    }

    #[test]
    fn a_newer_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        stamp(&db, SCHEMA_VERSION + 1);
        match upgrade(&db) {
            Err(StorageError::TooNew { found, supported }) => {
                assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
        assert_eq!(stamped_version(&db).unwrap(), Some(SCHEMA_VERSION + 1));
    }

    #[test]
    fn a_stamped_file_lacking_tables_gets_them() {
        // What the first skeleton build wrote: `meta` only.
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("db")).unwrap();
        stamp(&db, SCHEMA_VERSION);
        assert_eq!(upgrade(&db).unwrap(), Opened::Current);
        assert!(!missing_tables(&db).unwrap());
    }
}
