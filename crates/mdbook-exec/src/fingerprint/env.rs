//! The environment a build sees, as a value.
//!
//! The engine never reads the process environment piecemeal: a
//! [`BuildEnv`] is taken once per session ([`BuildEnv::current`]) and
//! everything derives from it: the variables in the cache key
//! ([`BuildEnv::key_vars`]), the environment of the nested cargo
//! ([`BuildEnv::for_cargo`]), the compiler choice. Tests build their own
//! instead of mutating the process's.
//!
//! Two jobs, two lists:
//! - **Set by cargo for the crate it runs** (`cargo run -p guide` sets
//!   `CARGO_PKG_NAME=guide`, `CARGO_MANIFEST_DIR`, …; rustup sets
//!   `RUST_RECURSION_COUNT`): they describe *that* crate, so they are
//!   removed from the nested build's environment and left out of the key.
//!   Otherwise `cargo run -p guide -- build`, the `guide` binary run
//!   directly and `mdbook build` would key, and build, differently.
//! - **Not about what gets built** (where the target directory is, how many
//!   jobs, terminal colours, network, credentials, `CARGO_HOME` itself, whose
//!   config files are hashed by content instead): passed on, not keyed.
//!   Every other `CARGO_*` variable, `RUSTFLAGS` and the `RUSTC*` variables
//!   are in the key.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// A snapshot of environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildEnv {
    vars: BTreeMap<OsString, OsString>,
}

/// Variables cargo (or rustup) sets for the crate it runs or tests, or for
/// a build script: never inherited by the nested build, never keyed.
/// Entries ending in `*` are prefixes.
const SET_FOR_A_CRATE: &[&str] = &[
    "CARGO_PKG_*",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_BIN_EXE_*",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "CARGO_CFG_*",
    "CARGO_FEATURE_*",
    "CARGO_MAKEFLAGS",
    "OUT_DIR",
    "RUST_RECURSION_COUNT",
];

/// `CARGO_*` variables that do not change what is built (see the module
/// documentation). `CARGO` is which cargo runs; the compiler it uses is
/// keyed by `rustc -vV`.
const NOT_ABOUT_THE_BUILD: &[&str] = &[
    "CARGO",
    "CARGO_HOME",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_BUILD_DIR",
    "CARGO_BUILD_JOBS",
    "CARGO_TERM_*",
    "CARGO_LOG*",
    "CARGO_HTTP_*",
    "CARGO_NET_*",
    "CARGO_REGISTRY_*",
    "CARGO_REGISTRIES_*",
    "CARGO_CREDENTIAL_*",
    "CARGO_ALIAS_*",
    "CARGO_CACHE_*",
    "CARGO_FUTURE_INCOMPAT_*",
    "CARGO_CARGO_NEW_*",
    "CARGO_INSTALL_*",
];

/// Variables outside `CARGO_*` that change what is built.
const ALSO_KEYED: &[&str] = &[
    "RUSTFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTC_BOOTSTRAP",
];

fn matches(name: &str, list: &[&str]) -> bool {
    list.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *p,
    })
}

impl BuildEnv {
    /// This process's environment.
    pub fn current() -> Self {
        BuildEnv {
            vars: std::env::vars_os().collect(),
        }
    }

