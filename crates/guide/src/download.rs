//! "下载全部示例": every example of the book as a Cargo workspace of its own,
//! zipped into the site (`examples.zip`, linked from the 示例索引).
//!
//! The archive holds `examples/` (sources and documented outputs), the
//! workspace crates the examples depend on (found from the root manifest's
//! path dependencies, transitively), `book/data/` (files examples read at
//! run time), `Cargo.lock`, `rustfmt.toml`, a manifest derived from the root
//! one, and a README. What only the book needs (the engine, the front end,
//! `build.rs`, the tests) is left out, so `cargo run --example NAME` in the
//! unpacked folder builds exactly what the book ran.
//!
//! Entries are sorted and carry a fixed timestamp, so the same tree gives
//! the same bytes.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

/// The archive's name in the site.
pub const FILE_NAME: &str = "examples.zip";

/// The folder every entry is under.
const TOP: &str = "llm-guide-examples";

/// What [`write_zip`] packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    /// Workspace crates shipped beside the examples (`crates/NAME`).
    pub crates: Vec<String>,
    /// Number of files in the archive.
    pub files: usize,
    /// Size of the archive in bytes.
    pub bytes: u64,
}

/// Writes the examples of the workspace at `workspace` as a zip to `out`.
pub fn write_zip(workspace: &Path, out: &Path) -> Result<Packed> {
    let manifest_path = workspace.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let root: toml::Table =
        toml::from_str(&text).with_context(|| format!("parsing {}", manifest_path.display()))?;
    let crates = shipped_crates(workspace, &root)?;
    let manifest = derive_manifest(&root, &crates)?;

    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for dir in std::iter::once("examples".to_owned())
        .chain(crates.iter().cloned())
        .chain(std::iter::once("book/data".to_owned()))
    {
        collect(workspace, &workspace.join(&dir), &mut files)?;
    }
    for single in ["Cargo.lock", "rustfmt.toml", "rust-toolchain.toml"] {
        if workspace.join(single).is_file() {
            files.push((single.to_owned(), workspace.join(single)));
        }
    }
    files.sort();

    let tmp = out.with_extension("zip.tmp");
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
        zip.start_file(format!("{TOP}/{name}"), options)
            .with_context(|| format!("adding {name}"))?;
        zip.write_all(bytes)
            .with_context(|| format!("adding {name}"))
    };
    add("Cargo.toml", manifest.as_bytes())?;
    add("README.md", readme(&crates).as_bytes())?;
    for (name, path) in &files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        add(name, &bytes)?;
    }
    zip.finish().context("finishing the zip")?;
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
    Ok(Packed {
        crates,
        files: files.len() + 2,
        bytes: std::fs::metadata(out)?.len(),
    })
}

/// `crates/NAME` of every path dependency of the root package, and of
/// theirs, in order.
fn shipped_crates(workspace: &Path, root: &toml::Table) -> Result<Vec<String>> {
    let ws_deps = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table);
    let path_of = |name: &str, spec: &toml::Value| -> Option<String> {
        if let Some(p) = spec.get("path").and_then(toml::Value::as_str) {
            return Some(p.to_owned());
        }
        if spec.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
            return ws_deps?.get(name)?.get("path")?.as_str().map(str::to_owned);
        }
        None
    };
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    let mut todo: Vec<toml::Table> = vec![root.clone()];
    while let Some(manifest) = todo.pop() {
        let Some(deps) = manifest.get("dependencies").and_then(toml::Value::as_table) else {
            continue;
        };
        for (name, spec) in deps {
            let Some(path) = path_of(name, spec) else {
                continue;
            };
            let path = path.trim_end_matches('/').to_owned();
            if path.starts_with('/') || path.split('/').any(|c| c == "..") {
                bail!("path dependency `{name}` = {path:?} leaves the workspace");
            }
            if seen.insert(path.clone()) {
                let p = workspace.join(&path).join("Cargo.toml");
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("reading {}", p.display()))?;
                todo.push(
                    toml::from_str(&text).with_context(|| format!("parsing {}", p.display()))?,
                );
                order.push(path);
            }
        }
    }
    order.sort();
    Ok(order)
}

/// The root manifest, limited to what the shipped tree holds: members are
/// the root and the shipped crates, path dependencies that are not shipped
/// are dropped, and so are dev- and build-dependencies (the tests and
/// `build.rs` stay with the book).
fn derive_manifest(root: &toml::Table, crates: &[String]) -> Result<String> {
    let mut m = root.clone();
    if let Some(ws) = m.get_mut("workspace").and_then(toml::Value::as_table_mut) {
        let mut members = vec![toml::Value::from(".")];
        members.extend(crates.iter().map(|c| toml::Value::from(c.as_str())));
        ws.insert("members".into(), toml::Value::Array(members));
        if let Some(deps) = ws
            .get_mut("dependencies")
            .and_then(toml::Value::as_table_mut)
        {
            deps.retain(|_, spec| {
                spec.get("path")
                    .and_then(toml::Value::as_str)
                    .is_none_or(|p| crates.iter().any(|c| c == p.trim_end_matches('/')))
            });
        }
    }
    m.remove("dev-dependencies");
    m.remove("build-dependencies");
    let Some(package) = m.get_mut("package").and_then(toml::Value::as_table_mut) else {
        bail!("the root Cargo.toml has no [package] (the package that owns examples/)");
    };
    package.insert("build".into(), toml::Value::Boolean(false));
    let body = toml::to_string(&m).context("writing the derived Cargo.toml")?;
    Ok(format!(
        "# The examples of 《大模型时代全链路学习指南》, as a workspace of their own.\n\
         # Derived from the book's Cargo.toml by `guide build` (crates/guide/src/download.rs).\n\n{body}"
    ))
}

