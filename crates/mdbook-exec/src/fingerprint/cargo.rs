//! What cargo itself decides: its configuration files and its resolve.
//!
//! - **Config layers.** Cargo reads `.cargo/config.toml` (and the older
//!   `.cargo/config`) in the directory it runs in and every directory above
//!   it, then in `$CARGO_HOME`. Each layer can change what is built
//!   (`[build] rustflags`, `[target.…]`, `[profile.…]`, `[env]`,
//!   `[patch]`), so every one is hashed, present or absent.
//! - **The resolve.** `cargo metadata` says what cargo will build: every
//!   package with its features, target-specific dependencies and the
//!   `[patch]` replacements in force, resolved as the lockfile pins them. Its
//!   JSON (less the target directory, which changes where, not what) goes
//!   into the key. Running it costs 100–300 ms, most of a warm build, so the
//!   answer is remembered under everything it reads: the config layers, the
//!   key's environment variables, `rustc -vV`, the workspace manifest, the
//!   lockfile, the members a glob like `crates/*` matches, and (checked on
//!   use) every local manifest it listed.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use super::env::BuildEnv;
use super::{FORMAT, field, optional_file};

/// The config files cargo reads when it runs in `workspace`, in cargo's
/// order of precedence (nearest first), `$CARGO_HOME` last.
pub(crate) fn config_layers(workspace: &Path, env: &BuildEnv) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = workspace.ancestors().map(|d| d.join(".cargo")).collect();
    if let Some(home) = env.cargo_home()
        && !dirs.contains(&home)
    {
        dirs.push(home);
    }
    dirs.iter()
        .flat_map(|d| [d.join("config.toml"), d.join("config")])
        .collect()
}

/// Hashes every config layer (path, and content or absence).
pub(crate) fn hash_config_layers(
    h: &mut blake3::Hasher,
    workspace: &Path,
    env: &BuildEnv,
) -> Result<()> {
    for path in config_layers(workspace, env) {
        field(h, "config", path.as_os_str().as_encoded_bytes());
        optional_file(h, &path)?;
    }
    Ok(())
}

/// A remembered `cargo metadata` answer.
#[derive(Serialize, Deserialize)]
struct Memo {
    format: String,
    /// Local manifests the answer came from.
    manifests: Vec<PathBuf>,
    /// Their contents' hash when the answer was taken.
    manifests_hash: String,
    /// The answer's hash.
    metadata_hash: String,
}

/// The hash of cargo's resolve for `workspace` (see the module
/// documentation). `inputs` is the hash of everything but the manifests
/// and the lockfile that cargo's answer depends on (config layers,
/// environment, compiler); with a `memo` directory the answer is
/// remembered there, in the file returned with the hash.
pub(crate) fn metadata_hash(
    workspace: &Path,
    env: &BuildEnv,
    inputs: &blake3::Hash,
    memo: Option<&Path>,
) -> Result<(blake3::Hash, Option<PathBuf>)> {
    let memo_file = match (memo, memo_key(workspace, inputs)?) {
        (Some(dir), Some(key)) => Some(dir.join("metadata").join(format!("{}.json", key.to_hex()))),
        _ => None,
    };
    if let Some(path) = &memo_file
        && let Ok(bytes) = std::fs::read(path)
        && let Ok(m) = serde_json::from_slice::<Memo>(&bytes)
        && m.format == FORMAT
        && manifests_hash(&m.manifests).is_ok_and(|h| h.to_hex().as_str() == m.manifests_hash)
        && let Ok(hash) = blake3::Hash::from_hex(&m.metadata_hash)
    {
        return Ok((hash, memo_file));
    }
    let (hash, manifests) = run_metadata(workspace, env)?;
    if let Some(path) = &memo_file {
        let m = Memo {
            format: FORMAT.to_owned(),
            manifests_hash: manifests_hash(&manifests)?.to_hex().to_string(),
            manifests,
            metadata_hash: hash.to_hex().to_string(),
        };
        // A memo that cannot be written costs only speed.
        let _ = crate::cache::write_atomic_unsynced(path, &serde_json::to_vec(&m)?);
    }
    Ok((hash, memo_file))
}

