//! Building examples: one cargo invocation for all of them.
//!
//! `cargo build --workspace --examples --message-format=json --keep-going`
//! (or `--example A --example B …` for just the ones that need it). One
//! invocation means cargo resolves, checks and links in one process with one
//! shared target directory, instead of one rustc per snippet. `--workspace`
//! makes cargo resolve features exactly as `cargo test --workspace` does, so
//! the two share every compiled artifact. `--keep-going` lets every example
//! that can be built be built, so that all compile errors of a build are
//! reported together.

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result};
use serde::Deserialize;

/// What one cargo invocation produced.
#[derive(Debug, Default)]
pub struct Compiled {
    /// Executables by example name.
    pub executables: BTreeMap<String, PathBuf>,
    /// Compile errors by example name: `file:line` and the compiler's
    /// rendered message.
    pub errors: BTreeMap<String, String>,
    /// Failures not attributable to one example (a broken dependency, a bad
    /// manifest), with cargo's own words.
    pub general: Vec<String>,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    message: Option<Diagnostic>,
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    #[serde(default)]
    rendered: Option<String>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: usize,
    is_primary: bool,
}

/// Builds `names` (every example if `None`) in `workspace` with `profile`.
/// Cargo's progress goes to this process's stderr unless `quiet`.
pub fn compile(
    workspace: &Path,
    profile: &str,
    names: Option<&[String]>,
    quiet: bool,
) -> Result<Compiled> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(workspace)
        .args([
            "build",
            "--workspace",
            "--message-format=json",
            "--keep-going",
        ])
        .args(["--profile", profile]);
    match names {
        None => {
            cmd.arg("--examples");
        }
        Some(names) => {
            for n in names {
                cmd.args(["--example", n]);
            }
        }
    }
    if quiet {
        cmd.arg("--quiet");
    }
    // When we run inside `cargo test` or `cargo run`, cargo has set variables
    // describing *that* crate; the nested build must not inherit them.
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("CARGO_PKG_")
            || matches!(
                &*k,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "OUT_DIR"
            )
        {
            cmd.env_remove(&key);
        }
    }
    cmd.stdout(Stdio::piped()).stderr(if quiet {
        Stdio::piped()
    } else {
        Stdio::inherit()
    });
    let mut child = cmd
        .spawn()
        .with_context(|| format!("running {}", cargo.to_string_lossy()))?;
    let stderr_reader = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut e, &mut s);
            s
        })
    });
    let mut out = Compiled::default();
    let mut finished_ok = None;
    let stdout = child.stdout.take().context("cargo's stdout")?;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        let example = msg
            .target
            .as_ref()
            .filter(|t| t.kind.iter().any(|k| k == "example"))
            .map(|t| t.name.clone());
        match msg.reason.as_str() {
            "compiler-artifact" => {
                if let (Some(name), Some(exe)) = (example, msg.executable) {
                    out.executables.insert(name, exe);
                }
            }
            "compiler-message" => {
                let Some(diag) = msg.message else { continue };
                if diag.level != "error" {
                    continue;
                }
                let rendered = diag.rendered.unwrap_or_default();
                let location = diag
                    .spans
                    .iter()
                    .find(|s| s.is_primary)
                    .map(|s| format!("{}:{}", s.file_name, s.line_start));
                match example {
                    Some(name) => {
                        let text = out.errors.entry(name).or_default();
                        if let Some(loc) = location
                            && text.is_empty()
                        {
                            text.push_str(&format!("at {loc}\n"));
                        }
                        text.push_str(&rendered);
                    }
                    None => out.general.push(rendered),
                }
            }
            "build-finished" => finished_ok = msg.success,
            _ => {}
        }
    }
    let status = child.wait()?;
    let stderr = stderr_reader
        .and_then(|h| h.join().ok())
        .unwrap_or_default();
    // `aborting due to N previous errors` lines would only repeat ours.
    for text in out.errors.values_mut() {
        *text = text.trim_end().to_owned();
    }
    if !status.success() && out.errors.is_empty() && out.general.is_empty() {
        let tail = stderr.lines().rev().take(20).collect::<Vec<_>>();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        out.general.push(format!(
            "cargo build failed ({status}){}{}",
            if tail.is_empty() { "" } else { ":\n" },
            tail.join("\n")
        ));
    } else if finished_ok == Some(false) && out.errors.is_empty() && out.general.is_empty() {
        out.general
            .push("cargo build failed without a diagnostic".to_owned());
    }
    Ok(out)
}
