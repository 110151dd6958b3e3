//! What the compiler read: dep-info files, and the record kept of them.
//!
//! After cargo builds an example, two Makefile-style files say what went
//! into it:
//! - cargo's `target/<profile>/examples/NAME.d`: every source file of the
//!   example and of its path dependencies (`mod` files, `include!`,
//!   `include_str!`, `include_bytes!`, `#[path]`, whatever macro produced the
//!   path), and the files and directories build scripts declared with
//!   `rerun-if-changed`;
//! - rustc's `NAME-HASH.d` beside the executable (and `deps/CRATE-HASH.d`
//!   for every other unit): the same sources plus `# env-dep:VAR=value`
//!   lines, one per variable read by `env!`/`option_env!`.
//!
//! Build scripts' `rerun-if-env-changed` variables come from their
//! `output` files. A [`Record`] is the union, kept in the cache per example
//! and configuration: the next build hashes what it lists, as it is then,
//! into the source key. A build script that declares nothing reruns on any
//! change in its package, so its package directory is listed whole.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

/// What one build of an example read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Record {
    /// Files and directories, absolute.
    pub files: BTreeSet<PathBuf>,
    /// Environment variables read at compile time, with the value the
    /// compiler saw (`None`: unset, or only declared by a build script). The
    /// key hashes their value *now*; the one seen is kept for diagnosis.
    pub env: BTreeMap<String, Option<String>>,
    /// Build scripts' `output` files: everything a build script tells the
    /// compiler (`rustc-cfg`, `rustc-env`, link arguments). Their content
    /// is in the key.
    #[serde(default)]
    pub script_outputs: BTreeSet<PathBuf>,
    /// Build scripts' declared inputs (`rerun-if-changed`). They are not in
    /// the key: when one changes, cargo reruns the script in its next build,
    /// and what matters is whether the script then tells the compiler
    /// anything new (its output, in the key) or writes anything new to
    /// `OUT_DIR` that the example reads (listed in `files`). See
    /// [`crate::session`]: such an example is confirmed after a build.
    #[serde(default)]
    pub script_inputs: BTreeSet<PathBuf>,
    /// The hash of `script_inputs` when the scripts last ran
    /// ([`crate::fingerprint::SourceKey::scripts`]).
    #[serde(default)]
    pub scripts_hash: String,
}

/// What one cargo invocation says about every unit it built, beyond each
/// example's own dep-info.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuildFacts {
    /// rustc's dep-info files of the units that are not examples.
    pub unit_depinfo: Vec<PathBuf>,
    /// Build scripts that ran or were fresh: their `OUT_DIR`, and the
    /// package directory when the package is local.
    pub build_scripts: Vec<(PathBuf, Option<PathBuf>)>,
}

/// One parsed dep-info file.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct DepInfo {
    /// Prerequisites, resolved against the base directory.
    pub files: Vec<PathBuf>,
    /// `# env-dep:` lines.
    pub env: Vec<(String, Option<String>)>,
}

/// Parses a dep-info file; relative paths are resolved against `base` (the
/// directory rustc ran in: the workspace root).
pub(crate) fn parse(text: &str, base: &Path) -> DepInfo {
    let mut out = DepInfo::default();
    let mut seen = BTreeSet::new();
    for line in text.lines() {
        if let Some(dep) = line.strip_prefix("# env-dep:") {
            let (var, value) = match dep.split_once('=') {
                Some((k, v)) => (k, Some(unescape_env(v))),
                None => (dep, None),
            };
            out.env.push((var.to_owned(), value));
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some(colon) = rule_colon(line) else {
            continue;
        };
        for word in split_escaped(&line[colon + 1..]) {
            let p = Path::new(&word);
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            };
            if seen.insert(p.clone()) {
                out.files.push(p);
            }
        }
    }
    out
}

/// The `:` that ends a rule's target: the first one followed by a space or
/// the end of the line and not escaped (`C:\…` on Windows has no space
/// after its colon).
fn rule_colon(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len()).find(|&i| {
        b[i] == b':' && (i == 0 || b[i - 1] != b'\\') && (i + 1 == b.len() || b[i + 1] == b' ')
    })
}

/// Words separated by spaces, `\ ` being an escaped space.
fn split_escaped(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                cur.push(' ');
                chars.next();
            }
            ' ' => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// rustc writes `\n`, `\r` and `\\` for newline, return and backslash.
