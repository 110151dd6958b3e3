//! Chinese full-text search that scales: a sharded bigram index.
//!
//! mdBook 0.5.4 splits text only on whitespace and `-`, and elasticlunr's
//! trimmer then strips every CJK character from the query, so the stock
//! index finds no Chinese word at all (rust-lang/mdBook#1081). It is also
//! one file that every reader downloads whole, and grows with the book.
//!
//! `guide build` therefore turns mdBook's index and search scripts off
//! ([`disable_mdbook_index`]) while keeping its search box, and after the
//! render [`write_index`] reads the `<main>` of every rendered chapter, cuts
//! it into sections at its headings (as mdBook does), and writes
//! `guide-search/`:
//!
//! - `index.js`, a manifest of a few hundred bytes (format version, number
//!   of sections and shards, a hash of the files for cache busting);
//! - `data/s<k>.js`: the postings of every token whose FNV-1a hash falls in
//!   shard `k`;
//! - `data/d<n>.js`: what a result shows for section `n` (URL, title,
//!   breadcrumbs, text);
//! - `data/words.js`: the sorted words, for the prefix search of a query's
//!   last word;
//! - `search.js`, the front end (`crates/guide/assets/search.js`), which the
//!   page's template loads only when a reader opens search.
//!
//! A query downloads the manifest, one shard per token and the sections it
//! shows: its size depends on the query, not on the size of the book. Every
//! file is a script calling `window.__guideSearch.put(key, value)`, so search
//! works from `file://`, where `fetch` is refused. `docs/search.md` gives the
//! format, the figures and the decision against Pagefind.
//!
//! Tokens: a run of Hanzi (and kana/Hangul) becomes its characters and its
//! overlapping bigrams; a query's run of two or more becomes its bigrams
//! only, and every token must match (boolean AND), which behaves like a
//! substring search. Any other run of letters, digits and `_` is one
//! lower-cased word; a query word also matches the words it begins.
//! Ranking is BM25F over title, body and breadcrumbs. [`SearchIndex`] runs
//! the same query in Rust; the site test checks that the browser agrees.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let pages = vec![guide::search::Page {
//!     url: "intro.html".into(),
//!     chapter: "前言".into(),
//!     parents: vec![],
//! }];
//! let stats = guide::search::write_index(std::path::Path::new("book/book"), &pages, None)?;
//! eprintln!("search: {} sections in {} shards", stats.documents, stats.shards);
//! # Ok(())
//! # }
//! ```

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Words (non-CJK tokens) longer than this many characters are not indexed,
/// as in mdBook, which drops tokens over 80 bytes (mostly ASCII here).
pub const MAX_WORD_CHARS: usize = 80;

/// Headings up to this level start a new section, as mdBook's default
/// `heading-split-level`.
pub const SPLIT_LEVEL: u8 = 3;

/// A shard is sized to hold about this many bytes of postings: small enough
/// that a query's few shards stay far below the 300 KB a reader should
/// download, large enough that a small book is not thousands of files.
pub const TARGET_SHARD_BYTES: usize = 16 * 1024;

/// BM25F field weights: title, body, breadcrumbs. A match in a heading says
/// more about a section than one in its text.
pub const FIELD_WEIGHTS: [f64; 3] = [3.0, 1.0, 1.0];
/// BM25's term-frequency saturation.
pub const K1: f64 = 1.2;
/// BM25's length normalisation. Low, because a long section that mentions a
/// term often is usually the one that explains it.
pub const B: f64 = 0.3;
/// Score factor of a word that matched only as the prefix of a longer word.
pub const PREFIX_WEIGHT: f64 = 0.5;
/// At most this many words are tried for one query prefix: each may cost a
/// shard to download.
pub const MAX_EXPANSIONS: usize = 8;
/// A query's last word is also taken as a prefix when it has at least this
/// many characters (`k` alone would stand for hundreds of words).
pub const MIN_PREFIX_CHARS: usize = 2;
/// A section's file holds at most this many characters of its text, for
/// the teaser of a result.
pub const MAX_SHOWN_CHARS: usize = 3000;

/// The directory, under the HTML output, that holds the index.
pub const DIR: &str = "guide-search";

/// The directory, under [`DIR`], of shards and sections.
const DATA: &str = "data";

/// The front end the page template loads on demand.
const FRONT_END: &str = include_str!("../assets/search.js");

/// The format version in the manifest; `search.js` refuses another.
const VERSION: u32 = 2;

/// One rendered chapter to index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path of the HTML file relative to the site root, with `/`
    /// (`part1/math/index.html`).
    pub url: String,
    /// The chapter's name in `SUMMARY.md`.
    pub chapter: String,
    /// The names of its parent chapters, outermost first.
    pub parents: Vec<String>,
}

/// One search result's worth of text: a page's text up to its first heading,
/// or a heading and the text up to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `page.html#heading-id`, or `page.html` before the first heading.
    pub url: String,
    /// The heading's text (the chapter's name before the first heading).
    pub title: String,
    /// Parent chapters, the chapter and the heading, joined with ` » `.
    pub breadcrumbs: String,
    /// The section's text, whitespace collapsed.
    pub body: String,
}

