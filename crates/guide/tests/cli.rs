//! The front end as a contributor uses it: `guide build`, `check`, `bless`
//! and the `katex` preprocessor command, run as real processes on a copy of
//! the engine's `good` fixture book.

use std::path::Path;
use std::process::{Command, Output};

fn fixture() -> tempfile::TempDir {
    mdbook_exec::testing::fixture("good").expect("copying the fixture")
}

fn guide(book: &Path, args: &[&str], ci: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guide"));
    cmd.arg("--book").arg(book).args(args);
    if ci {
        cmd.env("CI", "1");
    } else {
        cmd.env_remove("CI");
    }
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn build_twice_runs_nothing_the_second_time() {
    let ws = fixture();
    let book = ws.path().join("book");
    let first = guide(&book, &["build"], false);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("examples: 4 verified, 4 run, 0 from cache\n"),
        "{}",
        stderr(&first)
    );
    assert!(book.join("book/index.html").is_file());
    let second = guide(&book, &["build"], false);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("examples: 4 verified, 0 run, 4 from cache\n"),
        "{}",
        stderr(&second)
    );
    assert_eq!(first.stdout, b"", "stdout stays empty");
}

#[test]
fn changed_stdout_fails_check_and_build_until_blessed() {
    let ws = fixture();
    let book = ws.path().join("book");
    let stdout = ws.path().join("examples/hello.stdout");
    let original = std::fs::read_to_string(&stdout).unwrap();
    std::fs::write(&stdout, original.replacen('4', "5", 1)).unwrap();

    for cmd in [&["check"][..], &["build"][..]] {
        let o = guide(&book, cmd, false);
        assert!(!o.status.success(), "{cmd:?} must fail");
        let e = stderr(&o);
        assert!(e.contains("example `hello`"), "{e}");
        assert!(e.contains("-answer = 52\n+answer = 42"), "{e}");
        assert!(
            e.contains("cargo run --release -p guide -- bless hello"),
            "{e}"
        );
    }

    // With CI set, bless refuses and writes nothing.
    let o = guide(&book, &["bless", "hello"], true);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("never writes in CI"), "{}", stderr(&o));
    assert_ne!(std::fs::read_to_string(&stdout).unwrap(), original);

    let o = guide(&book, &["bless", "hello"], false);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bless: 0 created, 1 updated, 0 unchanged, 0 failed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&stdout).unwrap(), original);
    let o = guide(&book, &["check"], false);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn drafting_build_succeeds_with_error_boxes() {
    let ws = fixture();
    let book = ws.path().join("book");
    std::fs::write(
        ws.path().join("examples/table.rs"),
        "fn main() { let x: u8 = \"\"; }",
    )
    .unwrap();
    let o = guide(&book, &["build"], false);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("examples/table.rs:1"), "{}", stderr(&o));
    let o = guide(&book, &["build", "--draft"], false);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(book.join("book/chapter.html")).unwrap();
    assert!(html.contains("exec-error"));
}

#[test]
fn katex_speaks_the_preprocessor_protocol() {
    let supports = Command::new(env!("CARGO_BIN_EXE_guide"))
        .args(["katex", "supports", "html"])
        .status()
        .unwrap();
    assert!(supports.success());
}

#[test]
fn search_turned_off_is_honoured() {
    let ws = fixture();
    let book = ws.path().join("book");
    let toml = book.join("book.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("\n[output.html.search]\nenable = false\n");
    std::fs::write(&toml, text).unwrap();
    let out = guide(&book, &["build"], false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("search: turned off in book.toml"),
        "{}",
        stderr(&out)
    );
    assert!(book.join("book/index.html").is_file());
    let has_index = std::fs::read_dir(book.join("book")).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("searchindex")
    });
    assert!(!has_index, "no search index is written");
    assert!(
        !book.join("book").join(guide::search::DIR).exists(),
        "no guide-search/ is written"
    );
    let page = std::fs::read_to_string(book.join("book/index.html")).unwrap();
    assert!(
        !page.contains("guide-search/"),
        "no search loader on the page"
    );
}
