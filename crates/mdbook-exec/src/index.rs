//! Generated appendices: `{{#example-index}}` and `{{#notes-index}}`.
//!
//! Both are built from the whole book, so they cannot go stale: the example
//! index lists every example with the chapters that use it, and the notes
//! index lists every note of one kind: an alert block (`> [!CAUTION]` by
//! default) whose first bold text starts with a configured prefix (see
//! [`NotesIndex`]; this book lists its 勘误 notes that way). Headings and
//! words come from [`Labels`] and [`NotesIndex`].

use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::labels::{Labels, NotesIndex, fill};

/// A chapter, as the indexes refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterRef {
    /// Its title.
    pub name: String,
    /// Its path relative to `src/`, as links use it (`README.md` already
    /// mapped to `index.md`).
    pub path: PathBuf,
}

/// One row of the example index.
#[derive(Debug, Clone)]
pub struct ExampleRow {
    /// Example name.
    pub name: String,
    /// First `//!` line.
    pub summary: Option<String>,
    /// Chapters using it, in book order, without repeats.
    pub used_by: Vec<ChapterRef>,
}

/// One note of the notes index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where it is.
    pub chapter: ChapterRef,
    /// The section heading above it, as plain text, if any.
    pub section: Option<String>,
    /// The id of the anchor the engine inserts at the note (`PREFIX-N`, N
    /// counting the notes of the book from 1).
    pub id: String,
    /// Byte offset in the chapter source where the anchor goes: the start of
    /// the note's bold title.
    pub offset: usize,
    /// Its title: the bold text, without the prefix.
    pub title: String,
    /// The rest of its first paragraph, as plain text.
    pub body: String,
}

/// A link from the page at `from` to the page at `to` (both relative to
/// `src/`), e.g. `../part1/math.md`.
pub(crate) fn relative_link(from: &Path, to: &Path) -> String {
    let from_dir: Vec<Component<'_>> = from
        .parent()
        .map(|p| p.components().collect())
        .unwrap_or_default();
    let to_parts: Vec<Component<'_>> = to.components().collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from_dir.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn md_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

/// Markdown kept as Markdown inside a table cell: only `|` must be escaped
/// (GFM splits cells before it parses code spans).
fn table_cell(md: &str) -> String {
    md.replace('|', "\\|").replace('\n', " ")
}

fn link_target(path: &Path) -> String {
    // Percent-encode what a Markdown link destination cannot hold.
    path.to_string_lossy()
        .replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

/// The example index as a Markdown table, links relative to `from`.
pub(crate) fn example_index(rows: &[ExampleRow], from: &Path, labels: &Labels) -> String {
    let mut out = header(&labels.example_index_columns);
    for row in rows {
        let chapters: Vec<String> = row
            .used_by
            .iter()
            .map(|c| {
                format!(
                    "[{}]({})",
                    md_cell(&c.name).replace('[', "\\[").replace(']', "\\]"),
                    link_target(Path::new(&relative_link(from, &c.path)))
                )
            })
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            row.name,
            row.summary
                .as_deref()
                .map(md_cell)
                .unwrap_or_else(|| "—".to_owned()),
            if chapters.is_empty() {
                "—".to_owned()
            } else {
                chapters.join(&labels.list_separator)
            }
        ));
    }
    let total = fill(
        &labels.example_index_total,
        &[("count", &rows.len().to_string())],
    );
    out.push_str(&format!("\n{}\n", md_cell(&total)));
    out
}

fn header(columns: &[String; 3]) -> String {
    let [a, b, c] = columns.each_ref().map(|c| md_cell(c));
    format!("| {a} | {b} | {c} |\n| :--- | :--- | :--- |\n")
}

/// The notes index as a Markdown table, links relative to `from`. Each
/// note's title and text are Markdown from its chapter, their inline
/// directives (`{{#value}}`) already expanded by the caller.
pub(crate) fn notes_index(notes: &[Note], from: &Path, kind: &NotesIndex) -> String {
    let mut out = header(&kind.columns);
    for e in notes {
        let target = format!(
            "{}#{}",
            link_target(Path::new(&relative_link(from, &e.chapter.path))),
            e.id
        );
        let place = match &e.section {
            Some(section) if *section != e.chapter.name => {
                format!("{} › {section}", e.chapter.name)
            }
            _ => e.chapter.name.clone(),
        };
        out.push_str(&format!(
            "| [{}]({}) | {} | {} |\n",
            md_cell(&place).replace('[', "\\[").replace(']', "\\]"),
            target,
            table_cell(&e.title),
            table_cell(&rebase_links(&e.body, &e.chapter.path, from))
        ));
    }
    let total = fill(&kind.total, &[("count", &notes.len().to_string())]);
    out.push_str(&format!("\n{}\n", md_cell(&total)));
    out
}