fn unescape_env(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Cargo's dep-info for the executable at `exe` (`NAME.d` beside it).
pub(crate) fn cargo_depinfo_path(exe: &Path) -> PathBuf {
    if exe.extension().is_some_and(|e| e == "exe") {
        exe.with_extension("d")
    } else {
        let mut s = exe.as_os_str().to_os_string();
        s.push(".d");
        PathBuf::from(s)
    }
}

/// rustc's dep-info for the example executable `exe`: cargo hard-links
/// `NAME-HASH` to `NAME`, so it is the `NAME-HASH.d` whose executable is the
/// same file; failing that (no inodes to compare), the newest `NAME-*.d`.
pub(crate) fn rustc_depinfo_path(exe: &Path, name: &str) -> Option<PathBuf> {
    let dir = exe.parent()?;
    let crate_name = name.replace('-', "_");
    let mut candidates: Vec<(std::time::SystemTime, PathBuf, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some(stem) = file.strip_suffix(".d") else {
            continue;
        };
        let hash = [name, crate_name.as_str()]
            .iter()
            .find_map(|n| stem.strip_prefix(n)?.strip_prefix('-'));
        if !hash.is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit())) {
            continue;
        }
        let mtime = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        let binary = dir
            .join(stem)
            .with_extension(exe.extension().unwrap_or_default());
        candidates.push((mtime, entry.path(), binary));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let id = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
        let want = id(exe)?;
        if let Some((_, d, _)) = candidates.iter().find(|(_, _, b)| id(b) == Some(want)) {
            return Some(d.clone());
        }
    }
    candidates.sort();
    candidates.pop().map(|(_, d, _)| d)
}

