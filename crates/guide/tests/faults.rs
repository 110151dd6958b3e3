//! Process-level faults, with the real `guide` binary on copies of the
//! engine's std-only fixture books:
//!
//! - `build` and `bless` killed with SIGKILL at moments spread over their
//!   whole run leave every `.stdout` whole (old or new), and the next build
//!   is correct;
//! - builds, checks and blesses running at once corrupt nothing;
//! - a different toolchain (`RUSTC`, or the same `RUSTC` path changed in
//!   place) or different `RUSTFLAGS` invalidate the cache;
//! - a caller that holds stdin open does not hang a program reading it;
//! - a build killed while an example runs leaves no example running.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const NAMES: [&str; 4] = ["figure", "hello", "html", "table"];

/// Far more than any of these commands needs; reaching it means a hang.
const WATCHDOG: Duration = Duration::from_secs(180);

fn fixture(name: &str) -> tempfile::TempDir {
    mdbook_exec::testing::fixture(name).expect("copying the fixture")
}

fn guide(book: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guide"));
    cmd.arg("--book").arg(book).args(args).env_remove("CI");
    // The fixture builds in its own target directory, whatever the caller's.
    cmd.env_remove("CARGO_TARGET_DIR");
    cmd
}

/// Waits for `child` under the watchdog, killing it (and failing) on a hang.
fn finish(mut child: Child) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("the command hung for {WATCHDOG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(mut cmd: Command) -> Output {
    finish(
        cmd.stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout_path(ws: &Path, name: &str) -> PathBuf {
    ws.join("examples").join(format!("{name}.stdout"))
}

/// The committed `.stdout` of each example (what `bless` writes) and a
/// stale version of it (what `bless` must replace).
fn old_and_new(ws: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    NAMES
        .iter()
        .map(|n| {
            let new = std::fs::read(stdout_path(ws, n)).unwrap();
            let mut old = new.clone();
            old.extend_from_slice("过时的一行\n".as_bytes());
            (old, new)
        })
        .collect()
}

fn write_old(ws: &Path, versions: &[(Vec<u8>, Vec<u8>)]) {
    for (n, (old, _)) in NAMES.iter().zip(versions) {
        std::fs::write(stdout_path(ws, n), old).unwrap();
    }
}

/// Every `.stdout` is, byte for byte, its old or its new content.
fn assert_whole(ws: &Path, versions: &[(Vec<u8>, Vec<u8>)], when: &str) {
    for (n, (old, new)) in NAMES.iter().zip(versions) {
        let now = std::fs::read(stdout_path(ws, n)).unwrap();
        assert!(
            now == *old || now == *new,
            "{when}: examples/{n}.stdout is neither its old nor its new content: {:?}",
            String::from_utf8_lossy(&now)
        );
    }
}

/// After the faults: a bless to the end, then a build that passes, finds no
/// corrupt cache entry, and leaves no staging directory behind.
fn assert_recovers(ws: &Path) {
    let book = ws.join("book");
    let o = run(guide(&book, &["bless"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(guide(&book, &["build"]));
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("examples: 4 verified"), "{e}");
    assert!(!e.contains("corrupt"), "{e}");
    let o = run(guide(&book, &["build"]));
    let e = stderr(&o);
    assert!(
        e.contains("examples: 4 verified, 0 run, 4 from cache"),
        "{e}"
    );
    let stages = ws.join(mdbook_exec::testing::FIXTURE_CACHE).join("run");
    let left: Vec<_> = std::fs::read_dir(&stages)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "staging directories left: {left:?}");
}

#[test]
fn killed_bless_or_build_leaves_every_stdout_whole() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    let versions = old_and_new(ws.path());
    // Build the programs once, so that the kills below land in the engine's
    // own work (cache lookups, runs, cache writes, `.stdout` writes) rather
    // than all in cargo.
    let o = run(guide(&book, &["check"]));
    assert!(o.status.success(), "{}", stderr(&o));

    // Delays from "before anything" to "after the end", in a fixed
    // pseudo-random order; every third round starts from an empty cache so
    // that programs run and entries are written again.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..24 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = Duration::from_millis(match round % 4 {
            0 => x % 5,
            1 => x % 40,
            2 => x % 200,
            _ => x % 600,
        });
        if round % 3 == 0 {
            let _ = std::fs::remove_dir_all(ws.path().join(mdbook_exec::testing::FIXTURE_CACHE));
        }
        write_old(ws.path(), &versions);
        let cmd = if round % 2 == 0 { "bless" } else { "build" };
        let mut child = guide(&book, &[cmd])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap_or(()); // SIGKILL; it may have finished already
        child.wait().unwrap();
        assert_whole(
            ws.path(),
            &versions,
            &format!("`{cmd}` killed after {delay:?}"),
        );
    }
    assert_recovers(ws.path());
    for (n, (_, new)) in NAMES.iter().zip(&versions) {
        assert_eq!(&std::fs::read(stdout_path(ws.path(), n)).unwrap(), new);
    }
}

