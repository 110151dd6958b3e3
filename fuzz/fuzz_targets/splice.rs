//! `splice::expand` on any text: no panic, and every byte outside the
//! directives kept (each directive's replacement depends on it alone; the
//! expansion is the source with exactly those ranges replaced).
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mdbook_exec::directive::{self, Directive};
use mdbook_exec::splice::{self, Env, ExampleView};

fn examples() -> BTreeMap<String, ExampleView> {
    let mut m = BTreeMap::new();
    m.insert(
        "demo".to_owned(),
        ExampleView {
            source: "//! 演示\n// ANCHOR: f\nfn f() -> u32 { 42 }\n// ANCHOR_END: f\nfn main() {\n    println!(\"answer = {}\", f());\n}\n".to_owned(),
            output: Ok("answer = 42\n<!-- figure: k -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n| a | b |\n|---|---|\n| 1 | 2 |\n".to_owned()),
        },
    );
    m.insert(
        "broken".to_owned(),
        ExampleView {
            source: "fn main() {}\n".to_owned(),
            output: Err("does not compile".to_owned()),
        },
    );
    m
}

fn expand(src: &str, directives: &[Directive], examples: &BTreeMap<String, ExampleView>) -> String {
    let env = Env {
        examples,
        book_root: Path::new("/nonexistent-book-root"),
        example_rows: &[],
        errata: &[],
    };
    splice::expand(src, directives, &env, Path::new("part1/ch.md")).0
}

fuzz_target!(|src: &str| {
    let examples = examples();
    let (found, _) = directive::find(src);
    let mut expected = String::new();
    let mut at = 0;
    for d in &found {
        let one = expand(src, std::slice::from_ref(d), &examples);
        let (before, after) = (&src[..d.range.start], &src[d.range.end..]);
        assert!(one.starts_with(before) && one.ends_with(after));
        expected.push_str(&src[at..d.range.start]);
        expected.push_str(&one[before.len()..one.len() - after.len()]);
        at = d.range.end;
    }
    expected.push_str(&src[at..]);
    assert_eq!(expand(src, &found, &examples), expected);
});
