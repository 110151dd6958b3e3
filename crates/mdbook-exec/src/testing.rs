//! The entry point of the generated per-example tests.
//!
//! `build.rs` of the root package generates one `#[test]` per example that
//! calls [`check_example`], so `cargo test --workspace NAME` checks one
//! example. The first call in a test process builds every example in one
//! cargo invocation and gets every output (from the cache where possible);
//! each test then compares its example's output with its `.stdout`. Each
//! uncached example runs at least twice: two runs that differ fail the test
//! as nondeterministic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use crate::config::Config;
use crate::project::Project;
use crate::session::{self, Options, Outcome};

struct State {
    project: Project,
    outcomes: BTreeMap<String, Outcome>,
}

static STATE: OnceLock<Result<State, String>> = OnceLock::new();

fn state(book_root: &Path) -> &'static Result<State, String> {
    STATE.get_or_init(|| {
        let mut config = Config::from_book_toml(book_root).map_err(|e| format!("{e:#}"))?;
        config.runs = config.runs.max(2);
        let project =
            Project::discover(&book_root.join(&config.workspace)).map_err(|e| format!("{e:#}"))?;
        let names: BTreeSet<String> = project.examples.keys().cloned().collect();
        let results = session::outputs(
            &project,
            &config,
            &names,
            Options {
                quiet: true,
                force: false,
            },
        );
        for n in &results.notes {
            eprintln!("note: {n}");
        }
        eprintln!(
            "examples: {} checked, {} run, {} from cache",
            results.outcomes.len(),
            results.ran(),
            results.from_cache()
        );
        Ok(State {
            project,
            outcomes: results.outcomes,
        })
    })
}

/// Checks that example `name` builds, runs deterministically and prints its
/// documented output. The error is the complete message (with a diff and
/// the bless command).
pub fn check_example(book_root: &Path, name: &str) -> Result<(), String> {
    let state = state(book_root).as_ref().map_err(Clone::clone)?;
    let example = state.project.examples.get(name).ok_or_else(|| {
        format!("no example `{name}` (was it deleted? rerun cargo test to regenerate the tests)")
    })?;
    let outcome = state
        .outcomes
        .get(name)
        .ok_or_else(|| format!("example `{name}` was not run"))?;
    crate::book::verify_one(&state.project, example, &outcome.output, None).map(drop)
}

/// A copy of one of this crate's fixture workspaces (`tests/fixtures/NAME`:
/// `good`, `bad`, `faults`, `deps`) in a new temporary directory, for the
/// integration tests of this crate and of the front end. Each test gets its
/// own copy, so its builds, cache and `.stdout` edits touch nothing shared.
pub fn fixture(name: &str) -> std::io::Result<tempfile::TempDir> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::Builder::new()
        .prefix(&format!("mdbook-exec-{name}-"))
        .tempdir()?;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(&src).unwrap_or(entry.path());
        let dest = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(dir)
}
