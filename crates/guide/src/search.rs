//! Chinese full-text search for mdBook's built-in search.
//!
//! mdBook 0.5.4 splits text only on whitespace and `-`, and elasticlunr's
//! trimmer then strips every CJK character from the query, so the stock
//! index finds no Chinese word at all (rust-lang/mdBook#1081). Instead of
//! replacing the search UI, [`rewrite_search_index`] runs after mdBook has
//! rendered the book and rebuilds the inverted index of
//! `searchindex-<hash>.js` from the text that mdBook already stored in the
//! index's `documentStore` (every section's title, body and breadcrumbs):
//!
//! - a run of Hanzi (and kana/Hangul) becomes its overlapping bigrams, plus its
//!   single characters (dropped again if the index would exceed
//!   [`MAX_INDEX_BYTES_WITH_SINGLES`]);
//! - any other run of letters, digits and `_` is one lower-cased word, as
//!   mdBook would index it (longer than [`MAX_WORD_CHARS`]: dropped);
//! - everything else separates tokens.
//!
//! The elasticlunr pipeline of the index is emptied (no trimmer, stop words or
//! stemmer: they would delete the CJK tokens of the query), and a top-level
//! `cjk_bigrams` key marks the index. `book/theme/cjk-search.js` replaces
//! `elasticlunr.tokenizer` with [`tokenize_query`]'s JavaScript twin — the
//! same split, but a Hanzi run of two or more becomes bigrams only — while
//! that key is present. With `use-boolean-and = true` every bigram of the
//! query must occur in the section, which behaves like a substring search:
//! any two or more consecutive Hanzi of the text are found, offline and from
//! `file://`, with mdBook's own search box and results.
//!
//! The file keeps its name and its `window.search = …` wrapper, and the
//! rewrite is a pure function of what mdBook wrote, so running it twice gives
//! the same bytes.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! let stats = guide::search::rewrite_search_index(std::path::Path::new("book/book"))?;
//! eprintln!("search index: {} sections, {} bytes", stats.documents, stats.bytes_after);
//! # Ok(())
//! # }
//! ```

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Words (non-CJK tokens) longer than this many characters are not indexed,
/// as in mdBook, which drops tokens over 80 bytes (mostly ASCII here).
pub const MAX_WORD_CHARS: usize = 80;

/// Above this many bytes (mdBook warns at 10 MB) the index is rebuilt without
/// single-character tokens; a one-Hanzi query then still finds the character
/// wherever a bigram starts with it, through elasticlunr's prefix expansion.
pub const MAX_INDEX_BYTES_WITH_SINGLES: usize = 8_000_000;

/// The prefix mdBook 0.5 writes before the index's JSON in `searchindex.js`.
const JS_PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
/// The suffix after it.
const JS_SUFFIX: &str = "'));";

/// What [`rewrite_search_index`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchStats {
    /// The files rewritten: `searchindex-<hash>.js`, and `searchindex.json`
    /// if mdBook wrote one.
    pub files: Vec<PathBuf>,
    /// Number of indexed sections (documents).
    pub documents: usize,
    /// Distinct tokens over all fields.
    pub distinct_tokens: usize,
    /// Whether single Hanzi were indexed (see [`MAX_INDEX_BYTES_WITH_SINGLES`]).
    pub single_chars: bool,
    /// Whether the index asks for boolean AND (`use-boolean-and = true`),
    /// without which a Chinese query matches any of its bigrams.
    pub boolean_and: bool,
    /// Size of the `.js` file before the rewrite.
    pub bytes_before: usize,
    /// Size of the `.js` file after the rewrite.
    pub bytes_after: usize,
}

