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
    config: Config,
    outcomes: BTreeMap<String, Outcome>,
}

static STATE: OnceLock<Result<State, String>> = OnceLock::new();

fn state(book_root: &Path) -> &'static Result<State, String> {
    STATE.get_or_init(|| {
        let mut config = Config::from_book_toml(book_root).map_err(|e| format!("{e:#}"))?;
        config.runs = config.runs.max(2);
        let project = Project::for_config(book_root, &config).map_err(|e| format!("{e:#}"))?;
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
            results.served_from_cache()
        );
        Ok(State {
            project,
            config,
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
    crate::book::verify_one(
        &state.project,
        &state.config,
        example,
        &outcome.output,
        None,
    )
    .map(drop)
}

/// The cache directory of a fixture copy, relative to it (see [`fixture`]).
pub const FIXTURE_CACHE: &str = ".mdbook-exec-cache";

/// A copy of one of this crate's fixture workspaces (`tests/fixtures/NAME`:
/// `good`, `bad`, `faults`, `deps`, `code`, `inputs`, `interrupt`, `slowbuild`…) in a new temporary
/// directory, for the integration tests of this crate and of the front end.
/// Each test gets its own copy, so its builds, `.stdout` edits and cache
/// touch nothing shared: the copy's `book.toml` gets
/// `cache-dir = ".mdbook-exec-cache"` (inside the copy), so that a test
/// counting runs never finds entries another test, or another clone
/// sharing `CARGO_TARGET_DIR`, left in `$CARGO_TARGET_DIR/mdbook-exec`.
pub fn fixture(name: &str) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("mdbook-exec-{name}-"))
        .tempdir()?;
    copy_fixture(name, dir.path())?;
    Ok(dir)
}

/// Copies fixture `name` into `dest` (created), with its own cache
/// directory (see [`fixture`]).
pub fn copy_fixture(name: &str, dest: &Path) -> std::io::Result<()> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(&src).unwrap_or(entry.path());
        let to = dest.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to)?;
        } else {
            std::fs::copy(entry.path(), &to)?;
        }
    }
    let toml = dest.join("book/book.toml");
    let text = std::fs::read_to_string(&toml)?;
    let Some(at) = text.find("[preprocessor.exec]\n") else {
        return Err(std::io::Error::other(format!(
            "fixture {name}: book.toml has no [preprocessor.exec] table"
        )));
    };
    let at = at + "[preprocessor.exec]\n".len();
    let text = format!(
        "{}cache-dir = \"{FIXTURE_CACHE}\"\n{}",
        &text[..at],
        &text[at..]
    );
    std::fs::write(&toml, text)
}

/// The invariants of [`crate::directive::find`] on any text, shared by the
/// property tests (`tests/properties.rs`) and the fuzz targets (`fuzz/`):
/// sorted, disjoint byte ranges on character boundaries, each starting
/// `{{#`, with the right line, and one reported error per invalid directive.
pub fn check_find(src: &str) -> Result<(), String> {
    use crate::directive::{self, Kind, LineIndex};
    let (found, errors) = directive::find(src);
    let lines = LineIndex::new(src);
    let mut end = 0;
    for d in &found {
        let ok = d.range.start >= end
            && d.range.end <= src.len()
            && src.is_char_boundary(d.range.start)
            && src.is_char_boundary(d.range.end)
            && src[d.range.clone()].starts_with("{{#")
            && d.line == lines.line_of(d.range.start);
        if !ok {
            return Err(format!("unsound directive {d:?} among {found:?}"));
        }
        end = d.range.end;
    }
    let invalid = found
        .iter()
        .filter(|d| matches!(d.kind, Kind::Invalid(_)))
        .count();
    if invalid != errors.len() {
        return Err(format!(
            "{invalid} invalid directives but {} errors",
            errors.len()
        ));
    }
    Ok(())
}

/// The invariant of [`crate::splice::expand`] on any text, shared like
/// [`check_find`]: no panic, each directive's replacement depends on it
/// alone, and the whole expansion is the source with exactly the
/// directives' ranges replaced (every other byte kept).
pub fn check_expand(src: &str) -> Result<(), String> {
    use crate::directive::{self, Directive};
    use crate::splice::{self, Env, ExampleView};
    let mut examples = BTreeMap::new();
    examples.insert(
        "demo".to_owned(),
        ExampleView {
            source: "//! 演示\n// ANCHOR: f\nfn f() -> u32 { 42 }\n// ANCHOR_END: f\nfn main() {\n    println!(\"answer = {}\", f());\n}\n".to_owned(),
            output: Ok("answer = 42\n<!-- figure: k -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n| a | b |\n|---|---|\n| 1 | 2 |\n".to_owned()),
        },
    );
    examples.insert(
        "broken".to_owned(),
        ExampleView {
            source: "fn main() {}\n".to_owned(),
            output: Err("does not compile".to_owned()),
        },
    );
    let config = crate::config::Config::default();
    let env = Env {
        examples: &examples,
        code_files: &BTreeMap::new(),
        book_root: Path::new("/nonexistent-book-root"),
        example_rows: &[],
        notes: &[],
        config: &config,
    };
    let expand = |ds: &[Directive]| splice::expand(src, ds, &[], &env, Path::new("part1/ch.md")).0;
    let (found, _) = directive::find(src);
    let mut expected = String::new();
    let mut at = 0;
    for d in &found {
        let one = expand(std::slice::from_ref(d));
        let (before, after) = (&src[..d.range.start], &src[d.range.end..]);
        if !(one.starts_with(before)
            && one.ends_with(after)
            && one.len() >= before.len() + after.len())
        {
            return Err(format!("expanding {d:?} alone changed the text around it"));
        }
        expected.push_str(&src[at..d.range.start]);
        expected.push_str(&one[before.len()..one.len() - after.len()]);
        at = d.range.end;
    }
    expected.push_str(&src[at..]);
    let all = expand(&found);
    if all != expected {
        return Err(format!(
            "expanding all directives is not the source with their ranges replaced:\n{}",
            crate::verify::diff(&expected, &all, "expected", "expanded")
        ));
    }
    Ok(())
}
