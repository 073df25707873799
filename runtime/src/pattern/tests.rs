//! Each construct of the dialect, each error, and the limits.

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

/// `(pattern, text, is_match, is_full_match)`
fn check(cases: &[(&str, &str, bool, bool)]) {
    for &(source, text, search, whole) in cases {
        let p = Pattern::new(source).unwrap_or_else(|e| panic!("{source:?}: {e}"));
        assert_eq!(p.is_match(text), search, "is_match {source:?} on {text:?}");
        assert_eq!(p.is_full_match(text), whole, "is_full_match {source:?} on {text:?}");
    }
}

#[test]
fn literals_dot_and_escapes() {
    check(&[
        ("abc", "xabcx", true, false),
        ("日本", "日本", true, true),
        ("a.c", "abc", true, true),
        ("a.c", "a\nc", false, false),
        ("(?s)a.c", "a\nc", true, true),
        ("(?R).", "\r", false, false),
        (r"\n\t\r\a\f\v", "\n\t\r\x07\x0c\x0b", true, true),
        (r"\x41\x{42}\u0043\u{44}\U00000045\U{46}", "ABCDEF", true, true),
        (r"\x{10FFFF}", "\u{10FFFF}", true, true),
        (r"\x{0000000041}", "A", true, true),
        (r"\.\*\+\?\(\)\[\]\{\}\|\^\$\\\#\&\-\~\ ", ".*+?()[]{}|^$\\#&-~ ", true, true),
        ("a}]", "a}]", true, true),
    ]);
}

#[test]
fn classes() {
    check(&[
        ("[abc]", "b", true, true),
        ("[^abc]", "b", false, false),
        ("[^abc]", "é", true, true),
        ("[a-cx-z]", "y", true, true),
        ("[]a]", "]", true, true),
        ("[^]a]", "]", false, false),
        ("[-a]", "-", true, true),
        ("[a-]", "-", true, true),
        ("[--]", "-", true, true),
        ("[a-c-e]", "-", true, true),
        ("[a-c-e]", "d", false, false),
        (r"[\[\]\-\^\\]", "^", true, true),
        ("[.*]", "x", false, false),
        (r"[\n]", "\n", true, true),
        (r"[\x41-\x{5A}]", "Q", true, true),
        ("[à-ÿ]+", "éü", true, true),
        (r"[\d\s]+", "1 2", true, true),
        (r"[\w\W]", "é", true, true),
        (r"[^\s\S]", "x", false, false),
        ("[[:alpha:]]+", "Abc", true, true),
        ("[[:alpha:]]", "Å", false, false),
        ("[[:^alpha:]]", "1", true, true),
        ("[[:alnum:][:punct:]]+", "a1!", true, true),
        ("[[:xdigit:]]+", "09afAF", true, true),
        ("[[:alpha:]-z]", "-", true, true),
        ("[:alpha:]", "p", true, true),
    ]);
}

#[test]
fn perl_classes_are_ascii() {
    check(&[
        (r"\d+", "0123456789", true, true),
        (r"\d", "٣", false, false),
        (r"\D", "٣", true, true),
        (r"\s+", " \t\n\x0b\x0c\r", true, true),
        (r"\s", "\u{a0}", false, false),
        (r"\S", "\u{a0}", true, true),
        (r"\w+", "aZ0_", true, true),
        (r"\w", "é", false, false),
        (r"\W", "é", true, true),
    ]);
}

#[test]
fn anchors_and_boundaries() {
    check(&[
        ("^a", "ba", false, false),
        ("a$", "a\n", false, false),
        ("(?m)^b$", "a\nb\nc", true, false),
        ("(?m)^$", "a\n", true, false),
        ("(?mR)^b$", "a\r\nb\r\nc", true, false),
        ("(?mR)^$", "a\r\nb", false, false),
        (r"(?m)\Ab", "a\nb", false, false),
        (r"(?m)a\z", "a\nb", false, false),
        (r"\bcat\b", "a cat!", true, false),
        (r"\bcat\b", "concat", false, false),
        (r"\Bcat", "concat", true, false),
        (r"\bé", "é", false, false),
        (r"\<cat\>", "a cat", true, false),
        (r"\b{start}cat\b{end}", "cats", false, false),
        (r"\b{start-half}cat\b{end-half}", "cat", true, true),
        (r"\b{2}a", "a", true, true),
    ]);
}

