//! Integration tests: real tiny books, built through `mdbook_driver::MDBook`
//! with this preprocessor (and KaTeX) registered in-process, from fixture
//! workspaces copied into temporary directories.
//!
//! - `good`: every directive form renders, and a rebuild runs nothing.
//! - `bad`: every failure path at once: each is reported, together, with
//!   the chapter line or the example named, and the build fails.

use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_exec::{Config, Exec, Options};

fn fixture(name: &str) -> tempfile::TempDir {
    mdbook_exec::testing::fixture(name).expect("copying the fixture")
}

fn quiet() -> Options {
    Options {
        quiet: true,
        force: false,
    }
}

fn load(book: &Path) -> MDBook {
    let mut md = MDBook::load(book).unwrap();
    md.with_preprocessor(Exec::with_options(quiet()));
    md.with_preprocessor(mdbook_katex::preprocess::KatexProcessor);
    md
}

/// Runs the whole-book pass without rendering and returns its report.
fn process(book: &Path) -> mdbook_exec::book::Report {
    let md = MDBook::load(book).unwrap();
    let config = Config::from_mdbook(&md.config, book).unwrap();
    let mut b = md.book.clone();
    mdbook_exec::book::process(&mut b, book, &md.source_dir(), &config, quiet()).unwrap()
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn good_book_renders_every_directive() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    load(&book).build().unwrap();
    let html = read(book.join("book/chapter.html"));

    // Source with anchor lines removed, then the verified output.
    assert!(html.contains("class=\"exec exec-example\""), "{html}");
    assert!(
        html.contains("fn greet(name: &amp;str) -&gt; String"),
        "{html}"
    );
    assert!(!html.contains("ANCHOR"), "anchor lines are never shown");
    assert!(html.contains("你好,世界!"));
    assert!(html.contains("✓ 已验证"));
    assert!(html.contains("cargo run --example hello"));
    // The anchored form shows only the region.
    assert!(html.contains("片段 greet"));

    // Inline value.
    assert!(html.contains("答案是 42。"), "{html}");

    // Literal directives stay literal: in a code span, escaped with a
    // backslash (links removes the backslash), in a code block.
    assert!(html.contains("<code>{{#example hello}}</code>"), "{html}");
    assert!(html.contains(",{{#example hello}} 也不展开"), "{html}");
    assert!(html.contains("{{#output hello}}\n</code></pre>"), "{html}");

    // Program output is text: no script element, no expanded include, no
    // maths made of a dollar sign.
    assert!(
        html.contains("&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"));
    assert!(
        html.contains("braces {{#include /etc/passwd}} and $5"),
        "{html}"
    );

    // The block inside a list item stayed in it.
    let li = html.find("列表中的输出").unwrap();
    let close = html[li..].find("</li>").unwrap() + li;
    assert!(
        html[li..close].contains("exec-output"),
        "{}",
        &html[li..close]
    );

    // KaTeX ran after us.
    assert!(html.contains("class=\"katex\""), "maths rendered");

    // Markdown output renders as a table, with its caption.
    assert!(html.contains("<table>"), "{html}");
    assert!(html.contains("1,024"));
    assert!(html.contains("exec-md-caption"));

    // The figure is an image, and the text output leaves it out.
    assert!(
        html.contains("<img src=\"data:image/svg+xml;base64,"),
        "{html}"
    );
    assert!(html.contains("before\nafter</code>"), "{html}");

    // Folded solution.
    assert!(html.contains("<details class=\"exec-solution\">"));

    // No directive of ours left raw outside the literal examples above.
    for raw in ["{{#value", "{{#figure", "{{#output-md", "{{#solution"] {
        assert!(!html.contains(raw), "{raw} left in the page");
    }

    // Generated appendix.
    let appendix = read(book.join("book/appendix.html"));
    assert!(appendix.contains("<code>hello</code>"), "{appendix}");
    assert!(appendix.contains("你好:锚点与数值"), "{appendix}");
    assert!(appendix.contains("href=\"chapter.html\""), "{appendix}");
    assert!(appendix.contains("共 4 个示例"), "{appendix}");
    assert!(appendix.contains("示例勘误"), "{appendix}");
    assert!(appendix.contains("共 1 处勘误"), "{appendix}");
    // The note's value is expanded in the table as on its own page, and the
    // table links to an anchor the engine put at the note.
    assert!(appendix.contains("答案应为 42。"), "{appendix}");
    assert!(
        appendix.contains("href=\"chapter.html#errata-1\""),
        "{appendix}"
    );
    assert!(html.contains("答案应为 42。"), "{html}");
    assert!(
        html.contains("<a class=\"exec-anchor-target\" id=\"errata-1\"></a><strong>勘误"),
        "{html}"
    );

    // A second pass with nothing changed runs nothing.
    let report = process(&book);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report.summary(),
        "examples: 4 verified, 0 run, 4 from cache"
    );
}

