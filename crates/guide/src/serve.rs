//! `guide serve`: a live preview of the book, built by the same pipeline as
//! `guide build` (engine, KaTeX, the Chinese search index, the build stamp,
//! `examples.zip`), rebuilt when a file that can change the site changes,
//! and reloaded in the browser.
//!
//! - **Drafting mode.** Builds use `BuildOptions { draft: true, .. }`: a
//!   failing example is a red error box on its page (and a report on
//!   stderr), so the preview keeps working while a contributor edits. A
//!   build that fails outright (a broken `book.toml`, a theme error) keeps
//!   the previous site on the air, with a banner naming the error.
//! - **Never half a site.** Every build goes into a fresh directory under
//!   `<target>/guide-serve/`, `build-N.tmp`, renamed to `site-N` when it is
//!   complete; only then does the server switch to it, in one step under a
//!   lock. A request holds the site it started with until it is answered;
//!   a site's directory is removed when the last request using it ends.
//! - **Watching** is by polling modification times and sizes every
//!   [`ServeOptions::poll`] (500 ms): `book.toml`, the chapters, `theme/`,
//!   `data/`, `templates/`, `examples/`, the data files `book.toml` declares,
//!   the workspace's `Cargo.toml` and `Cargo.lock`, and the manifests and
//!   `src/` of the workspace crates (not `crates/guide` or
//!   `crates/mdbook-exec`, which a running server cannot reload). Build
//!   directories (`target/`, the book's `build-dir`), `.git` and editors'
//!   temporary files are ignored. After a change the watcher waits until
//!   the files have been still for [`DEBOUNCE`], then builds once.
//! - **Reload.** Served HTML pages (not the files on disk) get one
//!   `<script src="/__guide/reload.js" data-build-id="N">` before
//!   `</body>`; the script polls [`BUILD_ID_PATH`] every second and reloads
//!   the page when the number differs. The id counts finished builds. The
//!   script is a same-origin file, so a `script-src 'self'` policy allows it.
//! - **Paths.** Only files inside the current site are served: a request
//!   whose decoded path has a `..` segment, a backslash or a NUL is refused
//!   (403), and so is a file whose canonical path leaves the site (a
//!   symlink); anything else missing is a 404 with the site's `404.html`.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let server = guide::serve::Server::start(
//!     std::path::Path::new("book"),
//!     "127.0.0.1:3000".parse()?,
//! )?;
//! server.wait_for_build(0, std::time::Duration::from_secs(600));
//! eprintln!("build {} at http://127.0.0.1:{}/", server.build_id(), server.port());
//! server.stop();
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, Result};

use crate::BuildOptions;

/// The endpoint that answers the id of the last finished build, as text.
pub const BUILD_ID_PATH: &str = "/__guide/build-id";

/// The reload script injected into every served page.
pub const RELOAD_JS_PATH: &str = "/__guide/reload.js";

/// How long files must stay unchanged before a rebuild starts: an editor
/// that saves several files, or writes one in steps, causes one build.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Connections served at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 64;

/// Largest request head read; longer ones get 431.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The script behind [`RELOAD_JS_PATH`].
const RELOAD_JS: &str = r##"// guide serve: reload the page when a new build is served.
(function () {
  var me = document.currentScript;
  var id = me.getAttribute("data-build-id");
  var error = me.getAttribute("data-build-error");
  if (error) {
    var box = document.createElement("div");
    box.setAttribute("role", "alert");
    box.textContent = "上次构建失败，这里仍是之前的版本：" + error;
    var s = box.style;
    s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "1000";
    s.padding = "0.6em 1em"; s.background = "#9b1c1c"; s.color = "#fff";
    s.whiteSpace = "pre-wrap"; s.maxHeight = "40vh"; s.overflow = "auto";
    s.font = "14px/1.5 monospace";
    document.body.appendChild(box);
  }
  function poll() {
    fetch("/__guide/build-id", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (t) {
        if (t.trim() !== id) { location.reload(); } else { setTimeout(poll, 1000); }
      }, function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
"##;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen; port 0 picks a free port ([`Server::port`] says which).
    pub addr: SocketAddr,
    /// Engine options (quiet cargo, ignore the cache).
    pub exec: crate::Options,
    /// How often the watched files are looked at.
    pub poll: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3000),
            exec: crate::Options::default(),
            poll: Duration::from_millis(500),
        }
    }
}

