//! The whole-book pass: find every directive in every chapter, get every
//! used example's verified output, expand, and report every problem of the
//! build together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use mdbook_preprocessor::book::{Book, BookItem};

use crate::config::Config;
use crate::directive::{self, Directive, Kind};
use crate::index::{ChapterRef, ExampleRow, Note};
use crate::project::{Example, Project, WorkspaceFile};
use crate::session::{self, Options};
use crate::splice::{self, Env, ExampleView};
use crate::verify;

/// A directive problem found while expanding a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The chapter file, relative to the workspace.
    pub chapter: String,
    /// Line, example, kind and message.
    pub diagnostic: splice::Diagnostic,
}

/// The outcome of processing a book.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem, each a complete message naming its file and line.
    pub errors: Vec<String>,
    /// Notes that are not failures.
    pub notes: Vec<String>,
    /// Examples whose output matched their `.stdout`.
    pub verified: usize,
    /// Examples executed.
    pub ran: usize,
    /// Examples handed to cargo (0 when every source key hit).
    pub built: usize,
    /// The directive problems among `errors`, typed: chapter, line,
    /// example, kind.
    pub diagnostics: Vec<Diagnostic>,
    /// Examples served from the cache.
    pub from_cache: usize,
}

impl Report {
    /// The one summary line every build prints.
    pub fn summary(&self) -> String {
        format!(
            "examples: {} verified, {} run, {} from cache",
            self.verified, self.ran, self.from_cache
        )
    }

    /// Prints notes, errors and the summary to stderr.
    pub fn print(&self) {
        for n in &self.notes {
            eprintln!("note: {n}");
        }
        for e in &self.errors {
            eprintln!("error: {e}\n");
        }
        eprintln!("{}", self.summary());
    }
}

struct ChapterInfo {
    /// Path relative to `src/` as the book links it.
    path: PathBuf,
    /// Path for messages, relative to the workspace.
    display: String,
    name: String,
    directives: Vec<Directive>,
    /// The notes of the notes index in it.
    notes: Vec<Note>,
    /// An anchor at each of those notes, inserted when a page shows the
    /// notes table.
    anchors: Vec<splice::Anchor>,
    /// When includes were expanded: where each line came from, and the
    /// included files' paths for messages.
    included: Option<(crate::include::Expanded, BTreeMap<PathBuf, String>)>,
}

impl ChapterInfo {
    /// `file:line` of a line of the chapter's text, in the file it was
    /// written in.
    fn place(&self, line: usize) -> String {
        place(&self.display, self.included.as_ref(), line)
    }
}

fn place(
    display: &str,
    included: Option<&(crate::include::Expanded, BTreeMap<PathBuf, String>)>,
    line: usize,
) -> String {
    match included {
        Some((x, files)) => match x.origin_of_line(line) {
            (Some(file), l) => format!(
                "{}:{l} (included in {display})",
                files.get(file).map_or("?", String::as_str)
            ),
            (None, l) => format!("{display}:{l}"),
        },
        None => format!("{display}:{line}"),
    }
}

/// Processes `book` in place. `book_root` is the directory of `book.toml`.
pub fn process(
    book: &mut Book,
    book_root: &Path,
    src_dir: &Path,
    config: &Config,
    opts: Options,
) -> Result<Report> {
    process_in(
        book,
        book_root,
        src_dir,
        config,
        opts,
        &crate::fingerprint::BuildEnv::current(),
    )
}

