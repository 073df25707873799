//! The one regular expression dialect of templates (regex-lite: RE2-like
//! syntax, linear-time matching, ASCII-only `\w \d \s`, no `\p{..}`), used
//! alike by `.matches()` in expressions and by a text question's `pattern`,
//! in the browser and on the server.
//!
//! Patterns come from template authors, so they are bounded: a long source, a
//! deep nesting or a large compiled program is refused rather than risking
//! memory or time.

use regex_lite::{Regex, RegexBuilder};

/// Longest accepted pattern source, in chars.
pub const MAX_PATTERN_CHARS: usize = 1000;
/// Largest compiled program regex-lite may build, in bytes (roughly); also
/// bounds matching time, which grows with program size times text length.
const SIZE_LIMIT: usize = 256 * 1024;
/// Deepest group nesting accepted.
const NEST_LIMIT: u32 = 32;

/// A compiled pattern, ready to search or to match a whole text.
#[derive(Clone, Debug)]
pub struct Pattern {
    source: String,
    /// Finds the pattern anywhere.
    search: Regex,
    /// The pattern anchored at both ends. A separate program is needed since
    /// regex-lite's leftmost-first search can stop at a shorter alternative
    /// (`a|ab` on "ab") even when a whole-text match exists.
    whole: Regex,
}

impl Pattern {
    /// Compiles `source`, or says in words what is wrong with it.
    pub fn new(source: &str) -> Result<Pattern, String> {
        if source.chars().nth(MAX_PATTERN_CHARS).is_some() {
            return Err(format!(
                "pattern is too long (more than {MAX_PATTERN_CHARS} characters)"
            ));
        }
        let search = build(source)?;
        // `(?:...)` keeps alternatives inside the anchors; the source compiled
        // on its own above, so its groups are balanced. The one way wrapping
        // can still fail is a trailing `# comment` in `(?x)` mode swallowing
        // the closing `)`: then x mode is on at the end, so a line break ends
        // the comment and is itself ignored as whitespace.
        let whole = build(&format!(r"\A(?:{source})\z"))
            .or_else(|first| build(&format!("\\A(?:{source}\n)\\z")).map_err(|_| first))?;
        Ok(Pattern {
            source: source.to_owned(),
            search,
            whole,
        })
    }

    /// True if the pattern matches somewhere in `text` (CEL `matches`).
    pub fn is_match(&self, text: &str) -> bool {
        self.search.is_match(text)
    }

    /// True if the pattern matches all of `text` (a question's `pattern` option).
    pub fn is_full_match(&self, text: &str) -> bool {
        self.whole.is_match(text)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

fn build(source: &str) -> Result<Regex, String> {
    RegexBuilder::new(source)
        .size_limit(SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map_err(|e| describe_error(&e.to_string()))
}

/// Turns regex-lite's message into one for a template author.
fn describe_error(message: &str) -> String {
    let message = message.trim();
    if message.contains("exceeds size limit") || message.contains("size limit") {
        "pattern is too large (it would compile to too big a program; use smaller repetition counts)".to_owned()
    } else if message.contains("nest") {
        format!("pattern is nested too deeply (more than {NEST_LIMIT} levels)")
    } else {
        format!("invalid pattern: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_finds_anywhere_full_match_needs_all() {
        let p = Pattern::new("bc").unwrap();
        assert!(p.is_match("abcd"));
        assert!(!p.is_full_match("abcd"));
        assert!(p.is_full_match("bc"));
        let p = Pattern::new("[0-9]{4}").unwrap();
        assert!(p.is_full_match("2026"));
        assert!(!p.is_full_match("20261"));
        assert!(p.is_match("20261"));
    }

    #[test]
    fn full_match_tries_every_alternative() {
        let p = Pattern::new("a|ab").unwrap();
        assert!(p.is_full_match("ab"));
        assert!(p.is_full_match("a"));
        assert!(!p.is_full_match("abc"));
    }

    #[test]
    fn unicode_literals_match() {
        let p = Pattern::new("a+ñ+a+").unwrap();
        assert!(p.is_match("mañana"));
        assert!(!p.is_full_match("mañana"));
        assert!(p.is_full_match("añña"));
    }

    #[test]
    fn empty_pattern_matches_everything_partially() {
        let p = Pattern::new("").unwrap();
        assert!(p.is_match("cows"));
        assert!(p.is_match(""));
        assert!(p.is_full_match(""));
        assert!(!p.is_full_match("cows"));
    }

    #[test]
    fn ascii_classes_are_ascii_only() {
        // Documented dialect: `\w` does not match "Å".
        let p = Pattern::new(r"^\w+$").unwrap();
        assert!(p.is_match("Asa"));
        assert!(!p.is_match("Åsa"));
        assert!(Pattern::new(r"\p{L}").is_err());
    }

    #[test]
    fn rejects_long_large_and_invalid_patterns() {
        let long = "a".repeat(MAX_PATTERN_CHARS + 1);
        assert!(Pattern::new(&long).unwrap_err().contains("too long"));
        assert!(Pattern::new(&"a".repeat(MAX_PATTERN_CHARS)).is_ok());
        let err = Pattern::new("(a{1000}){1000}").unwrap_err();
        assert!(err.contains("too large"), "{err}");
        let err = Pattern::new(&format!("{}a{}", "(".repeat(40), ")".repeat(40))).unwrap_err();
        assert!(err.contains("nested too deeply"), "{err}");
        let err = Pattern::new("gr(a|e").unwrap_err();
        assert!(err.starts_with("invalid pattern:"), "{err}");
    }

    #[test]
    fn a_trailing_verbose_comment_cannot_swallow_the_anchor() {
        // In `(?x)` mode `#` starts a comment running to the end of the line.
        let p = Pattern::new("(?x) a b # letters").unwrap();
        assert!(p.is_full_match("ab"));
        assert!(!p.is_full_match("abc"));
        assert!(p.is_match("xabx"));
        // Without x mode a line break in the source stays a literal.
        let p = Pattern::new("a#b").unwrap();
        assert!(p.is_full_match("a#b"));
        assert!(!p.is_full_match("a#b\n"));
    }
}