/// A running preview: an HTTP server thread and a watch-and-build thread.
/// Dropping it stops it, like [`Server::stop`].
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    /// `<target>/guide-serve/run-…`, holding every build; removed last.
    dir: Option<tempfile::TempDir>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    finished: Condvar,
    stop: AtomicBool,
    connections: AtomicUsize,
}

#[derive(Debug, Default)]
struct State {
    /// Finished builds, successful or not.
    id: u64,
    /// The site being served: the last successful build.
    site: Option<Arc<Site>>,
    /// Why the last build failed, if it did.
    error: Option<String>,
}

/// One complete build on disk; its directory goes when the last user does.
#[derive(Debug)]
struct Site {
    /// Canonical path of the directory holding `index.html`.
    dir: PathBuf,
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking request thread cannot leave the state half-updated
        // (every update is a few assignments), so a poisoned lock is usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

impl Server {
    /// Starts a preview of the book at `book_root` on `addr`, with default
    /// options. Returns once the port is bound; the first build runs in the
    /// background (pages say "正在构建" until it is done).
    pub fn start(book_root: &Path, addr: SocketAddr) -> Result<Server> {
        Server::start_with(
            book_root,
            &ServeOptions {
                addr,
                ..ServeOptions::default()
            },
        )
    }

    /// [`Server::start`] with every option.
    pub fn start_with(book_root: &Path, opts: &ServeOptions) -> Result<Server> {
        let book_root = std::fs::canonicalize(book_root)
            .with_context(|| format!("no book at {}", book_root.display()))?;
        let watch = Watch::new(&book_root)?;
        let listener = TcpListener::bind(opts.addr).with_context(|| {
            format!(
                "cannot listen on {} (is another `guide serve` running? try --port)",
                opts.addr
            )
        })?;
        let addr = listener.local_addr()?;
        let target = target_dir(&watch.workspace);
        let parent = target.join("guide-serve");
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix("run-")
            .tempdir_in(&parent)
            .with_context(|| format!("creating a directory in {}", parent.display()))?;

        let shared = Arc::new(Shared::default());
        let mut threads = Vec::new();
        {
            let shared = Arc::clone(&shared);
            threads.push(
                std::thread::Builder::new()
                    .name("guide-serve-http".into())
                    .spawn(move || accept_loop(&listener, &shared))?,
            );
        }
        {
            let shared = Arc::clone(&shared);
            let builder = Builder {
                book_root,
                out: dir.path().to_owned(),
                exec: opts.exec,
                url: url_of(addr),
                watch,
                poll: opts.poll,
            };
            threads.push(
                std::thread::Builder::new()
                    .name("guide-serve-build".into())
                    .spawn(move || builder.run(&shared))?,
            );
        }
        Ok(Server {
            addr,
            shared,
            threads,
            dir: Some(dir),
        })
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port listened on (the one picked, when asked for port 0).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The URL of the front page, e.g. `http://127.0.0.1:3000/`.
    pub fn url(&self) -> String {
        url_of(self.addr)
    }

    /// How many builds have finished (0 while the first one runs): what
    /// [`BUILD_ID_PATH`] answers.
    pub fn build_id(&self) -> u64 {
        self.shared.lock().id
    }

    /// Why the last build failed, if it did (the previous site is served).
    pub fn last_error(&self) -> Option<String> {
        self.shared.lock().error.clone()
    }

    /// The directory of the site being served, if a build has succeeded.
    pub fn site_dir(&self) -> Option<PathBuf> {
        self.shared.lock().site.as_ref().map(|s| s.dir.clone())
    }

    /// Waits until a build later than `after` has finished, at most
    /// `timeout`; returns the new build id, or `None` on timeout.
    pub fn wait_for_build(&self, after: u64, timeout: Duration) -> Option<u64> {
        let state = self.shared.lock();
        let (state, _) = self
            .shared
            .finished
            .wait_timeout_while(state, timeout, |s| s.id <= after)
            .unwrap_or_else(|e| e.into_inner());
        (state.id > after).then_some(state.id)
    }

    /// Stops serving and watching, waits for a build in progress to end, and
    /// removes every build this server made.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop, which is blocked in accept().
        let _ = TcpStream::connect_timeout(&wake_addr(self.addr), Duration::from_secs(1));
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        // Sites still held by a request thread are removed with the directory.
        self.shared.lock().site = None;
        self.dir.take();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.threads.is_empty() || self.dir.is_some() {
            self.shutdown();
        }
    }
}

fn url_of(addr: SocketAddr) -> String {
    format!("http://{}/", wake_addr(addr))
}

/// Where to connect to reach a listener on `addr` (an unspecified address
/// is reached through loopback).
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

/// `CARGO_TARGET_DIR`, or `target/` of the workspace, as the engine uses.
fn target_dir(workspace: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(t) if t.is_absolute() => t,
        Some(t) => workspace.join(t),
        None => workspace.join("target"),
    }
}

