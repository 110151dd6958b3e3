//! The poetry corpus: the committed slice of the npm package `chinese-poetry`
//! 2.0.1 (`book/data/poetry/`, written by `scripts/fetch-poetry.sh`, already
//! converted to simplified characters), read, cleaned and split by poem.
//!
//! - [`load_default`]: the base corpus the model is pretrained on,
//!   唐诗三百首 + 千家诗, deduplicated.
//! - [`load_finetune`]: the second style, 宋词三百首, for the LoRA chapter.
//!
//! Cleaning ([`clean`]) removes the editors' variant notes such as
//! `(明年 一作：年年)`, drops empty lines, removes duplicates with the
//! 数据清洗 chapter's [`normalize`] + [`dedupe`] (the normalized text is the
//! key; the poem keeps its original punctuation), keeps poems of more than
//! [`MIN_CHARS`] and at most [`MAX_CHARS`] characters (counted with
//! `chars()`, not bytes), and drops near-duplicates with the chapter's
//! [`shingles`] + [`jaccard`]. [`split`] puts a poem into the validation set when
//! the FNV-1a hash of its text is divisible by [`VALID_EVERY`]: every line of a
//! poem is on the same side, and adding a poem never moves another one.
//!
//! What the tokenizer is trained on (for the engineers downstream): the
//! `text()` of every poem in `load_default()?.train`, nothing else
//! (`examples/gpt_bpe_train.rs`). It is a byte-level BPE, so every string,
//! including the validation poems and the 宋词 of `load_finetune`, encodes
//! without an unknown token: a character the training poems never had is
//! spelt with the byte tokens and partial merges of its UTF-8 bytes (see
//! [`crate::bpe`]). The fine-tuning corpus therefore needs no tokenizer of
//! its own and no new embedding rows.
// ANCHOR: setup
use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// The directory of the committed slice, relative to the workspace root (the
/// current directory of every example).
pub const DATA_DIR: &str = "book/data/poetry";

/// A poem is kept if its text has more than this many characters.
pub const MIN_CHARS: usize = 10;

/// A poem is kept if its text has at most this many characters.
pub const MAX_CHARS: usize = 120;

/// Two poems whose character 3-grams have at least this Jaccard similarity
/// are near-duplicates; the later one is dropped.
pub const NEAR_DUP: f64 = 0.5;

/// One poem in [`VALID_EVERY`] (by hash) goes to the validation set.
pub const VALID_EVERY: u64 = 10;

/// Why the corpus could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A file of the slice could not be read.
    #[error("读取 {path} 失败：{source}")]
    Io {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A file of the slice is not the JSON the package ships.
    #[error("{path} 不是 chinese-poetry 的 JSON 格式：{source}")]
    Json {
        /// The file.
        path: String,
        /// What serde said.
        source: serde_json::Error,
    },
    /// Nothing was left after cleaning (or a split side is empty).
    #[error("清洗后{which}没有剩下任何一首诗")]
    Empty {
        /// Which set is empty.
        which: &'static str,
    },
}
// ANCHOR_END: setup

// ANCHOR: poem
/// One poem: cleaned, one line = one 句/联 as the source has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poem {
    /// The title (for 宋词, the 词牌).
    pub title: String,
    /// The poet, without the dynasty that 千家诗 puts in front (（唐）).
    pub author: String,
    /// The lines of the body, each with its punctuation.
    pub lines: Vec<String>,
}

impl Poem {
    /// The body the model is trained on: the lines joined with `'\n'`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// The corpus, split by poem: no poem has lines on both sides.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Poems the model and the tokenizer are trained on.
    pub train: Vec<Poem>,
    /// Held-out poems, for validation loss and perplexity.
    pub valid: Vec<Poem>,
}
// ANCHOR_END: poem

// ANCHOR: parse
/// 唐诗三百首 and 千家诗 (`dist/mengxue/`): sections of one form each, whose
/// poems either have their lines, or a group of sub-poems (其一, 其二…).
#[derive(Deserialize)]
struct Mengxue {
    content: Vec<Section>,
}

