//! `[preprocessor.exec]` in `book.toml`, as a typed struct.
//!
//! mdBook does not validate a preprocessor's table, so this module does:
//! unknown keys are errors (a typo like `time-out` must not silently fall
//! back to a default), and so are values of the wrong type.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What to do when an example fails (does not compile, panics, or prints
/// something other than its documented output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum OnFailure {
    /// Report every failure, then fail the build (the default, and what CI
    /// relies on).
    #[default]
    Fail,
    /// Render a visible error box in place of the failing block and let the
    /// build succeed: for drafting locally, never for publishing.
    Render,
}

/// The preprocessor's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    /// The Cargo workspace that holds `examples/`, relative to the book root.
    #[serde(default = "default_workspace")]
    pub workspace: PathBuf,
    /// Cargo profile the examples are built with.
    #[serde(default = "default_profile")]
    pub profile: String,
    /// Seconds an example may run before it is killed.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// Bytes of stdout (and of stderr) kept from one run; a program printing
    /// more is killed and reported.
    #[serde(default = "default_max_output")]
    pub max_output: usize,
    /// Examples run at once; 0 means one per core.
    #[serde(default)]
    pub jobs: usize,
    /// How many times each example runs when its output is not cached; with
    /// 2, two runs printing different text are reported as nondeterministic.
    #[serde(default = "default_runs")]
    pub runs: u32,
    /// Failure policy.
    #[serde(default)]
    pub on_failure: OnFailure,
    /// Where cached outputs live; default `<target dir>/mdbook-exec`.
    #[serde(default)]
    pub cache_dir: Option<PathBuf>,
    /// Files and directories (workspace-relative) every line of whose `.rs`
    /// files must be shown by some `{{#code}}` directive (see
    /// [`crate::coverage`]).
    #[serde(default)]
    pub require_shown: Vec<PathBuf>,
    /// Per-example settings, keyed by example name.
    #[serde(default)]
    pub examples: BTreeMap<String, ExampleConfig>,

    // mdBook's own keys in every preprocessor table; accepted, not used here.
    #[serde(default, rename = "command")]
    _command: Option<toml::Value>,
    #[serde(default, rename = "before")]
    _before: Option<toml::Value>,
    #[serde(default, rename = "after")]
    _after: Option<toml::Value>,
    #[serde(default, rename = "renderers")]
    _renderers: Option<toml::Value>,
    #[serde(default, rename = "optional")]
    _optional: Option<toml::Value>,
}

/// Settings for one example.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExampleConfig {
    /// Overrides [`Config::timeout`].
    pub timeout: Option<u64>,
    /// Files the program reads at run time, relative to the workspace root:
    /// a change in one of them reruns the program.
    #[serde(default)]
    pub data: Vec<PathBuf>,
}

fn default_workspace() -> PathBuf {
    PathBuf::from("..")
}
fn default_profile() -> String {
    "dev".to_owned()
}
fn default_timeout() -> u64 {
    30
}
fn default_max_output() -> usize {
    1 << 20
}
fn default_runs() -> u32 {
    1
}

impl Default for Config {
    fn default() -> Self {
        toml::from_str("").expect("an empty table is a valid config")
    }
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The table exists but does not deserialize.
    #[error("invalid [preprocessor.exec] in {book_toml}: {source}")]
    Invalid {
        /// The `book.toml` read.
        book_toml: String,
        /// What was wrong.
        #[source]
        source: anyhow::Error,
    },
    /// A value is out of range.
    #[error("invalid [preprocessor.exec] in {book_toml}: {message}")]
    Value {
        /// The `book.toml` read.
        book_toml: String,
        /// What was wrong and what to write instead.
        message: String,
    },
    /// `book.toml` could not be read or parsed at all.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: anyhow::Error,
    },
}

impl Config {
    /// Reads the table from mdBook's parsed configuration.
    pub fn from_mdbook(
        config: &mdbook_preprocessor::config::Config,
        book_root: &Path,
    ) -> Result<Self, ConfigError> {
        let book_toml = book_root.join("book.toml").display().to_string();
        let cfg: Config = config
            .get::<Config>("preprocessor.exec")
            .map_err(|source| ConfigError::Invalid {
                book_toml: book_toml.clone(),
                source,
            })?
            .unwrap_or_default();
        cfg.validate(&book_toml)
    }