/// What [`write_index`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchStats {
    /// Number of indexed sections.
    pub documents: usize,
    /// Number of shards (a power of two; empty ones are not written).
    pub shards: usize,
    /// Distinct tokens.
    pub distinct_tokens: usize,
    /// Bytes of the manifest, `guide-search/index.js`.
    pub manifest_bytes: usize,
    /// Bytes of the largest shard file.
    pub largest_shard_bytes: usize,
    /// Bytes of everything under `guide-search/`.
    pub total_bytes: usize,
}

/// Makes a loaded book render without mdBook's own index: its search box
/// stays (`search_enabled`), its scripts and `searchindex.js` are not written
/// (`copy-js = false`, which the template reads as `search_js`), and no
/// chapter is indexed, which spares the render the cost of elasticlunr.
///
/// # Errors
///
/// Fails if the configuration cannot be changed (never for a loaded book).
pub fn disable_mdbook_index(config: &mut mdbook_driver::config::Config) -> Result<()> {
    config.set("output.html.search.copy-js", false)?;
    // An empty path is a prefix of every chapter's path.
    config.set(
        "output.html.search.chapter",
        json!({ "": { "enable": false } }),
    )?;
    Ok(())
}

/// Indexes the rendered `pages` of the site in `html_dir` and writes
/// `guide-search/` there. Files of an earlier index (in place, or `kept`
/// aside by [`set_aside`]) that would be written with the same bytes are left
/// alone, and files the new index has no use for are deleted.
///
/// # Errors
///
/// Fails if a page is missing or has no `<main>`, or on I/O errors.
pub fn write_index(html_dir: &Path, pages: &[Page], kept: Option<Kept>) -> Result<SearchStats> {
    let mut sections = Vec::new();
    for page in pages {
        let path = html_dir.join(&page.url);
        let html = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} to index it", path.display()))?;
        let main = main_of(&html).with_context(|| {
            format!(
                "{} has no <main>…</main>: does the theme's index.hbs keep it?",
                path.display()
            )
        })?;
        sections.extend(page_sections(main, page));
    }
    let index = Index::build(&sections);
    let dir = html_dir.join(DIR);
    if let Some(kept) = kept
        && !dir.exists()
    {
        // Best effort: without the earlier files every file is new.
        let _ = std::fs::rename(kept.dir.path().join(DIR), &dir);
    }
    index.write(&dir)
}

/// An earlier build's `guide-search/`, moved out of the HTML directory while
/// mdBook renders (it empties that directory first), so that
/// [`write_index`] only rewrites the files that changed. On this project's
/// file system creating a file costs ten times overwriting one, and the
/// index is hundreds of files: a warm rebuild that recreated them all would
/// cost more than the render. Dropped unused, it deletes the files.
#[derive(Debug)]
pub struct Kept {
    dir: tempfile::TempDir,
}

/// Moves `html_dir/guide-search` aside, next to `html_dir` (a rename, so on
/// the same file system); `None` if there is none or it cannot be moved.
pub fn set_aside(html_dir: &Path) -> Option<Kept> {
    let current = html_dir.join(DIR);
    if !current.is_dir() {
        return None;
    }
    let parent = html_dir.parent()?;
    let dir = tempfile::Builder::new()
        .prefix(".guide-search-")
        .tempdir_in(parent)
        .ok()?;
    std::fs::rename(&current, dir.path().join(DIR)).ok()?;
    Some(Kept { dir })
}

/// The text between `<main>` and `</main>`.
fn main_of(html: &str) -> Option<&str> {
    let start = html.find("<main>")? + "<main>".len();
    let end = html[start..].rfind("</main>")? + start;
    Some(&html[start..end])
}

/// Splits tokens out of `text` as they are stored in the index: lower-cased
/// words, and for each CJK run its characters and its bigrams.
pub fn tokenize_index(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for run in runs(text) {
        match run {
            Run::Word(w) => tokens.push(w),
            Run::Cjk(chars) => {
                tokens.extend(chars.iter().map(char::to_string));
                tokens.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
            }
        }
    }
    tokens
}

/// Splits a query as `search.js` does in the browser: words as in
/// [`tokenize_index`], each CJK run as its bigrams only (a lone character as
/// itself), duplicates removed.
pub fn tokenize_query(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut push = |t: String| {
        if !tokens.contains(&t) {
            tokens.push(t);
        }
    };
    for run in runs(text) {
        match run {
            Run::Word(w) => push(w),
            Run::Cjk(chars) if chars.len() == 1 => push(chars[0].to_string()),
            Run::Cjk(chars) => chars
                .windows(2)
                .for_each(|w| push(w.iter().collect::<String>())),
        }
    }
    tokens
}

/// 32-bit FNV-1a of the token's UTF-8 bytes: cheap, and easy to write the
/// same way in JavaScript (`Math.imul`).
pub fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// One token source: a word, or a run of CJK characters.
enum Run {
    Word(String),
    Cjk(Vec<char>),
}

