//! Getting the actual output of a set of examples, as cheaply as is correct.
//!
//! For each example: look its source key up in the cache; build every miss
//! in one cargo invocation; as soon as cargo reports an executable, look it
//! up by its binary key and run it if it is missing, in parallel with the
//! rest of the build and bounded by the cores; store the results. The executable is linked (or copied) into a private staging
//! directory before it is hashed and run, so the bytes hashed are the bytes
//! run even if another build replaces cargo's copy meanwhile.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result};

use crate::cache::{Cache, Entry, Index, Lookup};
use crate::config::Config;
use crate::fingerprint::{self, BuildEnv, Global};
use crate::project::Project;
use crate::run;
use crate::verify;

/// The actual output of one example, or why there is none.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The normalised output, or a message saying what went wrong.
    pub output: Result<String, String>,
    /// Whether the program was executed in this session.
    pub ran: bool,
    /// Whether the output came from the cache.
    pub cached: bool,
}

/// Outcomes of a session.
#[derive(Debug, Default)]
pub(crate) struct Results {
    /// By example name.
    pub outcomes: BTreeMap<String, Outcome>,
    /// Notes worth a line on stderr (corrupt cache entries replaced).
    pub notes: Vec<String>,
    /// Examples handed to cargo (0 when every source key hit).
    pub built: usize,
    /// The cache files this session's keys reach (what pruning keeps).
    pub live: crate::cache::Live,
    /// Whether the shared inputs could be computed (without them no key is
    /// known, and nothing may be pruned).
    pub keyed: bool,
}

