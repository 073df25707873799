//! The one regular expression dialect of templates, used alike by
//! `.matches()` in expressions and by a text question's `pattern`, in the
//! browser and on the server: regex-lite's syntax and meaning (RE2-like,
//! ASCII-only `\w \d \s` and case folding, no `\p{..}`), implemented here
//! so that the browser bundle carries only what a yes/no match needs.
//!
//! `parse` reads the source into a tree, `compile` turns the tree into a
//! Thompson NFA program and `run` simulates it over the text, in time
//! linear in the text (program size × text length; no backtracking).
//!
//! Patterns come from template authors, so they are bounded: a long source, a
//! deep nesting or a large compiled program is refused rather than risking
//! memory or time.

mod compile;
mod parse;
mod run;

use std::fmt;

/// Longest accepted pattern source, in chars.
pub const MAX_PATTERN_CHARS: usize = 1000;
/// Deepest group nesting accepted (also: most repetitions stacked on one thing, as in `a**`).
const NEST_LIMIT: u32 = 32;

/// A compiled pattern, ready to search or to match a whole text.
#[derive(Clone)]
pub struct Pattern {
    source: String,
    program: compile::Program,
}

impl Pattern {
    /// Compiles `source`, or says in words what is wrong with it.
    pub fn new(source: &str) -> Result<Pattern, String> {
        if source.chars().nth(MAX_PATTERN_CHARS).is_some() {
            return Err(format!("pattern is too long (more than {MAX_PATTERN_CHARS} characters)"));
        }
        let (tree, table) = parse::parse(source)?;
        let program = compile::compile(&tree, table).ok_or_else(|| {
            "pattern is too large (it would compile to too big a program; use smaller repetition counts)".to_owned()
        })?;
        Ok(Pattern { source: source.to_owned(), program })
    }

    /// True if the pattern matches somewhere in `text` (CEL `matches`).
    pub fn is_match(&self, text: &str) -> bool {
        self.program.run(text, false)
    }

    /// True if the pattern matches all of `text` (a question's `pattern` option).
    pub fn is_full_match(&self, text: &str) -> bool {
        self.program.run(text, true)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests;
