//! Validates arbitrary JSON answer sets against the example templates: never a
//! panic, `valid` agrees with the errors, and normalising is idempotent.

#![no_main]

use std::sync::OnceLock;

use interview_runtime::date::Date;
use interview_runtime::validate::{normalise, validate};
use interview_runtime::{AnswerSet, Template};
use libfuzzer_sys::fuzz_target;

fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        [
            include_str!("../../examples/templates/intake.json"),
            include_str!("../../examples/templates/kyc.json"),
        ]
        .iter()
        .filter_map(|t| Template::from_json(t).ok())
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(answers) = serde_json::from_slice::<AnswerSet>(data) else { return };
    let Some(today) = Date::from_ymd(2026, 11, 24) else { return };
    for template in templates() {
        let report = validate(template, &answers, today);
        assert_eq!(report.valid, report.errors.is_empty());
        assert_eq!(normalise(template, &report.answers, today), report.answers);
    }
});