fn readme(crates: &[String]) -> String {
    format!(
        "# 《大模型时代全链路学习指南》的全部示例\n\n\
         书中每个示例都是这里的一个 Cargo 示例程序，`examples/NAME.stdout` 是书里核对过的输出。\n\n\
         ```sh\n\
         cargo run --example NAME          # 运行一个示例\n\
         cargo run --example NAME | diff - examples/NAME.stdout   # 与书中的输出比对\n\
         ```\n\n\
         只需要 Rust 工具链（版本见 Cargo.toml 的 rust-version）。示例用到的工作区 crate：{}。\n\
         示例在运行时读取的数据在 `book/data/`，请在本目录下运行。\n",
        crates.join("、")
    )
}

fn collect(workspace: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("walking {}", dir.display()))?;
        if entry.file_type().is_dir() {
            if entry.file_name() == "target" {
                bail!("{} holds a build directory", entry.path().display());
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(workspace)
            .with_context(|| format!("{} is outside the workspace", entry.path().display()))?;
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((name, entry.path().to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "Cargo.toml",
            r#"[workspace]
members = [".", "crates/*"]
[workspace.dependencies]
helper = { path = "crates/helper" }
engine = { path = "crates/engine" }
base = { path = "crates/base" }
[package]
name = "book-examples"
version = "0.0.0"
edition = "2024"
[dependencies]
helper.workspace = true
[dev-dependencies]
engine.workspace = true
[build-dependencies]
walkdir = "2"
"#,
        );
        write(
            root,
            "crates/helper/Cargo.toml",
            "[package]\nname = \"helper\"\nversion = \"0.0.0\"\n[dependencies]\nbase.workspace = true\n",
        );
        write(root, "crates/helper/src/lib.rs", "pub fn f() {}\n");
        write(
            root,
            "crates/base/Cargo.toml",
            "[package]\nname = \"base\"\nversion = \"0.0.0\"\n",
        );
        write(root, "crates/base/src/lib.rs", "\n");
        write(
            root,
            "crates/engine/Cargo.toml",
            "[package]\nname = \"engine\"\nversion = \"0.0.0\"\n",
        );
        write(root, "crates/engine/src/lib.rs", "\n");
        write(
            root,
            "examples/hello.rs",
            "fn main() { println!(\"你好\"); }\n",
        );
        write(root, "examples/hello.stdout", "你好\n");
        write(root, "book/data/x.toml", "a = 1\n");
        write(root, "build.rs", "fn main() {}\n");
        write(root, "Cargo.lock", "version = 4\n");
        dir
    }

    fn names(zip_path: &Path) -> Vec<String> {
        let mut z = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
        (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().into_owned())
            .collect()
    }

    fn read(zip_path: &Path, name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
        s
    }

    #[test]
    fn ships_examples_data_and_the_crates_they_need_only() {
        let ws = workspace();
        let out = ws.path().join("out.zip");
        let packed = write_zip(ws.path(), &out).unwrap();
        assert_eq!(packed.crates, ["crates/base", "crates/helper"]);
        let n = names(&out);
        for want in [
            "llm-guide-examples/Cargo.toml",
            "llm-guide-examples/README.md",
            "llm-guide-examples/Cargo.lock",
            "llm-guide-examples/examples/hello.rs",
            "llm-guide-examples/examples/hello.stdout",
            "llm-guide-examples/crates/helper/src/lib.rs",
            "llm-guide-examples/crates/base/Cargo.toml",
            "llm-guide-examples/book/data/x.toml",
        ] {
            assert!(n.iter().any(|x| x == want), "{want} missing from {n:?}");
        }
        assert!(
            !n.iter()
                .any(|x| x.contains("engine") || x.ends_with("build.rs")),
            "{n:?}"
        );
        assert_eq!(packed.files, n.len());
    }

    #[test]
    fn the_manifest_names_only_what_is_shipped() {
        let ws = workspace();
        let out = ws.path().join("out.zip");
        write_zip(ws.path(), &out).unwrap();
        let m: toml::Table = toml::from_str(&read(&out, "llm-guide-examples/Cargo.toml")).unwrap();
        let members = m["workspace"]["members"].as_array().unwrap();
        assert_eq!(members.len(), 3, "{members:?}");
        let deps = m["workspace"]["dependencies"].as_table().unwrap();
        assert!(
            deps.contains_key("helper") && !deps.contains_key("engine"),
            "{deps:?}"
        );
        assert!(!m.contains_key("dev-dependencies") && !m.contains_key("build-dependencies"));
        assert_eq!(m["package"]["build"].as_bool(), Some(false));
    }

    #[test]
    fn the_same_tree_gives_the_same_bytes() {
        let ws = workspace();
        let (a, b) = (ws.path().join("a.zip"), ws.path().join("b.zip"));
        write_zip(ws.path(), &a).unwrap();
        write_zip(ws.path(), &b).unwrap();
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    }

    #[test]
    fn a_path_dependency_outside_the_workspace_is_refused() {
        let ws = workspace();
        let m = std::fs::read_to_string(ws.path().join("Cargo.toml")).unwrap();
        std::fs::write(
            ws.path().join("Cargo.toml"),
            m.replace(
                "helper = { path = \"crates/helper\" }",
                "helper = { path = \"../elsewhere\" }",
            ),
        )
        .unwrap();
        let err = write_zip(ws.path(), &ws.path().join("x.zip")).unwrap_err();
        assert!(
            format!("{err:#}").contains("leaves the workspace"),
            "{err:#}"
        );
    }
}