#[derive(Deserialize)]
struct Section {
    content: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    chapter: String,
    author: String,
    #[serde(default)]
    subchapter: Option<String>,
    paragraphs: Paragraphs,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Paragraphs {
    Lines(Vec<String>),
    Group(Vec<SubPoem>),
}

#[derive(Deserialize)]
struct SubPoem {
    subchapter: String,
    paragraphs: Vec<String>,
}

/// 宋词三百首 (`dist/songci/`): a flat list; the title is the 词牌.
#[derive(Deserialize)]
struct Ci {
    author: String,
    rhythmic: String,
    paragraphs: Vec<String>,
}

/// The poems of a 蒙学 file, in the file's order, sub-poems as poems of their
/// own (杜甫《曲江对酒》其一、其二 are two poems).
pub fn parse_mengxue(json: &str) -> Result<Vec<Poem>, serde_json::Error> {
    let book: Mengxue = serde_json::from_str(json)?;
    let mut poems = Vec::new();
    for entry in book.content.into_iter().flat_map(|s| s.content) {
        // 千家诗 writes the dynasty in front of the poet: （唐）孟浩然.
        let author = match entry.author.split_once('）') {
            Some((_, name)) if entry.author.starts_with('（') => name.to_string(),
            _ => entry.author,
        };
        let title = |sub: Option<String>| match sub {
            Some(s) if s.contains(&entry.chapter) => s,
            Some(s) => format!("{}·{s}", entry.chapter),
            None => entry.chapter.clone(),
        };
        match entry.paragraphs {
            Paragraphs::Lines(lines) => poems.push(Poem {
                title: title(entry.subchapter),
                author,
                lines,
            }),
            Paragraphs::Group(subs) => {
                for sub in subs {
                    poems.push(Poem {
                        title: title(Some(sub.subchapter)),
                        author: author.clone(),
                        lines: sub.paragraphs,
                    });
                }
            }
        }
    }
    Ok(poems)
}

/// The 词 of 宋词三百首, in the file's order.
pub fn parse_ci(json: &str) -> Result<Vec<Poem>, serde_json::Error> {
    let list: Vec<Ci> = serde_json::from_str(json)?;
    Ok(list
        .into_iter()
        .map(|c| Poem {
            title: c.rhythmic,
            author: c.author,
            lines: c.paragraphs,
        })
        .collect())
}
// ANCHOR_END: parse

// ANCHOR: read
/// Reads one file of the slice and parses it.
fn read(
    file: &str,
    parse: fn(&str) -> Result<Vec<Poem>, serde_json::Error>,
) -> Result<Vec<Poem>, CorpusError> {
    let path = format!("{DATA_DIR}/{file}");
    let json = std::fs::read_to_string(&path).map_err(|source| CorpusError::Io {
        path: path.clone(),
        source,
    })?;
    parse(&json).map_err(|source| CorpusError::Json { path, source })
}

/// The base corpus before cleaning: 唐诗三百首, then 千家诗.
pub fn read_default() -> Result<Vec<Poem>, CorpusError> {
    let mut poems = read("tangshisanbaishou.json", parse_mengxue)?;
    poems.extend(read("qianjiashi.json", parse_mengxue)?);
    Ok(poems)
}

/// The fine-tuning corpus before cleaning: 宋词三百首.
pub fn read_finetune() -> Result<Vec<Poem>, CorpusError> {
    read("songcisanbaishou.json", parse_ci)
}

/// The base corpus, cleaned and split.
pub fn load_default() -> Result<Corpus, CorpusError> {
    split(clean(read_default()?).0)
}

/// The fine-tuning corpus (宋词三百首), cleaned and split the same way.
pub fn load_finetune() -> Result<Corpus, CorpusError> {
    split(clean(read_finetune()?).0)
}
// ANCHOR_END: read

// ANCHOR: normalize
/// NFKC 把全角字母数字、兼容字符折叠成标准形式；split_whitespace 顺带去掉首尾空白，
/// 再用单个空格连接，就把连续的空格、制表符、换行合并成一个空格。
pub fn normalize(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}
// ANCHOR_END: normalize

// ANCHOR: dedupe
/// 保序去重：返回保留下来的行号。HashSet::insert 在元素已存在时返回 false，
/// 所以每个文本只有第一次出现会被保留，顺序与输入一致(pandas 的 drop_duplicates 默认 keep="first")。
pub fn dedupe(texts: &[String]) -> Vec<usize> {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        if seen.insert(t.as_str()) {
            kept.push(i);
        }
    }
    kept
}
// ANCHOR_END: dedupe

// ANCHOR: shingles
/// 字符 n-gram 切片(中文没有空格分词，按字符切最简单)。
pub fn shingles(text: &str, n: usize) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(n).map(|w| w.iter().collect()).collect()
}

