//! The guide's front end: build the site, check or bless the examples, with
//! every preprocessor running in-process.
//!
//! `book.toml` wires the preprocessors for people who only have mdBook
//! installed (`command = "cargo run … -p mdbook-exec"`, `… -p guide -- katex`).
//! This crate loads the same `book.toml` through `mdbook_driver::MDBook` and
//! registers [`mdbook_exec::Exec`] and [`katex::Katex`] (mdbook-katex's preprocessor)
//! under the same names, which replaces those command entries in place: the
//! same book, the same order, no subprocess and no global install.

pub mod download;
pub mod katex;
pub mod search;
pub mod serve;
pub mod stamp;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use mdbook_driver::MDBook;

pub use mdbook_exec::Options;

/// What a build produced.
#[derive(Debug)]
pub struct Built {
    /// The directory holding `index.html`.
    pub html_dir: PathBuf,
    /// What the Chinese search index holds; `None` when the book turns
    /// search off (`[output.html.search] enable = false`) or the build kept
    /// mdBook's own index ([`BuildOptions::stock_search`]).
    pub search: Option<search::SearchStats>,
}

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
    /// Leave mdBook's search index as mdBook wrote it (benchmarks only).
    pub stock_search: bool,
}

/// Loads the book at `book_root` with our preprocessors registered
/// in-process, in place of the `book.toml` entries of the same names. A
/// preprocessor `book.toml` does not declare is not added (a book written by
/// [`splice`] has no `exec`).
pub fn load(book_root: &Path, opts: &BuildOptions) -> Result<MDBook> {
    let mut md = MDBook::load(book_root)
        .with_context(|| format!("loading the book at {}", book_root.display()))?;
    if let Some(dest) = &opts.dest {
        md.config.build.build_dir = std::path::absolute(dest)?;
    }
    let exec = md.config.contains_key("preprocessor.exec");
    let katex = md.config.contains_key("preprocessor.katex");
    if exec {
        if opts.draft {
            md.config.set("preprocessor.exec.on-failure", "render")?;
        }
        md.with_preprocessor(mdbook_exec::Exec::with_options(opts.exec));
    }
    if katex {
        md.with_preprocessor(katex::Katex);
    }
    if own_search(&md, opts)? {
        search::disable_mdbook_index(&mut md.config)?;
    }
    Ok(md)
}

/// Renders the site, then writes its Chinese search index (see [`search`]).
pub fn build(book_root: &Path, opts: &BuildOptions) -> Result<Built> {
    let md = load(book_root, opts)?;
    let own_search = own_search(&md, opts)?;
    let html_dir = md.build_dir_for("html");
    let kept = own_search.then(|| search::set_aside(&html_dir)).flatten();
    md.build()?;
    if !html_dir.join("index.html").is_file() {
        bail!(
            "the build finished but wrote no {}",
            html_dir.join("index.html").display()
        );
    }
    // The book lives in the workspace it documents (`book/` under the root).
    if let Some(workspace) = book_root.parent().filter(|w| w.join("examples").is_dir()) {
        download::write_zip(workspace, &html_dir.join(download::FILE_NAME))
            .with_context(|| format!("packing the examples of {}", workspace.display()))?;
    }
    stamp::stamp_pages(&html_dir, &stamp::Stamp::current(book_root))
        .with_context(|| format!("stamping the pages in {}", html_dir.display()))?;
    let search = if own_search {
        Some(
            search::write_index(&html_dir, &search_pages(&md), kept)
                .with_context(|| format!("writing the search index in {}", html_dir.display()))?,
        )
    } else {
        None
    };
    Ok(Built { html_dir, search })
}

/// The chapters of a loaded book, in book order, as [`search::write_index`]
/// finds their rendered pages.
pub fn search_pages(md: &MDBook) -> Vec<search::Page> {
    md.book
        .iter()
        .filter_map(|item| match item {
            mdbook_driver::book::BookItem::Chapter(ch) => Some(ch),
            _ => None,
        })
        .filter_map(|ch| {
            let path = ch.path.as_ref()?;
            // mdBook's `index` preprocessor renders a `README.md` as `index.html`.
            let path = if path
                .file_stem()
                .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
            {
                path.with_file_name("index.md")
            } else {
                path.clone()
            };
            let url = path.with_extension("html");
            let url = url
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some(search::Page {
                url,
                chapter: ch.name.clone(),
                parents: ch.parent_names.clone(),
            })
        })
        .collect()
}

