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
//! The public modules: [`directive`] (the directives and their syntax),
//! [`config`] and [`labels`] (`[preprocessor.exec]`), [`book`] (the whole
//! book: [`book::process`] and its [`book::Report`]), [`splice`] (one
//! chapter) and [`render`] (what replaces a directive), [`bless`]
//! (rewriting `.stdout` files), [`interrupt`] (Ctrl-C and SIGTERM), and,
//! with the `testing` feature, `testing` (the entry point of a book's
//! per-example tests and of this crate's fixtures). The rest (finding
//! examples, keys and the cache, compiling, running) is private; the
//! crate's `ARCHITECTURE.md` section maps it.

// Stdout belongs to mdBook's preprocessor protocol.
#![warn(clippy::print_stdout)]

// The public API: what a front end, a book's tests or a user's own
// preprocessor needs. Everything else is private, so that `unreachable_pub`
// flags what escapes it.
mod anchor;
pub mod bless;
pub mod book;
mod cache;
mod compile;
pub mod config;
mod coverage;
pub mod directive;
mod fingerprint;
mod include;
mod index;
pub mod interrupt;
pub mod labels;
mod markdown;
mod project;
pub mod render;
mod run;
mod session;
pub mod splice;
mod sys;
mod template;
#[cfg(feature = "testing")]
pub mod testing;
mod verify;

use std::io;

use anyhow::{Result, bail};
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

pub use cache::Pruned;
pub use config::{Config, OnFailure};
pub use fingerprint::BuildEnv;
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

/// Removes from the cache of the book at `book_root` (the directory of
/// `book.toml`) every entry no current key reaches, without building
/// anything: what `mdbook-exec prune` and `guide prune` do. See
/// [`cache::Cache::prune`].
pub fn prune(book_root: &std::path::Path) -> Result<Pruned> {
    let config = Config::from_book_toml(book_root)?;
    let project = project::Project::for_config(book_root, &config)?;
    session::prune_unreachable(&project, &config, &fingerprint::BuildEnv::current())
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
