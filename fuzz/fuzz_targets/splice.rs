//! `splice::expand` on any text: no panic, and every byte outside the
//! directives kept (the checks of `mdbook_exec::testing::check_expand`,
//! shared with the property tests).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    if let Err(e) = mdbook_exec::testing::check_expand(src) {
        panic!("{e}");
    }
});