#[test]
fn groups_alternation_and_repetition() {
    check(&[
        ("gr(a|e)y", "grey", true, true),
        ("(?:ab)+", "ababab", true, true),
        ("(?P<year>[0-9]{4})-(?<month>[0-9]{2})", "2026-11", true, true),
        ("a|", "b", true, false),
        ("()", "", true, true),
        ("a*", "", true, true),
        ("a+", "", false, false),
        ("a?b", "b", true, true),
        ("a{3}", "aa", false, false),
        ("a{2,}", "aaaa", true, true),
        ("a{2,3}", "aaaa", true, false),
        ("a{0}", "", true, true),
        ("a{ 1 , 2 }", "aa", true, true),
        ("a*?b+?c??d{1,2}?", "aabbd", true, true),
        ("a**", "aaa", true, true),
        ("^*a", "a", true, true),
        ("(?U)a+b", "aab", true, true),
    ]);
}

#[test]
fn flags() {
    check(&[
        ("(?i)abc", "AbC", true, true),
        ("(?i)[a-c]+", "ABC", true, true),
        ("(?i)[^a]", "A", false, false),
        ("(?i:a)b", "AB", false, false),
        ("(?i)a(?-i)b", "Ab", true, true),
        ("(?i)a(?-i)b", "AB", false, false),
        ("a(?i)b|c", "C", true, true),
        ("(a(?i)b)|c", "C", false, false),
        ("(?is)a.b", "A\nB", true, true),
        // ASCII-only folding.
        ("(?i)é", "É", false, false),
        ("(?i)k", "\u{212A}", false, false),
        ("(?i)s", "ſ", false, false),
        // regex-lite folds a range across both cases only one way.
        ("(?i)[Q-c]", "C", true, true),
        ("(?i)[Q-c]", "q", false, false),
        ("(?x) a b # comment", "ab", true, true),
        ("(?x)a\\ b [ c ]", "a bc", true, true),
        ("(?x)(?-x)a b", "a b", true, true),
        ("(?x: a )b c", "ab c", true, true),
        ("(?u)a(?-u)", "a", true, true),
    ]);
}

#[test]
fn errors_are_in_words() {
    let cases: &[(&str, &str)] = &[
        ("(", "invalid pattern: found open group without closing ')'"),
        ("a)", "found closing ')' without matching '('"),
        ("*a", "must follow something to repeat"),
        ("a|+", "must follow something to repeat"),
        ("(?i)?", "must follow something to repeat"),
        ("{2}", "must follow something to repeat"),
        ("a{", "needs a number"),
        ("a{,3}", "needs a number"),
        ("a{2", "is not closed by `}`"),
        ("a{3,2}", "n larger than m"),
        ("a{4294967296}", "count is too big"),
        ("[a", "a class `[` is not closed by `]`"),
        ("[]", "a class `[` is not closed by `]`"),
        ("[z-a]", "range goes backwards"),
        (r"[\d-z]", "must start and end with single characters"),
        (r"(?i)[\x41-Z]", "must start and end with single characters"),
        ("[a&&b]", "`&&`, `--` and `~~` are not supported"),
        ("[a--b]", "`&&`, `--` and `~~` are not supported"),
        ("[a~~b]", "`&&`, `--` and `~~` are not supported"),
        ("[a[b]]", "nested classes are not supported"),
        ("[[:foo:]]", "nested classes are not supported"),
        (r"[\b]", "cannot be used inside a class"),
        (r"\p{L}", "Unicode classes `\\p{..}` are not supported"),
        (r"\1", "backreferences"),
        (r"\e", "unknown escape `\\e`"),
        (r"\é", "unknown escape `\\é`"),
        ("a\\", "ends in the middle of an escape"),
        (r"\x4", "hexadecimal digits"),
        (r"\x{}", "not a Unicode character"),
        (r"\x{110000}", "not a Unicode character"),
        (r"\u{D800}", "not a Unicode character"),
        (r"\b{foo}", "unknown word boundary"),
        (r"\b{start", "`\\b{` is not closed"),
        ("(?=a)", "look-around groups"),
        ("(?<!a)", "look-around groups"),
        ("(?)", "`(?)` is empty"),
        ("(?i", "flag group `(?` is not closed"),
        ("(?i-)", "cannot end with `-`"),
        ("(?-i-m)", "only one `-`"),
        ("(?ii)", "a flag is given twice"),
        ("(?z)", "unknown flag `z`"),
        ("(?<>a)", "a group name is empty"),
        ("(?<1a>a)", "a group name must start with a letter"),
        ("(?P<a", "a group name is not closed"),
        ("(?P<a>x)(?<a>y)", "two groups have the same name"),
    ];
    for (source, expected) in cases {
        let err = Pattern::new(source).expect_err(source);
        assert!(err.starts_with("invalid pattern: "), "{source:?}: {err}");
        assert!(err.contains(expected), "{source:?}: {err}");
    }
}