// ---------------------------------------------------------------------------
// Watching and building

/// What to watch.
#[derive(Debug)]
struct Watch {
    workspace: PathBuf,
    /// Files and directories watched whole.
    roots: Vec<PathBuf>,
    /// Directories never entered.
    skip: Vec<PathBuf>,
}

/// Modification time and size of every watched file.
type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64)>;

/// Workspace crates whose changes do not change the site, or cannot be
/// picked up by a running server.
const UNWATCHED_CRATES: [&str; 2] = ["guide", "mdbook-exec"];

impl Watch {
    fn new(book_root: &Path) -> Result<Watch> {
        let config = mdbook_exec::Config::from_book_toml(book_root)?;
        let toml_path = book_root.join("book.toml");
        let text = std::fs::read_to_string(&toml_path)
            .with_context(|| format!("reading {}", toml_path.display()))?;
        let doc: toml::Table =
            toml::from_str(&text).with_context(|| format!("parsing {}", toml_path.display()))?;
        let setting = |table: &str, key: &str, default: &str| {
            doc.get(table)
                .and_then(|t| t.get(key))
                .and_then(toml::Value::as_str)
                .unwrap_or(default)
                .to_owned()
        };
        let src = setting("book", "src", "src");
        let build_dir = setting("build", "build-dir", "book");
        let workspace_rel = book_root.join(&config.workspace);
        let workspace = std::fs::canonicalize(&workspace_rel)
            .with_context(|| format!("no workspace at {}", workspace_rel.display()))?;

        let mut roots = vec![book_root.join("book.toml"), book_root.join(src)];
        for dir in ["theme", "data", "templates"] {
            roots.push(book_root.join(dir));
        }
        roots.push(workspace.join("examples"));
        roots.push(workspace.join("Cargo.toml"));
        roots.push(workspace.join("Cargo.lock"));
        for ex in config.examples.values() {
            roots.extend(ex.data.iter().map(|d| workspace.join(d)));
        }
        let skip = vec![book_root.join(build_dir)];
        Ok(Watch {
            workspace,
            roots,
            skip,
        })
    }

