//! Expanding the directives of one chapter: a pure function from chapter
//! text and resolved example data to new chapter text.
//!
//! Replacements are collected as `(range, text)` and applied from the end,
//! so every byte outside a directive is kept exactly as the author wrote it.
//! Besides the author's directives, the engine may insert [`Anchor`]s of
//! its own (link targets of the notes table); they are plain insertions,
//! never directives.
//! A directive that cannot be expanded is reported and replaced by an
//! error box; it is never left in the page as raw text.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{Config, ValueLines};
use crate::directive::{self, Directive, Kind};
use crate::index::{ExampleRow, Note};
use crate::markdown;
use crate::render;

/// What the expansion knows about one example.
#[derive(Debug, Clone)]
pub struct ExampleView {
    /// Its source text.
    pub source: String,
    /// Its verified output, or why it has none (compile error, mismatch…).
    pub output: Result<String, String>,
}

/// Everything a chapter's expansion may refer to.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// Examples by name.
    pub examples: &'a BTreeMap<String, ExampleView>,
    /// Files shown by `{{#code PATH}}`, keyed by PATH as written: the text
    /// (read in this build) or why it cannot be shown.
    pub code_files: &'a BTreeMap<String, Result<String, String>>,
    /// The book root (templates and data files are relative to it).
    pub book_root: &'a Path,
    /// Rows of the example index.
    pub example_rows: &'a [ExampleRow],
    /// Every note of the notes index, in book order, its title and text
    /// already expanded ([`expand_inline`]): the notes table only lays
    /// them out.
    pub notes: &'a [Note],
    /// The book's configuration (labels, layout, commands).
    pub config: &'a Config,
}

/// What kind of problem stopped a directive from expanding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// It names an example that does not exist (the book pass reports
    /// these itself, once per directive, with the examples on disk).
    UnknownExample,
    /// A `:ANCHOR` its file does not have, or one never closed.
    Anchor,
    /// `{{#code}}`: the file cannot be shown.
    CodeFile,
    /// `{{#value}}`: no line with the key, or more than one.
    Value,
    /// `{{#figure}}`: no such figure in the output.
    Figure,
    /// `{{#output-md}}`: the output is not Markdown that may be spliced.
    Markdown,
    /// `{{#render}}`: the template or its data.
    Template,
}

/// A problem with one directive of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line of the directive.
    pub line: usize,
    /// The example it names, if any.
    pub example: Option<String>,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// A link target the engine inserts into a chapter: `<a id>` at byte
/// `offset` of the chapter text (where a note of the notes table starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Byte offset in the chapter text; never inside a directive.
    pub offset: usize,
    /// The element id.
    pub id: String,
}

/// Expands `directives` (found in `src` by [`directive::find`]) for the
/// chapter at `chapter_path` (relative to `src/`) and inserts `anchors`.
/// Returns the new text and the problems found; each problem's directive is
/// replaced by an error box.
pub fn expand(
    src: &str,
    directives: &[Directive],
    anchors: &[Anchor],
    env: &Env<'_>,
    chapter_path: &Path,
) -> (String, Vec<Diagnostic>) {
    let mut edits: Vec<(std::ops::Range<usize>, String)> =
        Vec::with_capacity(directives.len() + anchors.len());
    let mut errors = Vec::new();
    for a in anchors {
        edits.push((a.offset..a.offset, render::anchor_target(&a.id)));
    }
    for d in directives {
        let (text, error) = expand_one(d, env, chapter_path);
        edits.push((d.range.clone(), text));
        errors.extend(error);
    }
    // Applied from the end. At one offset an anchor sorts before the
    // directive that starts there, so it lands in front of its expansion.
    edits.sort_by_key(|(range, _)| (range.start, !range.is_empty()));
    let mut out = src.to_owned();
    for (range, text) in edits.iter().rev() {
        out.replace_range(range.clone(), text);
    }
    (out, errors)
}

