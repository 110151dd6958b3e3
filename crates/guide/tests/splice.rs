//! `guide splice`: the book with every directive expanded and no
//! `[preprocessor.exec]`, which a build renders without the engine (the
//! benchmark's floor, benches/bench.sh).

use std::path::Path;
use std::process::{Command, Output};

fn fixture() -> tempfile::TempDir {
    mdbook_exec::testing::fixture("good").expect("copying the fixture")
}

fn guide(book: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guide"))
        .arg("--book")
        .arg(book)
        .args(args)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn spliced_book_renders_the_same_pages_without_the_engine() {
    let ws = fixture();
    let book = ws.path().join("book");
    let out = ws.path().join("plain");
    let o = guide(&book, &["splice", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    let toml = std::fs::read_to_string(out.join("book.toml")).unwrap();
    assert!(!toml.contains("[preprocessor.exec]"), "{toml}");
    assert!(toml.contains("[preprocessor.katex]"), "{toml}");
    let chapter = std::fs::read_to_string(out.join("src/chapter.md")).unwrap();
    assert!(chapter.contains("class=\"exec exec-example\""), "{chapter}");
    assert!(chapter.contains("答案是 42。"), "{chapter}");
    // Only the literal forms are left (in a code span, escaped, in a block).
    assert_eq!(chapter.matches("{{#").count(), 3, "{chapter}");

    // Rendered without the engine: no summary line, and the same page.
    let plain = guide(&out, &["build"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert!(!stderr(&plain).contains("examples:"), "{}", stderr(&plain));
    let real = guide(&book, &["build"]);
    assert!(real.status.success(), "{}", stderr(&real));
    let read = |p: &Path| std::fs::read_to_string(p.join("book/chapter.html")).unwrap();
    assert_eq!(read(&out), read(&book));
}

#[test]
fn nothing_is_written_when_an_example_fails() {
    let ws = fixture();
    let book = ws.path().join("book");
    std::fs::write(ws.path().join("examples/hello.stdout"), "wrong\n").unwrap();
    let out = ws.path().join("plain");
    let o = guide(&book, &["splice", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("example `hello`"), "{}", stderr(&o));
    assert!(!out.exists());
}