/// [`process`] as a build in the environment `env` would do it (see
/// [`crate::session::outputs_in`]). Steps: [`expand_includes`],
/// [`collect_chapters`], [`find_uses`], [`verified_outputs`],
/// [`read_code_files`] (with `require-shown`), [`expand_chapters`].
pub fn process_in(
    book: &mut Book,
    book_root: &Path,
    src_dir: &Path,
    config: &Config,
    opts: Options,
    env: &crate::fingerprint::BuildEnv,
) -> Result<Report> {
    let mut report = Report::default();
    let project = Project::for_config(book_root, config).with_context(|| {
        format!(
            "[preprocessor.exec] workspace = \"{}\", examples-dir = \"{}\"",
            config.workspace.display(),
            config.examples_dir.display()
        )
    })?;
    let origins = expand_includes(book, src_dir);
    let (chapters, notes) = collect_chapters(book, &project, src_dir, config, origins, &mut report);
    let used = find_uses(&project, &chapters, &mut report);
    let views = verified_outputs(&project, config, &used, &chapters, opts, env, &mut report);
    let code_files = read_code_files(&project, &chapters);
    report.errors.extend(crate::coverage::check(
        &project.workspace,
        &config.require_shown,
        &code_files.shown,
    ));
    let rows: Vec<ExampleRow> = example_rows(&project, &used, &chapters, &views);
    let mut env = Env {
        examples: &views,
        code_files: &code_files.texts,
        book_root,
        example_rows: &rows,
        notes: &[],
        config,
    };
    let notes = expand_notes(&notes, &env);
    env.notes = &notes;
    expand_chapters(book, &chapters, &env, &mut report);
    Ok(report)
}

/// Where each line of a chapter whose `{{#include}}`s were expanded came
/// from, by chapter path.
type Origins = BTreeMap<PathBuf, crate::include::Expanded>;

/// Step 0: `{{#include}}` first, so that the directives of included files
/// are found too (see `include.rs`); a directive's place is reported in the
/// file it was written in.
fn expand_includes(book: &mut Book, src_dir: &Path) -> Origins {
    let mut origins = Origins::new();
    book.for_each_mut(|item| {
        let BookItem::Chapter(ch) = item else { return };
        let Some(path) = &ch.path else { return };
        let dir = src_dir.join(path.parent().unwrap_or(Path::new("")));
        let expanded = crate::include::expand(&ch.content, &dir);
        if expanded.changed() {
            ch.content = expanded.text.clone();
            origins.insert(path.clone(), expanded);
        }
    });
    origins
}

/// Step 1: every chapter's directives and notes, in book order (syntax
/// errors go to the report), and the notes the notes index lists: an
/// anchor is added at each note when a page shows that index.
fn collect_chapters(
    book: &Book,
    project: &Project,
    src_dir: &Path,
    config: &Config,
    mut origins: Origins,
    report: &mut Report,
) -> (Vec<ChapterInfo>, Vec<Note>) {
    let mut chapters: Vec<ChapterInfo> = Vec::new();
    let mut notes_found = 0;
    for item in book.iter() {
        let BookItem::Chapter(ch) = item else {
            continue;
        };
        let (Some(path), Some(source_path)) = (&ch.path, &ch.source_path) else {
            continue;
        };
        let display = project.rel(
            &src_dir
                .join(source_path)
                .canonicalize()
                .unwrap_or_else(|_| src_dir.join(source_path)),
        );
        let included = origins.remove(path).map(|x| included_files(project, x));
        let info = chapter_info(ch, path, display, included, config, notes_found + 1, report);
        notes_found += info.notes.len();
        chapters.push(info);
    }
    let notes = anchor_notes(&mut chapters);
    (chapters, notes)
}

/// The included files of an expanded chapter, with their paths for
/// messages.
fn included_files(
    project: &Project,
    x: crate::include::Expanded,
) -> (crate::include::Expanded, BTreeMap<PathBuf, String>) {
    let files = x
        .files()
        .map(|f| {
            (
                f.to_path_buf(),
                project.rel(&f.canonicalize().unwrap_or_else(|_| f.to_path_buf())),
            )
        })
        .collect();
    (x, files)
}