    /// An environment of exactly these variables.
    pub fn from_vars<K: Into<OsString>, V: Into<OsString>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        BuildEnv {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// This environment with `name` set to `value`.
    pub fn with(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// This environment without `name`.
    pub fn without(mut self, name: impl AsRef<OsStr>) -> Self {
        self.vars.remove(name.as_ref());
        self
    }

    /// One variable.
    pub fn get(&self, name: impl AsRef<OsStr>) -> Option<&OsStr> {
        self.vars.get(name.as_ref()).map(OsString::as_os_str)
    }

    /// The environment of the nested cargo (and of `rustc -vV`, `cargo
    /// metadata`): everything but what cargo set for the crate we run in.
    pub fn for_cargo(&self) -> BTreeMap<OsString, OsString> {
        self.vars
            .iter()
            .filter(|(k, _)| !matches(&k.to_string_lossy(), SET_FOR_A_CRATE))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The value a compilation will see for `name` (as `env!` reads it):
    /// `None` for a variable the nested build does not inherit.
    pub fn for_compiler(&self, name: &str) -> Option<&OsStr> {
        if matches(name, SET_FOR_A_CRATE) {
            None
        } else {
            self.get(name)
        }
    }

    /// The variables that change what cargo builds, sorted, for the key.
    pub fn key_vars(&self) -> Vec<(String, OsString)> {
        self.vars
            .iter()
            .filter_map(|(k, v)| {
                let name = k.to_str()?;
                let keyed = if name.starts_with("CARGO_") || name.starts_with("__CARGO") {
                    !matches(name, SET_FOR_A_CRATE) && !matches(name, NOT_ABOUT_THE_BUILD)
                } else {
                    ALSO_KEYED.contains(&name)
                };
                keyed.then(|| (name.to_owned(), v.clone()))
            })
            .collect()
    }

    /// Cargo's home: `CARGO_HOME`, or `~/.cargo`.
    pub fn cargo_home(&self) -> Option<PathBuf> {
        self.get("CARGO_HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(|| self.home().map(|h| h.join(".cargo")))
    }

    /// `HOME` (or `USERPROFILE` on Windows).
    pub fn home(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
    }

    /// The cargo program to run: `CARGO` (set when we run under cargo),
    /// else `cargo` from `PATH`.
    pub fn cargo(&self) -> OsString {
        self.get("CARGO")
            .map_or_else(|| "cargo".into(), OsStr::to_os_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `cargo run -p guide` adds to the environment of `guide` (seen
    /// on rustup 1.28 / cargo 1.95), beyond what a shell has.
    pub(crate) fn as_under_cargo_run(env: BuildEnv) -> BuildEnv {
        env.with("CARGO", "/root/.rustup/toolchains/stable/bin/cargo")
            .with("CARGO_HOME", "/root/.cargo")
            .with("CARGO_MANIFEST_DIR", "/work/crates/guide")
            .with("CARGO_MANIFEST_PATH", "/work/crates/guide/Cargo.toml")
            .with("CARGO_PKG_NAME", "guide")
            .with("CARGO_PKG_VERSION", "0.0.0")
            .with("CARGO_PKG_AUTHORS", "")
            .with("CARGO_PRIMARY_PACKAGE", "1")
            .with("CARGO_BIN_NAME", "guide")
            .with("CARGO_CRATE_NAME", "guide")
            .with("RUSTUP_HOME", "/root/.rustup")
            .with("RUSTUP_TOOLCHAIN", "stable-x86_64-unknown-linux-gnu")
            .with("RUSTUP_TOOLCHAIN_SOURCE", "default")
            .with("RUST_RECURSION_COUNT", "1")
            .with("LD_LIBRARY_PATH", "/work/target/release/deps")
    }

    #[test]
    fn cargo_run_leaves_the_key_and_the_nested_build_alone() {
        let shell = BuildEnv::from_vars([("PATH", "/usr/bin"), ("HOME", "/root")]);
        let run = as_under_cargo_run(shell.clone());
        assert_eq!(shell.key_vars(), run.key_vars());
        let nested = run.for_cargo();
        for k in nested.keys() {
            let k = k.to_string_lossy();
            assert!(
                !k.starts_with("CARGO_PKG_") && k != "CARGO_MANIFEST_DIR",
                "{k}"
            );
        }
        assert_eq!(run.cargo_home(), shell.cargo_home(), "the default home");
        assert_eq!(run.for_compiler("CARGO_PKG_NAME"), None);
    }

    #[test]
    fn build_inputs_are_keyed() {
        let base = BuildEnv::from_vars([("PATH", "/usr/bin")]);
        for (k, v) in [
            ("RUSTFLAGS", "--cfg x"),
            ("CARGO_ENCODED_RUSTFLAGS", "--cfg\u{1f}x"),
            ("CARGO_PROFILE_DEV_OPT_LEVEL", "2"),
            ("CARGO_BUILD_RUSTFLAGS", "-Ctarget-cpu=native"),
            ("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER", "clang"),
            ("CARGO_UNSTABLE_BUILD_STD", "true"),
            ("RUSTC_WRAPPER", "sccache"),
        ] {
            assert_ne!(base.key_vars(), base.clone().with(k, v).key_vars(), "{k}");
        }
        for (k, v) in [
            ("CARGO_TERM_COLOR", "always"),
            ("CARGO_BUILD_JOBS", "1"),
            ("CARGO_TARGET_DIR", "/tmp/t"),
            ("CARGO_REGISTRY_TOKEN", "secret"),
            ("LD_LIBRARY_PATH", "/x"),
        ] {
            assert_eq!(base.key_vars(), base.clone().with(k, v).key_vars(), "{k}");
        }
    }
}
