//! The runtime's integration tests, in one binary: the expression language
//! (`expr`) and the engine as its users drive it (`engine`). Tests that must
//! also run in the browser live in `tests/platforms.rs`.

mod engine;
mod expr;
