//! Expanding the directives of one chapter: a pure function from chapter
//! text and resolved example data to new chapter text.
//!
//! Replacements are collected as `(range, text)` and applied from the end,
//! so every byte outside a directive is kept exactly as the author wrote it.
//! A directive that cannot be expanded is reported and replaced by an
//! error box; it is never left in the page as raw text.

use std::collections::BTreeMap;
use std::path::Path;

use crate::directive::{self, Directive, Kind, ParseError};
use crate::index::{Erratum, ExampleRow};
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
    /// Every 勘误 note of the book.
    pub errata: &'a [Erratum],
}

/// Expands `directives` (found in `src` by [`directive::find`]) for the
/// chapter at `chapter_path` (relative to `src/`). Returns the new text and
/// the problems found; each problem's directive is replaced by an error box.
pub fn expand(
    src: &str,
    directives: &[Directive],
    env: &Env<'_>,
    chapter_path: &Path,
) -> (String, Vec<ParseError>) {
    let mut out = src.to_owned();
    let mut errors = Vec::new();
    for d in directives.iter().rev() {
        let replacement = match replacement(d, env, chapter_path) {
            Ok(text) => text,
            Err(problem) => {
                let message = match &problem {
                    Problem::Directive(m) | Problem::Example(m) => m.as_str(),
                };
                let box_ = if d.kind.is_block() {
                    render::error_box(d.kind.example(), message)
                } else {
                    format!(
                        "<span class=\"exec-error\">⚠ {}</span>",
                        render::escape(message)
                    )
                };
                // An example's own failure is reported once, by the book
                // pass; here it only shows in the box.
                if let Problem::Directive(message) = problem {
                    errors.push(ParseError {
                        line: d.line,
                        message,
                    });
                }
                box_
            }
        };
        let text = if d.kind.is_block() {
            wrap_block(&replacement, &d.prefix)
        } else {
            replacement
        };
        out.replace_range(d.range.clone(), &text);
    }
    errors.reverse();
    (out, errors)
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
    Directive(String),
    /// The example it needs has no verified output.
    Example(String),
}

impl From<String> for Problem {
    fn from(m: String) -> Self {
        Problem::Directive(m)
    }
}

fn replacement(d: &Directive, env: &Env<'_>, chapter_path: &Path) -> Result<String, Problem> {
    let view = |name: &str| -> Result<&ExampleView, String> {
        env.examples
            .get(name)
            .ok_or_else(|| unknown_example(name, env))
    };
    let verified =
        |v: &ExampleView| -> Result<String, Problem> { v.output.clone().map_err(Problem::Example) };
    match &d.kind {
        Kind::Example { name, anchor } => {
            let v = view(name)?;
            let code = code_of(v, anchor.as_deref())?;
            let out = v
                .output
                .clone()
                .and_then(|o| Ok(markdown::split_figures(&o)?.text));
            Ok(render::example(
                name,
                &code,
                anchor.as_deref(),
                out.as_deref().map_err(String::as_str),
            ))
        }
        Kind::Source { name, anchor } => {
            let v = view(name)?;
            let code = code_of(v, anchor.as_deref())?;
            Ok(render::source_only(name, &code, anchor.as_deref()))
        }
        Kind::Code { path, anchor } => {
            let text = env
                .code_files
                .get(path)
                .ok_or_else(|| format!("`{path}` was not read (no workspace to read it from)"))?
                .as_ref()
                .map_err(|why| format!("{{{{#code {path}}}}}: {why}"))?;
            let code = match anchor {
                None => crate::anchor::whole(text),
                Some(a) => crate::anchor::region(text, a).map_err(|e| format!("{path}: {e}"))?,
            };
            Ok(render::code_file(path, &code, anchor.as_deref()))
        }
        Kind::Output { name } => {
            let v = view(name)?;
            let out = v
                .output
                .clone()
                .and_then(|o| Ok(markdown::split_figures(&o)?.text));
            Ok(render::output_only(
                name,
                out.as_deref().map_err(String::as_str),
            ))
        }
        Kind::Solution { name } => {
            let v = view(name)?;
            let code = code_of(v, None)?;
            let out = v
                .output
                .clone()
                .and_then(|o| Ok(markdown::split_figures(&o)?.text));
            Ok(render::solution(
                name,
                &code,
                out.as_deref().map_err(String::as_str),
            ))
        }
        Kind::OutputMd { name } => {
            let v = view(name)?;
            let out = verified(v)?;
            let md = markdown::sanitize(markdown::split_figures(&out)?.text.trim_end())
                .map_err(|e| format!("example `{name}`: {e}"))?;
            Ok(format!("{md}\n\n{}", render::md_caption(name)))
        }
        Kind::Figure { name, key, caption } => {
            let v = view(name)?;
            let out = verified(v)?;
            let split =
                markdown::split_figures(&out).map_err(|e| format!("example `{name}`: {e}"))?;
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
                return Err(Problem::Directive(match (key, keys.len()) {
                    (_, 0) => format!(
                        "example `{name}` prints no figure (a figure is `<!-- figure: KEY -->` \
                         followed by an SVG document; see guide_support::plot)"
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
                }));
            };
            Ok(render::figure(name, svg, caption))
        }
        Kind::Value { name, key } => {
            let v = view(name)?;
            let out = verified(v)?;
            let prefix = format!("{key} = ");
            let mut hits = out.lines().filter_map(|l| l.strip_prefix(&prefix));
            let Some(value) = hits.next() else {
                let keys: Vec<&str> = out
                    .lines()
                    .filter_map(|l| l.split_once(" = ").map(|(k, _)| k))
                    .collect();
                let hint = directive::closest(key, keys.iter().copied())
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(Problem::Directive(format!(
                    "example `{name}` prints no line `{key} = …`{hint}; print one with \
                     guide_support::value(\"{key}\", …)"
                )));
            };
            if hits.next().is_some() {
                return Err(Problem::Directive(format!(
                    "example `{name}` prints `{key} = …` more than once; keys must be unique"
                )));
            }
            Ok(render::inline_value(value.trim()))
        }
        Kind::Render { template, data } => {
            Ok(crate::template::render(env.book_root, template, data)?)
        }
        Kind::Anchor(id) => Ok(format!(
            "<a class=\"exec-anchor-target\" id=\"{}\"></a>",
            render::escape(id)
        )),
        // Reported by `directive::find` already; only the marker is needed.
        Kind::Invalid(message) => Err(Problem::Example(message.clone())),
        Kind::ExampleIndex => Ok(crate::index::example_index(env.example_rows, chapter_path)),
        Kind::ErrataIndex => {
            let inline = |md: &str| expand_inline(md, env, chapter_path);
            Ok(crate::index::errata_index(
                env.errata,
                chapter_path,
                &inline,
            ))
        }
    }
}

/// Expands the inline directives of a snippet copied from another chapter
/// (a 勘误 note's text in the errata table). Block directives cannot occur
/// inside a paragraph; a problem leaves the error marker in place.
fn expand_inline(md: &str, env: &Env<'_>, chapter_path: &Path) -> String {
    let (directives, _) = directive::find(md);
    let directives: Vec<Directive> = directives
        .into_iter()
        .filter(|d| !d.kind.is_block())
        .collect();
    expand(md, &directives, env, chapter_path).0
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
        "unknown example `{name}`{hint}: there is no examples/{name}.rs; create it, or fix the name"
    )
}

#[cfg(test)]
mod tests;