/// Hanzi (with 々 and 〇), kana and Hangul syllables: scripts written without
/// spaces. Astral-plane ideographs are left out: JavaScript and Rust would
/// have to agree on surrogate pairs, and they are rare enough not to matter.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007
        | 0x3040..=0x309F      // hiragana
        | 0x30A0..=0x30FA | 0x30FC..=0x30FF // katakana, without the middle dot
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xAC00..=0xD7AF      // Hangul syllables
        | 0xF900..=0xFAFF) // CJK compatibility ideographs
}

/// Characters of a word: JavaScript's `[\p{Alphabetic}\p{N}_]` in the BMP.
fn is_word(c: char) -> bool {
    (c.is_alphanumeric() || c == '_') && (c as u32) < 0x1_0000
}

/// Splits lower-cased `text` into words and CJK runs.
fn runs(text: &str) -> Vec<Run> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut word = String::new();
    let mut cjk = Vec::new();
    let flush_word = |word: &mut String, out: &mut Vec<Run>| {
        if !word.is_empty() {
            if word.chars().count() <= MAX_WORD_CHARS {
                out.push(Run::Word(std::mem::take(word)));
            } else {
                word.clear();
            }
        }
    };
    let flush_cjk = |cjk: &mut Vec<char>, out: &mut Vec<Run>| {
        if !cjk.is_empty() {
            out.push(Run::Cjk(std::mem::take(cjk)));
        }
    };
    for c in lower.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            cjk.push(c);
        } else if is_word(c) {
            flush_cjk(&mut cjk, &mut out);
            word.push(c);
        } else {
            flush_word(&mut word, &mut out);
            flush_cjk(&mut cjk, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_cjk(&mut cjk, &mut out);
    out
}

// ---- Sections of a rendered page ------------------------------------------

/// Elements whose content is not text a reader searches for: scripts,
/// styles, figures drawn in SVG (their caption is text beside them), and
/// KaTeX's MathML and visual layers.
const SKIPPED: &[&str] = &["script", "style", "svg", "math", "template", "button"];

/// Elements that separate words; any other tag (`em`, `code`, `a`, `span`…)
/// sits inside running text, where a space would split a Chinese word.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "img",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// A tag of the page's HTML, as far as indexing cares.
struct Tag<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: &'a str,
}

impl Tag<'_> {
    /// The value of attribute `name`, entities decoded.
    fn attr(&self, name: &str) -> Option<String> {
        let mut rest = self.attrs;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                return None;
            }
            let key_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
                .unwrap_or(rest.len());
            let key = &rest[..key_end];
            rest = rest[key_end..].trim_start();
            let value = if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (value, next) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let end = after[1..].find(q).map_or(after.len(), |i| i + 1);
                        (&after[1..end], &after[(end + 1).min(after.len())..])
                    }
                    _ => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                rest = next;
                value
            } else {
                ""
            };
            if key.eq_ignore_ascii_case(name) {
                return Some(decode_entities(value));
            }
        }
    }

    /// Whether indexing skips this element and everything in it.
    fn skipped(&self) -> bool {
        SKIPPED.contains(&self.name.as_str())
            || self.attr("aria-hidden").as_deref() == Some("true")
            || self.attr("hidden").is_some()
            || self
                .attr("class")
                .is_some_and(|c| c.split_whitespace().any(|c| c == "katex-html"))
    }

    /// `h1`…`h6` → 1…6.
    fn heading_level(&self) -> Option<u8> {
        let b = self.name.as_bytes();
        (b.len() == 2 && b[0] == b'h' && (b'1'..=b'6').contains(&b[1])).then(|| b[1] - b'0')
    }
}

/// Elements that have no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Reads the tag at the start of `s` (which begins with `<`); returns it and
/// its length, or `None` if `s` does not start a tag (a stray `<`).
fn read_tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_end = inner
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let self_closing = inner.ends_with('/');
    Some((
        Tag {
            name,
            closing,
            self_closing,
            attrs: &inner[name_end..],
        },
        end + 1,
    ))
}

