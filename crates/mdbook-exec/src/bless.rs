//! Accepting new output: rewriting `.stdout` files.
//!
//! Only the named examples' files are written (all examples' when no name
//! is given), each atomically (temporary file + rename), and only when the
//! content changes. Nothing is written when the `CI` environment variable is
//! set: CI checks, people bless.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Result, bail};

use crate::cache::write_atomic;
use crate::config::Config;
use crate::project::Project;
use crate::session::{self, Options};
use crate::verify::normalize;

/// What happened to each example.
#[derive(Debug, Default)]
pub struct Blessed {
    /// `.stdout` files created.
    pub created: Vec<String>,
    /// `.stdout` files rewritten with new content.
    pub updated: Vec<String>,
    /// Already matching, left untouched.
    pub unchanged: Vec<String>,
    /// Examples with no output to record, and why.
    pub failed: Vec<(String, String)>,
}

/// Runs the examples named (all if `names` is empty) and records their
/// output as documented output.
pub fn bless(book_root: &Path, names: &[String], opts: Options) -> Result<Blessed> {
    bless_with(book_root, names, opts, Ci::from_env())
}

/// Whether the process runs in CI, where nothing may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ci {
    /// `CI` is set: [`bless_with`] refuses before it reads anything.
    Yes,
    /// A contributor's machine.
    No,
}

impl Ci {
    /// `Yes` when the `CI` environment variable is set (to anything).
    pub fn from_env() -> Ci {
        if std::env::var_os("CI").is_some() {
            Ci::Yes
        } else {
            Ci::No
        }
    }
}

/// [`bless`] with the CI decision made by the caller (tests decide it
/// explicitly, so that they behave the same inside and outside CI).
pub fn bless_with(book_root: &Path, names: &[String], opts: Options, ci: Ci) -> Result<Blessed> {
    if ci == Ci::Yes {
        bail!(
            "the CI environment variable is set: bless never writes in CI. Run it locally and \
             commit the .stdout files it writes"
        );
    }
    let config = Config::from_book_toml(book_root)?;
    let project = Project::for_config(book_root, &config)?;
    let selected: BTreeSet<String> = if names.is_empty() {
        project.examples.keys().cloned().collect()
    } else {
        let mut unknown = Vec::new();
        for n in names {
            if !project.examples.contains_key(n) {
                let hint =
                    crate::directive::closest(n, project.examples.keys().map(String::as_str))
                        .map(|c| format!(" (did you mean `{c}`?)"))
                        .unwrap_or_default();
                unknown.push(format!("`{n}`{hint}"));
            }
        }
        if !unknown.is_empty() {
            bail!(
                "no such example: {}; examples are the files {}/NAME.rs. Nothing was written.",
                unknown.join(", "),
                project.rel(&project.examples_dir)
            );
        }
        names.iter().cloned().collect()
    };
    let _busy = crate::interrupt::Busy::enter();
    let results = session::outputs(&project, &config, &selected, opts);
    if crate::interrupt::requested() {
        bail!("interrupted: no .stdout file was written");
    }
    for n in &results.notes {
        eprintln!("note: {n}");
    }
    let mut out = Blessed::default();
    for name in &selected {
        let example = &project.examples[name];
        let outcome = results.outcomes.get(name);
        let output = match outcome.map(|o| &o.output) {
            Some(Ok(text)) => normalize(text),
            Some(Err(why)) => {
                out.failed.push((name.clone(), why.clone()));
                continue;
            }
            None => {
                out.failed.push((name.clone(), "was not run".to_owned()));
                continue;
            }
        };
        match example.read_stdout()? {
            Some(old) if normalize(&old) == output && old == output => {
                out.unchanged.push(name.clone())
            }
            old => {
                write_atomic(&example.stdout, output.as_bytes())?;
                if old.is_some() {
                    out.updated.push(name.clone());
                } else {
                    out.created.push(name.clone());
                }
            }
        }
    }
    Ok(out)
}
