//! The pattern dialect against its reference, regex-lite: for random patterns
//! both must accept or both refuse (apart from their size and nesting limits,
//! which are counted differently), and where both accept, agree on every
//! text, searching and whole.

use interview_runtime::pattern::Pattern;
use proptest::prelude::*;
use proptest::sample::select;

/// regex-lite's verdict: an error if it refuses the pattern, else a searcher
/// and a whole-text matcher.
fn reference(source: &str) -> Result<(regex_lite::Regex, regex_lite::Regex), String> {
    let build = |s: &str| {
        regex_lite::RegexBuilder::new(s).size_limit(256 * 1024).nest_limit(32).build().map_err(|e| e.to_string())
    };
    let search = build(source)?;
    // A trailing `# comment` in verbose mode would swallow the `)`; a line
    // break ends it.
    let whole = build(&format!(r"\A(?:{source})\z")).or_else(|_| build(&format!("\\A(?:{source}\n)\\z")))?;
    Ok((search, whole))
}

/// Checks that ours and regex-lite agree on `source` and the texts.
fn agree(source: &str, texts: &[String]) -> Result<(), TestCaseError> {
    let ours = Pattern::new(source);
    let theirs = reference(source);
    match (&ours, &theirs) {
        (Ok(p), Ok((search, whole))) => {
            for text in texts {
                prop_assert_eq!(p.is_match(text), search.is_match(text), "is_match {:?} on {:?}", source, text);
                prop_assert_eq!(
                    p.is_full_match(text),
                    whole.is_match(text),
                    "is_full_match {:?} on {:?}",
                    source,
                    text
                );
            }
        }
        (Err(e), Err(_)) => prop_assert!(e.starts_with("invalid pattern: ") || e.starts_with("pattern is"), "{}", e),
        // The limits are counted differently: a pattern near them may be refused by one only.
        (Err(e), Ok(_)) if e.contains("too large") || e.contains("too deeply") => {}
        (Ok(_), Err(e)) if e.contains("size limit") || e.contains("nesting") => {}
        (Err(e), Ok(_)) => prop_assert!(false, "{:?}: we refuse what regex-lite accepts: {}", source, e),
        (Ok(_), Err(e)) => prop_assert!(false, "{:?}: we accept what regex-lite refuses: {}", source, e),
    }
    Ok(())
}

/// Texts over the chars the patterns talk about.
fn texts() -> impl Strategy<Value = Vec<String>> {
    let chars =
        select(vec!['a', 'b', 'c', 'A', 'B', 'q', 'Z', 'é', 'É', ' ', '-', '_', '1', '\n', '\r', '[', ']', '&']);
    prop::collection::vec(prop::collection::vec(chars, 0..10).prop_map(|cs| cs.into_iter().collect()), 1..8)
}

/// Things that match one char or none.
#[rustfmt::skip]
const ATOMS: &[&str] = &[
    "a", "b", "A", "B", "c", "q", "é", "É", "-", " ", "_", "1", ".", "^", "$", r"\b", r"\B", r"\A", r"\z", r"\d",
    r"\D", r"\w", r"\W", r"\s", r"\S", r"\x41", r"\x{62}", r"\u{e9}", r"\U00000041", r"\n", r"\r", r"\<", r"\>",
    r"\b{start}", r"\b{end}", r"\b{start-half}", r"\b{end-half}", r"\-", r"\ ", r"\.", r"\[", r"\&", r"\#", "]", "}",
];

/// The insides of classes.
#[rustfmt::skip]
const CLASS_ITEMS: &[&str] = &[
    "a", "b", "A", "Z", "é", "-", "a-c", "A-C", "Q-c", "Z-a", "@-b", r"\d", r"\w", r"\s", r"\W", "[:alpha:]",
    "[:^lower:]", "[:upper:]", "[:punct:]", " ", r"\]", r"\n", r"\x41-\x5A", "_", "&", "^", "é-ë", r"\\", ".",
];

const QUANTIFIERS: &[&str] =
    &["*", "+", "?", "*?", "+?", "??", "{2}", "{0,2}", "{1,}", "{2,3}?", "{0}", "{ 1 , 2 }", "{1}?"];

const OPENERS: &[&str] =
    &["(", "(?:", "(?i:", "(?-i:", "(?s:", "(?m:", "(?x:", "(?mR:", "(?U:", "(?i-s:", "(?sR:", "(?P<g>", "(?<h>"];

const FLAGS: &[&str] = &["(?i)", "(?m)", "(?s)", "(?x)", "(?-i)", "(?R)", "(?mR)", "(?is)", "(?u)", "(?-x)", "(?iU)"];

/// Well-formed patterns, most of which both accept.
fn pattern() -> impl Strategy<Value = String> {
    let class = (any::<bool>(), prop::collection::vec(select(CLASS_ITEMS), 1..4))
        .prop_map(|(negated, items)| format!("[{}{}]", if negated { "^" } else { "" }, items.concat()));
    let leaf = prop_oneof![4 => select(ATOMS).prop_map(String::from), 1 => class];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join("|")),
            (inner.clone(), select(QUANTIFIERS)).prop_map(|(p, q)| format!("{p}{q}")),
            (inner.clone(), select(QUANTIFIERS)).prop_map(|(p, q)| format!("(?:{p}){q}")),
            (select(OPENERS), inner.clone()).prop_map(|(o, p)| format!("{o}{p})")),
            (select(FLAGS), inner.clone()).prop_map(|(f, p)| format!("{f}{p}")),
            // Verbose mode with spaces and comments in odd places.
            inner.clone().prop_map(|p| format!("(?x){}", p.replace('a', " a ").replace('|', "# c\n|"))),
        ]
    })
}

