//! Comparing what a program printed with its documented output.
//!
//! The comparison is exact after normalising line endings (`\r\n` and `\r`
//! become `\n`), trailing whitespace on every line, and blank lines at the
//! end. Nothing else is forgiven: a changed digit is a failure.

use similar::TextDiff;

/// The canonical form of program output and of `.stdout` files: `\n` line
/// endings, no trailing whitespace, no trailing blank lines, and one final
/// newline unless empty.
pub(crate) fn normalize(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<&str> = unified.split('\n').map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Whether `actual` matches `documented` after normalisation.
pub(crate) fn matches(documented: &str, actual: &str) -> bool {
    normalize(documented) == normalize(actual)
}

/// A unified diff from the documented output to the actual one, with the
/// file names a reader needs to find both.
pub(crate) fn unified_diff(
    documented: &str,
    actual: &str,
    stdout_path: &str,
    example_path: &str,
) -> String {
    diff(
        documented,
        actual,
        &format!("{stdout_path} (documented)"),
        &format!("{example_path} (actual output)"),
    )
}

/// A unified diff between two texts (normalised first) with these headers.
pub(crate) fn diff(old: &str, new: &str, old_header: &str, new_header: &str) -> String {
    let old = normalize(old);
    let new = normalize(new);
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(old_header, new_header)
        .missing_newline_hint(false)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize("a \r\nb\t\r\n\r\n"), "a\nb\n");
        assert_eq!(normalize("a\rb"), "a\nb\n");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("\n\n"), "");
        assert_eq!(normalize("  x"), "  x\n", "leading space is kept");
        assert_eq!(
            normalize("a\n\nb"),
            "a\n\nb\n",
            "inner blank lines are kept"
        );
    }

    #[test]
    fn one_character_is_a_mismatch() {
        assert!(matches("x = 1.0000\n", "x = 1.0000"));
        assert!(!matches("x = 1.0000\n", "x = 1.0001\n"));
    }

    #[test]
    fn diff_names_both_files_and_the_change() {
        let d = unified_diff(
            "a\nb\nc\n",
            "a\nB\nc\n",
            "examples/e.stdout",
            "examples/e.rs",
        );
        assert!(d.contains("--- examples/e.stdout (documented)"), "{d}");
        assert!(d.contains("+++ examples/e.rs (actual output)"), "{d}");
        assert!(d.contains("-b\n+B\n"), "{d}");
    }
}
