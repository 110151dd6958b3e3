//! `{{#code PATH[:ANCHOR]}}`: regions of workspace files that are not
//! examples, read in every build, and the `require-shown` coverage check.
//! Fixture `code`: a library (`src/lib.rs`, `src/model.rs`) and a chapter
//! showing parts of it; nothing is compiled.

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_exec::{Config, Exec, Options};

fn fixture() -> tempfile::TempDir {
    mdbook_exec::testing::fixture("code").expect("copying the fixture")
}

fn quiet() -> Options {
    Options {
        quiet: true,
        force: false,
    }
}

fn process(book: &Path) -> mdbook_exec::book::Report {
    let md = MDBook::load(book).unwrap();
    let config = Config::from_mdbook(&md.config, book).unwrap();
    let mut b = md.book.clone();
    mdbook_exec::book::process(&mut b, book, &md.source_dir(), &config, quiet()).unwrap()
}

fn build_html(book: &Path) -> String {
    let mut md = MDBook::load(book).unwrap();
    md.with_preprocessor(Exec::with_options(quiet()));
    md.build().unwrap();
    read(book.join("book/chapter.html"))
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn expect(errors: &[String], fragments: &[&str]) {
    let hit = errors
        .iter()
        .any(|e| fragments.iter().all(|f| e.contains(f)));
    assert!(
        hit,
        "no error containing all of {fragments:?} in:\n{}",
        errors.join("\n\n")
    );
}

#[test]
fn code_shows_a_region_of_a_workspace_file_as_it_is_now() {
    let ws = fixture();
    let book = ws.path().join("book");
    let html = build_html(&book);
    // The region, labelled with its path and anchor, without marker lines.
    assert!(
        html.contains("class=\"exec exec-source-only exec-code\""),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"exec-path\">src/model.rs</span> <span class=\"exec-anchor\">片段 forward</span>"),
        "{html}"
    );
    assert!(html.contains("pub fn forward(x: f64) -&gt; f64"), "{html}");
    assert!(!html.contains("ANCHOR"), "anchor lines are never shown");
    assert!(!html.contains("pub struct Config"), "only the region");
    // The whole file, inside a list item, labelled with the path as written.
    assert!(
        html.contains("<span class=\"exec-path\">./src/lib.rs</span>"),
        "{html}"
    );
    assert!(html.contains("pub mod model;"), "{html}");
    let li = html.find("列表里").unwrap();
    let close = html[li..].find("</li>").unwrap() + li;
    assert!(
        html[li..close].contains("pub mod model;"),
        "stays in the list"
    );

    // The file is read in every build: an edit shows on the next one.
    let model = ws.path().join("src/model.rs");
    std::fs::write(&model, read(model.clone()).replace("x * 2.0", "x * 3.0")).unwrap();
    let html = build_html(&book);
    assert!(html.contains("let y = x * 3.0;"), "{html}");
    assert!(!html.contains("x * 2.0"));
}

#[test]
fn code_refuses_what_is_not_a_workspace_file_naming_chapter_and_line() {
    let ws = fixture();
    let book = ws.path().join("book");
    // A file outside the workspace: its parent directory is a sibling.
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.rs"), "fn secret() {}").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outer.path().join("secret.rs"),
        ws.path().join("src/evil.rs"),
    )
    .unwrap();
    std::fs::write(ws.path().join("src/latin1.rs"), [b'a', 0xe9, b'\n']).unwrap();
    let chapter = "\
# 坏的路径

{{#code /etc/passwd}}

{{#code ../secret.rs}}

{{#code src/../../secret.rs}}

{{#code src/evil.rs}}

{{#code src}}

{{#code src/nope.rs}}

{{#code src/model.rs:fowrard}}

{{#code src/latin1.rs}}

{{#code}}

{{#code src/model.rs:forward extra}}
";
    std::fs::write(book.join("src/chapter.md"), chapter).unwrap();
    let report = process(&book);
    let e = &report.errors;
    expect(
        e,
        &[
            "book/src/chapter.md:3:",
            "`/etc/passwd` is an absolute path",
        ],
    );
    expect(
        e,
        &[
            "book/src/chapter.md:5:",
            "`../secret.rs` leads outside the workspace",
        ],
    );
    expect(
        e,
        &["book/src/chapter.md:7:", "leads outside the workspace"],
    );
    #[cfg(unix)]
    expect(
        e,
        &[
            "book/src/chapter.md:9:",
            "`src/evil.rs` is a link to",
            "outside the workspace",
        ],
    );
    expect(e, &["book/src/chapter.md:11:", "`src` is not a file"]);
    expect(e, &["book/src/chapter.md:13:", "no file `src/nope.rs`"]);
    expect(
        e,
        &[
            "book/src/chapter.md:15:",
            "no anchor `fowrard` (did you mean `forward`?)",
        ],
    );
    expect(
        e,
        &["book/src/chapter.md:17:", "`src/latin1.rs` is not UTF-8"],
    );
    expect(e, &["book/src/chapter.md:19:", "needs a file"]);
    expect(e, &["book/src/chapter.md:21:", "takes one argument"]);
    assert_eq!(
        e.len(),
        if cfg!(unix) { 10 } else { 9 },
        "one error per directive: {e:#?}"
    );

    // And the build fails.
    let mut md = MDBook::load(&book).unwrap();
    md.with_preprocessor(Exec::with_options(quiet()));
    assert!(md.build().is_err());
}

#[test]
fn require_shown_lists_every_line_no_page_shows() {
    let ws = fixture();
    let book = ws.path().join("book");
    let toml = book.join("book.toml");
    std::fs::write(
        &toml,
        read(toml.clone()).replace(
            "before = [\"links\"]",
            "before = [\"links\"]\nrequire-shown = [\"src\"]",
        ),
    )
    .unwrap();
    // The chapter shows `forward` and all of lib.rs: `Config` (doc comment
    // and anchor lines need not be shown) and `unshown` are missing.
    let report = process(&book);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let e = &report.errors[0];
    assert!(
        e.starts_with("src/model.rs: lines 5-7, 20-22 are not shown on any page"),
        "{e}"
    );
    assert!(
        e.contains("{{#code src/model.rs:NAME}}"),
        "says what to do: {e}"
    );
    let mut md = MDBook::load(&book).unwrap();
    md.with_preprocessor(Exec::with_options(quiet()));
    assert!(md.build().is_err(), "the build fails");

    // Showing a second region leaves only `unshown`.
    let chapter = book.join("src/chapter.md");
    let text = read(chapter.clone());
    std::fs::write(
        &chapter,
        format!("{text}\n{{{{#code src/model.rs:config}}}}\n"),
    )
    .unwrap();
    let report = process(&book);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(
        report.errors[0].starts_with("src/model.rs: lines 20-22 are not shown"),
        "{}",
        report.errors[0]
    );

    // A whole-file directive covers everything.
    std::fs::write(&chapter, format!("{text}\n{{{{#code src/model.rs}}}}\n")).unwrap();
    let report = process(&book);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    build_html(&book);

    // A new file in the library fails the build again.
    std::fs::write(
        ws.path().join("src/extra.rs"),
        "// 说明\npub const N: u32 = 1;\n",
    )
    .unwrap();
    let report = process(&book);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert!(
        report.errors[0].starts_with("src/extra.rs: line 2 is not shown"),
        "{:?}",
        report.errors
    );
}