    /// Every watched root, plus the crates found now (a new crate counts).
    fn current_roots(&self) -> Vec<PathBuf> {
        let mut roots = self.roots.clone();
        if let Ok(entries) = std::fs::read_dir(self.workspace.join("crates")) {
            let mut crates: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_dir()
                        && p.file_name()
                            .is_some_and(|n| !UNWATCHED_CRATES.iter().any(|u| n == *u))
                })
                .collect();
            crates.sort();
            for c in crates {
                roots.push(c.join("Cargo.toml"));
                roots.push(c.join("src"));
            }
        }
        roots
    }

    fn snapshot(&self) -> Snapshot {
        let mut snap = Snapshot::new();
        for root in self.current_roots() {
            let walk = walkdir::WalkDir::new(&root).into_iter().filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                !(e.file_type().is_dir()
                    && (name == "target"
                        || name == ".git"
                        || self.skip.contains(&e.path().to_path_buf())))
            });
            // A root that does not exist (yet) has no files; unreadable
            // entries are skipped and show up once readable.
            for entry in walk.flatten() {
                if !entry.file_type().is_file() || is_scratch(&entry.file_name().to_string_lossy())
                {
                    continue;
                }
                if let Ok(meta) = entry.metadata() {
                    snap.insert(entry.path().to_owned(), (meta.modified().ok(), meta.len()));
                }
            }
        }
        snap
    }

    /// The files that differ between two snapshots, relative to the
    /// workspace when inside it.
    fn changes(&self, before: &Snapshot, after: &Snapshot) -> Vec<String> {
        let mut changed: Vec<&PathBuf> = after
            .iter()
            .filter(|(p, v)| before.get(*p) != Some(v))
            .map(|(p, _)| p)
            .collect();
        changed.extend(before.keys().filter(|p| !after.contains_key(*p)));
        changed.sort();
        changed.dedup();
        changed
            .into_iter()
            .map(|p| {
                p.strip_prefix(&self.workspace)
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect()
    }
}

/// Editors' temporary and backup files, which never change the site.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

struct Builder {
    book_root: PathBuf,
    out: PathBuf,
    exec: crate::Options,
    url: String,
    watch: Watch,
    poll: Duration,
}

impl Builder {
    fn run(self, shared: &Shared) {
        let mut snap = self.watch.snapshot();
        let mut n = 0;
        let mut reason = "first build".to_owned();
        loop {
            n += 1;
            self.build(n, &reason, shared);
            // Wait for a change, then for the files to be still.
            let mut current = loop {
                if sleep(shared, self.poll) {
                    return;
                }
                let now = self.watch.snapshot();
                if now != snap {
                    break now;
                }
            };
            loop {
                if sleep(shared, DEBOUNCE) {
                    return;
                }
                let again = self.watch.snapshot();
                if again == current {
                    break;
                }
                current = again;
            }
            let changes = self.watch.changes(&snap, &current);
            snap = current;
            reason = describe(&changes);
            eprintln!("serve: changed: {reason}");
        }
    }

    fn build(&self, n: u64, reason: &str, shared: &Shared) {
        eprintln!("serve: build {n} ({reason})…");
        let started = Instant::now();
        let staging = self.out.join(format!("build-{n}.tmp"));
        let result = self.build_into(&staging, &self.out.join(format!("site-{n}")));
        if staging.exists() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        if shared.stopping() {
            // Ctrl-C also interrupts cargo: what failed now is of no interest.
            return;
        }
        let secs = started.elapsed().as_secs_f64();
        let old = {
            let mut state = shared.lock();
            state.id += 1;
            match result {
                Ok(site) => {
                    state.error = None;
                    eprintln!("serve: build {n} ready in {secs:.1} s: {}", self.url);
                    state.site.replace(Arc::new(site))
                }
                Err(e) => {
                    let message = format!("{e:#}");
                    match &state.site {
                        Some(_) => eprintln!(
                            "serve: build {n} failed after {secs:.1} s; still serving the last good build\nerror: {message}"
                        ),
                        None => {
                            eprintln!("serve: build {n} failed after {secs:.1} s\nerror: {message}")
                        }
                    }
                    state.error = Some(message);
                    None
                }
            }
        };
        // The old site's files are removed outside the lock (unless a request
        // still holds it: then when that request ends), and before waiters
        // hear of the new build.
        drop(old);
        shared.finished.notify_all();
    }

    /// Builds into `staging`, then renames the finished site to `dest`.
    fn build_into(&self, staging: &Path, dest: &Path) -> Result<Site> {
        let opts = BuildOptions {
            dest: Some(staging.to_owned()),
            draft: true,
            exec: self.exec,
            stock_search: false,
        };
        let built = crate::build(&self.book_root, &opts)?;
        std::fs::rename(&built.html_dir, dest).with_context(|| {
            format!("moving {} to {}", built.html_dir.display(), dest.display())
        })?;
        let dir = std::fs::canonicalize(dest)?;
        Ok(Site { dir })
    }
}

/// "a, b and 3 more files".
fn describe(changes: &[String]) -> String {
    const SHOWN: usize = 5;
    match changes.len() {
        0 => "files touched".to_owned(),
        n if n <= SHOWN => changes.join(", "),
        n => format!("{} and {} more", changes[..SHOWN].join(", "), n - SHOWN),
    }
}

/// Sleeps for `d` in short steps; true when the server is stopping.
fn sleep(shared: &Shared, d: Duration) -> bool {
    let end = Instant::now() + d;
    loop {
        if shared.stopping() {
            return true;
        }
        let now = Instant::now();
        if now >= end {
            return false;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(50)));
    }
}

