//! `mdbook-exec`: the preprocessor as a program.
//!
//! With no arguments it speaks mdBook's preprocessor protocol (`mdbook
//! build` runs it); `supports RENDERER` answers mdBook's question. For
//! people: `check` verifies every example a book uses, `bless [NAME…]`
//! records their current output as documented output, `prune` empties the
//! cache of what no current key reaches.
//! Stdout belongs to mdBook's protocol; everything else goes to stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand};
use mdbook_exec::{Config, Exec, Options};
use mdbook_preprocessor::Preprocessor as _;

#[derive(Parser)]
#[command(
    version,
    about = "mdBook preprocessor: compiles, runs and verifies a book's example programs",
    long_about = "mdBook preprocessor: compiles, runs and verifies a book's example programs.\n\n\
                  Without a command it is the preprocessor (`mdbook build` runs it)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Answer mdBook: does the preprocessor support RENDERER? (It supports
    /// every renderer.)
    Supports {
        /// The renderer's name.
        renderer: String,
    },
    /// Compile, run and verify every example the book uses; render nothing.
    Check {
        /// The book directory (holding book.toml); default: the current
        /// directory if it holds one, else ./book.
        #[arg(long)]
        book: Option<PathBuf>,
        /// Ignore cached outputs: rebuild and rerun every example.
        #[arg(long)]
        force: bool,
    },
    /// Remove every cached output, record and memo that no current key
    /// reaches (builds also do it once the cache passes `cache-limit`).
    Prune {
        /// The book directory (holding book.toml); default: the current
        /// directory if it holds one, else ./book.
        #[arg(long)]
        book: Option<PathBuf>,
    },
    /// Record the current output of these examples (all if none) as their
    /// documented output (NAME.stdout). Refuses when CI is set.
    Bless {
        /// The book directory (holding book.toml); default: the current
        /// directory if it holds one, else ./book.
        #[arg(long)]
        book: Option<PathBuf>,
        /// Example names.
        names: Vec<String>,
    },
}

fn main() -> ExitCode {
    if let Err(e) = mdbook_exec::interrupt::install() {
        eprintln!(
            "warning: cannot handle Ctrl-C ({e}); an interrupted build may leave examples running"
        );
    }
    let cli = Cli::parse();
    let result = match cli.command {
        None => mdbook_exec::handle_preprocessing(&Exec::new()).map(|()| true),
        Some(Command::Supports { renderer }) => Exec::new().supports_renderer(&renderer),
        Some(Command::Check { book, force }) => check(&book_root(book), force).map(|()| true),
        Some(Command::Bless { book, names }) => bless(&book_root(book), &names).map(|()| true),
        Some(Command::Prune { book }) => mdbook_exec::prune(&book_root(book)).map(|p| {
            eprintln!("{p}");
            true
        }),
    };
    if mdbook_exec::interrupt::requested() {
        // The handler exits too, once the running examples are stopped;
        // whichever comes first, the status says "interrupted".
        return ExitCode::from(mdbook_exec::interrupt::EXIT_STATUS);
    }
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--book`, or the current directory if it holds a `book.toml`, or
/// `./book` (the layout of `mdbook init book` in a cargo project).
fn book_root(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        if std::path::Path::new("book.toml").is_file()
            || !std::path::Path::new("book/book.toml").is_file()
        {
            PathBuf::from(".")
        } else {
            PathBuf::from("book")
        }
    })
}

fn check(book_root: &std::path::Path, force: bool) -> Result<()> {
    let md = mdbook_driver::MDBook::load(book_root)
        .with_context(|| format!("loading the book at {}", book_root.display()))?;
    let config = Config::from_mdbook(&md.config, book_root)?;
    let mut book = md.book.clone();
    let opts = Options {
        quiet: false,
        force,
    };
    let report = mdbook_exec::book::process(&mut book, book_root, &md.source_dir(), &config, opts)?;
    report.print();
    if !report.errors.is_empty() {
        bail!(
            "{} problem(s) with the book's examples (listed above)",
            report.errors.len()
        );
    }
    Ok(())
}

fn bless(book_root: &std::path::Path, names: &[String]) -> Result<()> {
    let config = Config::from_book_toml(book_root)?;
    let b = mdbook_exec::bless::bless(book_root, names, Options::default())?;
    let dir = config.examples_dir.display();
    let ext = &config.output_extension;
    for (what, list) in [("created", &b.created), ("updated", &b.updated)] {
        for n in list {
            eprintln!("{what} {dir}/{n}.{ext}");
        }
    }
    eprintln!(
        "bless: {} created, {} updated, {} unchanged, {} failed",
        b.created.len(),
        b.updated.len(),
        b.unchanged.len(),
        b.failed.len()
    );
    if !b.failed.is_empty() {
        for (n, why) in &b.failed {
            eprintln!("error: example `{n}` {why}\n");
        }
        bail!(
            "{} example(s) have no output to record (listed above); nothing was written for them",
            b.failed.len()
        );
    }
    Ok(())
}
