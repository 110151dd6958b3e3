//! `{{#include}}`, expanded by the engine itself so that directives in
//! included files are expanded too.
//!
//! The engine runs before mdBook's `links` preprocessor, because `links`
//! removes the backslash of every escaped `\{{#…}}`: after it, an escaped
//! `\{{#example NAME}}` could not be told from a real one. So the engine
//! expands `{{#include FILE}}`, `{{#include FILE:ANCHOR}}` and
//! `{{#include FILE:START:END}}` first, with mdBook's own rules (the same
//! pattern, line ranges and anchors, paths relative to the including file,
//! nested up to 10 deep), and leaves every escape as it is, for `links` to
//! unescape afterwards. `{{#rustdoc_include}}`, `{{#playground}}` and
//! `{{#title}}` are left to `links`; so is an include that cannot be read
//! (`links` reports it).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

/// mdBook's link pattern (`links.rs`): an escaped link, or a link with a
/// type and arguments.
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \\\{\{\#.*\}\}
        |
        \{\{\s*
        \#([a-zA-Z0-9_]+)
        \s+
        ([^}]+)
        \}\}",
    )
    .expect("the pattern is valid")
});

static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*(?P<name>[\w_-]+)").expect("valid"));
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*(?P<name>[\w_-]+)").expect("valid"));

const MAX_DEPTH: usize = 10;

/// A chapter with its includes expanded, and where each part came from.
#[derive(Debug, Clone)]
pub(crate) struct Expanded {
    /// The text.
    pub text: String,
    /// `(offset in text, file, 1-based line there)`, in order: from each
    /// offset on, the text comes from that file, starting at that line.
    /// `None` is the chapter itself.
    origins: Vec<(usize, Option<PathBuf>, usize)>,
}

impl Expanded {
    /// The files included, each once.
    pub(crate) fn files(&self) -> impl Iterator<Item = &Path> {
        let mut seen = std::collections::BTreeSet::new();
        self.origins
            .iter()
            .filter_map(|(_, f, _)| f.as_deref())
            .filter(move |f| seen.insert(*f))
    }

    /// Whether any include was expanded.
    pub(crate) fn changed(&self) -> bool {
        self.origins.len() > 1
    }

    /// Where 1-based line `line` of the text was written: the included
    /// file (`None` for the chapter itself) and the 1-based line in it.
    pub(crate) fn origin_of_line(&self, line: usize) -> (Option<&Path>, usize) {
        let offset = self
            .text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        self.origin(offset)
    }