/// Whether the build writes our search index instead of mdBook's: search
/// is on and not [`BuildOptions::stock_search`].
fn own_search(md: &MDBook, opts: &BuildOptions) -> Result<bool> {
    Ok(!opts.stock_search && search_enabled(md)?)
}

/// Whether mdBook writes a search index: `[output.html.search] enable`,
/// true unless the book says otherwise (mdBook's default).
fn search_enabled(md: &MDBook) -> Result<bool> {
    Ok(md
        .config
        .get::<bool>("output.html.search.enable")
        .context("reading `output.html.search.enable` in book.toml")?
        .unwrap_or(true))
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

/// Writes to `out` a copy of the book at `book_root` (its build directory
/// left out) in which every chapter has its directives expanded, with the
/// verified sources and outputs spliced in, and `book.toml` has no
/// `[preprocessor.exec]`: a book any mdBook renders without our engine. The
/// benchmark renders it as the floor a build cannot beat (see
/// `docs/performance.md`). Nothing is written when an example fails; the
/// report says why.
pub fn splice(
    book_root: &Path,
    out: &Path,
    opts: &BuildOptions,
) -> Result<mdbook_exec::book::Report> {
    let md = MDBook::load(book_root)
        .with_context(|| format!("loading the book at {}", book_root.display()))?;
    let config = mdbook_exec::Config::from_mdbook(&md.config, book_root)?;
    let mut book = md.book.clone();
    let src = md.source_dir();
    let report = mdbook_exec::book::process(&mut book, book_root, &src, &config, opts.exec)?;
    if !report.errors.is_empty() {
        return Ok(report);
    }
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("removing {}", out.display()))?;
    }
    let build_dir = md.root.join(&md.config.build.build_dir);
    copy_tree(book_root, out, &[build_dir.as_path(), out])?;
    let out_src = out.join(&md.config.book.src);
    for item in book.iter() {
        if let mdbook_preprocessor::book::BookItem::Chapter(ch) = item
            && let Some(path) = &ch.source_path
        {
            std::fs::write(out_src.join(path), &ch.content)
                .with_context(|| format!("writing {}", out_src.join(path).display()))?;
        }
    }
    let toml_path = out.join("book.toml");
    let toml = without_table(&std::fs::read_to_string(&toml_path)?, "preprocessor.exec");
    std::fs::write(&toml_path, toml)?;
    // The edit is textual; make sure it did what it must.
    let written = MDBook::load(out).with_context(|| format!("loading {}", out.display()))?;
    if written.config.contains_key("preprocessor.exec") {
        bail!(
            "could not remove [preprocessor.exec] from {} (write it as a table of its own)",
            toml_path.display()
        );
    }
    Ok(report)
}

/// Copies the directory tree `from` to `to`, leaving out the paths in `skip`.
fn copy_tree(from: &Path, to: &Path, skip: &[&Path]) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        if skip.iter().any(|s| path == *s) {
            continue;
        }
        let dest = to.join(path.file_name().context("a directory entry has a name")?);
        if path.is_dir() {
            copy_tree(&path, &dest, skip)?;
        } else {
            std::fs::copy(&path, &dest)
                .with_context(|| format!("copying {} to {}", path.display(), dest.display()))?;
        }
    }
    Ok(())
}

/// `toml` without the table `[name]` and its sub-tables `[name.…]`.
fn without_table(toml: &str, name: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in toml.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            let header = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            skipping = header == name || header.starts_with(&format!("{name}."));
        }
        if !skipping {
            out.push_str(line);
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::without_table;

    #[test]
    fn a_table_and_its_sub_tables_are_removed() {
        let toml = "[book]\ntitle = \"x\"\n\n[preprocessor.exec]\ncommand = \"c\"\n\n\
                    [preprocessor.exec.examples.a]\ntimeout = 9\n\n[preprocessor.exec-other]\n\
                    k = 1\n\n[preprocessor.katex]\nafter = [\"links\"]\n";
        assert_eq!(
            without_table(toml, "preprocessor.exec"),
            "[book]\ntitle = \"x\"\n\n[preprocessor.exec-other]\nk = 1\n\n\
             [preprocessor.katex]\nafter = [\"links\"]\n"
        );
    }
}
