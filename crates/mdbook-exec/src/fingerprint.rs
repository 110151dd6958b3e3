//! Cache keys: what determines an example's output.
//!
//! Two keys per example:
//! - the *source key*, computed without running cargo: the toolchain
//!   (`rustc -vV`), the profile and compiler flags, `Cargo.lock`, the
//!   manifests, the sources of every path dependency the examples can use,
//!   the example's own source (and files it pulls in with `include_str!`,
//!   `include_bytes!` or `#[path]`), and the data files it declares. When it
//!   matches a cache entry, nothing is compiled or run.
//! - the *binary key*, computed after cargo has built the example: the
//!   executable's bytes plus the declared data files. It catches changes
//!   that leave the program identical (a new unrelated dependency in
//!   `Cargo.lock`, a comment), so the program is not run again.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};

use crate::project::{Example, is_inside};

/// Bumped whenever the cache's meaning changes.
const FORMAT: &str = "mdbook-exec cache v1";

/// Environment variables that change what cargo builds.
const BUILD_ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_RUSTFLAGS",
    "RUSTUP_TOOLCHAIN",
];

/// The inputs shared by every example, hashed once per build.
#[derive(Debug, Clone)]
pub struct Global {
    hash: blake3::Hash,
    /// Path-dependency directories whose sources were hashed (for tests and
    /// diagnostics).
    pub dependency_dirs: Vec<PathBuf>,
}

impl Global {
    /// Hashes the toolchain, flags, lockfile, manifests and path
    /// dependencies of `workspace` for `profile`. With a `memo` directory,
    /// `rustc -vV` is remembered there (see [`rustc_version`]).
    pub fn compute(workspace: &Path, profile: &str, memo: Option<&Path>) -> Result<Global> {
        let mut h = blake3::Hasher::new();
        field(&mut h, "format", FORMAT.as_bytes());
        field(&mut h, "profile", profile.as_bytes());
        field(&mut h, "rustc", &rustc_version(workspace, memo)?);
        for var in BUILD_ENV {
            let value = std::env::var_os(var).unwrap_or_default();
            field(&mut h, var, value.as_encoded_bytes());
        }
        let mut profile_env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("CARGO_PROFILE_"))
            .collect();
        profile_env.sort();
        for (k, v) in profile_env {
            field(&mut h, &k, v.as_bytes());
        }
        for f in [
            "Cargo.toml",
            "Cargo.lock",
            "build.rs",
            ".cargo/config.toml",
            ".cargo/config",
            "rust-toolchain.toml",
            "rust-toolchain",
        ] {
            optional_file(&mut h, &workspace.join(f))?;
        }
        let dependency_dirs = path_dependencies(workspace)?;
        for dir in &dependency_dirs {
            tree(&mut h, dir)?;
        }
        Ok(Global {
            hash: h.finalize(),
            dependency_dirs,
        })
    }

    /// A global hash for tests, from arbitrary bytes.
    #[cfg(test)]
    pub(crate) fn fixed(seed: &str) -> Global {
        Global {
            hash: blake3::hash(seed.as_bytes()),
            dependency_dirs: Vec::new(),
        }
    }
}

/// The source key of one example.
pub fn source_key(
    global: &Global,
    example: &Example,
    data: &[PathBuf],
    workspace: &Path,
) -> Result<String> {
    let mut h = blake3::Hasher::new();
    field(&mut h, "global", global.hash.as_bytes());
    field(&mut h, "name", example.name.as_bytes());
    match &example.dir {
        Some(dir) => tree(&mut h, dir)?,
        None => {
            let src = std::fs::read(&example.source)
                .with_context(|| format!("reading {}", example.source.display()))?;
            field(&mut h, "source", &src);
            // Follow includes transitively: an example may include another
            // example as a module, which includes a third.
            let mut seen = std::collections::BTreeSet::new();
            let mut queue = vec![(
                example.source.clone(),
                String::from_utf8_lossy(&src).into_owned(),
            )];
            while let Some((file, text)) = queue.pop() {
                let base = file.parent().unwrap_or(Path::new(".")).to_path_buf();
                for inc in included_files(&text) {
                    let path = base.join(&inc);
                    let id = path.canonicalize().unwrap_or_else(|_| path.clone());
                    if !seen.insert(id) {
                        continue;
                    }
                    // A missing include is cargo's error to report; it still
                    // belongs in the key so that creating it invalidates.
                    field(&mut h, "include", inc.as_bytes());
                    optional_file(&mut h, &path)?;
                    if path.extension().is_some_and(|e| e == "rs")
                        && let Ok(text) = std::fs::read_to_string(&path)
                    {
                        queue.push((path, text));
                    }
                }
            }
        }
    }
    data_files(&mut h, data, workspace, &example.name)?;
    Ok(h.finalize().to_hex().to_string())
}