/// Rebuilds the search index that mdBook rendered into `html_dir` (the HTML
/// output directory, e.g. `book/book`) so that Chinese text is searchable.
///
/// Rewrites `searchindex-<hash>.js` (or `searchindex.js` when `hash-files` is
/// off) in place, and `searchindex.json` if present. Call it after every
/// render; it is idempotent.
///
/// # Errors
///
/// Fails if there is no search index (search disabled, or mdbook-driver
/// built without its `search` feature), if there are several, or if the file
/// is not in the format of mdBook 0.5 (a new mdBook version would show up
/// here rather than as a silently broken search).
pub fn rewrite_search_index(html_dir: &Path) -> Result<SearchStats> {
    let js_path = find_index_file(html_dir)?;
    let before = std::fs::read_to_string(&js_path)
        .with_context(|| format!("reading {}", js_path.display()))?;
    let json = parse_index_js(&before).with_context(|| format!("parsing {}", js_path.display()))?;
    let original: Value = serde_json::from_str(&json)
        .with_context(|| format!("{} does not hold JSON", js_path.display()))?;

    let mut single_chars = true;
    let (mut rewritten, mut distinct_tokens) = rebuild(&original, single_chars)?;
    let mut after = render_index_js(&serde_json::to_string(&rewritten)?);
    if after.len() > MAX_INDEX_BYTES_WITH_SINGLES {
        single_chars = false;
        (rewritten, distinct_tokens) = rebuild(&original, single_chars)?;
        after = render_index_js(&serde_json::to_string(&rewritten)?);
    }
    std::fs::write(&js_path, &after).with_context(|| format!("writing {}", js_path.display()))?;
    let mut files = vec![js_path];

    let json_path = html_dir.join("searchindex.json");
    if json_path.is_file() {
        std::fs::write(&json_path, serde_json::to_string(&rewritten)?)
            .with_context(|| format!("writing {}", json_path.display()))?;
        files.push(json_path);
    }

    let documents = rewritten
        .pointer("/index/documentStore/docs")
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    let boolean_and = rewritten.pointer("/search_options/bool") == Some(&json!("AND"));
    Ok(SearchStats {
        files,
        documents,
        distinct_tokens,
        single_chars,
        boolean_and,
        bytes_before: before.len(),
        bytes_after: after.len(),
    })
}

/// Splits `text` into the tokens stored in the index: lower-cased words, and
/// for each CJK run its bigrams plus (if `single_chars`) its characters. A
/// one-character run is always kept as itself.
pub fn tokenize_index(text: &str, single_chars: bool) -> Vec<String> {
    let mut tokens = Vec::new();
    for run in runs(text) {
        match run {
            Run::Word(w) => tokens.push(w),
            Run::Cjk(chars) => {
                if chars.len() == 1 || single_chars {
                    tokens.extend(chars.iter().map(char::to_string));
                }
                tokens.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
            }
        }
    }
    tokens
}

/// Splits a query as `book/theme/cjk-search.js` does in the browser: words as
/// in [`tokenize_index`], each CJK run as its bigrams only (a lone character
/// as itself), duplicates removed.
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

/// A rewritten search index read back from disk, queried the way
/// elasticlunr.js queries it in the browser (boolean AND, prefix expansion,
/// fields with a non-zero boost). For tests: it needs no JavaScript.
#[derive(Debug)]
pub struct SearchIndex {
    json: Value,
}

impl SearchIndex {
    /// Loads `searchindex-<hash>.js` from the HTML output directory.
    ///
    /// # Errors
    ///
    /// Fails if the file is missing or not in mdBook 0.5's format.
    pub fn load(html_dir: &Path) -> Result<SearchIndex> {
        let path = find_index_file(html_dir)?;
        let js = std::fs::read_to_string(&path)?;
        let json = serde_json::from_str(&parse_index_js(&js)?)?;
        Ok(SearchIndex { json })
    }

    /// Whether the index was rewritten by [`rewrite_search_index`].
    pub fn is_cjk(&self) -> bool {
        self.json.get("cjk_bigrams").is_some()
    }

    /// The URLs (`chapter.html#heading`) of the sections in which some
    /// searched field holds every token of `query`, in document order.
    pub fn search(&self, query: &str) -> Vec<String> {
        let tokens = tokenize_query(query);
        let (Some(fields), Some(urls)) = (
            self.json
                .pointer("/search_options/fields")
                .and_then(Value::as_object),
            self.json.get("doc_urls").and_then(Value::as_array),
        ) else {
            return Vec::new();
        };
        if tokens.is_empty() {
            return Vec::new();
        }
        let expand = self.json.pointer("/search_options/expand") != Some(&Value::Bool(false));
        let mut hits = std::collections::BTreeSet::new();
        for (field, options) in fields {
            // elasticlunr skips a field whose boost is 0.
            if options.get("boost").and_then(Value::as_f64).unwrap_or(1.0) == 0.0 {
                continue;
            }
            let Some(root) = self.json.pointer(&format!("/index/index/{field}/root")) else {
                continue;
            };
            let mut found: Option<std::collections::BTreeSet<usize>> = None;
            for token in &tokens {
                let docs = docs_for(root, token, expand);
                found = Some(match found {
                    None => docs,
                    Some(f) => f.intersection(&docs).copied().collect(),
                });
            }
            hits.extend(found.unwrap_or_default());
        }
        hits.into_iter()
            .filter_map(|i| urls.get(i).and_then(Value::as_str).map(str::to_owned))
            .collect()
    }
}

