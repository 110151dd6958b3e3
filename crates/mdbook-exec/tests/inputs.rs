//! The source key covers every input of an example: for each kind, changing
//! it reruns the example and, since the output changes, fails the build with
//! the diff. Fixture `inputs`: one example per kind of input. Builds run
//! in-process with an explicit environment ([`BuildEnv`]), never touching
//! this process's, and with the fixture's own target directory.

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_exec::BuildEnv;
use mdbook_exec::book::Report;
use mdbook_exec::{Config, Options};

const ALL: usize = 10;

fn quiet() -> Options {
    Options {
        quiet: true,
        force: false,
    }
}

/// This process's environment, with the fixture's own target directory.
fn base_env() -> BuildEnv {
    BuildEnv::current().without("CARGO_TARGET_DIR")
}

fn build(book: &Path, env: &BuildEnv) -> Report {
    let md = MDBook::load(book).unwrap();
    let config = Config::from_mdbook(&md.config, book).unwrap();
    let mut b = md.book.clone();
    mdbook_exec::book::process_in(&mut b, book, &md.source_dir(), &config, quiet(), env).unwrap()
}

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let t = mdbook_exec::testing::fixture("inputs").expect("copying the fixture");
    let book = t.path().join("book");
    (t, book)
}

fn write(path: PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn edit(path: PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    write(path, &text.replacen(from, to, 1));
}

/// The first build verifies everything; the second, with nothing changed,
/// builds and runs nothing.
fn warm(book: &Path, env: &BuildEnv) {
    let first = build(book, env);
    assert!(first.errors.is_empty(), "{:#?}", first.errors);
    assert_eq!(first.verified, ALL, "{}", first.summary());
    let second = build(book, env);
    assert!(second.errors.is_empty(), "{:#?}", second.errors);
    assert_eq!(
        (second.built, second.ran, second.from_cache),
        (0, 0, ALL),
        "a warm build compiles and runs nothing: {}\n{:#?}",
        second.summary(),
        second.notes
    );
}

/// After a change: the build reruns `name` and fails with its diff.
fn reruns_with_diff(report: &Report, name: &str, diff: &str) {
    assert!(report.ran >= 1, "{name} must rerun: {}", report.summary());
    let hit = report
        .errors
        .iter()
        .any(|e| e.contains(&format!("example `{name}`")) && e.contains(diff));
    assert!(
        hit,
        "no diff {diff:?} for `{name}` in:\n{}",
        report.errors.join("\n\n")
    );
}

/// A changed documented output fails with the diff, whether or not the
/// program ran.
fn reruns_with_diff_or_cached(report: &Report, name: &str, diff: &str) {
    let hit = report
        .errors
        .iter()
        .any(|e| e.contains(&format!("example `{name}`")) && e.contains(diff));
    assert!(
        hit,
        "no diff {diff:?} for `{name}` in:\n{}",
        report.errors.join("\n\n")
    );
}

#[test]
fn a_mod_file_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    edit(ws.path().join("examples/parts/part.rs"), "= 1", "= 2");
    let r = build(&book, &env);
    reruns_with_diff(&r, "modded", "-part = 1\n+part = 2");
    assert_eq!(
        (r.built, r.ran),
        (1, 1),
        "only the example that reads it, though the build script watches \
         examples/: {}",
        r.summary()
    );
}

#[test]
fn an_include_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    edit(
        ws.path().join("examples/included/body.rs"),
        "body 1",
        "body 2",
    );
    let r = build(&book, &env);
    reruns_with_diff(&r, "included", "-body 1\n+body 2");
    assert_eq!(r.ran, 1, "{}", r.summary());
}

#[test]
fn a_path_attribute_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    edit(ws.path().join("examples/shared/util.rs"), "= 1", "= 3");
    let r = build(&book, &env);
    reruns_with_diff(&r, "pathattr", "-util = 1\n+util = 3");
    assert_eq!(r.ran, 1, "{}", r.summary());
}

#[test]
fn include_bytes_and_include_str_with_computed_paths_are_inputs() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    write(ws.path().join("data/greeting.txt"), "bye file\n");
    write(ws.path().join("data/note.txt"), "another note\n");
    let r = build(&book, &env);
    reruns_with_diff(&r, "incbytes", "-hello file\n+bye file");
    reruns_with_diff(&r, "incstr", "-a note\n+another note");
    assert_eq!(r.ran, 2, "{}", r.summary());
}

