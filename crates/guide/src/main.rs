//! `guide`: build or serve the book, verify its examples, accept new outputs.

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
    /// Live preview: build the site (drafting mode: failing examples become
    /// error boxes) under target/, serve it, rebuild and reload the browser
    /// when a chapter, example, data file or crate source changes.
    Serve {
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// The address to listen on; anything but loopback offers the
        /// drafts to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Ignore cached outputs on the first build.
        #[arg(long)]
        force: bool,
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
                    "search: {} sections, {} tokens in {} shards (largest {} KiB, {} KiB in all)",
                    search.documents,
                    search.distinct_tokens,
                    search.shards,
                    search.largest_shard_bytes / 1024,
                    search.total_bytes / 1024
                ),
                None if stock_search => {
                    eprintln!("search: mdBook's own index kept (--stock-search)")
                }
                None => eprintln!("search: turned off in book.toml, no index written"),
            }
            eprintln!("site written to {}", built.html_dir.display());
        }
        Command::Serve { port, bind, force } => {
            serve(&book, std::net::SocketAddr::new(bind, port), force)?;
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

/// Runs `guide serve` until Ctrl-C: the first Ctrl-C stops it after the
/// build in progress (removing its builds), a second one quits at once.
fn serve(book: &std::path::Path, addr: std::net::SocketAddr, force: bool) -> Result<()> {
    use anyhow::Context as _;
    enum Event {
        Interrupt,
        Stopped,
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let on_signal = tx.clone();
    ctrlc::set_handler(move || {
        let _ = on_signal.send(Event::Interrupt);
    })
    .context("installing the Ctrl-C handler")?;
    let opts = guide::serve::ServeOptions {
        addr,
        exec: guide::Options {
            quiet: false,
            force,
        },
        ..guide::serve::ServeOptions::default()
    };
    let server = guide::serve::Server::start_with(book, &opts)?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "serve: warning: listening on {addr}, not loopback: anyone who can reach this \
             machine can read the drafts"
        );
    }
    eprintln!("serve: {} (drafting mode; Ctrl-C to stop)", server.url());
    // The only events are a signal or the end of stopping.
    let _ = rx.recv();
    eprintln!("serve: stopping after the build in progress, if any (Ctrl-C again to quit now)");
    std::thread::spawn(move || {
        server.stop();
        let _ = tx.send(Event::Stopped);
    });
    match rx.recv() {
        Ok(Event::Interrupt) => {
            eprintln!("serve: quit");
            std::process::exit(130);
        }
        Ok(Event::Stopped) | Err(_) => eprintln!("serve: stopped"),
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