#[test]
fn bad_book_reports_every_failure_together() {
    let ws = fixture("bad");
    let book = ws.path().join("book");
    std::fs::write(ws.path().join("outside.rs"), "fn main() {}").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        ws.path().join("outside.rs"),
        ws.path().join("examples/evil.rs"),
    )
    .unwrap();

    let err = load(&book).build().unwrap_err();
    assert!(
        format!("{err:#}").contains("problem(s) with the book's examples"),
        "{err:#}"
    );

    let report = process(&book);
    let all = report.errors.join("\n\n");
    let expect = |fragments: &[&str]| {
        let hit = report
            .errors
            .iter()
            .any(|e| fragments.iter().all(|f| e.contains(f)));
        assert!(hit, "no error containing all of {fragments:?} in:\n{all}");
    };
    expect(&[
        "example `compile_error`",
        "does not compile",
        "examples/compile_error.rs:3",
        "mismatched types",
    ]);
    expect(&[
        "example `panics`",
        "exit status 101: it panicked",
        "boom: index out of range",
        "some context on stderr",
    ]);
    expect(&["example `slow`", "did not finish within 1 s", "sleeping"]);
    expect(&[
        "example `mismatch`",
        "used by book/src/chapter.md:13",
        "--- examples/mismatch.stdout (documented)",
        "+++ examples/mismatch.rs (actual output)",
        "-loss = 0.1235\n+loss = 0.1234",
        "cargo run --release -p guide -- bless mismatch",
    ]);
    expect(&[
        "example `no_stdout`",
        "examples/no_stdout.stdout does not exist",
        "bless no_stdout",
    ]);
    expect(&["example `binary`", "not UTF-8", "line 2"]);
    expect(&["example `ansi`", "U+001B on line 2"]);
    expect(&["example `loud`", "more than 65536 bytes to stdout"]);
    expect(&[
        "example `random`",
        "is not deterministic",
        "first run",
        "second run",
    ]);
    expect(&[
        "book/src/chapter.md:5:",
        "no anchor `mian` (did you mean `main`?)",
    ]);
    expect(&["book/src/chapter.md:25:", "unknown example `missing_one`"]);
    expect(&[
        "book/src/chapter.md:27:",
        "names a path",
        "paths outside `examples/` are never read",
    ]);
    #[cfg(unix)]
    expect(&[
        "book/src/chapter.md:29:",
        "example `evil` is a link to",
        "outside examples/",
    ]);
    expect(&[
        "book/src/chapter.md:31:",
        "unknown directive",
        "did you mean `{{#example}}`",
    ]);
    expect(&["book/src/chapter.md:33:", "unterminated directive"]);
    expect(&["examples/unused.rs is not used by any chapter"]);
    // Typed: the bad anchor, with its chapter, line and example; an unknown
    // example is reported once, by the book pass, not again by expansion.
    use mdbook_exec::splice::DiagnosticKind;
    let anchor = report
        .diagnostics
        .iter()
        .find(|d| d.diagnostic.kind == DiagnosticKind::Anchor)
        .expect("the bad anchor is a typed diagnostic");
    assert_eq!(
        (anchor.chapter.as_str(), anchor.diagnostic.line),
        ("book/src/chapter.md", 5)
    );
    assert!(anchor.diagnostic.example.is_some());
    let unknown: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.kind == DiagnosticKind::UnknownExample)
        .map(|d| {
            (
                d.chapter.as_str(),
                d.diagnostic.line,
                d.diagnostic.example.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [("book/src/chapter.md", 25, Some("missing_one"))],
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(
        report
            .errors
            .iter()
            .filter(|e| e.contains("unknown example `missing_one`"))
            .count(),
        1
    );
    expect(&["examples/gone.stdout has no example beside it"]);
    assert_eq!(
        report.verified,
        1,
        "only `ok` verifies: {}",
        report.summary()
    );
}

#[test]
fn drafting_mode_renders_error_boxes() {
    let ws = fixture("bad");
    let book = ws.path().join("book");
    let mut md = load(&book);
    md.config
        .set("preprocessor.exec.on-failure", "render")
        .unwrap();
    md.build().unwrap();
    let html = read(book.join("book/chapter.html"));
    assert!(html.contains("class=\"exec-error\""), "{html}");
    assert!(html.contains("未通过验证"), "{html}");
    assert!(html.contains("fine"), "the good example still renders");
    // Directives quoted inside error messages are fine; a raw one in the
    // text is not.
    assert!(
        !html.contains("<p>{{#"),
        "no raw directive, even in drafting mode: {html}"
    );
}

#[test]
fn changed_stdout_fails_and_bless_restores() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    assert!(process(&book).errors.is_empty());

    // One character changed in a documented output.
    let stdout = ws.path().join("examples/hello.stdout");
    let original = read(stdout.clone());
    std::fs::write(&stdout, original.replace("answer = 42", "answer = 43")).unwrap();
    let report = process(&book);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let e = &report.errors[0];
    assert!(
        e.contains("example `hello`") && e.contains("-answer = 43\n+answer = 42"),
        "{e}"
    );
    assert_eq!(
        report.ran, 0,
        "the output came from the cache; only the comparison failed"
    );

    // Bless only that example: its file is restored, the others untouched.
    let table = ws.path().join("examples/table.stdout");
    let table_mtime = std::fs::metadata(&table).unwrap().modified().unwrap();
    use mdbook_exec::bless::{Ci, bless_with};
    let blessed = bless_with(&book, &["hello".to_owned()], quiet(), Ci::No).unwrap();
    assert_eq!(blessed.updated, ["hello"]);
    assert_eq!(read(stdout.clone()), original);
    assert_eq!(
        std::fs::metadata(&table).unwrap().modified().unwrap(),
        table_mtime
    );
    assert!(process(&book).errors.is_empty());

    // Unknown names are refused before anything is written.
    let e = bless_with(&book, &["helo".to_owned()], quiet(), Ci::No).unwrap_err();
    assert!(
        e.to_string().contains("`helo` (did you mean `hello`?)"),
        "{e}"
    );

    // With CI set, nothing is read or written.
    std::fs::write(&stdout, "changed").unwrap();
    let e = bless_with(&book, &["hello".to_owned()], quiet(), Ci::Yes).unwrap_err();
    assert!(e.to_string().contains("never writes in CI"), "{e}");
    assert_eq!(read(stdout.clone()), "changed");
    let e = bless_with(&book, &["helo".to_owned()], quiet(), Ci::No).unwrap_err();
    assert!(
        e.to_string().contains("`helo` (did you mean `hello`?)"),
        "{e}"
    );
}

#[test]
fn editing_one_example_reruns_only_it() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    assert!(process(&book).errors.is_empty());
    let src = ws.path().join("examples/table.rs");
    let text = read(src.clone());
    std::fs::write(
        &src,
        format!("{text}\n// a comment changes the source key\n"),
    )
    .unwrap();
    let report = process(&book);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.ran <= 1, "{}", report.summary());
    assert_eq!(report.verified, 4);
}