/// One chapter's directives (its syntax errors go to the report) and its
/// notes, numbered from `first_note`.
fn chapter_info(
    ch: &mdbook_preprocessor::book::Chapter,
    path: &Path,
    display: String,
    included: Option<(crate::include::Expanded, BTreeMap<PathBuf, String>)>,
    config: &Config,
    first_note: usize,
    report: &mut Report,
) -> ChapterInfo {
    let link_path = link_path(path);
    let (directives, errors) = directive::find_with(&ch.content, config.strict);
    for e in errors {
        report.errors.push(format!(
            "{}: {}",
            place(&display, included.as_ref(), e.line),
            e.message
        ));
    }
    let notes = crate::index::find_notes(
        &ch.content,
        &ChapterRef {
            name: ch.name.clone(),
            path: link_path.clone(),
        },
        first_note,
        &config.notes_index,
    );
    let anchors = notes
        .iter()
        .map(|n| splice::Anchor {
            offset: n.offset,
            id: n.id.clone(),
        })
        .collect();
    ChapterInfo {
        path: link_path,
        display,
        name: ch.name.clone(),
        directives,
        notes,
        anchors,
        included,
    }
}

/// The notes the notes table lists, when a page shows that table; without
/// one, no chapter gets anchors at its notes either.
fn anchor_notes(chapters: &mut [ChapterInfo]) -> Vec<Note> {
    let with_index = chapters
        .iter()
        .any(|c| c.directives.iter().any(|d| d.kind == Kind::NotesIndex));
    let mut notes: Vec<Note> = Vec::new();
    for ch in chapters {
        if with_index {
            notes.extend(ch.notes.iter().cloned());
        } else {
            ch.anchors.clear();
        }
    }
    notes
}

/// The notes with their inline directives (`{{#value}}`) expanded, each
/// in its own chapter, so that the notes table only lays them out.
fn expand_notes(notes: &[Note], env: &Env<'_>) -> Vec<Note> {
    notes
        .iter()
        .map(|n| Note {
            title: splice::expand_inline(&n.title, env, &n.chapter.path),
            body: splice::expand_inline(&n.body, env, &n.chapter.path),
            ..n.clone()
        })
        .collect()
}

/// Where each example is used: (chapter index, line) by name.
type Uses = BTreeMap<String, Vec<(usize, usize)>>;

/// Step 2: which examples are used, and where; reports unknown examples
/// (typed, too), examples no chapter uses, stray outputs and links out of
/// the examples directory.
fn find_uses(project: &Project, chapters: &[ChapterInfo], report: &mut Report) -> Uses {
    let dir = project.rel(&project.examples_dir);
    let mut used = Uses::new();
    for (ci, ch) in chapters.iter().enumerate() {
        for d in &ch.directives {
            let Some(name) = d.kind.example() else {
                continue;
            };
            if project.examples.contains_key(name) {
                used.entry(name.to_owned()).or_default().push((ci, d.line));
            } else if let Some((_, path)) = project.unsafe_paths.iter().find(|(n, _)| n == name) {
                report.errors.push(format!(
                    "{}: example `{name}` is a link to {}, outside {dir}/; examples must be \
                     real files inside {dir}/",
                    ch.place(d.line),
                    path.display()
                ));
            } else {
                let hint = directive::closest(name, project.examples.keys().map(String::as_str))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                let message = format!(
                    "unknown example `{name}`{hint}: there is no {dir}/{name}.rs (create it, or \
                     fix the name)"
                );
                report
                    .errors
                    .push(format!("{}: {message}", ch.place(d.line)));
                report.diagnostics.push(Diagnostic {
                    chapter: ch.display.clone(),
                    diagnostic: splice::Diagnostic {
                        line: d.line,
                        example: Some(name.to_owned()),
                        kind: splice::DiagnosticKind::UnknownExample,
                        message,
                    },
                });
            }
        }
    }
    for name in project.examples.keys() {
        if !used.contains_key(name) {
            report.errors.push(format!(
                "{dir}/{name}.rs is not used by any chapter: show it with {{{{#example {name}}}}} \
                 (or {{{{#output}}}}, {{{{#solution}}}}…), or delete it"
            ));
        }
    }
    for stray in &project.stray_outputs {
        report.errors.push(format!(
            "{} has no example beside it (no {}.rs): delete it, or restore the example",
            project.rel(stray),
            project.rel(&stray.with_extension(""))
        ));
    }
    for (name, path) in &project.unsafe_paths {
        if !used.contains_key(name) {
            report.errors.push(format!(
                "{dir}/{name}.rs leads outside {dir}/ (to {}); it is ignored",
                path.display()
            ));
        }
    }
    used
}