/// Expands the inline directives of a snippet copied from the chapter at
/// `chapter_path` (a note's title or text, for the notes table). Block
/// directives cannot occur inside a paragraph; a problem leaves the error
/// marker in place (the chapter itself reports it).
pub fn expand_inline(md: &str, env: &Env<'_>, chapter_path: &Path) -> String {
    let (directives, _) = directive::find(md);
    let directives: Vec<Directive> = directives
        .into_iter()
        .filter(|d| !d.kind.is_block())
        .collect();
    expand(md, &directives, &[], env, chapter_path).0
}

/// One directive's text on the page (its expansion or an error box) and
/// the problem to report, if the directive itself is at fault.
fn expand_one(d: &Directive, env: &Env<'_>, chapter_path: &Path) -> (String, Option<Diagnostic>) {
    let (replacement, error) = match replacement(d, env, chapter_path) {
        Ok(text) => (text, None),
        Err(problem) => {
            let message = match &problem {
                Problem::Directive(_, m) | Problem::Example(m) => m.as_str(),
            };
            let box_ = if d.kind.is_block() {
                render::error_box(env.config, d.kind.example(), message)
            } else {
                format!(
                    "<span class=\"exec-error\">⚠ {}</span>",
                    render::escape(message)
                )
            };
            // An example's own failure is reported once, by the book pass;
            // here it only shows in the box.
            let error = match problem {
                Problem::Directive(kind, message) => Some(Diagnostic {
                    line: d.line,
                    example: d.kind.example().map(str::to_owned),
                    kind,
                    message,
                }),
                Problem::Example(_) => None,
            };
            (box_, error)
        }
    };
    let text = if d.kind.is_block() {
        wrap_block(&replacement, &d.prefix)
    } else {
        replacement
    };
    (text, error)
}

/// Surrounds a block with blank lines (so it neither joins the paragraph
/// before nor swallows the one after) and repeats the container prefix on
/// every line.
fn wrap_block(block: &str, prefix: &str) -> String {
    let cont = directive::continuation_prefix(prefix);
    let blank = cont.trim_end();
    let body = render::prefix_lines(block, &cont);
    // The directive's line keeps only its prefix, so it becomes the blank
    // line before the block. After a list marker, though, a blank line would
    // leave the item empty: the block starts on the marker's line instead.
    let lead = if cont == prefix {
        format!("\n{cont}")
    } else {
        String::new()
    };
    format!("{lead}{body}\n{blank}")
}

/// Why a directive could not be expanded.
enum Problem {
    /// The directive itself is wrong (bad anchor, missing key…).
    Directive(DiagnosticKind, String),
    /// The example it needs has no verified output.
    Example(String),
}

/// `result`'s error as a problem of `kind`.
fn as_problem<T>(kind: DiagnosticKind, result: Result<T, String>) -> Result<T, Problem> {
    result.map_err(|m| Problem::Directive(kind, m))
}

