//! The README's quickstart, followed literally in a temporary directory: a
//! `cargo new` project, the files `mdbook init` writes, the two lines of
//! `book.toml`, the example and the chapter exactly as the README shows
//! them, `mdbook-exec bless`, then the build, in which mdBook runs this
//! crate's binary as a command preprocessor, as after `cargo install`.
//! Offline: the project has no dependencies.

use std::path::Path;
use std::process::Command;

/// The body of the first fenced block of `lang` after `after` in `text`.
fn block<'a>(text: &'a str, after: &str, lang: &str) -> &'a str {
    let from = text
        .find(after)
        .unwrap_or_else(|| panic!("README: no `{after}`"));
    let fence = format!("```{lang}\n");
    let start = text[from..].find(&fence).expect("a fenced block") + from + fence.len();
    let end = text[start..].find("```").expect("a closing fence") + start;
    &text[start..end]
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn the_readme_quickstart_works_in_a_fresh_project() {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let exe = env!("CARGO_BIN_EXE_mdbook-exec");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let t = tempfile::tempdir().unwrap();

    // cargo new mybook && cd mybook
    let status = Command::new(&cargo)
        .args(["new", "--offline", "--vcs", "none", "--quiet", "mybook"])
        .current_dir(t.path())
        .status()
        .unwrap();
    assert!(status.success());
    let project = t.path().join("mybook");

    // mdbook init book: what mdBook 0.5 writes.
    let book = project.join("book");
    std::fs::create_dir_all(book.join("src")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\nauthors = []\nlanguage = \"en\"\nsrc = \"src\"\ntitle = \"mybook\"\n",
    )
    .unwrap();
    std::fs::write(
        book.join("src/SUMMARY.md"),
        "# Summary\n\n- [Chapter 1](./chapter_1.md)\n",
    )
    .unwrap();
    std::fs::write(book.join("src/chapter_1.md"), "# Chapter 1\n").unwrap();

    // The two lines, the example and the chapter, from the README.
    let lines = block(&readme, "Add two lines", "toml");
    assert_eq!(lines.lines().count(), 2, "{lines}");
    let toml = read(&book.join("book.toml")) + "\n" + lines;
    std::fs::write(book.join("book.toml"), toml).unwrap();
    std::fs::create_dir_all(project.join("examples")).unwrap();
    let hello = block(&readme, "Write an example", "rust");
    std::fs::write(project.join("examples/hello.rs"), hello).unwrap();
    let chapter = block(&readme, "Show it in", "markdown");
    std::fs::write(book.join("src/chapter_1.md"), chapter).unwrap();

    // mdbook-exec bless
    let out = Command::new(exe)
        .args(["bless"])
        .current_dir(&project)
        .env_remove("CI")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("created examples/hello.stdout"), "{stderr}");
    assert_eq!(
        read(&project.join("examples/hello.stdout")),
        "Hello from a verified example!\n"
    );

    // mdbook build book, with the binary as the command mdBook runs.
    let mut config = mdbook_driver::config::Config::from_disk(book.join("book.toml")).unwrap();
    config.set("preprocessor.exec.command", exe).unwrap();
    let md = mdbook_driver::MDBook::load_with_config(&book, config).unwrap();
    md.build().unwrap();
    let html = read(&book.join("book/chapter_1.html"));
    assert!(html.contains("Hello from a verified example!"), "{html}");
    assert!(html.contains("✓ verified"), "{html}");
    assert!(html.contains("examples/hello.rs"), "{html}");

    // A changed output fails the build; the hint names a command that
    // works as written, from the project's root.
    std::fs::write(project.join("examples/hello.stdout"), "something else\n").unwrap();
    let out = Command::new(exe)
        .args(["check"])
        .current_dir(&project)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("accept it with: mdbook-exec bless hello"),
        "{stderr}"
    );
    let out = Command::new(exe)
        .args(["bless", "hello"])
        .current_dir(&project)
        .env_remove("CI")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        read(&project.join("examples/hello.stdout")),
        "Hello from a verified example!\n"
    );

    // mdbook-exec prune, from the project's root, keeps what is live.
    let out = Command::new(exe)
        .args(["prune"])
        .current_dir(&project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(exe)
        .args(["check"])
        .current_dir(&project)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("1 verified, 0 run, 1 from cache"),
        "{stderr}"
    );
}