// ---------------------------------------------------------------------------
// HTTP

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping() {
            break;
        }
        let Ok(stream) = stream else { continue };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let conn = Connection(Arc::clone(shared));
        let spawned = std::thread::Builder::new()
            .name("guide-serve-conn".into())
            .spawn(move || {
                let _ = handle(stream, &conn.0);
                drop(conn);
            });
        if let Err(e) = spawned {
            eprintln!("serve: cannot answer a request: {e}");
        }
    }
}

/// Counts a connection until dropped (also when its thread panics).
struct Connection(Arc<Shared>);

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An HTTP response.
#[derive(Debug)]
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type,
            body: body.into(),
            location: None,
        }
    }

    fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", format!("{body}\n"))
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let (response, head_only) = match read_head(&mut stream)? {
        None => (Response::text(431, "request head too large"), false),
        Some(head) => {
            let line = head.lines().next().unwrap_or("");
            let mut parts = line.split(' ');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                // A target with control characters could smuggle headers
                // into a redirect's Location.
                (Some(method), Some(target), Some(version), None)
                    if version.starts_with("HTTP/1.")
                        && !target.contains(|c: char| c.is_ascii_control()) =>
                {
                    match method {
                        "GET" => (respond(shared, target), false),
                        "HEAD" => (respond(shared, target), true),
                        _ => (Response::text(405, "only GET and HEAD"), false),
                    }
                }
                _ => (Response::text(400, "bad request"), false),
            }
        }
    };
    write_response(&mut stream, &response, head_only)
}

