//! The system calls this crate needs that std does not wrap.

/// `kill(2)`: sends `signal` to `pid` (a negative pid names a process group).
#[cfg(unix)]
#[allow(unsafe_code)]
pub(crate) fn kill(pid: i32, signal: i32) -> i32 {
    // SAFETY: kill(2) takes two integers and touches no memory of ours; any
    // values are safe to pass (bad ones yield an error code).
    unsafe { libc::kill(pid, signal) }
}

/// Whether a process `pid` exists (it may belong to another user).
#[cfg(unix)]
pub(crate) fn process_exists(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // Signal 0 checks without sending anything; EPERM means it exists.
    kill(pid, 0) == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Makes the program `cmd` starts receive SIGKILL when the thread that
/// starts it ends, so that an example does not run on unattended when the
/// build that started it is killed (SIGKILL, or Ctrl-C, which does not reach
/// the example's own process group). Linux only; elsewhere a no-op.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) fn die_with_parent(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt as _;
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls are allowed. prctl(2) and getppid(2) are, and
    // nothing here allocates (the errors are raw OS codes).
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Had the parent died before the call, nobody would signal us.
            if libc::getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// See the Linux version.
#[cfg(not(target_os = "linux"))]
pub(crate) fn die_with_parent(_cmd: &mut std::process::Command) {}
