//! Clean interruption of the real binary: SIGTERM during `mdbook-exec
//! check` kills the running example and its child, removes the staging
//! directory, writes nothing half-way, and exits with status 130. Unix
//! only: the test sends a signal (on Windows the same handler takes Ctrl-C,
//! and the example's Job Object is terminated).
#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn alive(pid: &str) -> bool {
    Command::new("kill")
        .args(["-0", pid.trim()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn files_under(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().display().to_string())
        .collect()
}

#[test]
fn sigterm_stops_every_example_and_leaves_files_whole() {
    let ws = mdbook_exec::testing::fixture("interrupt").unwrap();
    let root = ws.path();
    let stdout_before = std::fs::read(root.join("examples/sleeper.stdout")).unwrap();
    let mut build = Command::new(env!("CARGO_BIN_EXE_mdbook-exec"))
        .args(["check", "--book", "book"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Compiling the fixture takes a few seconds; then the example runs.
    let started = Instant::now();
    while !root.join("sleeper.pid").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "the example never started"
        );
        assert!(build.try_wait().unwrap().is_none(), "the build ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    let sleeper = std::fs::read_to_string(root.join("sleeper.pid")).unwrap();
    let child = std::fs::read_to_string(root.join("child.pid")).unwrap();
    assert!(alive(&sleeper) && alive(&child));

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
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");

    // Every process of the example is gone.
    let gone = |pid: &str| {
        (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            !alive(pid)
        })
    };
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