/// Step 3: the actual output of every used example (the session: cache,
/// one cargo build, runs), pruning past the size bound, and verification
/// against `.stdout`. Returns what each example's directives show.
#[allow(clippy::too_many_arguments)] // the pass's state, passed explicitly
fn verified_outputs(
    project: &Project,
    config: &Config,
    used: &Uses,
    chapters: &[ChapterInfo],
    opts: Options,
    env: &crate::fingerprint::BuildEnv,
    report: &mut Report,
) -> BTreeMap<String, ExampleView> {
    let names: BTreeSet<String> = used.keys().cloned().collect();
    let results = session::outputs_in(project, config, &names, opts, env);
    report.built = results.built;
    // Every used example was looked at: what its keys do not reach is
    // garbage.
    match session::prune_if_over_limit(project, config, &results, env) {
        Some(Ok(pruned)) => report.notes.push(pruned.to_string()),
        Some(Err(e)) => report
            .notes
            .push(format!("could not prune the cache: {e:#}")),
        None => {}
    }
    report.ran = results.ran();
    report.from_cache = results.served_from_cache();
    report.notes.extend(results.notes.iter().cloned());
    let mut views: BTreeMap<String, ExampleView> = BTreeMap::new();
    for (name, example) in &project.examples {
        let source = example.read_source().unwrap_or_default();
        let output = match results.outcomes.get(name) {
            None => Err("not run: no chapter uses it".to_owned()),
            Some(outcome) => {
                let used_by = describe_uses(&used[name], chapters);
                match verify_one(project, config, example, &outcome.output, Some(&used_by)) {
                    Ok(text) => {
                        report.verified += 1;
                        Ok(text)
                    }
                    Err(message) => {
                        report.errors.push(message.clone());
                        Err(message)
                    }
                }
            }
        };
        views.insert(name.clone(), ExampleView { source, output });
    }
    views
}

/// Step 5: replaces every directive of every chapter; each problem goes to
/// the report, as a message and typed.
fn expand_chapters(book: &mut Book, chapters: &[ChapterInfo], env: &Env<'_>, report: &mut Report) {
    let by_path: BTreeMap<PathBuf, usize> = chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.path.clone(), i))
        .collect();
    book.for_each_mut(|item| {
        let BookItem::Chapter(ch) = item else { return };
        let Some(path) = &ch.path else { return };
        let Some(&ci) = by_path.get(&link_path(path)) else {
            return;
        };
        let info = &chapters[ci];
        if info.directives.is_empty() && info.anchors.is_empty() {
            return;
        }
        let (text, errors) = splice::expand(
            &ch.content,
            &info.directives,
            &info.anchors,
            env,
            &info.path,
        );
        ch.content = text;
        for e in errors {
            // Unknown examples were reported by `find_uses`, with the same
            // line.
            if e.kind == splice::DiagnosticKind::UnknownExample {
                continue;
            }
            report
                .errors
                .push(format!("{}: {}", info.place(e.line), e.message));
            report.diagnostics.push(Diagnostic {
                chapter: info.display.clone(),
                diagnostic: e,
            });
        }
    });
}

/// The files `{{#code}}` directives show: the text of each by path as
/// written (for the pages), and which lines of which files the book shows
/// (for `require-shown`).
struct CodeFiles {
    texts: BTreeMap<String, Result<String, String>>,
    shown: crate::coverage::ShownFiles,
}

