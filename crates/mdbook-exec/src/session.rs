//! Getting the actual output of a set of examples, as cheaply as is correct.
//!
//! For each example: look its source key up in the cache; build every miss
//! in one cargo invocation; look each fresh binary up by its binary key; run
//! what is still missing, in parallel, bounded by the cores; store the
//! results. The executable is linked (or copied) into a private staging
//! directory before it is hashed and run, so the bytes hashed are the bytes
//! run even if another build replaces cargo's copy meanwhile.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result};

use crate::cache::{Cache, Entry, Index, Lookup};
use crate::config::Config;
use crate::fingerprint::{self, Global};
use crate::project::Project;
use crate::run;
use crate::verify;

/// The actual output of one example, or why there is none.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The normalised output, or a message saying what went wrong.
    pub output: Result<String, String>,
    /// Whether the program was executed in this session.
    pub ran: bool,
    /// Whether the output came from the cache.
    pub cached: bool,
}

/// Outcomes of a session.
#[derive(Debug, Default)]
pub struct Results {
    /// By example name.
    pub outcomes: BTreeMap<String, Outcome>,
    /// Notes worth a line on stderr (corrupt cache entries replaced).
    pub notes: Vec<String>,
}

impl Results {
    /// Examples executed.
    pub fn ran(&self) -> usize {
        self.outcomes.values().filter(|o| o.ran).count()
    }
    /// Examples served from the cache.
    pub fn from_cache(&self) -> usize {
        self.outcomes.values().filter(|o| o.cached).count()
    }
}

/// Options beyond the book's configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Hide cargo's progress output.
    pub quiet: bool,
    /// Ignore cached outputs (still store new ones).
    pub force: bool,
}

/// The cache directory for a workspace.
pub fn cache_dir(project: &Project, config: &Config) -> PathBuf {
    match &config.cache_dir {
        Some(dir) => project.workspace.join(dir),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .map(|t| {
                    if t.is_absolute() {
                        t
                    } else {
                        project.workspace.join(t)
                    }
                })
                .unwrap_or_else(|| project.workspace.join("target"));
            target.join("mdbook-exec")
        }
    }
}

struct Pending {
    name: String,
    source_key: String,
    /// Output of earlier runs that did not reach the required count.
    previous: Option<Entry>,
}

struct Staged {
    name: String,
    source_key: String,
    binary_key: String,
    program: PathBuf,
    previous: Option<Entry>,
}