/// Builds the record of example `name`, built as `exe` from `source` in
/// `workspace`, from its dep-info and the invocation's `facts`. Fails when
/// the dep-info is missing or does not list `source` (another build wrote
/// it, e.g. a second clone sharing the target directory): then nothing is
/// recorded and the next build builds again.
pub(crate) fn record_for(
    exe: &Path,
    name: &str,
    source: &Path,
    workspace: &Path,
    facts: &BuildFacts,
) -> Result<Record> {
    let mut record = Record::default();
    let cargo_d = cargo_depinfo_path(exe);
    let text = std::fs::read_to_string(&cargo_d)
        .with_context(|| format!("reading cargo's dep-info {}", cargo_d.display()))?;
    record.files.extend(parse(&text, workspace).files);
    if let Some(rustc_d) = rustc_depinfo_path(exe, name)
        && let Ok(text) = std::fs::read_to_string(&rustc_d)
    {
        let info = parse(&text, workspace);
        record.files.extend(info.files);
        record.env.extend(info.env);
    }
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let source = canonical(source);
    if !record.files.iter().any(|f| canonical(f) == source) {
        bail!(
            "the dep-info {} does not list {} (written by another build?)",
            cargo_d.display(),
            source.display()
        );
    }
    for d in &facts.unit_depinfo {
        if let Ok(text) = std::fs::read_to_string(d) {
            for (k, v) in parse(&text, workspace).env {
                record.env.entry(k).or_insert(v);
            }
        }
    }
    let mut own = BTreeSet::new();
    for (out_dir, package_dir) in &facts.build_scripts {
        let Some(output) = out_dir.parent().map(|p| p.join("output")) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&output) else {
            continue;
        };
        let mut declared = false;
        for line in text.lines() {
            let directive = line
                .strip_prefix("cargo::")
                .or_else(|| line.strip_prefix("cargo:"));
            let Some(directive) = directive else { continue };
            if let Some(var) = directive.strip_prefix("rerun-if-env-changed=") {
                declared = true;
                record.env.entry(var.trim().to_owned()).or_insert(None);
            } else if let Some(path) = directive.strip_prefix("rerun-if-changed=") {
                declared = true;
                // Relative to the package; a registry package's inputs are
                // its own immutable sources, or files outside any package.
                if let Some(dir) = package_dir {
                    record.script_inputs.insert(dir.join(path.trim()));
                } else if Path::new(path.trim()).is_absolute() {
                    record.script_inputs.insert(PathBuf::from(path.trim()));
                }
            }
        }
        if !declared && let Some(dir) = package_dir {
            // A script that declares nothing reruns on any change in its
            // package.
            record.script_inputs.insert(dir.clone());
        }
        record.script_outputs.insert(output);
    }
    // What rustc itself read stays in the key even when a build script also
    // watches it; the rest of a script's inputs leave it.
    if let Some(rustc_d) = rustc_depinfo_path(exe, name)
        && let Ok(text) = std::fs::read_to_string(&rustc_d)
    {
        own.extend(parse(&text, workspace).files);
    }
    let script_inputs = record.script_inputs.clone();
    record
        .files
        .retain(|f| own.contains(f) || !script_inputs.contains(f));
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cargo_and_rustc_dep_info() {
        let cargo =
            "/t/debug/examples/e: /w/examples/e.rs /w/crates/h/src/lib.rs /w/my\\ dir/x.rs\n";
        let d = parse(cargo, Path::new("/w"));
        assert_eq!(
            d.files,
            [
                PathBuf::from("/w/examples/e.rs"),
                PathBuf::from("/w/crates/h/src/lib.rs"),
                PathBuf::from("/w/my dir/x.rs")
            ]
        );
        let rustc = "/t/e-0123456789abcdef.d: examples/e.rs examples/e/part.rs\n\n\
                     /t/e-0123456789abcdef: examples/e.rs examples/e/part.rs\n\n\
                     examples/e.rs:\nexamples/e/part.rs:\n\n\
                     # env-dep:GREETING=a\\nb\n# env-dep:UNSET_ONE\n";
        let d = parse(rustc, Path::new("/w"));
        assert_eq!(
            d.files,
            [
                PathBuf::from("/w/examples/e.rs"),
                PathBuf::from("/w/examples/e/part.rs")
            ]
        );
        assert_eq!(
            d.env,
            [
                ("GREETING".to_owned(), Some("a\nb".to_owned())),
                ("UNSET_ONE".to_owned(), None)
            ]
        );
    }

    #[test]
    fn windows_paths_keep_their_drive_colon() {
        let d = parse("C:\\t\\e.exe: C:\\w\\e.rs\n", Path::new("C:\\w"));
        assert_eq!(d.files.len(), 1, "{d:?}");
        assert!(
            d.files[0].to_string_lossy().ends_with("C:\\w\\e.rs"),
            "{d:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn rustc_dep_info_is_the_one_of_the_same_executable() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("ex-1111111111111111"), "old").unwrap();
        std::fs::write(d.join("ex-1111111111111111.d"), "").unwrap();
        std::fs::write(d.join("ex-2222222222222222"), "new").unwrap();
        std::fs::write(d.join("ex-2222222222222222.d"), "").unwrap();
        std::fs::hard_link(d.join("ex-2222222222222222"), d.join("ex")).unwrap();
        // Make the other one newer: the inode, not the time, decides.
        std::fs::write(d.join("ex-1111111111111111.d"), "touched").unwrap();
        assert_eq!(
            rustc_depinfo_path(&d.join("ex"), "ex").unwrap(),
            d.join("ex-2222222222222222.d")
        );
    }

    #[test]
    fn a_dep_info_without_the_source_is_not_recorded() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("ex.rs"), "fn main() {}").unwrap();
        std::fs::write(d.join("ex"), "bin").unwrap();
        std::fs::write(
            d.join("ex.d"),
            format!("{}: /elsewhere/ex.rs\n", d.join("ex").display()),
        )
        .unwrap();
        let e = record_for(
            &d.join("ex"),
            "ex",
            &d.join("ex.rs"),
            d,
            &BuildFacts::default(),
        );
        assert!(e.unwrap_err().to_string().contains("does not list"));
        std::fs::write(
            d.join("ex.d"),
            format!(
                "{}: {}\n",
                d.join("ex").display(),
                d.join("ex.rs").display()
            ),
        )
        .unwrap();
        let r = record_for(
            &d.join("ex"),
            "ex",
            &d.join("ex.rs"),
            d,
            &BuildFacts::default(),
        )
        .unwrap();
        assert!(r.files.contains(&d.join("ex.rs")));
    }

    #[test]
    fn build_scripts_declare_env_or_else_their_package_is_an_input() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("ex.rs"), "").unwrap();
        std::fs::write(d.join("ex"), "").unwrap();
        // Cargo's dep-info lists the script's inputs with the sources.
        std::fs::write(
            d.join("ex.d"),
            format!(
                "x: {} {} {}\n",
                d.join("ex.rs").display(),
                d.join("pkg-a/build.rs").display(),
                d.join("pkg-a/watched").display()
            ),
        )
        .unwrap();
        for (pkg, output) in [
            (
                "a",
                "cargo::rerun-if-env-changed=CC\ncargo::rerun-if-changed=build.rs\n\
                 cargo::rerun-if-changed=watched\n",
            ),
            ("b", "cargo:rustc-cfg=foo\n"),
        ] {
            std::fs::create_dir_all(d.join(pkg).join("out")).unwrap();
            std::fs::write(d.join(pkg).join("output"), output).unwrap();
        }
        let facts = BuildFacts {
            unit_depinfo: vec![],
            build_scripts: vec![
                (d.join("a/out"), Some(d.join("pkg-a"))),
                (d.join("b/out"), Some(d.join("pkg-b"))),
            ],
        };
        let r = record_for(&d.join("ex"), "ex", &d.join("ex.rs"), d, &facts).unwrap();
        assert_eq!(r.env.get("CC"), Some(&None));
        assert_eq!(
            r.script_inputs,
            [
                d.join("pkg-a/build.rs"),
                d.join("pkg-a/watched"),
                d.join("pkg-b")
            ]
            .into_iter()
            .collect()
        );
        assert_eq!(
            r.script_outputs,
            [d.join("a/output"), d.join("b/output")]
                .into_iter()
                .collect()
        );
        assert_eq!(
            r.files,
            [d.join("ex.rs")].into_iter().collect(),
            "a script's inputs leave the key; its output is in it"
        );
    }
}
