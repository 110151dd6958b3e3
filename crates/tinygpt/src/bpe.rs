//! A byte-level BPE tokenizer (Sennrich et al. 2016; byte-level as in
//! GPT-2), trained from scratch on the poems.
//!
//! Ids: [`EOT`] = 0; the 256 byte values are ids 1..=256 (byte `b` is
//! `b + 1`); merge number `k` (0-based, in the order training found them)
//! makes id `257 + k`.
//!
//! **A character never seen in training** needs no unknown token: every
//! string is a sequence of UTF-8 bytes, and every byte has an id. [`encode`]
//! applies whatever merges match inside the character's bytes (often a merge
//! of its first two bytes, shared with characters of the same Unicode block)
//! and leaves the rest as byte tokens; [`decode`] puts the bytes back. So
//! `decode(encode(x)) == x` for every string `x`, and [`encode`] never fails.
//! The price is length: such a character costs two or three tokens instead of
//! one.
//!
//! The marker [`EOT_TEXT`] in a text is ordinary text: it is encoded as its
//! bytes, never as [`EOT`], so no input can forge the end-of-text token.
//! [`decode`] writes [`EOT`] as [`EOT_TEXT`].
//!
//! [`encode`]: Tokenizer::encode
//! [`decode`]: Tokenizer::decode
// ANCHOR: uses
use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Deserialize;
// ANCHOR_END: uses

// ANCHOR: ids
/// End of text: separates poems in the training stream; generation stops at it.
pub const EOT: u32 = 0;

/// How [`EOT`] is shown, and what [`Tokenizer::decode`] writes for it.
pub const EOT_TEXT: &str = "<|endoftext|>";

/// The smallest vocabulary: [`EOT`] and the 256 byte tokens, no merge.
pub const MIN_VOCAB: usize = 257;

/// The id of a byte value.
fn byte_id(b: u8) -> u32 {
    u32::from(b) + 1
}
// ANCHOR_END: ids

// ANCHOR: error
/// What can go wrong when training, using, saving or loading a tokenizer.
#[derive(Debug, thiserror::Error)]
pub enum BpeError {
    /// [`Tokenizer::train`] got no text, or only empty strings.
    #[error("训练语料为空：没有文本，或全是空串")]
    EmptyCorpus,
    /// The requested vocabulary cannot even hold EOT and the 256 bytes.
    #[error("词表大小 {requested} 太小：至少要 {MIN_VOCAB}（EOT 加 256 个字节 token）")]
    VocabTooSmall {
        /// What was asked for.
        requested: usize,
    },
    /// The corpus ran out of adjacent pairs before the vocabulary was full.
    #[error("语料只够得到 {reached} 个 token，达不到要求的词表大小 {requested}")]
    NotEnoughPairs {
        /// What was asked for.
        requested: usize,
        /// Where training stopped.
        reached: usize,
    },
    /// An id outside the vocabulary.
    #[error("未知的 token id {id}：词表只有 {vocab_size} 个 token")]
    UnknownId {
        /// The id.
        id: u32,
        /// The vocabulary size.
        vocab_size: usize,
    },
    /// The ids spell bytes that are not UTF-8 (for instance the first two
    /// bytes of a character whose third byte has not been generated yet).
    #[error("这些 token 拼出的字节不是合法的 UTF-8（从第 {valid_up_to} 个字节起）")]
    InvalidUtf8 {
        /// How many bytes from the start are valid.
        valid_up_to: usize,
    },
    /// The tokenizer file is not JSON of the expected shape.
    #[error("tokenizer.json 无法解析：{0}")]
    Json(#[from] serde_json::Error),
    /// The file is JSON, but not a tokenizer of this format and version.
    #[error("tokenizer.json 的格式是 {found:?}，这里读的是 \"tinygpt-bpe\" 第 1 版")]
    WrongFormat {
        /// The format and version found.
        found: String,
    },
    /// A merge names an id that does not exist yet, EOT, or a pair merged before.
    #[error("tokenizer.json 已损坏：第 {index} 条合并规则 [{left}, {right}] 无效")]
    BadMerge {
        /// Index of the merge.
        index: usize,
        /// Its left id.
        left: u32,
        /// Its right id.
        right: u32,
    },
    /// The token list does not match what the merges produce.
    #[error("tokenizer.json 已损坏：token {id} 与合并规则算出的不一致")]
    TokenMismatch {
        /// The first id that differs (or the first missing or extra one).
        id: usize,
    },
}
// ANCHOR_END: error

// ANCHOR: tokenizer
/// A trained byte-level BPE tokenizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokenizer {
    /// The merges in training order: merge `k` makes id `257 + k`.
    merges: Vec<(u32, u32)>,
    /// Pair → the id it merges into; a smaller id was learnt earlier.
    ranks: HashMap<(u32, u32), u32>,
    /// The bytes of every id ([`EOT`]: those of [`EOT_TEXT`]).
    bytes: Vec<Vec<u8>>,
    /// A readable form of every id: the text, with `<0xE7>` for bytes
    /// that are not a whole UTF-8 character.
    shown: Vec<String>,
}