    /// Where byte `offset` of the text was written: the included file
    /// (`None` for the chapter itself) and the 1-based line in it.
    pub(crate) fn origin(&self, offset: usize) -> (Option<&Path>, usize) {
        let i = self.origins.partition_point(|(o, _, _)| *o <= offset);
        let (start, file, line) = &self.origins[i.saturating_sub(1)];
        let newlines = self.text[*start..offset.min(self.text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count();
        (file.as_deref(), line + newlines)
    }
}

/// Expands the includes of a chapter whose directory is `dir`.
pub(crate) fn expand(src: &str, dir: &Path) -> Expanded {
    let mut out = Expanded {
        text: String::with_capacity(src.len()),
        origins: vec![(0, None, 1)],
    };
    expand_into(src, dir, None, 1, 0, &mut out);
    out
}

fn expand_into(
    src: &str,
    dir: &Path,
    file: Option<&Path>,
    first_line: usize,
    depth: usize,
    out: &mut Expanded,
) {
    let mut at = 0;
    for cap in LINK.captures_iter(src) {
        let whole = cap.get(0).expect("group 0 always matches");
        let (Some(kind), Some(args)) = (cap.get(1), cap.get(2)) else {
            // An escaped link: left for `links`.
            continue;
        };
        if kind.as_str() != "include" || depth >= MAX_DEPTH {
            continue;
        }
        let arg = args.as_str().split_whitespace().next().unwrap_or("");
        let (path, selector) = match arg.split_once(':') {
            Some((p, s)) => (p, Some(s)),
            None => (arg, None),
        };
        let target = dir.join(path);
        let Ok(content) = std::fs::read_to_string(&target) else {
            continue;
        };
        let (text, start_line) = select(&content, selector);
        out.text.push_str(&src[at..whole.start()]);
        out.origins
            .push((out.text.len(), Some(target.clone()), start_line));
        let inner_dir = target.parent().unwrap_or(dir).to_path_buf();
        expand_into(&text, &inner_dir, Some(&target), start_line, depth + 1, out);
        at = whole.end();
        let line = first_line + src[..at].bytes().filter(|&b| b == b'\n').count();
        out.origins
            .push((out.text.len(), file.map(Path::to_path_buf), line));
    }
    out.text.push_str(&src[at..]);
}

/// The part of `content` an include's `:…` selects, as mdBook takes it,
/// and the 1-based line where it starts.
fn select(content: &str, selector: Option<&str>) -> (String, usize) {
    let mut parts = selector.unwrap_or("").splitn(3, ':');
    let first = parts.next().unwrap_or("");
    let start = match first.parse::<usize>() {
        Ok(n) => Some(n.saturating_sub(1)),
        Err(_) if first.is_empty() => None,
        Err(_) => return anchored(content, first),
    };
    let end = parts.next().map(str::parse::<usize>);
    let lines = content.lines();
    let (skip, take) = match (start, end) {
        (Some(s), Some(Ok(e))) => (s, Some(e.saturating_sub(s))),
        (Some(s), Some(Err(_))) => (s, None),
        (Some(s), None) => (s, Some(1)),
        (None, Some(Ok(e))) => (0, Some(e)),
        (None, _) => (0, None),
    };
    let taken: Vec<&str> = match take {
        Some(n) => lines.skip(skip).take(n).collect(),
        None => lines.skip(skip).collect(),
    };
    (taken.join("\n"), skip + 1)
}

fn anchored(content: &str, anchor: &str) -> (String, usize) {
    let mut kept = Vec::new();
    let mut start_line = 1;
    let mut inside = false;
    for (i, l) in content.lines().enumerate() {
        if inside {
            match ANCHOR_END.captures(l) {
                Some(c) if &c["name"] == anchor => break,
                Some(_) => {}
                None if !ANCHOR_START.is_match(l) => kept.push(l),
                None => {}
            }
        } else if ANCHOR_START
            .captures(l)
            .is_some_and(|c| &c["name"] == anchor)
        {
            inside = true;
            start_line = i + 2;
        }
    }
    (kept.join("\n"), start_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("parts/deep")).unwrap();
        std::fs::write(
            t.path().join("parts/a.md"),
            "one\n{{#example hello}}\n{{#include deep/b.md}}\nfour\n",
        )
        .unwrap();
        std::fs::write(t.path().join("parts/deep/b.md"), "b1\n\\{{#example x}}\n").unwrap();
        std::fs::write(
            t.path().join("code.rs"),
            "l1\n// ANCHOR: f\nfn f() {}\n// ANCHOR: g\ng\n// ANCHOR_END: g\n// ANCHOR_END: f\nl8\n",
        )
        .unwrap();
        t
    }

    #[test]
    fn nested_includes_relative_to_the_including_file() {
        let t = files();
        let e = expand(
            "# T\n{{#include parts/a.md}}\nend {{#include missing.md}}\n",
            t.path(),
        );
        assert_eq!(
            e.text,
            "# T\none\n{{#example hello}}\nb1\n\\{{#example x}}\nfour\nend {{#include missing.md}}\n",
            "escapes and unreadable includes are left for links"
        );
        let at = |needle: &str| {
            let (file, line) = e.origin(e.text.find(needle).unwrap());
            (
                file.map(|f| f.strip_prefix(t.path()).unwrap().display().to_string()),
                line,
            )
        };
        assert_eq!(at("{{#example hello}}"), (Some("parts/a.md".into()), 2));
        assert_eq!(at("\\{{#example x}}"), (Some("parts/deep/b.md".into()), 2));
        assert_eq!(at("four"), (Some("parts/a.md".into()), 4));
        assert_eq!(at("end"), (None, 3));
        assert!(e.changed());
        assert!(!expand("no includes {{#example a}}", t.path()).changed());
    }

    #[test]
    fn ranges_and_anchors_as_mdbook_takes_them() {
        let t = files();
        let inc = |sel: &str| expand(&format!("{{{{#include code.rs{sel}}}}}"), t.path()).text;
        assert_eq!(inc(":2"), "// ANCHOR: f");
        assert_eq!(inc(":2:3"), "// ANCHOR: f\nfn f() {}");
        assert_eq!(inc(":7:"), "// ANCHOR_END: f\nl8");
        assert_eq!(inc("::1"), "l1");
        assert_eq!(inc(":f"), "fn f() {}\ng", "inner anchor lines dropped");
        assert_eq!(inc(":g"), "g");
        assert!(inc("").starts_with("l1\n// ANCHOR: f"));
        // An escaped include stays escaped.
        assert_eq!(
            expand("\\{{#include code.rs}}", t.path()).text,
            "\\{{#include code.rs}}"
        );
    }

    #[test]
    fn a_cycle_stops_at_the_depth_limit() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("self.md"), "x\n{{#include self.md}}").unwrap();
        let e = expand("{{#include self.md}}", t.path());
        assert_eq!(e.text.matches('x').count(), MAX_DEPTH);
    }
}