/// The binary key: the executable's bytes and the declared data files. The
/// bytes are streamed, never held whole: a debug executable is several
/// megabytes, and a cold build hashes every one.
pub fn binary_key(
    binary: impl std::io::Read,
    example: &str,
    data: &[PathBuf],
    workspace: &Path,
) -> Result<String> {
    let mut content = blake3::Hasher::new();
    content
        .update_reader(binary)
        .context("reading the executable")?;
    let mut h = blake3::Hasher::new();
    field(&mut h, "format", FORMAT.as_bytes());
    field(&mut h, "name", example.as_bytes());
    field(&mut h, "binary", content.finalize().as_bytes());
    data_files(&mut h, data, workspace, example)?;
    Ok(h.finalize().to_hex().to_string())
}

fn data_files(
    h: &mut blake3::Hasher,
    data: &[PathBuf],
    workspace: &Path,
    example: &str,
) -> Result<()> {
    for rel in data {
        let path = workspace.join(rel);
        if !path.is_file() {
            bail!(
                "example `{example}` declares data file `{}` (book.toml, \
                 [preprocessor.exec.examples.{example}] data), but there is no such file",
                rel.display()
            );
        }
        if !is_inside(&path, workspace) {
            bail!(
                "example `{example}` declares data file `{}`, which leads outside the workspace",
                rel.display()
            );
        }
        field(h, "data", rel.to_string_lossy().as_bytes());
        field(h, "content", &std::fs::read(&path)?);
    }
    Ok(())
}

/// Length-prefixed, labelled input, so that no two different sequences of
/// fields hash alike.
fn field(h: &mut blake3::Hasher, label: &str, bytes: &[u8]) {
    h.update(&(label.len() as u64).to_le_bytes());
    h.update(label.as_bytes());
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn optional_file(h: &mut blake3::Hasher, path: &Path) -> Result<()> {
    match std::fs::read(path) {
        Ok(bytes) => field(h, "file", &bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => field(h, "absent", b""),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    Ok(())
}

/// Every file under `dir` (sorted; `target/` and hidden entries skipped).
fn tree(h: &mut blake3::Hasher, dir: &Path) -> Result<()> {
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name == "target")
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("walking {}", dir.display()))?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            field(h, "path", rel.to_string_lossy().as_bytes());
            field(h, "content", &std::fs::read(entry.path())?);
        }
    }
    Ok(())
}

