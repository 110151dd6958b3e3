//! `require-shown`: every line of chosen source files must be on some page.
//!
//! `[preprocessor.exec] require-shown = ["crates/tinygpt/src"]` lists files
//! and directories (workspace-relative). Every line of those `.rs` files,
//! except blank lines, `//` comment-only lines and anchor marker lines,
//! must lie inside a region some `{{#code}}` directive of the book shows
//! (a whole-file `{{#code PATH}}` covers the file). The check is what keeps
//! a book that teaches a library honest: code added to the library without
//! a page explaining it fails the build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What the book shows of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shown {
    /// The whole file.
    Whole,
    /// These 0-based lines.
    Lines(BTreeSet<usize>),
}

/// What the book shows, by canonical file path.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShownFiles {
    files: BTreeMap<PathBuf, Shown>,
}

impl ShownFiles {
    /// Records that `{{#code}}` showed `file` (canonical) whole.
    pub(crate) fn whole(&mut self, file: &Path) {
        self.files.insert(file.to_path_buf(), Shown::Whole);
    }

    /// Records that `{{#code}}` showed `lines` (0-based) of `file`.
    pub(crate) fn lines(&mut self, file: &Path, lines: std::ops::Range<usize>) {
        match self
            .files
            .entry(file.to_path_buf())
            .or_insert_with(|| Shown::Lines(BTreeSet::new()))
        {
            Shown::Whole => {}
            Shown::Lines(set) => set.extend(lines),
        }
    }

    fn covers(&self, file: &Path, line: usize) -> bool {
        match self.files.get(file) {
            Some(Shown::Whole) => true,
            Some(Shown::Lines(set)) => set.contains(&line),
            None => false,
        }
    }
}

/// Whether a line must be shown: not blank, not only a `//` comment (doc
/// comments included), not an anchor marker.
pub(crate) fn must_be_shown(line: &str) -> bool {
    let t = line.trim();
    !(t.is_empty() || t.starts_with("//") || crate::anchor::is_marker_line(line))
}

/// The 1-based lines of `text` that must be shown but are not covered by
/// `covered` (0-based).
pub(crate) fn uncovered(text: &str, covered: impl Fn(usize) -> bool) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|&(i, l)| must_be_shown(l) && !covered(i))
        .map(|(i, _)| i + 1)
        .collect()
}

/// `[40, 41, 42, 90]` as `lines 40-42, 90`; `[7]` as `line 7`.
pub(crate) fn format_ranges(lines: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    let word = if lines.len() == 1 { "line" } else { "lines" };
    format!("{word} {}", parts.join(", "))
}

/// Checks every required file against what the book shows. `workspace` is
/// canonical. Returns one complete message per problem (a required path
/// that does not exist, a file with uncovered lines).
pub(crate) fn check(workspace: &Path, required: &[PathBuf], shown: &ShownFiles) -> Vec<String> {
    let mut errors = Vec::new();
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    for rel in required {
        let path = workspace.join(rel);
        let Ok(canonical) = path.canonicalize() else {
            errors.push(format!(
                "require-shown (book.toml, [preprocessor.exec]): `{}` does not exist in the \
                 workspace; fix the path or remove it from the list",
                rel.display()
            ));
            continue;
        };
        if !canonical.starts_with(workspace) {
            errors.push(format!(
                "require-shown (book.toml, [preprocessor.exec]): `{}` leads outside the \
                 workspace (to {})",
                rel.display(),
                canonical.display()
            ));
            continue;
        }
        if canonical.is_file() {
            files.insert(canonical);
            continue;
        }
        for entry in walkdir::WalkDir::new(&canonical)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "rs") {
                files.insert(entry.into_path());
            }
        }
    }
    for file in &files {
        let rel = file.strip_prefix(workspace).unwrap_or(file).display();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("require-shown: cannot read {rel}: {e}"));
                continue;
            }
        };
        let missing = uncovered(&text, |line| shown.covers(file, line));
        if !missing.is_empty() {
            errors.push(format!(
                "{rel}: {} {} not shown on any page (require-shown in book.toml). Wrap them in \
                 `// ANCHOR: NAME` … `// ANCHOR_END: NAME` and show them with \
                 `{{{{#code {rel}:NAME}}}}` in the chapter that explains them (or the whole file \
                 with `{{{{#code {rel}}}}}`), or delete code no page needs",
                format_ranges(&missing),
                if missing.len() == 1 { "is" } else { "are" },
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_compact() {
        assert_eq!(format_ranges(&[40, 41, 42, 90]), "lines 40-42, 90");
        assert_eq!(format_ranges(&[7]), "line 7");
        assert_eq!(format_ranges(&[1, 3, 4]), "lines 1, 3-4");
    }

    #[test]
    fn blank_comment_and_anchor_lines_need_not_be_shown() {
        let text = "//! doc\n\n// ANCHOR: a\nfn a() {}\n    // why\n// ANCHOR_END: a\nfn b() {}\n/* block */\n";
        assert_eq!(uncovered(text, |_| false), [4, 7, 8]);
        assert_eq!(uncovered(text, |i| i == 3), [7, 8]);
    }

    #[test]
    fn whole_file_covers_everything_and_regions_merge() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path().canonicalize().unwrap();
        std::fs::create_dir_all(ws.join("src/sub")).unwrap();
        std::fs::write(ws.join("src/a.rs"), "fn a() {}\nfn b() {}\nfn c() {}\n").unwrap();
        std::fs::write(ws.join("src/sub/b.rs"), "fn d() {}\n").unwrap();
        std::fs::write(ws.join("src/notes.txt"), "not code\n").unwrap();
        let req = [PathBuf::from("src")];
        let mut shown = ShownFiles::default();
        let e = check(&ws, &req, &shown);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("src/a.rs: lines 1-3 are not shown"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("src/sub/b.rs: line 1 is not shown"),
            "{e:?}"
        );
        shown.lines(&ws.join("src/a.rs"), 0..1);
        shown.lines(&ws.join("src/a.rs"), 2..3);
        shown.whole(&ws.join("src/sub/b.rs"));
        let e = check(&ws, &req, &shown);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("src/a.rs: line 2 is not shown"), "{e:?}");
        shown.whole(&ws.join("src/a.rs"));
        assert!(check(&ws, &req, &shown).is_empty());
        let e = check(&ws, &[PathBuf::from("nope")], &shown);
        assert!(e[0].contains("`nope` does not exist"), "{e:?}");
    }
}
