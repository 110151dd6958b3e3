//! `// ANCHOR: name` / `// ANCHOR_END: name` regions of an example's source.
//!
//! The markers are mdBook's: a line containing `ANCHOR: name` opens a region
//! and one containing `ANCHOR_END: name` closes it. Marker lines are never
//! shown, neither in a region nor in the whole source. A region is dedented
//! so that a piece of a function body reads naturally on the page.

use std::collections::BTreeSet;

/// A problem with anchors in one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AnchorError {
    /// No region with this name.
    Unknown {
        /// The anchor asked for.
        anchor: String,
        /// Anchors the file does have.
        available: Vec<String>,
    },
    /// The region is opened but never closed.
    Unclosed {
        /// The anchor.
        anchor: String,
        /// 1-based line of `ANCHOR:`.
        line: usize,
    },
}

impl std::fmt::Display for AnchorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnchorError::Unknown { anchor, available } if available.is_empty() => write!(
                f,
                "no anchor `{anchor}`: the file has no `// ANCHOR: name` regions; add \
                 `// ANCHOR: {anchor}` and `// ANCHOR_END: {anchor}` around the lines to show"
            ),
            AnchorError::Unknown { anchor, available } => {
                let hint = crate::directive::closest(anchor, available.iter().map(String::as_str))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                write!(
                    f,
                    "no anchor `{anchor}`{hint}; the file has: {}",
                    available
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            AnchorError::Unclosed { anchor, line } => write!(
                f,
                "anchor `{anchor}` opened on line {line} is never closed: add `// ANCHOR_END: {anchor}`"
            ),
        }
    }
}

fn marker<'a>(line: &'a str, tag: &str) -> Option<&'a str> {
    let at = line.find(tag)?;
    let rest = line[at + tag.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn is_marker(line: &str) -> bool {
    marker(line, "ANCHOR:").is_some() || marker(line, "ANCHOR_END:").is_some()
}

/// All anchor names in `source`, sorted.
pub(crate) fn names(source: &str) -> Vec<String> {
    let set: BTreeSet<String> = source
        .lines()
        .filter_map(|l| marker(l, "ANCHOR:"))
        .map(str::to_owned)
        .collect();
    set.into_iter().collect()
}

/// The whole source without anchor marker lines, trailing whitespace or
/// trailing blank lines.
pub(crate) fn whole(source: &str) -> String {
    tidy(source.lines().filter(|l| !is_marker(l)).collect())
}

/// The region named `anchor`, without marker lines (of this or nested
/// anchors), dedented.
pub(crate) fn region(source: &str, anchor: &str) -> Result<String, AnchorError> {
    let span = span(source, anchor)?;
    let lines = source
        .lines()
        .skip(span.start)
        .take(span.len())
        .filter(|l| !is_marker(l))
        .collect();
    Ok(dedent(tidy(lines)))
}

/// The lines of the region named `anchor`, as 0-based line indices: from
/// the line after `ANCHOR: anchor` to the line before `ANCHOR_END: anchor`.
/// What the page shows of a file is exactly these lines minus markers.
pub(crate) fn span(source: &str, anchor: &str) -> Result<std::ops::Range<usize>, AnchorError> {
    let mut inside: Option<usize> = None;
    for (i, line) in source.lines().enumerate() {
        match inside {
            None => {
                if marker(line, "ANCHOR:") == Some(anchor) {
                    inside = Some(i);
                }
            }
            Some(open) => {
                if marker(line, "ANCHOR_END:") == Some(anchor) {
                    return Ok(open + 1..i);
                }
            }
        }
    }
    match inside {
        Some(open) => Err(AnchorError::Unclosed {
            anchor: anchor.to_owned(),
            line: open + 1,
        }),
        None => Err(AnchorError::Unknown {
            anchor: anchor.to_owned(),
            available: names(source),
        }),
    }
}

/// Whether a line is an `ANCHOR:`/`ANCHOR_END:` marker (never shown).
pub(crate) fn is_marker_line(line: &str) -> bool {
    is_marker(line)
}

fn tidy(lines: Vec<&str>) -> String {
    let mut lines: Vec<&str> = lines.into_iter().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let first = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    lines[first..].join("\n")
}

fn dedent(text: String) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    if indent == 0 {
        return text;
    }
    text.lines()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
//! doc
use std::fmt;

// ANCHOR: all
fn main() {
    // ANCHOR: body
    let x = 1;   
    println!(\"{x}\");
    // ANCHOR_END: body
}
// ANCHOR_END: all
";

    #[test]
    fn whole_source_hides_markers() {
        let w = whole(SRC);
        assert!(!w.contains("ANCHOR"));
        assert!(w.starts_with("//! doc\nuse std::fmt;\n\nfn main() {"));
        assert!(w.ends_with('}'));
        assert!(w.contains("let x = 1;\n"), "trailing spaces trimmed");
    }

    #[test]
    fn nested_region_is_dedented() {
        assert_eq!(
            region(SRC, "body").unwrap(),
            "let x = 1;\nprintln!(\"{x}\");"
        );
    }

    #[test]
    fn outer_region_drops_inner_markers() {
        let r = region(SRC, "all").unwrap();
        assert_eq!(r, "fn main() {\n    let x = 1;\n    println!(\"{x}\");\n}");
    }

    #[test]
    fn unknown_anchor_lists_available() {
        let e = region(SRC, "bdy").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("did you mean `body`"), "{msg}");
        assert!(msg.contains("`all`, `body`"), "{msg}");
        let e = region("fn main() {}", "x").unwrap_err().to_string();
        assert!(e.contains("no `// ANCHOR: name` regions"), "{e}");
    }

    #[test]
    fn unclosed_anchor() {
        let e = region("// ANCHOR: a\nx\n", "a").unwrap_err();
        assert_eq!(
            e,
            AnchorError::Unclosed {
                anchor: "a".into(),
                line: 1
            }
        );
    }

    #[test]
    fn span_is_the_lines_between_the_markers() {
        assert_eq!(span(SRC, "all").unwrap(), 4..10);
        assert_eq!(span(SRC, "body").unwrap(), 6..8);
        assert!(span(SRC, "nope").is_err());
    }

    #[test]
    fn anchor_names_are_exact() {
        // `ANCHOR: ab` must not open region `a`.
        let src = "// ANCHOR: ab\nx\n// ANCHOR_END: ab\n";
        assert!(region(src, "a").is_err());
        assert_eq!(region(src, "ab").unwrap(), "x");
    }
}