#[test]
fn an_env_variable_read_by_option_env_is_an_input() {
    let (_ws, book) = fixture();
    let env = base_env().without("FIXTURE_GREETING");
    warm(&book, &env);
    let r = build(&book, &env.clone().with("FIXTURE_GREETING", "hi"));
    reruns_with_diff(&r, "envvar", "-greeting = unset\n+greeting = hi");
    assert_eq!(r.ran, 1, "{}", r.summary());
    // Back to unset: the first entry is still there.
    let r = build(&book, &env);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert_eq!((r.built, r.ran), (0, 0), "{}", r.summary());
}

/// The build script watches `examples/`: editing a documented output
/// reruns it, and that needs a cargo build, of one example only; the
/// script tells the compiler nothing new, so every entry holds.
#[test]
fn a_build_script_input_that_changes_nothing_costs_one_build() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    write(ws.path().join("examples/included.stdout"), "body 2\n");
    let r = build(&book, &env);
    assert_eq!((r.built, r.ran), (1, 0), "{}", r.summary());
    reruns_with_diff_or_cached(&r, "included", "-body 2\n+body 1");
    write(ws.path().join("examples/included.stdout"), "body 1\n");
    let r = build(&book, &env);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    let r = build(&book, &env);
    assert_eq!(
        (r.built, r.ran),
        (0, 0),
        "confirmed and recorded: {}",
        r.summary()
    );
}

/// What a build script tells the compiler is an input: `data/flag.txt`
/// turns `--cfg fixture_flag` on.
#[test]
fn what_a_build_script_tells_the_compiler_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    write(ws.path().join("data/flag.txt"), "on\n");
    reruns_with_diff(&build(&book, &env), "cfgflag", "-flag off\n+flag on");
}

#[test]
fn rustflags_are_an_input() {
    let (_ws, book) = fixture();
    let env = base_env().without("RUSTFLAGS");
    warm(&book, &env);
    let r = build(&book, &env.with("RUSTFLAGS", "--cfg fixture_flag"));
    reruns_with_diff(&r, "cfgflag", "-flag off\n+flag on");
}

#[test]
fn cargo_variables_are_an_input() {
    let (_ws, book) = fixture();
    let env = base_env().without("CARGO_PROFILE_DEV_DEBUG_ASSERTIONS");
    warm(&book, &env);
    let r = build(
        &book,
        &env.with("CARGO_PROFILE_DEV_DEBUG_ASSERTIONS", "false"),
    );
    reruns_with_diff(
        &r,
        "profile",
        "-debug assertions: true\n+debug assertions: false",
    );
}

const FLAG_CONFIG: &str = "[build]\nrustflags = [\"--cfg\", \"fixture_flag\"]\n";

#[test]
fn the_workspace_cargo_config_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    write(ws.path().join(".cargo/config.toml"), FLAG_CONFIG);
    reruns_with_diff(&build(&book, &env), "cfgflag", "-flag off\n+flag on");
}

#[test]
fn a_parent_directory_cargo_config_is_an_input() {
    let outer = tempfile::tempdir().unwrap();
    let ws = outer.path().join("ws");
    mdbook_exec::testing::copy_fixture("inputs", &ws).unwrap();
    let book = ws.join("book");
    let env = base_env();
    warm(&book, &env);
    write(outer.path().join(".cargo/config.toml"), FLAG_CONFIG);
    reruns_with_diff(&build(&book, &env), "cfgflag", "-flag off\n+flag on");
}

#[test]
fn the_cargo_home_config_is_an_input() {
    let (_ws, book) = fixture();
    let home = tempfile::tempdir().unwrap();
    let env = base_env().with("CARGO_HOME", home.path());
    warm(&book, &env);
    write(home.path().join("config.toml"), FLAG_CONFIG);
    reruns_with_diff(&build(&book, &env), "cfgflag", "-flag off\n+flag on");
}

#[test]
fn a_feature_asked_by_another_member_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    edit(
        ws.path().join("other/Cargo.toml"),
        "helper = { path = \"../helper\" }",
        "helper = { path = \"../helper\", features = [\"shout\"] }",
    );
    let r = build(&book, &env);
    reruns_with_diff(&r, "feature", "-word = hello\n+word = HELLO");
}

#[test]
fn a_target_specific_dependency_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    let manifest = ws.path().join("other/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    write(
        manifest,
        &format!(
            "{text}\n[target.'cfg(all())'.dependencies]\nhelper = {{ path = \"../helper\", features = [\"shout\"] }}\n"
        ),
    );
    let r = build(&book, &env);
    reruns_with_diff(&r, "feature", "-word = hello\n+word = HELLO");
}

