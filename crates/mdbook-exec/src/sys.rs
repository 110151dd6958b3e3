//! The system calls this crate needs that std does not wrap.

/// Makes the program `cmd` starts receive SIGKILL when the thread that
/// starts it ends, so that an example (or cargo) does not run on unattended
/// when the build that started it is killed (SIGKILL, or Ctrl-C, which does
/// not reach the program's own process group). On Windows, see the Windows
/// version; on other Unixes a no-op.
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

/// Makes every program this process starts from now on die when this
/// process ends, however it ends (killed from the task manager, a console
/// closed): this process joins a Job Object that kills what is left in it
/// when its last handle closes (`JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`), and
/// the only handle is this process's own, closed by Windows when it exits.
/// The Job Object `process-wrap` gives each program is nested in this one.
/// Done once per process; where the process may not join a job, programs
/// still die with their own job when they are killed, only not with us.
#[cfg(windows)]
pub(crate) fn die_with_parent(_cmd: &mut std::process::Command) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(join_kill_on_close_job);
}

#[cfg(windows)]
#[allow(unsafe_code)]
fn join_kill_on_close_job() {
    use windows_sys::Win32::Foundation::CloseHandle;
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
        SetInformationJobObject,
    };
    use windows_sys::Win32::System::Threading::GetCurrentProcess;
    // SAFETY: plain Win32 calls on handles we own: the job handle is checked
    // before use, the limit structure is plain data (all zero is its empty
    // value) passed with its own size, and `GetCurrentProcess` returns a
    // pseudo-handle that needs no closing.
    unsafe {
        let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
        if job.is_null() {
            return;
        }
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        let set = SetInformationJobObject(
            job,
            JobObjectExtendedLimitInformation,
            (&raw const info).cast(),
            std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
        );
        if set == 0 || AssignProcessToJobObject(job, GetCurrentProcess()) == 0 {
            CloseHandle(job);
        }
        // Otherwise the handle stays open for the life of the process, on
        // purpose: closing it would kill every program we started.
    }
}

/// See the Linux version (macOS and the BSDs have no such call; a build
/// killed there with SIGKILL leaves its programs to their timeout).
#[cfg(all(unix, not(target_os = "linux")))]
pub(crate) fn die_with_parent(_cmd: &mut std::process::Command) {}
