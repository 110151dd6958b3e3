//! The HTML and Markdown that replace directives.
//!
//! Invariants:
//! - Everything that comes from a program (its output) or from a source file
//!   is escaped: `<`, `>`, `&`, quotes, and also `{`, `}`, `$`, `` ` `` and
//!   `\` as numeric entities, so that neither the browser, nor mdBook's
//!   `links` preprocessor (`{{#include}}`), nor KaTeX (`$…$`), which all run
//!   after us, can read anything in it as markup.
//! - Every block is a single raw-HTML block with no blank line inside (a
//!   blank line would end the HTML block in Markdown): a newline that would
//!   start an empty line is written as `&#10;`.
//! - Each inserted line repeats the directive's container prefix (list
//!   indentation, `>` of a block quote) so the block stays where the author
//!   put it.

use std::fmt::Write as _;

use crate::config::Config;
use crate::labels::fill_html;

/// Escapes text for an HTML attribute or element body, including the
/// characters later Markdown preprocessors would otherwise interpret.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '$' => out.push_str("&#36;"),
            '`' => out.push_str("&#96;"),
            '\\' => out.push_str("&#92;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text for the inside of a `<pre>`: as [`escape`], with newlines
/// arranged so that no line of the HTML is blank.
pub fn escape_pre(text: &str) -> String {
    let escaped = escape(text.trim_end_matches('\n'));
    // "a\n\nb" becomes "a\n&#10;b": still two newlines to the browser, but no
    // blank line to the Markdown parser. Non-overlapping replacement handles
    // runs: "\n\n\n" -> "\n&#10;\n".
    escaped.replace("\n\n", "\n&#10;")
}

/// The link target the engine inserts at a note (see
/// [`crate::splice::Anchor`]).
pub fn anchor_target(id: &str) -> String {
    format!("<a class=\"exec-anchor-target\" id=\"{}\"></a>", escape(id))
}

/// A value spliced into running text. Characters that are safe everywhere
/// (including inside `$…$` maths, which KaTeX reads raw) are kept as they
/// are; anything else is escaped.
pub fn inline_value(value: &str) -> String {
    let safe = |c: char| c.is_alphanumeric() || " .,+-%:/()×·=^".contains(c);
    if value.chars().all(safe) {
        return value.to_owned();
    }
    // In Markdown text, emphasis and link brackets matter too.
    let mut out = String::new();
    for c in escape(value).chars() {
        match c {
            '*' => out.push_str("&#42;"),
            '_' => out.push_str("&#95;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            _ => out.push(c),
        }
    }
    out
}

/// Prefixes every line of `block` after the first with `cont`, and the
/// first with nothing (the directive's own line already has its prefix).
pub fn prefix_lines(block: &str, cont: &str) -> String {
    let mut out = String::with_capacity(block.len());
    for (i, line) in block.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(cont);
        }
        out.push_str(line);
    }
    out
}

/// The path of an example's source as the page shows it.
pub fn source_path(cfg: &Config, name: &str) -> String {
    format!("{}/{name}.rs", slash_path(&cfg.examples_dir))
}

/// The path of an example's documented output as the page shows it.
pub fn stdout_path(cfg: &Config, name: &str) -> String {
    format!(
        "{}/{name}.{}",
        slash_path(&cfg.examples_dir),
        cfg.output_extension
    )
}

