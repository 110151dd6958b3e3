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

/// The command that reproduces an example's output locally.
pub fn run_command(name: &str) -> String {
    format!("cargo run --example {name}")
}

/// The source block of an example.
pub fn source(name: &str, code: &str, anchor: Option<&str>) -> String {
    source_block(&format!("examples/{name}.rs"), code, anchor)
}

/// A source block labelled with `path` (and the anchor, if any).
fn source_block(path: &str, code: &str, anchor: Option<&str>) -> String {
    let mut out = String::new();
    let label = match anchor {
        Some(a) => format!(
            "<span class=\"exec-path\">{}</span> <span class=\"exec-anchor\">片段 {}</span>",
            escape(path),
            escape(a)
        ),
        None => format!("<span class=\"exec-path\">{}</span>", escape(path)),
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
pub fn code_file(path: &str, code: &str, anchor: Option<&str>) -> String {
    format!(
        "<div class=\"exec exec-source-only exec-code\" data-file=\"{}\">\n{}\n</div>",
        escape(path),
        source_block(path, code, anchor)
    )
}

/// The labelled, verified output block.
pub fn output(name: &str, text: &str) -> String {
    format!(
        "<div class=\"exec-output\">\n\
         <div class=\"exec-label\"><span class=\"exec-badge\" title=\"构建时已运行，输出与 examples/{n}.stdout 一致\">✓ 已验证</span> \
         <span class=\"exec-title\">输出</span> <span class=\"exec-path\">examples/{n}.rs</span> \
         <span class=\"exec-cmd\">{cmd}</span></div>\n\
         <pre class=\"exec-output-body\"><code class=\"language-text\">{body}</code></pre>\n\
         </div>",
        n = escape(name),
        cmd = escape(&run_command(name)),
        body = escape_pre(text),
    )
}

/// An error box in place of a block (drafting mode only).
pub fn error_box(name: Option<&str>, message: &str) -> String {
    let title = match name {
        Some(n) => format!(
            "示例 <span class=\"exec-path\">{}</span> 未通过验证",
            escape(n)
        ),
        None => "此处的指令无法展开".to_owned(),
    };
    format!(
        "<div class=\"exec-error\" role=\"alert\">\n<p><strong>✗ {title}</strong>（草稿模式：on-failure = \"render\"）</p>\n\
         <pre><code class=\"language-text\">{}</code></pre>\n</div>",
        escape_pre(message)
    )
}

/// `{{#example}}`: source, then output (or an error box).
pub fn example(name: &str, code: &str, anchor: Option<&str>, out: Result<&str, &str>) -> String {
    format!(
        "<div class=\"exec exec-example\" data-example=\"{}\">\n{}\n{}\n</div>",
        escape(name),
        source(name, code, anchor),
        match out {
            Ok(text) => output(name, text),
            Err(msg) => error_box(Some(name), msg),
        }
    )
}

/// `{{#source}}`.
pub fn source_only(name: &str, code: &str, anchor: Option<&str>) -> String {
    format!(
        "<div class=\"exec exec-source-only\" data-example=\"{}\">\n{}\n</div>",
        escape(name),
        source(name, code, anchor)
    )
}

/// `{{#output}}`.
pub fn output_only(name: &str, out: Result<&str, &str>) -> String {
    format!(
        "<div class=\"exec exec-output-only\" data-example=\"{}\">\n{}\n</div>",
        escape(name),
        match out {
            Ok(text) => output(name, text),
            Err(msg) => error_box(Some(name), msg),
        }
    )
}

/// `{{#solution}}`: an example folded away.
pub fn solution(name: &str, code: &str, out: Result<&str, &str>) -> String {
    format!(
        "<details class=\"exec-solution\">\n<summary>参考答案 · <span class=\"exec-path\">examples/{}.rs</span></summary>\n{}\n</details>",
        escape(name),
        example(name, code, None, out)
    )
}

/// The caption under Markdown spliced from a program.
pub fn md_caption(name: &str) -> String {
    format!(
        "<div class=\"exec-md-caption\"><span class=\"exec-badge\">✓ 已验证</span> 由 \
         <span class=\"exec-path\">examples/{n}.rs</span> 生成 <span class=\"exec-cmd\">{cmd}</span></div>",
        n = escape(name),
        cmd = escape(&run_command(name))
    )
}

/// `{{#figure}}`: an SVG document as an image. A data URI keeps the page
/// self-contained (works from `file://`), and an `<img>` never runs script
/// that an SVG might carry.
pub fn figure(name: &str, svg: &str, caption: &str) -> String {
    format!(
        "<figure class=\"exec-figure\" data-example=\"{n}\"><img src=\"data:image/svg+xml;base64,{data}\" alt=\"{c}\">\
         <figcaption>{c} <span class=\"exec-badge\">✓ 已验证</span> <span class=\"exec-cmd\">{cmd}</span></figcaption></figure>",
        n = escape(name),
        data = base64(svg.as_bytes()),
        c = escape(caption),
        cmd = escape(&run_command(name)),
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

    #[test]
    fn script_in_output_is_inert() {
        let html = output("x", "</code><script>alert(1)</script>");
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
        let html = example("x", "fn a() {}\n\n\nfn b() {}", None, Ok("1\n\n2\n"));
        assert!(!html.split('\n').any(|l| l.trim().is_empty()), "{html}");
        // The browser still sees the blank lines.
        assert!(
            html.contains("fn a() &#123;&#125;\n&#10;\nfn b()"),
            "{html}"
        );
        assert!(html.contains("1\n&#10;2</code>"), "{html}");
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
        let html = output("attention_softmax", "1\n");
        assert!(html.contains("✓ 已验证"));
        assert!(html.contains("examples/attention_softmax.rs"), "{html}");
        assert!(
            html.contains("cargo run --example attention_softmax"),
            "{html}"
        );
    }
}
