//! The engine as its users drive it: templates checked, answer sets validated
//! and normalised, interviews re-evaluated after a change.

use crate::large;

use interview_runtime::date::Date;
use interview_runtime::interview::Interview;
use interview_runtime::validate::{normalise, validate, Code};
use interview_runtime::{AnswerSet, Error, Template};
use serde_json::{json, Value};

fn today() -> Date {
    Date::parse("2026-11-24").expect("a date")
}

/// The template of `doc`, which must check; every template of these tests
/// also goes through the packed form and must come back the same.
fn template(doc: Value) -> Template {
    match Template::from_value(doc) {
        Ok(t) => {
            crate::packed::round_trip(&t);
            t
        }
        Err(Error::InvalidTemplate(problems)) => panic!("template problems: {problems:#?}"),
        Err(e) => panic!("{e}"),
    }
}

fn problems(doc: Value) -> Vec<(String, String)> {
    match Template::from_value(doc) {
        Ok(_) => panic!("expected the template to be rejected"),
        Err(Error::InvalidTemplate(problems)) => problems.into_iter().map(|p| (p.path, p.message)).collect(),
        Err(e) => panic!("unexpected error {e}"),
    }
}

fn answers(v: Value) -> AnswerSet {
    match v {
        Value::Object(map) => map,
        _ => panic!("answers must be an object"),
    }
}

fn one_page(items: Value) -> Value {
    json!({"format": "interview/1", "title": "T", "pages": [{"id": "p", "title": "P", "items": items}]})
}

/// (path, code) of every error, in order.
fn codes(t: &Template, a: Value) -> Vec<(String, &'static str)> {
    validate(t, &answers(a), today()).errors.into_iter().map(|e| (e.path, e.code.as_str())).collect()
}