/// Decodes the character references mdBook and KaTeX write.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Collapses runs of whitespace into one space and trims.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts the `<main>` HTML of `page` into sections at its `h1`–`h3` headings
/// that have an `id`, as mdBook's own index does.
pub fn page_sections(main: &str, page: &Page) -> Vec<Section> {
    let mut crumbs_base = page.parents.clone();
    crumbs_base.push(page.chapter.clone());
    let mut sections = Vec::new();
    let mut id: Option<String> = None;
    let mut heading = String::new();
    let mut body = String::new();
    let mut in_heading: Option<u8> = None;
    // Name and nesting depth of the element being skipped.
    let mut skipping: Option<(String, usize)> = None;

    let mut finish = |id: &Option<String>, heading: &str, body: &str| {
        let title = collapse(heading);
        let body = collapse(body);
        if title.is_empty() && body.is_empty() {
            return;
        }
        let mut crumbs = crumbs_base.clone();
        if !title.is_empty() && title != page.chapter {
            crumbs.push(title.clone());
        }
        sections.push(Section {
            url: match id {
                Some(id) => format!("{}#{id}", page.url),
                None => page.url.clone(),
            },
            title: if title.is_empty() {
                page.chapter.clone()
            } else {
                title
            },
            breadcrumbs: crumbs.join(" » "),
            body,
        });
    };

    let mut rest = main;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skipping.is_none() {
                let text = decode_entities(rest);
                if in_heading.is_some() {
                    &mut heading
                } else {
                    &mut body
                }
                .push_str(&text);
            }
            break;
        };
        if lt > 0 {
            if skipping.is_none() {
                let text = decode_entities(&rest[..lt]);
                if in_heading.is_some() {
                    &mut heading
                } else {
                    &mut body
                }
                .push_str(&text);
            }
            rest = &rest[lt..];
            continue;
        }
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some((tag, len)) = read_tag(rest) else {
            // A `<` that starts no tag is text.
            if skipping.is_none() {
                if in_heading.is_some() {
                    &mut heading
                } else {
                    &mut body
                }
                .push('<');
            }
            rest = &rest[1..];
            continue;
        };
        rest = &rest[len..];
        if let Some((name, depth)) = &mut skipping {
            if *name == tag.name && !is_void(&tag.name) && !tag.self_closing {
                if tag.closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else {
                    *depth += 1;
                }
            }
            continue;
        }
        if !tag.closing && tag.skipped() {
            if !is_void(&tag.name) && !tag.self_closing {
                skipping = Some((tag.name.clone(), 1));
            }
            continue;
        }
        let level = tag.heading_level().filter(|&l| l <= SPLIT_LEVEL);
        match (level, tag.closing) {
            (Some(l), false) => {
                if let Some(heading_id) = tag.attr("id") {
                    finish(&id, &heading, &body);
                    heading.clear();
                    body.clear();
                    id = Some(heading_id);
                    in_heading = Some(l);
                }
            }
            (Some(l), true) if in_heading == Some(l) => in_heading = None,
            _ => {
                if BLOCKS.contains(&tag.name.as_str()) {
                    if in_heading.is_some() {
                        &mut heading
                    } else {
                        &mut body
                    }
                    .push(' ');
                }
            }
        }
    }
    finish(&id, &heading, &body);
    sections
}

// ---- The index -------------------------------------------------------------

/// An inverted index of sections, ready to be written or queried.
struct Index<'a> {
    sections: &'a [Section],
    /// Token → postings `(section, weight)`, sections ascending; the weight
    /// is [`field_weight`] in thousandths.
    postings: BTreeMap<String, Vec<(u32, u32)>>,
}

/// The part of a token's BM25F score that depends on the section: its
/// length-normalised, saturated count in each field, weighted by
/// [`FIELD_WEIGHTS`]. The query side multiplies it by the token's idf. Done
/// here, once, so that the browser needs neither lengths nor floats.
fn field_weight(counts: [u32; 3], lens: [u32; 3], avg: [f64; 3]) -> f64 {
    let mut sum = 0.0;
    for f in 0..3 {
        if counts[f] == 0 {
            continue;
        }
        let tf = f64::from(counts[f]);
        let ratio = if avg[f] == 0.0 {
            1.0
        } else {
            f64::from(lens[f]) / avg[f]
        };
        sum += FIELD_WEIGHTS[f] * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * ratio));
    }
    sum
}

