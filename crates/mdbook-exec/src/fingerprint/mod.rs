//! Cache keys: what determines an example's output.
//!
//! Two keys per example:
//! - the *source key*, computed without running cargo, from what the
//!   compiler read the last time it built the example ([`depinfo`]): the
//!   content of every file listed there (the example, its `mod` files,
//!   whatever `include!`, `include_str!`, `include_bytes!` or `#[path]`
//!   named, the sources of its path dependencies), what build scripts told
//!   the compiler (their `output` files), the environment variables read by
//!   `env!`/`option_env!` or declared by build scripts, the declared data
//!   files, and the [`Global`] inputs. A build script's declared inputs
//!   (`rerun-if-changed`) are not in the key but in a second hash,
//!   [`SourceKey::scripts`]: when they changed, an entry the key finds is
//!   served only once cargo has rerun the script and the key still matches.
//!   When no record of a build exists for this configuration, there is no
//!   source key: the example is built, and its record written then. When the
//!   key matches a cache entry, nothing is compiled or run.
//! - the *binary key*, computed after cargo has built the example: the
//!   executable's bytes plus the declared data files. It catches changes
//!   that leave the program identical (a new unrelated dependency, a
//!   comment), so the program is not run again.
//!
//! Module map: [`env`] (the environment as a value: what is keyed, what
//! the nested cargo inherits), [`toolchain`] (`rustc -vV` and when to ask
//! again), [`cargo`] (config layers, `cargo metadata`), [`depinfo`]
//! (dep-info files and records).

pub(crate) mod cargo;
pub(crate) mod depinfo;
pub(crate) mod env;
pub(crate) mod toolchain;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, Result, bail};

pub(crate) use depinfo::{BuildFacts, Record};
pub use env::BuildEnv;
pub(crate) use toolchain::rustc_version;

use crate::project::is_inside;

/// Bumped whenever the cache's meaning changes.
pub(crate) const FORMAT: &str = "mdbook-exec cache v2";

/// The inputs shared by every example, hashed once per build: the profile,
/// `rustc -vV`, the environment variables that change what cargo builds
/// ([`BuildEnv::key_vars`]), every cargo config layer, the workspace
/// manifest (which holds `[profile.*]`), the lockfile, `rust-toolchain`
/// files and cargo's resolve ([`cargo::metadata_hash`]: features,
/// target-specific dependencies, `[patch]`).
#[derive(Debug, Clone)]
pub(crate) struct Global {
    hash: blake3::Hash,
    env: BuildEnv,
    /// The memo files the inputs were read from (live, for pruning).
    pub memos: Vec<PathBuf>,
}

impl Global {
    /// Hashes the shared inputs of `workspace` for `profile` as a build in
    /// `env` would see them. With a `memo` directory, `rustc -vV` and
    /// `cargo metadata` are remembered there.
    pub(crate) fn compute(
        workspace: &Path,
        profile: &str,
        memo: Option<&Path>,
        env: &BuildEnv,
    ) -> Result<Global> {
        let mut inputs = blake3::Hasher::new();
        field(&mut inputs, "format", FORMAT.as_bytes());
        field(&mut inputs, "rustc", &rustc_version(workspace, memo, env)?);
        for (k, v) in env.key_vars() {
            field(&mut inputs, &k, v.as_encoded_bytes());
        }
        cargo::hash_config_layers(&mut inputs, workspace, env)?;
        let inputs = inputs.finalize();

        // First: `cargo metadata` writes the lockfile when there is none.
        let (metadata, metadata_memo) = cargo::metadata_hash(workspace, env, &inputs, memo)?;
        let mut h = blake3::Hasher::new();
        field(&mut h, "inputs", inputs.as_bytes());
        field(&mut h, "profile", profile.as_bytes());
        field(&mut h, "metadata", metadata.as_bytes());
        for f in [
            "Cargo.toml",
            "Cargo.lock",
            "rust-toolchain.toml",
            "rust-toolchain",
        ] {
            optional_file(&mut h, &workspace.join(f))?;
        }
        let rustc_memo = memo.and_then(|dir| toolchain::memo_file(workspace, dir, env));
        Ok(Global {
            hash: h.finalize(),
            env: env.clone(),
            memos: rustc_memo.into_iter().chain(metadata_memo).collect(),
        })
    }