fn example(name: &str) -> String {
    let path = format!("{}/../examples/templates/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------- checking

#[test]
fn the_example_templates_are_valid() {
    for name in ["intake.json", "kyc.json", "large.json"] {
        if let Err(e) = Template::from_json(&example(name)) {
            panic!("{name}: {e:?}");
        }
    }
}

#[test]
fn the_committed_large_template_is_what_the_generator_makes() {
    let committed: Value = serde_json::from_str(&example("large.json")).expect("json");
    assert_eq!(committed, large::large_template(), "run `cargo test -p interview-runtime --test it regenerate -- --ignored`");
    let t = Template::from_value(committed).expect("valid");
    let questions = t.items.iter().filter(|i| i.kind.is_answerable()).count();
    let conditions = t.items.iter().filter(|i| i.visible_if.is_some()).count();
    assert_eq!((questions, conditions), (1000, 100));
}

#[test]
#[ignore = "writes examples/templates/large.json"]
fn regenerate() {
    let path = format!("{}/../examples/templates/large.json", env!("CARGO_MANIFEST_DIR"));
    let text = serde_json::to_string_pretty(&large::large_template()).expect("json");
    std::fs::write(path, text + "\n").expect("write");
}

#[test]
fn every_shape_problem_is_reported_with_its_path() {
    let found = problems(json!({
        "format": "interview/2",
        "pages": [
            {"id": "p", "items": [
                {"type": "txt", "id": "a"},
                {"type": "text", "id": "b", "colour": "red"},
                {"type": "number", "id": "c", "min": "zero"},
                {"type": "text", "id": "d", "pattern": "(unclosed"},
                {"type": "choice", "id": "e", "options": [], "display": "wheel"},
                {"type": "text", "id": "1bad"},
                {"type": "text", "id": "f", "visible_if": "a &&"}
            ]}
        ]
    }));
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "format",
        "title",
        "pages[0].items[0].type",
        "pages[0].items[1].colour",
        "pages[0].items[2].min",
        "pages[0].items[3].pattern",
        "pages[0].items[4].options",
        "pages[0].items[4].display",
        "pages[0].items[5].id",
        "pages[0].items[6].visible_if",
    ] {
        assert!(paths.contains(&expected), "no problem at {expected}: {found:#?}");
    }
    let unknown_type = &found.iter().find(|(p, _)| p == "pages[0].items[0].type").expect("found").1;
    assert!(unknown_type.contains("unknown item type `txt`"), "{unknown_type}");
    let unknown_option = &found.iter().find(|(p, _)| p == "pages[0].items[1].colour").expect("found").1;
    assert!(unknown_option.contains("unknown option `colour`"), "{unknown_option}");
}

#[test]
fn duplicate_ids_are_reported() {
    let found = problems(json!({"format": "interview/1", "title": "T", "pages": [
        {"id": "p", "items": [{"type": "text", "id": "a"}]},
        {"id": "p", "items": [{"type": "number", "id": "a"},
            {"type": "repeat", "id": "r", "items": [{"type": "text", "id": "x"}, {"type": "text", "id": "x"}]}]}
    ]}));
    assert!(found.iter().any(|(p, m)| p == "pages[1].id" && m.contains("`p` is used twice")), "{found:#?}");
    assert!(found.iter().any(|(p, m)| p == "pages[1].items[0].id" && m.contains("`a` is already used")), "{found:#?}");
    assert!(found.iter().any(|(p, _)| p == "pages[1].items[1].items[1].id"), "{found:#?}");
}

#[test]
fn a_repeat_child_may_reuse_an_outer_id() {
    template(one_page(json!([
        {"type": "text", "id": "name"},
        {"type": "repeat", "id": "r", "items": [{"type": "text", "id": "name"}]}
    ])));
}

#[test]
#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
fn a_pattern_made_from_answers_is_refused_and_written_out_ones_are_not() {
    let found = problems(one_page(json!([
        {"type": "text", "id": "code"},
        {"type": "text", "id": "shape"},
        {"type": "yes_no", "id": "nl"},
        {"type": "text", "id": "a", "visible_if": "code.matches(shape)"},
        {"type": "text", "id": "b", "visible_if": "matches(code, '^' + shape)"},
        {"type": "text", "id": "c", "visible_if": "code.matches(nl ? '^[0-9]{4}' : shape)"},
        {"type": "text", "id": "d", "visible_if": "code.matches(nl ? '^[0-9]{4}' : '^[0-9]{5}')"},
        {"type": "text", "id": "e", "visible_if": "matches(code, '^A') && shape.contains(code)"}
    ])));
    let at = |path: &str| found.iter().filter(|(p, _)| p == path).map(|(_, m)| m.clone()).collect::<Vec<_>>().join(" | ");
    for (item, column) in [(3, 14), (4, 15), (5, 14)] {
        let message = at(&format!("pages[0].items[{item}].visible_if"));
        assert!(message.contains("the pattern of `matches` must be written out"), "{found:#?}");
        assert!(message.contains(&format!("column {column}:")), "{message}");
    }
    assert_eq!(at("pages[0].items[6].visible_if"), "", "{found:#?}");
    assert_eq!(at("pages[0].items[7].visible_if"), "", "{found:#?}");
    assert_eq!(found.len(), 3, "{found:#?}");
}

#[test]
// On wasm32 the static type check is the `checker` feature (on by default; the browser leaves it off).
#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
fn expressions_naming_unknown_ids_or_of_the_wrong_type_are_rejected() {
    let found = problems(one_page(json!([
        {"type": "number", "id": "age"},
        {"type": "text", "id": "a", "visible_if": "agee > 3"},
        {"type": "text", "id": "b", "visible_if": "age + 1"},
        {"type": "text", "id": "c", "required_if": "a * 2 > 1"},
        {"type": "computed", "id": "d", "expr": "size(age)"},
        {"type": "note", "text": "Hello {{nobody}}"}
    ])));
    let at = |path: &str| found.iter().filter(|(p, _)| p == path).map(|(_, m)| m.clone()).collect::<Vec<_>>().join(" | ");
    assert!(at("pages[0].items[1].visible_if").contains("agee"), "{found:#?}");
    assert!(at("pages[0].items[2].visible_if").contains("must give true or false"), "{found:#?}");
    assert!(!at("pages[0].items[3].required_if").is_empty(), "{found:#?}");
    assert!(!at("pages[0].items[4].expr").is_empty(), "{found:#?}");
    assert!(at("pages[0].items[5].text").contains("nobody"), "{found:#?}");
}

#[test]
fn cycles_between_computed_values_are_rejected() {
    let found = problems(one_page(json!([
        {"type": "computed", "id": "a", "expr": "b + 1"},
        {"type": "computed", "id": "b", "expr": "a + 1"},
        {"type": "computed", "id": "c", "expr": "1"}
    ])));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].1.contains("cycle") && found[0].1.contains("`a`") && found[0].1.contains("`b`"), "{found:#?}");
}