impl<'a> Index<'a> {
    fn build(sections: &'a [Section]) -> Index<'a> {
        let mut counts_of: Vec<BTreeMap<String, [u32; 3]>> = Vec::with_capacity(sections.len());
        let mut lens = Vec::with_capacity(sections.len());
        for s in sections {
            let mut counts: BTreeMap<String, [u32; 3]> = BTreeMap::new();
            let mut len = [0; 3];
            for (f, text) in [&s.title, &s.body, &s.breadcrumbs].into_iter().enumerate() {
                let tokens = tokenize_index(text);
                len[f] = u32::try_from(tokens.len()).unwrap_or(u32::MAX);
                for t in tokens {
                    counts.entry(t).or_default()[f] += 1;
                }
            }
            lens.push(len);
            counts_of.push(counts);
        }
        let mut avg = [0.0; 3];
        for len in &lens {
            for f in 0..3 {
                avg[f] += f64::from(len[f]);
            }
        }
        if !lens.is_empty() {
            avg = avg.map(|a| a / lens.len() as f64);
        }
        let mut postings: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
        for (n, counts) in counts_of.into_iter().enumerate() {
            let n = u32::try_from(n).expect("fewer than 2^32 sections");
            for (t, c) in counts {
                let w = (field_weight(c, lens[n as usize], avg) * 1000.0).round();
                // At least 1: a section that holds the token must stay a hit.
                postings.entry(t).or_default().push((n, (w as u32).max(1)));
            }
        }
        Index { sections, postings }
    }

    /// The number of shards: a power of two, so that a shard holds about
    /// [`TARGET_SHARD_BYTES`] of postings.
    fn shard_count(&self) -> usize {
        let bytes: usize = self
            .postings
            .iter()
            .map(|(t, p)| t.len() + 6 + p.len() * 9)
            .sum();
        bytes
            .div_ceil(TARGET_SHARD_BYTES)
            .max(1)
            .next_power_of_two()
    }

    /// The words (non-CJK tokens), sorted as JavaScript sorts strings (by
    /// UTF-16 code units), for prefix search.
    fn words(&self) -> Vec<&String> {
        let mut w: Vec<&String> = self
            .postings
            .keys()
            .filter(|t| !t.chars().any(is_cjk))
            .collect();
        w.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        w
    }

    fn write(&self, dir: &Path) -> Result<SearchStats> {
        use std::fmt::Write as _;
        let shards = self.shard_count();
        let mask = u32::try_from(shards - 1).expect("shard count fits u32");
        // Written by hand rather than through `serde_json::Value`: a shard
        // is a flat list of numbers per token, and building a `Value` for
        // each costs more than writing the text.
        let mut shard_texts: BTreeMap<u32, String> = BTreeMap::new();
        for (token, list) in &self.postings {
            let text = shard_texts.entry(fnv1a(token) & mask).or_default();
            text.push(if text.is_empty() { '{' } else { ',' });
            text.push_str(&serde_json::to_string(token)?);
            text.push_str(":[");
            for (i, (n, w)) in list.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                write!(text, "{sep}{n},{w}")?;
            }
            text.push(']');
        }
        let mut files: Vec<(String, String)> = Vec::new();
        for (k, mut text) in shard_texts {
            text.push('}');
            let key = format!("s{k}");
            let script = format!("window.__guideSearch.put(\"{key}\",{text});\n");
            files.push((key, script));
        }
        for (n, s) in self.sections.iter().enumerate() {
            let key = format!("d{n}");
            let value = json!({
                "url": s.url,
                "title": s.title,
                "breadcrumbs": s.breadcrumbs,
                "body": shown_body(&s.body),
            });
            files.push((key.clone(), jsonp(&key, &value)));
        }
        files.push(("words".into(), jsonp("words", &json!(self.words()))));

        // The manifest's `v` is a hash of every file: `search.js` adds it to
        // each URL it loads (`?v=`), so a browser that cached files of an
        // earlier build does not mix them with this one's.
        let mut hash = fnv1a(FRONT_END);
        for (key, text) in &files {
            hash = fnv1a_continue(hash, key.as_bytes());
            hash = fnv1a_continue(hash, text.as_bytes());
        }
        let manifest = json!({
            "version": VERSION,
            "dir": DATA,
            "v": format!("{hash:08x}"),
            "shards": shards,
            "docs": self.sections.len(),
            "prefix_weight": PREFIX_WEIGHT,
            "max_expansions": MAX_EXPANSIONS,
            "min_prefix": MIN_PREFIX_CHARS,
        });
        let manifest = jsonp("index", &manifest);

        let mut largest = 0;
        let mut total = manifest.len() + FRONT_END.len();
        let mut wanted: BTreeMap<PathBuf, &str> = BTreeMap::new();
        for (key, text) in &files {
            if key.starts_with('s') {
                largest = largest.max(text.len());
            }
            total += text.len();
            wanted.insert(Path::new(DATA).join(format!("{key}.js")), text);
        }
        wanted.insert("index.js".into(), &manifest);
        wanted.insert("search.js".into(), FRONT_END);
        sync(dir, &wanted)?;
        Ok(SearchStats {
            documents: self.sections.len(),
            shards,
            distinct_tokens: self.postings.len(),
            manifest_bytes: manifest.len(),
            largest_shard_bytes: largest,
            total_bytes: total,
        })
    }
}

/// The start of a section's text, as much as a result's teaser may show:
/// the text is indexed whole, but a reader who opens one result should not
/// download a whole long section for it.
fn shown_body(body: &str) -> &str {
    match body.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((at, _)) => &body[..at],
        None => body,
    }
}

/// FNV-1a over more bytes, from hash `h`.
fn fnv1a_continue(h: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// Makes `dir` hold exactly `files` (paths relative to it): writes a file
/// only if its bytes differ, deletes every other file.
fn sync(dir: &Path, files: &BTreeMap<PathBuf, &str>) -> Result<()> {
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(dir).contents_first(true) {
            let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            if entry.file_type().is_dir() {
                if rel != Path::new("") && rel != Path::new(DATA) {
                    std::fs::remove_dir_all(entry.path())
                        .with_context(|| format!("removing {}", entry.path().display()))?;
                }
            } else if !files.contains_key(rel) {
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("removing {}", entry.path().display()))?;
            }
        }
    }
    std::fs::create_dir_all(dir.join(DATA))
        .with_context(|| format!("creating {}", dir.join(DATA).display()))?;
    for (rel, text) in files {
        let path = dir.join(rel);
        if std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            continue;
        }
        write(&path, text)?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The script form of every data file.
fn jsonp(key: &str, value: &Value) -> String {
    format!("window.__guideSearch.put({},{value});\n", json!(key))
}

/// Reads back the value of a file [`jsonp`] wrote, checking its key.
fn parse_jsonp(text: &str, key: &str) -> Result<Value> {
    let prefix = format!("window.__guideSearch.put({},", json!(key));
    let inner = text
        .trim_end()
        .strip_prefix(&prefix)
        .and_then(|s| s.strip_suffix(");"))
        .with_context(|| format!("not a `window.__guideSearch.put({key:?}, …)` script"))?;
    Ok(serde_json::from_str(inner)?)
}

// ---- Querying, for tests ---------------------------------------------------

