//! Clean interruption of the real binary. SIGTERM during `mdbook-exec
//! check` kills the running example and its child, or cargo with the
//! compiler and build script it runs; removes the staging directory;
//! writes nothing half-way; and exits with status 130. These tests send a
//! signal, so they are Unix only (on Windows the same handler takes Ctrl-C,
//! and the Job Objects are terminated). A build killed outright takes its
//! running example with it, and the next build removes what it left: on
//! Linux and Windows.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(unix)]
fn alive(pid: &str) -> bool {
    Command::new("kill")
        .args(["-0", pid.trim()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(windows)]
fn alive(pid: &str) -> bool {
    let out = Command::new("tasklist")
        .args([
            "/FI",
            &format!("PID eq {}", pid.trim()),
            "/NH",
            "/FO",
            "CSV",
        ])
        .output()
        .expect("tasklist runs");
    // One CSV line per process: "name","pid",…
    String::from_utf8_lossy(&out.stdout).contains(&format!("\"{}\"", pid.trim()))
}

/// Whether `pid` is gone within two seconds.
fn gone(pid: &str) -> bool {
    (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        !alive(pid)
    })
}

/// Waits until `file` exists in `root`, while `build` runs.
fn wait_for(root: &Path, file: &str, build: &mut std::process::Child, what: &str) {
    let started = Instant::now();
    while !root.join(file).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "{what} never started"
        );
        assert!(build.try_wait().unwrap().is_none(), "the build ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `mdbook-exec check` in the fixture copy `root`, with the fixture's own
/// target directory.
fn check(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mdbook-exec"));
    cmd.args(["check", "--book", "book"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::null());
    cmd
}

/// Sends SIGTERM to `build`; returns its status and stderr, once it has
/// exited (within ten seconds).
#[cfg(unix)]
fn terminate(mut build: std::process::Child) -> (std::process::ExitStatus, String) {
    let signalled = Instant::now();
    let pid = build.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = build.wait().unwrap();
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "{:?}",
        signalled.elapsed()
    );
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut build.stderr.take().unwrap(), &mut stderr).unwrap();
    (status, stderr)
}

#[cfg(unix)]
fn files_under(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().display().to_string())
        .collect()
}

#[cfg(unix)]
#[test]
fn sigterm_stops_every_example_and_leaves_files_whole() {
    let ws = mdbook_exec::testing::fixture("interrupt").unwrap();
    let root = ws.path();
    let stdout_before = std::fs::read(root.join("examples/sleeper.stdout")).unwrap();
    let mut build = check(root).stderr(Stdio::piped()).spawn().unwrap();
    // Compiling the fixture takes a few seconds; then the example runs.
    wait_for(root, "sleeper.pid", &mut build, "the example");
    let sleeper = std::fs::read_to_string(root.join("sleeper.pid")).unwrap();
    let child = std::fs::read_to_string(root.join("child.pid")).unwrap();
    assert!(alive(&sleeper) && alive(&child));

    let (status, stderr) = terminate(build);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");

    // Every process of the example is gone.
    assert!(gone(&sleeper), "the example {sleeper} still runs");
    assert!(gone(&child), "its child {child} still runs");

    // No staging directory, no temporary file, nothing cached for the
    // interrupted run, and the documented output untouched.
    let cache = root.join(mdbook_exec::testing::FIXTURE_CACHE);
    assert!(cache.is_dir(), "the session used {}", cache.display());
    let left = files_under(&cache);
    assert!(
        !left
            .iter()
            .any(|f| f.contains("/run/") || f.ends_with(".tmp")),
        "{left:#?}"
    );
    assert!(
        !left
            .iter()
            .any(|f| f.contains("/src/") || f.contains("/bin/")),
        "an interrupted run is not cached: {left:#?}"
    );
    assert_eq!(
        std::fs::read(root.join("examples/sleeper.stdout")).unwrap(),
        stdout_before
    );
}