#[test]
fn a_question_whose_visibility_depends_on_itself_is_a_cycle() {
    let found = problems(one_page(json!([{"type": "text", "id": "a", "visible_if": "a == 'x'"}])));
    assert!(found.iter().any(|(_, m)| m.contains("cycle")), "{found:#?}");
}

#[test]
fn defaults_must_fit_their_question() {
    let found = problems(one_page(json!([
        {"type": "number", "id": "n", "default": "three"},
        {"type": "choice", "id": "c", "options": ["a", "b"], "default": "z"},
        {"type": "date", "id": "d", "default": "2023-02-29"}
    ])));
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["pages[0].items[0].default", "pages[0].items[1].default", "pages[0].items[2].default"]);
}

#[test]
fn hostile_templates_are_bounded() {
    // Deeply nested repeats.
    let mut item = json!({"type": "text", "id": "leaf"});
    for depth in 0..40 {
        item = json!({"type": "repeat", "id": format!("r{depth}"), "items": [item]});
    }
    let found = problems(one_page(json!([item])));
    assert!(found.iter().any(|(_, m)| m.contains("nested")), "{found:#?}");

    // JSON nested beyond the parser's limit is refused, not a stack overflow.
    let deep = "[".repeat(100_000);
    assert!(matches!(Template::from_json(&deep), Err(Error::Json(_))));

    // A huge expression.
    let long = vec!["1"; 5000].join(" + ");
    let found = problems(one_page(json!([{"type": "computed", "id": "x", "expr": long}])));
    assert!(!found.is_empty());

    // A pathological pattern is either refused or matched in linear time.
    let t = Template::from_value(one_page(json!([{"type": "text", "id": "a", "pattern": "(a+)+$"}])));
    if let Ok(t) = t {
        let report = validate(&t, &answers(json!({"a": format!("{}!", "a".repeat(50_000))})), today());
        assert_eq!(report.errors[0].code, Code::Pattern);
    }

    // Too many items.
    let items: Vec<Value> = (0..10_001).map(|n| json!({"type": "yes_no", "id": format!("q{n}")})).collect();
    let found = problems(one_page(Value::Array(items)));
    assert!(found.iter().any(|(_, m)| m.contains("at most 10000 items")), "{found:#?}");
}

#[test]
fn not_json_is_a_json_error() {
    assert!(matches!(Template::from_json("{"), Err(Error::Json(_))));
    assert!(matches!(Template::from_json("[]"), Err(Error::InvalidTemplate(_))));
}

// ---------------------------------------------------------------- validation

#[test]
fn required_questions() {
    let t = template(one_page(json!([
        {"type": "text", "id": "a", "label": "Name", "required": true},
        {"type": "multi_choice", "id": "b", "required": true, "options": ["x"]},
        {"type": "yes_no", "id": "c", "required": true}
    ])));
    assert_eq!(
        codes(&t, json!({"a": "  ", "b": []})),
        [("a".into(), "required"), ("b".into(), "required"), ("c".into(), "required")]
    );
    assert!(codes(&t, json!({"a": "x", "b": ["x"], "c": false})).is_empty());
    let report = validate(&t, &answers(json!({})), today());
    assert_eq!(report.errors[0].message, "Enter Name.");
    assert!(!report.valid);
}

#[test]
fn required_if_follows_other_answers() {
    let t = template(one_page(json!([
        {"type": "choice", "id": "job", "options": ["employed", "retired"]},
        {"type": "number", "id": "income", "required_if": "job == 'employed'"}
    ])));
    assert_eq!(codes(&t, json!({"job": "employed"})), [("income".into(), "required")]);
    assert!(codes(&t, json!({"job": "retired"})).is_empty());
    assert!(codes(&t, json!({})).is_empty());
}

