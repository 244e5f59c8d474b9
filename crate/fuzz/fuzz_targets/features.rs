//! The emotion model's featuriser on any text: no panic, at least one
//! feature, ids in range, weights that sum to one.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    linesman::fuzzing::check_features(text);
});