    /// Reads the table straight from a `book.toml` file (used by tests and
    /// by `bless`, which do not load the whole book).
    pub fn from_book_toml(book_root: &Path) -> Result<Self, ConfigError> {
        let path = book_root.join("book.toml");
        let read_err = |source: anyhow::Error| ConfigError::Read {
            path: path.display().to_string(),
            source,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| read_err(e.into()))?;
        let doc: toml::Table = toml::from_str(&text).map_err(|e| read_err(e.into()))?;
        let table = doc
            .get("preprocessor")
            .and_then(|p| p.get("exec"))
            .cloned()
            .unwrap_or_else(|| toml::Value::Table(toml::Table::new()));
        let cfg: Config = table
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid {
                book_toml: path.display().to_string(),
                source: e.into(),
            })?;
        cfg.validate(&path.display().to_string())
    }

    fn validate(self, book_toml: &str) -> Result<Self, ConfigError> {
        let bad = |message: String| ConfigError::Value {
            book_toml: book_toml.to_owned(),
            message,
        };
        if self.timeout == 0 {
            return Err(bad("`timeout` must be at least 1 second".into()));
        }
        if !(1..=10).contains(&self.runs) {
            return Err(bad(format!(
                "`runs` must be between 1 and 10, not {}",
                self.runs
            )));
        }
        if self.max_output < 1024 {
            return Err(bad("`max-output` must be at least 1024 bytes".into()));
        }
        for p in &self.require_shown {
            if p.is_absolute() || p.components().any(|c| c == std::path::Component::ParentDir) {
                return Err(bad(format!(
                    "require-shown: `{}` must be a path inside the workspace, relative to its \
                     root, without `..`",
                    p.display()
                )));
            }
        }
        for (name, ex) in &self.examples {
            if ex.timeout == Some(0) {
                return Err(bad(format!(
                    "examples.{name}.timeout must be at least 1 second"
                )));
            }
            for d in &ex.data {
                if d.is_absolute() || d.components().any(|c| c == std::path::Component::ParentDir) {
                    return Err(bad(format!(
                        "examples.{name}.data: `{}` must be a path inside the workspace, \
                         relative to its root, without `..`",
                        d.display()
                    )));
                }
            }
        }
        Ok(self)
    }

    /// The timeout for one example.
    pub fn timeout_for(&self, name: &str) -> std::time::Duration {
        let secs = self
            .examples
            .get(name)
            .and_then(|e| e.timeout)
            .unwrap_or(self.timeout);
        std::time::Duration::from_secs(secs)
    }

    /// The declared data files of one example.
    pub fn data_for(&self, name: &str) -> &[PathBuf] {
        self.examples.get(name).map_or(&[], |e| &e.data)
    }

    /// Worker threads for running examples.
    pub fn jobs(&self) -> usize {
        if self.jobs > 0 {
            self.jobs
        } else {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Config, String> {
        let v: toml::Value = toml::from_str(s).map_err(|e| e.to_string())?;
        let cfg: Config = v.try_into().map_err(|e: toml::de::Error| e.to_string())?;
        cfg.validate("book.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.timeout, 30);
        assert_eq!(c.profile, "dev");
        assert_eq!(c.on_failure, OnFailure::Fail);
        assert_eq!(c.max_output, 1 << 20);
        assert_eq!(c.timeout_for("x").as_secs(), 30);
    }

    #[test]
    fn mdbook_keys_are_accepted() {
        let c = parse("command = \"x\"\nbefore = [\"links\"]\noptional = true").unwrap();
        assert_eq!(c.runs, 1);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let e = parse("time-out = 5").unwrap_err();
        assert!(e.contains("time-out"), "{e}");
        let e = parse("[examples.a]\ntimout = 5").unwrap_err();
        assert!(e.contains("timout"), "{e}");
    }

    #[test]
    fn per_example_settings() {
        let c = parse("[examples.big]\ntimeout = 90\ndata = [\"book/data/m.toml\"]").unwrap();
        assert_eq!(c.timeout_for("big").as_secs(), 90);
        assert_eq!(c.data_for("big"), [PathBuf::from("book/data/m.toml")]);
        assert!(c.data_for("other").is_empty());
    }

    #[test]
    fn require_shown_is_a_list_of_workspace_paths() {
        assert!(parse("").unwrap().require_shown.is_empty());
        let c = parse("require-shown = [\"crates/tinygpt/src\", \"src/lib.rs\"]").unwrap();
        assert_eq!(
            c.require_shown,
            [
                PathBuf::from("crates/tinygpt/src"),
                PathBuf::from("src/lib.rs")
            ]
        );
        assert!(parse("require-shown = \"crates\"").is_err(), "a list");
        assert!(
            parse("require_shown = []")
                .unwrap_err()
                .contains("require_shown")
        );
        for bad in ["/abs", "../up", "a/../../b"] {
            let e = parse(&format!("require-shown = [\"{bad}\"]")).unwrap_err();
            assert!(e.contains("inside the workspace"), "{bad}: {e}");
        }
    }

    #[test]
    fn bad_values() {
        assert!(parse("timeout = 0").unwrap_err().contains("timeout"));
        assert!(parse("on-failure = \"ignore\"").is_err());
        assert!(
            parse("[examples.a]\ndata = [\"../secret\"]")
                .unwrap_err()
                .contains("inside the workspace")
        );
        assert!(parse("[examples.a]\ndata = [\"/etc/passwd\"]").is_err());
    }
}
