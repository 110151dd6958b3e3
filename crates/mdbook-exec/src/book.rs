//! The whole-book pass: find every directive in every chapter, get every
//! used example's verified output, expand, and report every problem of the
//! build together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use mdbook_preprocessor::book::{Book, BookItem};

use crate::config::Config;
use crate::directive::{self, Directive, Kind};
use crate::index::{ChapterRef, Erratum, ExampleRow};
use crate::project::{Example, Project, WorkspaceFile};
use crate::session::{self, Options};
use crate::splice::{self, Env, ExampleView};
use crate::verify;

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
}

/// The command that accepts new output for `names`.
pub fn bless_command(names: &[&str]) -> String {
    format!("cargo run --release -p guide -- bless {}", names.join(" "))
}

/// Processes `book` in place. `book_root` is the directory of `book.toml`.
pub fn process(
    book: &mut Book,
    book_root: &Path,
    src_dir: &Path,
    config: &Config,
    opts: Options,
) -> Result<Report> {
    let mut report = Report::default();
    let workspace = book_root.join(&config.workspace);
    let project = Project::discover(&workspace).with_context(|| {
        format!(
            "[preprocessor.exec] workspace = \"{}\"",
            config.workspace.display()
        )
    })?;

    // 1. Every chapter's directives, in book order.
    let mut chapters: Vec<ChapterInfo> = Vec::new();
    let mut errata: Vec<Erratum> = Vec::new();
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
        let link_path = link_path(path);
        let (mut directives, errors) = directive::find(&ch.content);
        for e in errors {
            report
                .errors
                .push(format!("{display}:{}: {}", e.line, e.message));
        }
        let notes = crate::index::find_errata(
            &ch.content,
            &ChapterRef {
                name: ch.name.clone(),
                path: link_path.clone(),
            },
            errata.len() + 1,
        );
        // An anchor at each note, for the errata table's links. A note's
        // bold title never overlaps a directive, so sorting keeps every
        // range disjoint.
        let lines = directive::LineIndex::new(&ch.content);
        directives.extend(notes.iter().map(|n| Directive {
            range: n.offset..n.offset,
            line: lines.line_of(n.offset),
            kind: Kind::Anchor(n.id.clone()),
            prefix: String::new(),
        }));
        directives.sort_by_key(|d| d.range.start);
        errata.extend(notes);
        chapters.push(ChapterInfo {
            path: link_path,
            display,
            name: ch.name.clone(),
            directives,
        });
    }

    // 2. Which examples are used, and where.
    let mut used: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new(); // name -> (chapter, line)
    for (ci, ch) in chapters.iter().enumerate() {
        for d in &ch.directives {
            if let Some(name) = d.kind.example() {
                if project.examples.contains_key(name) {
                    used.entry(name.to_owned()).or_default().push((ci, d.line));
                } else if let Some((_, path)) = project.unsafe_paths.iter().find(|(n, _)| n == name)
                {
                    report.errors.push(format!(
                        "{}:{}: example `{name}` is a link to {}, outside examples/; examples must be \
                         real files inside examples/",
                        ch.display,
                        d.line,
                        path.display()
                    ));
                } else {
                    let hint =
                        directive::closest(name, project.examples.keys().map(String::as_str))
                            .map(|c| format!(" (did you mean `{c}`?)"))
                            .unwrap_or_default();
                    report.errors.push(format!(
                        "{}:{}: unknown example `{name}`{hint}: there is no examples/{name}.rs \
                         (create it, or fix the name)",
                        ch.display, d.line
                    ));
                }
            }
        }
    }
    for name in project.examples.keys() {
        if !used.contains_key(name) {
            report.errors.push(format!(
                "examples/{name}.rs is not used by any chapter: show it with {{{{#example {name}}}}} \
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
                "examples/{name}.rs leads outside examples/ (to {}); it is ignored",
                path.display()
            ));
        }
    }

    // 3. Actual outputs, then verification against `.stdout`.
    let names: BTreeSet<String> = used.keys().cloned().collect();
    let results = session::outputs(&project, config, &names, opts);
    report.ran = results.ran();
    report.from_cache = results.from_cache();
    report.notes.extend(results.notes.iter().cloned());
    let mut views: BTreeMap<String, ExampleView> = BTreeMap::new();
    for (name, example) in &project.examples {
        let source = example.read_source().unwrap_or_default();
        let output = match results.outcomes.get(name) {
            None => Err("not run: no chapter uses it".to_owned()),
            Some(outcome) => {
                let used_by = describe_uses(&used[name], &chapters);
                match verify_one(&project, example, &outcome.output, Some(&used_by)) {
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

    // 4. Workspace files shown by `{{#code}}`, read in this build (so the
    // page always shows the file as it is now; nothing to cache).
    let code_files = read_code_files(&project, &chapters);
    report.errors.extend(crate::coverage::check(
        &project.workspace,
        &config.require_shown,
        &code_files.shown,
    ));

    // 5. Expand.
    let rows: Vec<ExampleRow> = example_rows(&project, &used, &chapters, &views);
    let env = Env {
        examples: &views,
        code_files: &code_files.texts,
        book_root,
        example_rows: &rows,
        errata: &errata,
    };
    let by_path: BTreeMap<PathBuf, usize> = chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.path.clone(), i))
        .collect();
    let mut expand_errors = Vec::new();
    book.for_each_mut(|item| {
        let BookItem::Chapter(ch) = item else { return };
        let Some(path) = &ch.path else { return };
        let Some(&ci) = by_path.get(&link_path(path)) else {
            return;
        };
        let info = &chapters[ci];
        if info.directives.is_empty() {
            return;
        }
        let (text, errors) = splice::expand(&ch.content, &info.directives, &env, &info.path);
        ch.content = text;
        for e in errors {
            // Unknown examples were reported above with the same line.
            if e.message.starts_with("unknown example") {
                continue;
            }
            expand_errors.push(format!("{}:{}: {}", info.display, e.line, e.message));
        }
    });
    report.errors.extend(expand_errors);
    Ok(report)
}

/// The files `{{#code}}` directives show: the text of each by path as
/// written (for the pages), and which lines of which files the book shows
/// (for `require-shown`).
struct CodeFiles {
    texts: BTreeMap<String, Result<String, String>>,
    shown: crate::coverage::ShownFiles,
}

/// Reads every file named by a `{{#code}}` directive of the book, once per
/// path as written, and records the regions shown.
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
        .map(|&(ci, line)| format!("{}:{line}", chapters[ci].display))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares one example's actual output with its `.stdout`, producing the
/// full message (with a diff and the bless command) when they differ.
pub fn verify_one(
    project: &Project,
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
                 (cargo run --example {name}), then record it: {}",
                bless_command(&[name])
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
        bless_command(&[name])
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