/// The readable form of a token's bytes.
fn show(bytes: &[u8]) -> String {
    let mut s = String::new();
    for chunk in bytes.utf8_chunks() {
        s.push_str(chunk.valid());
        for b in chunk.invalid() {
            // Writing to a String cannot fail.
            let _ = write!(s, "<0x{b:02X}>");
        }
    }
    s
}

impl Tokenizer {
    /// EOT and the 256 byte tokens, no merges yet.
    fn base() -> Tokenizer {
        let mut bytes = vec![EOT_TEXT.as_bytes().to_vec()];
        bytes.extend((0..=255u8).map(|b| vec![b]));
        let shown = bytes.iter().map(|b| show(b)).collect();
        Tokenizer {
            merges: Vec::new(),
            ranks: HashMap::new(),
            bytes,
            shown,
        }
    }

    /// Adds a merge; returns its id.
    fn push_merge(&mut self, pair: (u32, u32)) -> u32 {
        let id = self.bytes.len() as u32;
        let mut b = self.bytes[pair.0 as usize].clone();
        b.extend_from_slice(&self.bytes[pair.1 as usize]);
        self.shown.push(show(&b));
        self.bytes.push(b);
        self.merges.push(pair);
        self.ranks.insert(pair, id);
        id
    }

    /// The number of tokens, EOT included.
    pub fn vocab_size(&self) -> usize {
        self.bytes.len()
    }

    /// The readable form of a token (`None` for an unknown id).
    pub fn token(&self, id: u32) -> Option<&str> {
        self.shown.get(id as usize).map(String::as_str)
    }

    /// The merges in training order: merge `k` makes id `257 + k`.
    pub fn merges(&self) -> &[(u32, u32)] {
        &self.merges
    }
}
// ANCHOR_END: tokenizer

// ANCHOR: merge
/// Replaces every occurrence of `pair`, left to right, by `id`, in place.
/// In `a a a` the pair `(a, a)` is merged once: `id a`.
fn merge(seq: &mut Vec<u32>, pair: (u32, u32), id: u32) {
    let (mut read, mut write) = (0, 0);
    while read < seq.len() {
        if read + 1 < seq.len() && (seq[read], seq[read + 1]) == pair {
            seq[write] = id;
            read += 2;
        } else {
            seq[write] = seq[read];
            read += 1;
        }
        write += 1;
    }
    seq.truncate(write);
}
// ANCHOR_END: merge