/// What `rustc -vV` prints for the compiler cargo will use in `workspace`.
///
/// Starting `rustc` through rustup's proxy costs tens of milliseconds, most
/// of a rebuild in which nothing changed, so with a `memo` directory the
/// answer is remembered under the [`toolchain_identity`]: a different
/// compiler, or a different choice of compiler, asks `rustc` again.
pub fn rustc_version(workspace: &Path, memo: Option<&Path>) -> Result<Vec<u8>> {
    let memo_file = memo.and_then(|dir| {
        let id = toolchain_identity(workspace, &EnvSnapshot::current())?;
        Some(dir.join("rustc").join(format!("{}.txt", id.to_hex())))
    });
    if let Some(path) = &memo_file
        && let Ok(bytes) = std::fs::read(path)
        && looks_like_version(&bytes)
    {
        return Ok(bytes);
    }
    let out = run_rustc_version(workspace)?;
    if let Some(path) = &memo_file {
        // A memo that cannot be written costs only speed.
        let _ = crate::cache::write_atomic_unsynced(path, &out);
    }
    Ok(out)
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
pub struct EnvSnapshot {
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
    /// This process's environment.
    pub fn current() -> Self {
        EnvSnapshot {
            rustc: std::env::var_os("RUSTC"),
            path: std::env::var_os("PATH"),
            rustup_home: std::env::var_os("RUSTUP_HOME"),
            rustup_toolchain: std::env::var_os("RUSTUP_TOOLCHAIN"),
            home: std::env::var_os("HOME"),
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
pub fn toolchain_identity(workspace: &Path, env: &EnvSnapshot) -> Option<blake3::Hash> {
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

fn run_rustc_version(workspace: &Path) -> Result<Vec<u8>> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(&rustc)
        .arg("-vV")
        .current_dir(workspace)
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

/// Files named by `include_str!("…")`, `include_bytes!("…")` and
/// `#[path = "…"]` in `src`, relative to the source file.
pub fn included_files(src: &str) -> Vec<String> {
    let mut found = Vec::new();
    for pat in ["include_str!", "include_bytes!", "#[path"] {
        let mut rest = src;
        while let Some(at) = rest.find(pat) {
            rest = &rest[at + pat.len()..];
            let after = rest.trim_start_matches([' ', '(', '=', '\t']);
            if let Some(lit) = after.strip_prefix('"')
                && let Some(end) = lit.find('"')
            {
                found.push(lit[..end].to_owned());
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Directories of the path dependencies the root package (and so its
/// examples) can use, following path dependencies of those recursively.
/// This crate itself is skipped: it is a dev-dependency for the generated
/// tests and never part of an example's program.
fn path_dependencies(workspace: &Path) -> Result<Vec<PathBuf>> {
    let manifest = read_manifest(&workspace.join("Cargo.toml"))?;
    let ws_deps = manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<PathBuf> = Vec::new();
    let mut queue: Vec<(PathBuf, toml::Table)> = vec![(workspace.to_path_buf(), manifest)];
    while let Some((dir, manifest)) = queue.pop() {
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = manifest.get(section).and_then(toml::Value::as_table) else {
                continue;
            };
            for (name, spec) in deps {
                let (base, spec) =
                    if spec.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
                        match ws_deps.get(name) {
                            Some(s) => (workspace, s),
                            None => continue,
                        }
                    } else {
                        (dir.as_path(), spec)
                    };
                let Some(path) = spec.get("path").and_then(toml::Value::as_str) else {
                    continue;
                };
                let dep_dir = base.join(path);
                let dep_dir = dep_dir.canonicalize().unwrap_or(dep_dir);
                let package = spec
                    .get("package")
                    .and_then(toml::Value::as_str)
                    .unwrap_or(name);
                if package == env!("CARGO_PKG_NAME") || out.contains(&dep_dir) {
                    continue;
                }
                out.push(dep_dir.clone());
                if let Ok(m) = read_manifest(&dep_dir.join("Cargo.toml")) {
                    queue.push((dep_dir, m));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_manifest(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(dir: &Path, name: &str, src: &str) -> Example {
        let source = dir.join(format!("{name}.rs"));
        std::fs::write(&source, src).unwrap();
        Example {
            name: name.into(),
            source,
            dir: None,
            stdout: dir.join(format!("{name}.stdout")),
        }
    }

    #[test]
    fn includes_are_found() {
        let src = r#"const A: &str = include_str!("../book/data/x.toml");
            const B: &[u8] = include_bytes!( "b.bin" );
            #[path = "shared/m.rs"] mod m;"#;
        assert_eq!(
            included_files(src),
            ["../book/data/x.toml", "b.bin", "shared/m.rs"]
        );
    }

    #[test]
    fn key_changes_with_source_include_and_data() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path();
        std::fs::create_dir_all(ws.join("data")).unwrap();
        std::fs::write(ws.join("data/d.txt"), "1").unwrap();
        std::fs::write(ws.join("inc.txt"), "a").unwrap();
        let g = Global::fixed("g");
        let ex = example(ws, "e", "include_str!(\"inc.txt\"); fn main(){}");
        let data = [PathBuf::from("data/d.txt")];
        let k1 = source_key(&g, &ex, &data, ws).unwrap();
        assert_eq!(k1, source_key(&g, &ex, &data, ws).unwrap(), "stable");
        std::fs::write(ws.join("inc.txt"), "b").unwrap();
        let k2 = source_key(&g, &ex, &data, ws).unwrap();
        assert_ne!(k1, k2, "an included file is an input");
        std::fs::write(ws.join("data/d.txt"), "2").unwrap();
        let k3 = source_key(&g, &ex, &data, ws).unwrap();
        assert_ne!(k2, k3, "a declared data file is an input");
        assert_ne!(
            k3,
            source_key(&Global::fixed("other toolchain"), &ex, &data, ws).unwrap()
        );
        let ex2 = example(ws, "e", "include_str!(\"inc.txt\"); fn main(){ }");
        assert_ne!(
            k3,
            source_key(&g, &ex2, &data, ws).unwrap(),
            "the source is an input"
        );
    }

    #[test]
    fn includes_of_includes_are_inputs() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path();
        std::fs::write(ws.join("b.rs"), "#[path = \"c.rs\"] mod c;").unwrap();
        std::fs::write(
            ws.join("c.rs"),
            "pub fn f() {} #[path = \"b.rs\"] mod cycle;",
        )
        .unwrap();
        let g = Global::fixed("g");
        let ex = example(ws, "a", "#[path = \"b.rs\"] mod b; fn main() {}");
        let k1 = source_key(&g, &ex, &[], ws).unwrap();
        std::fs::write(
            ws.join("c.rs"),
            "pub fn f() { } #[path = \"b.rs\"] mod cycle;",
        )
        .unwrap();
        assert_ne!(
            k1,
            source_key(&g, &ex, &[], ws).unwrap(),
            "a file two includes away is an input"
        );
    }

    #[test]
    fn missing_data_file_is_an_error() {
        let t = tempfile::tempdir().unwrap();
        let ex = example(t.path(), "e", "fn main(){}");
        let e = source_key(
            &Global::fixed("g"),
            &ex,
            &[PathBuf::from("nope.toml")],
            t.path(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("declares data file `nope.toml`"), "{e}");
    }

    #[test]
    fn path_dependencies_follow_workspace_entries() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path();
        for c in ["crates/a", "crates/b", "crates/mdbook-exec"] {
            std::fs::create_dir_all(ws.join(c).join("src")).unwrap();
        }
        std::fs::write(
            ws.join("Cargo.toml"),
            "[workspace.dependencies]\na = { path = \"crates/a\" }\n\
             [dependencies]\na.workspace = true\n\
             [dev-dependencies]\nmdbook-exec = { path = \"crates/mdbook-exec\" }\n",
        )
        .unwrap();
        std::fs::write(
            ws.join("crates/a/Cargo.toml"),
            "[dependencies]\nb = { path = \"../b\" }\n",
        )
        .unwrap();
        std::fs::write(ws.join("crates/b/Cargo.toml"), "").unwrap();
        let dirs = path_dependencies(ws).unwrap();
        let names: Vec<String> = dirs
            .iter()
            .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

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

    #[test]
    fn binary_key_depends_on_bytes_and_data() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("d"), "x").unwrap();
        let d = [PathBuf::from("d")];
        let a = binary_key(&b"ELF1"[..], "e", &d, t.path()).unwrap();
        assert_ne!(a, binary_key(&b"ELF2"[..], "e", &d, t.path()).unwrap());
        assert_ne!(a, binary_key(&b"ELF1"[..], "f", &d, t.path()).unwrap());
        std::fs::write(t.path().join("d"), "y").unwrap();
        assert_ne!(a, binary_key(&b"ELF1"[..], "e", &d, t.path()).unwrap());
    }
}