    /// A global hash for tests, from arbitrary bytes.
    #[cfg(test)]
    pub(crate) fn fixed(seed: &str) -> Global {
        Global {
            hash: blake3::hash(seed.as_bytes()),
            env: BuildEnv::default(),
            memos: Vec::new(),
        }
    }

    /// A short name of this configuration, for file names.
    pub(crate) fn id(&self) -> String {
        self.hash.to_hex()[..16].to_owned()
    }
}

/// Content hashes of files and directories, each read once per session.
#[derive(Debug, Default)]
pub(crate) struct FileHashes {
    memo: HashMap<PathBuf, Hashed>,
}

#[derive(Debug, Clone, Copy)]
struct Hashed {
    hash: blake3::Hash,
    /// The newest modification time seen (of the file, or of anything in the
    /// directory).
    newest: Option<SystemTime>,
}

impl FileHashes {
    fn get(&mut self, path: &Path) -> Result<Hashed> {
        if let Some(h) = self.memo.get(path) {
            return Ok(*h);
        }
        let hashed = match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Hashed {
                hash: blake3::hash(b"\0absent"),
                newest: None,
            },
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            Ok(m) if m.is_dir() => tree(path)?,
            Ok(m) => {
                let bytes =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                let mut h = blake3::Hasher::new();
                field(&mut h, "file", &bytes);
                Hashed {
                    hash: h.finalize(),
                    newest: m.modified().ok(),
                }
            }
        };
        self.memo.insert(path.to_path_buf(), hashed);
        Ok(hashed)
    }
}

/// A source key and the newest modification time among its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceKey {
    /// The key.
    pub key: String,
    /// The hash of the build scripts' declared inputs: when it differs from
    /// the record's, the scripts will rerun in the next cargo build, and an
    /// entry found by `key` holds only once they have run and told the
    /// compiler nothing new.
    pub scripts: String,
    /// When the newest input (the scripts' included) was last modified.
    pub newest: Option<SystemTime>,
}

impl SourceKey {
    /// Whether the build scripts' inputs are as when `record` was taken.
    pub(crate) fn scripts_fresh(&self, record: &Record) -> bool {
        self.scripts == record.scripts_hash
    }
}

/// The source key of example `name` from the record of its last build.
pub(crate) fn source_key(
    global: &Global,
    name: &str,
    record: &Record,
    data: &[PathBuf],
    workspace: &Path,
    hashes: &mut FileHashes,
) -> Result<SourceKey> {
    let mut h = blake3::Hasher::new();
    field(&mut h, "global", global.hash.as_bytes());
    field(&mut h, "name", name.as_bytes());
    let mut newest = None;
    for path in &record.files {
        let hashed = hashes.get(path)?;
        field(&mut h, "input", path.as_os_str().as_encoded_bytes());
        field(&mut h, "content", hashed.hash.as_bytes());
        newest = newest.max(hashed.newest);
    }
    // The value the next compilation would see. (A value that comes from a
    // build script or from cargo's `[env]` is not in our environment; what
    // decides it, the build script's inputs or the config layers, is in the
    // key already. The value the last build saw is not hashed, so that
    // setting a variable and unsetting it again finds the first entry.)
    for var in record.env.keys() {
        field(&mut h, "env", var.as_bytes());
        match global.env.for_compiler(var) {
            Some(v) => field(&mut h, "now", v.as_encoded_bytes()),
            None => field(&mut h, "now-unset", b""),
        }
    }
    for output in &record.script_outputs {
        field(
            &mut h,
            "script-output",
            output.as_os_str().as_encoded_bytes(),
        );
        field(&mut h, "content", hashes.get(output)?.hash.as_bytes());
    }
    data_files(&mut h, data, workspace, name)?;
    let mut scripts = blake3::Hasher::new();
    for input in &record.script_inputs {
        let hashed = hashes.get(input)?;
        field(&mut scripts, "input", input.as_os_str().as_encoded_bytes());
        field(&mut scripts, "content", hashed.hash.as_bytes());
        newest = newest.max(hashed.newest);
    }
    Ok(SourceKey {
        key: h.finalize().to_hex().to_string(),
        scripts: scripts.finalize().to_hex().to_string(),
        newest,
    })
}