// ANCHOR: pieces
/// Splits a text into the pieces that merges may not cross: each maximal run
/// of letters (汉字 count as letters) is one piece, every other character
/// (punctuation, space, newline) a piece of its own. As GPT-2's
/// pre-tokenization, this keeps merges such as `，` + the first byte of the
/// next 汉字 out of the vocabulary.
pub fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if !c.is_alphanumeric() {
            if start < i {
                out.push(&text[start..i]);
            }
            out.push(&text[i..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}
// ANCHOR_END: pieces

// ANCHOR: train
/// The most frequent adjacent pair; among equally frequent pairs the
/// smallest `(left, right)`, so the answer does not depend on the
/// `HashMap`'s iteration order.
fn most_frequent_pair(seqs: &[Vec<u32>]) -> Option<(u32, u32)> {
    let mut counts: HashMap<(u32, u32), usize> = HashMap::new();
    for seq in seqs {
        for w in seq.windows(2) {
            *counts.entry((w[0], w[1])).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|(pa, ca), (pb, cb)| ca.cmp(cb).then(pb.cmp(pa)))
        .map(|(pair, _)| pair)
}

impl Tokenizer {
    /// Learns merges from `texts` until the vocabulary has `vocab_size`
    /// tokens. Pairs never cross from one [`pieces`] to the next.
    pub fn train(texts: &[String], vocab_size: usize) -> Result<Tokenizer, BpeError> {
        if vocab_size < MIN_VOCAB {
            return Err(BpeError::VocabTooSmall {
                requested: vocab_size,
            });
        }
        if texts.iter().all(|t| t.is_empty()) {
            return Err(BpeError::EmptyCorpus);
        }
        let mut seqs: Vec<Vec<u32>> = texts
            .iter()
            .flat_map(|t| pieces(t))
            .filter(|p| p.len() > 1) // a single byte has no pair
            .map(|p| p.bytes().map(byte_id).collect())
            .collect();
        if seqs.is_empty() {
            return Err(BpeError::EmptyCorpus);
        }
        let mut tok = Tokenizer::base();
        while tok.vocab_size() < vocab_size {
            let Some(pair) = most_frequent_pair(&seqs) else {
                return Err(BpeError::NotEnoughPairs {
                    requested: vocab_size,
                    reached: tok.vocab_size(),
                });
            };
            let id = tok.push_merge(pair);
            for seq in &mut seqs {
                merge(seq, pair, id);
            }
        }
        Ok(tok)
    }
}
// ANCHOR_END: train

// ANCHOR: encode
impl Tokenizer {
    /// Text → ids, piece by piece ([`pieces`]). Never fails: every string
    /// is bytes, and every byte has a token (see the module docs for
    /// characters never seen in training).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, BpeError> {
        let mut out = Vec::with_capacity(text.len());
        for piece in pieces(text) {
            out.extend(self.encode_piece(piece));
        }
        Ok(out)
    }

    /// One piece: start from its bytes; repeatedly merge the pair that
    /// training learnt first, until no learnt pair is left.
    fn encode_piece(&self, piece: &str) -> Vec<u32> {
        let mut ids: Vec<u32> = piece.bytes().map(byte_id).collect();
        loop {
            let first = ids
                .windows(2)
                .filter_map(|w| self.ranks.get(&(w[0], w[1])).map(|&id| (id, (w[0], w[1]))))
                .min();
            let Some((id, pair)) = first else {
                return ids;
            };
            merge(&mut ids, pair, id);
        }
    }

    /// Ids → bytes; [`EOT`] becomes the bytes of [`EOT_TEXT`]. For streaming:
    /// the bytes of a prefix of a generation may end inside a character.
    pub fn decode_bytes(&self, ids: &[u32]) -> Result<Vec<u8>, BpeError> {
        let mut out = Vec::new();
        for &id in ids {
            let b = self.bytes.get(id as usize).ok_or(BpeError::UnknownId {
                id,
                vocab_size: self.vocab_size(),
            })?;
            out.extend_from_slice(b);
        }
        Ok(out)
    }

    /// Ids → text. An unknown id, or bytes that are not UTF-8, is an error.
    pub fn decode(&self, ids: &[u32]) -> Result<String, BpeError> {
        String::from_utf8(self.decode_bytes(ids)?).map_err(|e| BpeError::InvalidUtf8 {
            valid_up_to: e.utf8_error().valid_up_to(),
        })
    }
}
// ANCHOR_END: encode

// ANCHOR: json
/// The file format: the merges, and the readable tokens (checked on load).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    merges: Vec<[u32; 2]>,
    tokens: Vec<String>,
}

impl Tokenizer {
    /// The tokenizer as JSON, one merge and one token per line, so that a
    /// diff of two tokenizers is readable.
    pub fn to_json(&self) -> String {
        let mut s = String::from("{\n  \"format\": \"tinygpt-bpe\",\n  \"version\": 1,\n");
        let merges: Vec<String> = self
            .merges
            .iter()
            .map(|(l, r)| format!("    [{l}, {r}]"))
            .collect();
        let tokens: Vec<String> = self
            .shown
            .iter()
            .map(|t| format!("    {}", serde_json::Value::from(t.as_str())))
            .collect();
        let _ = write!(s, "  \"merges\": [\n{}\n  ],\n", merges.join(",\n"));
        let _ = write!(s, "  \"tokens\": [\n{}\n  ]\n}}\n", tokens.join(",\n"));
        s
    }

    /// Reads what [`Tokenizer::to_json`] wrote. Replays the merges, checking
    /// each one, and checks the token list against the result.
    pub fn from_json(s: &str) -> Result<Tokenizer, BpeError> {
        let file: File = serde_json::from_str(s)?;
        if file.format != "tinygpt-bpe" || file.version != 1 {
            return Err(BpeError::WrongFormat {
                found: format!("{} 第 {} 版", file.format, file.version),
            });
        }
        let mut tok = Tokenizer::base();
        for (index, &[left, right]) in file.merges.iter().enumerate() {
            let next = tok.vocab_size() as u32;
            let known = |id: u32| id != EOT && id < next;
            if !known(left) || !known(right) || tok.ranks.contains_key(&(left, right)) {
                return Err(BpeError::BadMerge { index, left, right });
            }
            tok.push_merge((left, right));
        }
        if let Some(id) = (0..tok.vocab_size().max(file.tokens.len()))
            .find(|&i| tok.shown.get(i) != file.tokens.get(i))
        {
            return Err(BpeError::TokenMismatch { id });
        }
        Ok(tok)
    }
}
// ANCHOR_END: json
