//! `guide serve` as a browser sees it: a live preview of a copy of the
//! engine's `good` fixture book, fetched over loopback with plain HTTP/1.1
//! requests, edited while it runs.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use guide::serve::{BUILD_ID_PATH, RELOAD_JS_PATH, ServeOptions, Server};

/// Generous: the first build compiles the fixture's examples.
const FIRST_BUILD: Duration = Duration::from_secs(240);
/// A rebuild after an edit.
const REBUILD: Duration = Duration::from_secs(90);

fn start(book: &Path) -> Server {
    let opts = ServeOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        exec: guide::Options {
            quiet: true,
            force: false,
        },
        poll: Duration::from_millis(100),
    };
    let server = Server::start_with(book, &opts).expect("starting the server");
    assert_ne!(server.port(), 0);
    server
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

fn request(port: u16, raw: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let body = &bytes[split + 4..];
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no length in {head:?}"));
    if !raw.starts_with("HEAD ") {
        assert_eq!(body.len(), length, "the whole body arrives: {head}");
    }
    Reply {
        status,
        head,
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

fn get(port: u16, target: &str) -> Reply {
    request(
        port,
        &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

fn first_build(server: &Server) -> u64 {
    let id = server
        .wait_for_build(0, FIRST_BUILD)
        .expect("the first build finishes");
    assert_eq!(server.last_error(), None, "the fixture builds");
    id
}

/// Waits for a build after `after` whose `page` satisfies `wanted`, and
/// returns its id (an edit of two files can cause one build or two).
fn rebuilt(server: &Server, after: u64, page: &str, wanted: impl Fn(&str) -> bool) -> u64 {
    let deadline = std::time::Instant::now() + REBUILD;
    let mut id = after;
    loop {
        if let Some(next) = server.wait_for_build(id, Duration::from_millis(500)) {
            id = next;
        }
        if id > after && wanted(&get(server.port(), page).body) {
            return id;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no build after {after} served what was expected on {page} (now build {id}, error {:?})",
            server.last_error()
        );
    }
}

#[test]
fn serves_the_full_pipeline_with_the_reload_script_and_rebuilds_on_edits() {
    let ws = mdbook_exec::testing::fixture("good").unwrap();
    let book = ws.path().join("book");
    let server = start(&book);
    let port = server.port();
    let id = first_build(&server);

    // The site is built under target/, not book/book.
    let site = server.site_dir().unwrap();
    assert!(
        site.starts_with(std::fs::canonicalize(ws.path()).unwrap().join("target")),
        "{}",
        site.display()
    );
    assert!(
        !book.join("book").exists(),
        "nothing is written to book/book"
    );

    let index = get(port, "/index.html");
    assert_eq!(index.status, 200, "{}", index.head);
    assert!(
        index
            .head
            .contains("Content-Type: text/html; charset=utf-8")
    );
    let tag = format!("<script src=\"{RELOAD_JS_PATH}\" data-build-id=\"{id}\"></script>");
    assert!(index.body.contains(&tag), "{}", index.body);
    assert!(index.body.trim_end().ends_with("</html>"));
    let on_disk = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        !on_disk.contains(RELOAD_JS_PATH),
        "the script is added when serving, not to the built files"
    );
    assert_eq!(get(port, "/").body, index.body, "/ is index.html");

    let id_reply = get(port, BUILD_ID_PATH);
    assert_eq!(id_reply.status, 200);
    assert_eq!(id_reply.body.trim(), id.to_string());
    let js = get(port, RELOAD_JS_PATH);
    assert!(js.head.contains("text/javascript"), "{}", js.head);
    assert!(
        js.body.contains(BUILD_ID_PATH) && js.body.contains("location.reload()"),
        "{}",
        js.body
    );

    // The whole pipeline: verified examples, KaTeX, the Chinese search
    // index, the build stamp and examples.zip.
    let chapter = get(port, "/chapter.html");
    assert_eq!(chapter.status, 200);
    assert!(
        chapter.body.contains("answer = 42"),
        "verified output shown"
    );
    assert!(chapter.body.contains("class=\"katex"), "maths typeset");
    assert!(!chapter.body.contains("exec-error"));
    assert!(
        !chapter.body.contains(guide::stamp::MARKER),
        "pages are stamped"
    );
    let manifest = get(port, "/guide-search/index.js");
    assert_eq!(manifest.status, 200, "the Chinese index");
    assert!(manifest.body.contains("window.__guideSearch.put(\"index\""));
    assert_eq!(get(port, "/guide-search/search.js").status, 200);
    let zip = get(port, "/examples.zip");
    assert_eq!(zip.status, 200);
    assert!(zip.head.contains("Content-Type: application/zip"));

    // Edit a chapter: a new build serves the new text, and every request
    // made meanwhile gets a complete page.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hammer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut seen = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let r = get(port, "/chapter.html");
                assert_eq!(r.status, 200, "{}", r.head);
                assert!(r.body.trim_end().ends_with("</html>"), "a complete page");
                seen += 1;
            }
            seen
        })
    };
    let chapter_md = book.join("src/chapter.md");
    let text = std::fs::read_to_string(&chapter_md).unwrap();
    std::fs::write(
        &chapter_md,
        text.replace("照常排版", "照常排版，热重载可见"),
    )
    .unwrap();
    let id2 = rebuilt(&server, id, "/chapter.html", |b| b.contains("热重载可见"));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(hammer.join().unwrap() > 0);
    assert!(
        get(port, "/chapter.html")
            .body
            .contains(&format!("data-build-id=\"{id2}\""))
    );
    assert_eq!(get(port, BUILD_ID_PATH).body.trim(), id2.to_string());
    // A request still holding the old site removes it when it ends.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while site.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!site.exists(), "the replaced build is removed");

    // Edit an example and its documented output together.
    let hello = ws.path().join("examples/hello.rs");
    let src = std::fs::read_to_string(&hello).unwrap();
    std::fs::write(&hello, src.replace("answer = 42", "answer = 43")).unwrap();
    let stdout = ws.path().join("examples/hello.stdout");
    let out = std::fs::read_to_string(&stdout).unwrap();
    std::fs::write(&stdout, out.replace("answer = 42", "answer = 43")).unwrap();
    // Verified: the new output is shown and no error box.
    let id3 = rebuilt(&server, id2, "/chapter.html", |b| {
        b.contains("answer = 43") && !b.contains("exec-error")
    });

    // An output that no longer matches: drafting mode shows an error box and
    // the preview goes on.
    std::fs::write(&stdout, out.replace("answer = 42", "answer = 44")).unwrap();
    rebuilt(&server, id3, "/chapter.html", |b| {
        b.contains("exec-error") && b.contains("answer = 44")
    });
    assert_eq!(
        server.last_error(),
        None,
        "a failing example fails no build"
    );

    let dir = server.site_dir().unwrap();
    server.stop();
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens after stop"
    );
    assert!(!dir.exists(), "stop removes the builds");
}

