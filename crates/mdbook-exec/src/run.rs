//! Running one example program, safely, on Linux, macOS and Windows.
//!
//! Each program runs with stdin closed, a clean environment, the workspace
//! root as its current directory, a timeout and a cap on captured output,
//! inside a unit that is killed as a whole (`process-wrap`: its own process
//! group on Unix, a Job Object on Windows). On timeout, overflow or an
//! interrupted build ([`crate::interrupt`]) the whole unit is killed, so a
//! child the program spawned dies with it; after the program exits, the unit
//! is killed too, so a grandchild that kept the pipes open cannot hang the
//! build. On Linux the program also dies with the thread that started it,
//! so a build killed with SIGKILL leaves no example running.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use process_wrap::std::CommandWrap;

/// How to run one program.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    /// The executable.
    pub program: PathBuf,
    /// Current directory for the run.
    pub cwd: PathBuf,
    /// Killed after this long.
    pub timeout: Duration,
    /// Bytes kept from stdout (and from stderr); more is an error.
    pub max_output: usize,
}

/// Why a run produced no usable output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The program could not be started.
    Spawn(String),
    /// It ran longer than the timeout and was killed.
    Timeout {
        /// The limit.
        limit: Duration,
        /// The last lines it wrote to stderr.
        stderr_tail: String,
    },
    /// It exited unsuccessfully (a panic exits with 101).
    Exit {
        /// `exit status 101`, `signal 11 (SIGSEGV)`…
        status: String,
        /// The last lines it wrote to stderr.
        stderr_tail: String,
    },
    /// It printed more than the cap and was killed.
    TooMuchOutput {
        /// The cap in bytes.
        limit: usize,
        /// `stdout` or `stderr`.
        stream: &'static str,
    },
    /// The build was interrupted (Ctrl-C, SIGTERM) while it ran; it was
    /// killed.
    Interrupted,
    /// Its stdout is not UTF-8.
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
    },
    /// Its stdout holds a control character a page cannot show (an ANSI
    /// escape sequence, a NUL…).
    ControlCharacter {
        /// The character.
        ch: char,
        /// 1-based line.
        line: usize,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tail = |f: &mut std::fmt::Formatter<'_>, t: &str| {
            if t.is_empty() {
                write!(f, " (it wrote nothing to stderr)")
            } else {
                write!(f, "; the end of its stderr:\n{}", indent(t))
            }
        };
        match self {
            Failure::Spawn(e) => write!(f, "could not be started: {e}"),
            Failure::Timeout { limit, stderr_tail } => {
                write!(
                    f,
                    "did not finish within {} s and was killed (raise it with \
                     [preprocessor.exec.examples.NAME] timeout = SECONDS, or make it faster)",
                    limit.as_secs()
                )?;
                tail(f, stderr_tail)
            }
            Failure::Exit {
                status,
                stderr_tail,
            } => {
                write!(f, "failed ({status})")?;
                tail(f, stderr_tail)
            }
            Failure::TooMuchOutput { limit, stream } => write!(
                f,
                "printed more than {limit} bytes to {stream} and was killed (max-output in \
                 [preprocessor.exec]); a book page should show far less"
            ),
            Failure::Interrupted => write!(f, "was stopped: the build was interrupted"),
            Failure::NotUtf8 { offset, line } => write!(
                f,
                "printed bytes that are not UTF-8 (first invalid byte at offset {offset}, line \
                 {line}); print text only"
            ),
            Failure::ControlCharacter { ch, line } => write!(
                f,
                "printed the control character U+{:04X} on line {line} (an ANSI colour code?); \
                 pages show plain text only",
                *ch as u32
            ),
        }
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Environment variables passed through to examples; everything else is
/// cleared so that a developer's shell cannot change what a program prints.
const PASS_ENV: &[&str] = &["PATH", "HOME", "TMPDIR", "SYSTEMROOT"];

/// How often a running program is polled (has it exited? was the build
/// interrupted?). Short against a program's run, long against the syscall.
const POLL: Duration = Duration::from_millis(10);

/// Runs the program and returns its stdout as text, with line endings
/// normalised (see [`crate::verify::normalize`]).
pub(crate) fn run(spec: &Spec) -> Result<String, Failure> {
    if crate::interrupt::requested() {
        return Err(Failure::Interrupted);
    }
    let mut child = command(spec)
        .spawn_with(spawn_retrying)
        .map_err(|e| Failure::Spawn(format!("{}: {e}", spec.program.display())))?;
    let (tx, rx) = mpsc::channel::<Event>();
    let readers = [
        child
            .stdout()
            .take()
            .map(|s| reader(Box::new(s), "stdout", spec.max_output, tx.clone())),
        child
            .stderr()
            .take()
            .map(|s| reader(Box::new(s), "stderr", spec.max_output, tx.clone())),
    ];
    drop(tx);
    let ended = supervise(&mut *child, &rx, spec);
    for r in readers.into_iter().flatten() {
        // A reader still blocked here would mean a process outside the
        // program's group holds the pipe; do not wait for it.
        if r.is_finished() {
            let _ = r.join();
        }
    }
    ended.outcome()
}