fn replacement(d: &Directive, env: &Env<'_>, chapter_path: &Path) -> Result<String, Problem> {
    use DiagnosticKind as K;
    let view = |name: &str| -> Result<&ExampleView, Problem> {
        env.examples
            .get(name)
            .ok_or_else(|| Problem::Directive(K::UnknownExample, unknown_example(name, env)))
    };
    let verified =
        |v: &ExampleView| -> Result<String, Problem> { v.output.clone().map_err(Problem::Example) };
    match &d.kind {
        Kind::Example {
            name,
            anchor,
            values,
        } => {
            let v = view(name)?;
            let code = as_problem(K::Anchor, code_of(v, anchor.as_deref()))?;
            let out = shown_output(v, env.config, *values);
            Ok(render::example(
                env.config,
                name,
                &code,
                anchor.as_deref(),
                out.as_ref().map(Option::as_deref).map_err(String::as_str),
            ))
        }
        Kind::Source { name, anchor } => {
            let v = view(name)?;
            let code = as_problem(K::Anchor, code_of(v, anchor.as_deref()))?;
            Ok(render::source_only(
                env.config,
                name,
                &code,
                anchor.as_deref(),
            ))
        }
        Kind::Code { path, anchor } => code_file(env, path, anchor.as_deref()),
        Kind::Output { name, values } => {
            let v = view(name)?;
            let out = shown_output(v, env.config, *values);
            Ok(render::output_only(
                env.config,
                name,
                out.as_ref().map(Option::as_deref).map_err(String::as_str),
            ))
        }
        Kind::Solution { name, values } => {
            let v = view(name)?;
            let code = as_problem(K::Anchor, code_of(v, None))?;
            let out = shown_output(v, env.config, *values);
            Ok(render::solution(
                env.config,
                name,
                &code,
                out.as_ref().map(Option::as_deref).map_err(String::as_str),
            ))
        }
        Kind::OutputMd { name, values } => output_md(env, name, &verified(view(name)?)?, *values),
        Kind::Figure { name, key, caption } => {
            figure(env, name, &verified(view(name)?)?, key.as_deref(), caption)
        }
        Kind::Value { name, key } => value(name, &verified(view(name)?)?, key),
        Kind::Render { template, data } => as_problem(
            K::Template,
            crate::template::render(env.book_root, template, data),
        ),
        // Reported by `directive::find` already; only the marker is needed.
        Kind::Invalid(message) => Err(Problem::Example(message.clone())),
        Kind::ExampleIndex => Ok(crate::index::example_index(
            env.example_rows,
            chapter_path,
            &env.config.labels,
        )),
        Kind::NotesIndex => Ok(crate::index::notes_index(
            env.notes,
            chapter_path,
            &env.config.notes_index,
        )),
    }
}

/// `{{#code PATH[:ANCHOR]}}`: a workspace file read in this build.
fn code_file(env: &Env<'_>, path: &str, anchor: Option<&str>) -> Result<String, Problem> {
    use DiagnosticKind as K;
    let read = env
        .code_files
        .get(path)
        .ok_or_else(|| format!("`{path}` was not read (no workspace to read it from)"))
        .and_then(|r| {
            r.as_ref()
                .map_err(|why| format!("{{{{#code {path}}}}}: {why}"))
        });
    let text = as_problem(K::CodeFile, read)?;
    let code = match anchor {
        None => crate::anchor::whole(text),
        Some(a) => as_problem(
            K::Anchor,
            crate::anchor::region(text, a).map_err(|e| format!("{path}: {e}")),
        )?,
    };
    Ok(render::code_file(env.config, path, &code, anchor))
}

/// `{{#output-md NAME}}`: the verified output spliced as Markdown.
fn output_md(env: &Env<'_>, name: &str, out: &str, values: bool) -> Result<String, Problem> {
    use DiagnosticKind as K;
    let mut text = as_problem(K::Markdown, markdown::split_figures(out))?.text;
    if env.config.value_lines == ValueLines::Hide && !values {
        text = without_value_lines(&text);
    }
    let md = as_problem(
        K::Markdown,
        markdown::sanitize(text.trim_end()).map_err(|e| format!("example `{name}`: {e}")),
    )?;
    Ok(format!("{md}\n\n{}", render::md_caption(env.config, name)))
}

