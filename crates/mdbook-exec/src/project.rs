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
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.workspace)
            .unwrap_or(path)
            .display()
            .to_string()
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

/// Whether `path`, with symlinks resolved, lies inside `dir` (canonical).
pub fn is_inside(path: &Path, dir: &Path) -> bool {
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
    fn summary_is_first_doc_line() {
        assert_eq!(
            Example::summary("//! 矩阵乘法\n//! more\nfn main(){}").as_deref(),
            Some("矩阵乘法")
        );
        assert_eq!(Example::summary("fn main(){}"), None);
    }
}