/// Reads up to the blank line ending the request head; `None` if it is
/// longer than [`MAX_HEAD_BYTES`].
fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() > MAX_HEAD_BYTES {
            return Ok(None);
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

fn write_response(stream: &mut TcpStream, r: &Response, head_only: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if r.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    if let Some(loc) = &r.location {
        head.push_str(&format!("Location: {loc}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// What a request target names inside the site.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A path relative to the site root (empty for the root itself), and
    /// whether the request ended in `/`.
    File(PathBuf, bool),
    /// An attempt to leave the site.
    Forbidden,
    /// Not a path (no leading `/`, bad percent-encoding).
    Bad,
}

/// Decodes a request path (query and fragment already removed).
fn resolve(path: &str) -> Target {
    if !path.starts_with('/') {
        return Target::Bad;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Target::Bad;
    };
    let mut rel = PathBuf::new();
    for seg in decoded.split('/') {
        if seg == ".." || seg.contains(['\\', '\0']) || (cfg!(windows) && seg.contains(':')) {
            return Target::Forbidden;
        }
        if !seg.is_empty() && seg != "." {
            rel.push(seg);
        }
    }
    Target::File(rel, decoded.ends_with('/'))
}

fn respond(shared: &Shared, target: &str) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let (id, site, error) = {
        let state = shared.lock();
        (state.id, state.site.clone(), state.error.clone())
    };
    if path == BUILD_ID_PATH {
        return Response::text(200, &id.to_string());
    }
    if path == RELOAD_JS_PATH {
        return Response::new(200, "text/javascript; charset=utf-8", RELOAD_JS);
    }
    let (rel, slash) = match resolve(path) {
        Target::File(rel, slash) => (rel, slash),
        Target::Forbidden => return Response::text(403, "forbidden: outside the site"),
        Target::Bad => return Response::text(400, "bad request path"),
    };
    let Some(site) = site else {
        return placeholder(id, error.as_deref());
    };
    let mut file = site.dir.join(&rel);
    if file.is_dir() {
        if !slash && !rel.as_os_str().is_empty() {
            let mut r = Response::text(301, "moved");
            r.location = Some(format!("{path}/"));
            return r;
        }
        file.push("index.html");
    }
    match std::fs::canonicalize(&file) {
        Ok(real) if !real.starts_with(&site.dir) => {
            return Response::text(403, "forbidden: outside the site");
        }
        Ok(real) if real.is_file() => {
            if let Ok(bytes) = std::fs::read(&real) {
                return page(200, &real, bytes, id, error.as_deref());
            }
        }
        _ => {}
    }
    let not_found = site.dir.join("404.html");
    match std::fs::read(&not_found) {
        Ok(bytes) => page(404, &not_found, bytes, id, error.as_deref()),
        Err(_) => Response::text(404, "not found"),
    }
}

/// A file of the site, HTML with the reload script added.
fn page(status: u16, file: &Path, bytes: Vec<u8>, id: u64, error: Option<&str>) -> Response {
    let content_type = content_type(file);
    if content_type.starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes);
        return Response::new(status, content_type, inject(&html, id, error));
    }
    Response::new(status, content_type, bytes)
}

/// The page shown before the first build has succeeded.
fn placeholder(id: u64, error: Option<&str>) -> Response {
    let body = match error {
        None => "<p>正在构建……完成后本页自动刷新。</p>".to_owned(),
        Some(e) => format!("<p>构建失败，修改后自动重建：</p><pre>{}</pre>", escape(e)),
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-Hans\"><head><meta charset=\"utf-8\">\
         <title>guide serve</title></head><body><main>{body}</main></body></html>\n"
    );
    Response::new(503, "text/html; charset=utf-8", inject(&html, id, None))
}

/// `html` with the reload script before its last `</body>` (or at the end).
fn inject(html: &str, id: u64, error: Option<&str>) -> String {
    let error = error.map_or(String::new(), |e| {
        format!(" data-build-error=\"{}\"", escape(e))
    });
    let tag = format!("<script src=\"{RELOAD_JS_PATH}\" data-build-id=\"{id}\"{error}></script>\n");
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn content_type(file: &Path) -> &'static str {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "zip" => "application/zip",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_kept_inside_the_site() {
        let file = |p: &str, slash| Target::File(PathBuf::from(p), slash);
        assert_eq!(resolve("/"), file("", true));
        assert_eq!(resolve("/index.html"), file("index.html", false));
        assert_eq!(resolve("/a/./b.html"), file("a/b.html", false));
        assert_eq!(resolve("//a//b/"), file("a/b", true));
        assert_eq!(
            resolve("/%E6%B3%A8%E6%84%8F.html"),
            file("注意.html", false)
        );
        assert_eq!(resolve("/%252e%252e/x"), file("%2e%2e/x", false));
        for bad in [
            "/../Cargo.toml",
            "/a/../../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E%2FCargo.toml",
            "/..%2fCargo.toml",
            "/..%5cCargo.toml",
            "/a%5c..%5c..%5cCargo.toml",
            "/index.html%00.js",
        ] {
            assert_eq!(resolve(bad), Target::Forbidden, "{bad}");
        }
        assert_eq!(resolve("index.html"), Target::Bad);
        assert_eq!(resolve("/%ff%fe"), Target::Bad);
    }

    #[test]
    fn the_script_goes_before_the_last_body_end_tag() {
        let html = "<html><body><p>&lt;/body&gt;</p></body></html>";
        let out = inject(html, 7, None);
        assert_eq!(
            out,
            "<html><body><p>&lt;/body&gt;</p><script src=\"/__guide/reload.js\" \
             data-build-id=\"7\"></script>\n</body></html>"
        );
        let out = inject("<p>no body", 1, Some("bad \"toml\" <x>"));
        assert!(out.starts_with("<p>no body<script"), "{out}");
        assert!(
            out.contains("data-build-error=\"bad &quot;toml&quot; &lt;x&gt;\""),
            "{out}"
        );
    }

    #[test]
    fn scratch_files_are_ignored_and_changes_are_named() {
        for name in [".chapter.md.swp", "#a.md#", "a.md~", "4913", ".#a.md"] {
            assert!(is_scratch(name), "{name}");
        }
        assert!(!is_scratch("chapter.md"));
        let list: Vec<String> = (1..=7).map(|i| format!("f{i}")).collect();
        assert_eq!(describe(&list[..2]), "f1, f2");
        assert_eq!(describe(&list), "f1, f2, f3, f4, f5 and 2 more");
    }

    #[test]
    fn an_unspecified_address_is_reached_through_loopback() {
        assert_eq!(
            wake_addr("0.0.0.0:81".parse().unwrap()),
            "127.0.0.1:81".parse().unwrap()
        );
        assert_eq!(url_of("[::]:82".parse().unwrap()), "http://[::1]:82/");
    }
}