#[test]
fn hidden_questions_are_neither_validated_nor_kept() {
    let t = template(json!({"format": "interview/1", "title": "T", "pages": [
        {"id": "p1", "items": [
            {"type": "yes_no", "id": "has_partner"},
            {"type": "text", "id": "partner_name", "required": true, "visible_if": "has_partner", "max_length": 3}
        ]},
        {"id": "p2", "visible_if": "has_partner == true", "items": [{"type": "text", "id": "wedding", "required": true}]}
    ]}));
    let report = validate(&t, &answers(json!({"has_partner": false, "partner_name": "far too long", "wedding": "x"})), today());
    assert!(report.valid, "{:?}", report.errors);
    assert_eq!(Value::Object(report.answers), json!({"has_partner": false}));

    assert_eq!(
        codes(&t, json!({"has_partner": true, "partner_name": "far too long"})),
        [("partner_name".into(), "too_long"), ("wedding".into(), "required")]
    );
}

#[test]
fn text_rules() {
    let t = template(one_page(json!([
        {"type": "text", "id": "a", "min_length": 3, "max_length": 5},
        {"type": "text", "id": "b", "pattern": "[A-Z]{2}[0-9]{2}", "pattern_message": "Like AB12."}
    ])));
    assert_eq!(codes(&t, json!({"a": "ab"})), [("a".into(), "too_short")]);
    assert_eq!(codes(&t, json!({"a": "abcdef"})), [("a".into(), "too_long")]);
    assert!(codes(&t, json!({"a": "Åsa"})).is_empty(), "lengths count characters, not bytes");
    // The pattern must match the whole answer.
    assert_eq!(codes(&t, json!({"b": "xAB12x"})), [("b".into(), "pattern")]);
    assert!(codes(&t, json!({"b": " AB12 "})).is_empty(), "answers are trimmed first");
    let report = validate(&t, &answers(json!({"b": "12"})), today());
    assert_eq!(report.errors[0].message, "Like AB12.");
}

#[test]
fn number_rules() {
    let t = template(one_page(json!([
        {"type": "number", "id": "n", "min": 18, "max": 130, "integer": true},
        {"type": "number", "id": "s", "step": 0.1}
    ])));
    assert_eq!(codes(&t, json!({"n": 17})), [("n".into(), "too_small")]);
    assert_eq!(codes(&t, json!({"n": 131})), [("n".into(), "too_large")]);
    assert_eq!(codes(&t, json!({"n": 20.5})), [("n".into(), "not_integer")]);
    assert_eq!(codes(&t, json!({"n": "20"})), [("n".into(), "wrong_type")]);
    assert!(codes(&t, json!({"s": 0.3})).is_empty());
    assert_eq!(codes(&t, json!({"s": 0.35})), [("s".into(), "step_mismatch")]);
}

#[test]
fn date_rules() {
    let t = template(one_page(json!([
        {"type": "date", "id": "born", "max": "today", "min": "1900-01-01"}
    ])));
    assert_eq!(codes(&t, json!({"born": "2026-11-25"})), [("born".into(), "too_large")]);
    assert!(codes(&t, json!({"born": "2026-11-24"})).is_empty());
    assert_eq!(codes(&t, json!({"born": "1899-12-31"})), [("born".into(), "too_small")]);
    assert_eq!(codes(&t, json!({"born": "2023-02-29"})), [("born".into(), "invalid_date")]);
    assert_eq!(codes(&t, json!({"born": "24/11/2026"})), [("born".into(), "invalid_date")]);
}

#[test]
fn email_and_phone_rules() {
    let t = template(one_page(json!([
        {"type": "email", "id": "e"},
        {"type": "phone", "id": "p", "region": "GB"},
        {"type": "phone", "id": "q"}
    ])));
    assert_eq!(codes(&t, json!({"e": "not an email"})), [("e".into(), "invalid_email")]);
    assert_eq!(codes(&t, json!({"p": "call me"})), [("p".into(), "invalid_phone")]);
    assert_eq!(codes(&t, json!({"q": "020 7946 0958"})), [("q".into(), "invalid_phone")]);
    let report = validate(&t, &answers(json!({"e": " Jo@Example.COM ", "p": "020 7946 0958", "q": "+1 (415) 555-2671"})), today());
    assert!(report.valid, "{:?}", report.errors);
    assert_eq!(
        Value::Object(report.answers),
        json!({"e": "Jo@example.com", "p": "+442079460958", "q": "+14155552671"})
    );
}

