//! Finding and parsing directives in chapter text.
//!
//! A directive looks like mdBook's own `{{#include …}}`: `{{#example NAME}}`,
//! `{{#example NAME:ANCHOR}}`, `{{#value NAME:KEY}}` and so on;
//! `{{#code PATH[:ANCHOR]}}` shows a workspace file that is not an example. They are found
//! in chapter *text* only: pulldown-cmark's offset iterator tells which byte
//! ranges are code spans, code blocks or HTML comments, and a `{{#` inside one
//! of those is left alone. `\{{#…}}` is mdBook's escape: it is skipped here
//! and the `links` preprocessor, which runs after us, removes the backslash.
//!
//! To add a directive: add a variant to [`Kind`], parse it in
//! [`parse_body`], give it a test below, then render it in `splice.rs`.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// One directive found in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Byte range of `{{#…}}` in the chapter source.
    pub range: Range<usize>,
    /// 1-based line of the directive.
    pub line: usize,
    /// What the directive asks for.
    pub kind: Kind,
    /// For block directives: the text before the directive on its line (list
    /// indentation, block-quote markers), which every inserted line repeats.
    pub prefix: String,
}

/// The directives this preprocessor understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `{{#example NAME[:ANCHOR] [values]}}`: source (or one region of it)
    /// and output.
    Example {
        /// Example name.
        name: String,
        /// Anchor whose region is shown instead of the whole source.
        anchor: Option<String>,
        /// `values`: show `KEY = value` lines even when the book hides them.
        values: bool,
    },
    /// `{{#source NAME[:ANCHOR]}}`: source only.
    Source {
        /// Example name.
        name: String,
        /// Anchor whose region is shown.
        anchor: Option<String>,
    },
    /// `{{#code PATH[:ANCHOR]}}`: a region of a workspace source file that
    /// is not an example (a library's code), shown like `{{#source}}`.
    Code {
        /// The file, relative to the workspace root, as written (checked by
        /// [`workspace_path`]: relative, never leaving the workspace).
        path: String,
        /// Anchor whose region is shown instead of the whole file.
        anchor: Option<String>,
    },
    /// `{{#output NAME [values]}}`: verified output only.
    Output {
        /// Example name.
        name: String,
        /// `values`: show `KEY = value` lines even when the book hides them.
        values: bool,
    },
    /// `{{#output-md NAME [values]}}`: verified output spliced as Markdown.
    OutputMd {
        /// Example name.
        name: String,
        /// `values`: keep `KEY = value` lines even when the book hides them.
        values: bool,
    },
    /// `{{#figure NAME[:KEY] caption}}`: an SVG figure from the output.
    Figure {
        /// Example name.
        name: String,
        /// Which figure of the output; optional when there is only one.
        key: Option<String>,
        /// Caption and alt text.
        caption: String,
    },
    /// `{{#solution NAME [values]}}`: an example folded away as an exercise
    /// answer.
    Solution {
        /// Example name.
        name: String,
        /// `values`: show `KEY = value` lines even when the book hides them.
        values: bool,
    },
    /// `{{#value NAME:KEY}}`: inline text from a `KEY = value` output line.
    Value {
        /// Example name.
        name: String,
        /// Key of the line.
        key: String,
    },
    /// `{{#render TEMPLATE DATA}}`: a Tera template applied to a TOML file.
    Render {
        /// Template path, relative to the book root.
        template: String,
        /// Data path, relative to the book root.
        data: String,
    },
    /// `{{#example-index}}`: the table of every example.
    ExampleIndex,
    /// `{{#notes-index}}`: the table of every note of the configured kind
    /// (see [`crate::labels::NotesIndex`]).
    NotesIndex,
    /// Text that starts like a directive but is not a valid one. It is
    /// reported by [`find`] and replaced by an inline error marker, so that
    /// no raw directive reaches a page even in drafting mode.
    Invalid(String),
}

impl Kind {
    /// The example this directive needs the output of, if any.
    pub fn example(&self) -> Option<&str> {
        match self {
            Kind::Example { name, .. }
            | Kind::Source { name, .. }
            | Kind::Output { name, .. }
            | Kind::OutputMd { name, .. }
            | Kind::Figure { name, .. }
            | Kind::Solution { name, .. }
            | Kind::Value { name, .. } => Some(name),
            Kind::Render { .. }
            | Kind::Code { .. }
            | Kind::ExampleIndex
            | Kind::NotesIndex
            | Kind::Invalid(_) => None,
        }
    }