impl Results {
    /// Examples executed.
    pub(crate) fn ran(&self) -> usize {
        self.outcomes.values().filter(|o| o.ran).count()
    }
    /// Examples served from the cache.
    pub(crate) fn served_from_cache(&self) -> usize {
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

/// The cache directory for a workspace built in the environment `env`
/// (`cache-dir`, else `mdbook-exec` in the target directory cargo uses).
pub(crate) fn cache_dir_in(project: &Project, config: &Config, env: &BuildEnv) -> PathBuf {
    match &config.cache_dir {
        Some(dir) => project.workspace.join(dir),
        None => {
            let target = env
                .get("CARGO_TARGET_DIR")
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

/// One example that was not served by its source key.
struct Pending {
    name: String,
    /// Output of earlier runs that did not reach the required count.
    previous: Option<Entry>,
}

struct Staged {
    name: String,
    binary_key: String,
    program: PathBuf,
    previous: Option<Entry>,
}

/// Produces the actual output of each example in `names`, in this process's
/// environment.
pub(crate) fn outputs(
    project: &Project,
    config: &Config,
    names: &BTreeSet<String>,
    opts: Options,
) -> Results {
    outputs_in(project, config, names, opts, &BuildEnv::current())
}

/// [`outputs`] as a build in the environment `env` would produce them (the
/// key's variables, the nested cargo's environment). Steps: [`shared_inputs`],
/// [`look_up_sources`], [`build`], [`record_builds`], [`stage_and_run_all`].
pub(crate) fn outputs_in(
    project: &Project,
    config: &Config,
    names: &BTreeSet<String>,
    opts: Options,
    env: &BuildEnv,
) -> Results {
    // An interrupted build waits for this session to kill its programs and
    // remove its staging directory.
    let _busy = crate::interrupt::Busy::enter();
    let mut results = Results::default();
    let cache = Cache::new(cache_dir_in(project, config, env));
    let global = match shared_inputs(project, config, &cache, env, &mut results) {
        Ok(g) => g,
        Err(e) => {
            fail_all(&mut results, names.iter(), &format!("{e:#}"));
            return results;
        }
    };
    let mut hashes = fingerprint::FileHashes::default();
    let (mut pending, mut tentative) = look_up_sources(
        project,
        config,
        &cache,
        &global,
        names,
        opts,
        &mut hashes,
        &mut results,
    );
    if pending.is_empty() && tentative.is_empty() {
        return results;
    }
    // Build scripts whose inputs changed rerun only in a cargo build: with
    // nothing else to build, build one of the examples waiting on them.
    if pending.is_empty()
        && let Some(t) = tentative.pop()
    {
        pending.push(Pending {
            name: t.name,
            previous: None,
        });
    }
    let stage = StageDir::create(&cache.dir().join("run"));
    let notes = Mutex::new(Vec::new());
    let ctx = RunContext {
        project,
        config,
        cache: &cache,
        stage_dir: &stage.path,
        force: opts.force,
        notes: &notes,
    };
    let Some(first) = build_and_run(&ctx, &pending, opts, env, &mut results) else {
        fail_all(
            &mut results,
            tentative.iter().map(|t| &t.name),
            "could not run cargo",
        );
        return results;
    };
    let keys = record_builds(&ctx, &global, pending, &first, &mut results);
    settle(&ctx, first.ran, keys, &mut results);
    let unconfirmed = confirm(
        project,
        config,
        &cache,
        &global,
        tentative,
        &first.compiled,
        first.started,
        &mut results,
    );
    if !unconfirmed.is_empty()
        && let Some(again) = build_and_run(&ctx, &unconfirmed, opts, env, &mut results)
    {
        let keys = record_builds(&ctx, &global, unconfirmed, &again, &mut results);
        settle(&ctx, again.ran, keys, &mut results);
    }
    results.notes.extend(
        notes
            .into_inner()
            .expect("no panics while holding the lock"),
    );
    drop(stage);
    results
}

/// An example whose entry was found by its source key while a build script
/// it depends on has changed inputs: the entry holds if, once the script
/// has rerun, the key is the same.
struct Tentative {
    name: String,
    record: fingerprint::Record,
    key: String,
    entry: Entry,
}

/// Step 3b: after cargo has run (and rerun the build scripts), serves each
/// tentative example whose key is unchanged and records that its scripts'
/// inputs are current again; returns the others, to be built.
#[allow(clippy::too_many_arguments)] // the session's state, passed explicitly
fn confirm(
    project: &Project,
    config: &Config,
    cache: &Cache,
    global: &Global,
    tentative: Vec<Tentative>,
    compiled: &crate::compile::Compiled,
    started: std::time::SystemTime,
    results: &mut Results,
) -> Vec<Pending> {
    let ran: BTreeSet<PathBuf> = compiled
        .facts
        .build_scripts
        .iter()
        .filter_map(|(out_dir, _)| Some(out_dir.parent()?.join("output")))
        .collect();
    let mut hashes = fingerprint::FileHashes::default();
    let mut unconfirmed = Vec::new();
    for mut t in tentative {
        let key = fingerprint::source_key(
            global,
            &t.name,
            &t.record,
            config.data_for(&t.name),
            &project.workspace,
            &mut hashes,
        );
        let confirmed = matches!(&key, Ok(k) if k.key == t.key
            && k.newest.is_none_or(|n| n < started)
            && t.record.script_outputs.is_subset(&ran));
        if !confirmed {
            unconfirmed.push(Pending {
                name: t.name,
                previous: None,
            });
            continue;
        }
        if let Ok(k) = key {
            t.record.scripts_hash = k.scripts;
        }
        if let Err(e) = fingerprint::save_record(cache.dir(), global, &t.name, &t.record) {
            results
                .notes
                .push(format!("could not write the cache: {e:#}"));
        }
        results.live.source.insert(t.key);
        results.live.binary.insert(t.entry.binary_key.clone());
        results.outcomes.insert(
            t.name,
            Outcome {
                output: Ok(t.entry.output),
                ran: false,
                cached: true,
            },
        );
    }
    unconfirmed
}

fn fail_all<'a>(results: &mut Results, names: impl Iterator<Item = &'a String>, msg: &str) {
    for n in names {
        results.outcomes.insert(n.clone(), failed(msg.to_owned()));
    }
}

fn failed(msg: String) -> Outcome {
    Outcome {
        output: Err(msg),
        ran: false,
        cached: false,
    }
}

/// Step 0: the inputs every example shares, and the memo files they came
/// from (live, for pruning).
fn shared_inputs(
    project: &Project,
    config: &Config,
    cache: &Cache,
    env: &BuildEnv,
    results: &mut Results,
) -> Result<Global> {
    let global = Global::compute(&project.workspace, &config.profile, Some(cache.dir()), env)?;
    results.live.memos.extend(global.memos.iter().cloned());
    results.keyed = true;
    Ok(global)
}

/// Step 1: serve every example whose source key (from the record of its
/// last build) has a complete cache entry; return the others.
#[allow(clippy::too_many_arguments)] // the session's state, passed explicitly
fn look_up_sources(
    project: &Project,
    config: &Config,
    cache: &Cache,
    global: &Global,
    names: &BTreeSet<String>,
    opts: Options,
    hashes: &mut fingerprint::FileHashes,
    results: &mut Results,
) -> (Vec<Pending>, Vec<Tentative>) {
    let mut pending = Vec::new();
    let mut tentative = Vec::new();
    for name in names {
        if !project.examples.contains_key(name) {
            continue;
        }
        let record = fingerprint::load_record(cache.dir(), global, name);
        if record.is_some() {
            results
                .live
                .records
                .insert(fingerprint::record_path(cache.dir(), global, name));
        }
        let computed = record.as_ref().map(|r| {
            fingerprint::source_key(
                global,
                name,
                r,
                config.data_for(name),
                &project.workspace,
                hashes,
            )
        });
        let (key, fresh) = match computed {
            None => (None, false),
            Some(Ok(k)) => {
                let fresh = record.as_ref().is_some_and(|r| k.scripts_fresh(r));
                (Some(k.key), fresh)
            }
            Some(Err(e)) => {
                results
                    .outcomes
                    .insert(name.clone(), failed(format!("{e:#}")));
                continue;
            }
        };
        let previous = match (&key, opts.force) {
            (None, _) | (_, true) => None,
            (Some(key), false) => {
                results.live.source.insert(key.clone());
                match cache.get(Index::Source, key, name) {
                    Lookup::Hit(entry) if entry.runs >= config.runs && !fresh => {
                        tentative.push(Tentative {
                            name: name.clone(),
                            record: record.clone().unwrap_or_default(),
                            key: key.clone(),
                            entry,
                        });
                        continue;
                    }
                    Lookup::Hit(entry) if entry.runs >= config.runs => {
                        results.live.binary.insert(entry.binary_key.clone());
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
            }
        };
        pending.push(Pending {
            name: name.clone(),
            previous,
        });
    }
    (pending, tentative)
}

/// What one cargo invocation built, and what running its executables gave.
struct BuildRun {
    compiled: crate::compile::Compiled,
    /// When cargo started: a source file newer than this may not be what
    /// was compiled.
    started: std::time::SystemTime,
    /// By example name.
    ran: BTreeMap<String, Ran>,
}

/// What staging and running (or serving by binary key) one executable gave.
struct Ran {
    outcome: Outcome,
    binary_key: Option<String>,
    /// What to store under the example's source key, once it is known.
    entry: Option<Entry>,
}

/// Step 2: one cargo invocation for every example still missing; each
/// executable is staged and run (step 3) the moment cargo reports it, by
/// `jobs` workers, so that running the first examples overlaps with
/// compiling the last ones. Returns `None` when cargo could not run (then
/// every pending example has failed).
fn build_and_run(
    ctx: &RunContext<'_>,
    pending: &[Pending],
    opts: Options,
    env: &BuildEnv,
    results: &mut Results,
) -> Option<BuildRun> {
    let to_build: Vec<String> = pending.iter().map(|p| p.name.clone()).collect();
    results.built += to_build.len();
    let by_name: BTreeMap<&str, &Pending> = pending.iter().map(|p| (p.name.as_str(), p)).collect();
    let started = std::time::SystemTime::now();
    let (ready, linked) = std::sync::mpsc::channel::<(String, PathBuf)>();
    let linked = Mutex::new(linked);
    let ran = Mutex::new(BTreeMap::new());
    let compiled = std::thread::scope(|s| {
        for _ in 0..ctx.config.jobs().min(pending.len()) {
            s.spawn(|| {
                loop {
                    // Ends when cargo's messages have all been read (the
                    // sender is dropped with them).
                    let next = linked
                        .lock()
                        .expect("no panics while holding the lock")
                        .recv();
                    let Ok((name, exe)) = next else { break };
                    let Some(p) = by_name.get(name.as_str()) else {
                        continue;
                    };
                    let done = stage_and_run(p, &exe, ctx);
                    ran.lock()
                        .expect("no panics while holding the lock")
                        .insert(name, done);
                }
            });
        }
        crate::compile::compile(
            &ctx.project.workspace,
            &ctx.config.profile,
            Some(&to_build),
            opts.quiet,
            env,
            Some(ready),
        )
    });
    match compiled {
        Ok(compiled) => Some(BuildRun {
            compiled,
            started,
            ran: ran.into_inner().expect("threads joined"),
        }),
        Err(e) => {
            fail_all(
                results,
                to_build.iter(),
                &format!("could not run cargo: {e:#}"),
            );
            None
        }
    }
}

/// Step 4: once cargo is done, for each example it built, keep the record
/// of what the compiler read and compute its source key from it (unless an
/// input changed while cargo ran: then nothing is recorded, and the next
/// build builds again); report the ones it could not build. Returns each
/// built example with its source key, if any.
fn record_builds(
    ctx: &RunContext<'_>,
    global: &Global,
    pending: Vec<Pending>,
    build: &BuildRun,
    results: &mut Results,
) -> Vec<(String, Option<String>)> {
    let (project, config, cache) = (ctx.project, ctx.config, ctx.cache);
    let (compiled, started) = (&build.compiled, build.started);
    let general = (!compiled.general.is_empty()).then(|| {
        format!(
            "the build failed before this example could be compiled:\n{}",
            compiled.general.join("\n")
        )
    });
    // Hashed afresh: the build may have written files a record lists
    // (`OUT_DIR`), and step 1's hashes are from before it.
    let mut hashes = fingerprint::FileHashes::default();
    let mut built = Vec::new();
    for p in pending {
        if let Some(err) = compiled.errors.get(&p.name) {
            results
                .outcomes
                .insert(p.name, failed(format!("does not compile:\n{err}")));
            continue;
        }
        let Some(exe) = compiled.executables.get(&p.name) else {
            let msg = general
                .clone()
                .unwrap_or_else(|| "cargo produced no executable for it".to_owned());
            results.outcomes.insert(p.name, failed(msg));
            continue;
        };
        let mut source_key = None;
        let example = &project.examples[&p.name];
        let recorded = fingerprint::depinfo::record_for(
            exe,
            &p.name,
            &example.source,
            &project.workspace,
            &compiled.facts,
        )
        .and_then(|record| {
            let key = fingerprint::source_key(
                global,
                &p.name,
                &record,
                config.data_for(&p.name),
                &project.workspace,
                &mut hashes,
            )?;
            Ok((record, key))
        });
        match recorded {
            Ok((mut record, key)) if key.newest.is_none_or(|t| t < started) => {
                record.scripts_hash = key.scripts.clone();
                match fingerprint::save_record(cache.dir(), global, &p.name, &record) {
                    Ok(()) => {
                        results.live.records.insert(fingerprint::record_path(
                            cache.dir(),
                            global,
                            &p.name,
                        ));
                        results.live.source.insert(key.key.clone());
                        source_key = Some(key.key);
                    }
                    Err(e) => results
                        .notes
                        .push(format!("could not write the cache: {e:#}")),
                }
            }
            // An input changed during the build: what was compiled is not
            // what the files now say.
            Ok(_) => {}
            Err(e) => results.notes.push(format!(
                "example `{}`: not cached by source ({e:#}); it will be built again next time",
                p.name
            )),
        }
        built.push((p.name, source_key));
    }
    built
}

/// Step 5: the outcome of each built example, its entry stored under its
/// new source key too.
fn settle(
    ctx: &RunContext<'_>,
    mut ran: BTreeMap<String, Ran>,
    keys: Vec<(String, Option<String>)>,
    results: &mut Results,
) {
    for (name, source_key) in keys {
        let Some(r) = ran.remove(&name) else {
            results.outcomes.insert(
                name,
                failed("cargo reported no executable for it while building".to_owned()),
            );
            continue;
        };
        if let (Some(key), Some(entry)) = (&source_key, &r.entry)
            && let Err(e) = ctx.cache.put(Index::Source, key, entry)
        {
            ctx.note(format!("could not write the cache: {e:#}"));
        }
        results.live.binary.extend(r.binary_key);
        results.outcomes.insert(name, r.outcome);
    }
}

/// What every worker of step 3 shares.
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

/// Step 3: stages one executable, serves its output from the binary index
/// if it is there, and runs it otherwise.
fn stage_and_run(p: &Pending, exe: &Path, ctx: &RunContext<'_>) -> Ran {
    let (binary_key, program) = match stage(ctx.stage_dir, exe, p, ctx.project, ctx.config) {
        Ok(staged) => staged,
        Err(e) => {
            return Ran {
                outcome: failed(format!("{e:#}")),
                binary_key: None,
                entry: None,
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
        let outcome = Outcome {
            output: Ok(entry.output.clone()),
            ran: false,
            cached: true,
        };
        return Ran {
            outcome,
            binary_key: Some(binary_key),
            entry: Some(entry),
        };
    }
    let job = Staged {
        name: p.name.clone(),
        binary_key: binary_key.clone(),
        program,
        previous: p.previous.clone(),
    };
    let (outcome, entry) = execute(&job, ctx);
    Ran {
        outcome,
        binary_key: Some(binary_key),
        entry,
    }
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

/// A session's private staging directory, `run/<pid>-<n>/`, holding the
/// lock file `.lock` for as long as the session lives: the system releases
/// the lock when its process ends, however it ends, so a directory whose
/// lock can be taken belongs to a build that was killed. Removed when
/// dropped.
struct StageDir {
    path: PathBuf,
    /// `None` when the lock could not be made (the directory then fails to
    /// be created too, and each example says why when it is staged).
    lock: Option<std::fs::File>,
}

/// The lock file of a staging directory.
const STAGE_LOCK: &str = ".lock";

/// A staging directory with no lock file older than this was left by a
/// build killed while creating it (or by an older version of the engine).
const UNLOCKED_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

impl StageDir {
    /// Removes what killed builds left in `run_dir`, then makes this
    /// session's directory in it.
    fn create(run_dir: &Path) -> StageDir {
        remove_stale_stages(run_dir);
        // `<pid>-<n>`: sessions of one process (a test binary, a long-lived
        // front end) must not share, and so remove, each other's files.
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let path = run_dir.join(format!(
            "{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        ));
        let lock = Self::lock(&path).ok();
        StageDir { path, lock }
    }

    /// Creates `dir` and its lock file, locked. The file is locked under a
    /// temporary name and then renamed, so that a `.lock` another build
    /// sees is always held (or its holder is gone).
    fn lock(dir: &Path) -> std::io::Result<std::fs::File> {
        std::fs::create_dir_all(dir)?;
        let temp = dir.join(".lock.new");
        let file = std::fs::File::create(&temp)?;
        file.lock()?;
        std::fs::rename(&temp, dir.join(STAGE_LOCK))?;
        Ok(file)
    }
}

impl Drop for StageDir {
    fn drop(&mut self) {
        // Released first: Windows removes no file that is open.
        drop(self.lock.take());
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Removes the staging directories of sessions that are gone: a build
/// killed before it could clean up (SIGKILL, a closed console, a crash)
/// leaves one behind, with executables in it.
fn remove_stale_stages(run_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(run_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let stale = match std::fs::File::open(dir.join(STAGE_LOCK)) {
            // Taken: its holder is gone. Released before the removal.
            Ok(lock) => lock.try_lock().is_ok(),
            Err(_) => entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > UNLOCKED_GRACE)),
        };
        if stale {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Runs a staged executable as many times as the config asks, stores the
/// output under its binary key and returns it, with the entry to store
/// under its source key.
fn execute(job: &Staged, ctx: &RunContext<'_>) -> (Outcome, Option<Entry>) {
    let (project, config) = (ctx.project, ctx.config);
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
                    let outcome = Outcome {
                        output: Err(format!(
                            "is not deterministic: two runs printed different text. Fix the \
                             seed, print fewer decimals, sort what comes from a hash map, and \
                             print no time or address.\n{diff}"
                        )),
                        ran: true,
                        cached: false,
                    };
                    return (outcome, None);
                }
            },
            Err(f) => {
                let outcome = Outcome {
                    output: Err(f.to_string()),
                    ran: true,
                    cached: false,
                };
                return (outcome, None);
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
    if let Err(e) = ctx.cache.put(Index::Binary, &job.binary_key, &entry) {
        ctx.note(format!("could not write the cache: {e:#}"));
    }
    let outcome = Outcome {
        output: Ok(output),
        ran: true,
        cached: false,
    };
    (outcome, Some(entry))
}

/// Removes every cache file that no key of the current state reaches: for
/// each example of `project`, the record of its last build in this
/// configuration, the source key computed from it, and the binary key its
/// entry names; and the current memos. Nothing is built or run.
pub(crate) fn prune_unreachable(
    project: &Project,
    config: &Config,
    env: &BuildEnv,
) -> Result<crate::cache::Pruned> {
    let cache = Cache::new(cache_dir_in(project, config, env));
    let mut results = Results::default();
    let global = shared_inputs(project, config, &cache, env, &mut results)?;
    let mut hashes = fingerprint::FileHashes::default();
    let mut live = results.live;
    for name in project.examples.keys() {
        let Some(record) = fingerprint::load_record(cache.dir(), &global, name) else {
            continue;
        };
        live.records
            .insert(fingerprint::record_path(cache.dir(), &global, name));
        // An example whose key cannot be computed (a declared data file is
        // gone) has no live entry.
        let Ok(key) = fingerprint::source_key(
            &global,
            name,
            &record,
            config.data_for(name),
            &project.workspace,
            &mut hashes,
        ) else {
            continue;
        };
        if let Lookup::Hit(entry) = cache.get(Index::Source, &key.key, name) {
            live.binary.insert(entry.binary_key);
        }
        live.source.insert(key.key);
    }
    cache.prune(&live)
}

/// After a session that covered every example the book uses: prunes what
/// its keys do not reach if the cache holds more than `cache-limit` bytes.
/// Returns what was done, if anything.
pub(crate) fn prune_if_over_limit(
    project: &Project,
    config: &Config,
    results: &Results,
    env: &BuildEnv,
) -> Option<Result<crate::cache::Pruned>> {
    if !results.keyed {
        return None;
    }
    let cache = Cache::new(cache_dir_in(project, config, env));
    (cache.size() > config.cache_limit).then(|| cache.prune(&results.live))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_directories_of_killed_builds_are_removed_and_live_ones_kept() {
        let run = tempfile::tempdir().unwrap();
        // A killed build's: its lock file is there and nobody holds it.
        let killed = run.path().join("4000000-0");
        std::fs::create_dir_all(&killed).unwrap();
        std::fs::write(killed.join(STAGE_LOCK), "").unwrap();
        std::fs::write(killed.join("example-0123456789abcdef"), "an executable").unwrap();
        // One being created this instant: no lock file yet.
        let young = run.path().join("4000001-0");
        std::fs::create_dir_all(&young).unwrap();
        // A live session's, this one's: it holds its lock.
        let live = StageDir::create(run.path());
        assert!(live.lock.is_some());
        std::fs::write(live.path.join("example-fedcba9876543210"), "").unwrap();
        assert!(!killed.exists(), "removed by the session that started");
        let another = StageDir::create(run.path());
        assert!(live.path.join("example-fedcba9876543210").exists());
        assert!(young.exists(), "too young to be a leftover");
        let live_path = live.path.clone();
        drop(live);
        assert!(!live_path.exists(), "a session removes its own");
        drop(another);
        let left: Vec<PathBuf> = std::fs::read_dir(run.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(left, vec![young]);
    }
}