#[test]
fn choice_rules() {
    let t = template(one_page(json!([
        {"type": "choice", "id": "c", "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        {"type": "multi_choice", "id": "m", "options": ["x", "y", "z"], "min_selected": 2, "max_selected": 2}
    ])));
    assert_eq!(codes(&t, json!({"c": "z"})), [("c".into(), "not_an_option")]);
    assert_eq!(codes(&t, json!({"m": ["x"]})), [("m".into(), "too_few")]);
    assert_eq!(codes(&t, json!({"m": ["x", "y", "z"]})), [("m".into(), "too_many")]);
    assert_eq!(codes(&t, json!({"m": ["x", "q"]})), [("m".into(), "not_an_option")]);
    assert_eq!(codes(&t, json!({"m": ["x", 1]})), [("m".into(), "wrong_type")]);
    // Repeated selections count once.
    assert_eq!(codes(&t, json!({"m": ["x", "x"]})), [("m".into(), "too_few")]);
}

fn file(name: &str, size: u64, content_type: &str) -> Value {
    json!({"file_id": format!("f-{name}"), "name": name, "size": size, "content_type": content_type, "sha256": "00"})
}

#[test]
fn file_rules() {
    let t = template(one_page(json!([
        {"type": "file", "id": "f", "accept": ["application/pdf", "image/*"], "max_bytes": 1000, "max_files": 2}
    ])));
    assert!(codes(&t, json!({"f": [file("a.pdf", 10, "application/pdf"), file("b.png", 10, "image/png")]})).is_empty());
    assert_eq!(codes(&t, json!({"f": [file("a.exe", 10, "application/x-msdownload")]})), [("f".into(), "file_type")]);
    assert_eq!(codes(&t, json!({"f": [file("a.pdf", 1001, "application/pdf")]})), [("f".into(), "file_too_large")]);
    let three = json!({"f": [file("a.pdf", 1, "application/pdf"), file("b.pdf", 1, "application/pdf"), file("c.pdf", 1, "application/pdf")]});
    assert_eq!(codes(&t, three), [("f".into(), "too_many")]);
    assert_eq!(codes(&t, json!({"f": [{"name": "a.pdf"}]})), [("f".into(), "wrong_type")]);
}

#[test]
fn repeats_validate_each_entry_with_sibling_scope() {
    let t = template(one_page(json!([
        {"type": "repeat", "id": "children", "min_items": 1, "max_items": 2, "items": [
            {"type": "text", "id": "name", "required": true},
            {"type": "yes_no", "id": "at_school"},
            {"type": "text", "id": "school", "required": true, "visible_if": "at_school"}
        ]},
        {"type": "computed", "id": "count", "expr": "size(children)"},
        {"type": "computed", "id": "first", "expr": "children[0].name"}
    ])));
    assert_eq!(
        codes(&t, json!({"children": [{"name": "Ann", "at_school": true}, {"at_school": false, "school": "gone", "pet": 1}]})),
        [
            ("children[0].school".into(), "required"),
            ("children[1].name".into(), "required"),
            ("children[1].pet".into(), "unknown_field")
        ]
    );
    assert_eq!(codes(&t, json!({})), [("children".into(), "too_few")]);
    assert_eq!(codes(&t, json!({"children": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})), [("children".into(), "too_many")]);
    assert_eq!(codes(&t, json!({"children": ["Ann"]})), [("children".into(), "wrong_type")]);

    let report = validate(&t, &answers(json!({"children": [{"name": "Ann", "at_school": false, "school": "x"}, {"name": "Bo"}]})), today());
    assert!(report.valid, "{:?}", report.errors);
    assert_eq!(Value::Object(report.answers), json!({"children": [{"name": "Ann", "at_school": false}, {"name": "Bo"}]}));
    assert_eq!(Value::Object(report.computed), json!({"count": 2, "first": "Ann"}));
}

#[test]
fn checks_report_their_message() {
    let t = template(one_page(json!([
        {"type": "date", "id": "start"},
        {"type": "date", "id": "end", "checks": [{"rule": "end > start", "message": "The end must be after the start."}]}
    ])));
    let report = validate(&t, &answers(json!({"start": "2026-01-02", "end": "2026-01-01"})), today());
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].code, Code::CheckFailed);
    assert_eq!(report.errors[0].message, "The end must be after the start.");
    // A rule on unanswered questions gives null, which passes.
    assert!(codes(&t, json!({"end": "2026-01-01"})).is_empty());
}

