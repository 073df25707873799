//! Tests that run both natively and in the browser (wasm32, headless Chromium):
//! the same template and answers must give the same report, byte for byte, on
//! every platform. The expected reports are committed files.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use interview_runtime::date::Date;
use interview_runtime::validate::validate;
use interview_runtime::{AnswerSet, Template};

/// Compares with a committed file; natively, `BLESS=1` rewrites the file instead.
fn expect_file(name: &str, expected: &str, got: &str) {
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("BLESS").is_some() {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, got).expect("write");
        return;
    }
    assert_eq!(got, expected, "{name} differs (BLESS=1 rewrites it after a deliberate change)");
}

fn report_text(template: &str, answers: &str) -> String {
    let template = Template::from_json(template).expect("valid template");
    let answers: AnswerSet = serde_json::from_str(answers).expect("answers");
    let today = Date::parse("2026-11-24").expect("date");
    serde_json::to_string_pretty(&validate(&template, &answers, today)).expect("json") + "\n"
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn intake_report_is_the_same_everywhere() {
    let got = report_text(
        include_str!("../../examples/templates/intake.json"),
        include_str!("../../examples/answers/intake.json"),
    );
    expect_file("intake-report.json", include_str!("data/intake-report.json"), &got);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn kyc_report_is_the_same_everywhere() {
    let got = report_text(
        include_str!("../../examples/templates/kyc.json"),
        include_str!("../../examples/answers/kyc.json"),
    );
    expect_file("kyc-report.json", include_str!("data/kyc-report.json"), &got);
}

/// The report of `answers` against `template` read from JSON, packed and
/// unpacked: in the browser's build (wasm without `checker`) that is the
/// packed plan, unchecked, that the interview page uses.
fn unpacked_report_text(template: &str, answers: &str) -> String {
    let template = Template::from_json(template).expect("valid template");
    let unpacked = Template::unpack(&template.pack()).expect("unpacks");
    assert_eq!(unpacked.fingerprint(), template.fingerprint());
    let answers: AnswerSet = serde_json::from_str(answers).expect("answers");
    let today = Date::parse("2026-11-24").expect("date");
    serde_json::to_string_pretty(&validate(&unpacked, &answers, today)).expect("json") + "\n"
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_unpacked_template_reports_the_same_everywhere() {
    let got = unpacked_report_text(
        include_str!("../../examples/templates/intake.json"),
        include_str!("../../examples/answers/intake.json"),
    );
    assert_eq!(got, include_str!("data/intake-report.json"));
    let got = unpacked_report_text(
        include_str!("../../examples/templates/kyc.json"),
        include_str!("../../examples/answers/kyc.json"),
    );
    assert_eq!(got, include_str!("data/kyc-report.json"));
    let got = unpacked_report_text(include_str!("../../examples/templates/large.json"), "{}");
    let want = report_text(include_str!("../../examples/templates/large.json"), "{}");
    assert_eq!(got, want);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_large_template_checks_the_same_everywhere() {
    let template = Template::from_json(include_str!("../../examples/templates/large.json")).expect("valid");
    assert_eq!(template.items.len(), 1005);
    let got = template.fingerprint() + "\n";
    expect_file("large-fingerprint.txt", include_str!("data/large-fingerprint.txt"), &got);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn remainders_are_the_platforms_own() {
    // The engine computes `%` itself (not through the platform's fmod, to save
    // code in the browser): on each platform it must give the platform's bits.
    use interview_runtime::expr::{eval, parse, Context};
    use interview_runtime::pattern::Patterns;
    use interview_runtime::Value;
    use std::collections::BTreeMap;

    let expr = parse("a % b").expect("parses");
    let today = Date::parse("2026-11-24").expect("date");
    let specials = [0.0, -0.0, 1.0, -2.5, 0.1, 1e300, 5e-324, f64::MAX, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
    let mut pairs: Vec<(f64, f64)> = specials.iter().flat_map(|a| specials.iter().map(move |b| (*a, *b))).collect();
    // xorshift64: random bit patterns and nearby magnitudes, the same on every platform.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..5_000 {
        pairs.push((f64::from_bits(next()), f64::from_bits(next())));
        pairs.push(((next() % 2_000_000) as f64 / 7.0 - 1e5, (next() % 20_000) as f64 / 3.0 - 3e3));
    }
    for (a, b) in pairs {
        let scope = BTreeMap::from([("a".to_owned(), Value::Number(a)), ("b".to_owned(), Value::Number(b))]);
        let got = eval(&expr, &Context { scope: &scope, today, patterns: &Patterns::compiling() });
        let want = a % b;
        let same = match got {
            Value::Number(n) => n.to_bits() == want.to_bits() || (n.is_nan() && want.is_nan()),
            _ => false,
        };
        assert!(same, "{a:e} % {b:e}: {got:?}, the platform's {want:e}");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn json_reads_and_writes_the_same_everywhere() {
    // The browser reads and writes JSON text with the engine's own reader and
    // writer (`interview_runtime::json`): floats must read to the same bits and
    // print the same digits in wasm as natively, as serde_json prints them.
    use interview_runtime::json;
    let text = r#"{"a":[0.1,1e-7,1.7976931348623157e308,5e-324,-0.0,1.0,123456.789,0.30000000000000004],"b":"é\u0001\"\\😀","c":[18446744073709551615,-9223372036854775808,12345678901234567890123]}"#;
    let value = json::parse(text).expect("reads");
    let written = json::to_string(&value);
    assert_eq!(written, r#"{"a":[0.1,1e-7,1.7976931348623157e+308,5e-324,-0.0,1.0,123456.789,0.30000000000000004],"b":"é\u0001\"\\😀","c":[18446744073709551615,-9223372036854775808,1.2345678901234568e+22]}"#);
    assert_eq!(Some(written), serde_json::to_string(&value).ok());
    // xorshift64 bit patterns: written, read back to the same bits.
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    for _ in 0..5_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let Some(number) = serde_json::Number::from_f64(f64::from_bits(state)) else { continue };
        let text = json::to_string(&serde_json::Value::Number(number.clone()));
        let back = json::parse(&text).ok().and_then(|v| v.as_f64());
        assert_eq!(back.map(f64::to_bits), number.as_f64().map(f64::to_bits), "{text}");
    }
}
