//! The output cache: what each program printed, keyed by what determines it.
//!
//! Layout under the cache directory (default `target/mdbook-exec/`):
//! `src/<source key>.json` and `bin/<binary key>.json`, the same entry under
//! both keys (see `fingerprint`); `deps/NAME-CONFIG.json`, the record of
//! what the compiler read in an example's last build; `rustc/` and
//! `metadata/`, remembered `rustc -vV` and `cargo metadata` answers; `run/`,
//! staging directories of running sessions.
//!
//! Pruning ([`Cache::prune`]) removes every file no current key reaches:
//! a session collects the keys it used ([`Live`]); `mdbook-exec prune` (and
//! `guide prune`) computes them for every example without building; a build
//! prunes by itself when the cache grows past `cache-limit`. Only successful runs are stored; the
//! output is the program's actual output, which is compared with the
//! documented `.stdout` on every build, so blessing needs no rerun.
//!
//! Invariants:
//! - an entry is written to a temporary file and renamed into place, so a
//!   reader (another build running at the same time) sees a whole entry or
//!   none, and a build killed mid-write leaves at worst a stray temp file;
//! - an entry carries a checksum of its content; a corrupt or truncated one
//!   is reported as a miss and recomputed, never trusted. That is also what
//!   covers a power cut, so entries are not synced to disk one by one.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

/// One cached run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// The example.
    pub name: String,
    /// The executable's key.
    pub binary_key: String,
    /// How many identical runs produced `output`.
    pub runs: u32,
    /// The program's output, normalised.
    pub output: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    checksum: String,
    entry: Entry,
}

const FORMAT: u32 = 1;

/// Which index an entry is looked up in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Index {
    /// By source key (no cargo needed).
    Source,
    /// By binary key (after building).
    Binary,
}

/// A directory of cache entries.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
}

/// The result of a lookup.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// A valid entry.
    Hit(Entry),
    /// Nothing stored.
    Miss,
    /// Something was stored but failed its checks; it will be replaced.
    Corrupt(String),
}

impl Cache {
    /// A cache rooted at `dir` (created on first write).
    pub(crate) fn new(dir: impl Into<PathBuf>) -> Self {
        Cache { dir: dir.into() }
    }

    /// The cache directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, index: Index, key: &str) -> PathBuf {
        let sub = match index {
            Index::Source => "src",
            Index::Binary => "bin",
        };
        self.dir.join(sub).join(format!("{key}.json"))
    }

    /// Looks `key` up for example `name`.
    pub(crate) fn get(&self, index: Index, key: &str, name: &str) -> Lookup {
        let path = self.path(index, key);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => return Lookup::Corrupt(format!("{}: {e}", path.display())),
        };
        let stored: Stored = match serde_json::from_slice(&bytes) {
            Ok(s) => s,
            Err(e) => return Lookup::Corrupt(format!("{}: {e}", path.display())),
        };
        if stored.format != FORMAT {
            return Lookup::Miss;
        }
        if stored.checksum != checksum(&stored.entry) {
            return Lookup::Corrupt(format!("{}: checksum mismatch", path.display()));
        }
        if stored.entry.name != name {
            return Lookup::Corrupt(format!(
                "{}: entry is for `{}`, not `{name}`",
                path.display(),
                stored.entry.name
            ));
        }
        Lookup::Hit(stored.entry)
    }

    /// Stores `entry` under `key` atomically.
    pub(crate) fn put(&self, index: Index, key: &str, entry: &Entry) -> Result<()> {
        let path = self.path(index, key);
        let stored = Stored {
            format: FORMAT,
            checksum: checksum(entry),
            entry: entry.clone(),
        };
        let json = serde_json::to_vec(&stored)?;
        write_atomic_unsynced(&path, &json)
    }
}

/// The cache files some current key reaches.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Live {
    /// Source keys.
    pub source: BTreeSet<String>,
    /// Binary keys.
    pub binary: BTreeSet<String>,
    /// Dep-info records (paths under `deps/`).
    pub records: BTreeSet<PathBuf>,
    /// Memo files (under `rustc/` and `metadata/`).
    pub memos: BTreeSet<PathBuf>,
}

/// What a prune did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    /// Files removed.
    pub removed: usize,
    /// Their bytes.
    pub freed: u64,
    /// Files kept.
    pub kept: usize,
    /// Their bytes.
    pub kept_bytes: u64,
}

impl std::fmt::Display for Pruned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cache pruned: {} file(s) removed ({} KiB), {} kept ({} KiB)",
            self.removed,
            self.freed.div_ceil(1024),
            self.kept,
            self.kept_bytes.div_ceil(1024)
        )
    }
}

/// Temporary files younger than this may belong to a writer still at work.
const TEMP_GRACE: std::time::Duration = std::time::Duration::from_secs(600);

impl Cache {
    /// Bytes of every file of the cache (staging directories aside).
    pub(crate) fn size(&self) -> u64 {
        SUBDIRS
            .iter()
            .flat_map(|sub| files(&self.dir.join(sub)))
            .map(|(_, len)| len)
            .sum()
    }

    /// Removes every entry, record and memo `live` does not name, and
    /// temporary files left by killed writers.
    pub(crate) fn prune(&self, live: &Live) -> Result<Pruned> {
        let mut out = Pruned::default();
        let now = std::time::SystemTime::now();
        for sub in SUBDIRS {
            for (path, len) in files(&self.dir.join(sub)) {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                let name = name.unwrap_or_default();
                let keep = if name.starts_with('.') && name.ends_with(".tmp") {
                    // A writer's temporary file: only when it is old.
                    std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| now.duration_since(t).unwrap_or_default() < TEMP_GRACE)
                } else {
                    let key = name.strip_suffix(".json").unwrap_or(&name);
                    match *sub {
                        "src" => live.source.contains(key),
                        "bin" => live.binary.contains(key),
                        "deps" => live.records.contains(&path),
                        _ => live.memos.contains(&path),
                    }
                };
                if keep {
                    out.kept += 1;
                    out.kept_bytes += len;
                } else {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("removing {}", path.display()))?;
                    out.removed += 1;
                    out.freed += len;
                }
            }
        }
        Ok(out)
    }
}