#[test]
fn limits() {
    // Nesting: 32 groups, or 32 repetitions stacked on one thing.
    let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
    assert!(Pattern::new(&nested(32)).is_ok());
    assert!(Pattern::new(&nested(33)).unwrap_err().contains("nested too deeply"));
    assert!(Pattern::new(&format!("a{}", "*".repeat(32))).is_ok());
    assert!(Pattern::new(&format!("a{}", "*".repeat(33))).unwrap_err().contains("nested too deeply"));
    // The deepest tree a pattern can give compiles and runs (no stack overflow).
    let stacked = format!("{}a{}", "(".repeat(29), format!("){}", "*".repeat(31)).repeat(29));
    assert!(stacked.chars().count() <= MAX_PATTERN_CHARS, "{}", stacked.len());
    let p = Pattern::new(&stacked).unwrap();
    assert!(p.is_full_match("aaa"));
    assert!(!p.is_full_match("b"));
    // Program size, including repeating nothing a great many times.
    assert!(Pattern::new("a{9999}").is_ok());
    for source in ["a{10000}", "(a{100}){100}", "(?:){10001}", "((a{0}){4294967295}){4294967295}", "[a-z]{5000}{3}"] {
        assert!(Pattern::new(source).unwrap_err().contains("too large"), "{source}");
    }
}

#[test]
fn pathological_patterns_run_in_linear_time() {
    // Exponential for a backtracking matcher; here O(program × text).
    let text = format!("{}c", "a".repeat(10_000));
    for source in ["(a*)*b", "(a|a)*b", "(a+)+b", "(a|aa)+$b", "(?:a?){50}a{50}b", "(\\w|a)*\\b{end}b"] {
        let p = Pattern::new(source).unwrap();
        assert!(!p.is_match(&text), "{source}");
        assert!(!p.is_full_match(&text), "{source}");
    }
    let p = Pattern::new("(a*)*c").unwrap();
    assert!(p.is_match(&text));
    assert!(p.is_full_match(&text));
    let p = Pattern::new("(a|a)*$").unwrap();
    assert!(p.is_full_match(&text[..10_000]));
}

#[test]
fn any_input_is_refused_or_compiled_without_panicking() {
    // Every prefix of a pattern full of syntax (most are broken).
    let source = r"(?x:(?i)[^a-c\d[:alpha:]\x{41}-]{2,3}?|\b{start}(?P<n>\u0041*)\\#c
        )+?(?<m>[]-]|\p{L}|\\)$";
    let chars: Vec<char> = source.chars().collect();
    for n in 0..=chars.len() {
        let prefix: String = chars[..n].iter().collect();
        if let Ok(p) = Pattern::new(&prefix) {
            p.is_match("aB1 é-]");
            p.is_full_match("");
        }
    }
}
