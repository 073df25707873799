//! The storage interface the domain codes against: read and write
//! transactions with typed operations on each table. A write transaction
//! commits only when its closure returns `Ok`, so a domain operation is
//! all-or-nothing; secondary indexes (token hash to interview, email to user,
//! name to work group) are kept by the `put_*` operations in the same transaction as
//! their rows. Lists are read a page at a time by key (`*_page`): an ordered
//! range of an index and a limit, newest first, so a page deep in a long list
//! costs what the first one costs; a SQL backend answers each with one indexed
//! `WHERE key < $after ORDER BY key DESC LIMIT $n`. redb is the backend today (`storage::redb`); a second backend
//! implements [`Backend`] and nothing above it changes.

use super::records::*;
use crate::clock::Timestamp;

/// Storage failures (the domain maps them to a 500 with a generic message).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The backend failed (I/O, corruption, a full disk).
    #[error("storage: {0}")]
    Backend(String),
    /// A stored record could not be decoded.
    #[error("stored record in `{table}` cannot be read: {message}")]
    Decode {
        /// The table.
        table: &'static str,
        /// Why.
        message: String,
    },
    /// Another process (a running host) has the database file open; redb lets one process open it at a time.
    #[error("{} is in use by another process (a running `interview serve`?); only one process can open it at a time", .0.display())]
    Locked(std::path::PathBuf),
    /// The database was written by a newer version of the host.
    #[error("the database has schema version {found}; this host reads up to {supported}: upgrade the host")]
    TooNew {
        /// Version in the file.
        found: u64,
        /// Newest this build reads.
        supported: u64,
    },
}

/// Where a page of a newest-first list starts: strictly after (older than)
/// the row with this key, in the order `created_at` desc, then `id` desc.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowKey {
    /// The row's creation time.
    pub created_at: Timestamp,
    /// The row's id (breaks ties between rows made in the same millisecond).
    pub id: String,
}

/// Where a page of a template's interviews starts: strictly after the entry
/// with this key, in the order version desc (0, not yet opened, last), then
/// `created_at` desc, then `id` desc.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PinKey {
    /// The pinned version, 0 before the first opening.
    pub version: u32,
    /// The interview's creation time.
    pub created_at: Timestamp,
    /// The interview's id.
    pub id: String,
}

