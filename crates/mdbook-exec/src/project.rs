//! The examples on disk: which exist, where their sources and documented
//! outputs are, and which files are stray.
//!
//! An example is `examples/NAME.rs` or `examples/NAME/main.rs` (cargo's own
//! discovery rules); its documented output is `examples/NAME.stdout`. Nothing
//! outside `examples/` is ever read as an example: a symlink that leads out
//! of the directory is refused. The directory and the extension are
//! configurable (`examples-dir`, `output-extension`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

/// One example's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The name cargo knows it by (`cargo run --example NAME`).
    pub name: String,
    /// The file holding `fn main`.
    pub source: PathBuf,
    /// For `examples/NAME/main.rs`, the directory (all of it is input).
    pub dir: Option<PathBuf>,
    /// Where the documented output lives (it may not exist yet).
    pub stdout: PathBuf,
}

/// The workspace as this crate sees it.
#[derive(Debug, Clone)]
pub struct Project {
    /// The Cargo workspace root, canonical.
    pub workspace: PathBuf,
    /// `<workspace>/examples`, canonical.
    pub examples_dir: PathBuf,
    /// Every example, by name.
    pub examples: BTreeMap<String, Example>,
    /// `.stdout` files with no example beside them.
    pub stray_outputs: Vec<PathBuf>,
    /// Examples refused because they lead outside `examples/`.
    pub unsafe_paths: Vec<(String, PathBuf)>,
}

impl Project {
    /// Scans `<workspace>/examples` for `NAME.rs` and `NAME.stdout`.
    pub fn discover(workspace: &Path) -> Result<Project> {
        Project::discover_in(workspace, Path::new("examples"), "stdout")
    }

    /// Scans the directory and extension `config` names, in the workspace
    /// it names (relative to `book_root`).
    pub fn for_config(book_root: &Path, config: &crate::Config) -> Result<Project> {
        Project::discover_in(
            &book_root.join(&config.workspace),
            &config.examples_dir,
            &config.output_extension,
        )
    }

    /// Scans `<workspace>/<examples_dir>` for `NAME.rs` and `NAME.<ext>`.
    pub fn discover_in(workspace: &Path, examples_dir: &Path, ext: &str) -> Result<Project> {
        let workspace = workspace
            .canonicalize()
            .with_context(|| format!("workspace {} not found", workspace.display()))?;
        let examples_dir = workspace.join(examples_dir);
        let suffix = format!(".{ext}");
        if !examples_dir.is_dir() {
            bail!(
                "{} is not a directory: the workspace must keep its example programs there",
                examples_dir.display()
            );
        }
        let examples_dir = examples_dir.canonicalize()?;
        let mut examples = BTreeMap::new();
        let mut stdouts = Vec::new();
        let mut unsafe_paths = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(&examples_dir)
            .with_context(|| format!("reading {}", examples_dir.display()))?
            .collect::<std::io::Result<_>>()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let (name, source, dir) = if let Some(stem) = file_name.strip_suffix(".rs") {
                (stem.to_owned(), path.clone(), None)
            } else if let Some(stem) = file_name.strip_suffix(suffix.as_str()) {
                stdouts.push((stem.to_owned(), path.clone()));
                continue;
            } else if path.join("main.rs").is_file() {
                (
                    file_name.to_owned(),
                    path.join("main.rs"),
                    Some(path.clone()),
                )
            } else {
                continue;
            };
            if !is_inside(&source, &examples_dir) {
                unsafe_paths.push((name, source));
                continue;
            }
            let stdout = examples_dir.join(format!("{name}{suffix}"));
            examples.insert(
                name.clone(),
                Example {
                    name,
                    source,
                    dir,
                    stdout,
                },
            );
        }
        let stray_outputs = stdouts
            .into_iter()
            .filter(|(name, _)| !examples.contains_key(name))
            .map(|(_, p)| p)
            .collect();
        Ok(Project {
            workspace,
            examples_dir,
            examples,
            stray_outputs,
            unsafe_paths,
        })
    }

    /// A path relative to the workspace root, for messages.
    /// With `/` between components on every system, so that messages
    /// read the same on Windows.
    pub fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.workspace).unwrap_or(path);
        if rel.is_absolute() {
            return rel.display().to_string();
        }
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl Example {
    /// Reads the example's source.
    pub fn read_source(&self) -> Result<String> {
        std::fs::read_to_string(&self.source)
            .with_context(|| format!("reading {}", self.source.display()))
    }

    /// Reads the documented output, `None` if the file does not exist.
    pub fn read_stdout(&self) -> Result<Option<String>> {
        match std::fs::read(&self.stdout) {
            Ok(bytes) => String::from_utf8(bytes)
                .map(Some)
                .with_context(|| format!("{} is not UTF-8 text", self.stdout.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", self.stdout.display())),
        }
    }

    /// The `//!` doc comment's first line, the example's one-line summary.
    pub fn summary(source: &str) -> Option<String> {
        source
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("//!"))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    }
}

/// A workspace file shown by `{{#code}}`, read at build time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkspaceFile {
    /// The path as the directive wrote it, normalised (no `.`, no `..`).
    pub rel: PathBuf,
    /// The file itself, canonical (symlinks resolved).
    pub canonical: PathBuf,
    /// Its text.
    pub text: String,
}