/// An index read back from `guide-search/`, queried the way `search.js`
/// queries it in the browser. For tests: it needs no JavaScript.
#[derive(Debug)]
pub struct SearchIndex {
    /// `guide-search/<dir>`, where shards and sections are.
    data_dir: PathBuf,
    docs: usize,
    shards: u32,
    words: Vec<String>,
}

/// One section of a result list.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The section's number.
    pub doc: usize,
    /// Its score.
    pub score: f64,
}

impl SearchIndex {
    /// Loads the manifest of the index in the HTML output directory.
    ///
    /// # Errors
    ///
    /// Fails if there is no index or it is not in this version's format.
    pub fn load(html_dir: &Path) -> Result<SearchIndex> {
        let root = html_dir.join(DIR);
        let path = root.join("index.js");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let manifest = parse_jsonp(&text, "index").with_context(|| path.display().to_string())?;
        if manifest["version"] != json!(VERSION) {
            bail!("{} is not version {VERSION}", path.display());
        }
        let num = |k: &str| {
            manifest[k]
                .as_u64()
                .with_context(|| format!("manifest `{k}`"))
        };
        let docs = usize::try_from(num("docs")?)?;
        let shards = u32::try_from(num("shards")?)?;
        let data_dir = root.join(manifest["dir"].as_str().context("manifest `dir`")?);
        let words_path = data_dir.join("words.js");
        let words = parse_jsonp(
            &std::fs::read_to_string(&words_path)
                .with_context(|| format!("reading {}", words_path.display()))?,
            "words",
        )?
        .as_array()
        .context("words.js holds no list")?
        .iter()
        .filter_map(|w| w.as_str().map(str::to_owned))
        .collect();
        Ok(SearchIndex {
            data_dir,
            docs,
            shards,
            words,
        })
    }

    /// The postings of `token`, read from its shard; empty if absent.
    fn postings(&self, token: &str) -> Vec<(usize, f64)> {
        let k = fnv1a(token) & (self.shards - 1);
        let key = format!("s{k}");
        let Ok(text) = std::fs::read_to_string(self.data_dir.join(format!("{key}.js"))) else {
            return Vec::new();
        };
        let Ok(shard) = parse_jsonp(&text, &key) else {
            return Vec::new();
        };
        let Some(flat) = shard.get(token).and_then(Value::as_array) else {
            return Vec::new();
        };
        flat.chunks(2)
            .filter_map(|pair| {
                let n = usize::try_from(pair.first()?.as_u64()?).ok()?;
                Some((n, pair.get(1)?.as_f64()?))
            })
            .collect()
    }

    /// The section `n` as a result shows it (its text cut to what a teaser
    /// may show).
    ///
    /// # Errors
    ///
    /// Fails if its file is missing or malformed.
    pub fn section(&self, n: usize) -> Result<Section> {
        let key = format!("d{n}");
        let path = self.data_dir.join(format!("{key}.js"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let v = parse_jsonp(&text, &key)?;
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        Ok(Section {
            url: s("url"),
            title: s("title"),
            breadcrumbs: s("breadcrumbs"),
            body: s("body"),
        })
    }

    /// The words a query's last word stands for: itself if indexed, and up
    /// to [`MAX_EXPANSIONS`] longer words it begins, shortest first.
    fn expansions(&self, word: &str) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        if self.words.iter().any(|w| w == word) {
            out.push((word.to_owned(), 1.0));
        }
        if word.chars().count() >= MIN_PREFIX_CHARS {
            let mut longer: Vec<&String> = self
                .words
                .iter()
                .filter(|w| w.starts_with(word) && *w != word)
                .collect();
            longer.sort_by(|a, b| {
                let key = |w: &str| w.encode_utf16().collect::<Vec<u16>>();
                let (a, b) = (key(a), key(b));
                a.len().cmp(&b.len()).then(a.cmp(&b))
            });
            out.extend(
                longer
                    .into_iter()
                    .take(MAX_EXPANSIONS)
                    .map(|w| (w.clone(), PREFIX_WEIGHT)),
            );
        }
        out
    }

    /// The ranked sections holding every token of `query` (its last word
    /// also as the prefix of longer words), best first.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let tokens = tokenize_query(query);
        if tokens.is_empty() {
            return Vec::new();
        }
        let n = self.docs as f64;
        // Per token: section → best score among its alternatives.
        let mut groups: Vec<BTreeMap<usize, f64>> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let alternatives = if i + 1 == tokens.len() && !token.chars().any(is_cjk) {
                self.expansions(token)
            } else {
                vec![(token.clone(), 1.0)]
            };
            let mut best: BTreeMap<usize, f64> = BTreeMap::new();
            for (alt, factor) in alternatives {
                let postings = self.postings(&alt);
                let df = postings.len() as f64;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                for (doc, w) in postings {
                    let score = factor * idf * w / 1000.0;
                    let e = best.entry(doc).or_insert(0.0);
                    *e = e.max(score);
                }
            }
            if best.is_empty() {
                return Vec::new();
            }
            groups.push(best);
        }
        let (first, rest) = groups.split_first().expect("at least one group");
        let mut hits: Vec<(usize, f64)> = first
            .iter()
            .filter_map(|(&doc, &s)| {
                rest.iter()
                    .try_fold(s, |acc, g| g.get(&doc).map(|x| acc + x))
                    .map(|score| (doc, score))
            })
            .collect();
        hits.sort_by(|a, b| {
            round_score(b.1)
                .total_cmp(&round_score(a.1))
                .then(a.0.cmp(&b.0))
        });
        hits.into_iter()
            .map(|(doc, score)| Hit { doc, score })
            .collect()
    }

    /// The URLs of [`SearchIndex::search`]'s hits, best first.
    pub fn urls(&self, query: &str) -> Vec<String> {
        self.search(query)
            .into_iter()
            .map(|h| self.section(h.doc).map(|s| s.url).unwrap_or_default())
            .collect()
    }
}

