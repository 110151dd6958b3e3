//! An mdBook preprocessor that compiles, runs and verifies the book's example
//! programs, and splices their source and verified output into chapters.
//!
//! Every example is a cargo example of the workspace (`examples/NAME.rs`);
//! its documented output is `examples/NAME.stdout`. On each build the
//! preprocessor finds every directive (`{{#example NAME}}` and friends, see
//! [`directive`]), gets the actual output of every used example (from the
//! cache when nothing that determines it changed, otherwise by building all
//! of them in one cargo invocation and running them in parallel), compares
//! it with the documented output, and only then splices source and output
//! into the page. Every failure of the build is collected and reported
//! together; by default the build then fails.
//!
//! Module map: [`directive`] (finding and parsing), [`anchor`] (regions),
//! [`project`] (examples on disk), [`fingerprint`] and [`cache`] (what can be
//! skipped), [`compile`] and [`run`] (cargo, processes), [`session`] (getting
//! outputs), [`verify`] (comparison and diffs), [`render`], [`markdown`],
//! [`template`] and [`index`] (what replaces a directive), [`splice`] (one
//! chapter), [`book`] (the whole book), [`coverage`] (`require-shown`), [`bless`] and [`testing`] (the
//! front end's and the tests' entry points).

// Stdout belongs to mdBook's preprocessor protocol.
#![warn(clippy::print_stdout)]

pub mod anchor;
pub mod bless;
pub mod book;
pub mod cache;
pub mod compile;
pub mod config;
pub mod coverage;
pub mod directive;
pub mod fingerprint;
pub mod index;
pub mod markdown;
pub mod project;
pub mod render;
pub mod run;
pub mod session;
pub mod splice;
mod sys;
pub mod template;
pub mod testing;
pub mod verify;

use std::io;

use anyhow::{Result, bail};
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

pub use config::{Config, OnFailure};
pub use session::Options;

/// The preprocessor, registered as `exec` (`[preprocessor.exec]`).
#[derive(Debug, Clone, Default)]
pub struct Exec {
    options: Options,
}

impl Exec {
    /// The preprocessor name, and the key of its `book.toml` table.
    pub const NAME: &'static str = "exec";

    /// A preprocessor with default options.
    pub fn new() -> Self {
        Exec::default()
    }

    /// A preprocessor with these options.
    pub fn with_options(options: Options) -> Self {
        Exec { options }
    }
}

impl Preprocessor for Exec {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let config = Config::from_mdbook(&ctx.config, &ctx.root)?;
        let src_dir = ctx.root.join(&ctx.config.book.src);
        let report = book::process(&mut book, &ctx.root, &src_dir, &config, self.options)?;
        report.print();
        if !report.errors.is_empty() {
            match config.on_failure {
                OnFailure::Fail => bail!(
                    "{} problem(s) with the book's examples (listed above); the build fails so \
                     that no page shows an unverified output",
                    report.errors.len()
                ),
                OnFailure::Render => eprintln!(
                    "warning: {} problem(s) rendered as error boxes (on-failure = \"render\"); \
                     this build must not be published",
                    report.errors.len()
                ),
            }
        }
        Ok(book)
    }

    fn supports_renderer(&self, _renderer: &str) -> Result<bool> {
        // Output is plain Markdown and HTML blocks: any renderer can take it.
        Ok(true)
    }
}

/// Runs the preprocessor protocol: reads `[context, book]` JSON from stdin
/// and writes the processed book as JSON to stdout.
pub fn handle_preprocessing(pre: &dyn Preprocessor) -> Result<()> {
    let (ctx, book) = mdbook_preprocessor::parse_input(io::stdin())?;
    if ctx.mdbook_version != mdbook_preprocessor::MDBOOK_VERSION {
        eprintln!(
            "note: {} was built against mdBook {}, called from mdBook {}",
            pre.name(),
            mdbook_preprocessor::MDBOOK_VERSION,
            ctx.mdbook_version
        );
    }
    let processed = pre.run(&ctx, book)?;
    serde_json::to_writer(io::stdout().lock(), &processed)?;
    Ok(())
}
