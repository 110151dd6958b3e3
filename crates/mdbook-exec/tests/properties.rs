//! Property tests of the directive parser and the splicer, on chapter text
//! assembled from the pieces that trouble them (directives well and badly
//! formed, code fences and spans, comments, list and quote markers,
//! backslashes, CJK, `\r\n`) and on arbitrary Unicode:
//!
//! - `directive::find` never panics, and what it returns is sound: sorted,
//!   disjoint byte ranges on character boundaries, each starting `{{#`,
//!   with the right line, one reported error per invalid directive;
//! - `splice::expand` never panics, and keeps every byte outside the
//!   directives: each directive's replacement depends on it alone, and the
//!   whole expansion is the source with exactly those ranges replaced.
//!
//! The checks themselves are `mdbook_exec::testing::{check_find,
//! check_expand}`. The case counts are modest so that `cargo test` stays
//! fast; the cargo-fuzz targets under `fuzz/` run the same checks for as
//! long as one likes (see docs/performance.md).

use mdbook_exec::testing;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

const PIECES: &[&str] = &[
    "{{#example demo}}",
    "{{#example demo:f}}",
    "{{#example demo:nope}}",
    "{{#source demo}}",
    "{{#output demo}}",
    "{{#output-md demo}}",
    "{{#value demo:answer}}",
    "{{#value demo:missing}}",
    "{{#figure demo 一张图}}",
    "{{#figure demo:k 图}}",
    "{{#solution demo}}",
    "{{#output broken}}",
    "{{#example unknown}}",
    "{{#render templates/t.tera data/d.toml}}",
    "{{#example-index}}",
    "{{#notes-index}}",
    "{{#include other.md}}",
    "{{#exampel demo}}",
    "{{#example ../secret}}",
    "{{#output demo",
    "{{#",
    "}}",
    "{{",
    "#",
    "\\",
    "`",
    "``",
    "```\n",
    "~~~rust\n",
    "\n",
    "\n\n",
    " ",
    "    ",
    "\t",
    "- ",
    "* ",
    "1. ",
    "> ",
    "<!-- ",
    " -->",
    "<div>",
    "</div>\n",
    "中文",
    "**勘误:",
    "> [!CAUTION]\n",
    "$x$",
    "$$\n",
    "|a|b|\n|-|-|\n",
    "[^1]",
    "\r\n",
    "é",
    "🦀",
    "demo",
    ":",
];

fn chapter() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(PIECES).prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn check_find(src: &str) -> Result<(), TestCaseError> {
    testing::check_find(src).map_err(TestCaseError::fail)
}

fn check_expand(src: &str) -> Result<(), TestCaseError> {
    testing::check_expand(src).map_err(TestCaseError::fail)
}

/// 400 cases per property from a fixed seed, so that `cargo test` is fast
/// and reproducible; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` explore more.
/// Failures are reported with their minimal input; no file is written.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let set = |var: &str| std::env::var_os(var).is_some();
    ProptestConfig {
        cases: if set("PROPTEST_CASES") {
            default.cases
        } else {
            400
        },
        rng_seed: if set("PROPTEST_RNG_SEED") {
            default.rng_seed
        } else {
            RngSeed::Fixed(0x6d64_626f_6f6b)
        },
        failure_persistence: None,
        ..default
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn find_is_sound_on_chapter_like_text(src in chapter()) {
        check_find(&src)?;
    }

    #[test]
    fn find_is_sound_on_any_text(src in any::<String>()) {
        check_find(&src)?;
    }

    #[test]
    fn expand_keeps_every_byte_outside_directives(src in chapter()) {
        check_expand(&src)?;
    }

    #[test]
    fn expand_never_panics_on_any_text(src in any::<String>()) {
        check_expand(&src)?;
    }
}

#[test]
fn known_tricky_inputs() {
    for src in [
        "",
        "{{#",
        "{{#}}",
        "\\{{#example demo}}",
        "{{#example demo}}{{#example demo}}",
        "- {{#output demo}}\n  {{#value demo:answer}}",
        "```\n{{#output demo}}\n",
        "<!-- {{#output demo}}",
        "{{#value demo:answer}}\r\n{{#output demo}}\r\n",
        "> - 1. {{#example demo:f}}",
        "é{{#value demo:answer}}é",
        // Found by these properties: overlapping ranges from a line of
        // unterminated directives, which made the splicer garble or panic.
        "{{#example demo}}{{#output demo{{#output demo{{#output demo",
        "{{#output 中文 {{#value demo:answer}} 🦀",
    ] {
        check_find(src).unwrap();
        check_expand(src).unwrap();
    }
}
