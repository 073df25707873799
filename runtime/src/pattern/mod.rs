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

pub(crate) use compile::{Inst, Program, MAX_PROGRAM};
pub(crate) use run::Look;

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

    /// The compiled program (for the packed template form).
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// A pattern from its source and an already compiled program (from a
    /// packed template): no parsing, so the parser is not linked where only
    /// this is used.
    pub(crate) fn from_program(source: String, program: Program) -> Pattern {
        Pattern { source, program }
    }
}

/// The patterns `.matches()` can use while evaluating: those compiled ahead
/// (each pattern literal of a template's `.matches()` calls), and whether a
/// pattern only known at run time (built from answers) may be compiled then.
///
/// A template read from JSON compiles at run time too; one unpacked from its
/// packed form does not, so that the browser's wasm links no pattern parser:
/// there a pattern made at run time gives `null`, as an invalid one does.
#[derive(Clone)]
pub struct Patterns {
    compiled: Vec<Pattern>,
    compile: Option<Compile>,
}

/// How a pattern is compiled at run time ([`Pattern::new`]).
type Compile = fn(&str) -> Result<Pattern, String>;

impl Patterns {
    /// No pattern compiled ahead; each is compiled when it is used.
    pub fn compiling() -> Patterns {
        Patterns { compiled: Vec::new(), compile: Some(Pattern::new) }
    }

    /// These patterns only: any other gives `null` (the packed template's way).
    pub(crate) fn only(compiled: Vec<Pattern>) -> Patterns {
        Patterns { compiled, compile: None }
    }

    /// Adds a pattern compiled ahead, unless one with its source is there.
    pub(crate) fn add(&mut self, pattern: Pattern) {
        if self.get(pattern.as_str()).is_none() {
            self.compiled.push(pattern);
        }
    }

    /// The patterns compiled ahead, in the order they were added.
    pub fn compiled(&self) -> &[Pattern] {
        &self.compiled
    }

    /// The pattern compiled ahead from this source, if any.
    fn get(&self, source: &str) -> Option<&Pattern> {
        self.compiled.iter().find(|p| p.source == source)
    }

    /// Whether the pattern `source` matches somewhere in `text`; `None` when
    /// the pattern is invalid, or was not compiled ahead and cannot be now.
    pub fn is_match(&self, source: &str, text: &str) -> Option<bool> {
        match self.get(source) {
            Some(p) => Some(p.is_match(text)),
            None => self.compile.and_then(|compile| compile(source).ok()).map(|p| p.is_match(text)),
        }
    }
}

impl fmt::Debug for Patterns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.compiled).finish()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests;