/// Produces the actual output of each example in `names`.
pub fn outputs(
    project: &Project,
    config: &Config,
    names: &BTreeSet<String>,
    opts: Options,
) -> Results {
    // An interrupted build waits for this session to kill its programs and
    // remove its staging directory.
    let _busy = crate::interrupt::Busy::enter();
    let mut results = Results::default();
    let fail_all = |results: &mut Results, names: &mut dyn Iterator<Item = &String>, msg: &str| {
        for n in names {
            results.outcomes.insert(
                n.clone(),
                Outcome {
                    output: Err(msg.to_owned()),
                    ran: false,
                    cached: false,
                },
            );
        }
    };
    let cache = Cache::new(cache_dir(project, config));
    let global = match Global::compute(&project.workspace, &config.profile, Some(cache.dir())) {
        Ok(g) => g,
        Err(e) => {
            fail_all(&mut results, &mut names.iter(), &format!("{e:#}"));
            return results;
        }
    };
    let required = config.runs;

    // 1. Source keys.
    let mut pending = Vec::new();
    for name in names {
        let Some(example) = project.examples.get(name) else {
            continue;
        };
        let key = match fingerprint::source_key(
            &global,
            example,
            config.data_for(name),
            &project.workspace,
        ) {
            Ok(k) => k,
            Err(e) => {
                fail_all(&mut results, &mut std::iter::once(name), &format!("{e:#}"));
                continue;
            }
        };
        let previous = if opts.force {
            None
        } else {
            match cache.get(Index::Source, &key, name) {
                Lookup::Hit(entry) if entry.runs >= required => {
                    results.outcomes.insert(
                        name.clone(),
                        Outcome {
                            output: Ok(entry.output),
                            ran: false,
                            cached: true,
                        },
                    );
                    continue;
                }
                Lookup::Hit(entry) => Some(entry),
                Lookup::Miss => None,
                Lookup::Corrupt(why) => {
                    results.notes.push(format!(
                        "ignoring a corrupt cache entry ({why}); recomputing"
                    ));
                    None
                }
            }
        };
        pending.push(Pending {
            name: name.clone(),
            source_key: key,
            previous,
        });
    }
    if pending.is_empty() {
        return results;
    }

    // 2. One cargo invocation for every miss.
    let to_build: Vec<String> = pending.iter().map(|p| p.name.clone()).collect();
    let compiled = match crate::compile::compile(
        &project.workspace,
        &config.profile,
        Some(&to_build),
        opts.quiet,
    ) {
        Ok(c) => c,
        Err(e) => {
            fail_all(
                &mut results,
                &mut to_build.iter(),
                &format!("could not run cargo: {e:#}"),
            );
            return results;
        }
    };
    let general = (!compiled.general.is_empty()).then(|| {
        format!(
            "the build failed before this example could be compiled:\n{}",
            compiled.general.join("\n")
        )
    });

    // 3. What cargo built, and what it could not.
    remove_stale_stages(&cache.dir().join("run"));
    // `<pid>-<n>`: sessions of one process (a test binary, a long-lived
    // front end) must not share, and so remove, each other's files.
    static SESSIONS: AtomicUsize = AtomicUsize::new(0);
    let stage_dir = cache.dir().join("run").join(format!(
        "{}-{}",
        std::process::id(),
        SESSIONS.fetch_add(1, Ordering::Relaxed)
    ));
    let mut built = Vec::new();
    for p in pending {
        let fail = |msg: String| Outcome {
            output: Err(msg),
            ran: false,
            cached: false,
        };
        if let Some(err) = compiled.errors.get(&p.name) {
            results
                .outcomes
                .insert(p.name, fail(format!("does not compile:\n{err}")));
            continue;
        }
        let Some(exe) = compiled.executables.get(&p.name) else {
            let msg = general
                .clone()
                .unwrap_or_else(|| "cargo produced no executable for it".to_owned());
            results.outcomes.insert(p.name, fail(msg));
            continue;
        };
        built.push((p, exe.clone()));
    }

    // 4. Stage, look up by binary key, run what is missing: in parallel, so
    // that hashing one executable overlaps with running another.
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    let notes: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let ctx = RunContext {
        project,
        config,
        cache: &cache,
        stage_dir: &stage_dir,
        force: opts.force,
        notes: &notes,
    };
    std::thread::scope(|s| {
        for _ in 0..config.jobs().min(built.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some((p, exe)) = built.get(i) else { break };
                    let outcome = stage_and_run(p, exe, &ctx);
                    done.lock()
                        .expect("no panics while holding the lock")
                        .push((i, outcome));
                }
            });
        }
    });
    for (i, outcome) in done.into_inner().expect("threads joined") {
        results.outcomes.insert(built[i].0.name.clone(), outcome);
    }
    results
        .notes
        .extend(notes.into_inner().expect("threads joined"));
    let _ = std::fs::remove_dir_all(&stage_dir);
    results
}

/// What every worker of step 4 shares.
struct RunContext<'a> {
    project: &'a Project,
    config: &'a Config,
    cache: &'a Cache,
    stage_dir: &'a Path,
    force: bool,
    notes: &'a Mutex<Vec<String>>,
}

impl RunContext<'_> {
    fn note(&self, note: String) {
        self.notes
            .lock()
            .expect("no panics while holding the lock")
            .push(note);
    }
}

/// Stages one executable, serves its output from the binary index if it is
/// there, and runs it otherwise.
fn stage_and_run(p: &Pending, exe: &Path, ctx: &RunContext<'_>) -> Outcome {
    let (binary_key, program) = match stage(ctx.stage_dir, exe, p, ctx.project, ctx.config) {
        Ok(staged) => staged,
        Err(e) => {
            return Outcome {
                output: Err(format!("{e:#}")),
                ran: false,
                cached: false,
            };
        }
    };
    let lookup = if ctx.force {
        Lookup::Miss
    } else {
        ctx.cache.get(Index::Binary, &binary_key, &p.name)
    };
    if let Lookup::Corrupt(why) = &lookup {
        ctx.note(format!(
            "ignoring a corrupt cache entry ({why}); recomputing"
        ));
    }
    if let Lookup::Hit(entry) = lookup
        && entry.runs >= ctx.config.runs
    {
        let _ = std::fs::remove_file(&program);
        if let Err(e) = ctx.cache.put(Index::Source, &p.source_key, &entry) {
            ctx.note(format!("could not write the cache: {e:#}"));
        }
        return Outcome {
            output: Ok(entry.output),
            ran: false,
            cached: true,
        };
    }
    let job = Staged {
        name: p.name.clone(),
        source_key: p.source_key.clone(),
        binary_key,
        program,
        previous: p.previous.clone(),
    };
    execute(&job, ctx.project, ctx.config, ctx.cache, ctx.notes)
}