/// Which index a page of work items is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkItemsBy<'a> {
    /// Every work item.
    All,
    /// The work items with this status.
    Status(WorkItemStatus),
    /// The work items filed under the work group with this id.
    WorkGroup(&'a str),
    /// The work items attached to the client with this id.
    Client(&'a str),
}

/// Reading, inside one consistent snapshot.
pub trait ReadTxn {
    /// The site settings (defaults when never saved).
    fn settings(&self) -> Result<Settings, StorageError>;

    /// A staff user by id.
    fn user(&self, id: &str) -> Result<Option<User>, StorageError>;
    /// A staff user by (lower-cased) email.
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StorageError>;
    /// All staff users.
    fn users(&self) -> Result<Vec<User>, StorageError>;

    /// An API key by the SHA-256 of the key.
    fn api_key_by_hash(&self, hash: &Digest) -> Result<Option<ApiKey>, StorageError>;
    /// All API keys.
    fn api_keys(&self) -> Result<Vec<ApiKey>, StorageError>;

    /// A staff session by the SHA-256 of its cookie value.
    fn staff_session(&self, hash: &Digest) -> Result<Option<StaffSession>, StorageError>;
    /// All staff sessions, expired ones included (a scan: for ending a user's sessions).
    fn staff_sessions(&self) -> Result<Vec<StaffSession>, StorageError>;

    /// A template by id.
    fn template(&self, id: &str) -> Result<Option<TemplateRecord>, StorageError>;
    /// All templates.
    fn templates(&self) -> Result<Vec<TemplateRecord>, StorageError>;
    /// A template version's definition (JSON text).
    fn template_definition(&self, id: &str, version: u32) -> Result<Option<String>, StorageError>;
    /// How many work items have this template as theirs (a counter, not a walk).
    fn work_items_of_template(&self, template_id: &str) -> Result<u64, StorageError>;
    /// How many interviews have a section of this template, per version
    /// (0: not opened yet, so not pinned), lowest version first; versions with none are left out.
    fn pin_counts(&self, template_id: &str) -> Result<Vec<(u32, u64)>, StorageError>;
    /// Up to `limit` interviews with a section of this template (only those at
    /// `version` when given, 0 meaning not opened yet), in [`PinKey`] order,
    /// starting strictly after `after`.
    fn interviews_of_template(
        &self,
        template_id: &str,
        version: Option<u32>,
        after: Option<&PinKey>,
        limit: usize,
    ) -> Result<Vec<(PinKey, Interview)>, StorageError>;

    /// A client by id.
    fn client(&self, id: &str) -> Result<Option<Client>, StorageError>;
    /// All clients.
    fn clients(&self) -> Result<Vec<Client>, StorageError>;
    /// Up to `limit` clients, newest first, starting strictly after `after`.
    fn clients_page(&self, after: Option<&RowKey>, limit: usize) -> Result<Vec<Client>, StorageError>;

    /// A work item by id.
    fn work_item(&self, id: &str) -> Result<Option<WorkItem>, StorageError>;
    /// All work items, oldest first.
    fn work_items(&self) -> Result<Vec<WorkItem>, StorageError>;
    /// Up to `limit` work items of `by`, newest first, starting strictly after `after`.
    fn work_items_page(
        &self,
        by: WorkItemsBy<'_>,
        after: Option<&RowKey>,
        limit: usize,
    ) -> Result<Vec<WorkItem>, StorageError>;

    /// A work group by id.
    fn work_group(&self, id: &str) -> Result<Option<WorkGroup>, StorageError>;
    /// A work group by name, ignoring case.
    fn work_group_by_name(&self, name: &str) -> Result<Option<WorkGroup>, StorageError>;
    /// All work groups, archived ones included.
    fn work_groups(&self) -> Result<Vec<WorkGroup>, StorageError>;

    /// An interview by id.
    fn interview(&self, id: &str) -> Result<Option<Interview>, StorageError>;
    /// An interview by the SHA-256 of its link token.
    fn interview_by_token(&self, hash: &Digest) -> Result<Option<Interview>, StorageError>;
    /// Up to `limit` live (sent or opened) interviews whose link stops working
    /// at or before `until` (`domain::expiry::expires_at`), soonest first.
    fn interviews_expiring(&self, until: Timestamp, limit: usize) -> Result<Vec<Interview>, StorageError>;

    /// A client session by the SHA-256 of its bearer token.
    fn client_session(&self, hash: &Digest) -> Result<Option<ClientSession>, StorageError>;

    /// An uploaded file's record.
    fn file(&self, id: &str) -> Result<Option<FileRecord>, StorageError>;
    /// Files uploaded to an interview.
    fn files_of_interview(&self, interview_id: &str) -> Result<Vec<FileRecord>, StorageError>;
    /// Whether any file record still names these bytes.
    fn sha256_in_use(&self, sha256: &str) -> Result<bool, StorageError>;

    /// A work item's audit events, oldest first.
    fn audit(&self, work_item_id: &str) -> Result<Vec<AuditEvent>, StorageError>;
    /// Up to `limit` of a work item's audit events with their sequence numbers
    /// (1, 2, … in the order written), newest first, starting below `before`.
    fn audit_page(
        &self,
        work_item_id: &str,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<(u64, AuditEvent)>, StorageError>;

    /// A webhook delivery by id.
    fn outbox_entry(&self, id: &str) -> Result<Option<OutboxEntry>, StorageError>;
    /// Up to `limit` webhook deliveries, newest first (by when they were
    /// queued), starting strictly after `after`.
    fn outbox_page(&self, after: Option<&RowKey>, limit: usize) -> Result<Vec<OutboxEntry>, StorageError>;
    /// Webhook deliveries not yet delivered whose next attempt is due at `now`.
    fn outbox_due(&self, now: Timestamp) -> Result<Vec<OutboxEntry>, StorageError>;
}

/// Writing: everything a read can do, plus changes, all committed together.
pub trait WriteTxn: ReadTxn {
    /// Saves the site settings.
    fn put_settings(&mut self, settings: &Settings) -> Result<(), StorageError>;

    /// Inserts or replaces a user (and its email index).
    fn put_user(&mut self, user: &User) -> Result<(), StorageError>;

    /// Inserts or replaces an API key (and its hash index).
    fn put_api_key(&mut self, key: &ApiKey) -> Result<(), StorageError>;

    /// Inserts or replaces a staff session.
    fn put_staff_session(&mut self, session: &StaffSession) -> Result<(), StorageError>;
    /// Removes a staff session.
    fn delete_staff_session(&mut self, hash: &Digest) -> Result<(), StorageError>;

    /// Inserts or replaces a template record.
    fn put_template(&mut self, template: &TemplateRecord) -> Result<(), StorageError>;
    /// Stores a version's definition (versions are immutable: storing an existing one is refused).
    fn put_template_definition(&mut self, id: &str, version: u32, definition: &str) -> Result<(), StorageError>;

    /// Inserts or replaces a client (and its creation-order index).
    fn put_client(&mut self, client: &Client) -> Result<(), StorageError>;

    /// Inserts or replaces a work item (and its indexes by creation, status and
    /// work group, and the count of work items per template).
    fn put_work_item(&mut self, item: &WorkItem) -> Result<(), StorageError>;

    /// Inserts or replaces a work group (and its name index); a name another group has, in any case, is refused.
    fn put_work_group(&mut self, group: &WorkGroup) -> Result<(), StorageError>;

    /// Inserts or replaces an interview (and its token index; its expiry
    /// index: an entry while it is live, moved when its expiry moves, removed
    /// when it ends; and its entries by template and pinned version, with their counts).
    fn put_interview(&mut self, interview: &Interview) -> Result<(), StorageError>;

    /// Inserts or replaces a client session.
    fn put_client_session(&mut self, session: &ClientSession) -> Result<(), StorageError>;
    /// Removes every session of an interview.
    fn delete_client_sessions_of(&mut self, interview_id: &str) -> Result<(), StorageError>;

    /// Inserts or replaces a file record.
    fn put_file(&mut self, file: &FileRecord) -> Result<(), StorageError>;
    /// Removes a file record.
    fn delete_file(&mut self, id: &str) -> Result<(), StorageError>;

    /// Appends an audit event (append-only: there is no update or delete).
    fn append_audit(&mut self, event: &AuditEvent) -> Result<(), StorageError>;

    /// Inserts or replaces an outbox entry (and its indexes: due while undelivered, and by creation).
    fn put_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StorageError>;
}

/// A storage backend.
pub trait Backend: Send + Sync + 'static {
    /// Runs `f` in a read transaction.
    fn read(&self, f: &mut dyn FnMut(&dyn ReadTxn) -> Result<(), crate::Error>) -> Result<(), crate::Error>;
    /// Runs `f` in a write transaction, committed (durably) only when `f` returns `Ok`.
    fn write(&self, f: &mut dyn FnMut(&mut dyn WriteTxn) -> Result<(), crate::Error>) -> Result<(), crate::Error>;
}