#[test]
fn unknown_fields_are_reported_last_and_dropped() {
    let t = template(one_page(json!([
        {"type": "text", "id": "a", "required": true},
        {"type": "computed", "id": "c", "expr": "1"}
    ])));
    let report = validate(&t, &answers(json!({"zeta": 1, "alpha": 2, "c": 5})), today());
    let got: Vec<(String, &str)> = report.errors.iter().map(|e| (e.path.clone(), e.code.as_str())).collect();
    assert_eq!(got, [("a".into(), "required"), ("alpha".into(), "unknown_field"), ("zeta".into(), "unknown_field")]);
    assert!(report.answers.is_empty(), "computed values sent by a client are dropped, not kept");
    assert_eq!(Value::Object(report.computed), json!({"c": 1}));
}

#[test]
fn wrong_types_are_reported_not_panicked_on() {
    let t = template(serde_json::from_str::<Value>(&example("intake.json")).expect("json"));
    let report = validate(
        &t,
        &answers(json!({"full_name": 5, "born": true, "children": {"a": 1}, "goals": "tax", "has_partner": "yes"})),
        today(),
    );
    let wrong: Vec<&str> = report.errors.iter().filter(|e| e.code == Code::WrongType).map(|e| e.path.as_str()).collect();
    assert_eq!(wrong, ["full_name", "born", "has_partner", "children", "goals"]);
}

#[test]
fn the_intake_example_validates_a_real_answer_set() {
    let t = Template::from_json(&example("intake.json")).expect("valid");
    let good = answers(json!({
        "title": "ms", "full_name": "Åsa Öberg", "born": "1980-05-17", "email": "asa@example.se",
        "mobile": "07700 900123", "postcode": "SW1A 1AA",
        "has_partner": true, "partner_name": "Per",
        "children": [{"name": "Liv", "born": "2012-03-01", "lives_with_you": true}],
        "employment": "employed", "income": 52000, "goals": ["will", "tax"], "consent": true
    }));
    let report = validate(&t, &good, today());
    assert!(report.valid, "{:#?}", report.errors);
    assert_eq!(report.computed.get("age"), Some(&json!(46)));
    assert_eq!(report.computed.get("child_count"), Some(&json!(1)));
    assert_eq!(report.answers.get("mobile"), Some(&json!("+447700900123")));

    let mut bad = good.clone();
    bad.insert("consent".into(), json!(false));
    bad.insert("employment".into(), json!("self_employed"));
    bad.remove("income");
    let got: Vec<(String, &str)> = validate(&t, &bad, today()).errors.iter().map(|e| (e.path.clone(), e.code.as_str())).collect();
    assert_eq!(got, [("income".into(), "required"), ("consent".into(), "check_failed")]);
}

#[test]
fn normalising_twice_changes_nothing() {
    let t = Template::from_json(&example("intake.json")).expect("valid");
    let messy = answers(json!({
        "full_name": "  Ann  ", "has_partner": false, "partner_name": "hidden", "mobile": "07700 900123",
        "children": [{"name": " Liv ", "pet": "cat"}, {}], "goals": ["tax", "tax"], "unknown": 1, "age": 99
    }));
    let once = normalise(&t, &messy, today());
    let twice = normalise(&t, &once, today());
    assert_eq!(once, twice);
    assert_eq!(
        Value::Object(once),
        json!({"full_name": "Ann", "has_partner": false, "mobile": "+447700900123",
               "children": [{"name": "Liv"}, {}], "goals": ["tax"]})
    );
}

