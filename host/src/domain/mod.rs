//! The host's domain: the rules of the design, independent of HTTP. Each
//! operation runs in one storage transaction and takes "now" as a parameter.
//!
//! - [`expiry`]: when links stop working (rules 1, 4).
//! - [`access`]: trading a link for a client session, passphrase and SMS (rule 6).
//! - [`interview`]: reading, saving progress, submitting (rules 5, 7, 8).
//! - [`sending`]: staff sending and cancelling interviews (rules 2, 3).
//! - [`templates`], [`clients`], [`work_items`], [`work_groups`]: what staff manage.
//! - [`users`], [`api_keys`]: who may call the staff API (roles, disabling, passwords).
//! - [`audit`], [`webhooks`]: the append-only log and the outbox.
//! - [`paging`]: lists read a page at a time by key, with opaque cursors.
//! - [`answers_out`]: a work item's answers as a JSON or HotDocs answer file.
//! - [`settings`]: the site settings, changed a subset at a time, checked by field.

pub mod access;
pub mod answers_out;
pub mod api_keys;
pub mod audit;
pub mod clients;
pub mod documents;
pub mod expiry;
pub mod files;
pub mod interview;
pub mod paging;
pub mod sending;
pub mod settings;
pub mod templates;
pub mod users;
pub mod webhooks;
pub mod work_groups;
pub mod work_items;