#[test]
fn builds_checks_and_blesses_at_once_corrupt_nothing() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    let versions = old_and_new(ws.path());
    for round in 0..3 {
        let _ = std::fs::remove_dir_all(ws.path().join(mdbook_exec::testing::FIXTURE_CACHE));
        write_old(ws.path(), &versions);
        let dest = ws.path().join(format!("site-{round}"));
        let children: Vec<Child> = [
            guide(&book, &["build", "--dest"]).arg(&dest),
            &mut guide(&book, &["check"]),
            &mut guide(&book, &["bless"]),
            &mut guide(&book, &["bless", "hello", "table"]),
            &mut guide(&book, &["check", "--force"]),
        ]
        .into_iter()
        .map(|c| {
            c.stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
        for child in children {
            // Checks may fail (they can read an old `.stdout`); none may
            // crash or meet a damaged cache entry.
            let o = finish(child);
            let e = stderr(&o);
            assert!(
                !e.contains("panicked") && !e.contains("corrupt") && !e.contains("could not"),
                "{e}"
            );
        }
        assert_whole(ws.path(), &versions, &format!("round {round}"));
    }
    assert_recovers(ws.path());
}

/// The real compiler, not rustup's proxy (a wrapper calls it directly).
fn real_rustc() -> PathBuf {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .unwrap();
    let sysroot = String::from_utf8(out.stdout).unwrap();
    Path::new(sysroot.trim()).join("bin/rustc")
}

/// A `rustc` that is the real one except for the commit hash it reports.
fn write_fake_rustc(path: &Path, commit: &str) {
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = \"-vV\" ]; then\n  {rustc} -vV | sed 's/^commit-hash: .*/commit-hash: {commit}/'\n  exit 0\nfi\nexec {rustc} \"$@\"\n",
        rustc = real_rustc().display()
    );
    std::fs::write(path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_changed_toolchain_or_flags_invalidate_the_cache() {
    let ws = fixture("good");
    let book = ws.path().join("book");
    let source_entries = || {
        std::fs::read_dir(
            ws.path()
                .join(mdbook_exec::testing::FIXTURE_CACHE)
                .join("src"),
        )
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count()
    };
    let build = |env: &[(&str, &Path)]| {
        let mut cmd = guide(&book, &["check"]);
        cmd.env_remove("RUSTFLAGS").env_remove("RUSTC");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let o = run(cmd);
        let e = stderr(&o);
        assert!(o.status.success(), "{e}");
        e
    };
    // Twice: the first build writes Cargo.lock, part of every key.
    build(&[]);
    let e = build(&[]);
    assert!(e.contains("4 verified, 0 run, 4 from cache"), "{e}");
    let base = source_entries();

    // Flags that change the code: every program is built and run again.
    let e = build(&[("RUSTFLAGS", Path::new("-Copt-level=1"))]);
    assert!(e.contains("4 verified, 4 run, 0 from cache"), "{e}");
    assert_eq!(source_entries(), base + 4);

    // Another compiler: every source key changes. (The wrapper runs the same
    // compiler, so the programs are byte for byte the same and their
    // outputs come from the cache by binary key.)
    let fake = ws.path().join("fake-rustc");
    write_fake_rustc(&fake, "fake");
    build(&[("RUSTC", &fake)]);
    assert_eq!(source_entries(), base + 8);
    build(&[("RUSTC", &fake)]);
    assert_eq!(source_entries(), base + 8, "and then it is stable");

    // The same path, a different compiler behind it: noticed too (the
    // remembered `rustc -vV` is keyed by the file, not only its path).
    write_fake_rustc(&fake, "another-fake-commit");
    build(&[("RUSTC", &fake)]);
    assert_eq!(source_entries(), base + 12);
}

#[test]
fn stdin_held_open_by_the_caller_does_not_hang_a_program_reading_it() {
    let ws = fixture("faults");
    let book = ws.path().join("book");
    let mut child = guide(&book, &["check"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Held, never written, never closed until the check is over.
    let stdin = child.stdin.take();
    let o = finish(child);
    drop(stdin);
    let e = stderr(&o);
    assert!(!e.contains("example `stdin`"), "{e}");
    assert!(e.contains("example `forever`"), "{e}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_build_killed_mid_run_leaves_no_example_running() {
    let ws = fixture("faults");
    let book = ws.path().join("book");
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        toml.replace("timeout = 1", "timeout = 600"),
    )
    .unwrap();
    let pid_file = ws.path().join("forever.pid");
    let mut child = guide(&book, &["check"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !pid_file.exists() {
        assert!(start.elapsed() < WATCHDOG, "`forever` never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let gone = |pid: &str| match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
    };
    let dead = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        gone(pid.trim())
    });
    if !dead {
        // Do not leave it spinning.
        let _ = Command::new("kill").args(["-9", pid.trim()]).status();
    }
    assert!(
        dead,
        "`forever` ({}) kept running after the build died",
        pid.trim()
    );
}
