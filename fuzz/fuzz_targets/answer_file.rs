//! Imports arbitrary bytes as a HotDocs answer file for the intake example:
//! never a panic; whatever imports exports and imports back the same.

#![no_main]

use std::sync::OnceLock;

use interview_runtime::answer_file::{export, import, import_bytes};
use interview_runtime::Template;
use libfuzzer_sys::fuzz_target;

fn template() -> Option<&'static Template> {
    static TEMPLATE: OnceLock<Option<Template>> = OnceLock::new();
    TEMPLATE.get_or_init(|| Template::from_json(include_str!("../../examples/templates/intake.json")).ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(template) = template() else { return };
    if let Ok(answers) = import_bytes(data, template) {
        let again = import(&export(&answers, template), template);
        assert_eq!(again.ok().as_ref(), Some(&answers));
    }
});