#[test]
fn a_broken_build_keeps_the_last_site_and_says_why() {
    let ws = mdbook_exec::testing::fixture("good").unwrap();
    let book = ws.path().join("book");
    let server = start(&book);
    let port = server.port();
    let id = first_build(&server);
    let before = get(port, "/chapter.html").body;

    let toml = book.join("book.toml");
    let good = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{good}\n[output.html\n")).unwrap();
    // The first build may have written Cargo.lock, which triggers a good
    // build of its own: wait for the failing one.
    let deadline = std::time::Instant::now() + REBUILD;
    let mut failed = id;
    let error = loop {
        failed = server
            .wait_for_build(failed, REBUILD)
            .expect("the broken build finishes");
        if let Some(e) = server.last_error() {
            break e;
        }
        assert!(std::time::Instant::now() < deadline, "no build failed");
    };
    assert!(error.contains("Invalid configuration file"), "{error}");
    let page = get(port, "/chapter.html");
    assert_eq!(page.status, 200, "the last good site is still served");
    assert!(page.body.contains("answer = 42"));
    assert!(page.body.contains("data-build-error=\""), "{}", page.body);
    assert_eq!(
        page.body.replace(
            &format!(
                "data-build-id=\"{failed}\" data-build-error=\"{}\"",
                error
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
            ),
            &format!("data-build-id=\"{id}\"")
        ),
        before,
        "the same page, with the error on its script tag"
    );

    std::fs::write(&toml, good).unwrap();
    let fixed = server.wait_for_build(failed, REBUILD).expect("a new build");
    assert_eq!(server.last_error(), None);
    assert!(
        get(port, "/chapter.html")
            .body
            .contains(&format!("data-build-id=\"{fixed}\"></script>"))
    );
}

#[test]
fn nothing_outside_the_site_is_served() {
    let ws = mdbook_exec::testing::fixture("good").unwrap();
    let book = ws.path().join("book");
    // Before the first build is done, every page says it is building.
    let server = start(&book);
    let port = server.port();
    let early = get(port, "/index.html");
    if early.status == 503 {
        assert!(early.body.contains("正在构建"), "{}", early.body);
        assert!(early.body.contains("data-build-id=\"0\""));
    } else {
        assert_eq!(early.status, 200, "the first build was quick");
    }
    first_build(&server);

    for target in [
        "/../Cargo.toml",
        "/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/%2E%2E/Cargo.toml",
        "/%2e%2e%2fCargo.toml",
        "/..%2f..%2fCargo.toml",
        "/..%5cCargo.toml",
        "/%252e%252e/Cargo.toml",
        "//etc/passwd",
        "/chapter.html%00",
    ] {
        let r = get(port, target);
        assert!(
            r.status == 403 || r.status == 404,
            "{target}: {}\n{}",
            r.head,
            r.body
        );
        assert!(
            !r.body.contains("fixture-good") && !r.body.contains("root:"),
            "{target} leaked a file"
        );
    }
    assert_eq!(get(port, "/../Cargo.toml").status, 403);

    let missing = get(port, "/no-such-page.html");
    assert_eq!(missing.status, 404, "{}", missing.head);
    assert!(
        missing.body.contains(RELOAD_JS_PATH),
        "the site's 404 page, reloading too"
    );
    assert_eq!(get(port, "/no/such/file.css").status, 404);
    assert_eq!(get(port, "/chapter.html?x=1#y").status, 200);

    let head = request(
        port,
        "HEAD /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    let post = request(
        port,
        "POST /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(post.status, 405);
    assert!(post.head.contains("Allow: GET, HEAD"));
    assert_eq!(request(port, "nonsense\r\n\r\n").status, 400);
    assert_eq!(
        request(port, "GET /src\rLocation:x HTTP/1.1\r\n\r\n").status,
        400
    );
    assert_eq!(get(port, "index.html").status, 400);
    server.stop();
}
