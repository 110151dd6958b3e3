//! `directive::find` on any text: no panic, and sound results (sorted,
//! disjoint ranges on character boundaries, each starting `{{#`, with the
//! right line, one error per invalid directive).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_exec::directive::{self, Kind, LineIndex};

fuzz_target!(|src: &str| {
    let (found, errors) = directive::find(src);
    let lines = LineIndex::new(src);
    let mut end = 0;
    for d in &found {
        assert!(d.range.start >= end, "sorted and disjoint: {found:?}");
        assert!(d.range.end <= src.len());
        assert!(src.is_char_boundary(d.range.start) && src.is_char_boundary(d.range.end));
        assert!(src[d.range.clone()].starts_with("{{#"));
        assert_eq!(d.line, lines.line_of(d.range.start));
        end = d.range.end;
    }
    let invalid = found
        .iter()
        .filter(|d| matches!(d.kind, Kind::Invalid(_)))
        .count();
    assert_eq!(invalid, errors.len());
});