/// The program's command: a clean environment, no input, both outputs
/// piped, and the program with everything it starts as one unit that is
/// killed together (a process group on Unix, a Job Object on Windows).
fn command(spec: &Spec) -> CommandWrap {
    let mut cmd = Command::new(&spec.program);
    cmd.current_dir(&spec.cwd)
        .env_clear()
        .envs(
            PASS_ENV
                .iter()
                .filter_map(|k| std::env::var_os(k).map(|v| (*k, v))),
        )
        .env("LC_ALL", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::sys::die_with_parent(&mut cmd);
    let mut cmd = CommandWrap::from(cmd);
    #[cfg(unix)]
    cmd.wrap(process_wrap::std::ProcessGroup::leader());
    #[cfg(windows)]
    cmd.wrap(process_wrap::std::JobObject);
    cmd
}

/// What became of a run: its outputs as far as they were read, its exit
/// status, and why it was stopped, if it was.
struct Ended {
    stdout: Option<Vec<u8>>,
    stderr: Option<Vec<u8>>,
    status: Option<Result<ExitStatus, String>>,
    failure: Option<Failure>,
}

/// Waits for the program and its output, killing it on overflow, timeout
/// or interruption; returns once it is reaped and its pipes are read (or
/// a few seconds after it ended, if something else holds them open).
fn supervise(
    child: &mut dyn process_wrap::std::ChildWrapper,
    rx: &mpsc::Receiver<Event>,
    spec: &Spec,
) -> Ended {
    let deadline = Instant::now() + spec.timeout;
    let mut e = Ended {
        stdout: None,
        stderr: None,
        status: None,
        failure: None,
    };
    // Once the program is gone (or being killed), its pipes close when the
    // last process of its group is dead: the readers get a moment for that.
    let mut drain_until: Option<Instant> = None;
    while e.status.is_none() || e.stdout.is_none() || e.stderr.is_none() {
        let now = Instant::now();
        if drain_until.is_some_and(|d| now >= d) {
            break;
        }
        let wait = match drain_until {
            Some(d) => d.saturating_duration_since(now),
            None => deadline.saturating_duration_since(now),
        };
        match rx.recv_timeout(wait.min(POLL)) {
            Ok(Event::Output("stdout", bytes)) => e.stdout = Some(bytes),
            Ok(Event::Output(_, bytes)) => e.stderr = Some(bytes),
            Ok(Event::Overflow(stream)) => {
                let _ = child.start_kill();
                e.failure.get_or_insert(Failure::TooMuchOutput {
                    limit: spec.max_output,
                    stream,
                });
                // The reader keeps draining (and discarding) until EOF.
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Both readers are done.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                if e.status.is_some() {
                    break;
                }
            }
        }
        if e.status.is_none() {
            match child.try_wait() {
                Ok(None) => {}
                Ok(Some(s)) => e.status = Some(Ok(s)),
                Err(err) => e.status = Some(Err(err.to_string())),
            }
            if e.status.is_some() {
                // Grandchildren may still hold the pipes open.
                let _ = child.start_kill();
            }
        }
        if e.failure.is_none() && e.status.is_none() {
            if crate::interrupt::requested() {
                let _ = child.start_kill();
                e.failure = Some(Failure::Interrupted);
            } else if Instant::now() >= deadline {
                let _ = child.start_kill();
                e.failure = Some(Failure::Timeout {
                    limit: spec.timeout,
                    stderr_tail: String::new(),
                });
            }
        }
        if drain_until.is_none() && (e.failure.is_some() || e.status.is_some()) {
            drain_until = Some(Instant::now() + Duration::from_secs(5));
        }
    }
    if e.status.is_none() {
        // Killed above: reap it.
        let _ = child.start_kill();
        e.status = Some(child.wait().map_err(|err| err.to_string()));
    }
    e
}

impl Ended {
    /// The decoded standard output of a successful run, or why there is
    /// none (with the end of standard error).
    fn outcome(self) -> Result<String, Failure> {
        let stderr_tail = tail(&self.stderr.unwrap_or_default(), 20);
        if let Some(mut f) = self.failure {
            if let Failure::Timeout { stderr_tail: t, .. } = &mut f {
                *t = stderr_tail;
            }
            return Err(f);
        }
        match self.status {
            Some(Ok(s)) if s.success() => decode(&self.stdout.unwrap_or_default()),
            Some(Ok(s)) => Err(Failure::Exit {
                status: describe(s),
                stderr_tail,
            }),
            Some(Err(e)) => Err(Failure::Spawn(e)),
            None => Err(Failure::Exit {
                status: "unknown status".into(),
                stderr_tail,
            }),
        }
    }
}

/// Spawns `cmd`, retrying while the kernel answers ETXTBSY ("text file
/// busy"). That answer is transient: an executable just written (a staged
/// copy, a test's script) can still be open for writing in a child that
/// another thread forked in the meantime, until that child execs and its
/// close-on-exec descriptors close.
fn spawn_retrying(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    #[cfg(unix)]
    {
        let mut wait = Duration::from_millis(5);
        for _ in 0..10 {
            match cmd.spawn() {
                Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }
    cmd.spawn()
}

enum Event {
    Output(&'static str, Vec<u8>),
    Overflow(&'static str),
}

fn reader(
    mut stream: Box<dyn std::io::Read + Send>,
    name: &'static str,
    cap: usize,
    tx: mpsc::Sender<Event>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        let mut overflowed = false;
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if overflowed {
                        continue;
                    }
                    if kept.len() + n > cap {
                        overflowed = true;
                        let _ = tx.send(Event::Overflow(name));
                        continue;
                    }
                    kept.extend_from_slice(&buf[..n]);
                }
            }
        }
        let _ = tx.send(Event::Output(name, kept));
    })
}

