//! The interview engine shared by the host (natively) and the browser component
//! (compiled to `wasm32-unknown-unknown`).
//!
//! It decides, identically on both sides, what a template means and whether an
//! answer set is valid. It is pure Rust: no I/O, no async, no clock reads (the
//! caller passes "today").
//!
//! Layout, following the domain:
//! - [`template`]: the template model, read from JSON and checked in full
//!   ([`template::Template::from_json`]), and its packed form for the browser
//!   ([`template::Template::pack`], [`template::Template::unpack`]).
//! - [`expr`]: the expression language (a CEL subset): parser, printer, static
//!   type checker and evaluator.
//! - [`interview`]: evaluation of a checked template against answers: which
//!   pages and questions are visible, computed values, note text; re-evaluated
//!   incrementally after a single change.
//! - [`validate`]: validation and normalisation of a whole answer set.
//! - [`answer_file`]: HotDocs-style answer file XML import and export
//!   (feature `answer-file`).
//! - [`draft`]: the draft record the browser keeps and the host stores.
//! - [`locale`]: the languages of the engine's own words (validation
//!   messages) and the placeholder filling the host and browser share.
//! - [`value`], [`date`], [`pattern`], [`phone`], [`email`]: the value model and
//!   the small parsers the rules need.
//! - [`case`], [`number`], [`json`]: Unicode case mapping, decimal-to-`f64`
//!   parsing and JSON text to and from `serde_json::Value`, exactly as std's
//!   and serde_json's but smaller in the browser's wasm.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod case;
pub mod date;
pub mod draft;
pub mod email;
pub mod error;
pub mod expr;
pub mod interview;
pub mod json;
pub mod locale;
pub mod number;
pub mod pattern;
pub mod phone;
pub mod summary;
pub mod template;
pub mod validate;
pub mod value;

#[cfg(feature = "answer-file")]
pub mod answer_file;

pub use error::{Error, Result};
pub use locale::Locale;
pub use template::Template;
pub use value::Value;

/// An answer set: question id to answer, with repeats as lists of objects.
pub type AnswerSet = serde_json::Map<String, serde_json::Value>;