/// Step 4: reads every file named by a `{{#code}}` directive of the book
/// (in this build, so the page always shows the file as it is now; nothing
/// to cache), once per path as written, and records the regions shown.
fn read_code_files(project: &Project, chapters: &[ChapterInfo]) -> CodeFiles {
    let mut files: BTreeMap<String, Result<WorkspaceFile, String>> = BTreeMap::new();
    let mut shown = crate::coverage::ShownFiles::default();
    for d in chapters.iter().flat_map(|c| &c.directives) {
        let Kind::Code { path, anchor } = &d.kind else {
            continue;
        };
        let file = files
            .entry(path.clone())
            .or_insert_with(|| crate::project::read_workspace_file(&project.workspace, path));
        let Ok(file) = file else { continue };
        match anchor {
            None => shown.whole(&file.canonical),
            // An unknown anchor is reported when the page is expanded.
            Some(a) => {
                if let Ok(span) = crate::anchor::span(&file.text, a) {
                    shown.lines(&file.canonical, span);
                }
            }
        }
    }
    let texts = files
        .into_iter()
        .map(|(k, v)| (k, v.map(|f| f.text)))
        .collect();
    CodeFiles { texts, shown }
}

/// mdBook maps `README.md` to `index.md` for links and output.
fn link_path(path: &Path) -> PathBuf {
    if path.file_name().is_some_and(|f| f == "README.md") {
        path.with_file_name("index.md")
    } else {
        path.to_path_buf()
    }
}

fn describe_uses(uses: &[(usize, usize)], chapters: &[ChapterInfo]) -> String {
    uses.iter()
        .map(|&(ci, line)| chapters[ci].place(line))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares one example's actual output with its `.stdout`, producing the
/// full message (with a diff and the bless command) when they differ.
pub fn verify_one(
    project: &Project,
    config: &Config,
    example: &Example,
    actual: &Result<String, String>,
    used_by: Option<&str>,
) -> Result<String, String> {
    let name = &example.name;
    let source = project.rel(&example.source);
    let stdout = project.rel(&example.stdout);
    let head = match used_by {
        Some(u) => format!("example `{name}` ({source}, used by {u})"),
        None => format!("example `{name}` ({source})"),
    };
    let actual = actual.as_ref().map_err(|why| format!("{head} {why}"))?;
    let documented = match example.read_stdout() {
        Ok(Some(d)) => d,
        Ok(None) => {
            return Err(format!(
                "{head} has no documented output: {stdout} does not exist. Check what it prints \
                 ({}), then record it: {}",
                config.run_command(name),
                config.bless_command(&[name])
            ));
        }
        Err(e) => return Err(format!("{head}: {e:#}")),
    };
    if verify::matches(&documented, actual) {
        return Ok(verify::normalize(&documented));
    }
    Err(format!(
        "{head} printed something other than its documented output.\n{}\nIf the new output is \
         right, accept it with: {}",
        verify::unified_diff(&documented, actual, &stdout, &source),
        config.bless_command(&[name])
    ))
}

fn example_rows(
    project: &Project,
    used: &BTreeMap<String, Vec<(usize, usize)>>,
    chapters: &[ChapterInfo],
    views: &BTreeMap<String, ExampleView>,
) -> Vec<ExampleRow> {
    let mut rows: Vec<(usize, ExampleRow)> = project
        .examples
        .keys()
        .map(|name| {
            let uses = used.get(name).map(Vec::as_slice).unwrap_or_default();
            let mut seen = BTreeSet::new();
            let used_by = uses
                .iter()
                .filter(|(ci, _)| seen.insert(*ci))
                .map(|&(ci, _)| ChapterRef {
                    name: chapters[ci].name.clone(),
                    path: chapters[ci].path.clone(),
                })
                .collect();
            let first = uses.iter().map(|&(ci, _)| ci).min().unwrap_or(usize::MAX);
            (
                first,
                ExampleRow {
                    name: name.clone(),
                    summary: views.get(name).and_then(|v| Example::summary(&v.source)),
                    used_by,
                },
            )
        })
        .collect();
    // Book order first, then name.
    rows.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    rows.into_iter().map(|(_, r)| r).collect()
}
