//! Reads arbitrary bytes as a template: it must be accepted or rejected with
//! problems, never panic or hang; an accepted template must evaluate against
//! no answers.

#![no_main]

use interview_runtime::date::Date;
use interview_runtime::validate::validate;
use interview_runtime::{AnswerSet, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(template) = Template::from_json(text) {
        if let Some(today) = Date::from_ymd(2026, 11, 24) {
            let _ = validate(&template, &AnswerSet::new(), today);
        }
    }
});
