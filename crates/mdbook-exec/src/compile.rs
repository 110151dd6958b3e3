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
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result};
use serde::Deserialize;

/// What one cargo invocation produced.
#[derive(Debug, Default)]
pub(crate) struct Compiled {
    /// Executables by example name.
    pub executables: BTreeMap<String, PathBuf>,
    /// Compile errors by example name: `file:line` and the compiler's
    /// rendered message.
    pub errors: BTreeMap<String, String>,
    /// Failures not attributable to one example (a broken dependency, a bad
    /// manifest), with cargo's own words.
    pub general: Vec<String>,
    /// What the other units' dep-info and build scripts say (see
    /// [`crate::fingerprint::depinfo`]).
    pub facts: crate::fingerprint::BuildFacts,
}

/// Where [`compile`] sends each example's name and executable as soon as
/// cargo has linked it.
pub(crate) type Ready = std::sync::mpsc::Sender<(String, PathBuf)>;

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    package_id: Option<String>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
    #[serde(default)]
    out_dir: Option<PathBuf>,
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

/// Builds `names` (every example if `None`) in `workspace` with `profile`,
/// in the environment `env` gives a nested cargo
/// ([`crate::fingerprint::BuildEnv::for_cargo`]: without the variables cargo
/// set for the crate we run in, so that `cargo run -p guide`, the `guide`
/// binary and `mdbook build` build alike). Cargo's progress goes to this
/// process's stderr unless `quiet`.
///
/// Each example's name and executable are also sent to `ready` the moment
/// cargo reports them, so that the caller can run an example while cargo
/// is still compiling the others.
pub(crate) fn compile(
    workspace: &Path,
    profile: &str,
    names: Option<&[String]>,
    quiet: bool,
    env: &crate::fingerprint::BuildEnv,
    ready: Option<Ready>,
) -> Result<Compiled> {
    let cargo = env.cargo();
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(workspace)
        .env_clear()
        .envs(env.for_cargo())
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
    cmd.stdout(Stdio::piped()).stderr(if quiet {
        Stdio::piped()
    } else {
        Stdio::inherit()
    });
    let (out, finished_ok, status, stderr) =
        run_cargo(cmd, ready).with_context(|| format!("running {}", cargo.to_string_lossy()))?;
    Ok(conclude(out, finished_ok, status, &stderr))
}

/// Why a build produced nothing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stopped {
    /// The build was interrupted (Ctrl-C, SIGTERM); cargo and every
    /// compiler it ran were killed.
    #[error("cargo was stopped: the build was interrupted")]
    Interrupted,
}

/// How often a running cargo is polled (has it exited? was the build
/// interrupted?).
const POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// Runs cargo as a unit of its own (a process group on Unix, a Job Object
/// on Windows) and reads its messages. Cargo is outside the terminal's
/// process group, so Ctrl-C reaches only this process; when the build is
/// interrupted ([`crate::interrupt`]), cargo and every compiler and build
/// script it started are killed together, before any of them writes more.
/// Returns what its messages said, `build-finished`'s verdict, its status
/// and (when piped) its stderr.
fn run_cargo(
    mut cmd: Command,
    ready: Option<Ready>,
) -> Result<(Compiled, Option<bool>, std::process::ExitStatus, String)> {
    if crate::interrupt::requested() {
        return Err(Stopped::Interrupted.into());
    }
    crate::sys::die_with_parent(&mut cmd);
    let mut cmd = process_wrap::std::CommandWrap::from(cmd);
    #[cfg(unix)]
    cmd.wrap(process_wrap::std::ProcessGroup::leader());
    #[cfg(windows)]
    cmd.wrap(process_wrap::std::JobObject);
    let mut child = cmd.spawn()?;
    let stderr_reader = child.stderr().take().map(|mut e| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut e, &mut s);
            s
        })
    });
    let stdout = child.stdout().take().context("cargo's stdout")?;
    let messages =
        std::thread::spawn(move || read_messages(std::io::BufReader::new(stdout), ready));
    let status = loop {
        if crate::interrupt::requested() {
            let _ = child.start_kill();
            let _ = child.wait();
            return Err(Stopped::Interrupted.into());
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(POLL);
    };
    let (out, finished_ok) = messages
        .join()
        .map_err(|_| anyhow::anyhow!("the reader of cargo's messages panicked"))??;
    let stderr = stderr_reader
        .and_then(|h| h.join().ok())
        .unwrap_or_default();
    Ok((out, finished_ok, status, stderr))
}

