//! The runtime's integration tests, in one binary: the expression language
//! (`expr`), the engine as its users drive it (`engine`) and the pattern
//! dialect against regex-lite (`pattern`), the packed template form
//! (`packed`). Tests that must also run in the browser live in
//! `tests/platforms.rs`.

#[path = "../support/large.rs"]
mod large;

mod engine;
mod expr;
mod packed;
mod pattern;