/// Finds the notes of one chapter: alert blocks of `kind.block` whose first
/// bold text starts with `kind.title_prefix`. Their anchors are numbered
/// from `first`, so that numbering across the book keeps ids unique on the
/// print page, where every chapter is on one page.
pub(crate) fn find_notes(
    src: &str,
    chapter: &ChapterRef,
    first: usize,
    kind: &NotesIndex,
) -> Vec<Note> {
    let opts = Options::ENABLE_GFM | Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES;
    // KaTeX replaces `$$…$$` before mdBook parses the page, so the structure
    // is read with display maths blanked out (a line `=` inside a formula is
    // not a heading underline); offsets still index `src`.
    let masked = mask_display_maths(src);
    let mut out = Vec::new();
    let mut section: Option<String> = None;
    let mut heading: Option<String> = None;
    let mut note: Option<NoteState> = None;
    for (event, range) in Parser::new_ext(&masked, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                section = heading.take().map(|h| h.trim().to_owned());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                }
            }
            Event::Start(Tag::BlockQuote(quote)) => match &mut note {
                Some(n) => n.depth += 1,
                None if quote == Some(kind.block.to_cmark()) => note = Some(NoteState::default()),
                None => {}
            },
            Event::End(TagEnd::BlockQuote(_)) => {
                if let Some(n) = &mut note {
                    if n.depth > 0 {
                        n.depth -= 1;
                    } else {
                        let n = note.take().expect("checked");
                        if let Some(e) = n.finish(src, chapter, &section, first + out.len(), kind) {
                            out.push(e);
                        }
                    }
                }
            }
            Event::Start(Tag::Paragraph) => {
                if let Some(n) = &mut note
                    && n.paragraph.is_none()
                {
                    n.paragraph = Some(range);
                }
            }
            Event::Start(Tag::Strong) => {
                if let Some(n) = &mut note
                    && n.strong.is_none()
                    && n.paragraph
                        .as_ref()
                        .is_some_and(|p| p.contains(&range.start))
                {
                    n.strong = Some(range);
                }
            }
            _ => {}
        }
    }
    out
}

/// `src` with every `$$…$$` region outside fenced code blocks replaced by
/// spaces (line breaks and each line's `>`/indentation prefix kept), so that
/// byte offsets are unchanged.
fn mask_display_maths(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut in_maths = false;
    let mut fence: Option<&str> = None;
    for line in src.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '\t', '>']);
        let prefix = &line[..line.len() - body.len()];
        if !in_maths {
            if let Some(f) = fence {
                if body.trim_start().starts_with(f) {
                    fence = None;
                }
                out.push_str(line);
                continue;
            }
            if body.starts_with("```") || body.starts_with("~~~") {
                fence = Some(&body[..3]);
                out.push_str(line);
                continue;
            }
        }
        let toggles = body.matches("$$").count();
        if in_maths || toggles > 0 {
            out.push_str(prefix);
            for c in body.chars() {
                if c == '\n' {
                    out.push('\n');
                } else {
                    // As many spaces as the character has bytes.
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
            if toggles % 2 == 1 {
                in_maths = !in_maths;
            }
            continue;
        }
        out.push_str(line);
    }
    out
}

#[derive(Default)]
struct NoteState {
    depth: usize,
    /// The note's first paragraph.
    paragraph: Option<std::ops::Range<usize>>,
    /// Its first bold text, delimiters included.
    strong: Option<std::ops::Range<usize>>,
}

impl NoteState {
    fn finish(
        self,
        src: &str,
        chapter: &ChapterRef,
        section: &Option<String>,
        n: usize,
        kind: &NotesIndex,
    ) -> Option<Note> {
        let (strong, paragraph) = (self.strong?, self.paragraph?);
        let inner = src[strong.clone()]
            .trim_start_matches(['*', '_'])
            .trim_end_matches(['*', '_']);
        let title = inner.trim().strip_prefix(kind.title_prefix.as_str())?;
        let title = title
            .trim_start_matches([':', '\u{ff1a}', ' ', '\u{3000}'])
            .trim()
            .trim_end_matches(['。', '.']);
        Some(Note {
            chapter: chapter.clone(),
            section: section.clone(),
            id: format!("{}-{n}", kind.id_prefix),
            offset: strong.start,
            title: title.to_owned(),
            body: one_line(&src[strong.end..paragraph.end]),
        })
    }
}