fn slash_path(p: &std::path::Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn path_span(cfg: &Config, name: &str) -> String {
    format!(
        "<span class=\"exec-path\">{}</span>",
        escape(&source_path(cfg, name))
    )
}

/// The source block of an example.
pub fn source(cfg: &Config, name: &str, code: &str, anchor: Option<&str>) -> String {
    source_block(cfg, &source_path(cfg, name), code, anchor)
}

/// A source block labelled with `path` (and the anchor, if any).
fn source_block(cfg: &Config, path: &str, code: &str, anchor: Option<&str>) -> String {
    let mut out = String::new();
    let path_html = format!("<span class=\"exec-path\">{}</span>", escape(path));
    let label = match anchor {
        Some(a) => format!(
            "{path_html} <span class=\"exec-anchor\">{}</span>",
            fill_html(&cfg.labels.excerpt, &[("anchor", &escape(a))])
        ),
        None => path_html,
    };
    let _ = write!(
        out,
        "<div class=\"exec-source-label\">{label}</div>\n\
         <pre class=\"exec-source\"><code class=\"language-rust\">{}</code></pre>",
        escape_pre(code)
    );
    out
}

/// `{{#code PATH[:ANCHOR]}}`: a workspace file's code, labelled with its
/// path, styled like `{{#source}}`.
pub fn code_file(cfg: &Config, path: &str, code: &str, anchor: Option<&str>) -> String {
    format!(
        "<div class=\"exec exec-source-only exec-code\" data-file=\"{}\">\n{}\n</div>",
        escape(path),
        source_block(cfg, path, code, anchor)
    )
}

/// The labelled, verified output block.
pub fn output(cfg: &Config, name: &str, text: &str) -> String {
    let l = &cfg.labels;
    format!(
        "<div class=\"exec-output\">\n\
         <div class=\"exec-label\"><span class=\"exec-badge\" title=\"{title}\">{badge}</span> \
         <span class=\"exec-title\">{output}</span> {path} \
         <span class=\"exec-cmd\">{cmd}</span></div>\n\
         <pre class=\"exec-output-body\"><code class=\"language-text\">{body}</code></pre>\n\
         </div>",
        title = fill_html(
            &l.verified_title,
            &[("stdout", &escape(&stdout_path(cfg, name)))]
        ),
        badge = escape(&l.verified),
        output = escape(&l.output),
        path = path_span(cfg, name),
        cmd = escape(&cfg.run_command(name)),
        body = escape_pre(text),
    )
}

/// An error box in place of a block (drafting mode only).
pub fn error_box(cfg: &Config, name: Option<&str>, message: &str) -> String {
    let l = &cfg.labels;
    let title = match name {
        Some(n) => fill_html(
            &l.example_failed,
            &[(
                "name",
                &format!("<span class=\"exec-path\">{}</span>", escape(n)),
            )],
        ),
        None => escape(&l.directive_failed),
    };
    format!(
        "<div class=\"exec-error\" role=\"alert\">\n<p><strong>✗ {title}</strong>{}</p>\n\
         <pre><code class=\"language-text\">{}</code></pre>\n</div>",
        escape(&l.draft_mode),
        escape_pre(message)
    )
}

/// What an output block shows: the text, nothing (the book hides value
/// lines and the output had nothing else), or why there is no verified
/// output (an error box).
pub type Shown<'a> = Result<Option<&'a str>, &'a str>;

/// The output part of a block: the output box, an error box, or nothing.
fn shown_block(cfg: &Config, name: &str, out: Shown<'_>) -> Option<String> {
    match out {
        Ok(Some(text)) => Some(output(cfg, name, text)),
        Ok(None) => None,
        Err(msg) => Some(error_box(cfg, Some(name), msg)),
    }
}

/// `{{#example}}`: source, then output (or an error box; nothing when there
/// is no output to show).
pub fn example(
    cfg: &Config,
    name: &str,
    code: &str,
    anchor: Option<&str>,
    out: Shown<'_>,
) -> String {
    let mut parts = vec![source(cfg, name, code, anchor)];
    parts.extend(shown_block(cfg, name, out));
    format!(
        "<div class=\"exec exec-example\" data-example=\"{}\">\n{}\n</div>",
        escape(name),
        parts.join("\n")
    )
}

/// `{{#source}}`.
pub fn source_only(cfg: &Config, name: &str, code: &str, anchor: Option<&str>) -> String {
    format!(
        "<div class=\"exec exec-source-only\" data-example=\"{}\">\n{}\n</div>",
        escape(name),
        source(cfg, name, code, anchor)
    )
}

/// `{{#output}}`; empty when there is no output to show.
pub fn output_only(cfg: &Config, name: &str, out: Shown<'_>) -> String {
    match shown_block(cfg, name, out) {
        Some(block) => format!(
            "<div class=\"exec exec-output-only\" data-example=\"{}\">\n{block}\n</div>",
            escape(name),
        ),
        None => String::new(),
    }
}

/// `{{#solution}}`: an example folded away.
pub fn solution(cfg: &Config, name: &str, code: &str, out: Shown<'_>) -> String {
    format!(
        "<details class=\"exec-solution\">\n<summary>{} · {}</summary>\n{}\n</details>",
        escape(&cfg.labels.solution),
        path_span(cfg, name),
        example(cfg, name, code, None, out)
    )
}

/// The caption under Markdown spliced from a program.
pub fn md_caption(cfg: &Config, name: &str) -> String {
    format!(
        "<div class=\"exec-md-caption\"><span class=\"exec-badge\">{badge}</span> {by} \
         <span class=\"exec-cmd\">{cmd}</span></div>",
        badge = escape(&cfg.labels.verified),
        by = fill_html(
            &cfg.labels.generated_by,
            &[("source", &path_span(cfg, name))]
        ),
        cmd = escape(&cfg.run_command(name))
    )
}

/// `{{#figure}}`: an SVG document as an image. A data URI keeps the page
/// self-contained (works from `file://`), and an `<img>` never runs script
/// that an SVG might carry.
pub fn figure(cfg: &Config, name: &str, svg: &str, caption: &str) -> String {
    format!(
        "<figure class=\"exec-figure\" data-example=\"{n}\"><img src=\"data:image/svg+xml;base64,{data}\" alt=\"{c}\">\
         <figcaption>{c} <span class=\"exec-badge\">{badge}</span> <span class=\"exec-cmd\">{cmd}</span></figcaption></figure>",
        n = escape(name),
        data = base64(svg.as_bytes()),
        c = escape(caption),
        badge = escape(&cfg.labels.verified),
        cmd = escape(&cfg.run_command(name)),
    )
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::default()
    }

    fn zh() -> Config {
        let mut c = Config::default();
        c.labels.verified = "✓ 已验证".into();
        c.labels.verified_title = "构建时已运行，输出与 {stdout} 一致".into();
        c.labels.output = "输出".into();
        c
    }

    #[test]
    fn script_in_output_is_inert() {
        let html = output(&cfg(), "x", "</code><script>alert(1)</script>");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn later_preprocessors_see_nothing_to_expand() {
        let e = escape("{{#include /etc/passwd}} costs $5 and `x` \\(y\\)");
        assert!(!e.contains("{{"), "{e}");
        assert!(!e.contains('$'), "{e}");
        assert!(!e.contains('`'), "{e}");
        assert!(!e.contains('\\'), "{e}");
    }

    #[test]
    fn no_blank_line_inside_a_block() {
        let html = example(
            &cfg(),
            "x",
            "fn a() {}\n\n\nfn b() {}",
            None,
            Ok(Some("1\n\n2\n")),
        );
        assert!(!html.split('\n').any(|l| l.trim().is_empty()), "{html}");
        // The browser still sees the blank lines.
        assert!(
            html.contains("fn a() &#123;&#125;\n&#10;\nfn b()"),
            "{html}"
        );
        assert!(html.contains("1\n&#10;2</code>"), "{html}");
    }

    #[test]
    fn labels_and_layout_come_from_the_config() {
        let html = output(&cfg(), "a", "1\n");
        assert!(html.contains(">✓ verified</span>"), "{html}");
        assert!(!html.contains("已验证"), "no Chinese by default: {html}");
        let mut c = cfg();
        c.examples_dir = "demos/ex".into();
        c.output_extension = "out".into();
        c.package = Some("demos".into());
        c.labels.excerpt = "<{anchor}>".into();
        let html = output(&c, "a", "1\n");
        assert!(html.contains("demos/ex/a.out"), "{html}");
        assert!(html.contains("demos/ex/a.rs"), "{html}");
        assert!(html.contains("cargo run -p demos --example a"), "{html}");
        let src = source(&c, "a", "fn main() {}", Some("f"));
        assert!(src.contains("&lt;f&gt;"), "label text escaped: {src}");
    }

    #[test]
    fn nothing_to_show_is_no_output_box() {
        let html = example(&cfg(), "x", "fn main() {}", None, Ok(None));
        assert!(html.contains("exec-source"), "{html}");
        assert!(!html.contains("exec-output"), "{html}");
        assert_eq!(output_only(&cfg(), "x", Ok(None)), "");
        let html = solution(&cfg(), "x", "fn main() {}", Ok(None));
        assert!(
            html.contains("<details") && html.contains("exec-source"),
            "{html}"
        );
        assert!(!html.contains("exec-output"), "{html}");
        // A failure is still shown.
        assert!(output_only(&cfg(), "x", Err("boom")).contains("boom"));
    }

    #[test]
    fn prefix_repeats_on_continuation_lines() {
        assert_eq!(prefix_lines("a\nb\nc", "> "), "a\n> b\n> c");
    }

    #[test]
    fn inline_values() {
        assert_eq!(inline_value("-1.1105"), "-1.1105");
        assert_eq!(inline_value("175.18B (约 1750 亿)"), "175.18B (约 1750 亿)");
        assert_eq!(inline_value("<b>"), "&lt;b&gt;");
        assert_eq!(inline_value("a_b*c"), "a&#95;b&#42;c");
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn output_label_names_example_and_command() {
        let html = output(&zh(), "attention_softmax", "1\n");
        assert!(
            html.contains(
                "<span class=\"exec-badge\" title=\"构建时已运行，输出与 \
                 examples/attention_softmax.stdout 一致\">✓ 已验证</span> \
                 <span class=\"exec-title\">输出</span>"
            ),
            "{html}"
        );
        assert!(html.contains("examples/attention_softmax.rs"), "{html}");
        assert!(
            html.contains("cargo run --example attention_softmax"),
            "{html}"
        );
    }
}
