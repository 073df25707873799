//! The packed template form (`Template::pack` / `Template::unpack`): an
//! unpacked template is the template that was packed, and no input makes
//! unpacking panic.

use interview_runtime::date::Date;
use interview_runtime::interview::Interview;
use interview_runtime::validate::validate;
use interview_runtime::{AnswerSet, Error, Template};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::large;

fn today() -> Date {
    Date::parse("2026-11-24").expect("a date")
}

fn example(dir: &str, name: &str) -> String {
    let path = format!("{}/../examples/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Everything of a template but its JSON source and plan, as Debug text.
fn shape(t: &Template) -> String {
    format!("{:#?}", (&t.title, &t.description, &t.pages, &t.items, t.patterns()))
}

/// Packs and unpacks `t`, checks that the result is the same template
/// (shape, fingerprint, and the same packed text again, which also covers the
/// compiled patterns), and returns it.
pub(crate) fn round_trip(t: &Template) -> Template {
    let packed = t.pack();
    let back = match Template::unpack(&packed) {
        Ok(back) => back,
        Err(e) => panic!("the packed template does not unpack: {e}"),
    };
    assert_eq!(shape(&back), shape(t), "the unpacked template differs");
    assert_eq!(back.fingerprint(), t.fingerprint());
    assert_eq!(back.pack(), packed, "packing the unpacked template gives other text");
    assert_eq!(back.source(), &Value::Null);
    back
}

/// Reports of both templates for one answer set, as JSON text.
fn same_report(a: &Template, b: &Template, answers: &AnswerSet) {
    let report = |t: &Template| serde_json::to_string_pretty(&validate(t, answers, today())).expect("json");
    assert_eq!(report(b), report(a));
}

/// The answer set at `examples/answers/{name}`.
fn answers(name: &str) -> AnswerSet {
    serde_json::from_str(&example("answers", name)).expect("answers")
}

#[test]
fn the_example_templates_unpack_to_themselves_and_validate_alike() {
    for name in ["intake.json", "kyc.json", "large.json"] {
        let t = Template::from_json(&example("templates", name)).expect("valid");
        let back = round_trip(&t);
        let mut sets = vec![AnswerSet::new()];
        match name {
            "large.json" => sets.push(large::large_answers()),
            _ => sets.push(answers(name)),
        }
        // Each set again with every answer turned into text, then into a number:
        // most become errors, which are compared too.
        for set in sets.clone() {
            for replace in [json!("x"), json!(-1.5)] {
                sets.push(set.keys().map(|k| (k.clone(), replace.clone())).collect());
            }
        }
        for set in &sets {
            same_report(&t, &back, set);
        }
    }
}

#[test]
fn an_interview_over_an_unpacked_template_evaluates_alike() {
    let t = Template::from_json(&example("templates", "intake.json")).expect("valid");
    let back = round_trip(&t);
    let set = answers("intake.json");
    let a = Interview::new(&t, set.clone(), today());
    let b = Interview::new(&back, set, today());
    assert_eq!(b.visible_pages(), a.visible_pages());
    for (id, _) in t.items_with_ids() {
        let instances = a.instances(id);
        assert_eq!(b.instances(id), instances);
        for i in &instances {
            assert_eq!(b.is_visible(id, i), a.is_visible(id, i));
            assert_eq!(b.value(id, i), a.value(id, i));
            assert_eq!(b.is_required(id, i), a.is_required(id, i));
            assert_eq!(b.note_text(id, i), a.note_text(id, i));
        }
    }
}

/// A template with every item type, option and expression form.
fn everything() -> Value {
    json!({
        "format": "interview/1",
        "title": "Everything ✓",
        "description": "All item types.",
        "pages": [
            {"id": "p1", "title": "One", "items": [
                {"type": "text", "id": "name", "label": "Name", "help": "Full name", "required": true,
                 "min_length": 2, "max_length": 80, "pattern": "(?i)^[a-zà-ÿ ]+$", "pattern_message": "Letters",
                 "multiline": true, "default": "Bo",
                 "checks": [{"rule": "name.matches('^B') || !name.matches(kind == 'x' ? 'a+' : '[b-z]{2,3}')",
                             "message": "B or not"}]},
                {"type": "number", "id": "age", "min": 0, "max": 130.5, "integer": true, "step": 0.5, "default": -3},
                {"type": "number", "id": "big", "default": 18446744073709551615u64},
                {"type": "number", "id": "small", "default": 1e-300},
                {"type": "date", "id": "born", "min": "1900-01-01", "max": "today", "default": "today"},
                {"type": "date", "id": "old", "min": "0001-01-01", "max": "1969-12-31"},
                {"type": "email", "id": "mail", "required_if": "age >= 18"},
                {"type": "phone", "id": "tel", "region": "NL"},
                {"type": "yes_no", "id": "ok", "default": true},
                {"type": "choice", "id": "kind", "options": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}],
                 "display": "dropdown", "default": "x"},
                {"type": "choice", "id": "kind2", "options": [{"value": "x", "label": "X"}]},
                {"type": "multi_choice", "id": "tags", "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                 "min_selected": 1, "max_selected": 2, "default": ["a"]},
                {"type": "file", "id": "docs", "accept": ["application/pdf", "image/*"], "max_bytes": 5000000, "max_files": 3}
            ]},
            {"id": "p2", "title": "Two", "visible_if": "ok && size([1, 2.5, 'three', null, true]) > -1", "items": [
                {"type": "repeat", "id": "kids", "label": "Children", "min_items": 1, "max_items": 5, "item_label": "Child",
                 "default": [{"kname": "A"}, {"kname": null, "n": {"deep": [1, -2, 3.5, "x", false]}}],
                 "items": [
                    {"type": "text", "id": "kname", "required": true},
                    {"type": "repeat", "id": "toys", "items": [
                        {"type": "text", "id": "toy", "visible_if": "kname != null"}
                    ]},
                    {"type": "computed", "id": "toy_count", "expr": "size(toys)"}
                 ]},
                {"type": "computed", "id": "total", "label": "Total",
                 "expr": "kids.size() > 0 ? kids[0].kname + upper('x') : (age % 2 == 0 ? 'e' : \"o\")"},
                {"type": "computed", "id": "years", "expr": "years_between(born, today()) + -age * 2 / 1 - 0"},
                {"type": "computed", "id": "listy", "expr": "'a' in tags && !(age < 3) || age <= 1 || age > 4 || age != 5"},
                {"type": "note", "text": "Hello {{ name }}, you have {{kids.size()}} children{{ total }}."},
                {"type": "note", "id": "plain", "visible_if": "matches(name, 'o')", "text": "No parts at all"}
            ]}
        ]
    })
}

#[test]
fn every_item_type_and_expression_form_round_trips() {
    let t = Template::from_value(everything()).expect("valid");
    let back = round_trip(&t);
    // The literal patterns of `.matches()` were compiled ahead: `^B`, `a+`, `[b-z]{2,3}`, `o`.
    let sources: Vec<&str> = back.patterns().compiled().iter().map(|p| p.as_str()).collect();
    assert_eq!(sources, ["^B", "a+", "[b-z]{2,3}", "o"]);
    let sets = [
        json!({}),
        json!({"name": "Bob", "age": 20, "kind": "y", "ok": true, "tags": ["a", "b"], "born": "2000-02-29",
               "kids": [{"kname": "Al", "toys": [{"toy": "car"}]}, {"kname": ""}]}),
        json!({"name": "al", "age": 7.5, "kind": "x", "ok": false, "tags": [], "mail": "no", "tel": "0612345678",
               "born": "1800-01-01", "old": "1970-01-01"}),
    ];
    for set in sets {
        let Value::Object(set) = set else { unreachable!() };
        same_report(&t, &back, &set);
    }
}

#[test]
fn a_pattern_known_only_at_run_time_is_refused_so_the_browser_never_meets_one() {
    // The packed form carries compiled patterns and the browser has no
    // pattern compiler: a pattern made from answers could only be checked
    // by the host, so the template is refused when read.
    let doc = json!({"format": "interview/1", "title": "T", "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "re"},
        {"type": "computed", "id": "hit", "expr": "'abc'.matches(re)"}
    ]}]});
    let message = Template::from_value(doc).expect_err("refused").to_string();
    assert!(message.contains("the pattern of `matches` must be written out"), "{message}");
}

