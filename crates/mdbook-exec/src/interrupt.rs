//! Clean interruption: Ctrl-C or SIGTERM of a build.
//!
//! [`install`] (called by the `mdbook-exec` binary and by front ends)
//! makes the first Ctrl-C, SIGINT, SIGTERM or SIGHUP set a flag that every
//! running example polls: each one is killed with everything it started
//! (its process group, or its Job Object on Windows), no new one starts,
//! and nothing interrupted is cached. Work in progress ([`Busy`]: a session
//! getting outputs, `bless` writing files) then winds down and removes its
//! temporary files, and the process exits with status 130. Files are only
//! ever replaced by rename ([`crate::cache::write_atomic`]), so a `.stdout`
//! or a cache entry is either the old one or the new one, never torn.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static BUSY: AtomicUsize = AtomicUsize::new(0);

/// The exit status of an interrupted build (128 + SIGINT, as shells use).
pub const EXIT_STATUS: u8 = 130;

/// How long work in progress may take to wind down after an interruption
/// before the process exits anyway.
const GRACE: Duration = Duration::from_secs(5);

/// Whether an interruption was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Requests an interruption, as a signal does: running examples are
/// killed at their next poll and no new one starts. For front ends with
/// their own signal handling, and for tests.
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Installs the handler for Ctrl-C, SIGINT, SIGTERM and SIGHUP. Call it
/// once, from a program's `main`; a library must not (the process has one
/// handler). On a signal: [`request`], wait for [`Busy`] work to end (at
/// most a few seconds), exit with [`EXIT_STATUS`].
pub fn install() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            // A second signal while winding down: stop waiting.
            std::process::exit(i32::from(EXIT_STATUS));
        }
        eprintln!("interrupted: stopping the running examples");
        let deadline = Instant::now() + GRACE;
        while BUSY.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::process::exit(i32::from(EXIT_STATUS));
    })
}

/// Marks work that must finish (kill its programs, remove its temporary
/// files) before an interrupted process exits. Held for as long as it
/// lives.
#[derive(Debug)]
pub struct Busy(());

impl Busy {
    /// Starts a piece of such work.
    pub fn enter() -> Busy {
        BUSY.fetch_add(1, Ordering::SeqCst);
        Busy(())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        BUSY.fetch_sub(1, Ordering::SeqCst);
    }
}