/// `{{#figure NAME[:KEY] …}}`: one SVG figure of the verified output.
fn figure(
    env: &Env<'_>,
    name: &str,
    out: &str,
    key: Option<&str>,
    caption: &str,
) -> Result<String, Problem> {
    let split = as_problem(
        DiagnosticKind::Figure,
        markdown::split_figures(out).map_err(|e| format!("example `{name}`: {e}")),
    )?;
    let svg = match key {
        Some(k) => split.figures.iter().find(|(fk, _)| fk == k).map(|(_, s)| s),
        None if split.figures.len() == 1 => Some(&split.figures[0].1),
        None => None,
    };
    let Some(svg) = svg else {
        let keys: Vec<String> = split
            .figures
            .iter()
            .map(|(k, _)| format!("`{k}`"))
            .collect();
        return Err(Problem::Directive(
            DiagnosticKind::Figure,
            match (key, keys.len()) {
                (_, 0) => format!(
                    "example `{name}` prints no figure (a figure is a line `<!-- figure: KEY -->` \
                     followed by an SVG document)"
                ),
                (Some(k), _) => format!(
                    "example `{name}` prints no figure `{k}`; it has {}",
                    keys.join(", ")
                ),
                (None, _) => format!(
                    "example `{name}` prints {} figures; name one: `{{{{#figure {name}:KEY …}}}}` with KEY one of {}",
                    keys.len(),
                    keys.join(", ")
                ),
            },
        ));
    };
    Ok(render::figure(env.config, name, svg, caption))
}

/// `{{#value NAME:KEY}}`: the value of the one line `KEY = …` of the
/// verified output.
fn value(name: &str, out: &str, key: &str) -> Result<String, Problem> {
    let mut hits = out
        .lines()
        .filter_map(directive::value_line)
        .filter(|(k, _)| *k == key)
        .map(|(_, value)| value);
    let Some(value) = hits.next() else {
        let keys: Vec<&str> = out
            .lines()
            .filter_map(directive::value_line)
            .map(|(k, _)| k)
            .collect();
        let hint = directive::closest(key, keys.iter().copied())
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        return Err(Problem::Directive(
            DiagnosticKind::Value,
            format!(
                "example `{name}` prints no line `{key} = …`{hint}; print a line that \
                 starts with `{key} = `"
            ),
        ));
    };
    if hits.next().is_some() {
        return Err(Problem::Directive(
            DiagnosticKind::Value,
            format!("example `{name}` prints `{key} = …` more than once; keys must be unique"),
        ));
    }
    Ok(render::inline_value(value.trim()))
}

/// The output an output block shows: the verified output without its
/// figures, and without its value lines when the book hides them and the
/// directive did not ask for them (`values`).
/// `None` when hiding the value lines leaves nothing but blank lines (of an
/// output that had something): the page then shows no output box at all.
fn shown_output(v: &ExampleView, config: &Config, values: bool) -> Result<Option<String>, String> {
    let text = markdown::split_figures(v.output.as_ref().map_err(String::clone)?)?.text;
    Ok(match config.value_lines {
        ValueLines::Hide if !values => {
            let shown = without_value_lines(&text);
            (text.trim().is_empty() || !shown.trim().is_empty()).then_some(shown)
        }
        ValueLines::Hide | ValueLines::Show => Some(text),
    })
}

/// `text` without its value lines ([`directive::value_line`]). A blank line
/// that removing them leaves at the start, at the end or next to another
/// blank line goes too, so that no gap marks where they were; the author's
/// own blank lines elsewhere stay.
pub fn without_value_lines(text: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut removed = false;
    for line in text.lines() {
        if directive::value_line(line).is_some() {
            removed = true;
            continue;
        }
        let blank = line.trim().is_empty();
        if blank && removed && kept.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        if !blank {
            removed = false;
        }
        kept.push(line);
    }
    if removed {
        while kept.last().is_some_and(|l| l.trim().is_empty()) {
            kept.pop();
        }
    }
    let mut out = kept.join("\n");
    if !out.is_empty() && text.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn code_of(v: &ExampleView, anchor: Option<&str>) -> Result<String, String> {
    match anchor {
        None => Ok(crate::anchor::whole(&v.source)),
        Some(a) => crate::anchor::region(&v.source, a).map_err(|e| e.to_string()),
    }
}

/// The message for a directive naming an example that does not exist.
pub fn unknown_example(name: &str, env: &Env<'_>) -> String {
    let hint = directive::closest(name, env.examples.keys().map(String::as_str))
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    format!(
        "unknown example `{name}`{hint}: there is no {}; create it, or fix the name",
        render::source_path(env.config, name)
    )
}

#[cfg(test)]
mod tests;