#[test]
fn unknown_versions_and_malformed_text_are_errors() {
    let packed = Template::from_value(everything()).expect("valid").pack();
    assert!(packed.starts_with('1'));
    let message = |text: &str| match Template::unpack(text) {
        Err(Error::Packed(m)) => m,
        Err(e) => panic!("{text:?}: not a packed-template error: {e}"),
        Ok(_) => panic!("{text:?} unpacked"),
    };
    assert_eq!(message(""), "the text is empty");
    assert_eq!(message(&format!("2{}", &packed[1..])), "unknown format version `2`; this engine reads `1`");
    assert_eq!(message("é"), "unknown format version `é`; this engine reads `1`");
    assert_eq!(message("1{}"), "the text is not base64");
    assert!(message(&packed[..packed.len() - 3]).starts_with("malformed or truncated at byte"));
    assert!(message(&format!("{packed}AAAA")).starts_with("malformed or truncated at byte"));
    let huge = "1".to_owned() + &"A".repeat(interview_runtime::template::limits::MAX_PACKED_BYTES);
    assert!(message(&huge).contains("the most accepted is"));
}

#[test]
fn a_packed_template_that_does_not_check_is_an_invalid_template() {
    // Two questions with one id: written by hand as the packer would, by
    // packing a valid template and renaming one id (same length).
    let t = Template::from_value(json!({"format": "interview/1", "title": "T", "pages": [{"id": "p", "title": "P",
        "items": [{"type": "text", "id": "aa"}, {"type": "text", "id": "ab"}]}]}))
    .expect("valid");
    let packed = t.pack();
    let bytes = b64_decode(&packed[1..]);
    let at = bytes.windows(2).rposition(|w| w == b"ab").expect("the id is in the stream");
    let mut changed = bytes.clone();
    changed[at + 1] = b'a';
    let text = format!("1{}", b64_encode(&changed));
    assert!(matches!(Template::unpack(&text), Err(Error::InvalidTemplate(_))));
}

