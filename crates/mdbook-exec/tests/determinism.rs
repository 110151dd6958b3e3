//! The check CI runs: `cargo test --workspace` calls
//! `mdbook_exec::testing::check_example` once per example, and that runs
//! every program at least twice, whatever `book.toml` says, so that a
//! program printing the time, an address, a hash map in iteration order or
//! an unseeded random number fails. Its own file: the check keeps its
//! results in a process-wide `OnceLock`.

use mdbook_driver::MDBook;
use mdbook_exec::{Config, Options};

fn fixture(name: &str) -> tempfile::TempDir {
    mdbook_exec::testing::fixture(name).expect("copying the fixture")
}

#[test]
fn the_per_example_tests_run_every_program_twice() {
    // `faults` keeps the default `runs = 1`.
    let ws = fixture("faults");
    let book = ws.path().join("book");

    // A site build runs each program once and caches that run.
    let md = MDBook::load(&book).unwrap();
    let config = Config::from_mdbook(&md.config, &book).unwrap();
    assert_eq!(config.runs, 1);
    let mut b = md.book.clone();
    let opts = Options {
        quiet: true,
        force: false,
    };
    let report =
        mdbook_exec::book::process(&mut b, &book, &md.source_dir(), &config, opts).unwrap();
    assert!(
        !report
            .errors
            .iter()
            .any(|e| e.contains("not deterministic")),
        "one run cannot tell: {:#?}",
        report.errors
    );

    // The tests run each program once more and compare with the cached run.
    let aslr = std::fs::read_to_string("/proc/sys/kernel/randomize_va_space")
        .map_or(true, |v| v.trim() != "0");
    for name in ["nd_time", "nd_hashmap", "nd_random"]
        .into_iter()
        .chain(aslr.then_some("nd_address"))
    {
        let e = mdbook_exec::testing::check_example(&book, name).unwrap_err();
        assert!(
            e.contains(&format!("example `{name}`")) && e.contains("is not deterministic"),
            "{e}"
        );
        assert!(e.contains("first run") && e.contains("second run"), "{e}");
    }
    mdbook_exec::testing::check_example(&book, "stdin").unwrap();
    mdbook_exec::testing::check_example(&book, "outlive").unwrap();
}
