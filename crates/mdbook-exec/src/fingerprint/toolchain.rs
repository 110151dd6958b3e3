//! Which compiler builds the examples, and what it says about itself.
//!
//! `rustc -vV` is in every key. Starting `rustc` through rustup's proxy
//! costs tens of milliseconds, so its answer is remembered under a
//! [`toolchain_identity`] that changes whenever the choice of compiler could.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use super::env::BuildEnv;
use super::{FORMAT, field, optional_file};

/// What `rustc -vV` prints for the compiler cargo will use in `workspace`.
///
/// Starting `rustc` through rustup's proxy costs tens of milliseconds, most
/// of a rebuild in which nothing changed, so with a `memo` directory the
/// answer is remembered under the [`toolchain_identity`]: a different
/// compiler, or a different choice of compiler, asks `rustc` again.
pub(crate) fn rustc_version(
    workspace: &Path,
    memo: Option<&Path>,
    env: &BuildEnv,
) -> Result<Vec<u8>> {
    let memo_file = memo.and_then(|dir| memo_file(workspace, dir, env));
    if let Some(path) = &memo_file
        && let Ok(bytes) = std::fs::read(path)
        && looks_like_version(&bytes)
    {
        return Ok(bytes);
    }
    let out = run_rustc_version(workspace, env)?;
    if let Some(path) = &memo_file {
        // A memo that cannot be written costs only speed.
        let _ = crate::cache::write_atomic_unsynced(path, &out);
    }
    Ok(out)
}

/// Where [`rustc_version`] remembers its answer under the cache directory
/// `dir`, or `None` when the choice of compiler cannot be told.
pub(crate) fn memo_file(workspace: &Path, dir: &Path, env: &BuildEnv) -> Option<PathBuf> {
    let id = toolchain_identity(workspace, &EnvSnapshot::from_env(env))?;
    Some(dir.join("rustc").join(format!("{}.txt", id.to_hex())))
}

/// Whether `bytes` is whole `rustc -vV` output (a truncated or foreign memo
/// file is not).
fn looks_like_version(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.starts_with("rustc ")
        && text.contains("\nhost: ")
        && text.contains("\nrelease: ")
        && text.ends_with('\n')
}

/// The environment variables that choose the compiler, read once.
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvSnapshot {
    /// `RUSTC`.
    pub rustc: Option<std::ffi::OsString>,
    /// `PATH`.
    pub path: Option<std::ffi::OsString>,
    /// `RUSTUP_HOME`.
    pub rustup_home: Option<std::ffi::OsString>,
    /// `RUSTUP_TOOLCHAIN`.
    pub rustup_toolchain: Option<std::ffi::OsString>,
    /// `HOME` (rustup's default home is `~/.rustup`).
    pub home: Option<std::ffi::OsString>,
}

impl EnvSnapshot {
    /// The variables of `env` that choose the compiler.
    pub(crate) fn from_env(env: &BuildEnv) -> Self {
        let var = |k: &str| env.get(k).map(std::ffi::OsStr::to_os_string);
        EnvSnapshot {
            rustc: var("RUSTC"),
            path: var("PATH"),
            rustup_home: var("RUSTUP_HOME"),
            rustup_toolchain: var("RUSTUP_TOOLCHAIN"),
            home: var("HOME"),
        }
    }
}

/// A hash of everything that decides which compiler `rustc` starts in
/// `workspace`, or `None` when that cannot be told without running it.
///
/// It covers the program (`RUSTC`, or `rustc` found on `PATH`), identified by
/// path, size, modification time and inode, after symlinks; and rustup's
/// inputs, in case that program is rustup's proxy: `RUSTUP_TOOLCHAIN`, its
/// `settings.toml` (default toolchain, directory overrides), the
/// `rust-toolchain` files of the workspace and every directory above it,
/// and the identity of every installed toolchain's `bin/rustc` (an update
/// replaces it). Anything else is the compiler's own business: `rustc -vV`
/// itself is what the cache key holds.
pub(crate) fn toolchain_identity(workspace: &Path, env: &EnvSnapshot) -> Option<blake3::Hash> {
    let mut h = blake3::Hasher::new();
    field(&mut h, "format", FORMAT.as_bytes());
    let program = env.rustc.clone().unwrap_or_else(|| "rustc".into());
    let program = Path::new(&program);
    let resolved = if program.components().count() > 1 {
        // A relative path would be resolved against the child's directory.
        program.is_absolute().then(|| program.to_path_buf())?
    } else {
        std::env::split_paths(env.path.as_ref()?)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())?
    };
    field(&mut h, "program", resolved.as_os_str().as_encoded_bytes());
    file_identity(&mut h, &resolved)?;
    for (label, value) in [
        ("RUSTC", &env.rustc),
        ("RUSTUP_TOOLCHAIN", &env.rustup_toolchain),
        ("RUSTUP_HOME", &env.rustup_home),
    ] {
        field(
            &mut h,
            label,
            value
                .as_ref()
                .map_or(&b"\0unset"[..], |v| v.as_encoded_bytes()),
        );
    }
    let rustup_home = env
        .rustup_home
        .clone()
        .map(PathBuf::from)
        .or_else(|| env.home.as_ref().map(|h| Path::new(h).join(".rustup")));
    if let Some(home) = rustup_home {
        optional_file(&mut h, &home.join("settings.toml")).ok()?;
        if let Ok(entries) = std::fs::read_dir(home.join("toolchains")) {
            let mut names: Vec<_> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name())
                .collect();
            names.sort();
            for name in names {
                let rustc = home
                    .join("toolchains")
                    .join(&name)
                    .join("bin")
                    .join("rustc");
                field(&mut h, "toolchain", name.as_encoded_bytes());
                if file_identity(&mut h, &rustc).is_none() {
                    field(&mut h, "absent", b"");
                }
            }
        }
    }
    for dir in workspace.ancestors() {
        for f in ["rust-toolchain", "rust-toolchain.toml"] {
            optional_file(&mut h, &dir.join(f)).ok()?;
        }
    }
    Some(h.finalize())
}

