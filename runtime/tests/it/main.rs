//! The runtime's integration tests, in one binary: the expression language
//! (`expr`), the engine as its users drive it (`engine`), the pattern
//! dialect against regex-lite (`pattern`) and the JSON reader and writer
//! against serde_json (`json`). Tests that must
//! also run in the browser live in `tests/platforms.rs`.

mod engine;
mod expr;
mod json;
mod pattern;