/// Scores rounded to 9 significant digits, so that Rust and JavaScript,
/// whose `ln` may differ in the last bit, agree on ties.
fn round_score(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(8 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn words_are_split_on_anything_but_letters_digits_and_underscore() {
        assert_eq!(
            tokenize_index("Hello, self-attention! top_k=3.14"),
            strings(&["hello", "self", "attention", "top_k", "3", "14"])
        );
    }

    #[test]
    fn hanzi_runs_become_singles_and_bigrams() {
        assert_eq!(
            tokenize_index("多头注意力"),
            strings(&["多", "头", "注", "意", "力", "多头", "头注", "注意", "意力"])
        );
        assert_eq!(tokenize_index("的"), strings(&["的"]));
        assert_eq!(
            tokenize_index("GPT模型，用Rust写。"),
            strings(&["gpt", "模", "型", "模型", "用", "rust", "写"])
        );
    }

    #[test]
    fn query_tokens_are_bigrams_only_and_unique() {
        assert_eq!(tokenize_query("注意力"), strings(&["注意", "意力"]));
        assert_eq!(tokenize_query("注"), strings(&["注"]));
        assert_eq!(tokenize_query("哈哈哈"), strings(&["哈哈"]));
        assert_eq!(
            tokenize_query("Transformer 架构"),
            strings(&["transformer", "架构"])
        );
        assert!(tokenize_query("  ，。 ").is_empty());
    }

    #[test]
    fn long_words_and_astral_characters_are_dropped() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert!(tokenize_index(&long).is_empty());
        assert_eq!(tokenize_index(&"b".repeat(MAX_WORD_CHARS)).len(), 1);
        assert_eq!(tokenize_index("𠀀好"), strings(&["好"]));
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference (draft-eastlake-fnv): "", "a", "foobar".
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn entities_are_decoded_and_stray_ampersands_kept() {
        assert_eq!(
            decode_entities("a &amp; b &lt;c&gt; &#x4E2D;&#25991; &nbsp;x & y &bogus;"),
            "a & b <c> 中文  x & y &bogus;"
        );
    }

    fn page() -> Page {
        Page {
            url: "part2/attention.html".into(),
            chapter: "缩放点积注意力".into(),
            parents: vec!["Transformer 架构".into()],
        }
    }

    #[test]
    fn a_page_is_cut_at_its_headings_and_skips_what_is_not_text() {
        let main = r##"<p>开篇&amp;引言</p>
<h1 id="缩放点积注意力"><a class="header" href="#缩放点积注意力">缩放点积注意力</a></h1>
<p>注意<em>力</em>权重由 <code>softmax</code> 得到。<span class="katex"><math><mi>x</mi></math><span class="katex-html" aria-hidden="true"><span>x<span>y</span></span></span></span>之后</p>
<script>var 不要 = 1;</script><svg><text>图中文字</text></svg>
<!-- 注释 -->
<h2 id="练习">练习</h2><p>证明<br>平移不变</p><h4 id="deep">小标题</h4><p>a < b</p>
<div hidden><p>KEY = 1</p></div><img src="x.png" alt="图"><p>完</p>"##;
        let s = page_sections(main, &page());
        let urls: Vec<&str> = s.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "part2/attention.html",
                "part2/attention.html#缩放点积注意力",
                "part2/attention.html#练习"
            ]
        );
        assert_eq!(s[0].title, "缩放点积注意力");
        assert_eq!(s[0].body, "开篇&引言");
        assert_eq!(s[1].body, "注意力权重由 softmax 得到。之后");
        assert_eq!(
            s[1].breadcrumbs, "Transformer 架构 » 缩放点积注意力",
            "a heading that repeats the chapter name is not repeated"
        );
        assert_eq!(s[2].title, "练习");
        assert_eq!(s[2].breadcrumbs, "Transformer 架构 » 缩放点积注意力 » 练习");
        // h4 does not split; <br> separates; a stray `<` is text; hidden
        // elements are skipped.
        assert_eq!(s[2].body, "证明 平移不变 小标题 a < b 完");
    }

    fn sample_sections() -> Vec<Section> {
        let page = |url: &str, chapter: &str, main: &str| {
            page_sections(
                main,
                &Page {
                    url: url.into(),
                    chapter: chapter.into(),
                    parents: vec![],
                },
            )
        };
        let mut s = page(
            "attention.html",
            "第三章",
            r#"<h1 id="a">缩放点积注意力</h1><p>注意力权重由 softmax 得到。softmax 把分数变成概率。</p>
<h2 id="b">练习</h2><p>证明 softmax 平移不变。</p>"#,
        );
        s.extend(page(
            "intro.html",
            "前言",
            "<h1 id=\"c\">前言</h1><p>It's a book about LLMs and softness, 也讲注意。</p>",
        ));
        s
    }

    #[test]
    fn the_written_index_answers_like_the_browser() {
        let dir = tempfile::tempdir().unwrap();
        let sections = sample_sections();
        let stats = Index::build(&sections)
            .write(&dir.path().join(DIR))
            .unwrap();
        assert_eq!(stats.documents, 3);
        assert_eq!(stats.shards, 1);
        let index = SearchIndex::load(dir.path()).unwrap();
        assert_eq!(index.urls("注意力"), ["attention.html#a"]);
        assert_eq!(index.urls("平移不变"), ["attention.html#b"]);
        // The title match ranks first; both sections hold the word.
        assert_eq!(
            index.urls("softmax"),
            ["attention.html#a", "attention.html#b"]
        );
        // A word also matches the words it begins.
        let mut soft = index.urls("soft");
        soft.sort();
        assert_eq!(
            soft,
            ["attention.html#a", "attention.html#b", "intro.html#c"]
        );
        assert_eq!(index.urls("llm"), ["intro.html#c"]);
        assert_eq!(index.urls("注意"), ["attention.html#a", "intro.html#c"]);
        assert!(index.urls("注意力平移").is_empty());
        assert!(index.urls("不存在的词").is_empty());
        assert!(index.urls("，").is_empty());
        let s = index.section(2).unwrap();
        assert_eq!(s.title, "前言");
        assert!(s.body.starts_with("It's a book"));
    }

    #[test]
    fn writing_twice_gives_the_same_bytes_and_no_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let html = &dir.path().join("site");
        std::fs::create_dir(html).unwrap();
        std::fs::write(
            html.join("a.html"),
            "<html><main><h1 id=\"x\">标题</h1><p>正文内容</p></main></html>",
        )
        .unwrap();
        let pages = vec![Page {
            url: "a.html".into(),
            chapter: "标题".into(),
            parents: vec![],
        }];
        let first = write_index(html, &pages, None).unwrap();
        let listing = |d: &Path| -> Vec<(String, Vec<u8>)> {
            let mut v: Vec<_> = walkdir::WalkDir::new(d)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    (
                        e.path().strip_prefix(d).unwrap().display().to_string(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        let before = listing(&html.join(DIR));
        std::fs::write(html.join(DIR).join("stale.js"), "x").unwrap();
        let second = write_index(html, &pages, None).unwrap();
        assert_eq!(first, second);
        assert_eq!(listing(&html.join(DIR)), before);
        assert!(before.iter().any(|(p, _)| p == "search.js"));

        // Set aside while the renderer empties the directory, then written
        // again: the same files, and those whose bytes did not change are
        // the very same files (not rewritten).
        let inode = |p: &Path| {
            use std::os::unix::fs::MetadataExt as _;
            std::fs::metadata(p).unwrap().ino()
        };
        let shard = html.join(DIR).join(DATA).join("s0.js");
        let old_inode = inode(&shard);
        let kept = set_aside(html).expect("moved aside");
        assert!(!html.join(DIR).exists());
        let third = write_index(html, &pages, Some(kept)).unwrap();
        assert_eq!(third, first);
        assert_eq!(listing(&html.join(DIR)), before);
        assert_eq!(inode(&shard), old_inode);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".guide-search"))
            .collect();
        assert!(leftovers.is_empty(), "the aside directory is removed");
    }

    #[test]
    fn a_page_without_main_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "<html><body>x</body></html>").unwrap();
        let pages = vec![Page {
            url: "a.html".into(),
            chapter: "A".into(),
            parents: vec![],
        }];
        let err = format!("{:#}", write_index(dir.path(), &pages, None).unwrap_err());
        assert!(err.contains("a.html") && err.contains("<main>"), "{err}");
        let missing = vec![Page {
            url: "missing.html".into(),
            ..pages[0].clone()
        }];
        let err = format!("{:#}", write_index(dir.path(), &missing, None).unwrap_err());
        assert!(err.contains("missing.html"), "{err}");
    }

    #[test]
    fn shards_grow_with_the_index() {
        let many: Vec<Section> = (0..3000)
            .map(|i| Section {
                url: format!("p{i}.html"),
                title: format!("标题{i}"),
                breadcrumbs: String::new(),
                body: format!("词{i} 第{}章 word{i} 通用的内容", i % 97),
            })
            .collect();
        let index = Index::build(&many);
        let shards = index.shard_count();
        assert!(shards.is_power_of_two() && shards >= 8, "{shards}");
        let dir = tempfile::tempdir().unwrap();
        let stats = index.write(dir.path()).unwrap();
        assert!(
            stats.largest_shard_bytes < 4 * TARGET_SHARD_BYTES,
            "{stats:?}"
        );
    }

    #[test]
    fn scores_round_to_nine_digits() {
        assert_eq!(round_score(1.234_567_891_2), 1.234_567_89);
        assert_eq!(round_score(0.0), 0.0);
        assert_eq!(round_score(12_345.678_912_3), 12_345.678_9);
    }
}