/// Where the record of `name`'s last build in configuration `global` is
/// kept.
pub(crate) fn record_path(cache_dir: &Path, global: &Global, name: &str) -> PathBuf {
    cache_dir
        .join("deps")
        .join(format!("{name}-{}.json", global.id()))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredRecord {
    format: String,
    record: Record,
}

/// The record of `name`'s last build, if one was kept (an unreadable one
/// counts as none: the example is built again).
pub(crate) fn load_record(cache_dir: &Path, global: &Global, name: &str) -> Option<Record> {
    let bytes = std::fs::read(record_path(cache_dir, global, name)).ok()?;
    let stored: StoredRecord = serde_json::from_slice(&bytes).ok()?;
    (stored.format == FORMAT).then_some(stored.record)
}

/// Keeps `record` as `name`'s last build.
pub(crate) fn save_record(
    cache_dir: &Path,
    global: &Global,
    name: &str,
    record: &Record,
) -> Result<()> {
    let stored = StoredRecord {
        format: FORMAT.to_owned(),
        record: record.clone(),
    };
    crate::cache::write_atomic_unsynced(
        &record_path(cache_dir, global, name),
        &serde_json::to_vec(&stored)?,
    )
}

/// The binary key: the executable's bytes and the declared data files. The
/// bytes are streamed, never held whole: a debug executable is several
/// megabytes, and a cold build hashes every one.
pub(crate) fn binary_key(
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
pub(crate) fn field(h: &mut blake3::Hasher, label: &str, bytes: &[u8]) {
    h.update(&(label.len() as u64).to_le_bytes());
    h.update(label.as_bytes());
    h.update(&(bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

pub(crate) fn optional_file(h: &mut blake3::Hasher, path: &Path) -> Result<()> {
    match std::fs::read(path) {
        Ok(bytes) => field(h, "file", &bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => field(h, "absent", b""),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    Ok(())
}

/// Every file under `dir` (sorted; `target/` and hidden entries skipped):
/// names and contents, and the newest modification time.
fn tree(dir: &Path) -> Result<Hashed> {
    let mut h = blake3::Hasher::new();
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name == "target")
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("walking {}", dir.display()))?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if entry.file_type().is_file() {
            field(&mut h, "path", rel.to_string_lossy().as_bytes());
            field(&mut h, "content", &std::fs::read(entry.path())?);
        } else if entry.file_type().is_dir() {
            field(&mut h, "dir", rel.to_string_lossy().as_bytes());
        }
        newest = newest.max(entry.metadata().ok().and_then(|m| m.modified().ok()));
    }
    Ok(Hashed {
        hash: h.finalize(),
        newest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(files: &[&Path], env: &[(&str, Option<&str>)]) -> Record {
        Record {
            files: files.iter().map(|p| p.to_path_buf()).collect(),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
                .collect(),
            ..Record::default()
        }
    }

    fn key(g: &Global, r: &Record, data: &[PathBuf], ws: &Path) -> String {
        source_key(g, "e", r, data, ws, &mut FileHashes::default())
            .unwrap()
            .key
    }

    #[test]
    fn key_changes_with_every_recorded_input() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path();
        std::fs::create_dir_all(ws.join("dir")).unwrap();
        std::fs::write(ws.join("e.rs"), "fn main(){}").unwrap();
        std::fs::write(ws.join("dir/a"), "1").unwrap();
        std::fs::write(ws.join("d.txt"), "1").unwrap();
        let g = Global::fixed("g");
        let r = record(
            &[&ws.join("e.rs"), &ws.join("dir")],
            &[("GREETING", Some("hi"))],
        );
        let data = [PathBuf::from("d.txt")];
        let mut seen = vec![key(&g, &r, &data, ws)];
        assert_eq!(seen[0], key(&g, &r, &data, ws), "stable");
        let mut changed = |k: String, what: &str| {
            assert!(!seen.contains(&k), "{what} must change the key");
            seen.push(k);
        };
        std::fs::write(ws.join("e.rs"), "fn main(){ }").unwrap();
        changed(key(&g, &r, &data, ws), "a listed file");
        std::fs::write(ws.join("dir/b"), "new").unwrap();
        changed(key(&g, &r, &data, ws), "a new file in a listed directory");
        std::fs::write(ws.join("d.txt"), "2").unwrap();
        changed(key(&g, &r, &data, ws), "a declared data file");
        let g2 = Global {
            env: BuildEnv::from_vars([("GREETING", "hello")]),
            ..g.clone()
        };
        changed(key(&g2, &r, &data, ws), "an env! variable");
        let r2 = record(
            &[&ws.join("e.rs"), &ws.join("dir")],
            &[("GREETING", Some("yo"))],
        );
        assert_eq!(
            key(&g, &r2, &data, ws),
            key(&g, &r, &data, ws),
            "what the last build saw is not an input; what the next one will see is"
        );
        changed(
            key(&Global::fixed("other"), &r, &data, ws),
            "the global inputs",
        );
        // Cargo's own variables for the crate we run in never count.
        let g3 = Global {
            env: BuildEnv::from_vars([("CARGO_PKG_NAME", "guide")]),
            ..g.clone()
        };
        let r3 = record(&[&ws.join("e.rs")], &[("CARGO_PKG_NAME", Some("fixture"))]);
        assert_eq!(key(&g, &r3, &[], ws), key(&g3, &r3, &[], ws));
    }

    #[test]
    fn script_outputs_are_in_the_key_and_script_inputs_only_in_freshness() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path();
        std::fs::write(ws.join("output"), "cargo::rerun-if-changed=x\n").unwrap();
        std::fs::write(ws.join("x"), "1").unwrap();
        let g = Global::fixed("g");
        let mut r = record(&[], &[]);
        r.script_outputs.insert(ws.join("output"));
        r.script_inputs.insert(ws.join("x"));
        let k = |r: &Record| source_key(&g, "e", r, &[], ws, &mut FileHashes::default()).unwrap();
        let k1 = k(&r);
        r.scripts_hash = k1.scripts.clone();
        assert!(k1.scripts_fresh(&r));
        std::fs::write(ws.join("x"), "2").unwrap();
        let k2 = k(&r);
        assert_eq!(k1.key, k2.key, "a script's input is not in the key");
        assert!(!k2.scripts_fresh(&r), "but it makes the entry tentative");
        std::fs::write(ws.join("output"), "cargo::rustc-cfg=x\n").unwrap();
        assert_ne!(k1.key, k(&r).key, "what the script tells the compiler is");
    }

    #[test]
    fn records_round_trip_per_configuration() {
        let t = tempfile::tempdir().unwrap();
        let g = Global::fixed("g");
        let r = record(&[Path::new("/x.rs")], &[("V", None)]);
        assert!(load_record(t.path(), &g, "e").is_none());
        save_record(t.path(), &g, "e", &r).unwrap();
        assert_eq!(load_record(t.path(), &g, "e"), Some(r));
        assert!(load_record(t.path(), &Global::fixed("h"), "e").is_none());
        std::fs::write(record_path(t.path(), &g, "e"), "{").unwrap();
        assert!(
            load_record(t.path(), &g, "e").is_none(),
            "unreadable is none"
        );
    }

    #[test]
    fn missing_data_file_is_an_error() {
        let t = tempfile::tempdir().unwrap();
        let e = source_key(
            &Global::fixed("g"),
            "e",
            &Record::default(),
            &[PathBuf::from("nope.toml")],
            t.path(),
            &mut FileHashes::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("declares data file `nope.toml`"), "{e}");
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