/// A paragraph's source on one line: the container prefixes of its
/// continuation lines (`>` of the block quote, indentation) removed.
fn one_line(md: &str) -> String {
    md.lines()
        .map(|l| l.trim_start_matches([' ', '\t', '>']).trim_end())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rewrites the relative link targets of `md`, written for the page at
/// `chapter`, so that they work from the page at `from`.
pub(crate) fn rebase_links(md: &str, chapter: &Path, from: &Path) -> String {
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(md, Options::empty()).into_offset_iter() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let dest = dest_url.to_string();
        if dest.contains("://") || dest.starts_with('/') || dest.starts_with("mailto:") {
            continue;
        }
        let text = &md[range.clone()];
        // Inline links end with `](dest)`; reference links are left alone.
        let Some(open) = text.rfind("](") else {
            continue;
        };
        if !text.ends_with(')') {
            continue;
        }
        let new = if let Some(anchor) = dest.strip_prefix('#') {
            format!("{}#{anchor}", relative_link(from, chapter))
        } else {
            let (path, anchor) = match dest.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (dest.as_str(), None),
            };
            let target = normalize(&chapter.parent().unwrap_or(Path::new("")).join(path));
            let mut link = relative_link(from, &target);
            if let Some(a) = anchor {
                link.push('#');
                link.push_str(a);
            }
            link
        };
        edits.push((range.start + open + 2..range.end - 1, new));
    }
    let mut out = md.to_owned();
    for (r, new) in edits.into_iter().rev() {
        out.replace_range(r, &new);
    }
    out
}

