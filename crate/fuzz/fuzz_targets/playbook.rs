//! Any bytes as a playbook: refused with errors or accepted, never a panic;
//! an accepted playbook compiles into an engine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match linesman::Playbook::from_json(text) {
        Ok(pb) => {
            let engine = linesman::Engine::new(pb);
            engine.check_draft(text);
        }
        Err(errors) => assert!(!errors.0.is_empty()),
    }
});
