//! `{{#render TEMPLATE DATA}}`: a Tera template applied to a TOML file.
//!
//! Both paths are relative to the book root and must stay inside it. The
//! template sees the TOML document as its context (top-level keys become
//! variables). The result is Markdown, sanitised like program output.

use std::path::{Component, Path};

/// Renders `template` with the TOML document `data`, both relative to
/// `book_root`.
pub(crate) fn render(book_root: &Path, template: &str, data: &str) -> Result<String, String> {
    let template_text = read_inside(book_root, template, "template")?;
    let data_text = read_inside(book_root, data, "data file")?;
    let value: toml::Value =
        toml::from_str(&data_text).map_err(|e| format!("{data} is not valid TOML: {e}"))?;
    let context = tera::Context::from_serialize(&value).map_err(|e| {
        format!("{data} cannot be a template context (it must be a TOML table): {e}")
    })?;
    let rendered = tera::Tera::one_off(&template_text, &context, false).map_err(|e| {
        // Tera's error chain holds the useful part (line, missing variable).
        let mut msg = format!("{template}: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg.push_str(&format!(": {s}"));
            source = s.source();
        }
        msg
    })?;
    crate::markdown::sanitize(&rendered)
}

fn read_inside(root: &Path, rel: &str, what: &str) -> Result<String, String> {
    let p = Path::new(rel);
    if p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(format!(
            "{what} `{rel}` must be a path inside the book directory, relative to it, without `..`"
        ));
    }
    let full = root.join(p);
    let root_canon = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    match full.canonicalize() {
        Ok(c) if c.starts_with(&root_canon) => {}
        Ok(_) => return Err(format!("{what} `{rel}` leads outside the book directory")),
        Err(_) => {
            return Err(format!(
                "{what} `{rel}` does not exist (paths are relative to the book directory)"
            ));
        }
    }
    std::fs::read_to_string(&full).map_err(|e| format!("reading {what} `{rel}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_table_from_toml() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("data")).unwrap();
        std::fs::write(
            t.path().join("data/g.toml"),
            "[[term]]\nzh = \"注意力\"\nen = \"attention\"\n[[term]]\nzh = \"量化\"\nen = \"quantization\"\n",
        )
        .unwrap();
        std::fs::write(
            t.path().join("g.tera"),
            "| 中文 | English |\n| --- | --- |\n{% for t in term %}| {{ t.zh }} | {{ t.en }} |\n{% endfor %}",
        )
        .unwrap();
        let md = render(t.path(), "g.tera", "data/g.toml").unwrap();
        assert_eq!(
            md,
            "| 中文 | English |\n| --- | --- |\n| 注意力 | attention |\n| 量化 | quantization |\n"
        );
    }

    #[test]
    fn paths_outside_the_book_are_refused() {
        let t = tempfile::tempdir().unwrap();
        assert!(
            render(t.path(), "../x.tera", "d.toml")
                .unwrap_err()
                .contains("without `..`")
        );
        assert!(
            render(t.path(), "/etc/passwd", "d.toml")
                .unwrap_err()
                .contains("inside the book")
        );
        assert!(
            render(t.path(), "missing.tera", "d.toml")
                .unwrap_err()
                .contains("does not exist")
        );
    }

    #[test]
    fn template_errors_say_where() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("d.toml"), "a = 1").unwrap();
        std::fs::write(t.path().join("bad.tera"), "{{ nope.x }}").unwrap();
        let e = render(t.path(), "bad.tera", "d.toml").unwrap_err();
        assert!(e.starts_with("bad.tera:"), "{e}");
        assert!(e.contains("nope"), "{e}");
    }
}