/// The documents under the trie node of `token` (and, with `expand`, under
/// every node below it, as elasticlunr's `expandToken` does).
fn docs_for(root: &Value, token: &str, expand: bool) -> std::collections::BTreeSet<usize> {
    let mut node = root;
    for c in token.chars() {
        let mut buf = [0; 4];
        match node.get(&*c.encode_utf8(&mut buf)) {
            Some(n) => node = n,
            None => return Default::default(),
        }
    }
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(docs) = n.get("docs").and_then(Value::as_object) {
            out.extend(docs.keys().filter_map(|k| k.parse::<usize>().ok()));
        }
        if !expand {
            break;
        }
        if let Some(obj) = n.as_object() {
            stack.extend(
                obj.iter()
                    .filter(|(k, _)| k.as_str() != "docs" && k.as_str() != "df")
                    .map(|(_, v)| v),
            );
        }
    }
    out
}

/// One token source: a word, or a run of CJK characters.
enum Run {
    Word(String),
    Cjk(Vec<char>),
}

/// Hanzi (with 々 and 〇), kana and Hangul syllables: scripts written without
/// spaces. Astral-plane ideographs are left out on purpose: elasticlunr.js
/// walks its trie by UTF-16 code unit, the Rust side by `char`, so their
/// tokens could never be looked up (they are rare enough not to matter).
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

/// Finds the one search index file in `html_dir`.
fn find_index_file(html_dir: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(html_dir)
        .with_context(|| format!("reading directory {}", html_dir.display()))?
    {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("searchindex") && name.ends_with(".js") {
            found.push(html_dir.join(&*name));
        }
    }
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!(
            "no searchindex*.js in {}: is search enabled, and mdbook-driver built with its `search` feature?",
            html_dir.display()
        ),
        _ => bail!(
            "several search indexes in {} (stale output?): {found:?}",
            html_dir.display()
        ),
    }
}