/// What the memo is filed under: `inputs`, the workspace manifest, the
/// lockfile and the members its globs match; `None` when a glob is too
/// complex to expand here (then cargo is always asked).
fn memo_key(workspace: &Path, inputs: &blake3::Hash) -> Result<Option<blake3::Hash>> {
    let mut h = blake3::Hasher::new();
    field(&mut h, "format", FORMAT.as_bytes());
    field(&mut h, "inputs", inputs.as_bytes());
    field(
        &mut h,
        "workspace",
        workspace.as_os_str().as_encoded_bytes(),
    );
    let root = workspace.join("Cargo.toml");
    optional_file(&mut h, &root)?;
    optional_file(&mut h, &workspace.join("Cargo.lock"))?;
    let Ok(text) = std::fs::read_to_string(&root) else {
        return Ok(Some(h.finalize()));
    };
    let Ok(doc) = toml::from_str::<toml::Table>(&text) else {
        return Ok(None);
    };
    let members = doc
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    for m in members.iter().filter_map(toml::Value::as_str) {
        if !m.contains(['*', '?', '[']) {
            continue;
        }
        // Only `DIR/*` is expanded; anything else is cargo's to read.
        let Some(dir) = m
            .strip_suffix("/*")
            .filter(|d| !d.contains(['*', '?', '[']))
        else {
            return Ok(None);
        };
        let mut names: Vec<String> = std::fs::read_dir(workspace.join(dir))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().join("Cargo.toml").is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        field(&mut h, "glob", m.as_bytes());
        field(&mut h, "matches", names.join("\n").as_bytes());
    }
    Ok(Some(h.finalize()))
}

fn manifests_hash(manifests: &[PathBuf]) -> Result<blake3::Hash> {
    let mut h = blake3::Hasher::new();
    for m in manifests {
        field(&mut h, "manifest", m.as_os_str().as_encoded_bytes());
        optional_file(&mut h, m)?;
    }
    Ok(h.finalize())
}

/// Runs `cargo metadata` and returns the hash of its answer and the local
/// manifests it lists.
fn run_metadata(workspace: &Path, env: &BuildEnv) -> Result<(blake3::Hash, Vec<PathBuf>)> {
    let cargo = env.cargo();
    let out = Command::new(&cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(workspace)
        .env_clear()
        .envs(env.for_cargo())
        .output()
        .with_context(|| format!("running `{} metadata`", cargo.to_string_lossy()))?;
    if !out.status.success() {
        bail!(
            "`cargo metadata` failed in {}:\n{}",
            workspace.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    let mut doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("parsing `cargo metadata` output")?;
    let manifests = local_manifests(&doc);
    if let Some(obj) = doc.as_object_mut() {
        // Where things are built, not what.
        obj.remove("target_directory");
        obj.remove("build_directory");
    }
    Ok((blake3::hash(&serde_json::to_vec(&doc)?), manifests))
}

/// Manifests of packages that are not from a registry or git (`source` is
/// null): the ones an edit can change.
fn local_manifests(doc: &serde_json::Value) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = doc
        .get("packages")
        .and_then(serde_json::Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter(|p| p.get("source").is_none_or(serde_json::Value::is_null))
                .filter_map(|p| p.get("manifest_path")?.as_str().map(PathBuf::from))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_the_workspace_its_parents_and_cargo_home() {
        let env = BuildEnv::from_vars([("CARGO_HOME", "/home/u/.cargo")]);
        let layers = config_layers(Path::new("/a/b"), &env);
        let want: Vec<PathBuf> = [
            "/a/b/.cargo/config.toml",
            "/a/b/.cargo/config",
            "/a/.cargo/config.toml",
            "/a/.cargo/config",
            "/.cargo/config.toml",
            "/.cargo/config",
            "/home/u/.cargo/config.toml",
            "/home/u/.cargo/config",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(layers, want);
        // CARGO_HOME is an ancestor's `.cargo`: not listed twice.
        let env = BuildEnv::from_vars([("CARGO_HOME", "/a/.cargo")]);
        assert_eq!(config_layers(Path::new("/a/b"), &env).len(), 6);
        let env = BuildEnv::from_vars([("HOME", "/h")]);
        assert!(
            config_layers(Path::new("/a"), &env).contains(&PathBuf::from("/h/.cargo/config.toml"))
        );
    }

    #[test]
    fn memo_key_follows_globbed_members() {
        let t = tempfile::tempdir().unwrap();
        let ws = t.path();
        std::fs::write(
            ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\".\", \"crates/*\"]\n",
        )
        .unwrap();
        std::fs::create_dir_all(ws.join("crates/a")).unwrap();
        let inputs = blake3::hash(b"i");
        let k1 = memo_key(ws, &inputs).unwrap().unwrap();
        std::fs::write(ws.join("crates/a/Cargo.toml"), "").unwrap();
        let k2 = memo_key(ws, &inputs).unwrap().unwrap();
        assert_ne!(k1, k2, "a new member");
        std::fs::write(ws.join("Cargo.lock"), "x").unwrap();
        assert_ne!(k2, memo_key(ws, &inputs).unwrap().unwrap(), "the lockfile");
        std::fs::write(
            ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/**/x\"]\n",
        )
        .unwrap();
        assert!(
            memo_key(ws, &inputs).unwrap().is_none(),
            "too complex: ask cargo"
        );
    }
}