fn describe(s: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(sig) = s.signal() {
            let name = match sig {
                libc::SIGSEGV => " (SIGSEGV)",
                libc::SIGABRT => " (SIGABRT)",
                libc::SIGKILL => " (SIGKILL)",
                libc::SIGBUS => " (SIGBUS)",
                _ => "",
            };
            return format!("killed by signal {sig}{name}");
        }
    }
    match s.code() {
        Some(101) => "exit status 101: it panicked".to_owned(),
        Some(c) => format!("exit status {c}"),
        None => s.to_string(),
    }
}

fn tail(bytes: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Checks that `bytes` is text a page can show and normalises it.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, Failure> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(Failure::NotUtf8 { offset, line });
        }
    };
    for (i, l) in text.split('\n').enumerate() {
        if let Some(ch) = l
            .chars()
            .find(|&c| c.is_control() && c != '\t' && c != '\r')
        {
            return Err(Failure::ControlCharacter { ch, line: i + 1 });
        }
    }
    Ok(crate::verify::normalize(text))
}

/// The path a copied executable runs from (see the session).
pub(crate) fn staged_path(dir: &Path, name: &str, key: &str) -> PathBuf {
    dir.join(format!("{name}-{}", &key[..16.min(key.len())]))
}

// The programs here are shell scripts.
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str, timeout_ms: u64, cap: usize) -> Result<String, Failure> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prog.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        run(&Spec {
            program: path,
            cwd: dir.path().to_path_buf(),
            timeout: Duration::from_millis(timeout_ms),
            max_output: cap,
        })
    }

    #[test]
    fn captures_and_normalises() {
        assert_eq!(
            sh("printf 'a  \\r\\nb\\n\\n\\n'", 5000, 1 << 20).unwrap(),
            "a\nb\n"
        );
    }

    #[test]
    fn nonzero_exit_reports_stderr_tail() {
        let e = sh("echo boom >&2; exit 3", 5000, 1 << 20).unwrap_err();
        assert_eq!(
            e,
            Failure::Exit {
                status: "exit status 3".into(),
                stderr_tail: "boom".into()
            }
        );
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        let start = Instant::now();
        // The child sleeps in a grandchild that also holds the pipes open.
        let e = sh("echo started >&2; sleep 30 & sleep 30", 300, 1 << 20).unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        match e {
            Failure::Timeout { stderr_tail, .. } => assert_eq!(stderr_tail, "started"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lingering_grandchild_does_not_hang() {
        let start = Instant::now();
        let out = sh("(sleep 30; echo late) & echo done", 20_000, 1 << 20).unwrap();
        assert_eq!(out, "done\n");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn output_cap() {
        let e = sh("yes 0123456789", 20_000, 4096).unwrap_err();
        assert_eq!(
            e,
            Failure::TooMuchOutput {
                limit: 4096,
                stream: "stdout"
            }
        );
    }

    #[test]
    fn stdin_is_closed() {
        // `cat` reads stdin; with it closed the program ends at once.
        assert_eq!(sh("cat; echo ok", 5000, 1 << 20).unwrap(), "ok\n");
    }

    #[test]
    fn invalid_utf8_and_control_characters() {
        let e = sh("printf 'ok\\n\\377\\n'", 5000, 1 << 20).unwrap_err();
        assert_eq!(e, Failure::NotUtf8 { offset: 3, line: 2 });
        let e = sh("printf 'a\\n\\033[31mred\\n'", 5000, 1 << 20).unwrap_err();
        assert_eq!(
            e,
            Failure::ControlCharacter {
                ch: '\u{1b}',
                line: 2
            }
        );
    }

    #[test]
    fn environment_is_clean() {
        let out = sh("echo \"[${CARGO_PKG_NAME:-}]\"", 5000, 1 << 20).unwrap();
        assert_eq!(out, "[]\n");
    }
}
