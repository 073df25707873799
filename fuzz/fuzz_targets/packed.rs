//! Unpacks arbitrary input as a packed template (`Template::unpack`): as the
//! body after the version character and as text of its own. It must be
//! accepted or rejected, never panic, hang or allocate without bound; an
//! accepted template must evaluate against no answers.

#![no_main]

use interview_runtime::date::Date;
use interview_runtime::validate::validate;
use interview_runtime::{AnswerSet, Template};
use libfuzzer_sys::fuzz_target;

/// Standard base64 without padding, as the packed form writes its body.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |g, (i, b)| g | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(group >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

fn unpack(text: &str) {
    if let Ok(template) = Template::unpack(text) {
        if let Some(today) = Date::from_ymd(2026, 11, 24) {
            let _ = validate(&template, &AnswerSet::new(), today);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    unpack(&format!("1{}", base64(data)));
    if let Ok(text) = std::str::from_utf8(data) {
        unpack(text);
    }
});