/// Pieces of syntax, for random and mostly broken patterns.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "a", "b", "A", "é", "-", " ", "#", "\n", "[", "]", "^", "$", "(", ")", "?", ":", "*", "+", "{", "}", ",", "0",
    "1", "2", "|", "\\", ".", "<", ">", "=", "!", "P", "i", "m", "s", "x", "R", "U", "u", "d", "w", "b", "B", "z",
    "&", "~", "_", "[:alpha:]", "[:^digit:]", "[:foo:]", "(?i)", "(?x)", "(?P<n>", "(?<m>", "\\b{", "start}",
    "end-half}", "\\x", "\\x{", "\\u", "\\U", "41", "e9", "(?:", "(?-i)", "{2,3}", "{1,}", "\\p", "\\1", "[^", "[]",
    "a-z", "Q-c", "\\w", "\\d", "\\s", "\\n", "\\-", "\\ ", "\\[", "\\]", "\t", "Z", "q", "(?s)", "(?m)", "(?R)",
];

/// Mostly broken patterns, to compare what is refused.
fn soup() -> impl Strategy<Value = String> {
    let prefix = select(vec!["", "", "(?x)", "(?i)", "[", "(?x)[", "(?i)[", "(?mR)", "\\b{"]);
    (prefix, prop::collection::vec(select(PIECES), 0..20)).prop_map(|(p, v)| format!("{p}{}", v.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn well_formed_patterns_match_as_regex_lite_does(source in pattern(), texts in texts()) {
        agree(&source, &texts)?;
    }

    #[test]
    fn random_syntax_is_refused_or_matched_as_regex_lite_does(source in soup(), texts in texts()) {
        agree(&source, &texts)?;
    }
}

#[test]
fn edge_cases_agree_with_regex_lite() {
    let texts: Vec<String> = [
        "", "a", "A", "b", "q", "Q", "z", "Z", "-", "]", "[", "&", "\n", "\r", "\r\n", "a\r\nb", "ab", "aa", "é", "É",
        "x y", "k", "\u{212A}", "ſ", "_",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    #[rustfmt::skip]
    let sources = [
        // Classes: leading `]` and `-`, ranges, operations, POSIX, folding.
        "[]a]", "[^]a]", "[-a]", "[a-]", "[--]", "[---]", "[--/]", "[a-b-c]", "[]-a]", "[]--]", "[a--]", "[a&&b]",
        "[a~~b]", "[&]", "[~]", "[[:alpha:]-z]", "[x-[:alpha:]]", "[A-[]", "[a[]", "[[:foo:]]", "[[:ALPHA:]]",
        "[\\w-]", "[\\w-z]", "(?i)[Q-c]", "(?i)[^Q-c]", "(?i)[Z-a]", "(?i)[^A-Z]", "(?i)[[:^lower:]]", "(?i)k",
        "(?i)s", "(?i)é", "(?i)\\x41", "(?i)[@-b]", "(?i)[Q-Z\\[-`a-c]",
        // Verbose mode.
        "(?x)a b", "(?x)[a b]", "(?x)[ ^ a]", "(?x)[ ] a]", "(?x)[a - c]", "(?x)[a- -z]", "(?x)[a - #c\n]",
        "(?x)x{ 1 0 }", "(?x)\\x 41", "(?x)\\x{ 4 1 }", "(?x)\\b{ st art }", "(?x)\\b {2}", "(?x)a{2} ?", "(?x)a+ ?",
        "(?x)( ?: a)", "(?x)(? : a)", "(?x)(?i : a)", "(?x)a#c\nb", "(?x)a\\ b", "(?x)[#]", "(?x)(a#)", "(?x)x{2, }",
        "x{2, }", "x{ 2 , 3 }", "x{1 0}",
        // Word boundaries, anchors, CRLF.
        "\\b{2}", "\\b{start}", "\\b{foo}", "\\b{1a}", "\\b{a1}", "\\B{end}", "\\<a", "a\\>", "(?m)^a$", "(?mR)^a$",
        "(?mR)^$", "(?R).", "(?sR).", "(?s).", ".",
        // Groups and flags.
        "a(?i)b|c", "(a(?i)b)|c", "(?i:a)b", "a(?i)*", "a(?i){2}", "(?i)*", "(?)", "(?-)", "(?i-)", "(?ii)", "(?i-i)",
        "(?-i-m)", "(?z)", "(?u)a", "(?-u)a", "(?U)a*", "(?P<n>a)(?P<n>b)", "(?<1>a)", "(?<_1>a)", "(?<a.b[c]>a)",
        "(?<é>a)", "(?<>a)", "(?=a)", "(?<!a)", "(?P=n)",
        // Escapes and repetitions.
        "\\e", "\\0", "\\x{110000}", "\\x{D800}", "\\x{0000000041}", "\\u0041", "\\U{41}", "\\é", "\\\u{1}", "a**",
        "(?:a**)**", "((a)*)*", "a{2}{3}", "^*", "*a", "{2}", "a{", "a{,3}", "a{3,2}", "a{4294967296}", "}", "]",
        "()", "|", "a|",
    ];
    for source in sources {
        let texts = texts.clone();
        if let Err(e) = agree(source, &texts) {
            panic!("{e}");
        }
    }
}
