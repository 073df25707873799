//! Integration tests of the host, in one binary: the real server on
//! `127.0.0.1:0` with a fresh data directory per test.

mod answers_out;
mod api;
mod files;
mod interviews;
mod locales;
mod ops;
mod paging;
mod serve;
mod server;
mod settings;
mod staff;
mod support;
mod templates;
mod users;
mod work_groups;