/// Reads cargo's JSON messages: executables, compile errors by example,
/// other failures, and what the other units' dep-info and build scripts
/// say. Also returns `build-finished`'s verdict. Sends each executable to
/// `ready` as it is read.
fn read_messages(
    stdout: impl std::io::BufRead,
    ready: Option<Ready>,
) -> Result<(Compiled, Option<bool>)> {
    let mut out = Compiled::default();
    let mut finished_ok = None;
    for line in stdout.lines() {
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
                    if let Some(ready) = &ready {
                        // A receiver that has gone only stops listening.
                        let _ = ready.send((name.clone(), exe.clone()));
                    }
                    out.executables.insert(name, exe);
                } else {
                    out.facts.unit_depinfo.extend(unit_depinfo(&msg.filenames));
                }
            }
            "build-script-executed" => {
                if let Some(out_dir) = msg.out_dir {
                    let package_dir = msg.package_id.as_deref().and_then(local_package_dir);
                    out.facts.build_scripts.push((out_dir, package_dir));
                }
            }
            "compiler-message" => {
                if let Some(diag) = msg.message {
                    add_error(&mut out, example, diag);
                }
            }
            "build-finished" => finished_ok = msg.success,
            _ => {}
        }
    }
    Ok((out, finished_ok))
}

/// Files an error diagnostic under its example, or as a general failure.
fn add_error(out: &mut Compiled, example: Option<String>, diag: Diagnostic) {
    if diag.level != "error" {
        return;
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

/// Adds a general failure when cargo failed without saying why in a
/// message (a bad manifest, a lockfile that needs updating…), with the end
/// of its stderr.
fn conclude(
    mut out: Compiled,
    finished_ok: Option<bool>,
    status: std::process::ExitStatus,
    stderr: &str,
) -> Compiled {
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
    out
}

/// rustc's dep-info of a library unit: `deps/libfoo-HASH.rlib` has
/// `deps/foo-HASH.d`.
fn unit_depinfo(filenames: &[PathBuf]) -> Option<PathBuf> {
    let f = filenames.first()?;
    let dir = f.parent()?;
    let stem = f.file_stem()?.to_str()?;
    let stem = stem.strip_prefix("lib").unwrap_or(stem);
    let d = dir.join(format!("{stem}.d"));
    d.is_file().then_some(d)
}

/// The directory of a local package from its id
/// (`path+file:///work/crates/x#0.1.0`); `None` for registry and git ones.
fn local_package_dir(id: &str) -> Option<PathBuf> {
    let rest = id.strip_prefix("path+file://")?;
    let path = rest.split('#').next()?;
    Some(PathBuf::from(percent_decode(path)))
}

/// `%20` and friends in a file URL.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_and_dep_info_names() {
        assert_eq!(
            local_package_dir("path+file:///work/my%20crates/x#0.1.0"),
            Some(PathBuf::from("/work/my crates/x"))
        );
        assert_eq!(
            local_package_dir("registry+https://github.com/rust-lang/crates.io-index#libm@0.2.15"),
            None
        );
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("foo-0123.d"), "").unwrap();
        assert_eq!(
            unit_depinfo(&[t.path().join("libfoo-0123.rlib")]),
            Some(t.path().join("foo-0123.d"))
        );
        assert_eq!(unit_depinfo(&[t.path().join("libbar-0123.rlib")]), None);
    }

    /// Cargo's messages, one line at a time; before it hands out line `i`,
    /// it records how many executables the receiver had by then.
    struct Watched {
        lines: Vec<String>,
        next: usize,
        pending: Vec<u8>,
        seen: std::sync::mpsc::Receiver<(String, PathBuf)>,
        got: Vec<String>,
        before_line: Vec<usize>,
    }

    impl std::io::Read for Watched {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.pending.is_empty() {
                let Some(line) = self.lines.get(self.next) else {
                    return Ok(0);
                };
                self.got.extend(self.seen.try_iter().map(|(n, _)| n));
                self.before_line.push(self.got.len());
                self.pending = format!("{line}\n").into_bytes();
                self.next += 1;
            }
            let n = buf.len().min(self.pending.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            Ok(n)
        }
    }

    #[test]
    fn each_executable_is_handed_on_before_the_next_message_is_read() {
        let artifact = |name: &str| {
            format!(
                r#"{{"reason":"compiler-artifact","target":{{"name":"{name}","kind":["example"]}},"executable":"/t/{name}","filenames":[]}}"#
            )
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let mut watched = Watched {
            lines: vec![
                artifact("first"),
                artifact("second"),
                r#"{"reason":"build-finished","success":true}"#.to_owned(),
            ],
            next: 0,
            pending: Vec::new(),
            seen: rx,
            got: Vec::new(),
            before_line: Vec::new(),
        };
        let (out, ok) =
            read_messages(std::io::BufReader::with_capacity(1, &mut watched), Some(tx)).unwrap();
        assert_eq!(ok, Some(true));
        assert_eq!(out.executables.len(), 2);
        // Line 2 is read only once `first` has been sent, line 3 once
        // `second` has: the caller can run each while cargo goes on.
        assert_eq!(watched.before_line, vec![0, 1, 2]);
        assert_eq!(watched.got, vec!["first", "second"]);
    }
}