#[test]
fn errors_come_in_the_same_order_every_time() {
    let t = Template::from_json(&example("large.json")).expect("valid");
    let mut a = large::large_answers();
    for n in (0..1000).step_by(7) {
        a.insert(format!("q{n}"), json!({"nonsense": n}));
    }
    let first = validate(&t, &a, today());
    for _ in 0..3 {
        assert_eq!(validate(&t, &a, today()), first);
    }
    let paths: Vec<&str> = first.errors.iter().map(|e| e.path.as_str()).collect();
    let mut numbered: Vec<usize> = paths.iter().map(|p| p[1..].parse::<usize>().expect("q<n>")).collect();
    let sorted = {
        let mut s = numbered.clone();
        s.sort();
        s
    };
    assert_eq!(numbered, sorted, "errors follow the document order");
    numbered.dedup();
    assert!(numbered.len() > 100);
}

// ---------------------------------------------------------------- interview evaluation

#[test]
fn an_interview_updates_visibility_values_and_notes_after_one_change() {
    let t = Template::from_json(&example("intake.json")).expect("valid");
    let mut iv = Interview::new(&t, AnswerSet::new(), today());
    let has_partner = t.top_level("has_partner").expect("id");
    let partner_name = t.top_level("partner_name").expect("id");
    let age = t.top_level("age").expect("id");
    let born = t.top_level("born").expect("id");
    let full_name = t.top_level("full_name").expect("id");
    let note = t.items_with_ids().find(|(_, i)| i.kind.type_name() == "note").map(|(id, _)| id).expect("a note");

    assert!(!iv.is_visible(partner_name, &[]));
    let changes = iv.set(has_partner, &[], json!(true));
    assert!(iv.is_visible(partner_name, &[]));
    assert!(changes.items.contains(&(partner_name, vec![])), "{changes:?}");
    assert!(!changes.everything);

    iv.set(born, &[], json!("2000-11-25"));
    assert_eq!(iv.value(age, &[]), interview_runtime::Value::Number(25.0));

    iv.set(full_name, &[], json!("Ann"));
    assert_eq!(iv.note_text(note, &[]), "Thanks Ann, a few more questions about your family.");

    let children = t.top_level("children").expect("id");
    let child_count = t.top_level("child_count").expect("id");
    assert_eq!(iv.add_entry(children, &[]), Some(0));
    assert_eq!(iv.add_entry(children, &[]), Some(1));
    assert_eq!(iv.value(child_count, &[]), interview_runtime::Value::Number(2.0));
    let name = t.child(children, "name").expect("child");
    iv.set(name, &[1], json!("Bo"));
    assert!(iv.move_entry(children, &[], 1, 0));
    assert_eq!(iv.raw(name, &[0]), Some(&json!("Bo")));
    assert!(iv.remove_entry(children, &[], 0));
    assert_eq!(iv.value(child_count, &[]), interview_runtime::Value::Number(1.0));
}

#[test]
fn incremental_evaluation_agrees_with_a_full_one() {
    let t = Template::from_json(&example("large.json")).expect("valid");
    let mut iv = Interview::new(&t, large::large_answers(), today());
    for (n, value) in [(0, json!(false)), (40, json!(false)), (2, json!(999)), (20, json!(true)), (0, json!(null))] {
        let id = t.top_level(&format!("q{n}")).expect("id");
        let changes = iv.set(id, &[], value);
        assert!(!changes.everything);
        let fresh = Interview::new(&t, iv.answers().clone(), today());
        assert_eq!(validate(&t, iv.answers(), today()), interview_runtime::validate::report(&fresh, interview_runtime::Locale::En));
        for (id, item) in t.items_with_ids() {
            if item.depth == 0 {
                assert_eq!(iv.is_visible(id, &[]), fresh.is_visible(id, &[]), "{}", item.id_str());
                assert_eq!(iv.value(id, &[]), fresh.value(id, &[]), "{}", item.id_str());
            }
        }
    }
}

