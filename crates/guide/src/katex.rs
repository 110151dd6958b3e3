//! KaTeX, through the mdbook-katex library, with its output made safe for
//! the Markdown parser that reads it next.
//!
//! mdbook-katex replaces each `$…$` with KaTeX's HTML, and mdBook then
//! parses the chapter as Markdown, *including the text between those HTML
//! tags*. KaTeX's text holds characters Markdown reads as markup: `\tilde y`
//! renders its accent as a literal `~`, so two of them in one formula become
//! a strikethrough that cuts across `<span>`s (mdBook then warns about
//! unbalanced tags and the formula falls apart); the TeX source kept in the
//! MathML `<annotation>` holds `\`, `_` and `*`, which Markdown escapes and
//! emphasis would eat. [`protect`] writes those characters as numeric
//! entities inside every KaTeX span, which the browser shows unchanged.
//!
//! [`Katex`] is registered under mdbook-katex's name, so it replaces
//! `[preprocessor.katex]` in the front end, and `guide katex` runs it for a
//! plain `mdbook build`.

use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// mdbook-katex's preprocessor followed by [`protect`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Katex;

impl Preprocessor for Katex {
    fn name(&self) -> &str {
        "katex"
    }

    fn run(&self, ctx: &PreprocessorContext, book: Book) -> Result<Book> {
        let mut book = mdbook_katex::preprocess::KatexProcessor.run(ctx, book)?;
        book.for_each_chapter_mut(|ch| ch.content = protect(&ch.content));
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        mdbook_katex::preprocess::KatexProcessor.supports_renderer(renderer)
    }
}

/// Characters of KaTeX's text that Markdown would read as markup.
fn entity(c: char) -> Option<&'static str> {
    Some(match c {
        '~' => "&#126;",
        '*' => "&#42;",
        '_' => "&#95;",
        '\\' => "&#92;",
        '`' => "&#96;",
        '[' => "&#91;",
        ']' => "&#93;",
        '$' => "&#36;",
        _ => return None,
    })
}

const OPEN: &str = "<span class=\"katex";

/// Rewrites the text (never the tags) inside every `<span class="katex…">`
/// element of `content` so that no character in it is Markdown markup.
pub fn protect(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let region = &rest[start..];
        let end = element_end(region).unwrap_or(region.len());
        escape_text(&region[..end], &mut out);
        rest = &region[end..];
    }
    out.push_str(rest);
    out
}

/// The byte length of the `<span …>…</span>` element `s` starts with,
/// counting nested spans.
fn element_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < s.len() {
        let tail = &s[i..];
        if tail.starts_with("<span") {
            depth += 1;
        } else if tail.starts_with("</span>") {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i + "</span>".len());
            }
        }
        i += tail.chars().next().map_or(1, char::len_utf8);
    }
    None
}

fn escape_text(html: &str, out: &mut String) {
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
        match entity(c) {
            Some(e) if !in_tag => out.push_str(e),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_tags_are_not() {
        let html = r#"a ~b~ <span class="katex"><span class="accent_body">~</span>y<annotation>\tilde y_1 * x</annotation></span> c_d"#;
        let out = protect(html);
        assert_eq!(
            out,
            r#"a ~b~ <span class="katex"><span class="accent_body">&#126;</span>y<annotation>&#92;tilde y&#95;1 &#42; x</annotation></span> c_d"#
        );
    }

    #[test]
    fn nested_display_spans_end_at_their_close() {
        let html =
            "<span class=\"katex-display\"><span class=\"katex\"><span>~</span></span></span>~";
        assert_eq!(
            protect(html),
            "<span class=\"katex-display\"><span class=\"katex\"><span>&#126;</span></span></span>~"
        );
    }

    #[test]
    fn two_tildes_no_longer_make_a_strikethrough() {
        let md = "<span class=\"katex\"><span>~</span>x<span>~</span></span>";
        let mut html = String::new();
        let opts = pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(&protect(md), opts),
        );
        assert!(!html.contains("<del>"), "{html}");
        let mut raw = String::new();
        pulldown_cmark::html::push_html(&mut raw, pulldown_cmark::Parser::new_ext(md, opts));
        assert!(
            raw.contains("<del>"),
            "the unprotected form is the bug: {raw}"
        );
    }

    #[test]
    fn unterminated_span_is_escaped_to_the_end() {
        assert_eq!(
            protect("<span class=\"katex\">a_b"),
            "<span class=\"katex\">a&#95;b"
        );
    }
}