/// Puts the executable into the staging directory and computes its key
/// from the staged file, so that the bytes hashed are the bytes run.
///
/// A hard link is enough and costs nothing (a debug executable is several
/// megabytes; copying every one was most of the engine's own time in a
/// cold build): cargo and the linkers replace an executable by writing a
/// new file and renaming it, never by rewriting it in place, so the staged
/// link keeps the old bytes. Where a link cannot be made (the cache on
/// another file system), the file is copied.
fn stage(
    dir: &Path,
    exe: &Path,
    p: &Pending,
    project: &Project,
    config: &Config,
) -> Result<(String, PathBuf)> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let linked = dir.join(format!("{}.staging", p.name));
    let _ = std::fs::remove_file(&linked);
    if std::fs::hard_link(exe, &linked).is_err() {
        std::fs::copy(exe, &linked)
            .with_context(|| format!("copying {} to {}", exe.display(), linked.display()))?;
    }
    let file =
        std::fs::File::open(&linked).with_context(|| format!("reading {}", linked.display()))?;
    let key = fingerprint::binary_key(file, &p.name, config.data_for(&p.name), &project.workspace)?;
    let program = run::staged_path(dir, &p.name, &key);
    std::fs::rename(&linked, &program)
        .with_context(|| format!("renaming {} to {}", linked.display(), program.display()))?;
    Ok((key, program))
}

/// Removes the staging directories (`run/<pid>-<n>`) of sessions whose
/// process is gone: a build killed before it could clean up leaves one
/// behind.
fn remove_stale_stages(run_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(run_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.split('-').next()?.parse::<u32>().ok())
        else {
            continue;
        };
        #[cfg(unix)]
        let gone = pid != std::process::id() && !crate::sys::process_exists(pid);
        #[cfg(not(unix))]
        let gone = false;
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn execute(
    job: &Staged,
    project: &Project,
    config: &Config,
    cache: &Cache,
    notes: &Mutex<Vec<String>>,
) -> Outcome {
    let spec = run::Spec {
        program: job.program.clone(),
        cwd: project.workspace.clone(),
        timeout: config.timeout_for(&job.name),
        max_output: config.max_output,
    };
    // Earlier runs of the same binary count towards the required number.
    let mut first = job
        .previous
        .as_ref()
        .filter(|e| e.binary_key == job.binary_key)
        .map(|e| e.output.clone());
    let already = u32::from(first.is_some());
    for _ in already..config.runs {
        match run::run(&spec) {
            Ok(out) => match &first {
                None => first = Some(out),
                Some(f) if *f == out => {}
                Some(f) => {
                    let diff = verify::diff(f, &out, "first run", "second run");
                    return Outcome {
                        output: Err(format!(
                            "is not deterministic: two runs printed different text. Fix the \
                             seed, print fewer decimals, sort what comes from a hash map, and \
                             print no time or address.\n{diff}"
                        )),
                        ran: true,
                        cached: false,
                    };
                }
            },
            Err(f) => {
                return Outcome {
                    output: Err(f.to_string()),
                    ran: true,
                    cached: false,
                };
            }
        }
    }
    let output = first.unwrap_or_default();
    let entry = Entry {
        name: job.name.clone(),
        binary_key: job.binary_key.clone(),
        runs: config.runs,
        output: output.clone(),
    };
    for (index, key) in [
        (Index::Binary, &job.binary_key),
        (Index::Source, &job.source_key),
    ] {
        if let Err(e) = cache.put(index, key, &entry) {
            notes
                .lock()
                .expect("no panics while holding the lock")
                .push(format!("could not write the cache: {e:#}"));
        }
    }
    Outcome {
        output: Ok(output),
        ran: true,
        cached: false,
    }
}
