//! The build stamp every page carries: which commit, which compiler, which
//! day. A reader who reports a problem can say exactly what they read, and
//! the PDF (printed from `print.html`) carries it too.
//!
//! `book/theme/index.hbs` puts [`MARKER`] in the page footer; after mdBook
//! has rendered, [`stamp_pages`] replaces it in every HTML file with the text
//! of [`Stamp::text`]. Without git (a source tarball) the commit reads
//! "未知"; `SOURCE_DATE_EPOCH` fixes the date for reproducible builds.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result};

/// What the theme writes where the stamp goes.
pub const MARKER: &str = "<!--guide-build-stamp-->";

/// What a build is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Short commit hash, with `-dirty` when the work tree has changes.
    pub commit: Option<String>,
    /// `rustc -V`, e.g. `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub rustc: Option<String>,
    /// The build date, `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl Stamp {
    /// Reads the stamp of a build of the repository containing `dir`.
    pub fn current(dir: &Path) -> Stamp {
        let commit = run(
            dir,
            "git",
            &["describe", "--always", "--dirty", "--abbrev=12"],
        );
        let rustc = run(dir, "rustc", &["-V"]);
        let secs = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            });
        Stamp {
            commit,
            rustc,
            date: civil_date(secs),
        }
    }

    /// The line shown on every page, HTML-escaped.
    pub fn text(&self) -> String {
        let commit = self.commit.as_deref().unwrap_or("未知");
        let rustc = self.rustc.as_deref().unwrap_or("rustc 版本未知");
        escape(&format!("构建于 {}，提交 {commit}，{rustc}", self.date))
    }
}

/// Replaces [`MARKER`] in every `.html` file under `html_dir`; returns how
/// many files carried it.
pub fn stamp_pages(html_dir: &Path, stamp: &Stamp) -> Result<usize> {
    let text = stamp.text();
    let mut stamped = 0;
    for entry in walkdir::WalkDir::new(html_dir) {
        let entry = entry.with_context(|| format!("walking {}", html_dir.display()))?;
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        if html.contains(MARKER) {
            std::fs::write(path, html.replace(MARKER, &text))
                .with_context(|| format!("writing {}", path.display()))?;
            stamped += 1;
        }
    }
    Ok(stamped)
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (out.status.success() && !text.is_empty()).then(|| text.to_owned())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `YYYY-MM-DD` of a Unix time, UTC (Howard Hinnant's `civil_from_days`).
fn civil_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(1_796_083_199), "2026-11-30");
        assert_eq!(civil_date(1_796_083_200), "2026-12-01");
    }

    #[test]
    fn the_stamp_names_commit_compiler_and_day_and_is_escaped() {
        let s = Stamp {
            commit: Some("abc123<x>".into()),
            rustc: Some("rustc 1.95.0 (59807616e 2026-04-14)".into()),
            date: "2026-12-01".into(),
        };
        assert_eq!(
            s.text(),
            "构建于 2026-12-01，提交 abc123&lt;x&gt;，rustc 1.95.0 (59807616e 2026-04-14)"
        );
        let unknown = Stamp {
            commit: None,
            rustc: None,
            date: "2026-12-01".into(),
        };
        assert!(unknown.text().contains("提交 未知"));
    }

    #[test]
    fn every_page_with_the_marker_is_stamped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("index.html"), format!("<p>{MARKER}</p>")).unwrap();
        std::fs::write(dir.path().join("a/b.html"), MARKER).unwrap();
        std::fs::write(dir.path().join("toc.html"), "<p>no marker</p>").unwrap();
        std::fs::write(dir.path().join("x.js"), MARKER).unwrap();
        let s = Stamp {
            commit: Some("c0ffee".into()),
            rustc: None,
            date: "2026-12-01".into(),
        };
        assert_eq!(stamp_pages(dir.path(), &s).unwrap(), 2);
        let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert!(
            page.contains("提交 c0ffee") && !page.contains(MARKER),
            "{page}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("x.js")).unwrap(),
            MARKER
        );
    }
}
