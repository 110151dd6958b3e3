//! Faults and bad input, end to end, on std-only fixture workspaces copied
//! into temporary directories:
//!
//! - `faults`: programs that outlive their run (a child holding stdout),
//!   read stdin, spin forever, print 100 MiB, print ANSI codes, or print
//!   something different on every run (time, addresses, hash-map order,
//!   unseeded random numbers);
//! - `good`: a cache whose entries are truncated, tampered with or garbage;
//! - `deps`: an example whose path dependency changes.
//!
//! Process-level faults (SIGKILL, two builds at once, a changed toolchain)
//! are in `crates/guide/tests/faults.rs`, which drives the real binary.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use mdbook_driver::MDBook;
use mdbook_exec::book::Report;
use mdbook_exec::{Config, Options};

/// Far more than any of these builds needs; reaching it means a hang.
const WATCHDOG: Duration = Duration::from_secs(180);

fn fixture(name: &str) -> tempfile::TempDir {
    mdbook_exec::testing::fixture(name).expect("copying the fixture")
}

fn quiet() -> Options {
    Options {
        quiet: true,
        force: false,
    }
}

/// The whole-book pass, with `runs` overridden when given, on a thread
/// watched by [`WATCHDOG`]: a build that hangs fails the test instead.
fn process(book: &Path, runs: Option<u32>) -> Report {
    let book = book.to_path_buf();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let md = MDBook::load(&book).unwrap();
        let mut config = Config::from_mdbook(&md.config, &book).unwrap();
        if let Some(r) = runs {
            config.runs = r;
        }
        let mut b = md.book.clone();
        let report =
            mdbook_exec::book::process(&mut b, &book, &md.source_dir(), &config, quiet()).unwrap();
        let _ = tx.send(report);
    });
    rx.recv_timeout(WATCHDOG)
        .expect("the build finished within the watchdog's limit")
}

fn error_for<'a>(report: &'a Report, name: &str) -> Option<&'a String> {
    report
        .errors
        .iter()
        .find(|e| e.contains(&format!("example `{name}`")))
}

/// Whether process `pid` is gone (or a zombie nobody has reaped yet).
#[cfg(target_os = "linux")]
fn is_dead(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // `pid (comm) S …`: the state follows the last `)`.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
    }
}

#[test]
fn misbehaving_programs_are_stopped_capped_and_reported() {
    let ws = fixture("faults");
    let report = process(&ws.path().join("book"), None);

    // A child that outlives its parent and holds its stdout open: the
    // program's output is still taken, and the child is killed with the
    // process group.
    assert!(
        error_for(&report, "outlive").is_none(),
        "{:?}",
        report.errors
    );
    #[cfg(target_os = "linux")]
    {
        let pid = std::fs::read_to_string(ws.path().join("outlive.pid")).unwrap();
        let dead = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            is_dead(pid.trim())
        });
        assert!(dead, "the grandchild {pid} is still alive");
    }

    // Stdin is closed: reading it ends at once, with nothing.
    assert!(error_for(&report, "stdin").is_none(), "{:?}", report.errors);

    let expect = |name: &str, fragments: &[&str]| {
        let e = error_for(&report, name)
            .unwrap_or_else(|| panic!("no error for `{name}` in {:#?}", report.errors));
        for f in fragments {
            assert!(e.contains(f), "`{f}` missing from: {e}");
        }
    };
    expect(
        "forever",
        &["did not finish within 1 s", "examples/forever.rs"],
    );
    expect(
        "huge",
        &["printed more than 65536 bytes to stdout and was killed"],
    );
    expect("ansi", &["control character U+001B on line 1"]);
    assert_eq!(
        report.verified,
        2,
        "outlive and stdin: {}",
        report.summary()
    );
}

