//! The one system call this crate needs that std does not wrap.

/// `kill(2)`: sends `signal` to `pid` (a negative pid names a process group).
#[cfg(unix)]
#[allow(unsafe_code)]
pub(crate) fn kill(pid: i32, signal: i32) -> i32 {
    // SAFETY: kill(2) takes two integers and touches no memory of ours; any
    // values are safe to pass (bad ones yield an error code).
    unsafe { libc::kill(pid, signal) }
}