/// Two clones sharing one `CARGO_TARGET_DIR` (a common set-up) build the
/// same executables; a test counting runs must not find the other clone's
/// entries. Every fixture copy has a cache of its own.
#[test]
fn fixture_copies_sharing_a_target_dir_do_not_share_a_cache() {
    let target = tempfile::tempdir().unwrap();
    let env = mdbook_exec::BuildEnv::current().with("CARGO_TARGET_DIR", target.path());
    for clone in ["first", "second"] {
        let ws = fixture("good");
        let book = ws.path().join("book");
        let md = MDBook::load(&book).unwrap();
        let config = Config::from_mdbook(&md.config, &book).unwrap();
        let mut b = md.book.clone();
        let first =
            mdbook_exec::book::process_in(&mut b, &book, &md.source_dir(), &config, quiet(), &env)
                .unwrap();
        assert!(first.errors.is_empty(), "{clone}: {:?}", first.errors);
        assert_eq!(
            first.summary(),
            "examples: 4 verified, 4 run, 0 from cache",
            "the {clone} clone's first build runs everything itself"
        );
    }
    assert!(
        !target.path().join("mdbook-exec").exists(),
        "no cache in the shared target directory"
    );
}

#[test]
fn the_binary_speaks_mdbooks_protocol() {
    let exe = env!("CARGO_BIN_EXE_mdbook-exec");
    let status = std::process::Command::new(exe)
        .args(["supports", "html"])
        .status()
        .unwrap();
    assert!(status.success());

    // As with a plain `mdbook build`: book.toml's command runs the program,
    // which reads the book as JSON on stdin and writes it back on stdout.
    let ws = fixture("good");
    let book = ws.path().join("book");
    let toml = read(book.join("book.toml")).replacen(
        "command = \"false\"",
        &format!("command = {exe:?}"),
        1,
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let mut md = MDBook::load(&book).unwrap();
    md.with_preprocessor(mdbook_katex::preprocess::KatexProcessor);
    md.build().unwrap();
    let html = read(book.join("book/chapter.html"));
    assert!(
        html.contains("你好,世界!") && html.contains("✓ 已验证"),
        "{html}"
    );
}

/// A book with nothing but `[preprocessor.exec]`: English labels, and
/// directives pulled in with `{{#include}}` are expanded, while escaped
/// ones and other preprocessors' stay.
#[test]
fn includes_are_expanded_and_other_directives_left_alone() {
    let ws = fixture("plain");
    let book = ws.path().join("book");
    load(&book).build().unwrap();
    let html = read(book.join("book/chapter.html"));
    assert!(html.contains("From an included file:"), "{html}");
    assert!(html.contains("class=\"exec exec-example\""), "{html}");
    assert!(html.contains("hello from an included page"), "{html}");
    assert!(html.contains("The answer is 42."), "{html}");
    assert!(html.contains(">✓ verified</span>"), "{html}");
    assert!(html.contains(">Output</span>"), "{html}");
    assert!(!html.contains("已验证"), "no Chinese by default");
    assert!(
        html.contains("Written literally: {{#example hello}} stays"),
        "an escaped directive is unescaped by links, not expanded: {html}"
    );
    assert!(
        html.contains("{{#other-tool thing}} belongs to another preprocessor"),
        "{html}"
    );

    // Strict: the unknown directive is an error with a hint; a problem in
    // an included file is reported where it was written.
    let toml = read(book.join("book.toml")).replace(
        "before = [\"links\"]",
        "before = [\"links\"]\nstrict = true",
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let shared = book.join("src/parts/shared.md");
    let text = read(shared.clone()) + "\n{{#value hello}}\n";
    std::fs::write(&shared, text).unwrap();
    let report = process(&book);
    let joined = report.errors.join("\n");
    assert!(
        joined.contains("book/src/chapter.md:7: unknown directive `{{#other-tool thing}}`"),
        "{joined}"
    );
    assert!(
        joined.contains("book/src/parts/shared.md:7 (included in book/src/chapter.md): `{{#value hello}}` needs a key"),
        "{joined}"
    );
    assert_eq!(report.errors.len(), 2, "{joined}");
}

/// The layout is configurable: programs in another directory, documented
/// outputs with another extension, hints naming the owning package.
#[test]
fn a_configured_layout_builds() {
    let ws = fixture("plain");
    let root = ws.path();
    std::fs::create_dir_all(root.join("demos/ex")).unwrap();
    std::fs::rename(
        root.join("examples/hello.rs"),
        root.join("demos/ex/hello.rs"),
    )
    .unwrap();
    std::fs::rename(
        root.join("examples/hello.stdout"),
        root.join("demos/ex/hello.out"),
    )
    .unwrap();
    std::fs::remove_dir(root.join("examples")).unwrap();
    let manifest = read(root.join("Cargo.toml"))
        + "\n[[example]]\nname = \"hello\"\npath = \"demos/ex/hello.rs\"\n";
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    let book = root.join("book");
    let toml = read(book.join("book.toml")).replace(
        "before = [\"links\"]",
        "before = [\"links\"]\nexamples-dir = \"demos/ex\"\noutput-extension = \"out\"\n\
         package = \"fixture-plain\"",
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    load(&book).build().unwrap();
    let html = read(book.join("book/chapter.html"));
    assert!(html.contains("hello from an included page"), "{html}");
    assert!(html.contains(">demos/ex/hello.rs</span>"), "{html}");
    assert!(
        html.contains("the output matches demos/ex/hello.out"),
        "{html}"
    );
    assert!(
        html.contains("cargo run -p fixture-plain --example hello"),
        "{html}"
    );

    // A changed documented output is found there, and named in the error.
    std::fs::write(root.join("demos/ex/hello.out"), "other\n").unwrap();
    let report = process(&book);
    let joined = report.errors.join("\n");
    assert!(joined.contains("demos/ex/hello.out"), "{joined}");
    assert!(joined.contains("mdbook-exec bless hello"), "{joined}");
}

#[test]
fn hidden_value_lines_are_still_verified_and_quoted() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    let toml = read(book.join("book.toml"))
        .replace("strict = true", "strict = true\nvalue-lines = \"hide\"");
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let chapter = read(book.join("src/chapter.md")).replace(
        "{{#example hello:greet}}",
        "{{#example hello:greet values}}",
    );
    std::fs::write(book.join("src/chapter.md"), chapter).unwrap();
    load(&book).build().unwrap();
    let html = read(book.join("book/chapter.html"));
    // `hello` is shown three times (example, anchored example, solution);
    // only the one that asks for `values` shows its value line.
    assert_eq!(
        html.matches("你好,世界!\nanswer = 42\n").count(),
        1,
        "{html}"
    );
    // Elsewhere the line after the hidden one closes up.
    assert_eq!(html.matches("你好,世界!\nbraces").count(), 2, "{html}");
    // `{{#value}}` still reads it.
    assert!(html.contains("答案是 42。"), "{html}");

    // And it is still compared with the documented output.
    let stdout = ws.path().join("examples/hello.stdout");
    std::fs::write(
        &stdout,
        read(stdout.clone()).replace("answer = 42", "answer = 43"),
    )
    .unwrap();
    let joined = process(&book).errors.join("\n");
    assert!(joined.contains("answer = 43"), "{joined}");
    assert!(joined.contains("bless hello"), "{joined}");
}
