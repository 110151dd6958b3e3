//! The reader's site, checked without a browser: a book is rendered once into
//! a temporary directory through mdBook with the KaTeX preprocessor in-process
//! and the Chinese search index, then the output is inspected.
//!
//! - nothing is loaded from another host (`script src`, `link href`,
//!   `img src`, CSS `url(`), no KaTeX CDN, no playground;
//! - every page with maths holds typeset `.katex` and no `katex-error`, and
//!   the KaTeX stylesheet is the version the renderer bundles;
//! - every internal link and `#anchor` resolves (Chinese anchors decoded);
//! - the search index answers Chinese queries, in Rust and, where `node` is
//!   installed, through the browser's own code (`guide-search/search.js`),
//!   which must rank exactly as the Rust model does.
//!
//! Two books go through the same checks:
//! - `fixture::*`: the fixture under `tests/fixtures/book/` (every shape of
//!   HTML the chapters and the engine produce, hand-written) with the real
//!   `book/book.toml` and `book/theme/`, rendered with KaTeX in-process and
//!   no examples run: fast, always on;
//! - `real::*`: the real book through `guide::build`, the code path of
//!   `guide build` (it compiles and runs every example, from the cache when
//!   nothing changed).

use anyhow::{Context, Result};
use guide::search;
use mdbook_driver::MDBook;
use mdbook_driver::config::Config;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The workspace root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A rendered site: its HTML output and the Markdown it came from.
struct Site {
    html: PathBuf,
    src: PathBuf,
    stats: search::SearchStats,
}

/// The fixture book, rendered once per test process.
fn fixture_site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| build_fixture().expect("building the fixture book"))
}

/// The real book, rendered once per test process by `guide::build`.
fn real_site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| build_real().expect("building the real book"))
}

fn build_real() -> Result<Site> {
    let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-real");
    if dest.exists() {
        std::fs::remove_dir_all(&dest)?;
    }
    let root = workspace().join("book");
    let opts = guide::BuildOptions {
        dest: Some(dest),
        ..guide::BuildOptions::default()
    };
    let built = guide::build(&root, &opts)?;
    Ok(Site {
        html: built.html_dir,
        src: root.join("src"),
        stats: built.search.context("the book has search on")?,
    })
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// The fixture's Markdown with the real book's configuration and theme, built
/// as `guide build` builds the real book: KaTeX in-process, mdBook's index
/// off, then our search index. The example engine is not run: its HTML is in
/// the fixture.
fn build_fixture() -> Result<Site> {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-fixture");
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/book");
    copy_dir(&fixture.join("src"), &root.join("src"))?;
    copy_dir(&workspace().join("book/theme"), &root.join("theme"))?;

    let mut config = Config::from_disk(workspace().join("book/book.toml"))?;
    // Keep the katex table (its options matter: no-css) but run it in-process;
    // drop the other preprocessors, whose output the fixture holds already.
    let mut katex: serde_json::Value = config
        .get("preprocessor.katex")?
        .context("book.toml has no [preprocessor.katex]")?;
    katex.as_object_mut().unwrap().remove("command");
    config.set("preprocessor", serde_json::json!({ "katex": katex }))?;
    config.set("build.extra-watch-dirs", Vec::<String>::new())?;
    let html = root.join("out");
    config.set("build.build-dir", &html)?;

    search::disable_mdbook_index(&mut config)?;

    let mut book = MDBook::load_with_config(&root, config)?;
    book.with_preprocessor(guide::katex::Katex);
    book.build()?;
    let stats = search::write_index(&html, &guide::search_pages(&book), None)?;
    guide::stamp::stamp_pages(&html, &guide::stamp::Stamp::current(&workspace()))?;
    Ok(Site {
        html,
        src: root.join("src"),
        stats,
    })
}

/// Every file under `dir` with one of `exts`, sorted.
fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| exts.iter().any(|x| e == *x))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rel<'a>(site: &Site, path: &'a Path) -> &'a Path {
    path.strip_prefix(&site.html).unwrap_or(path)
}