#[test]
fn nondeterministic_programs_are_caught_when_run_twice() {
    let ws = fixture("faults");
    let report = process(&ws.path().join("book"), Some(2));
    let aslr = std::fs::read_to_string("/proc/sys/kernel/randomize_va_space")
        .map_or(true, |v| v.trim() != "0");
    for name in ["nd_time", "nd_hashmap", "nd_random"]
        .into_iter()
        .chain(aslr.then_some("nd_address"))
    {
        let e = error_for(&report, name)
            .unwrap_or_else(|| panic!("no error for `{name}` in {:#?}", report.errors));
        assert!(
            e.contains("is not deterministic") && e.contains("first run"),
            "{e}"
        );
    }
    // The well-behaved programs passed, run twice.
    assert!(error_for(&report, "stdin").is_none(), "{:?}", report.errors);
}

#[test]
fn corrupt_cache_entries_are_recomputed_never_trusted() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    let first = process(&book, None);
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    // The first build wrote Cargo.lock, which is part of every source key:
    // start again from a cache holding exactly the current entries.
    let cache = ws.path().join(mdbook_exec::testing::FIXTURE_CACHE);
    std::fs::remove_dir_all(&cache).unwrap();
    let settled = process(&book, None);
    assert_eq!(
        settled.summary(),
        "examples: 4 verified, 4 run, 0 from cache"
    );
    let entries = |index: &str| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(cache.join(index))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        v.sort();
        v
    };
    let (src, bin) = (entries("src"), entries("bin"));
    assert_eq!((src.len(), bin.len()), (4, 4));

    // Every entry of both indexes damaged, each in one of three ways:
    // truncated, its output changed (valid JSON, wrong checksum), garbage.
    for (i, path) in src.iter().chain(&bin).enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let damaged = match i % 3 {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => {
                let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let output = &mut json["entry"]["output"];
                *output = format!("{}tampered\n", output.as_str().unwrap()).into();
                serde_json::to_vec(&json).unwrap()
            }
            _ => b"\0\xff not json".to_vec(),
        };
        assert_ne!(std::fs::read(path).unwrap(), damaged);
        std::fs::write(path, damaged).unwrap();
    }

    let second = process(&book, None);
    // Had a tampered output been trusted, it would not match its `.stdout`.
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    assert_eq!(second.ran, 4, "{}", second.summary());
    // Each damaged entry is looked up (by source key, then by binary key)
    // and reported.
    let corrupt = second
        .notes
        .iter()
        .filter(|n| n.contains("ignoring a corrupt cache entry"))
        .count();
    assert_eq!(corrupt, 8, "{:#?}", second.notes);

    // The entries were rewritten whole.
    let third = process(&book, None);
    assert!(third.errors.is_empty() && third.notes.is_empty());
    assert_eq!(third.summary(), "examples: 4 verified, 0 run, 4 from cache");
}

#[test]
fn an_edited_path_dependency_reruns_its_users() {
    let ws = fixture("deps");
    let book = ws.path().join("book");
    let first = process(&book, None);
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.ran, 1);

    let lib = ws.path().join("helper/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("hello from", "goodbye from")).unwrap();
    let second = process(&book, None);
    assert_eq!(second.ran, 1, "{}", second.summary());
    let e = error_for(&second, "greet").expect("a mismatch");
    assert!(
        e.contains("-hello from helper\n+goodbye from helper"),
        "{e}"
    );
}

#[test]
fn sessions_running_at_once_in_one_process_keep_apart() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    assert!(process(&book, None).errors.is_empty());
    // Forced, so that both stage and run every program, at the same time.
    let md = MDBook::load(&book).unwrap();
    let config = Config::from_mdbook(&md.config, &book).unwrap();
    let (chapters, src) = (md.book.clone(), md.source_dir());
    let force = Options {
        quiet: true,
        force: true,
    };
    std::thread::scope(|s| {
        let runs: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    let mut b = chapters.clone();
                    mdbook_exec::book::process(&mut b, &book, &src, &config, force).unwrap()
                })
            })
            .collect();
        for r in runs {
            let report = r.join().unwrap();
            assert!(report.errors.is_empty(), "{:#?}", report.errors);
            assert_eq!(report.ran, 4, "{}", report.summary());
        }
    });
}