    /// Whether the directive must stand alone on its line.
    pub fn is_block(&self) -> bool {
        !matches!(self, Kind::Value { .. } | Kind::Invalid(_))
    }

    /// Whether the page shows the program's output (a directive that shows
    /// only source does not need the program to run).
    pub fn needs_output(&self) -> bool {
        !matches!(
            self,
            Kind::Source { .. }
                | Kind::Code { .. }
                | Kind::Render { .. }
                | Kind::ExampleIndex
                | Kind::NotesIndex
                | Kind::Invalid(_)
        )
    }
}

/// A problem with one directive, located in its chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// Directive names that belong to mdBook's `links` preprocessor; they are
/// left for it to expand.
const MDBOOK_DIRECTIVES: &[&str] = &[
    "include",
    "rustdoc_include",
    "playground",
    "playpen",
    "title",
];

/// Names this crate expands, for "did you mean" hints.
const OUR_DIRECTIVES: &[&str] = &[
    "example",
    "source",
    "code",
    "output",
    "output-md",
    "figure",
    "solution",
    "value",
    "render",
    "example-index",
    "notes-index",
];

/// [`find_with`] in strict mode: every `{{#name …}}` must be one of ours or
/// one of mdBook's.
pub fn find(src: &str) -> (Vec<Directive>, Vec<ParseError>) {
    find_with(src, true)
}

/// Finds every directive in `src`, in order, with the problems found on the
/// way. Directives inside code spans, code blocks and HTML comments, and
/// escaped ones (`\{{#…}}`), are not returned. An unknown `{{#name …}}`
/// belongs to another preprocessor and is left alone, unless `strict`
/// makes it an error with a did-you-mean hint.
pub fn find_with(src: &str, strict: bool) -> (Vec<Directive>, Vec<ParseError>) {
    let skip = skipped_ranges(src);
    let lines = LineIndex::new(src);
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut from = 0;
    while let Some(pos) = src[from..].find("{{#").map(|p| p + from) {
        from = pos + 3;
        if src[..pos].ends_with('\\') || in_ranges(&skip, pos) {
            continue;
        }
        let line = lines.line_of(pos);
        let line_end = src[pos..].find('\n').map_or(src.len(), |e| pos + e);
        let mut invalid = |range: Range<usize>, message: String| {
            found.push(Directive {
                range,
                line,
                kind: Kind::Invalid(message.clone()),
                prefix: String::new(),
            });
            errors.push(ParseError { line, message });
        };
        let Some(close) = src[pos..line_end].find("}}").map(|c| pos + c) else {
            let text = src[pos..line_end].trim_end();
            if !strict && !OUR_DIRECTIVES.contains(&directive_name(&text[3..])) {
                continue;
            }
            invalid(
                pos..pos + text.len(),
                format!(
                    "unterminated directive `{text}`: a directive ends with `}}}}` on the same line"
                ),
            );
            // The rest of the line is that directive's text: a `{{#` in it
            // would give overlapping ranges, which the splicer cannot apply.
            from = pos + text.len();
            continue;
        };
        let end = close + 2;
        from = end;
        let body = &src[pos + 3..close];
        if !strict && !OUR_DIRECTIVES.contains(&directive_name(body)) {
            // Another preprocessor's.
            continue;
        }
        let kind = match parse_body(body) {
            Ok(Some(kind)) => kind,
            Ok(None) => continue, // mdBook's own directive
            Err(message) => {
                invalid(pos..end, message);
                continue;
            }
        };
        let line_start = src[..pos].rfind('\n').map_or(0, |s| s + 1);
        let before = &src[line_start..pos];
        let after = &src[end..line_end];
        let prefix = if kind.is_block() {
            if !is_container_prefix(before) || !after.trim().is_empty() {
                invalid(
                    pos..end,
                    format!(
                        "`{{{{#{}}}}}` must stand alone on its line (it expands to a block); \
                         move the surrounding text to its own paragraph",
                        body.trim()
                    ),
                );
                continue;
            }
            before.to_owned()
        } else {
            String::new()
        };
        found.push(Directive {
            range: pos..end,
            line,
            kind,
            prefix,
        });
    }
    (found, errors)
}

