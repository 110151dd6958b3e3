//! `guide`: build the book, verify its examples, accept new outputs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use guide::BuildOptions;

#[derive(Parser)]
#[command(about = "Build 《大模型时代全链路学习指南》 and verify every example it shows")]
struct Cli {
    /// The book directory (the one holding book.toml); found from the
    /// current directory by default.
    #[arg(long, global = true)]
    book: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile, run and verify every example, then render the site into
    /// book/book/.
    Build {
        /// Write the site here instead.
        #[arg(long)]
        dest: Option<PathBuf>,
        /// Show failing examples as error boxes instead of failing (drafting only).
        #[arg(long)]
        draft: bool,
        /// Ignore cached outputs: rebuild and rerun every example.
        #[arg(long)]
        force: bool,
        /// Keep mdBook's own search index (no Chinese bigrams): what stock
        /// mdBook writes, for benchmarks (benches/search).
        #[arg(long)]
        stock_search: bool,
    },
    /// Verify every example the book uses; render nothing.
    Check {
        /// Ignore cached outputs: rebuild and rerun every example.
        #[arg(long)]
        force: bool,
    },
    /// Record the current output of these examples (all if none) as their
    /// documented output, examples/NAME.stdout.
    Bless {
        /// Example names.
        names: Vec<String>,
    },
    /// Remove every cached output no current key reaches (a build also does
    /// it once the cache passes `cache-limit`).
    Prune,
    /// Write a copy of the book with every directive expanded and no
    /// `[preprocessor.exec]`, for a plain mdBook (the benchmark's floor).
    #[command(hide = true)]
    Splice {
        /// The directory to write (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
    },
    /// The KaTeX preprocessor, speaking mdBook's protocol (used by
    /// book.toml when building with a plain `mdbook`).
    Katex {
        /// `supports RENDERER`, as mdBook asks.
        #[arg(trailing_var_arg = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    init_logging();
    // Ctrl-C or SIGTERM stops every running example (mdbook_exec::interrupt).
    if let Err(e) = mdbook_exec::interrupt::install() {
        eprintln!(
            "warning: cannot handle Ctrl-C ({e}); an interrupted build may leave examples running"
        );
    }
    let result = run(Cli::parse());
    if mdbook_exec::interrupt::requested() {
        return ExitCode::from(mdbook_exec::interrupt::EXIT_STATUS);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// mdBook and mdbook-katex report through `tracing` (a chapter's unbalanced
/// HTML, a formula KaTeX cannot parse): show warnings and errors on stderr,
/// more with `RUST_LOG=info`.
fn init_logging() {
    use tracing_subscriber::filter::{EnvFilter, LevelFilter};
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::WARN.into())
        .from_env_lossy();
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .without_time()
        .with_target(false)
        .try_init();
}

fn run(cli: Cli) -> Result<()> {
    if let Command::Katex { args } = &cli.command {
        return katex(args);
    }
    let book = match cli.book {
        Some(b) => b,
        None => guide::find_book_root()?,
    };
    match cli.command {
        Command::Build {
            dest,
            draft,
            force,
            stock_search,
        } => {
            let opts = BuildOptions {
                dest,
                draft,
                stock_search,
                exec: guide::Options {
                    quiet: false,
                    force,
                },
            };
            let built = guide::build(&book, &opts)?;
            match &built.search {
                Some(search) => eprintln!(
                    "search: {} sections indexed with Chinese bigrams ({} KiB)",
                    search.documents,
                    search.bytes_after / 1024
                ),
                None if stock_search => {
                    eprintln!("search: mdBook's own index kept (--stock-search)")
                }
                None => eprintln!("search: turned off in book.toml, no index written"),
            }
            eprintln!("site written to {}", built.html_dir.display());
        }
        Command::Check { force } => {
            let opts = BuildOptions {
                exec: guide::Options {
                    quiet: false,
                    force,
                },
                ..BuildOptions::default()
            };
            let report = guide::check(&book, &opts)?;
            report.print();
            if !report.errors.is_empty() {
                bail!(
                    "{} problem(s) with the book's examples (listed above)",
                    report.errors.len()
                );
            }
        }
        Command::Bless { names } => {
            let b = mdbook_exec::bless::bless(&book, &names, guide::Options::default())?;
            for (what, list) in [("created", &b.created), ("updated", &b.updated)] {
                for n in list {
                    eprintln!("{what} examples/{n}.stdout");
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
        }
        Command::Prune => {
            let pruned = mdbook_exec::prune(&book)?;
            eprintln!("{pruned}");
        }
        Command::Splice { out } => {
            let report = guide::splice(&book, &out, &BuildOptions::default())?;
            report.print();
            if !report.errors.is_empty() {
                bail!(
                    "{} problem(s) with the book's examples (listed above); nothing was written",
                    report.errors.len()
                );
            }
            eprintln!("spliced book written to {}", out.display());
        }
        Command::Katex { .. } => unreachable!("handled above"),
    }
    Ok(())
}

fn katex(args: &[String]) -> Result<()> {
    use mdbook_preprocessor::Preprocessor as _;
    let pre = guide::katex::Katex;
    match args {
        [cmd, renderer] if cmd == "supports" => {
            if pre.supports_renderer(renderer)? {
                Ok(())
            } else {
                bail!("the katex preprocessor does not support the {renderer} renderer")
            }
        }
        [] => mdbook_exec::handle_preprocessing(&pre),
        _ => bail!("usage: guide katex [supports RENDERER]"),
    }
}