#[test]
fn a_packed_plan_that_does_not_fit_the_template_is_refused_natively() {
    let t = Template::from_value(json!({"format": "interview/1", "title": "T", "pages": [{"id": "p", "title": "P",
        "items": [{"type": "text", "id": "a"}, {"type": "text", "id": "b", "visible_if": "a != null"}]}]}))
    .expect("valid");
    let mut bytes = b64_decode(&t.pack()[1..]);
    // The stream ends with the plan's dependents; the last node (b's value) has none.
    assert_eq!(bytes.pop(), Some(0));
    // Give it one: page visibility depends on b's value, which the template does not say.
    bytes.extend([1, 0]);
    let text = format!("1{}", b64_encode(&bytes));
    match Template::unpack(&text) {
        Err(Error::Packed(m)) => assert_eq!(m, "the evaluation plan does not fit the template"),
        other => panic!("{:?}", other.map(|t| t.title)),
    }
}

/// Test helpers: base64 without padding, written plainly.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64_decode(text: &str) -> Vec<u8> {
    let sixes: Vec<u32> = text.bytes().map(|c| ALPHABET.iter().position(|a| *a == c).expect("base64") as u32).collect();
    let mut out = Vec::new();
    for chunk in sixes.chunks(4) {
        let group = chunk.iter().enumerate().fold(0u32, |g, (i, s)| g | s << (18 - 6 * i));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((group >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |g, (i, b)| g | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(group >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

#[test]
fn the_test_helpers_base64_agrees_with_the_packer() {
    let packed = Template::from_value(everything()).expect("valid").pack();
    assert_eq!(b64_encode(&b64_decode(&packed[1..])), packed[1..]);
}

/// Unpacking must answer (Ok or Err) without panicking; an Ok template must
/// also evaluate without panicking.
fn unpack_safely(text: &str) {
    if let Ok(t) = Template::unpack(text) {
        let _ = validate(&t, &AnswerSet::new(), today());
    }
}

#[test]
fn every_truncation_of_a_packed_template_is_an_error() {
    let packed = Template::from_value(everything()).expect("valid").pack();
    let bytes = b64_decode(&packed[1..]);
    for n in 0..bytes.len() {
        let text = format!("1{}", b64_encode(&bytes[..n]));
        assert!(Template::unpack(&text).is_err(), "cut at {n}");
    }
}

#[test]
fn every_single_byte_change_of_a_packed_template_unpacks_or_fails_cleanly() {
    let packed = Template::from_value(everything()).expect("valid").pack();
    let bytes = b64_decode(&packed[1..]);
    for at in 0..bytes.len() {
        for value in [0u8, 1, 2, 3, 7, 11, 0x7f, 0x80, 0xff, bytes[at] ^ 1, bytes[at].wrapping_add(1)] {
            let mut changed = bytes.clone();
            changed[at] = value;
            unpack_safely(&format!("1{}", b64_encode(&changed)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        unpack_safely(&format!("1{}", b64_encode(&bytes)));
    }

    #[test]
    fn random_text_never_panics(text in ".{0,200}") {
        unpack_safely(&text);
    }

    #[test]
    fn random_changes_to_a_packed_template_never_panic(
        changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let packed = Template::from_value(everything()).expect("valid").pack();
        let mut bytes = b64_decode(&packed[1..]);
        for (at, value) in changes {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep.max(bytes.len() / 2));
        unpack_safely(&format!("1{}", b64_encode(&bytes)));
    }
}
