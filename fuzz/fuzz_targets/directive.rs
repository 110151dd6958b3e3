//! `directive::find` on any text: no panic, and sound results (the checks
//! of `mdbook_exec::testing::check_find`, shared with the property tests).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    if let Err(e) = mdbook_exec::testing::check_find(src) {
        panic!("{e}");
    }
});
