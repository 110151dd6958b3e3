//! Program output that is spliced as Markdown (`{{#output-md}}`,
//! `{{#render}}`), and the figures inside program output.
//!
//! Markdown from a program is meant for tables and short text. Raw HTML in
//! it is neutralised (shown as text), and a `{{#` in it is refused, because
//! mdBook's `links` preprocessor runs after this one and would expand it.

use pulldown_cmark::{Event, Options, Parser, Tag};

/// Makes program-printed Markdown safe to splice: raw HTML becomes visible
/// text, the rest is kept byte for byte.
pub(crate) fn sanitize(md: &str) -> Result<String, String> {
    if let Some(pos) = md.find("{{#") {
        let line = md[..pos].matches('\n').count() + 1;
        return Err(format!(
            "its Markdown output contains `{{{{#` on line {line}; mdBook would expand it as a \
             directive. Print it inside a code span, or use {{{{#output}}}} instead"
        ));
    }
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM;
    let mut html_ranges = Vec::new();
    for (event, range) in Parser::new_ext(md, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => {
                html_ranges.push(range);
            }
            _ => {}
        }
    }
    let mut out = md.to_owned();
    for r in html_ranges.into_iter().rev() {
        let text = &md[r.clone()];
        let escaped = text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        out.replace_range(r, &escaped);
    }
    Ok(out)
}

/// Program output with its figures taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    /// The text, figure regions removed.
    pub text: String,
    /// `(key, svg)` in order of appearance.
    pub figures: Vec<(String, String)>,
}

/// The marker a program prints before an SVG figure.
pub(crate) const FIGURE_MARKER: &str = "<!-- figure: ";

/// Separates figures from text. A figure is a line `<!-- figure: KEY -->`
/// followed by an SVG document up to the first line containing `</svg>`.
pub(crate) fn split_figures(output: &str) -> Result<Split, String> {
    let mut text = Vec::new();
    let mut figures = Vec::new();
    let mut lines = output.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(rest) = line.trim().strip_prefix(FIGURE_MARKER) else {
            text.push(line);
            continue;
        };
        let key = rest.trim_end_matches("-->").trim();
        if key.is_empty() {
            return Err(format!(
                "line {}: a figure marker needs a key: `<!-- figure: KEY -->`",
                i + 1
            ));
        }
        let mut svg = Vec::new();
        let mut closed = false;
        for (_, l) in lines.by_ref() {
            svg.push(l);
            if l.contains("</svg>") {
                closed = true;
                break;
            }
        }
        if !closed {
            return Err(format!(
                "line {}: figure `{key}` has no closing `</svg>`",
                i + 1
            ));
        }
        if figures.iter().any(|(k, _): &(String, String)| k == key) {
            return Err(format!("line {}: figure key `{key}` is used twice", i + 1));
        }
        figures.push((key.to_owned(), svg.join("\n")));
    }
    Ok(Split {
        text: crate::verify::normalize(&text.join("\n")),
        figures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_pass_through_and_html_is_neutralised() {
        let md = "| a | b |\n| - | - |\n| <b>x</b> | 1 |\n\n<script>alert(1)</script>\n";
        let s = sanitize(md).unwrap();
        assert!(s.starts_with("| a | b |\n| - | - |\n"), "{s}");
        assert!(s.contains("&lt;b&gt;x&lt;/b&gt;"), "{s}");
        assert!(s.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{s}");
        assert!(!s.contains("<script>"), "{s}");
    }

    #[test]
    fn code_spans_keep_their_text() {
        let s = sanitize("use `Vec<T>` here\n").unwrap();
        assert_eq!(s, "use `Vec<T>` here\n");
    }

    #[test]
    fn directives_in_program_markdown_are_refused() {
        let e = sanitize("a\n{{#include /etc/passwd}}\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn figures_are_split_out() {
        let out = "before\n<!-- figure: lr -->\n<svg>\n<g/>\n</svg>\nafter\n";
        let s = split_figures(out).unwrap();
        assert_eq!(s.text, "before\nafter\n");
        assert_eq!(
            s.figures,
            [("lr".to_owned(), "<svg>\n<g/>\n</svg>".to_owned())]
        );
    }

    #[test]
    fn unterminated_figure() {
        let e = split_figures("<!-- figure: x -->\n<svg>\n").unwrap_err();
        assert!(e.contains("no closing"), "{e}");
    }
}