/// The values of attribute `attr` on elements `tag` in `html`.
fn attrs(html: &str, tag: &str, attr: &str) -> Vec<String> {
    let re = Regex::new(&format!(r#"(?is)<{tag}\b[^>]*?\s{attr}\s*=\s*"([^"]*)""#)).unwrap();
    re.captures_iter(html)
        .map(|c| unescape_html(&c[1]))
        .collect()
}

fn unescape_html(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn is_remote(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("http:") || u.starts_with("https:") || u.starts_with("//")
}

fn nothing_is_loaded_from_another_host(site: &Site) {
    let mut bad = Vec::new();
    let url_re = Regex::new(r#"url\(\s*['"]?([^'")]+)"#).unwrap();
    for page in files(&site.html, &["html"]) {
        let html = read(&page);
        let mut urls = attrs(&html, "script", "src");
        urls.extend(attrs(&html, "link", "href"));
        urls.extend(attrs(&html, "img", "src"));
        urls.extend(attrs(&html, "source", "src"));
        urls.extend(attrs(&html, "iframe", "src"));
        urls.extend(url_re.captures_iter(&html).map(|c| c[1].to_owned()));
        for url in urls.into_iter().filter(|u| is_remote(u)) {
            bad.push(format!("{}: {url}", rel(site, &page).display()));
        }
        for host in [
            "cdn.jsdelivr",
            "play.rust-lang.org",
            "fonts.googleapis",
            "cdnjs",
        ] {
            if html.contains(host) {
                bad.push(format!("{}: mentions {host}", rel(site, &page).display()));
            }
        }
    }
    for css in files(&site.html, &["css"]) {
        for c in url_re.captures_iter(&read(&css)) {
            if is_remote(&c[1]) {
                bad.push(format!("{}: url({})", rel(site, &css).display(), &c[1]));
            }
        }
    }
    assert!(bad.is_empty(), "third-party requests:\n{}", bad.join("\n"));
}

fn every_css_url_resolves_to_a_served_file(site: &Site) {
    let url_re = Regex::new(r#"url\(\s*['"]?([^'")]+)"#).unwrap();
    let mut bad = Vec::new();
    let mut katex_fonts = 0;
    for css in files(&site.html, &["css"]) {
        for c in url_re.captures_iter(&read(&css)) {
            let url = &c[1];
            if url.starts_with("data:") || url.starts_with('#') {
                continue;
            }
            assert!(
                !url.contains("{{"),
                "unresolved directive in {}",
                css.display()
            );
            let target = css
                .parent()
                .unwrap()
                .join(url.split(['?', '#']).next().unwrap());
            if !target.is_file() {
                bad.push(format!("{}: {url}", rel(site, &css).display()));
            }
            if url.contains("KaTeX_") {
                katex_fonts += 1;
            }
        }
    }
    assert!(
        bad.is_empty(),
        "CSS urls to missing files:\n{}",
        bad.join("\n")
    );
    assert!(
        katex_fonts >= 20,
        "KaTeX fonts not referenced ({katex_fonts})"
    );
}

#[test]
fn katex_stylesheet_matches_the_renderer() {
    let css = read(&workspace().join("book/theme/katex.min.css"));
    let re = Regex::new(r#"katex-version:after\{content:"([^"]+)"\}"#).unwrap();
    let version = &re.captures(&css).expect("katex-version in katex.min.css")[1];
    assert_eq!(
        version,
        katex::KATEX_VERSION.trim(),
        "book/theme/katex.min.css is KaTeX {version} but the renderer is {}: \
         update VERSION/INTEGRITY in scripts/fetch-katex.sh and rerun it",
        katex::KATEX_VERSION.trim()
    );
    // woff2 only, every font present, through mdBook's resource directive.
    let font_re = Regex::new(r#"url\(([^)]*)\)"#).unwrap();
    for c in font_re.captures_iter(&css) {
        let url = &c[1];
        let name = url
            .strip_prefix(r#"{{ resource "fonts/"#)
            .and_then(|s| s.strip_suffix(r#"" }}"#))
            .unwrap_or_else(|| panic!("font url not through {{{{ resource }}}}: {url}"));
        assert!(name.ends_with(".woff2"), "{name}");
        assert!(
            workspace().join("book/theme/fonts").join(name).is_file(),
            "missing font {name}"
        );
    }
}

fn maths_is_typeset_on_every_page_that_has_some(site: &Site) {
    let mut with_maths = 0;
    for md in files(&site.src, &["md"]) {
        let source = read(&md);
        // mdBook renders README.md as index.html.
        let rel_md = md.strip_prefix(&site.src).unwrap();
        let rel_md = if rel_md.file_name().unwrap() == "README.md" {
            rel_md.with_file_name("index.md")
        } else {
            rel_md.to_owned()
        };
        let page = site.html.join(rel_md).with_extension("html");
        if page.file_name().unwrap() == "SUMMARY.html" {
            continue;
        }
        let html = read(&page);
        assert!(
            !html.contains("katex-error"),
            "{}: KaTeX error",
            page.display()
        );
        // KaTeX's text must not turn into Markdown markup: `\tilde` renders
        // a literal `~`, and two make a strikethrough across its spans.
        if !source.contains("~~") {
            assert!(
                !html.contains("<del>"),
                "{}: a strikethrough the source does not have (KaTeX text read as Markdown)",
                page.display()
            );
        }
        if source.contains('$') {
            with_maths += 1;
            assert!(
                html.contains(r#"class="katex""#),
                "{}: maths not typeset",
                page.display()
            );
            assert!(
                html.contains("theme/katex-"),
                "{}: KaTeX stylesheet not linked",
                page.display()
            );
        }
    }
    assert!(with_maths >= 1, "no page with maths");
    let print = read(&site.html.join("print.html"));
    assert!(print.contains(r#"class="katex-display""#) && !print.contains("katex-error"));
}

fn every_internal_link_and_anchor_resolves(site: &Site) {
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let id_re = Regex::new(r#"\sid="([^"]*)""#).unwrap();
    let pages = files(&site.html, &["html"]);
    for page in &pages {
        let html = read(page);
        ids.insert(
            page.clone(),
            id_re
                .captures_iter(&html)
                .map(|c| unescape_html(&c[1]))
                .collect(),
        );
    }

    let mut bad = Vec::new();
    let mut checked = 0;
    let mut check = |from: &Path, base: &Path, href: &str| {
        if href.is_empty()
            || is_remote(href)
            || href.starts_with("data:")
            || href.starts_with("mailto:")
            || href.starts_with("javascript:")
        {
            return;
        }
        let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
        let path = path.split('?').next().unwrap();
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .unwrap_or_else(|_| s.to_owned())
        };
        let target = if path.is_empty() {
            from.to_owned()
        } else if let Some(abs) = path.strip_prefix('/') {
            site.html.join(decode(abs))
        } else {
            base.join(decode(path))
        };
        let target = normalize(&target);
        checked += 1;
        if !target.exists() {
            bad.push(format!("{}: {href} (no file)", rel(site, from).display()));
            return;
        }
        let fragment = decode(fragment);
        if !fragment.is_empty() && target.extension().is_some_and(|e| e == "html") {
            let known = ids.get(&target).is_some_and(|s| s.contains(&fragment));
            if !known {
                bad.push(format!(
                    "{}: {href} (no id {fragment:?})",
                    rel(site, from).display()
                ));
            }
        }
    };
    for page in &pages {
        let html = read(page);
        let base = page.parent().unwrap();
        for tag_attr in [
            ("a", "href"),
            ("link", "href"),
            ("script", "src"),
            ("img", "src"),
        ] {
            for href in attrs(&html, tag_attr.0, tag_attr.1) {
                // 404.html uses site-url ("/") absolute links; others are relative.
                check(page, base, &href);
            }
        }
    }
    // The sidebar lives in toc-<hash>.js, its links relative to the root.
    let href_re = Regex::new(r#"href=\\?"([^"\\]*)\\?""#).unwrap();
    for toc in files(&site.html, &["js"])
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("toc"))
    {
        for c in href_re.captures_iter(&read(&toc)) {
            check(&toc, &site.html, &c[1]);
        }
    }
    assert!(bad.is_empty(), "broken links:\n{}", bad.join("\n"));
    assert!(checked > 50, "only {checked} links checked");
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn assert_finds(index: &search::SearchIndex, query: &str, url_prefix: &str) {
    let found = index.urls(query);
    assert!(
        found.iter().any(|u| u.starts_with(url_prefix)),
        "query {query:?} should find {url_prefix}, found {found:?}"
    );
}

/// Every chapter title of SUMMARY.md with two or more Hanzi is found by a
/// substring of it (from its middle, so not a prefix).
fn chapter_titles_are_found(site: &Site) {
    let index = search::SearchIndex::load(&site.html).unwrap();
    let link = Regex::new(r"\[([^\]]+)\]\(([^)]+\.md)\)").unwrap();
    let hanzi = Regex::new(r"[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}]{2,}").unwrap();
    let mut checked = 0;
    for c in link.captures_iter(&read(&site.src.join("SUMMARY.md"))) {
        let Some(run) = hanzi
            .find_iter(&c[1])
            .map(|m| m.as_str())
            .max_by_key(|r| r.chars().count())
        else {
            continue;
        };
        let chars: Vec<char> = run.chars().collect();
        let len = chars.len().min(3);
        let at = (chars.len() - len) / 2;
        let query: String = chars[at..at + len].iter().collect();
        let page = c[2]
            .replace("README.md", "index.md")
            .replace(".md", ".html");
        assert_finds(&index, &query, &page);
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} chapter titles searched");
}

/// The queries every site is searched for: the fixture's, and every term of
/// the real book's glossary (`book/data/glossary.toml`), whole and cut.
fn queries() -> Vec<String> {
    let mut q: Vec<String> = [
        "注意力",
        "积注",
        "勘误",
        "困惑度",
        "Transformer",
        "transformer 架构",
        "softmax 饱和",
        "soft",
        "s",
        "量子纠缠",
        "注",
        "多头注意力的形状",
        "已验证",
        "KV cache",
        "2026",
        "，。",
    ]
    .map(str::to_owned)
    .to_vec();
    let glossary: toml::Value =
        toml::from_str(&read(&workspace().join("book/data/glossary.toml"))).unwrap();
    let terms = glossary["term"].as_array().expect("[[term]] entries");
    for entry in terms {
        for key in ["zh", "en"] {
            let Some(t) = entry.get(key).and_then(toml::Value::as_str) else {
                continue;
            };
            let chars: Vec<char> = t.chars().collect();
            if chars.len() > 3 {
                q.push(chars[1..chars.len() - 1].iter().collect());
            }
            q.push(t.to_owned());
        }
    }
    q.sort();
    q.dedup();
    q
}

/// Runs the browser's search code (`guide-search/search.js`, its DOM-free
/// core) in node on the site's index and checks that every query ranks the
/// same sections in the same order as [`search::SearchIndex`] (skipped where
/// node is not installed: the Rust model is then what the other tests check).
fn browser_search_agrees_with_rust(site: &Site, min_found: usize) {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("node not found: skipping the search.js check");
        return;
    }
    let queries = queries();
    let script = r#"
        const fs = require('fs'), vm = require('vm'), path = require('path');
        const [site, queries] = process.argv.slice(1);
        const root = path.join(site, 'guide-search');
        const ctx = { window: {}, console };
        vm.createContext(ctx);
        vm.runInContext(fs.readFileSync(path.join(root, 'search.js'), 'utf8'), ctx);
        const data = {};
        const put = (k, v) => { data[k] = v; };
        const load = (file) => {
          const c = { window: { __guideSearch: { put } } };
          vm.createContext(c);
          vm.runInContext(fs.readFileSync(file, 'utf8'), c);
        };
        load(path.join(root, 'index.js'));
        const manifest = data.index;
        load(path.join(root, manifest.dir, 'words.js'));
        const getShard = (k) => {
          const key = 's' + k;
          if (!(key in data)) {
            const f = path.join(root, manifest.dir, key + '.js');
            if (fs.existsSync(f)) load(f); else data[key] = null;
          }
          return data[key];
        };
        const core = ctx.window.guideSearchCore;
        const out = {};
        for (const q of JSON.parse(queries)) {
          out[q] = { tokens: core.tokenizeQuery(q), docs: Array.from(core.search(manifest, q, getShard, data.words)) };
        }
        console.log(JSON.stringify(out));
    "#;
    let output = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(&site.html)
        .arg(serde_json::to_string(&queries).unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let index = search::SearchIndex::load(&site.html).unwrap();
    let mut nonempty = 0;
    for q in &queries {
        let tokens: Vec<String> = serde_json::from_value(result[q]["tokens"].clone()).unwrap();
        assert_eq!(tokens, search::tokenize_query(q), "tokens of {q:?}");
        let docs: Vec<usize> = serde_json::from_value(result[q]["docs"].clone()).unwrap();
        let expected: Vec<usize> = index.search(q).iter().map(|h| h.doc).collect();
        assert_eq!(docs, expected, "ranking of {q:?}");
        nonempty += usize::from(!docs.is_empty());
    }
    assert!(
        nonempty >= min_found,
        "only {nonempty} of {} queries found anything",
        queries.len()
    );
}

/// The index is small where a reader pays for it: the manifest every query
/// loads and each shard a token loads.
fn the_index_is_sharded(site: &Site) {
    let stats = &site.stats;
    eprintln!("{stats:?}");
    assert!(stats.documents > 10, "{stats:?}");
    assert!(stats.shards.is_power_of_two(), "{stats:?}");
    assert!(
        stats.largest_shard_bytes < 100 * 1024,
        "a shard is {} bytes",
        stats.largest_shard_bytes
    );
    assert!(
        stats.manifest_bytes < 150 * 1024,
        "the manifest is {} bytes",
        stats.manifest_bytes
    );
    // mdBook's own index and search scripts are not written.
    for f in files(&site.html, &["js"]) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.starts_with("searchindex") && !name.starts_with("elasticlunr"),
            "{name} was written"
        );
    }
    // Every page loads the front end on demand, not up front.
    let html = read(&site.html.join("index.html"));
    assert!(html.contains("guide-search/search.js"), "no loader");
    assert!(!html.contains("searcher"), "mdBook's searcher.js is linked");
}

/// Every code block's language is one the bundled highlight.js knows (a
/// name it registers or an alias): otherwise the browser logs a warning and
/// shows the block unhighlighted.
fn code_languages_are_known_to_highlight_js(site: &Site) {
    let hljs = files(&site.html, &["js"])
        .into_iter()
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("highlight")
        })
        .map(|p| read(&p))
        .expect("no highlight-*.js");
    let mut known: BTreeSet<String> = Regex::new(r#"registerLanguage\("([^"]+)""#)
        .unwrap()
        .captures_iter(&hljs)
        .map(|c| c[1].to_owned())
        .collect();
    for list in Regex::new(r"aliases:\[([^\]]*)\]")
        .unwrap()
        .captures_iter(&hljs)
    {
        known.extend(list[1].split(',').map(|a| a.trim_matches('"').to_owned()));
    }
    let class = Regex::new(r#"<code class="language-([^" ]+)"#).unwrap();
    let mut unknown = Vec::new();
    for page in files(&site.html, &["html"]) {
        for c in class.captures_iter(&read(&page)) {
            if !known.contains(&c[1]) {
                unknown.push(format!("{}: {}", rel(site, &page).display(), &c[1]));
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "languages highlight.js does not know:\n{}",
        unknown.join("\n")
    );
}

fn theme_files_are_on_every_page(site: &Site) {
    for page in files(&site.html, &["html"]) {
        let html = read(&page);
        if !html.contains("<main>") || page.ends_with("toc.html") {
            continue; // redirects, and the no-JavaScript sidebar frame
        }
        for needle in [
            "theme/zh-",
            "theme/katex-",
            "theme/zh-ui-",
            r#"lang="zh-Hans""#,
            r#"<p class="zh-build-stamp">构建于 "#,
        ] {
            assert!(
                html.contains(needle),
                "{}: no {needle}",
                rel(site, &page).display()
            );
        }
    }
}

/// The fixture book: always checked.
mod fixture {
    use super::*;

    #[test]
    fn nothing_is_loaded_from_another_host() {
        super::nothing_is_loaded_from_another_host(fixture_site());
    }

    #[test]
    fn every_css_url_resolves_to_a_served_file() {
        super::every_css_url_resolves_to_a_served_file(fixture_site());
    }

    #[test]
    fn maths_is_typeset_on_every_page_that_has_some() {
        super::maths_is_typeset_on_every_page_that_has_some(fixture_site());
    }

    #[test]
    fn every_internal_link_and_anchor_resolves() {
        super::every_internal_link_and_anchor_resolves(fixture_site());
    }

    #[test]
    fn chapter_titles_are_found() {
        super::chapter_titles_are_found(fixture_site());
    }

    #[test]
    fn chinese_queries_find_their_sections() {
        let index = search::SearchIndex::load(&fixture_site().html).unwrap();
        let hit = |q: &str, url: &str| assert_finds(&index, q, url);
        hit("注意力", "attention.html#缩放点积注意力");
        hit("点积", "attention.html#缩放点积注意力");
        hit("积注", "attention.html#缩放点积注意力"); // across a word boundary
        hit("勘误", "attention.html#缩放点积注意力");
        hit("多头注意力的形状", "attention.html#多头注意力的形状");
        hit("困惑度", "glossary.html#困惑度");
        hit("平移不变", "attention.html#练习");
        hit("Transformer", "preface.html#前言");
        hit("softmax 饱和", "attention.html#缩放点积注意力");
        hit("已验证", "engine.html#完整示例"); // engine blocks are indexed
        assert!(index.urls("量子纠缠").is_empty());
        assert!(index.urls("注意力困惑").is_empty());
        // A heading that names the query ranks first.
        assert_eq!(
            index.urls("困惑度").first().map(String::as_str),
            Some("glossary.html#困惑度")
        );
    }

    #[test]
    fn the_index_is_sharded() {
        super::the_index_is_sharded(fixture_site());
    }

    #[test]
    fn browser_search_agrees_with_rust() {
        // The fixture knows a few of the glossary's terms.
        super::browser_search_agrees_with_rust(fixture_site(), 10);
    }

    #[test]
    fn theme_files_are_on_every_page() {
        super::theme_files_are_on_every_page(fixture_site());
    }
}

/// The real book through `guide::build`: the same checks.
mod real {
    use super::*;

    #[test]
    fn nothing_is_loaded_from_another_host() {
        super::nothing_is_loaded_from_another_host(real_site());
    }

    #[test]
    fn every_css_url_resolves_to_a_served_file() {
        super::every_css_url_resolves_to_a_served_file(real_site());
    }

    #[test]
    fn maths_is_typeset_on_every_page_that_has_some() {
        super::maths_is_typeset_on_every_page_that_has_some(real_site());
    }

    #[test]
    fn every_internal_link_and_anchor_resolves() {
        super::every_internal_link_and_anchor_resolves(real_site());
    }

    #[test]
    fn chapter_titles_are_found() {
        super::chapter_titles_are_found(real_site());
    }

    #[test]
    fn the_index_is_sharded() {
        super::the_index_is_sharded(real_site());
    }

    #[test]
    fn browser_search_agrees_with_rust() {
        // The real book has a page for every glossary term.
        super::browser_search_agrees_with_rust(real_site(), queries().len() / 2);
    }

    #[test]
    fn theme_files_are_on_every_page() {
        super::theme_files_are_on_every_page(real_site());
    }

    #[test]
    fn code_languages_are_known_to_highlight_js() {
        super::code_languages_are_known_to_highlight_js(real_site());
    }
}