/// Resolves `.` and `..` in a relative path without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notes index as this book configures it.
    fn errata() -> NotesIndex {
        NotesIndex {
            title_prefix: "勘误".into(),
            id_prefix: "errata".into(),
            columns: ["位置".into(), "勘误".into(), "说明".into()],
            total: "共 {count} 处勘误。".into(),
            ..NotesIndex::default()
        }
    }

    fn find_errata(src: &str, chapter: &ChapterRef, first: usize) -> Vec<Note> {
        find_notes(src, chapter, first, &errata())
    }

    fn errata_index(notes: &[Note], from: &Path) -> String {
        notes_index(notes, from, &errata())
    }

    fn ch(path: &str) -> ChapterRef {
        ChapterRef {
            name: "注意力".into(),
            path: path.into(),
        }
    }

    #[test]
    fn relative_links() {
        assert_eq!(
            relative_link(
                Path::new("appendix/examples.md"),
                Path::new("part1/math/matrix.md")
            ),
            "../part1/math/matrix.md"
        );
        assert_eq!(relative_link(Path::new("a.md"), Path::new("b.md")), "b.md");
        assert_eq!(
            relative_link(Path::new("x/a.md"), Path::new("x/y/b.md")),
            "y/b.md"
        );
    }

    #[test]
    fn errata_are_found_with_their_heading() {
        let src = "# 注意力\n\n## 数值稳定的 Softmax\n\n> [!CAUTION]\n> **勘误:朴素 softmax 会溢出。** 分数大于 709.78 时\n> `exp` 得到 inf。\n>\n> 第二段不算。\n\n> [!NOTE]\n> **勘误:不是 caution,不算**\n\n> [!CAUTION]\n> **注意**:没有勘误前缀,不算\n";
        let e = find_errata(src, &ch("part2/attention.md"), 1);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].title, "朴素 softmax 会溢出");
        assert_eq!(e[0].section.as_deref(), Some("数值稳定的 Softmax"));
        assert_eq!(e[0].id, "errata-1");
        assert!(
            src[e[0].offset..].starts_with("**勘误"),
            "the anchor goes at the title"
        );
        assert_eq!(e[0].body, "分数大于 709.78 时 `exp` 得到 inf。");
        let md = errata_index(&e, Path::new("appendix/errata.md"));
        assert!(
            md.contains("[注意力 › 数值稳定的 Softmax](../part2/attention.md#errata-1)"),
            "{md}"
        );
        assert!(md.contains("共 1 处勘误"), "{md}");
    }

    #[test]
    fn note_text_keeps_markdown_and_its_links_are_rebased() {
        let src = "> [!CAUTION]\n> **勘误:`K.T` 不对。** 见[多头](multi-head.md#形状)与[上文](#softmax),\n> 值为 {{#value a:b}}|$x^\\top$。\n";
        let mut e = find_errata(src, &ch("part2/transformer/attention.md"), 1);
        assert_eq!(e[0].title, "`K.T` 不对");
        assert!(e[0].body.contains("{{#value a:b}}"), "found raw: {e:?}");
        // The caller expands a note's inline directives before the table.
        e[0].body = e[0].body.replace("{{#value a:b}}", "42");
        let md = errata_index(&e, Path::new("appendix/errata.md"));
        assert!(md.contains("| `K.T` 不对 |"), "{md}");
        assert!(
            md.contains("[多头](../part2/transformer/multi-head.md#形状)"),
            "{md}"
        );
        assert!(
            md.contains("[上文](../part2/transformer/attention.md#softmax)"),
            "{md}"
        );
        assert!(md.contains("值为 42\\|$x^\\top$。"), "{md}");
    }

    #[test]
    fn masking_keeps_offsets() {
        let src = "前言\n\n> $$\n> α = β\n> $$\n\n```\n$$ in code\n```\n$$x$$ 后\n";
        let m = mask_display_maths(src);
        assert_eq!(m.len(), src.len(), "byte offsets unchanged");
        assert_eq!(
            m, "前言\n\n>   \n>        \n>   \n\n```\n$$ in code\n```\n         \n",
            "maths blanked, block-quote markers and code kept"
        );
    }

    #[test]
    fn a_display_formula_is_not_a_heading() {
        let src = "## 平移\n\n$$\na\n=\nb\n$$\n\n> [!CAUTION]\n> **勘误:x**\n";
        let e = find_errata(src, &ch("a.md"), 1);
        assert_eq!(e[0].section.as_deref(), Some("平移"));
    }

    #[test]
    fn notes_are_numbered_across_the_book() {
        let src = "> [!CAUTION]\n> **勘误:a**\n\n- item\n\n  > [!CAUTION]\n  > **勘误:b**\n";
        let e = find_errata(src, &ch("a.md"), 1);
        let ids: Vec<&str> = e.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["errata-1", "errata-2"]);
        let next = find_errata(src, &ch("b.md"), 3);
        assert_eq!(
            next[0].id, "errata-3",
            "numbering continues across chapters"
        );
    }

    #[test]
    fn example_index_table() {
        let rows = [ExampleRow {
            name: "a_b".into(),
            summary: Some("两个 | 分隔".into()),
            used_by: vec![ch("part1/m.md"), ch("part2/n.md")],
        }];
        let labels = Labels {
            list_separator: "、".into(),
            ..Labels::default()
        };
        let md = example_index(&rows, Path::new("appendix/examples.md"), &labels);
        assert!(
            md.contains(
                "| `a_b` | 两个 \\| 分隔 | [注意力](../part1/m.md)、[注意力](../part2/n.md) |"
            ),
            "{md}"
        );
        assert!(
            md.starts_with("| Example | Description | Used in |"),
            "{md}"
        );
        assert!(md.ends_with("\n1 examples.\n"), "{md}");
    }

    #[test]
    fn the_kind_of_note_is_configured() {
        let src = "> [!WARNING]\n> **Pitfall: x overflows.** Use y.\n\n> [!CAUTION]\n> **Pitfall: not this kind**\n";
        let kind = NotesIndex {
            block: crate::labels::AlertKind::Warning,
            title_prefix: "Pitfall".into(),
            ..NotesIndex::default()
        };
        let n = find_notes(src, &ch("a.md"), 1, &kind);
        assert_eq!(n.len(), 1, "{n:?}");
        assert_eq!(n[0].title, "x overflows");
        assert_eq!(n[0].id, "note-1");
        let md = notes_index(&n, Path::new("b.md"), &kind);
        assert!(md.starts_with("| Where | Note | Details |"), "{md}");
        assert!(
            md.contains("[注意力](a.md#note-1) | x overflows | Use y. |"),
            "{md}"
        );
        assert!(md.ends_with("\n1 notes.\n"), "{md}");
        assert!(
            find_errata(src, &ch("a.md"), 1).is_empty(),
            "勘误 is not a default"
        );
    }
}