/// Extracts the JSON text from mdBook's `searchindex.js`, undoing its
/// escaping (`\` → `\\`, then `'` → `\'`, inside a single-quoted literal).
fn parse_index_js(js: &str) -> Result<String> {
    let inner = js
        .trim_end()
        .strip_prefix(JS_PREFIX)
        .and_then(|s| s.strip_suffix(JS_SUFFIX))
        .context("not mdBook 0.5's `window.search = Object.assign(…JSON.parse('…'))` format")?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('\\' | '\'')) => out.push(e),
                other => bail!(
                    "unexpected escape `\\{}` in searchindex.js",
                    other.unwrap_or(' ')
                ),
            },
            '\'' => bail!("unescaped quote in searchindex.js"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Wraps index JSON the way mdBook does.
fn render_index_js(json: &str) -> String {
    format!(
        "{JS_PREFIX}{}{JS_SUFFIX}",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    )
}

/// A node of elasticlunr's inverted-index trie.
#[derive(Default)]
struct Node {
    docs: BTreeMap<String, f64>,
    children: BTreeMap<char, Node>,
}

impl Node {
    fn insert(&mut self, token: &str, doc_ref: &str, tf: f64) {
        let mut node = self;
        for c in token.chars() {
            node = node.children.entry(c).or_default();
        }
        node.docs.insert(doc_ref.to_owned(), tf);
    }

    /// elasticlunr.js's serialised form: `{"docs": {ref: {"tf": x}}, "df": n,
    /// "<char>": child, …}`; its keys never collide, child keys being one
    /// character long.
    fn to_json(&self) -> Value {
        let mut map = Map::new();
        let docs: Map<String, Value> = self
            .docs
            .iter()
            .map(|(r, tf)| (r.clone(), json!({ "tf": tf })))
            .collect();
        map.insert("df".into(), json!(self.docs.len()));
        map.insert("docs".into(), Value::Object(docs));
        for (c, child) in &self.children {
            map.insert(c.to_string(), child.to_json());
        }
        Value::Object(map)
    }
}

/// Re-tokenises every stored document of mdBook's index JSON; returns the new
/// JSON and the number of distinct tokens.
fn rebuild(original: &Value, single_chars: bool) -> Result<(Value, usize)> {
    let mut out = original.clone();
    let index = out
        .get_mut("index")
        .and_then(Value::as_object_mut)
        .context("search index JSON has no `index` object")?;
    let fields: Vec<String> = index
        .get("fields")
        .and_then(Value::as_array)
        .context("search index has no `fields`")?
        .iter()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect();
    ensure!(!fields.is_empty(), "search index has no fields");
    let docs = index
        .get("documentStore")
        .and_then(|store| store.get("docs"))
        .and_then(Value::as_object)
        .context("search index has no stored documents (documentStore.docs)")?
        .clone();

    let mut tries: BTreeMap<&str, Node> = fields
        .iter()
        .map(|f| (f.as_str(), Node::default()))
        .collect();
    let mut doc_info = Map::new();
    let mut distinct = std::collections::BTreeSet::new();
    for (doc_ref, doc) in &docs {
        let mut info = Map::new();
        for field in &fields {
            let text = doc.get(field).and_then(Value::as_str).unwrap_or("");
            let tokens = tokenize_index(text, single_chars);
            info.insert(field.clone(), json!(tokens.len()));
            let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
            for t in &tokens {
                *counts.entry(t).or_default() += 1;
            }
            let trie = tries.get_mut(field.as_str()).expect("one trie per field");
            for (token, count) in counts {
                // elasticlunr's term frequency is the square root of the count.
                trie.insert(token, doc_ref, f64::from(count).sqrt());
                distinct.insert(token.to_owned());
            }
        }
        doc_info.insert(doc_ref.clone(), Value::Object(info));
    }

    let inverted: Map<String, Value> = tries
        .iter()
        .map(|(f, trie)| ((*f).to_owned(), json!({ "root": trie.to_json() })))
        .collect();
    index.insert("index".into(), Value::Object(inverted));
    index.insert("pipeline".into(), json!([]));
    let store = index
        .get_mut("documentStore")
        .and_then(Value::as_object_mut)
        .context("search index has no documentStore")?;
    store.insert("docInfo".into(), Value::Object(doc_info));

    let root = out
        .as_object_mut()
        .context("search index JSON is not an object")?;
    root.insert(
        "cjk_bigrams".into(),
        json!({ "version": 1, "single_chars": single_chars }),
    );
    Ok((out, distinct.len()))
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
            tokenize_index("Hello, self-attention! top_k=3.14", false),
            strings(&["hello", "self", "attention", "top_k", "3", "14"])
        );
    }

    #[test]
    fn hanzi_runs_become_bigrams_and_singles() {
        assert_eq!(
            tokenize_index("多头注意力", true),
            strings(&["多", "头", "注", "意", "力", "多头", "头注", "注意", "意力"])
        );
        assert_eq!(
            tokenize_index("多头注意力", false),
            strings(&["多头", "头注", "注意", "意力"])
        );
        // A lone character is always indexed.
        assert_eq!(tokenize_index("的", false), strings(&["的"]));
    }

    #[test]
    fn mixed_text_separates_scripts_and_punctuation() {
        assert_eq!(
            tokenize_index("GPT模型，用Rust写。", false),
            strings(&["gpt", "模型", "用", "rust", "写"])
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
    fn every_query_bigram_is_an_index_token() {
        let text = "缩放点积注意力的分母是 √d_k，避免 softmax 饱和。";
        let index = tokenize_index(text, false);
        for sub in ["点积", "缩放点积注意力", "softmax", "d_k", "注意力的分母"] {
            for t in tokenize_query(sub) {
                assert!(index.contains(&t), "{t} of {sub} not indexed");
            }
        }
    }

    #[test]
    fn long_words_and_astral_characters_are_dropped() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert!(tokenize_index(&long, true).is_empty());
        assert_eq!(tokenize_index(&"b".repeat(MAX_WORD_CHARS), true).len(), 1);
        assert_eq!(tokenize_index("𠀀好", true), strings(&["好"]));
    }

    #[test]
    fn js_literal_round_trips() {
        let json = r#"{"a":"it's a \"quote\" and a \\ backslash","b":"中文"}"#;
        let js = render_index_js(json);
        assert!(js.starts_with(JS_PREFIX) && js.ends_with(JS_SUFFIX));
        assert_eq!(parse_index_js(&js).unwrap(), json);
        assert!(parse_index_js("var x = 1;").is_err());
    }

    /// A miniature of what mdBook 0.5.4 writes (same keys and nesting).
    fn mdbook_like_index() -> String {
        let json = json!({
            "doc_urls": ["attention.html#缩放点积注意力", "attention.html#练习", "intro.html"],
            "index": {
                "documentStore": {
                    "docInfo": {},
                    "docs": {
                        "0": {"id": "0", "title": "缩放点积注意力", "body": "注意力权重由 softmax 得到。", "breadcrumbs": "Transformer 架构 » 缩放点积注意力"},
                        "1": {"id": "1", "title": "练习", "body": "证明 softmax 平移不变。", "breadcrumbs": "Transformer 架构 » 练习"},
                        "2": {"id": "2", "title": "前言", "body": "It's a book about LLMs.", "breadcrumbs": "前言"}
                    },
                    "length": 3,
                    "save": true
                },
                "fields": ["title", "body", "breadcrumbs"],
                "index": {"title": {"root": {"df": 0, "docs": {}}}, "body": {"root": {"df": 0, "docs": {}}}, "breadcrumbs": {"root": {"df": 0, "docs": {}}}},
                "lang": "English",
                "pipeline": ["trimmer", "stopWordFilter", "stemmer"],
                "ref": "id",
                "version": "0.9.5"
            },
            "results_options": {"limit_results": 30, "teaser_word_count": 30},
            "search_options": {"bool": "AND", "expand": true, "fields": {"body": {"boost": 1}, "breadcrumbs": {"boost": 1}, "title": {"boost": 2}}}
        });
        render_index_js(&serde_json::to_string(&json).unwrap())
    }

    #[test]
    fn rewrite_makes_chinese_findable_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("searchindex-0123abcd.js");
        std::fs::write(&path, mdbook_like_index()).unwrap();

        let stats = rewrite_search_index(dir.path()).unwrap();
        assert_eq!(stats.files, vec![path.clone()]);
        assert_eq!(stats.documents, 3);
        assert!(stats.single_chars && stats.boolean_and);
        let first = std::fs::read(&path).unwrap();

        let index = SearchIndex::load(dir.path()).unwrap();
        assert!(index.is_cjk());
        assert_eq!(
            index.search("注意力"),
            strings(&["attention.html#缩放点积注意力"])
        );
        assert_eq!(index.search("平移不变"), strings(&["attention.html#练习"]));
        assert_eq!(
            index.search("softmax"),
            strings(&["attention.html#缩放点积注意力", "attention.html#练习"])
        );
        // Prefix expansion, as in the browser, and words across fields.
        assert_eq!(index.search("soft"), index.search("softmax"));
        assert_eq!(index.search("llm"), strings(&["intro.html"]));
        assert!(index.search("注意力平移").is_empty());
        assert!(index.search("不存在的词").is_empty());

        let again = rewrite_search_index(dir.path()).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first);
        assert_eq!(again.bytes_before, again.bytes_after);
    }

    #[test]
    fn rewritten_index_keeps_mdbook_format() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("searchindex.js"), mdbook_like_index()).unwrap();
        rewrite_search_index(dir.path()).unwrap();
        let js = std::fs::read_to_string(dir.path().join("searchindex.js")).unwrap();
        let v: Value = serde_json::from_str(&parse_index_js(&js).unwrap()).unwrap();
        assert_eq!(v.pointer("/index/pipeline"), Some(&json!([])));
        assert_eq!(v.pointer("/index/version"), Some(&json!("0.9.5")));
        // "多头" style bigram node with its document and elasticlunr's tf.
        let node = v.pointer("/index/index/title/root/注/意").unwrap();
        assert_eq!(node["df"], json!(1));
        assert_eq!(node["docs"]["0"]["tf"], json!(1.0));
        assert_eq!(
            v.pointer("/index/documentStore/docInfo/0/title"),
            Some(&json!(tokenize_index("缩放点积注意力", true).len()))
        );
        assert_eq!(
            v.pointer("/index/documentStore/docs/2/body"),
            Some(&json!("It's a book about LLMs."))
        );
    }

    #[test]
    fn missing_index_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = rewrite_search_index(dir.path()).unwrap_err();
        assert!(err.to_string().contains("search"), "{err}");
    }
}
