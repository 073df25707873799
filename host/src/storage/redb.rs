//! The redb backend: one file, one write transaction at a time, readers on
//! snapshots that never block it. Records are `codec` bytes; each secondary
//! index is its own table, changed by the same `put_*` as its row.
//!
//! Every transaction holds a shared lock on the [`Database`] handle for its
//! whole life; `check` takes it exclusively, because redb's integrity check
//! needs the handle with no transaction open.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use redb::{
    Database, Key, ReadOnlyDatabase, ReadOnlyTable, ReadTransaction, ReadableDatabase,
    ReadableTable, Value, WriteTransaction,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::codec::{decode, encode};
use super::records::*;
use super::schema::{self, *};
use super::txn::{Backend, PinKey, ReadTxn, RowKey, StorageError, WorkItemsBy, WriteTxn};
use super::{CheckReport, Integrity};
use crate::clock::Timestamp;

macro_rules! backend_errors {
    ($($source:ty),* $(,)?) => {$(
        impl From<$source> for StorageError {
            fn from(error: $source) -> Self {
                StorageError::Backend(error.to_string())
            }
        }
    )*};
}

backend_errors!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
);

/// The database file behind the [`Backend`] traits.
pub struct RedbBackend {
    db: RwLock<Database>,
    path: PathBuf,
}

impl RedbBackend {
    /// Opens (or creates) the database at `path` and brings its layout up to
    /// date; refuses a file from a newer build without writing to it.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        // Opening for writing marks the file (redb flags it as in use), so a
        // file from a newer host is first looked at read-only. When that fails
        // (a file that needs crash recovery, say) the writable open below
        // recovers it and `upgrade` still refuses a newer version.
        if path.exists() {
            if let Ok(db) = ReadOnlyDatabase::open(path) {
                if let Some(found) = schema::stamped_version(&db)?.filter(|v| *v > SCHEMA_VERSION) {
                    return Err(StorageError::TooNew {
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
            }
        }
        let db = Database::create(path).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StorageError::Locked(path.to_owned()),
            e => StorageError::Backend(format!("cannot open {}: {e}", path.display())),
        })?;
        schema::upgrade(&db)?;
        Ok(RedbBackend {
            db: RwLock::new(db),
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version stamped in the file.
    pub fn schema_version(&self) -> Result<Option<u64>, StorageError> {
        schema::stamped_version(&*self.shared())
    }

    // A closure that panicked inside a transaction poisons the lock, but the
    // handle is sound (its transaction was dropped, so aborted): carry on
    // rather than fail every later request.
    fn shared(&self) -> RwLockReadGuard<'_, Database> {
        self.db.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes a consistent copy of the whole database to `dest`, while other
    /// transactions go on: one read snapshot is copied table by table into a
    /// fresh file beside `dest`, which is synced and then renamed over it.
    pub fn backup(&self, dest: &Path) -> Result<(), StorageError> {
        let io = |what: &str, e: std::io::Error| {
            StorageError::Backend(format!("backup: cannot {what}: {e}"))
        };
        let name = dest.file_name().ok_or_else(|| {
            StorageError::Backend(format!("backup: {} is not a file name", dest.display()))
        })?;
        let dir = match dest.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        let canonical_dir = dir
            .canonicalize()
            .map_err(|e| io(&format!("find {}", dir.display()), e))?;
        if self.path.canonicalize().ok() == Some(canonical_dir.join(name)) {
            return Err(StorageError::Backend(
                "backup: the destination is the live database".to_owned(),
            ));
        }
        let partial = dir.join(format!(".{}.partial", name.to_string_lossy()));
        let result = self.copy_to(&partial).and_then(|()| {
            // redb synced its commit; this also covers the file's own metadata.
            File::open(&partial)
                .and_then(|f| f.sync_all())
                .map_err(|e| io("sync the copy", e))?;
            std::fs::rename(&partial, dest)
                .map_err(|e| io(&format!("move the copy to {}", dest.display()), e))?;
            sync_dir(&dir).map_err(|e| io("sync the destination folder", e))
        });
        if result.is_err() {
            // Best effort: a leftover partial file is replaced by the next backup anyway.
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    fn copy_to(&self, partial: &Path) -> Result<(), StorageError> {
        match std::fs::remove_file(partial) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StorageError::Backend(format!(
                    "backup: cannot replace {}: {e}",
                    partial.display()
                )))
            }
        }
        let db = self.shared();
        let snapshot = db.begin_read()?;
        let copy = Database::create(partial).map_err(|e| {
            StorageError::Backend(format!("backup: cannot create {}: {e}", partial.display()))
        })?;
        let txn = copy.begin_write()?;
        copy_tables(&snapshot, &txn)?;
        txn.commit()?;
        Ok(())
    }

    /// Checks the file (redb's integrity check, which repairs what it can) and
    /// every record and index in it; waits for open transactions to finish and
    /// holds new ones back while redb's check runs.
    pub fn check(&self) -> Result<CheckReport, StorageError> {
        let integrity = {
            let mut db = self.db.write().unwrap_or_else(PoisonError::into_inner);
            match db.check_integrity() {
                Ok(true) => Integrity::Clean,
                Ok(false) => Integrity::Repaired,
                Err(e) => {
                    return Err(StorageError::Backend(format!(
                        "the database file is damaged: {e}"
                    )))
                }
            }
        };
        let db = self.shared();
        let txn = db.begin_read()?;
        let mut checker = Checker {
            txn: &txn,
            report: CheckReport {
                integrity,
                rows: Default::default(),
                problems: Vec::new(),
            },
        };
        checker.run()?;
        Ok(checker.report)
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

// Directories cannot be opened as files on Windows; the rename is durable there
// once the file system journals it.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

impl Backend for RedbBackend {
    fn read(
        &self,
        f: &mut dyn FnMut(&dyn ReadTxn) -> Result<(), crate::Error>,
    ) -> Result<(), crate::Error> {
        let db = self.shared();
        let txn = Txn {
            txn: db.begin_read().map_err(StorageError::from)?,
            damaged: false,
        };
        f(&txn)
    }

    fn write(
        &self,
        f: &mut dyn FnMut(&mut dyn WriteTxn) -> Result<(), crate::Error>,
    ) -> Result<(), crate::Error> {
        let db = self.shared();
        let mut txn = Txn {
            txn: db.begin_write().map_err(StorageError::from)?,
            damaged: false,
        };
        let outcome = f(&mut txn);
        finish(txn, outcome)
    }
}

/// Commits when the closure succeeded and every change it made completed; aborts otherwise.
fn finish(
    txn: Txn<WriteTransaction>,
    outcome: Result<(), crate::Error>,
) -> Result<(), crate::Error> {
    match outcome {
        Ok(()) if !txn.damaged => {
            txn.txn.commit().map_err(StorageError::from)?;
            Ok(())
        }
        Ok(()) => {
            // The closure swallowed the error of a change that stopped
            // half-way; committing would store a row without its index.
            abort(txn.txn);
            Err(
                StorageError::Backend("a change failed part-way, so nothing was saved".to_owned())
                    .into(),
            )
        }
        Err(e) => {
            abort(txn.txn);
            Err(e)
        }
    }
}

// The caller's error is the one worth reporting; an abort that fails leaves
// nothing committed either, and redb discards the transaction on drop.
fn abort(txn: WriteTransaction) {
    let _ = txn.abort();
}

/// Opens tables of a read or a write transaction, so reading is written once.
pub(crate) trait Tables {
    /// The open table type.
    type Open<'a, K: Key + 'static, V: Value + 'static>: ReadableTable<K, V>
    where
        Self: 'a;
    /// Opens `table`.
    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        table: &Def<K, V>,
    ) -> Result<Self::Open<'_, K, V>, StorageError>;
}

impl Tables for ReadTransaction {
    type Open<'a, K: Key + 'static, V: Value + 'static> = ReadOnlyTable<K, V>;
    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        table: &Def<K, V>,
    ) -> Result<ReadOnlyTable<K, V>, StorageError> {
        Ok(self.open_table(table.def)?)
    }
}

impl Tables for WriteTransaction {
    type Open<'a, K: Key + 'static, V: Value + 'static> = redb::Table<'a, K, V>;
    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        table: &Def<K, V>,
    ) -> Result<redb::Table<'_, K, V>, StorageError> {
        Ok(self.open_table(table.def)?)
    }
}

/// A transaction seen through the storage traits.
struct Txn<T> {
    txn: T,
    /// A change failed after it had begun writing: the transaction must not commit.
    damaged: bool,
}

type Rec = &'static [u8];