/// The subdirectories that hold entries, records and memos.
const SUBDIRS: &[&str] = &["src", "bin", "deps", "rustc", "metadata"];

/// The files directly in `dir` with their sizes (none if it is missing).
fn files(dir: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            m.is_file().then(|| (e.path(), m.len()))
        })
        .collect()
}

fn checksum(entry: &Entry) -> String {
    let mut h = blake3::Hasher::new();
    for part in [
        entry.name.as_bytes(),
        entry.binary_key.as_bytes(),
        entry.output.as_bytes(),
    ] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.update(&entry.runs.to_le_bytes());
    h.finalize().to_hex().to_string()
}

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// synced, then renamed over `path`: readers see the old or the new content,
/// never a mixture, even if this process is killed or the machine stops.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_through_temp(path, bytes, true)
}

/// [`write_atomic`] without waiting for the disk: readers still see the old
/// or the new content if this process is killed, but after a power cut the
/// file may be empty or torn. Only for files every reader checks (a cache
/// entry carries a checksum; a torn one is recomputed): syncing each of
/// them cost about 4% of a cold build of 200 small examples.
pub(crate) fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    write_through_temp(path, bytes, false)
}

fn write_through_temp(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    let dir = path.parent().context("path has no parent directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let file_name = path
        .file_name()
        .context("path has no file name")?
        .to_string_lossy();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    if sync {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming into {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            name: "e".into(),
            binary_key: "b".into(),
            runs: 2,
            output: "42\n".into(),
        }
    }

    #[test]
    fn round_trip() {
        let t = tempfile::tempdir().unwrap();
        let c = Cache::new(t.path());
        assert!(matches!(c.get(Index::Source, "k", "e"), Lookup::Miss));
        c.put(Index::Source, "k", &entry()).unwrap();
        match c.get(Index::Source, "k", "e") {
            Lookup::Hit(e) => assert_eq!(e, entry()),
            other => panic!("{other:?}"),
        }
        assert!(matches!(c.get(Index::Binary, "k", "e"), Lookup::Miss));
    }

    #[test]
    fn truncated_entry_is_corrupt() {
        let t = tempfile::tempdir().unwrap();
        let c = Cache::new(t.path());
        c.put(Index::Source, "k", &entry()).unwrap();
        let p = t.path().join("src/k.json");
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        assert!(matches!(c.get(Index::Source, "k", "e"), Lookup::Corrupt(_)));
    }

    #[test]
    fn tampered_output_fails_checksum() {
        let t = tempfile::tempdir().unwrap();
        let c = Cache::new(t.path());
        c.put(Index::Source, "k", &entry()).unwrap();
        let p = t.path().join("src/k.json");
        let text = std::fs::read_to_string(&p).unwrap().replace("42", "43");
        std::fs::write(&p, text).unwrap();
        match c.get(Index::Source, "k", "e") {
            Lookup::Corrupt(why) => assert!(why.contains("checksum"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn entry_for_another_example_is_not_trusted() {
        let t = tempfile::tempdir().unwrap();
        let c = Cache::new(t.path());
        c.put(Index::Source, "k", &entry()).unwrap();
        assert!(matches!(
            c.get(Index::Source, "k", "other"),
            Lookup::Corrupt(_)
        ));
    }

    #[test]
    fn prune_keeps_what_live_keys_reach() {
        let t = tempfile::tempdir().unwrap();
        let c = Cache::new(t.path());
        for k in ["live", "dead"] {
            c.put(Index::Source, k, &entry()).unwrap();
            c.put(Index::Binary, &format!("b{k}"), &entry()).unwrap();
        }
        let record = t.path().join("deps/e-1.json");
        write_atomic(&record, b"{}").unwrap();
        write_atomic(&t.path().join("deps/e-0.json"), b"{}").unwrap();
        write_atomic(&t.path().join("rustc/old.txt"), b"rustc").unwrap();
        let young_tmp = t.path().join("src/.x.json.abc.tmp");
        std::fs::write(&young_tmp, "half").unwrap();
        let before = c.size();
        let live = Live {
            source: ["live".to_owned()].into(),
            binary: ["blive".to_owned()].into(),
            records: [record.clone()].into(),
            memos: BTreeSet::new(),
        };
        let p = c.prune(&live).unwrap();
        assert_eq!((p.removed, p.kept), (4, 4), "{p:?}");
        assert_eq!(p.freed + p.kept_bytes, before);
        assert!(matches!(c.get(Index::Source, "live", "e"), Lookup::Hit(_)));
        assert!(matches!(c.get(Index::Binary, "blive", "e"), Lookup::Hit(_)));
        assert!(matches!(c.get(Index::Source, "dead", "e"), Lookup::Miss));
        assert!(matches!(c.get(Index::Binary, "bdead", "e"), Lookup::Miss));
        assert!(record.is_file() && !t.path().join("deps/e-0.json").exists());
        assert!(!t.path().join("rustc/old.txt").exists());
        assert!(young_tmp.is_file(), "a writer may still be at work");
        assert_eq!(c.size(), p.kept_bytes);
        assert_eq!(c.prune(&live).unwrap().removed, 0, "idempotent");
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a/b.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(t.path().join("a")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp files left behind");
    }
}
