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

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_large_template_checks_the_same_everywhere() {
    let template = Template::from_json(include_str!("../../examples/templates/large.json")).expect("valid");
    assert_eq!(template.items.len(), 1005);
    let got = template.fingerprint() + "\n";
    expect_file("large-fingerprint.txt", include_str!("data/large-fingerprint.txt"), &got);
}