/// The name of a directive: its body up to the first whitespace.
fn directive_name(body: &str) -> &str {
    let body = body.trim_start();
    body.split(|c: char| c.is_whitespace() || c == '}')
        .next()
        .unwrap_or("")
}

/// Parses the text between `{{#` and `}}`. `Ok(None)` means "not ours".
pub fn parse_body(body: &str) -> Result<Option<Kind>, String> {
    let body = body.trim();
    let (name, args) = match body.find(char::is_whitespace) {
        Some(i) => (&body[..i], body[i..].trim()),
        None => (body, ""),
    };
    if MDBOOK_DIRECTIVES.contains(&name) {
        return Ok(None);
    }
    let a = Args::new(body, name, args);
    let kind = match name {
        "example" | "source" => example_or_source(&a)?,
        "code" => code(&a)?,
        "output" | "output-md" | "solution" => whole_output(&a)?,
        "value" => value(&a)?,
        "figure" => figure(&a)?,
        "render" => render(&a)?,
        "example-index" => {
            a.none()?;
            Kind::ExampleIndex
        }
        "notes-index" => {
            a.none()?;
            Kind::NotesIndex
        }
        _ => return Err(unknown(name, &a.shown)),
    };
    Ok(Some(kind))
}

/// A directive's name and arguments, as [`parse_body`] split them.
struct Args<'a> {
    /// The directive as written, `{{#…}}`, for messages.
    shown: String,
    name: &'a str,
    /// The arguments, without a trailing [`VALUES_FLAG`].
    args: &'a str,
    /// Whether the arguments ended in [`VALUES_FLAG`].
    values: bool,
}

impl<'a> Args<'a> {
    fn new(body: &str, name: &'a str, args: &'a str) -> Self {
        // `{{#example NAME values}}`, `{{#output NAME values}}`,
        // `{{#output-md NAME values}}`, `{{#solution NAME values}}`: a
        // trailing word `values` asks for the `KEY = value` lines a book may
        // hide (`value-lines = "hide"`).
        let (args, values) = match (name, args.rsplit_once(char::is_whitespace)) {
            ("example" | "output" | "output-md" | "solution", Some((rest, VALUES_FLAG))) => {
                (rest.trim_end(), true)
            }
            _ => (args, false),
        };
        Args {
            shown: format!("{{{{#{body}}}}}"),
            name,
            args,
            values,
        }
    }

    /// The one argument, `what` naming it in the error when there is none
    /// or more than one.
    fn one(&self, what: &str) -> Result<&'a str, String> {
        let (shown, name, args) = (&self.shown, self.name, self.args);
        if args.is_empty() {
            Err(format!(
                "`{shown}` needs {what}, e.g. `{{{{#{name} hello}}}}`"
            ))
        } else if args.split_whitespace().count() > 1 {
            Err(format!(
                "`{shown}` takes one argument ({what}), found `{args}`"
            ))
        } else {
            Ok(args)
        }
    }

    fn none(&self) -> Result<(), String> {
        if self.args.is_empty() {
            Ok(())
        } else {
            Err(format!("`{}` takes no arguments", self.shown))
        }
    }
}

/// `{{#example NAME[:ANCHOR] [values]}}`, `{{#source NAME[:ANCHOR]}}`.
fn example_or_source(a: &Args<'_>) -> Result<Kind, String> {
    let (example, anchor) = split_colon(a.one("an example name")?);
    let name = example_name(example, &a.shown)?;
    let anchor = anchor
        .map(|x| identifier(x, "anchor", &a.shown))
        .transpose()?;
    Ok(if a.name == "example" {
        Kind::Example {
            name,
            anchor,
            values: a.values,
        }
    } else {
        Kind::Source { name, anchor }
    })
}