/// Jaccard 相似度 |A∩B| / |A∪B|。
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.union(b).count();
    inter as f64 / union as f64
}
// ANCHOR_END: shingles

// ANCHOR: notes
/// Removes the editors' notes in parentheses, half- or full-width, which may
/// run over several lines: `(回乐` / `一作：回乐` / `）`. An unclosed note
/// runs to the end of the text.
pub fn strip_notes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}
// ANCHOR_END: notes

// ANCHOR: clean
/// What [`clean`] did, for the book to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanReport {
    /// Poems read.
    pub raw: usize,
    /// Poems that had at least one note removed.
    pub with_notes: usize,
    /// Poems dropped as duplicates of an earlier one.
    pub duplicates: usize,
    /// Poems dropped as near-duplicates of an earlier one ([`NEAR_DUP`]).
    pub near_duplicates: usize,
    /// Poems dropped as too short (≤ [`MIN_CHARS`]).
    pub too_short: usize,
    /// Poems dropped as too long (> [`MAX_CHARS`]).
    pub too_long: usize,
}

/// Strips notes and blank lines, removes duplicates (key: the normalized
/// text, first occurrence kept, order kept), filters by length in
/// characters, and removes near-duplicates: the same poem with a few
/// variant characters, as 唐诗三百首 and 千家诗 often print it.
pub fn clean(raw: Vec<Poem>) -> (Vec<Poem>, CleanReport) {
    let mut report = CleanReport {
        raw: raw.len(),
        with_notes: 0,
        duplicates: 0,
        near_duplicates: 0,
        too_short: 0,
        too_long: 0,
    };
    let mut poems = Vec::with_capacity(raw.len());
    for mut poem in raw {
        let text = poem.text();
        let stripped = strip_notes(&text);
        if stripped != text {
            report.with_notes += 1;
        }
        poem.lines = stripped
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        poems.push(poem);
    }
    // The key only decides what is a duplicate: the poem keeps its
    // full-width punctuation, which NFKC would turn into ASCII.
    let keys: Vec<String> = poems.iter().map(|p| normalize(&p.text())).collect();
    let kept = dedupe(&keys);
    report.duplicates = poems.len() - kept.len();
    let mut out = Vec::with_capacity(kept.len());
    // The 3-grams of the characters only: punctuation says nothing about
    // which poem it is.
    let mut sets: Vec<BTreeSet<String>> = Vec::with_capacity(kept.len());
    // 3-gram → the kept poems that have it. Only poems sharing a 3-gram can
    // reach NEAR_DUP, so the index finds the few candidates instead of
    // comparing every pair (different poems share almost none).
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for i in kept {
        let n = keys[i].chars().count(); // 字符数，不是 len() 的字节数
        if n <= MIN_CHARS {
            report.too_short += 1;
            continue;
        } else if n > MAX_CHARS {
            report.too_long += 1;
            continue;
        }
        let hanzi: String = keys[i].chars().filter(|c| c.is_alphabetic()).collect();
        let set = shingles(&hanzi, 3);
        let mut candidates: Vec<usize> = set
            .iter()
            .filter_map(|g| index.get(g))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        if candidates
            .iter()
            .any(|&k| jaccard(&sets[k], &set) >= NEAR_DUP)
        {
            report.near_duplicates += 1;
        } else {
            for g in &set {
                index.entry(g.clone()).or_default().push(sets.len());
            }
            sets.push(set);
            out.push(poems[i].clone());
        }
    }
    (out, report)
}
// ANCHOR_END: clean

// ANCHOR: fnv1a
/// FNV-1a：一个简单、与平台无关的 64 位字符串哈希(标准库的 DefaultHasher
/// 不保证跨 Rust 版本不变)。
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
// ANCHOR_END: fnv1a

// ANCHOR: split
/// Splits by poem: a poem is in the validation set iff the hash of its
/// text is divisible by [`VALID_EVERY`]. Both sides keep the input order.
pub fn split(poems: Vec<Poem>) -> Result<Corpus, CorpusError> {
    let (valid, train): (Vec<Poem>, Vec<Poem>) = poems
        .into_iter()
        .partition(|p| fnv1a(&p.text()).is_multiple_of(VALID_EVERY));
    if train.is_empty() {
        return Err(CorpusError::Empty { which: "训练集" });
    }
    if valid.is_empty() {
        return Err(CorpusError::Empty { which: "验证集" });
    }
    Ok(Corpus { train, valid })
}
// ANCHOR_END: split