#[test]
fn a_change_touches_only_what_depends_on_it() {
    let t = Template::from_json(&example("large.json")).expect("valid");
    let mut iv = Interview::new(&t, large::large_answers(), today());
    // q0 gates five questions on the next page.
    let changes = iv.set(t.top_level("q0").expect("id"), &[], json!(false));
    let names: Vec<&str> = changes.items.iter().map(|(id, _)| t.item(*id).id_str()).collect();
    assert_eq!(names, ["q0", "q24", "q29", "q34", "q39"], "q0 and the four questions it shows or hides");
    // q1 gates nothing.
    let changes = iv.set(t.top_level("q1").expect("id"), &[], json!("changed"));
    assert_eq!(changes.items.len(), 1);
}

// ---------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON value, small enough to be quick, with strings that look like answers now and then.
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            (-1e6f64..1e6).prop_map(|n| json!(n)),
            prop_oneof![
                Just("2026-02-29".to_owned()),
                Just("1990-01-31".to_owned()),
                Just("a@b.co".to_owned()),
                Just("+44 20 7946 0958".to_owned()),
                Just("employed".to_owned()),
                Just("gift".to_owned()),
                "[ -~]{0,12}",
                "\\PC{0,8}",
            ]
            .prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(key(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Keys: mostly real ids of the example templates, sometimes not.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "title", "full_name", "born", "age", "email", "mobile", "postcode", "has_partner", "partner_name",
                "children", "name", "lives_with_you", "employment", "income", "goals", "notes", "consent",
                "id_type", "id_document", "id_back", "sources", "gifts", "giver", "amount", "letter",
            ])
            .prop_map(str::to_owned),
            "[a-z_]{1,6}",
        ]
    }

    fn answer_set() -> impl Strategy<Value = AnswerSet> {
        prop::collection::btree_map(key(), json_value(), 0..12).prop_map(|m| m.into_iter().collect())
    }

    fn examples() -> Vec<Template> {
        ["intake.json", "kyc.json"].iter().map(|n| Template::from_json(&example(n)).expect("valid")).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn validation_never_panics_and_normalising_is_idempotent(answers in answer_set()) {
            for t in examples() {
                let report = validate(&t, &answers, today());
                prop_assert_eq!(report.valid, report.errors.is_empty());
                let again = normalise(&t, &report.answers, today());
                prop_assert_eq!(&again, &report.answers);
                // Whatever was wrong, normalised answers never carry unknown fields.
                let second = validate(&t, &report.answers, today());
                prop_assert!(second.errors.iter().all(|e| e.code != Code::UnknownField));
            }
        }

        #[test]
        fn template_reading_never_panics(doc in json_value()) {
            let _ = Template::from_value(json!({"format": "interview/1", "title": "T", "pages": [{"id": "p", "items": [doc]}]}));
        }
    }
}

#[test]
fn duplicate_and_cycle_problems_keep_their_exact_wording_and_order() {
    // The host compares these messages; pinned word for word.
    let found = problems(json!({"format": "interview/1", "title": "T", "pages": [
        {"id": "p", "items": [{"type": "text", "id": "a"}, {"type": "note", "id": "n", "text": "x"}]},
        {"id": "p", "items": [{"type": "number", "id": "a"}, {"type": "text", "id": "n"},
            {"type": "repeat", "id": "r", "items": [{"type": "text", "id": "x"}, {"type": "text", "id": "x"}]}]},
        {"id": "q", "visible_if": "c > 1", "items": [
            {"type": "computed", "id": "b", "expr": "c + 1"},
            {"type": "computed", "id": "c", "expr": "d + b"},
            {"type": "text", "id": "d", "visible_if": "b > 0"}]}
    ]}));
    let expected = [
        ("pages[1].id", "the page id `p` is used twice"),
        ("pages[1].items[0].id", "the id `a` is already used by pages[0].items[0]"),
        ("pages[1].items[1].id", "the id `n` is already used by pages[0].items[1]"),
        ("pages[1].items[2].items[1].id", "the id `x` is already used by pages[1].items[2].items[0]"),
        (
            "pages[2].items[1].visible_if",
            "a cycle: `c` → page `q` → `c` depend on each other (through computed values or visible_if), so none can \
             be worked out",
        ),
    ]
    .map(|(p, m)| (p.to_owned(), m.to_owned()));
    assert_eq!(found, expected.to_vec());
}