/// Reads `rel` (a path as written in `{{#code PATH}}`) relative to the
/// canonical `workspace`. Refused, with a message saying what to write
/// instead: absolute paths, `..` that leaves the workspace, a symlink (at
/// any level) that leads outside it, anything that is not a regular file,
/// and text that is not UTF-8.
pub(crate) fn read_workspace_file(workspace: &Path, rel: &str) -> Result<WorkspaceFile, String> {
    let normal = crate::directive::workspace_path(rel)?;
    let joined = workspace.join(&normal);
    let canonical = match joined.canonicalize() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "there is no file `{rel}` in the workspace ({}); the path is relative to the \
                 workspace root",
                workspace.display()
            ));
        }
        Err(e) => return Err(format!("cannot read `{rel}`: {e}")),
    };
    if !canonical.starts_with(workspace) {
        return Err(format!(
            "`{rel}` is a link to {}, outside the workspace; only files inside the workspace \
             can be shown",
            canonical.display()
        ));
    }
    if !canonical.is_file() {
        return Err(format!(
            "`{rel}` is not a file (a directory or a special file); name one source file, \
             e.g. `{}/lib.rs`",
            normal.display()
        ));
    }
    let bytes = std::fs::read(&canonical).map_err(|e| format!("cannot read `{rel}`: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "`{rel}` is not UTF-8 text (invalid byte at offset {}); only source files can be \
             shown",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(WorkspaceFile {
        rel: normal,
        canonical,
        text,
    })
}

/// Whether `path`, with symlinks resolved, lies inside `dir` (canonical).
pub(crate) fn is_inside(path: &Path, dir: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_both_forms_and_strays() {
        let t = tempfile::tempdir().unwrap();
        let ex = t.path().join("examples");
        std::fs::create_dir_all(ex.join("multi")).unwrap();
        std::fs::write(ex.join("a.rs"), "fn main(){}").unwrap();
        std::fs::write(ex.join("a.stdout"), "").unwrap();
        std::fs::write(ex.join("multi/main.rs"), "fn main(){}").unwrap();
        std::fs::write(ex.join("gone.stdout"), "").unwrap();
        std::fs::write(ex.join("notes.txt"), "").unwrap();
        let p = Project::discover(t.path()).unwrap();
        assert_eq!(p.examples.keys().collect::<Vec<_>>(), ["a", "multi"]);
        assert!(p.examples["multi"].dir.is_some());
        assert_eq!(p.stray_outputs.len(), 1);
        assert!(p.stray_outputs[0].ends_with("gone.stdout"));
    }

    #[test]
    fn directory_and_extension_are_configurable() {
        let t = tempfile::tempdir().unwrap();
        let ex = t.path().join("demos/ex");
        std::fs::create_dir_all(&ex).unwrap();
        std::fs::write(ex.join("a.rs"), "fn main(){}").unwrap();
        std::fs::write(ex.join("a.out"), "").unwrap();
        std::fs::write(ex.join("b.out"), "").unwrap();
        std::fs::write(ex.join("a.stdout"), "").unwrap();
        let p = Project::discover_in(t.path(), Path::new("demos/ex"), "out").unwrap();
        assert_eq!(p.examples.keys().collect::<Vec<_>>(), ["a"]);
        assert!(p.examples["a"].stdout.ends_with("demos/ex/a.out"));
        assert_eq!(p.stray_outputs.len(), 1, "b.out; a.stdout is not ours");
        assert!(Project::discover(t.path()).is_err(), "no examples/ there");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_of_examples_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let ex = t.path().join("examples");
        std::fs::create_dir_all(&ex).unwrap();
        std::fs::write(t.path().join("outside.rs"), "fn main(){}").unwrap();
        std::os::unix::fs::symlink(t.path().join("outside.rs"), ex.join("evil.rs")).unwrap();
        let p = Project::discover(t.path()).unwrap();
        assert!(p.examples.is_empty());
        assert_eq!(p.unsafe_paths[0].0, "evil");
    }

    #[test]
    fn workspace_files_are_read_and_escapes_refused() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path().join("ws");
        std::fs::create_dir_all(ws.join("crates/a/src")).unwrap();
        std::fs::write(ws.join("crates/a/src/lib.rs"), "pub fn f() {}\n").unwrap();
        std::fs::write(t.path().join("secret.rs"), "x").unwrap();
        let ws = ws.canonicalize().unwrap();
        let f = read_workspace_file(&ws, "crates/./a/../a/src/lib.rs").unwrap();
        assert_eq!(f.rel, Path::new("crates/a/src/lib.rs"));
        assert_eq!(f.text, "pub fn f() {}\n");
        let err = |rel: &str| read_workspace_file(&ws, rel).unwrap_err();
        assert!(err("/etc/passwd").contains("absolute path"));
        assert!(err("../secret.rs").contains("outside the workspace"));
        assert!(err("crates/../../secret.rs").contains("outside the workspace"));
        assert!(err("crates/a/src").contains("not a file"));
        assert!(err("crates/a/src/nope.rs").contains("no file `crates/a/src/nope.rs`"));
        std::fs::write(ws.join("bin.rs"), [0xff, 0xfe]).unwrap();
        assert!(err("bin.rs").contains("not UTF-8"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(t.path().join("secret.rs"), ws.join("evil.rs")).unwrap();
            std::os::unix::fs::symlink(t.path(), ws.join("up")).unwrap();
            assert!(err("evil.rs").contains("outside the workspace"));
            assert!(err("up/secret.rs").contains("outside the workspace"));
            // A link that stays inside is fine.
            std::os::unix::fs::symlink(ws.join("crates/a/src/lib.rs"), ws.join("in.rs")).unwrap();
            assert_eq!(read_workspace_file(&ws, "in.rs").unwrap().text, f.text);
        }
    }

    #[test]
    fn summary_is_first_doc_line() {
        assert_eq!(
            Example::summary("//! 矩阵乘法\n//! more\nfn main(){}").as_deref(),
            Some("矩阵乘法")
        );
        assert_eq!(Example::summary("fn main(){}"), None);
    }
}