/// Hashes what identifies the file at `path` (following symlinks) without
/// reading it: size, modification time and, on Unix, device and inode.
fn file_identity(h: &mut blake3::Hasher, path: &Path) -> Option<()> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    field(h, "len", &meta.len().to_le_bytes());
    field(h, "mtime", &mtime.as_nanos().to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        field(h, "dev", &meta.dev().to_le_bytes());
        field(h, "ino", &meta.ino().to_le_bytes());
    }
    Some(())
}

fn run_rustc_version(workspace: &Path, env: &BuildEnv) -> Result<Vec<u8>> {
    let rustc = env
        .get("RUSTC")
        .map_or_else(|| "rustc".into(), std::ffi::OsStr::to_os_string);
    let out = Command::new(&rustc)
        .arg("-vV")
        .current_dir(workspace)
        .env_clear()
        .envs(env.for_cargo())
        .output()
        .with_context(|| format!("running `{} -vV`", rustc.to_string_lossy()))?;
    if !out.status.success() {
        bail!(
            "`{} -vV` failed: {}",
            rustc.to_string_lossy(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toolchain_identity_follows_what_selects_the_compiler() {
        let t = tempfile::tempdir().unwrap();
        let bin = t.path().join("bin");
        let home = t.path().join("rustup");
        let ws = t.path().join("a/ws");
        let toolchain = home.join("toolchains/stable/bin");
        for d in [&bin, &toolchain, &ws] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(bin.join("rustc"), "proxy").unwrap();
        std::fs::write(toolchain.join("rustc"), "compiler 1").unwrap();
        std::fs::write(home.join("settings.toml"), "default_toolchain = \"stable\"").unwrap();
        let mut env = EnvSnapshot {
            path: Some(bin.clone().into()),
            rustup_home: Some(home.clone().into()),
            ..EnvSnapshot::default()
        };
        let id = |env: &EnvSnapshot| toolchain_identity(&ws, env).unwrap();
        let mut seen = vec![id(&env)];
        assert_eq!(seen[0], id(&env), "stable");
        let mut changed = |env: &EnvSnapshot, what: &str| {
            let new = id(env);
            assert!(!seen.contains(&new), "{what} must change the identity");
            seen.push(new);
        };

        std::fs::write(
            home.join("settings.toml"),
            "default_toolchain = \"nightly\"",
        )
        .unwrap();
        changed(&env, "rustup's default toolchain");
        // `rustup update` replaces the compiler with a new file.
        std::fs::remove_file(toolchain.join("rustc")).unwrap();
        std::fs::write(toolchain.join("rustc"), "compiler 2, longer").unwrap();
        changed(&env, "an updated toolchain");
        std::fs::create_dir_all(home.join("toolchains/beta/bin")).unwrap();
        changed(&env, "a new toolchain");
        std::fs::write(t.path().join("a/rust-toolchain.toml"), "[toolchain]").unwrap();
        changed(&env, "a rust-toolchain file above the workspace");
        env.rustup_toolchain = Some("beta".into());
        changed(&env, "RUSTUP_TOOLCHAIN");
        std::fs::write(bin.join("rustc"), "another proxy").unwrap();
        changed(&env, "the program itself");
        env.rustc = Some(toolchain.join("rustc").into());
        changed(&env, "RUSTC");

        // What cannot be told without running it is not remembered.
        env.rustc = Some("relative/rustc".into());
        assert!(toolchain_identity(&ws, &env).is_none());
        env.rustc = None;
        env.path = Some(t.path().join("nowhere").into());
        assert!(toolchain_identity(&ws, &env).is_none());
    }

    #[test]
    fn only_whole_version_output_is_remembered() {
        let full = b"rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n";
        assert!(looks_like_version(full));
        assert!(!looks_like_version(&full[..full.len() - 1]));
        assert!(!looks_like_version(&full[..30]));
        assert!(!looks_like_version(b""));
    }
}