/// `{{#code PATH[:ANCHOR]}}`.
fn code(a: &Args<'_>) -> Result<Kind, String> {
    let (shown, arg) = (&a.shown, a.args);
    if arg.is_empty() {
        return Err(format!(
            "`{shown}` needs a file, relative to the workspace root, e.g. \
             `{{{{#code src/lib.rs:setup}}}}`"
        ));
    }
    if arg.split_whitespace().count() > 1 {
        return Err(format!(
            "`{shown}` takes one argument (PATH or PATH:ANCHOR), found `{arg}`"
        ));
    }
    let (path, anchor) = split_colon(arg);
    workspace_path(path).map_err(|why| format!("`{shown}`: {why}"))?;
    Ok(Kind::Code {
        path: path.to_owned(),
        anchor: anchor.map(|x| identifier(x, "anchor", shown)).transpose()?,
    })
}

/// `{{#output NAME}}`, `{{#output-md NAME}}`, `{{#solution NAME}}`, each
/// with an optional `values`.
fn whole_output(a: &Args<'_>) -> Result<Kind, String> {
    let arg = a.one("an example name")?;
    if arg.contains(':') {
        return Err(format!(
            "`{}` shows a whole program's output: it takes no `:ANCHOR`",
            a.shown
        ));
    }
    let name = example_name(arg, &a.shown)?;
    let values = a.values;
    Ok(match a.name {
        "output" => Kind::Output { name, values },
        "output-md" => Kind::OutputMd { name, values },
        _ => Kind::Solution { name, values },
    })
}

/// `{{#value NAME:KEY}}`.
fn value(a: &Args<'_>) -> Result<Kind, String> {
    let (example, key) = split_colon(a.one("NAME:KEY")?);
    let Some(key) = key else {
        return Err(format!(
            "`{}` needs a key: `{{{{#value NAME:KEY}}}}` quotes the line `KEY = …` \
             of NAME's output",
            a.shown
        ));
    };
    Ok(Kind::Value {
        name: example_name(example, &a.shown)?,
        key: identifier(key, "key", &a.shown)?,
    })
}

/// `{{#figure NAME[:KEY] caption}}`.
fn figure(a: &Args<'_>) -> Result<Kind, String> {
    let (shown, args) = (&a.shown, a.args);
    let (target, caption) = match args.find(char::is_whitespace) {
        Some(i) => (&args[..i], args[i..].trim()),
        None => (args, ""),
    };
    if target.is_empty() {
        return Err(format!(
            "`{shown}` needs an example name and a caption, e.g. \
             `{{{{#figure plot The loss over training}}}}`"
        ));
    }
    if caption.is_empty() {
        return Err(format!(
            "`{shown}` needs a caption after the example name (it is also the image's alt text)"
        ));
    }
    let (example, key) = split_colon(target);
    Ok(Kind::Figure {
        name: example_name(example, shown)?,
        key: key
            .map(|k| identifier(k, "figure key", shown))
            .transpose()?,
        caption: caption.to_owned(),
    })
}

/// `{{#render TEMPLATE DATA}}`.
fn render(a: &Args<'_>) -> Result<Kind, String> {
    let parts: Vec<&str> = a.args.split_whitespace().collect();
    let [template, data] = parts[..] else {
        return Err(format!(
            "`{}` takes a template and a data file, relative to the book root, e.g. \
             `{{{{#render templates/table.md.tera data/table.toml}}}}`",
            a.shown
        ));
    };
    Ok(Kind::Render {
        template: template.to_owned(),
        data: data.to_owned(),
    })
}