/// `[patch]` in the workspace manifest: the same crates.io package, another
/// directory. No file the compiler read changed (it now reads other files);
/// only cargo's resolve says so.
#[test]
fn a_patch_in_the_workspace_manifest_is_an_input() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    edit(
        ws.path().join("Cargo.toml"),
        "patched = { path = \"patched-a\" }",
        "patched = { path = \"patched-b\" }",
    );
    let r = build(&book, &env);
    reruns_with_diff(&r, "patched", "-patched = a\n+patched = b");
}

#[test]
fn without_a_record_of_the_last_build_the_examples_are_built() {
    let (ws, book) = fixture();
    let env = base_env();
    warm(&book, &env);
    std::fs::remove_dir_all(ws.path().join(".mdbook-exec-cache/deps")).unwrap();
    let r = build(&book, &env);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert_eq!(
        (r.built, r.ran, r.from_cache),
        (ALL, 0, ALL),
        "built, then served by binary key: {}",
        r.summary()
    );
    let r = build(&book, &env);
    assert_eq!((r.built, r.ran), (0, 0), "recorded again: {}", r.summary());
}

/// `cargo run -p guide -- build`, the `guide` binary run from a shell, and
/// `mdbook build` (which starts `cargo run -p mdbook-exec`) differ only in
/// the variables cargo sets for the crate it runs: they share every entry.
#[test]
fn cargo_run_the_binary_and_mdbook_share_the_cache() {
    let (_ws, book) = fixture();
    let shell = base_env()
        .without("CARGO_PKG_NAME")
        .without("CARGO_MANIFEST_DIR")
        .without("CARGO_PRIMARY_PACKAGE");
    let under_cargo_run = |pkg: &str| {
        shell
            .clone()
            .with("CARGO_PKG_NAME", pkg)
            .with("CARGO_PKG_VERSION", "0.0.0")
            .with("CARGO_MANIFEST_DIR", format!("/work/crates/{pkg}"))
            .with(
                "CARGO_MANIFEST_PATH",
                format!("/work/crates/{pkg}/Cargo.toml"),
            )
            .with("CARGO_PRIMARY_PACKAGE", "1")
            .with("CARGO_BIN_NAME", pkg)
            .with("CARGO_CRATE_NAME", pkg.replace('-', "_"))
            .with("RUST_RECURSION_COUNT", "1")
            .with("LD_LIBRARY_PATH", "/work/target/release/deps")
    };
    let first = build(&book, &under_cargo_run("guide"));
    assert!(first.errors.is_empty(), "{:#?}", first.errors);
    assert_eq!(first.ran, ALL);
    for (how, env) in [
        ("the guide binary", shell.clone()),
        ("mdbook build", under_cargo_run("mdbook-exec")),
        ("cargo run -p guide", under_cargo_run("guide")),
    ] {
        let r = build(&book, &env);
        assert!(r.errors.is_empty(), "{how}: {:#?}", r.errors);
        assert_eq!(
            (r.built, r.ran, r.from_cache),
            (0, 0, ALL),
            "{how} must reuse every entry: {}",
            r.summary()
        );
    }
}

#[test]
fn prune_removes_what_no_key_reaches_and_keeps_the_rest() {
    let (ws, book) = fixture();
    let env = base_env().without("FIXTURE_GREETING");
    warm(&book, &env);
    // An entry of an older version of the program.
    edit(ws.path().join("examples/parts/part.rs"), "= 1", "= 2");
    write(ws.path().join("examples/modded.stdout"), "part = 2\n");
    assert!(build(&book, &env).errors.is_empty());
    let pruned = mdbook_exec::prune(&book).unwrap();
    assert!(
        pruned.removed >= 2,
        "the old source and binary entries: {pruned:?}"
    );
    let again = mdbook_exec::prune(&book).unwrap();
    assert_eq!(again.removed, 0, "{again:?}");
    let r = build(&book, &env);
    assert_eq!(
        (r.built, r.ran),
        (0, 0),
        "nothing live was pruned: {}",
        r.summary()
    );
}

#[test]
fn a_build_prunes_past_the_cache_limit() {
    let (ws, book) = fixture();
    let toml = book.join("book.toml");
    edit(
        toml,
        "[preprocessor.exec]\n",
        "[preprocessor.exec]\ncache-limit = 0\n",
    );
    let env = base_env();
    warm(&book, &env);
    edit(ws.path().join("examples/parts/part.rs"), "= 1", "= 2");
    write(ws.path().join("examples/modded.stdout"), "part = 2\n");
    let r = build(&book, &env);
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("cache pruned: 2 file(s) removed")),
        "{:#?}",
        r.notes
    );
    let r = build(&book, &env);
    assert_eq!((r.built, r.ran), (0, 0), "{}", r.summary());
}
