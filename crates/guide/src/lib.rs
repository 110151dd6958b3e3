//! The guide's front end: build the site, check or bless the examples, with
//! every preprocessor running in-process.
//!
//! `book.toml` wires the preprocessors for people who only have mdBook
//! installed (`command = "cargo run … -p mdbook-exec"`, `… -p guide -- katex`).
//! This crate loads the same `book.toml` through `mdbook_driver::MDBook` and
//! registers [`mdbook_exec::Exec`] and mdbook-katex's `KatexProcessor`
//! under the same names, which replaces those command entries in place: the
//! same book, the same order, no subprocess and no global install.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use mdbook_driver::MDBook;

pub use mdbook_exec::Options;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Where to write the site instead of `book.toml`'s `build-dir`.
    pub dest: Option<PathBuf>,
    /// Render failing examples as visible error boxes instead of failing
    /// (`on-failure = "render"`): for drafting, never for publishing.
    pub draft: bool,
    /// Engine options (quiet cargo, ignore the cache).
    pub exec: Options,
}

/// Loads the book at `book_root` with our preprocessors registered
/// in-process.
pub fn load(book_root: &Path, opts: &BuildOptions) -> Result<MDBook> {
    let mut md = MDBook::load(book_root)
        .with_context(|| format!("loading the book at {}", book_root.display()))?;
    if let Some(dest) = &opts.dest {
        md.config.build.build_dir = std::path::absolute(dest)?;
    }
    if opts.draft {
        md.config.set("preprocessor.exec.on-failure", "render")?;
    }
    md.with_preprocessor(mdbook_exec::Exec::with_options(opts.exec));
    md.with_preprocessor(mdbook_katex::preprocess::KatexProcessor);
    Ok(md)
}

/// Renders the site; returns the directory holding `index.html`.
pub fn build(book_root: &Path, opts: &BuildOptions) -> Result<PathBuf> {
    let md = load(book_root, opts)?;
    md.build()?;
    let out = md.build_dir_for("html");
    if !out.join("index.html").is_file() {
        bail!(
            "the build finished but wrote no {}",
            out.join("index.html").display()
        );
    }
    Ok(out)
}

/// Verifies every example used by the book without rendering anything.
pub fn check(book_root: &Path, opts: &BuildOptions) -> Result<mdbook_exec::book::Report> {
    let md = MDBook::load(book_root)
        .with_context(|| format!("loading the book at {}", book_root.display()))?;
    let config = mdbook_exec::Config::from_mdbook(&md.config, book_root)?;
    let mut book = md.book.clone();
    let src = md.source_dir();
    mdbook_exec::book::process(&mut book, book_root, &src, &config, opts.exec)
}

/// Finds the book: `book/book.toml` in the current directory or above it.
pub fn find_book_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    for dir in cwd.ancestors() {
        if dir.join("book").join("book.toml").is_file() {
            return Ok(dir.join("book"));
        }
        if dir.join("book.toml").is_file() && dir.join("src").join("SUMMARY.md").is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "no book found: looked for book/book.toml in {} and its parents; pass --book DIR",
        cwd.display()
    )
}