impl<T: Tables> Txn<T> {
    fn lookup<'k, K: Key + 'static, V: Value + 'static, R>(
        &self,
        table: &Def<K, V>,
        key: K::SelfType<'k>,
        read: impl for<'v> FnOnce(V::SelfType<'v>) -> R,
    ) -> Result<Option<R>, StorageError> {
        let open = self.txn.open(table)?;
        let found = open.get(key)?;
        Ok(found.map(|guard| read(guard.value())))
    }

    fn record<'k, K: Key + 'static, R: DeserializeOwned>(
        &self,
        table: &Def<K, Rec>,
        key: K::SelfType<'k>,
    ) -> Result<Option<R>, StorageError> {
        self.lookup(table, key, |bytes: &[u8]| decode(table.name, bytes))?
            .transpose()
    }

    /// A record an index names: a missing row is damage, reported rather than hidden.
    fn indexed<'k, K: Key + 'static, R: DeserializeOwned>(
        &self,
        index: &'static str,
        table: &Def<K, Rec>,
        key: K::SelfType<'k>,
        shown: &str,
    ) -> Result<R, StorageError> {
        self.record(table, key)?
            .ok_or_else(|| StorageError::Decode {
                table: index,
                message: format!("names {shown}, which is not in {}", table.name),
            })
    }

    fn all<K: Key + 'static, R: DeserializeOwned>(
        &self,
        table: &Def<K, Rec>,
    ) -> Result<Vec<R>, StorageError> {
        let open = self.txn.open(table)?;
        let mut out = Vec::new();
        for entry in open.iter()? {
            let (_, value) = entry?;
            out.push(decode(table.name, value.value())?);
        }
        Ok(out)
    }

    /// Ids of up to `limit` rows of a `(created_at, id)` index, newest first, after `after`.
    fn newest_first(
        &self,
        index: &Def<(i64, &'static str), ()>,
        after: Option<&RowKey>,
        limit: usize,
    ) -> Result<Vec<String>, StorageError> {
        let open = self.txn.open(index)?;
        let range = match after {
            Some(key) => open.range(..(key.created_at.0, key.id.as_str()))?,
            None => open.range::<(i64, &str)>(..)?,
        };
        let mut ids = Vec::new();
        for entry in range.rev().take(limit) {
            ids.push(entry?.0.value().1.to_owned());
        }
        Ok(ids)
    }

    /// The same for the rows under `first` of a `(first, created_at, id)` index.
    fn newest_first_under(
        &self,
        index: &Def<(&'static str, i64, &'static str), ()>,
        first: &str,
        after: Option<&RowKey>,
        limit: usize,
    ) -> Result<Vec<String>, StorageError> {
        let open = self.txn.open(index)?;
        // No id or status holds a NUL, so `first` + NUL sorts after every key under `first`.
        let past = format!("{first}\0");
        let range = match after {
            Some(key) => open.range((first, i64::MIN, "")..(first, key.created_at.0, key.id.as_str()))?,
            None => open.range((first, i64::MIN, "")..(past.as_str(), i64::MIN, ""))?,
        };
        let mut ids = Vec::new();
        for entry in range.rev().take(limit) {
            ids.push(entry?.0.value().2.to_owned());
        }
        Ok(ids)
    }

    /// The records `ids` name in `table`, in that order; a missing one is damage to `index`.
    fn named<R: DeserializeOwned>(
        &self,
        index: &'static str,
        table: &Def<&'static str, Rec>,
        ids: &[String],
    ) -> Result<Vec<R>, StorageError> {
        ids.iter().map(|id| self.indexed(index, table, id, id)).collect()
    }

    /// The `(second, count)` of every key `(first, _)` of a pair-keyed counter table.
    fn with_first_counted(
        &self,
        table: &Def<(&'static str, u32), u64>,
        first: &str,
        mut each: impl FnMut(u32, u64),
    ) -> Result<(), StorageError> {
        let open = self.txn.open(table)?;
        for entry in open.range((first, 0u32)..)? {
            let (key, value) = entry?;
            let (a, b) = key.value();
            if a != first {
                break;
            }
            each(b, value.value());
        }
        Ok(())
    }

    /// Second parts of the keys `(first, _)` of a pair-keyed index.
    fn with_first<'k, B: Key + 'static>(
        &self,
        index: &Def<(&'static str, B), ()>,
        first: &'k str,
        least: B::SelfType<'k>,
        mut each: impl for<'v> FnMut(B::SelfType<'v>),
    ) -> Result<(), StorageError> {
        let open = self.txn.open(index)?;
        for entry in open.range((first, least)..)? {
            let (key, _) = entry?;
            let (a, b) = key.value();
            if a != first {
                break;
            }
            each(b);
        }
        Ok(())
    }
}

impl<T: Tables> ReadTxn for Txn<T> {
    fn settings(&self) -> Result<Settings, StorageError> {
        Ok(self.record(&SETTINGS, SETTINGS_KEY)?.unwrap_or_default())
    }

    fn user(&self, id: &str) -> Result<Option<User>, StorageError> {
        self.record(&USERS, id)
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>, StorageError> {
        match self.lookup(&USERS_BY_EMAIL, email, str::to_owned)? {
            Some(id) => self
                .indexed(USERS_BY_EMAIL.name, &USERS, &id, &id)
                .map(Some),
            None => Ok(None),
        }
    }

    fn users(&self) -> Result<Vec<User>, StorageError> {
        self.all(&USERS)
    }

    fn api_key_by_hash(&self, hash: &Digest) -> Result<Option<ApiKey>, StorageError> {
        match self.lookup(&API_KEYS_BY_HASH, hash, str::to_owned)? {
            Some(id) => self
                .indexed(API_KEYS_BY_HASH.name, &API_KEYS, &id, &id)
                .map(Some),
            None => Ok(None),
        }
    }

    fn api_keys(&self) -> Result<Vec<ApiKey>, StorageError> {
        self.all(&API_KEYS)
    }

    fn staff_session(&self, hash: &Digest) -> Result<Option<StaffSession>, StorageError> {
        self.record(&STAFF_SESSIONS, hash)
    }

    fn staff_sessions(&self) -> Result<Vec<StaffSession>, StorageError> {
        self.all(&STAFF_SESSIONS)
    }

    fn template(&self, id: &str) -> Result<Option<TemplateRecord>, StorageError> {
        self.record(&TEMPLATES, id)
    }

    fn templates(&self) -> Result<Vec<TemplateRecord>, StorageError> {
        self.all(&TEMPLATES)
    }

    fn template_definition(&self, id: &str, version: u32) -> Result<Option<String>, StorageError> {
        self.lookup(&TEMPLATE_DEFINITIONS, (id, version), str::to_owned)
    }

    fn work_items_of_template(&self, template_id: &str) -> Result<u64, StorageError> {
        Ok(self.lookup(&WORK_ITEMS_PER_TEMPLATE, template_id, |n: u64| n)?.unwrap_or(0))
    }

    fn pin_counts(&self, template_id: &str) -> Result<Vec<(u32, u64)>, StorageError> {
        let mut out = Vec::new();
        self.with_first_counted(&INTERVIEWS_PER_VERSION, template_id, |version, n| out.push((version, n)))?;
        Ok(out)
    }

    fn interviews_of_template(
        &self,
        template_id: &str,
        version: Option<u32>,
        after: Option<&PinKey>,
        limit: usize,
    ) -> Result<Vec<(PinKey, Interview)>, StorageError> {
        let open = self.txn.open(&INTERVIEWS_BY_TEMPLATE)?;
        // No id holds a NUL, so `template_id` + NUL sorts after every key under it.
        let past = format!("{template_id}\0");
        let low = (template_id, version.unwrap_or(0), i64::MIN, "");
        let end = match version {
            Some(v) if v < u32::MAX => (template_id, v + 1, i64::MIN, ""),
            _ => (past.as_str(), 0, i64::MIN, ""),
        };
        let high = match after {
            Some(key) => end.min((template_id, key.version, key.created_at.0, key.id.as_str())),
            None => end,
        };
        let mut keys = Vec::new();
        if low < high {
            for entry in open.range(low..high)?.rev().take(limit) {
                let entry = entry?;
                let (_, version, at, id) = entry.0.value();
                keys.push(PinKey { version, created_at: Timestamp(at), id: id.to_owned() });
            }
        }
        keys.into_iter()
            .map(|key| {
                let interview = self.indexed(INTERVIEWS_BY_TEMPLATE.name, &INTERVIEWS, &key.id, &key.id)?;
                Ok((key, interview))
            })
            .collect()
    }

    fn client(&self, id: &str) -> Result<Option<Client>, StorageError> {
        self.record(&CLIENTS, id)
    }

    fn clients(&self) -> Result<Vec<Client>, StorageError> {
        self.all(&CLIENTS)
    }

    fn clients_page(&self, after: Option<&RowKey>, limit: usize) -> Result<Vec<Client>, StorageError> {
        let ids = self.newest_first(&CLIENTS_BY_CREATED, after, limit)?;
        self.named(CLIENTS_BY_CREATED.name, &CLIENTS, &ids)
    }

    fn work_item(&self, id: &str) -> Result<Option<WorkItem>, StorageError> {
        self.record(&WORK_ITEMS, id)
    }

    fn work_items(&self) -> Result<Vec<WorkItem>, StorageError> {
        let mut ids = Vec::new();
        {
            let index = self.txn.open(&WORK_ITEMS_BY_CREATED)?;
            for entry in index.iter()? {
                ids.push(entry?.0.value().1.to_owned());
            }
        }
        ids.iter()
            .map(|id| self.indexed(WORK_ITEMS_BY_CREATED.name, &WORK_ITEMS, id, id))
            .collect()
    }

    fn work_items_page(
        &self,
        by: WorkItemsBy<'_>,
        after: Option<&RowKey>,
        limit: usize,
    ) -> Result<Vec<WorkItem>, StorageError> {
        let (index, ids) = match by {
            WorkItemsBy::All => (
                WORK_ITEMS_BY_CREATED.name,
                self.newest_first(&WORK_ITEMS_BY_CREATED, after, limit)?,
            ),
            WorkItemsBy::Status(status) => (
                WORK_ITEMS_BY_STATUS.name,
                self.newest_first_under(&WORK_ITEMS_BY_STATUS, status.as_str(), after, limit)?,
            ),
            WorkItemsBy::WorkGroup(group) => (
                WORK_ITEMS_BY_GROUP.name,
                self.newest_first_under(&WORK_ITEMS_BY_GROUP, group, after, limit)?,
            ),
            WorkItemsBy::Client(client) => (
                WORK_ITEMS_BY_CLIENT.name,
                self.newest_first_under(&WORK_ITEMS_BY_CLIENT, client, after, limit)?,
            ),
        };
        self.named(index, &WORK_ITEMS, &ids)
    }

    fn work_group(&self, id: &str) -> Result<Option<WorkGroup>, StorageError> {
        self.record(&WORK_GROUPS, id)
    }

    fn work_group_by_name(&self, name: &str) -> Result<Option<WorkGroup>, StorageError> {
        let key = WorkGroup::name_key(name);
        match self.lookup(&WORK_GROUPS_BY_NAME, key.as_str(), str::to_owned)? {
            Some(id) => self
                .indexed(WORK_GROUPS_BY_NAME.name, &WORK_GROUPS, &id, &id)
                .map(Some),
            None => Ok(None),
        }
    }

    fn work_groups(&self) -> Result<Vec<WorkGroup>, StorageError> {
        self.all(&WORK_GROUPS)
    }

    fn interview(&self, id: &str) -> Result<Option<Interview>, StorageError> {
        self.record(&INTERVIEWS, id)
    }

    fn interview_by_token(&self, hash: &Digest) -> Result<Option<Interview>, StorageError> {
        match self.lookup(&INTERVIEWS_BY_TOKEN, hash, str::to_owned)? {
            Some(id) => self
                .indexed(INTERVIEWS_BY_TOKEN.name, &INTERVIEWS, &id, &id)
                .map(Some),
            None => Ok(None),
        }
    }

    fn interviews_expiring(&self, until: Timestamp, limit: usize) -> Result<Vec<Interview>, StorageError> {
        let mut ids = Vec::new();
        {
            let index = self.txn.open(&INTERVIEWS_BY_EXPIRY)?;
            // Every key at `until` sorts before (until + 1, "").
            let due = match until.0.checked_add(1) {
                Some(after) => index.range(..(after, ""))?,
                None => index.range::<(i64, &str)>(..)?,
            };
            for entry in due.take(limit) {
                ids.push(entry?.0.value().1.to_owned());
            }
        }
        self.named(INTERVIEWS_BY_EXPIRY.name, &INTERVIEWS, &ids)
    }

    fn client_session(&self, hash: &Digest) -> Result<Option<ClientSession>, StorageError> {
        self.record(&CLIENT_SESSIONS, hash)
    }

    fn file(&self, id: &str) -> Result<Option<FileRecord>, StorageError> {
        self.record(&FILES, id)
    }

    fn files_of_interview(&self, interview_id: &str) -> Result<Vec<FileRecord>, StorageError> {
        let mut ids = Vec::new();
        self.with_first(&FILES_BY_INTERVIEW, interview_id, "", |id: &str| {
            ids.push(id.to_owned())
        })?;
        ids.iter()
            .map(|id| self.indexed(FILES_BY_INTERVIEW.name, &FILES, id, id))
            .collect()
    }

    fn sha256_in_use(&self, sha256: &str) -> Result<bool, StorageError> {
        let mut found = false;
        self.with_first(&FILES_BY_SHA256, sha256, "", |_: &str| found = true)?;
        Ok(found)
    }

    fn audit(&self, work_item_id: &str) -> Result<Vec<AuditEvent>, StorageError> {
        let open = self.txn.open(&AUDIT)?;
        let mut out = Vec::new();
        for entry in open.range((work_item_id, 0u64)..=(work_item_id, u64::MAX))? {
            let (_, value) = entry?;
            out.push(decode(AUDIT.name, value.value())?);
        }
        Ok(out)
    }

    fn audit_page(
        &self,
        work_item_id: &str,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<(u64, AuditEvent)>, StorageError> {
        let open = self.txn.open(&AUDIT)?;
        let range = match before {
            Some(seq) => open.range((work_item_id, 0u64)..(work_item_id, seq))?,
            None => open.range((work_item_id, 0u64)..=(work_item_id, u64::MAX))?,
        };
        let mut out = Vec::new();
        for entry in range.rev().take(limit) {
            let (key, value) = entry?;
            out.push((key.value().1, decode(AUDIT.name, value.value())?));
        }
        Ok(out)
    }

    fn outbox_entry(&self, id: &str) -> Result<Option<OutboxEntry>, StorageError> {
        self.record(&OUTBOX, id)
    }

    fn outbox_page(&self, after: Option<&RowKey>, limit: usize) -> Result<Vec<OutboxEntry>, StorageError> {
        let ids = self.newest_first(&OUTBOX_BY_CREATED, after, limit)?;
        self.named(OUTBOX_BY_CREATED.name, &OUTBOX, &ids)
    }

    fn outbox_due(&self, now: Timestamp) -> Result<Vec<OutboxEntry>, StorageError> {
        let mut ids = Vec::new();
        {
            let index = self.txn.open(&OUTBOX_DUE)?;
            // Every key at `now` sorts before (now + 1, "").
            let due = match now.0.checked_add(1) {
                Some(after) => index.range(..(after, ""))?,
                None => index.iter()?,
            };
            for entry in due {
                ids.push(entry?.0.value().1.to_owned());
            }
        }
        ids.iter()
            .map(|id| self.indexed(OUTBOX_DUE.name, &OUTBOX, id, id))
            .collect()
    }
}

impl Txn<WriteTransaction> {
    /// Runs a change that writes; if it fails part-way the transaction is
    /// marked so it cannot commit (see [`Backend::write`]).
    fn change(
        &mut self,
        f: impl FnOnce(&WriteTransaction) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        let result = f(&self.txn);
        if result.is_err() {
            self.damaged = true;
        }
        result
    }

    /// Refuses to point `index[key]` at `id` when it already names another row.
    fn claim<'k, K: Key + 'static>(
        &self,
        index: &Def<K, &'static str>,
        key: K::SelfType<'k>,
        id: &str,
        what: &str,
    ) -> Result<(), StorageError> {
        match self.lookup(index, key, str::to_owned)? {
            Some(owner) if owner != id => Err(StorageError::Backend(format!(
                "{what} already belongs to {owner}; not given to {id}"
            ))),
            _ => Ok(()),
        }
    }
}

/// Adds `by` (1 or -1) to the counter at `key`; a counter at 0 is removed, so
/// every stored one counts something.
fn add_to<'k, K: Key + 'static>(
    table: &mut redb::Table<'_, K, u64>,
    key: K::SelfType<'k>,
    by: i64,
) -> Result<(), StorageError>
where
    K::SelfType<'k>: Clone,
{
    let now = table.get(key.clone())?.map(|v| v.value()).unwrap_or(0);
    let next = now.checked_add_signed(by).ok_or_else(|| StorageError::Backend(format!("a count went out of range: {now} + {by}")))?;
    if next == 0 {
        table.remove(key)?;
    } else {
        table.insert(key, next)?;
    }
    Ok(())
}

fn put<'k, K: Key + 'static, R: Serialize>(
    txn: &WriteTransaction,
    table: &Def<K, Rec>,
    key: K::SelfType<'k>,
    record: &R,
) -> Result<(), StorageError> {
    let bytes = encode(record)?;
    txn.open_table(table.def)?.insert(key, bytes.as_slice())?;
    Ok(())
}

impl WriteTxn for Txn<WriteTransaction> {
    fn put_settings(&mut self, settings: &Settings) -> Result<(), StorageError> {
        self.change(|txn| put(txn, &SETTINGS, SETTINGS_KEY, settings))
    }

    fn put_user(&mut self, user: &User) -> Result<(), StorageError> {
        let old: Option<User> = self.record(&USERS, &user.id)?;
        self.claim(&USERS_BY_EMAIL, &user.email, &user.id, "the email address")?;
        self.change(|txn| {
            let mut index = txn.open_table(USERS_BY_EMAIL.def)?;
            if let Some(old) = old.filter(|old| old.email != user.email) {
                index.remove(old.email.as_str())?;
            }
            index.insert(user.email.as_str(), user.id.as_str())?;
            put(txn, &USERS, &user.id, user)
        })
    }

    fn put_api_key(&mut self, key: &ApiKey) -> Result<(), StorageError> {
        let old: Option<ApiKey> = self.record(&API_KEYS, &key.id)?;
        self.claim(&API_KEYS_BY_HASH, &key.key_hash, &key.id, "the key hash")?;
        self.change(|txn| {
            let mut index = txn.open_table(API_KEYS_BY_HASH.def)?;
            if let Some(old) = old.filter(|old| old.key_hash != key.key_hash) {
                index.remove(&old.key_hash)?;
            }
            index.insert(&key.key_hash, key.id.as_str())?;
            put(txn, &API_KEYS, &key.id, key)
        })
    }

    fn put_staff_session(&mut self, session: &StaffSession) -> Result<(), StorageError> {
        self.change(|txn| put(txn, &STAFF_SESSIONS, &session.token_hash, session))
    }

    fn delete_staff_session(&mut self, hash: &Digest) -> Result<(), StorageError> {
        self.change(|txn| {
            txn.open_table(STAFF_SESSIONS.def)?.remove(hash)?;
            Ok(())
        })
    }

    fn put_template(&mut self, template: &TemplateRecord) -> Result<(), StorageError> {
        self.change(|txn| put(txn, &TEMPLATES, &template.id, template))
    }

    fn put_template_definition(
        &mut self,
        id: &str,
        version: u32,
        definition: &str,
    ) -> Result<(), StorageError> {
        if self
            .lookup(&TEMPLATE_DEFINITIONS, (id, version), |_: &str| ())?
            .is_some()
        {
            return Err(StorageError::Backend(format!(
                "version {version} of template {id} is already stored; versions are immutable"
            )));
        }
        self.change(|txn| {
            txn.open_table(TEMPLATE_DEFINITIONS.def)?
                .insert((id, version), definition)?;
            Ok(())
        })
    }

    fn put_client(&mut self, client: &Client) -> Result<(), StorageError> {
        let old: Option<Client> = self.record(&CLIENTS, &client.id)?;
        self.change(|txn| {
            let mut index = txn.open_table(CLIENTS_BY_CREATED.def)?;
            if let Some(old) = old.filter(|old| old.created_at != client.created_at) {
                index.remove((old.created_at.0, client.id.as_str()))?;
            }
            index.insert((client.created_at.0, client.id.as_str()), ())?;
            put(txn, &CLIENTS, &client.id, client)
        })
    }

    fn put_work_item(&mut self, item: &WorkItem) -> Result<(), StorageError> {
        let old: Option<WorkItem> = self.record(&WORK_ITEMS, &item.id)?;
        self.change(|txn| {
            let id = item.id.as_str();
            let at = item.created_at.0;
            let mut by_created = txn.open_table(WORK_ITEMS_BY_CREATED.def)?;
            let mut by_status = txn.open_table(WORK_ITEMS_BY_STATUS.def)?;
            let mut by_group = txn.open_table(WORK_ITEMS_BY_GROUP.def)?;
            let mut by_client = txn.open_table(WORK_ITEMS_BY_CLIENT.def)?;
            if let Some(old) = &old {
                let old_at = old.created_at.0;
                if old_at != at {
                    by_created.remove((old_at, id))?;
                }
                by_status.remove((old.status.as_str(), old_at, id))?;
                if let Some(group) = &old.work_group_id {
                    by_group.remove((group.as_str(), old_at, id))?;
                }
                if let Some(client) = &old.client_id {
                    by_client.remove((client.as_str(), old_at, id))?;
                }
            }
            by_created.insert((at, id), ())?;
            by_status.insert((item.status.as_str(), at, id), ())?;
            if let Some(group) = &item.work_group_id {
                by_group.insert((group.as_str(), at, id), ())?;
            }
            if let Some(client) = &item.client_id {
                by_client.insert((client.as_str(), at, id), ())?;
            }
            let old_template = old.as_ref().map(|o| o.template_id.as_str());
            if old_template != Some(item.template_id.as_str()) {
                let mut per_template = txn.open_table(WORK_ITEMS_PER_TEMPLATE.def)?;
                if let Some(template) = old_template {
                    add_to(&mut per_template, template, -1)?;
                }
                add_to(&mut per_template, item.template_id.as_str(), 1)?;
            }
            put(txn, &WORK_ITEMS, id, item)
        })
    }

    fn put_work_group(&mut self, group: &WorkGroup) -> Result<(), StorageError> {
        let old: Option<WorkGroup> = self.record(&WORK_GROUPS, &group.id)?;
        let key = WorkGroup::name_key(&group.name);
        self.claim(&WORK_GROUPS_BY_NAME, key.as_str(), &group.id, "the work group name")?;
        self.change(|txn| {
            let mut index = txn.open_table(WORK_GROUPS_BY_NAME.def)?;
            if let Some(old) = old {
                let old_key = WorkGroup::name_key(&old.name);
                if old_key != key {
                    index.remove(old_key.as_str())?;
                }
            }
            index.insert(key.as_str(), group.id.as_str())?;
            put(txn, &WORK_GROUPS, &group.id, group)
        })
    }

    fn put_interview(&mut self, interview: &Interview) -> Result<(), StorageError> {
        let old: Option<Interview> = self.record(&INTERVIEWS, &interview.id)?;
        self.claim(
            &INTERVIEWS_BY_TOKEN,
            &interview.token_hash,
            &interview.id,
            "the link token",
        )?;
        let id = interview.id.as_str();
        let old_expiry = old.as_ref().and_then(crate::domain::expiry::expires_at);
        let new_expiry = crate::domain::expiry::expires_at(interview);
        let old_pins: Vec<(String, u32, i64)> = old
            .as_ref()
            .map(|o| schema::pin_keys(o).into_iter().map(|(t, v)| (t.to_owned(), v, o.created_at.0)).collect())
            .unwrap_or_default();
        let new_pins: Vec<(String, u32, i64)> =
            schema::pin_keys(interview).into_iter().map(|(t, v)| (t.to_owned(), v, interview.created_at.0)).collect();
        self.change(|txn| {
            if old_pins != new_pins {
                let mut by_template = txn.open_table(INTERVIEWS_BY_TEMPLATE.def)?;
                let mut per_version = txn.open_table(INTERVIEWS_PER_VERSION.def)?;
                for (template, version, at) in old_pins.iter().filter(|p| !new_pins.contains(p)) {
                    if by_template.remove((template.as_str(), *version, *at, id))?.is_some() {
                        add_to(&mut per_version, (template.as_str(), *version), -1)?;
                    }
                }
                for (template, version, at) in new_pins.iter().filter(|p| !old_pins.contains(p)) {
                    if by_template.insert((template.as_str(), *version, *at, id), ())?.is_none() {
                        add_to(&mut per_version, (template.as_str(), *version), 1)?;
                    }
                }
            }
            let mut index = txn.open_table(INTERVIEWS_BY_TOKEN.def)?;
            if let Some(old) = old.filter(|old| old.token_hash != interview.token_hash) {
                index.remove(&old.token_hash)?;
            }
            index.insert(&interview.token_hash, id)?;
            if old_expiry != new_expiry {
                let mut by_expiry = txn.open_table(INTERVIEWS_BY_EXPIRY.def)?;
                if let Some(at) = old_expiry {
                    by_expiry.remove((at.0, id))?;
                }
                if let Some(at) = new_expiry {
                    by_expiry.insert((at.0, id), ())?;
                }
            }
            put(txn, &INTERVIEWS, id, interview)
        })
    }

    fn put_client_session(&mut self, session: &ClientSession) -> Result<(), StorageError> {
        let old: Option<ClientSession> = self.record(&CLIENT_SESSIONS, &session.token_hash)?;
        self.change(|txn| {
            let mut index = txn.open_table(CLIENT_SESSIONS_BY_INTERVIEW.def)?;
            if let Some(old) = old.filter(|old| old.interview_id != session.interview_id) {
                index.remove((old.interview_id.as_str(), &session.token_hash))?;
            }
            index.insert((session.interview_id.as_str(), &session.token_hash), ())?;
            put(txn, &CLIENT_SESSIONS, &session.token_hash, session)
        })
    }

    fn delete_client_sessions_of(&mut self, interview_id: &str) -> Result<(), StorageError> {
        let mut hashes: Vec<Digest> = Vec::new();
        self.with_first(
            &CLIENT_SESSIONS_BY_INTERVIEW,
            interview_id,
            &[0; 32],
            |hash: &[u8; 32]| hashes.push(*hash),
        )?;
        self.change(|txn| {
            let mut index = txn.open_table(CLIENT_SESSIONS_BY_INTERVIEW.def)?;
            let mut sessions = txn.open_table(CLIENT_SESSIONS.def)?;
            for hash in &hashes {
                index.remove((interview_id, hash))?;
                sessions.remove(hash)?;
            }
            Ok(())
        })
    }

    fn put_file(&mut self, file: &FileRecord) -> Result<(), StorageError> {
        let old: Option<FileRecord> = self.record(&FILES, &file.id)?;
        self.change(|txn| {
            let id = file.id.as_str();
            let mut by_interview = txn.open_table(FILES_BY_INTERVIEW.def)?;
            let mut by_sha = txn.open_table(FILES_BY_SHA256.def)?;
            if let Some(old) = &old {
                if old.interview_id != file.interview_id {
                    by_interview.remove((old.interview_id.as_str(), id))?;
                }
                if old.sha256 != file.sha256 {
                    by_sha.remove((old.sha256.as_str(), id))?;
                }
            }
            by_interview.insert((file.interview_id.as_str(), id), ())?;
            by_sha.insert((file.sha256.as_str(), id), ())?;
            put(txn, &FILES, id, file)
        })
    }

    fn delete_file(&mut self, id: &str) -> Result<(), StorageError> {
        let Some(old) = self.record::<_, FileRecord>(&FILES, id)? else {
            return Ok(());
        };
        self.change(|txn| {
            txn.open_table(FILES_BY_INTERVIEW.def)?
                .remove((old.interview_id.as_str(), id))?;
            txn.open_table(FILES_BY_SHA256.def)?
                .remove((old.sha256.as_str(), id))?;
            txn.open_table(FILES.def)?.remove(id)?;
            Ok(())
        })
    }

    fn append_audit(&mut self, event: &AuditEvent) -> Result<(), StorageError> {
        let bytes = encode(event)?;
        self.change(|txn| {
            let id = event.work_item_id.as_str();
            let mut table = txn.open_table(AUDIT.def)?;
            let last = match table.range((id, 0u64)..=(id, u64::MAX))?.next_back() {
                Some(entry) => entry?.0.value().1,
                None => 0,
            };
            let seq = last
                .checked_add(1)
                .ok_or_else(|| StorageError::Backend(format!("the audit log of {id} is full")))?;
            table.insert((id, seq), bytes.as_slice())?;
            Ok(())
        })
    }

    fn put_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StorageError> {
        let old: Option<OutboxEntry> = self.record(&OUTBOX, &entry.id)?;
        let old_created = old.as_ref().map(|o| o.created_at);
        self.change(|txn| {
            let id = entry.id.as_str();
            let mut due = txn.open_table(OUTBOX_DUE.def)?;
            if let Some(old) = old.filter(|old| old.delivered_at.is_none()) {
                due.remove((old.next_attempt_at.0, id))?;
            }
            if entry.delivered_at.is_none() {
                due.insert((entry.next_attempt_at.0, id), ())?;
            }
            let mut by_created = txn.open_table(OUTBOX_BY_CREATED.def)?;
            if let Some(old) = old_created.filter(|at| *at != entry.created_at) {
                by_created.remove((old.0, id))?;
            }
            by_created.insert((entry.created_at.0, id), ())?;
            put(txn, &OUTBOX, id, entry)
        })
    }
}

/// Walks every table for `check`, collecting problems instead of stopping at the first.
struct Checker<'t> {
    txn: &'t ReadTransaction,
    report: CheckReport,
}

impl Checker<'_> {
    fn problem(&mut self, text: String) {
        self.report.problems.push(text);
    }

    /// Decodes every row of `table`, passing `(key, record)` on; undecodable rows become problems.
    fn rows<K: Key + 'static, R: DeserializeOwned>(
        &mut self,
        table: &Def<K, Rec>,
        key_text: impl for<'v> Fn(K::SelfType<'v>) -> String,
        mut each: impl FnMut(&mut Self, String, R),
    ) -> Result<(), StorageError> {
        let open = self.txn.open_table(table.def)?;
        let mut count = 0;
        for entry in open.iter()? {
            let (key, value) = entry?;
            count += 1;
            let key = key_text(key.value());
            match decode::<R>(table.name, value.value()) {
                Ok(record) => each(self, key, record),
                Err(e) => self.problem(format!("{}[{key}]: {e}", table.name)),
            }
        }
        self.report.rows.insert(table.name.to_owned(), count);
        Ok(())
    }

    /// Every entry of an index table, as text.
    fn entries<K: Key + 'static, V: Value + 'static, E>(
        &mut self,
        table: &Def<K, V>,
        read: impl for<'v> Fn(K::SelfType<'v>, V::SelfType<'v>) -> E,
    ) -> Result<Vec<E>, StorageError> {
        let open = self.txn.open_table(table.def)?;
        let mut out = Vec::new();
        for entry in open.iter()? {
            let (key, value) = entry?;
            out.push(read(key.value(), value.value()));
        }
        self.report
            .rows
            .insert(table.name.to_owned(), out.len() as u64);
        Ok(out)
    }

    /// Compares a one-to-one index with what the rows say it should hold.
    fn one_to_one(
        &mut self,
        index: &'static str,
        expected: HashMap<String, String>,
        found: Vec<(String, String)>,
    ) {
        let found: HashMap<String, String> = found.into_iter().collect();
        for (key, id) in &expected {
            match found.get(key) {
                Some(named) if named == id => {}
                Some(named) => self.problem(format!("{index}[{key}] names {named}, not {id}")),
                None => self.problem(format!("{index} lacks {key} (for {id})")),
            }
        }
        for (key, id) in &found {
            if !expected.contains_key(key) {
                self.problem(format!("{index}[{key}] names {id}, which has no such row"));
            }
        }
    }

    /// Compares a set index (keys only) with what the rows say it should hold.
    fn set(&mut self, index: &'static str, expected: HashSet<String>, found: Vec<String>) {
        let found: HashSet<String> = found.into_iter().collect();
        let mut missing: Vec<_> = expected.difference(&found).collect();
        let mut dangling: Vec<_> = found.difference(&expected).collect();
        missing.sort();
        dangling.sort();
        for key in missing {
            self.problem(format!("{index} lacks {key}"));
        }
        for key in dangling {
            self.problem(format!("{index} has {key}, which matches no row"));
        }
    }

    fn key_matches(&mut self, table: &str, key: &str, field: &str) {
        if key != field {
            self.problem(format!("{table}[{key}] holds the record of {field}"));
        }
    }

    fn run(&mut self) -> Result<(), StorageError> {
        let present: HashSet<String> = self
            .txn
            .list_tables()?
            .map(|t| redb::TableHandle::name(&t).to_owned())
            .collect();
        for name in TABLE_NAMES {
            if !present.contains(*name) {
                self.problem(format!("table {name} is missing"));
            }
        }
        if !TABLE_NAMES.iter().all(|name| present.contains(*name)) {
            return Ok(());
        }

        match self
            .txn
            .open_table(META.def)?
            .get(SCHEMA_VERSION_KEY)?
            .map(|v| v.value())
        {
            Some(SCHEMA_VERSION) => {}
            other => self.problem(format!(
                "schema version is {other:?}, expected {SCHEMA_VERSION}"
            )),
        }

        self.rows(&SETTINGS, str::to_owned, |_, _, _: Settings| {})?;

        let mut emails = HashMap::new();
        self.rows(&USERS, str::to_owned, |c, key, user: User| {
            c.key_matches(USERS.name, &key, &user.id);
            emails.insert(user.email, key);
        })?;
        let found = self.entries(&USERS_BY_EMAIL, |k, v| (k.to_owned(), v.to_owned()))?;
        self.one_to_one(USERS_BY_EMAIL.name, emails, found);

        let mut key_hashes = HashMap::new();
        self.rows(&API_KEYS, str::to_owned, |c, key, api: ApiKey| {
            c.key_matches(API_KEYS.name, &key, &api.id);
            key_hashes.insert(hex(&api.key_hash), key);
        })?;
        let found = self.entries(&API_KEYS_BY_HASH, |k, v| (hex(k), v.to_owned()))?;
        self.one_to_one(API_KEYS_BY_HASH.name, key_hashes, found);

        self.rows(
            &STAFF_SESSIONS,
            |k| hex(k),
            |c, key, s: StaffSession| {
                c.key_matches(STAFF_SESSIONS.name, &key, &hex(&s.token_hash));
            },
        )?;
        self.rows(&TEMPLATES, str::to_owned, |c, key, t: TemplateRecord| {
            c.key_matches(TEMPLATES.name, &key, &t.id)
        })?;
        let definitions = self.entries(&TEMPLATE_DEFINITIONS, |(id, version), text| {
            let parsed = serde_json::from_str::<serde::de::IgnoredAny>(text);
            (format!("({id}, {version})"), parsed.err())
        })?;
        for (key, error) in definitions {
            if let Some(e) = error {
                self.problem(format!(
                    "{}[{key}] is not JSON: {e}",
                    TEMPLATE_DEFINITIONS.name
                ));
            }
        }
        let mut clients_created = HashSet::new();
        self.rows(&CLIENTS, str::to_owned, |c, key, cl: Client| {
            c.key_matches(CLIENTS.name, &key, &cl.id);
            clients_created.insert(format!("({}, {key})", cl.created_at.0));
        })?;
        let found = self.entries(&CLIENTS_BY_CREATED, |(at, id), ()| format!("({at}, {id})"))?;
        self.set(CLIENTS_BY_CREATED.name, clients_created, found);

        let (mut names, mut groups) = (HashMap::new(), HashSet::new());
        self.rows(&WORK_GROUPS, str::to_owned, |c, key, group: WorkGroup| {
            c.key_matches(WORK_GROUPS.name, &key, &group.id);
            groups.insert(key.clone());
            let name = WorkGroup::name_key(&group.name);
            if let Some(other) = names.get(&name) {
                c.problem(format!(
                    "{}[{key}] has the name of {other}: {name}",
                    WORK_GROUPS.name
                ));
            } else {
                names.insert(name, key);
            }
        })?;
        let found = self.entries(&WORK_GROUPS_BY_NAME, |k, v| (k.to_owned(), v.to_owned()))?;
        self.one_to_one(WORK_GROUPS_BY_NAME.name, names, found);

        let (mut created, mut by_status, mut by_group) = (HashSet::new(), HashSet::new(), HashSet::new());
        let mut per_template: HashMap<String, u64> = HashMap::new();
        let mut by_client = HashSet::new();
        self.rows(&WORK_ITEMS, str::to_owned, |c, key, item: WorkItem| {
            c.key_matches(WORK_ITEMS.name, &key, &item.id);
            *per_template.entry(item.template_id.clone()).or_default() += 1;
            let at = item.created_at.0;
            created.insert(format!("({at}, {key})"));
            by_status.insert(format!("({}, {at}, {key})", item.status.as_str()));
            if let Some(group) = &item.work_group_id {
                by_group.insert(format!("({group}, {at}, {key})"));
            }
            if let Some(client) = &item.client_id {
                by_client.insert(format!("({client}, {at}, {key})"));
            }
            if let Some(group) = item.work_group_id.filter(|g| !groups.contains(g)) {
                c.problem(format!(
                    "{}[{key}] names work group {group}, which is not in {}",
                    WORK_ITEMS.name, WORK_GROUPS.name
                ));
            }
        })?;
        let found = self.entries(&WORK_ITEMS_BY_CREATED, |(at, id), ()| {
            format!("({at}, {id})")
        })?;
        self.set(WORK_ITEMS_BY_CREATED.name, created, found);
        let found = self.entries(&WORK_ITEMS_BY_STATUS, |(status, at, id), ()| {
            format!("({status}, {at}, {id})")
        })?;
        self.set(WORK_ITEMS_BY_STATUS.name, by_status, found);
        let found = self.entries(&WORK_ITEMS_BY_GROUP, |(group, at, id), ()| {
            format!("({group}, {at}, {id})")
        })?;
        self.set(WORK_ITEMS_BY_GROUP.name, by_group, found);
        let found = self.entries(&WORK_ITEMS_BY_CLIENT, |(client, at, id), ()| {
            format!("({client}, {at}, {id})")
        })?;
        self.set(WORK_ITEMS_BY_CLIENT.name, by_client, found);

        let (mut tokens, mut expiring) = (HashMap::new(), HashSet::new());
        self.rows(&INTERVIEWS, str::to_owned, |c, key, iv: Interview| {
            c.key_matches(INTERVIEWS.name, &key, &iv.id);
            if let Some(at) = crate::domain::expiry::expires_at(&iv) {
                expiring.insert(format!("({}, {key})", at.0));
            }
            tokens.insert(hex(&iv.token_hash), key);
        })?;
        let found = self.entries(&INTERVIEWS_BY_TOKEN, |k, v| (hex(k), v.to_owned()))?;
        self.one_to_one(INTERVIEWS_BY_TOKEN.name, tokens, found);
        let found = self.entries(&INTERVIEWS_BY_EXPIRY, |(at, id), ()| format!("({at}, {id})"))?;
        self.set(INTERVIEWS_BY_EXPIRY.name, expiring, found);
        let found = self.entries(&WORK_ITEMS_PER_TEMPLATE, |k, n| (k.to_owned(), n.to_string()))?;
        let expected = per_template.into_iter().map(|(k, n)| (k, n.to_string())).collect();
        self.one_to_one(WORK_ITEMS_PER_TEMPLATE.name, expected, found);
        let (mut pinned, mut pin_counts) = (HashSet::new(), HashMap::<String, u64>::new());
        self.rows(&INTERVIEWS, str::to_owned, |_, key, iv: Interview| {
            for (template, version) in schema::pin_keys(&iv) {
                pinned.insert(format!("({template}, {version}, {}, {key})", iv.created_at.0));
                *pin_counts.entry(format!("({template}, {version})")).or_default() += 1;
            }
        })?;
        let found = self.entries(&INTERVIEWS_BY_TEMPLATE, |(t, v, at, id), ()| format!("({t}, {v}, {at}, {id})"))?;
        self.set(INTERVIEWS_BY_TEMPLATE.name, pinned, found);
        let found = self.entries(&INTERVIEWS_PER_VERSION, |(t, v), n| (format!("({t}, {v})"), n.to_string()))?;
        let expected = pin_counts.into_iter().map(|(k, n)| (k, n.to_string())).collect();
        self.one_to_one(INTERVIEWS_PER_VERSION.name, expected, found);

        let mut sessions = HashSet::new();
        self.rows(
            &CLIENT_SESSIONS,
            |k| hex(k),
            |c, key, s: ClientSession| {
                c.key_matches(CLIENT_SESSIONS.name, &key, &hex(&s.token_hash));
                sessions.insert(format!("({}, {key})", s.interview_id));
            },
        )?;
        let found = self.entries(&CLIENT_SESSIONS_BY_INTERVIEW, |(iv, h), ()| {
            format!("({iv}, {})", hex(h))
        })?;
        self.set(CLIENT_SESSIONS_BY_INTERVIEW.name, sessions, found);

        let (mut by_interview, mut by_sha) = (HashSet::new(), HashSet::new());
        self.rows(&FILES, str::to_owned, |c, key, f: FileRecord| {
            c.key_matches(FILES.name, &key, &f.id);
            by_interview.insert(format!("({}, {key})", f.interview_id));
            by_sha.insert(format!("({}, {key})", f.sha256));
        })?;
        let found = self.entries(&FILES_BY_INTERVIEW, |(iv, id), ()| format!("({iv}, {id})"))?;
        self.set(FILES_BY_INTERVIEW.name, by_interview, found);
        let found = self.entries(&FILES_BY_SHA256, |(sha, id), ()| format!("({sha}, {id})"))?;
        self.set(FILES_BY_SHA256.name, by_sha, found);

        self.rows(
            &AUDIT,
            |(id, seq)| format!("({id}, {seq})"),
            |c, key, e: AuditEvent| {
                if !key.starts_with(&format!("({}, ", e.work_item_id)) {
                    c.problem(format!(
                        "{}[{key}] is an event of {}",
                        AUDIT.name, e.work_item_id
                    ));
                }
            },
        )?;

        let (mut due, mut by_created) = (HashSet::new(), HashSet::new());
        self.rows(&OUTBOX, str::to_owned, |c, key, o: OutboxEntry| {
            c.key_matches(OUTBOX.name, &key, &o.id);
            if o.delivered_at.is_none() {
                due.insert(format!("({}, {key})", o.next_attempt_at.0));
            }
            by_created.insert(format!("({}, {key})", o.created_at.0));
        })?;
        let found = self.entries(&OUTBOX_DUE, |(at, id), ()| format!("({at}, {id})"))?;
        self.set(OUTBOX_DUE.name, due, found);
        let found = self.entries(&OUTBOX_BY_CREATED, |(at, id), ()| format!("({at}, {id})"))?;
        self.set(OUTBOX_BY_CREATED.name, by_created, found);

        self.entries(&META, |_, _| ())?;
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testdata::*;

    fn backend() -> (tempfile::TempDir, RedbBackend) {
        let dir = tempfile::tempdir().unwrap();
        let backend = RedbBackend::open(&dir.path().join("db.redb")).unwrap();
        (dir, backend)
    }

    fn write<T>(
        b: &RedbBackend,
        f: impl FnOnce(&mut dyn WriteTxn) -> Result<T, StorageError>,
    ) -> T {
        let mut f = Some(f);
        let mut out = None;
        b.write(&mut |txn| {
            out = Some(f.take().unwrap()(txn)?);
            Ok(())
        })
        .unwrap();
        out.unwrap()
    }

    fn read<T>(b: &RedbBackend, f: impl FnOnce(&dyn ReadTxn) -> Result<T, StorageError>) -> T {
        let mut f = Some(f);
        let mut out = None;
        b.read(&mut |txn| {
            out = Some(f.take().unwrap()(txn)?);
            Ok(())
        })
        .unwrap();
        out.unwrap()
    }

    fn has_problem(report: &CheckReport, needle: &str) -> bool {
        report.problems.iter().any(|p| p.contains(needle))
    }

    fn assert_clean(b: &RedbBackend) {
        let report = b.check().unwrap();
        assert!(report.problems.is_empty(), "{:#?}", report.problems);
    }

    #[test]
    fn settings_default_until_saved() {
        let (_dir, b) = backend();
        assert_eq!(read(&b, |t| t.settings()), Settings::default());
        let changed = Settings {
            link_lifetime_secs: 60,
            ..Settings::default()
        };
        write(&b, |t| t.put_settings(&changed));
        assert_eq!(read(&b, |t| t.settings()), changed);
    }

    #[test]
    fn users_are_found_by_id_and_email_and_a_changed_email_moves_the_index() {
        let (_dir, b) = backend();
        let alice = user("usr_a", "alice@example.com");
        write(&b, |t| t.put_user(&alice));
        write(&b, |t| t.put_user(&user("usr_b", "bob@example.com")));
        assert_eq!(read(&b, |t| t.user("usr_a")), Some(alice.clone()));
        assert_eq!(
            read(&b, |t| t.user_by_email("alice@example.com")),
            Some(alice.clone())
        );
        assert_eq!(read(&b, |t| t.user("usr_x")), None);

        let renamed = User {
            email: "alice@new.example".into(),
            ..alice
        };
        write(&b, |t| t.put_user(&renamed));
        assert_eq!(read(&b, |t| t.user_by_email("alice@example.com")), None);
        assert_eq!(
            read(&b, |t| t.user_by_email("alice@new.example")),
            Some(renamed)
        );
        assert_eq!(read(&b, |t| t.users()).len(), 2);
        assert_clean(&b);
    }

    #[test]
    fn an_email_of_another_user_is_refused_and_nothing_changes() {
        let (_dir, b) = backend();
        write(&b, |t| t.put_user(&user("usr_a", "a@example.com")));
        let err = b
            .write(&mut |t| Ok(t.put_user(&user("usr_b", "a@example.com"))?))
            .unwrap_err();
        assert!(
            err.to_string().contains("already belongs to usr_a"),
            "{err}"
        );
        assert_eq!(read(&b, |t| t.user("usr_b")), None);
        assert_eq!(
            read(&b, |t| t.user_by_email("a@example.com")).map(|u| u.id),
            Some("usr_a".into())
        );
        assert_clean(&b);
    }

    #[test]
    fn api_keys_are_found_by_hash_and_a_new_hash_replaces_the_old() {
        let (_dir, b) = backend();
        let key = api_key("key_1", [1; 32]);
        write(&b, |t| t.put_api_key(&key));
        assert_eq!(read(&b, |t| t.api_key_by_hash(&[1; 32])), Some(key.clone()));
        let rotated = ApiKey {
            key_hash: [2; 32],
            ..key
        };
        write(&b, |t| t.put_api_key(&rotated));
        assert_eq!(read(&b, |t| t.api_key_by_hash(&[1; 32])), None);
        assert_eq!(
            read(&b, |t| t.api_key_by_hash(&[2; 32])),
            Some(rotated.clone())
        );
        assert_eq!(read(&b, |t| t.api_keys()), vec![rotated]);
        assert_clean(&b);
    }

    #[test]
    fn staff_sessions_are_put_and_deleted() {
        let (_dir, b) = backend();
        let s = staff_session([5; 32], "usr_a");
        write(&b, |t| t.put_staff_session(&s));
        assert_eq!(read(&b, |t| t.staff_session(&[5; 32])), Some(s.clone()));
        let other = staff_session([6; 32], "usr_b");
        write(&b, |t| t.put_staff_session(&other));
        assert_eq!(read(&b, |t| t.staff_sessions()), vec![s, other.clone()]);
        write(&b, |t| t.delete_staff_session(&[5; 32]));
        assert_eq!(read(&b, |t| t.staff_sessions()), vec![other]);
        assert_eq!(read(&b, |t| t.staff_session(&[5; 32])), None);
        // Deleting what is not there is not an error (a double sign-out).
        write(&b, |t| t.delete_staff_session(&[5; 32]));
    }

    #[test]
    fn templates_and_their_immutable_definitions() {
        let (_dir, b) = backend();
        let tpl = template("tpl_1", 10);
        write(&b, |t| {
            t.put_template(&tpl)?;
            t.put_template_definition("tpl_1", 1, "{\"v\":1}")
        });
        write(&b, |t| t.put_template_definition("tpl_1", 2, "{\"v\":2}"));
        assert_eq!(read(&b, |t| t.template("tpl_1")), Some(tpl.clone()));
        assert_eq!(read(&b, |t| t.templates()), vec![tpl]);
        assert_eq!(
            read(&b, |t| t.template_definition("tpl_1", 1)).as_deref(),
            Some("{\"v\":1}")
        );
        assert_eq!(
            read(&b, |t| t.template_definition("tpl_1", 2)).as_deref(),
            Some("{\"v\":2}")
        );
        assert_eq!(read(&b, |t| t.template_definition("tpl_1", 3)), None);
        assert_eq!(read(&b, |t| t.template_definition("tpl_2", 1)), None);

        let err = b
            .write(&mut |t| Ok(t.put_template_definition("tpl_1", 1, "{\"v\":\"changed\"}")?))
            .unwrap_err();
        assert!(err.to_string().contains("immutable"), "{err}");
        assert_eq!(
            read(&b, |t| t.template_definition("tpl_1", 1)).as_deref(),
            Some("{\"v\":1}")
        );
    }

    #[test]
    fn clients_are_put_and_listed() {
        let (_dir, b) = backend();
        write(&b, |t| t.put_client(&client("cli_b")));
        write(&b, |t| t.put_client(&client("cli_a")));
        let edited = Client {
            last_name: "Other".into(),
            ..client("cli_a")
        };
        write(&b, |t| t.put_client(&edited));
        assert_eq!(read(&b, |t| t.client("cli_a")), Some(edited));
        assert_eq!(read(&b, |t| t.clients()).len(), 2);
    }

    #[test]
    fn work_items_list_oldest_first_whatever_their_ids() {
        let (_dir, b) = backend();
        write(&b, |t| t.put_work_group(&work_group("wg_north", "North")));
        write(&b, |t| t.put_work_item(&work_item("wi_a", 300)));
        write(&b, |t| t.put_work_item(&work_item("wi_b", 100)));
        write(&b, |t| t.put_work_item(&work_item("wi_c", 200)));
        write(&b, |t| t.put_work_item(&work_item("wi_d", 200)));
        let ids = |b: &RedbBackend| {
            read(b, |t| t.work_items())
                .into_iter()
                .map(|w| w.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&b), ["wi_b", "wi_c", "wi_d", "wi_a"]);
        // A replaced row keeps one index entry, moved when its time changes.
        let updated = WorkItem {
            name: "renamed".into(),
            ..work_item("wi_a", 300)
        };
        write(&b, |t| t.put_work_item(&updated));
        write(&b, |t| t.put_work_item(&work_item("wi_b", 400)));
        assert_eq!(ids(&b), ["wi_c", "wi_d", "wi_a", "wi_b"]);
        assert_eq!(
            read(&b, |t| t.work_item("wi_a")).map(|w| w.name).as_deref(),
            Some("renamed")
        );
        assert_clean(&b);
    }

    #[test]
    fn work_groups_are_found_by_name_ignoring_case_and_a_rename_moves_the_index() {
        let (_dir, b) = backend();
        let north = work_group("wg_n", "North");
        write(&b, |t| {
            t.put_work_group(&north)?;
            t.put_work_group(&work_group("wg_s", "South"))
        });
        assert_eq!(read(&b, |t| t.work_group("wg_n")), Some(north.clone()));
        for spelling in ["North", "north", " NORTH "] {
            assert_eq!(
                read(&b, move |t| t.work_group_by_name(spelling)),
                Some(north.clone()),
                "{spelling}"
            );
        }
        assert_eq!(read(&b, |t| t.work_group_by_name("Nort")), None);
        assert_eq!(read(&b, |t| t.work_group("wg_x")), None);

        // A change of case keeps the one index entry; a new name moves it.
        let recased = WorkGroup {
            name: "NORTH".into(),
            ..north.clone()
        };
        write(&b, |t| t.put_work_group(&recased));
        assert_eq!(read(&b, |t| t.work_group_by_name("north")), Some(recased.clone()));
        let renamed = WorkGroup {
            name: "Northern".into(),
            description: None,
            ..recased
        };
        write(&b, |t| t.put_work_group(&renamed));
        assert_eq!(read(&b, |t| t.work_group_by_name("north")), None);
        assert_eq!(read(&b, |t| t.work_group_by_name("northern")), Some(renamed));
        assert_eq!(read(&b, |t| t.work_groups()).len(), 2);
        assert_clean(&b);
    }

    #[test]
    fn a_work_group_name_of_another_group_is_refused_in_any_case() {
        let (_dir, b) = backend();
        write(&b, |t| t.put_work_group(&work_group("wg_n", "North")));
        let err = b
            .write(&mut |t| Ok(t.put_work_group(&work_group("wg_m", "nORTH"))?))
            .unwrap_err();
        assert!(err.to_string().contains("already belongs to wg_n"), "{err}");
        assert_eq!(read(&b, |t| t.work_group("wg_m")), None);
        assert_eq!(
            read(&b, |t| t.work_group_by_name("north")).map(|g| g.id),
            Some("wg_n".into())
        );
        assert_clean(&b);
    }

    #[test]
    fn check_finds_work_group_index_problems_and_items_naming_missing_groups() {
        let (_dir, b) = backend();
        write(&b, |t| {
            t.put_work_group(&work_group("wg_north", "North"))?;
            t.put_work_group(&work_group("wg_south", "South"))?;
            t.put_work_item(&work_item("wi_1", 5))?;
            t.put_work_item(&WorkItem {
                work_group_id: Some("wg_gone".into()),
                ..work_item("wi_2", 6)
            })
        });
        {
            let db = b.shared();
            let txn = db.begin_write().unwrap();
            {
                let mut index = txn.open_table(WORK_GROUPS_BY_NAME.def).unwrap();
                index.remove("south").unwrap();
                index.insert("east", "wg_east").unwrap();
                index.insert("north", "wg_south").unwrap();
            }
            // A second group under a name already taken, written past `put_work_group`.
            let twin = crate::storage::codec::encode(&work_group("wg_twin", "NORTH")).unwrap();
            txn.open_table(WORK_GROUPS.def)
                .unwrap()
                .insert("wg_twin", twin.as_slice())
                .unwrap();
            txn.commit().unwrap();
        }
        let report = b.check().unwrap();
        let has = |needle: &str| has_problem(&report, needle);
        assert!(has("work_groups_by_name lacks south (for wg_south)"), "{:#?}", report.problems);
        assert!(has("work_groups_by_name[east] names wg_east, which has no such row"), "{:#?}", report.problems);
        assert!(has("work_groups_by_name[north] names wg_south, not wg_north"), "{:#?}", report.problems);
        assert!(has("work_groups[wg_twin] has the name of wg_north"), "{:#?}", report.problems);
        assert!(has("work_items[wi_2] names work group wg_gone"), "{:#?}", report.problems);
        assert_eq!(report.problems.len(), 5, "{:#?}", report.problems);
        assert_eq!(report.rows.get("work_groups"), Some(&3));
    }

    #[test]
    fn interviews_are_found_by_token_and_a_new_token_retires_the_old() {
        let (_dir, b) = backend();
        let iv = interview("iv_1", [1; 32]);
        write(&b, |t| t.put_interview(&iv));
        assert_eq!(
            read(&b, |t| t.interview_by_token(&[1; 32])),
            Some(iv.clone())
        );
        let relinked = Interview {
            token_hash: [2; 32],
            ..iv
        };
        write(&b, |t| t.put_interview(&relinked));
        assert_eq!(read(&b, |t| t.interview_by_token(&[1; 32])), None);
        assert_eq!(
            read(&b, |t| t.interview_by_token(&[2; 32])),
            Some(relinked.clone())
        );
        assert_eq!(read(&b, |t| t.interview("iv_1")), Some(relinked));
        let err = b
            .write(&mut |t| Ok(t.put_interview(&interview("iv_2", [2; 32]))?))
            .unwrap_err();
        assert!(err.to_string().contains("already belongs to iv_1"), "{err}");
        assert_clean(&b);
    }

    #[test]
    fn client_sessions_of_one_interview_are_deleted_together() {
        let (_dir, b) = backend();
        write(&b, |t| {
            t.put_client_session(&client_session([1; 32], "iv_1"))?;
            t.put_client_session(&client_session([2; 32], "iv_1"))?;
            t.put_client_session(&client_session([3; 32], "iv_2"))?;
            // Ids that share a prefix must not be caught by a prefix scan.
            t.put_client_session(&client_session([4; 32], "iv_10"))
        });
        write(&b, |t| t.delete_client_sessions_of("iv_1"));
        assert_eq!(read(&b, |t| t.client_session(&[1; 32])), None);
        assert_eq!(read(&b, |t| t.client_session(&[2; 32])), None);
        assert_eq!(
            read(&b, |t| t.client_session(&[3; 32]))
                .map(|s| s.interview_id)
                .as_deref(),
            Some("iv_2")
        );
        assert!(read(&b, |t| t.client_session(&[4; 32])).is_some());
        // A session moved to another interview leaves with that one.
        write(&b, |t| {
            t.put_client_session(&client_session([3; 32], "iv_3"))
        });
        write(&b, |t| t.delete_client_sessions_of("iv_2"));
        assert!(read(&b, |t| t.client_session(&[3; 32])).is_some());
        write(&b, |t| t.delete_client_sessions_of("iv_3"));
        assert_eq!(read(&b, |t| t.client_session(&[3; 32])), None);
        assert_clean(&b);
    }

    #[test]
    fn files_are_listed_per_interview_and_counted_per_content() {
        let (_dir, b) = backend();
        write(&b, |t| {
            t.put_file(&file("file_1", "iv_1", "aa"))?;
            t.put_file(&file("file_2", "iv_1", "bb"))?;
            t.put_file(&file("file_3", "iv_2", "aa"))?;
            t.put_file(&file("file_4", "iv_10", "cc"))
        });
        let names = |b: &RedbBackend, iv: &'static str| {
            read(b, move |t| t.files_of_interview(iv))
                .into_iter()
                .map(|f| f.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&b, "iv_1"), ["file_1", "file_2"]);
        assert_eq!(names(&b, "iv_9"), Vec::<String>::new());
        assert!(read(&b, |t| t.sha256_in_use("aa")));
        assert!(!read(&b, |t| t.sha256_in_use("a")));

        write(&b, |t| t.delete_file("file_1"));
        assert!(
            read(&b, |t| t.sha256_in_use("aa")),
            "file_3 still names the bytes"
        );
        write(&b, |t| t.delete_file("file_3"));
        assert!(!read(&b, |t| t.sha256_in_use("aa")));
        assert_eq!(read(&b, |t| t.file("file_3")), None);
        write(&b, |t| t.delete_file("file_3"));

        // Replacing a record moves both of its index entries.
        write(&b, |t| t.put_file(&file("file_2", "iv_2", "dd")));
        assert_eq!(names(&b, "iv_1"), Vec::<String>::new());
        assert_eq!(names(&b, "iv_2"), ["file_2"]);
        assert!(!read(&b, |t| t.sha256_in_use("bb")));
        assert!(read(&b, |t| t.sha256_in_use("dd")));
        assert_clean(&b);
    }

    #[test]
    fn audit_events_append_in_order_per_work_item() {
        let (_dir, b) = backend();
        write(&b, |t| t.append_audit(&audit("wi_1", "first")));
        write(&b, |t| {
            t.append_audit(&audit("wi_2", "other"))?;
            t.append_audit(&audit("wi_1", "second"))?;
            t.append_audit(&audit("wi_1", "third"))
        });
        let events = read(&b, |t| t.audit("wi_1"))
            .into_iter()
            .map(|e| e.event)
            .collect::<Vec<_>>();
        assert_eq!(events, ["first", "second", "third"]);
        assert_eq!(read(&b, |t| t.audit("wi_2")).len(), 1);
        assert!(read(&b, |t| t.audit("wi_")).is_empty());
        assert_clean(&b);
    }

    fn item_ids(rows: Vec<WorkItem>) -> Vec<String> {
        rows.into_iter().map(|w| w.id).collect()
    }

    fn key(at: i64, id: &str) -> RowKey {
        RowKey { created_at: Timestamp(at), id: id.into() }
    }

    #[test]
    fn work_items_page_newest_first_from_a_key_in_each_index() {
        let (_dir, b) = backend();
        write(&b, |t| {
            t.put_work_group(&work_group("wg_north", "North"))?;
            t.put_work_group(&work_group("wg_northern", "Northern"))?;
            t.put_work_item(&work_item("wi_1", 10))?;
            // Two in one millisecond: the id decides.
            t.put_work_item(&work_item("wi_2", 20))?;
            t.put_work_item(&work_item("wi_3", 20))?;
            t.put_work_item(&WorkItem { status: WorkItemStatus::Draft, work_group_id: None, ..work_item("wi_4", 30) })?;
            // A group id that is a prefix of another must not catch its items.
            // A client id that is a prefix of another must not catch its items either.
            t.put_work_item(&WorkItem { work_group_id: Some("wg_northern".into()), client_id: Some("cli_10".into()), ..work_item("wi_5", 40) })
        });
        let page = |by: WorkItemsBy<'static>, after: Option<RowKey>, n| {
            item_ids(read(&b, move |t| t.work_items_page(by, after.as_ref(), n)))
        };
        assert_eq!(page(WorkItemsBy::All, None, 10), ["wi_5", "wi_4", "wi_3", "wi_2", "wi_1"]);
        assert_eq!(page(WorkItemsBy::All, None, 2), ["wi_5", "wi_4"]);
        assert_eq!(page(WorkItemsBy::All, Some(key(20, "wi_3")), 2), ["wi_2", "wi_1"]);
        assert_eq!(page(WorkItemsBy::All, Some(key(10, "wi_1")), 2), Vec::<String>::new());
        let waiting = WorkItemsBy::Status(WorkItemStatus::WaitingForClient);
        assert_eq!(page(waiting, None, 10), ["wi_5", "wi_3", "wi_2", "wi_1"]);
        assert_eq!(page(waiting, Some(key(30, "wi_4")), 2), ["wi_3", "wi_2"]);
        assert_eq!(page(WorkItemsBy::Status(WorkItemStatus::Draft), None, 10), ["wi_4"]);
        assert_eq!(page(WorkItemsBy::Status(WorkItemStatus::Expired), None, 10), Vec::<String>::new());
        assert_eq!(page(WorkItemsBy::WorkGroup("wg_north"), None, 10), ["wi_3", "wi_2", "wi_1"]);
        assert_eq!(page(WorkItemsBy::WorkGroup("wg_north"), Some(key(20, "wi_2")), 10), ["wi_1"]);
        assert_eq!(page(WorkItemsBy::Client("cli_1"), None, 10), ["wi_4", "wi_3", "wi_2", "wi_1"]);
        assert_eq!(page(WorkItemsBy::Client("cli_1"), Some(key(20, "wi_3")), 10), ["wi_2", "wi_1"]);
        assert_eq!(page(WorkItemsBy::Client("cli_10"), None, 10), ["wi_5"]);

        // A changed status and group move the item's entries.
        write(&b, |t| t.put_work_item(&WorkItem { status: WorkItemStatus::Submitted, work_group_id: None, ..work_item("wi_2", 20) }));
        assert_eq!(page(waiting, None, 10), ["wi_5", "wi_3", "wi_1"]);
        assert_eq!(page(WorkItemsBy::Status(WorkItemStatus::Submitted), None, 10), ["wi_2"]);
        assert_eq!(page(WorkItemsBy::WorkGroup("wg_north"), None, 10), ["wi_3", "wi_1"]);
        // And a client attached later moves it too.
        write(&b, |t| t.put_work_item(&WorkItem { client_id: Some("cli_10".into()), ..work_item("wi_1", 10) }));
        assert_eq!(page(WorkItemsBy::Client("cli_1"), None, 10), ["wi_4", "wi_3", "wi_2"]);
        assert_eq!(page(WorkItemsBy::Client("cli_10"), None, 10), ["wi_5", "wi_1"]);
        assert_clean(&b);
    }

    #[test]
    fn clients_and_audit_page_newest_first() {
        let (_dir, b) = backend();
        write(&b, |t| {
            for n in 1..=4 {
                t.put_client(&Client { created_at: Timestamp(n), ..client(&format!("cli_{n}")) })?;
                t.append_audit(&audit("wi_1", &format!("e{n}")))?;
            }
            t.append_audit(&audit("wi_10", "other"))
        });
        let clients = |after: Option<RowKey>, n| {
            read(&b, move |t| t.clients_page(after.as_ref(), n)).into_iter().map(|c| c.id).collect::<Vec<_>>()
        };
        assert_eq!(clients(None, 3), ["cli_4", "cli_3", "cli_2"]);
        assert_eq!(clients(Some(key(2, "cli_2")), 3), ["cli_1"]);
        let events = |before, n| {
            read(&b, move |t| t.audit_page("wi_1", before, n))
                .into_iter()
                .map(|(seq, e)| (seq, e.event))
                .collect::<Vec<_>>()
        };
        assert_eq!(events(None, 2), [(4, "e4".to_owned()), (3, "e3".to_owned())]);
        assert_eq!(events(Some(3), 10), [(2, "e2".to_owned()), (1, "e1".to_owned())]);
        assert!(events(Some(1), 10).is_empty());
        assert_eq!(read(&b, |t| t.audit_page("wi_10", None, 10)).len(), 1);
        assert!(read(&b, |t| t.audit_page("wi_", None, 10)).is_empty());
        // An edited client keeps its one place.
        write(&b, |t| t.put_client(&Client { last_name: "Byron".into(), ..Client { created_at: Timestamp(3), ..client("cli_3") } }));
        assert_eq!(clients(None, 10), ["cli_4", "cli_3", "cli_2", "cli_1"]);
        assert_clean(&b);
    }

    #[test]
    fn live_interviews_are_indexed_by_expiry_until_they_end() {
        let (_dir, b) = backend();
        let sent = |id: &str, hash: u8, expires: i64| Interview {
            link_expires_at: Timestamp(expires),
            ..interview(id, [hash; 32])
        };
        write(&b, |t| {
            t.put_interview(&sent("iv_late", 1, 300))?;
            t.put_interview(&sent("iv_soon", 2, 100))?;
            t.put_interview(&Interview { state: InterviewState::Cancelled, ..sent("iv_gone", 3, 50) })
        });
        let due = |b: &RedbBackend, now, n| {
            read(b, move |t| t.interviews_expiring(Timestamp(now), n)).into_iter().map(|i| i.id).collect::<Vec<_>>()
        };
        assert_eq!(due(&b, 99, 10), Vec::<String>::new());
        assert_eq!(due(&b, 100, 10), ["iv_soon"]);
        assert_eq!(due(&b, i64::MAX, 10), ["iv_soon", "iv_late"]);
        assert_eq!(due(&b, i64::MAX, 1), ["iv_soon"]);
        // Opening moves the expiry to the access window from the last access.
        write(&b, |t| {
            t.put_interview(&Interview {
                state: InterviewState::Opened,
                first_opened_at: Some(Timestamp(90)),
                last_access_at: Some(Timestamp(90)),
                ..sent("iv_soon", 2, 100)
            })
        });
        assert_eq!(due(&b, 100, 10), Vec::<String>::new());
        assert_eq!(due(&b, 90 + 3_600_000, 10), ["iv_late", "iv_soon"]);
        // A final state takes it out.
        write(&b, |t| t.put_interview(&Interview { state: InterviewState::Submitted, ..sent("iv_late", 1, 300) }));
        assert_eq!(due(&b, i64::MAX, 10), ["iv_soon"]);
        assert_clean(&b);
    }

    #[test]
    fn interviews_are_counted_per_template_version_and_move_when_pinned() {
        let (_dir, b) = backend();
        let at = |id: &str, hash: u8, created: i64, sections: &[(&str, Option<u32>)]| Interview {
            created_at: Timestamp(created),
            sections: sections
                .iter()
                .enumerate()
                .map(|(n, (t, v))| Section { id: format!("s{n}"), template_id: (*t).into(), version: *v })
                .collect(),
            ..interview(id, [hash; 32])
        };
        write(&b, |t| {
            t.put_interview(&at("iv_a", 1, 10, &[("tpl_1", None)]))?;
            // Two sections of one template count once; another template apart.
            t.put_interview(&at("iv_b", 2, 20, &[("tpl_1", None), ("tpl_1", None), ("tpl_2", None)]))?;
            t.put_work_item(&WorkItem { work_group_id: None, ..work_item("wi_1", 1) })?;
            t.put_work_item(&WorkItem { work_group_id: None, ..work_item("wi_2", 2) })
        });
        assert_eq!(read(&b, |t| t.pin_counts("tpl_1")), [(0, 2)]);
        assert_eq!(read(&b, |t| t.pin_counts("tpl_2")), [(0, 1)]);
        assert_eq!(read(&b, |t| t.work_items_of_template("tpl_1")), 2);
        // Saving a work item again does not count it again.
        write(&b, |t| t.put_work_item(&WorkItem { name: "Renamed".into(), work_group_id: None, ..work_item("wi_1", 1) }));
        assert_eq!(read(&b, |t| t.work_items_of_template("tpl_1")), 2);
        // The first opening pins: the entry moves from 0 to the version, the counts follow.
        write(&b, |t| t.put_interview(&at("iv_a", 1, 10, &[("tpl_1", Some(3))])));
        assert_eq!(read(&b, |t| t.pin_counts("tpl_1")), [(0, 1), (3, 1)]);
        let ids = |b: &RedbBackend, version: Option<u32>, after: Option<PinKey>, n| {
            read(b, move |t| t.interviews_of_template("tpl_1", version, after.as_ref(), n))
                .into_iter()
                .map(|(k, _)| k.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&b, None, None, 10), ["iv_a", "iv_b"]);
        assert_eq!(ids(&b, Some(0), None, 10), ["iv_b"]);
        assert_eq!(ids(&b, Some(3), None, 10), ["iv_a"]);
        assert_eq!(ids(&b, Some(2), None, 10), Vec::<String>::new());
        let after_a = PinKey { version: 3, created_at: Timestamp(10), id: "iv_a".into() };
        assert_eq!(ids(&b, None, Some(after_a.clone()), 10), ["iv_b"]);
        assert_eq!(ids(&b, Some(3), Some(after_a), 10), Vec::<String>::new());
        assert_eq!(read(&b, |t| t.interviews_of_template("tpl_none", None, None, 10)).len(), 0);
        assert_clean(&b);
    }

    #[test]
    fn check_finds_list_and_expiry_index_problems() {
        let (_dir, b) = backend();
        write(&b, |t| {
            t.put_client(&client("cli_1"))?;
            t.put_work_group(&work_group("wg_north", "North"))?;
            t.put_work_item(&work_item("wi_1", 5))?;
            t.put_interview(&interview("iv_1", [1; 32]))
        });
        assert_clean(&b);
        {
            let db = b.shared();
            let txn = db.begin_write().unwrap();
            txn.open_table(CLIENTS_BY_CREATED.def).unwrap().remove((1, "cli_1")).unwrap();
            let mut by_status = txn.open_table(WORK_ITEMS_BY_STATUS.def).unwrap();
            by_status.remove(("waiting_for_client", 5, "wi_1")).unwrap();
            by_status.insert(("draft", 5, "wi_1"), ()).unwrap();
            drop(by_status);
            txn.open_table(WORK_ITEMS_BY_GROUP.def).unwrap().insert(("wg_x", 5, "wi_9"), ()).unwrap();
            txn.open_table(INTERVIEWS_BY_EXPIRY.def).unwrap().remove((2, "iv_1")).unwrap();
            txn.commit().unwrap();
        }
        let report = b.check().unwrap();
        let has = |needle: &str| has_problem(&report, needle);
        assert!(has("clients_by_created lacks (1, cli_1)"), "{:#?}", report.problems);
        assert!(has("work_items_by_status lacks (waiting_for_client, 5, wi_1)"), "{:#?}", report.problems);
        assert!(has("work_items_by_status has (draft, 5, wi_1)"), "{:#?}", report.problems);
        assert!(has("work_items_by_group has (wg_x, 5, wi_9)"), "{:#?}", report.problems);
        assert!(has("interviews_by_expiry lacks (2, iv_1)"), "{:#?}", report.problems);
        assert_eq!(report.problems.len(), 5, "{:#?}", report.problems);
    }

    #[test]
    fn outbox_due_lists_undelivered_entries_whose_time_has_come() {
        let (_dir, b) = backend();
        write(&b, |t| {
            t.put_outbox(&outbox("evt_late", 300, None))?;
            t.put_outbox(&outbox("evt_early", 100, None))?;
            t.put_outbox(&outbox("evt_done", 50, Some(60)))?;
            t.put_outbox(&outbox("evt_now", 200, None))
        });
        let due = |b: &RedbBackend, now| {
            read(b, move |t| t.outbox_due(Timestamp(now)))
                .into_iter()
                .map(|e| e.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(due(&b, 200), ["evt_early", "evt_now"]);
        assert_eq!(due(&b, 99), Vec::<String>::new());
        assert_eq!(due(&b, i64::MAX), ["evt_early", "evt_now", "evt_late"]);
        // A retry moves the entry; a delivery takes it out.
        write(&b, |t| t.put_outbox(&outbox("evt_early", 500, None)));
        write(&b, |t| t.put_outbox(&outbox("evt_now", 200, Some(210))));
        assert_eq!(due(&b, 300), ["evt_late"]);
        assert_eq!(due(&b, 500), ["evt_late", "evt_early"]);
        assert_clean(&b);
    }

    #[test]
    fn an_error_in_the_closure_aborts_everything_it_wrote() {
        let (_dir, b) = backend();
        let err = b
            .write(&mut |t| {
                t.put_user(&user("usr_a", "a@example.com"))?;
                t.put_interview(&interview("iv_1", [1; 32]))?;
                t.append_audit(&audit("wi_1", "x"))?;
                Err(StorageError::Backend("stop".into()).into())
            })
            .unwrap_err();
        assert!(err.to_string().contains("stop"));
        assert_eq!(read(&b, |t| t.user("usr_a")), None);
        assert_eq!(read(&b, |t| t.user_by_email("a@example.com")), None);
        assert_eq!(read(&b, |t| t.interview_by_token(&[1; 32])), None);
        assert!(read(&b, |t| t.audit("wi_1")).is_empty());
        assert_clean(&b);
    }

    #[test]
    fn a_write_sees_its_own_changes_before_commit() {
        let (_dir, b) = backend();
        let found = write(&b, |t| {
            t.put_user(&user("usr_a", "a@example.com"))?;
            t.user_by_email("a@example.com")
        });
        assert_eq!(found.map(|u| u.id).as_deref(), Some("usr_a"));
    }

    #[test]
    fn an_undecodable_row_is_a_decode_error_for_reads_and_a_problem_for_check() {
        let (_dir, b) = backend();
        write(&b, |t| t.put_user(&user("usr_a", "a@example.com")));
        {
            let db = b.shared();
            let txn = db.begin_write().unwrap();
            txn.open_table(USERS.def)
                .unwrap()
                .insert("usr_a", &[1u8, 0xff][..])
                .unwrap();
            txn.commit().unwrap();
        }
        let err = b
            .read(&mut |t| t.user("usr_a").map(drop).map_err(Into::into))
            .unwrap_err();
        assert!(
            matches!(
                err,
                crate::Error::Storage(StorageError::Decode { table: "users", .. })
            ),
            "{err}"
        );
        let report = b.check().unwrap();
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.starts_with("users[usr_a]")),
            "{:#?}",
            report.problems
        );
    }

    #[test]
    fn check_finds_dangling_and_missing_index_entries() {
        let (_dir, b) = backend();
        write(&b, |t| {
            t.put_user(&user("usr_a", "a@example.com"))?;
            t.put_interview(&interview("iv_1", [1; 32]))?;
            t.put_work_group(&work_group("wg_north", "North"))?;
            t.put_work_item(&work_item("wi_1", 5))
        });
        assert_clean(&b);
        {
            let db = b.shared();
            let txn = db.begin_write().unwrap();
            txn.open_table(INTERVIEWS_BY_TOKEN.def)
                .unwrap()
                .insert(&[9; 32], "iv_gone")
                .unwrap();
            txn.open_table(USERS_BY_EMAIL.def)
                .unwrap()
                .remove("a@example.com")
                .unwrap();
            txn.open_table(FILES_BY_SHA256.def)
                .unwrap()
                .insert(("ff", "file_gone"), ())
                .unwrap();
            txn.open_table(WORK_ITEMS_BY_CREATED.def)
                .unwrap()
                .insert((6, "wi_1"), ())
                .unwrap();
            txn.commit().unwrap();
        }
        {
            // The domain stores checked JSON; this stands for a build that did not.
            let db = b.shared();
            let txn = db.begin_write().unwrap();
            txn.open_table(TEMPLATE_DEFINITIONS.def)
                .unwrap()
                .insert(("tpl_1", 1), "{not json")
                .unwrap();
            txn.commit().unwrap();
        }
        let report = b.check().unwrap();
        assert_eq!(report.integrity, Integrity::Clean);
        assert!(
            has_problem(&report, "template_definitions[(tpl_1, 1)] is not JSON"),
            "{:#?}",
            report.problems
        );
        let has = |needle: &str| report.problems.iter().any(|p| p.contains(needle));
        assert!(
            has(&format!(
                "interviews_by_token[{}] names iv_gone",
                hex(&[9; 32])
            )),
            "{:#?}",
            report.problems
        );
        assert!(
            has("users_by_email lacks a@example.com"),
            "{:#?}",
            report.problems
        );
        assert!(
            has("files_by_sha256 has (ff, file_gone)"),
            "{:#?}",
            report.problems
        );
        assert!(
            has("work_items_by_created has (6, wi_1)"),
            "{:#?}",
            report.problems
        );
        assert_eq!(report.problems.len(), 5, "{:#?}", report.problems);
        assert_eq!(report.rows.get("users"), Some(&1));
    }

    #[test]
    fn a_failed_change_whose_error_is_swallowed_does_not_commit() {
        let (_dir, b) = backend();
        {
            let db = b.shared();
            let mut txn = Txn {
                txn: db.begin_write().unwrap(),
                damaged: false,
            };
            txn.put_user(&user("usr_a", "a@example.com")).unwrap();
            // As if the row's insert had failed after its index entry was written.
            let _ignored = txn.change(|_| Err(StorageError::Backend("disk full".into())));
            let err = finish(txn, Ok(())).unwrap_err();
            assert!(err.to_string().contains("part-way"), "{err}");
        }
        assert_eq!(read(&b, |t| t.user("usr_a")), None);
        assert_eq!(read(&b, |t| t.user_by_email("a@example.com")), None);
    }
}
