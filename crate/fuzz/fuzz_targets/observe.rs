//! The whole `observe` path: any text, split into messages of any role and
//! timestamp, through the richest built-in playbook; never a panic, spans
//! always usable on the original text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linesman::{Engine, EventKind, Message, Playbook, Role};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(Playbook::builtin("retail-zh").unwrap()))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut conv = engine().conversation();
    let mut ts = 1_700_000_000_000u64;
    for (i, part) in text.split('\n').enumerate() {
        let role = [Role::Agent, Role::Customer, Role::System][part.len() % 3];
        ts = ts.wrapping_add((part.len() as u64) * 7_919);
        let msg = Message { role, text: part.to_string(), ts: (i % 4 != 3).then_some(ts) };
        for e in conv.observe(&msg) {
            let span = match &e.kind {
                EventKind::Banned { span, .. } | EventKind::Pii { span, .. } | EventKind::RequiredMet { span, .. } => span,
                _ => continue,
            };
            assert!(part.is_char_boundary(span.byte_start) && part.is_char_boundary(span.byte_end));
            assert!(span.start <= span.end && span.end <= part.encode_utf16().count());
        }
        if i % 5 == 4 {
            conv.tick(ts.wrapping_add(120_000));
        }
    }
    conv.end(Some(ts));
    conv.summary();
});
