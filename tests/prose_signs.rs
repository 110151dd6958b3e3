//! Prose that says a quantity went down ("下降了 {{#value …}}") must quote a
//! positive magnitude: quoting a signed change there renders "下降了 -15.8%",
//! a double negative that flips the meaning. This reads every chapter, finds a
//! `{{#value NAME:KEY}}` right after a word for decrease, looks the value up
//! in the committed `examples/NAME.stdout`, and fails if it starts with a minus.

use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Words after which a number is read as the size of a decrease.
const DECREASE: [&str; 6] = ["下降了", "降低了", "减少了", "下降", "降低", "减少"];

fn chapters(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("book/src is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            chapters(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

/// The text after `KEY = ` on a line of the example's committed output.
fn committed_value(name: &str, key: &str) -> Option<String> {
    let stdout = fs::read_to_string(
        Path::new(ROOT)
            .join("examples")
            .join(format!("{name}.stdout")),
    )
    .ok()?;
    let prefix = format!("{key} = ");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
}

/// Every `(chapter, NAME:KEY, value)` quoted right after a decrease word.
fn decrease_quotes(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("{{#value ") {
        let before = text[..at].trim_end();
        if !DECREASE.iter().any(|w| before.ends_with(w)) {
            continue;
        }
        let rest = &text[at + "{{#value ".len()..];
        let Some(end) = rest.find("}}") else { continue };
        let Some((name, key)) = rest[..end].trim().split_once(':') else {
            continue;
        };
        found.push((name.to_string(), key.to_string()));
    }
    found
}

#[test]
fn detector_sees_the_double_negative() {
    let q = decrease_quotes(
        "FPR 相对下降了 {{#value finance_fraud:fpr_change_rel}}%，其余 {{#value a:b}}",
    );
    assert_eq!(
        q,
        [("finance_fraud".to_string(), "fpr_change_rel".to_string())]
    );
    // The signed change that the chapter once quoted here is negative: the check would fire on it.
    let v = committed_value("finance_fraud", "fpr_change_rel").expect("value exists");
    assert!(v.starts_with('-'), "{v}");
}

#[test]
fn decreases_in_prose_are_positive() {
    let mut files = Vec::new();
    chapters(&Path::new(ROOT).join("book/src"), &mut files);
    let mut bad = Vec::new();
    let mut checked = 0;
    for f in &files {
        let text = fs::read_to_string(f).expect("chapter is UTF-8");
        for (name, key) in decrease_quotes(&text) {
            // A value that is not in a committed output is the engine's error to report.
            let Some(v) = committed_value(&name, &key) else {
                continue;
            };
            checked += 1;
            if v.starts_with('-') || v.starts_with('−') {
                bad.push(format!(
                    "{}: 下降 {{{{#value {name}:{key}}}}} = {v}",
                    f.display()
                ));
            }
        }
    }
    assert!(checked > 0, "no decrease in prose was checked");
    assert!(
        bad.is_empty(),
        "a decrease quoted as a negative number:\n{}",
        bad.join("\n")
    );
}