/// The error for a name that is none of ours, with the closest one.
fn unknown(name: &str, shown: &str) -> String {
    let hint = closest(name, OUR_DIRECTIVES.iter().copied())
        .map(|n| format!(" (did you mean `{{{{#{n}}}}}`?)"))
        .unwrap_or_default();
    format!(
        "unknown directive `{shown}`{hint}; known: {}",
        OUR_DIRECTIVES
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The word after an example name that asks for value lines to be shown.
pub const VALUES_FLAG: &str = "values";

/// Splits a line of program output into `(KEY, value)` when it is a value
/// line: `KEY = value`, with KEY an identifier (ASCII letters, digits, `_`,
/// `-`, `.`, as a `{{#value NAME:KEY}}` directive can name it) at the start
/// of the line. This is the one definition of a value line: `{{#value}}`
/// reads these lines, and `value-lines = "hide"` leaves them off the page.
pub fn value_line(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(" = ")?;
    is_identifier(key).then_some((key, value))
}

fn split_colon(arg: &str) -> (&str, Option<&str>) {
    match arg.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (arg, None),
    }
}

/// Checks a `{{#code}}` path without touching the file system: it must be
/// relative to the workspace root and must not climb out of it with `..`.
/// Returns the path with `.` and resolved `..` components removed.
/// (Symlinks out of the workspace and non-files are refused when the file
/// is read, see [`crate::project::read_workspace_file`].)
pub fn workspace_path(path: &str) -> Result<std::path::PathBuf, String> {
    use std::path::{Component, Path, PathBuf};
    if path.is_empty() {
        return Err("the path is empty; name a file relative to the workspace root".to_owned());
    }
    let p = Path::new(path);
    if p.is_absolute() || path.starts_with(['/', '\\']) || p.has_root() {
        return Err(format!(
            "`{path}` is an absolute path; write it relative to the workspace root, e.g. \
             `src/lib.rs`"
        ));
    }
    if path.contains('\\') {
        return Err(format!("`{path}` uses `\\`; separate directories with `/`"));
    }
    let mut normal = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(part) => normal.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    return Err(format!(
                        "`{path}` leads outside the workspace (`..` above its root); only files \
                         inside the workspace can be shown"
                    ));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "`{path}` is an absolute path; write it relative to the workspace root"
                ));
            }
        }
    }
    if normal.as_os_str().is_empty() {
        return Err(format!("`{path}` is the workspace root itself, not a file"));
    }
    Ok(normal)
}

fn example_name(name: &str, shown: &str) -> Result<String, String> {
    if name.is_empty() {
        return Err(format!("`{shown}` names no example"));
    }
    if name.contains('/') || name.contains('\\') || name.contains("..") || name.ends_with(".rs") {
        let stem = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(name)
            .trim_end_matches(".rs");
        return Err(format!(
            "`{shown}` names a path, but directives name an example under `examples/` by its \
             name only (paths outside `examples/` are never read): write `{stem}` for \
             `examples/{stem}.rs`"
        ));
    }
    identifier(name, "example name", shown)
}

/// Whether `s` may name an anchor, a key or an example: non-empty ASCII
/// letters, digits, `_`, `-` and `.`.
fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn identifier(s: &str, what: &str, shown: &str) -> Result<String, String> {
    if is_identifier(s) {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "`{shown}`: {what} `{s}` must be non-empty and use only ASCII letters, digits, `_`, `-` and `.`"
        ))
    }
}

/// Whether `before` (text from the line start to a directive) is only
/// indentation, block-quote markers and list markers.
fn is_container_prefix(before: &str) -> bool {
    let mut rest = before;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '>']);
        if rest.is_empty() {
            return true;
        }
        // A list marker: `-`, `*`, `+`, or digits and `.`/`)`, then a space.
        let marker_len = if rest.starts_with(['-', '*', '+']) {
            1
        } else {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && rest[digits..].starts_with(['.', ')']) {
                digits + 1
            } else {
                return false;
            }
        };
        if !rest[marker_len..].starts_with([' ', '\t']) {
            return false;
        }
        rest = &rest[marker_len..];
    }
}

/// The prefix for lines after the first: list markers become spaces of the
/// same width so that continuation lines stay inside the list item.
pub fn continuation_prefix(prefix: &str) -> String {
    prefix
        .chars()
        .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
        .collect()
}

/// Byte ranges where `{{#` is not a directive: code spans, code blocks and
/// HTML comments.
fn skipped_ranges(src: &str) -> Vec<Range<usize>> {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST;
    let mut ranges = Vec::new();
    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push(range),
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_)
                if src[range.clone()].trim_start().starts_with("<!--") =>
            {
                ranges.push(range);
            }
            _ => {}
        }
    }
    ranges
}

fn in_ranges(ranges: &[Range<usize>], pos: usize) -> bool {
    ranges.iter().any(|r| r.contains(&pos))
}

/// Maps byte offsets to 1-based line numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `src`.
    pub fn new(src: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough
/// to be a plausible typo. A swap of two neighbours counts as one edit
/// (optimal string alignment), since `dmeo` for `demo` is the commonest typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|&(d, c)| d <= (c.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests;