/// Every file under `dir` with its bytes.
#[cfg(unix)]
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap();
            (f, bytes)
        })
        .collect()
}

/// SIGTERM while cargo works (in a build script that sleeps) kills cargo
/// and the build script, not only the engine, and changes no cache file:
/// nothing is recorded for a build that did not finish.
#[cfg(unix)]
#[test]
fn sigterm_during_compilation_kills_cargo_and_leaves_the_cache_whole() {
    let ws = mdbook_exec::testing::fixture("slowbuild").unwrap();
    let root = ws.path();
    let first = check(root).stderr(Stdio::null()).status().unwrap();
    assert!(first.success(), "the first build verifies the example");
    let cache = root.join(mdbook_exec::testing::FIXTURE_CACHE);
    let before = snapshot(&cache);
    assert!(
        before.keys().any(|f| f.contains("/src/")),
        "the first build cached the output: {before:#?}"
    );
    let stdout_before = std::fs::read(root.join("examples/quick.stdout")).unwrap();

    // A changed example must be built; the build script now sleeps.
    let source = root.join("examples/quick.rs");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("quick 1", "quick 2")).unwrap();
    std::fs::write(root.join("slow-build"), "").unwrap();
    let mut build = check(root).stderr(Stdio::piped()).spawn().unwrap();
    wait_for(root, "build.pid", &mut build, "the build script");
    let script = std::fs::read_to_string(root.join("build.pid")).unwrap();
    let cargo = std::fs::read_to_string(root.join("cargo.pid")).unwrap();
    assert!(alive(&script) && alive(&cargo));

    let (status, stderr) = terminate(build);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(gone(&cargo), "cargo ({cargo}) still runs");
    assert!(gone(&script), "the build script ({script}) still runs");

    let after = snapshot(&cache);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "an interrupted build adds no entry or record, and leaves no temporary file"
    );
    for (file, bytes) in &before {
        assert!(after[file] == *bytes, "{file} changed");
    }
    assert_eq!(
        std::fs::read(root.join("examples/quick.stdout")).unwrap(),
        stdout_before
    );
}

/// A build killed outright (SIGKILL, TerminateProcess: no handler runs)
/// takes its running example with it: on Linux the example dies with the
/// thread that started it, on Windows with the build's kill-on-close Job
/// Object, which takes the example's child too. The next build removes the
/// staging directory the killed one left.
#[cfg(any(target_os = "linux", windows))]
#[test]
fn a_killed_build_takes_its_example_along_and_the_next_build_cleans_up() {
    let ws = mdbook_exec::testing::fixture("interrupt").unwrap();
    let root = ws.path();
    let mut build = check(root).stderr(Stdio::null()).spawn().unwrap();
    wait_for(root, "sleeper.pid", &mut build, "the example");
    let sleeper = std::fs::read_to_string(root.join("sleeper.pid")).unwrap();
    let child = std::fs::read_to_string(root.join("child.pid")).unwrap();
    assert!(alive(&sleeper));
    build.kill().unwrap();
    build.wait().unwrap();
    assert!(gone(&sleeper), "the example {sleeper} outlived the build");
    // On Linux the example's own child is left to its own time (60 s
    // here): nothing of the build is left to kill it.
    #[cfg(windows)]
    assert!(gone(&child), "its child {child} outlived the build");
    #[cfg(not(windows))]
    let _ = child;

    let run = root.join(mdbook_exec::testing::FIXTURE_CACHE).join("run");
    let left: Vec<_> = std::fs::read_dir(&run).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "the killed build's staging directory");
    // The next build (the example now times out at once) removes it.
    let toml = root.join("book/book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("timeout = 120", "timeout = 1")).unwrap();
    let next = check(root).stderr(Stdio::null()).status().unwrap();
    assert!(!next.success(), "the example timed out");
    let left: Vec<_> = std::fs::read_dir(&run)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:#?}");
}
