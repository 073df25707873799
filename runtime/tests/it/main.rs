//! The runtime's integration tests, in one binary: the expression language
//! (`expr`), the engine as its users drive it (`engine`), the pattern
//! dialect against regex-lite (`pattern`), the JSON reader and writer
//! against serde_json (`json`) and the packed template form (`packed`).
//! Tests that must also run in the browser live in `tests/platforms.rs`.

#[path = "../support/large.rs"]
mod large;

mod engine;
mod expr;
mod json;
mod packed;
mod pattern;
