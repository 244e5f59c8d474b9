//! The normaliser on any text: no panic, offsets on char boundaries, and
//! normalising twice changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    linesman::fuzzing::check_normalize(text);
});
