//! The BPE tokenizer: round trips on every poem, agreement with an
//! independent naive implementation, unseen characters, and every error.
use std::collections::BTreeMap;

use tinygpt::bpe::{BpeError, EOT, EOT_TEXT, MIN_VOCAB, Tokenizer};
use tinygpt::corpus;

const COMMITTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../book/data/tinygpt/tokenizer.json"
);
const VOCAB_SIZE: usize = 1024;

/// Tests run in the crate's directory; the corpus is read relative to the
/// workspace root, like in the examples.
fn workspace_root() {
    std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
}

fn committed() -> Tokenizer {
    Tokenizer::from_json(&std::fs::read_to_string(COMMITTED).unwrap()).unwrap()
}

/// Every poem of both corpora, both sides of each split.
fn all_poems() -> Vec<String> {
    workspace_root();
    let mut texts = Vec::new();
    for c in [
        corpus::load_default().unwrap(),
        corpus::load_finetune().unwrap(),
    ] {
        texts.extend(c.train.iter().chain(&c.valid).map(|p| p.text()));
    }
    texts
}

fn train_texts() -> Vec<String> {
    workspace_root();
    corpus::load_default()
        .unwrap()
        .train
        .iter()
        .map(|p| p.text())
        .collect()
}

#[test]
fn decode_encode_is_the_identity_on_every_poem() {
    let tok = committed();
    let poems = all_poems();
    assert!(poems.len() > 500, "both corpora, {} poems", poems.len());
    for text in &poems {
        let ids = tok.encode(text).unwrap();
        assert!(!ids.contains(&EOT));
        assert_eq!(&tok.decode(&ids).unwrap(), text);
    }
    // And on strings that are not poems at all.
    for s in [
        "",
        "a",
        "Hello, world!\n",
        "👍🏽 e\u{301}",
        "\u{0}\u{7f}",
        "龘𪭢",
    ] {
        assert_eq!(tok.decode(&tok.encode(s).unwrap()).unwrap(), s);
    }
}

#[test]
fn the_committed_tokenizer_is_what_training_produces() {
    let tok = Tokenizer::train(&train_texts(), VOCAB_SIZE).unwrap();
    assert_eq!(tok.vocab_size(), VOCAB_SIZE);
    assert_eq!(tok, committed());
    assert_eq!(Tokenizer::from_json(&tok.to_json()).unwrap(), tok);
}

// ANCHOR: naive
/// An independent BPE, written for clarity rather than speed: symbols are
/// byte strings, pieces come from a different splitter, pairs are counted in
/// a `BTreeMap` (so ties resolve to the first pair in order), and encoding
/// replays every merge in training order over the whole piece.
mod naive {
    use super::BTreeMap;

    pub(super) fn split(text: &str) -> Vec<String> {
        let mut pieces: Vec<String> = Vec::new();
        let mut in_run = false;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if in_run {
                    pieces.last_mut().unwrap().push(c);
                } else {
                    pieces.push(c.to_string());
                }
                in_run = true;
            } else {
                pieces.push(c.to_string());
                in_run = false;
            }
        }
        pieces
    }

    /// Merges as pairs of ids (EOT = 0, byte b = b + 1, merge k = 257 + k).
    pub(super) fn train(texts: &[String], vocab_size: usize) -> Vec<(u32, u32)> {
        let mut words: Vec<Vec<u32>> = texts
            .iter()
            .flat_map(|t| split(t))
            .map(|p| p.bytes().map(|b| b as u32 + 1).collect())
            .collect();
        let mut merges = Vec::new();
        while 257 + merges.len() < vocab_size {
            let mut counts: BTreeMap<(u32, u32), usize> = BTreeMap::new();
            for w in &words {
                for i in 1..w.len() {
                    *counts.entry((w[i - 1], w[i])).or_default() += 1;
                }
            }
            let mut best: Option<((u32, u32), usize)> = None;
            for (&pair, &n) in &counts {
                if best.is_none_or(|(_, m)| n > m) {
                    best = Some((pair, n));
                }
            }
            let (pair, _) = best.expect("corpus large enough");
            let id = 257 + merges.len() as u32;
            merges.push(pair);
            words = words.into_iter().map(|w| apply(&w, pair, id)).collect();
        }
        merges
    }

    fn apply(w: &[u32], pair: (u32, u32), id: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < w.len() {
            if i + 1 < w.len() && w[i] == pair.0 && w[i + 1] == pair.1 {
                out.push(id);
                i += 2;
            } else {
                out.push(w[i]);
                i += 1;
            }
        }
        out
    }

    pub(super) fn encode(merges: &[(u32, u32)], text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for piece in split(text) {
            let mut w: Vec<u32> = piece.bytes().map(|b| b as u32 + 1).collect();
            for (k, &pair) in merges.iter().enumerate() {
                w = apply(&w, pair, 257 + k as u32);
            }
            out.extend(w);
        }
        out
    }
}

// ANCHOR_END: naive

// ANCHOR: agree
#[test]
fn an_independent_naive_bpe_learns_the_same_merges_and_encodes_every_poem_alike() {
    let texts = train_texts();
    let tok = committed();
    let merges = naive::train(&texts, VOCAB_SIZE);
    assert_eq!(merges, tok.merges());
    for text in all_poems() {
        assert_eq!(
            naive::encode(&merges, &text),
            tok.encode(&text).unwrap(),
            "{text}"
        );
    }
    for s in ["白日依山尽", "Hello, world!", "aaaa"] {
        assert_eq!(naive::split(s).concat(), s);
        assert_eq!(
            tinygpt::bpe::pieces(s),
            naive::split(s)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
    }
}

// ANCHOR_END: agree

#[test]
fn a_character_never_seen_in_training_is_spelt_with_byte_tokens() {
    let tok = committed();
    let seen: std::collections::HashSet<char> =
        train_texts().iter().flat_map(|t| t.chars()).collect();
    // 龘 is in no poem; its bytes E9 BE 98 are known even if no merge covers them.
    assert!(!seen.contains(&'龘'));
    let ids = tok.encode("龘").unwrap();
    assert!((2..=3).contains(&ids.len()), "{ids:?}");
    let shown: String = ids.iter().map(|&i| tok.token(i).unwrap()).collect();
    assert_eq!(shown, "<0xE9><0xBE><0x98>");
    assert_eq!(tok.decode(&ids).unwrap(), "龘");
    // A frequent character is one token.
    assert_eq!(tok.encode("月").unwrap().len(), 1);
}

#[test]
fn end_of_text_cannot_be_forged_and_decodes_to_its_marker() {
    let tok = committed();
    let ids = tok.encode(EOT_TEXT).unwrap();
    assert!(!ids.contains(&EOT));
    assert_eq!(tok.decode(&ids).unwrap(), EOT_TEXT);
    assert_eq!(tok.token(EOT), Some(EOT_TEXT));
    let mut stream = tok.encode("春眠不觉晓").unwrap();
    stream.push(EOT);
    assert_eq!(
        tok.decode(&stream).unwrap(),
        format!("春眠不觉晓{EOT_TEXT}")
    );
}

#[test]
fn training_rejects_an_empty_corpus() {
    assert!(matches!(
        Tokenizer::train(&[], 300),
        Err(BpeError::EmptyCorpus)
    ));
    let empty = vec![String::new(), String::new()];
    assert!(matches!(
        Tokenizer::train(&empty, 300),
        Err(BpeError::EmptyCorpus)
    ));
    // Text without a single pair (one byte per piece) is as good as empty.
    let punct = vec![",;!".to_string()];
    assert!(matches!(
        Tokenizer::train(&punct, 300),
        Err(BpeError::EmptyCorpus)
    ));
}

#[test]
fn training_rejects_a_vocabulary_too_small_for_the_bytes() {
    let texts = vec!["春风".to_string()];
    let err = Tokenizer::train(&texts, MIN_VOCAB - 1).unwrap_err();
    assert!(
        matches!(err, BpeError::VocabTooSmall { requested: 256 }),
        "{err}"
    );
    assert!(err.to_string().contains("257"));
    // Exactly the bytes is fine: no merges.
    assert_eq!(
        Tokenizer::train(&texts, MIN_VOCAB).unwrap().merges().len(),
        0
    );
}

#[test]
fn training_reports_a_corpus_too_small_for_the_vocabulary() {
    let texts = vec!["春风".to_string()];
    // 6 bytes give at most 5 merges: 262 tokens.
    let err = Tokenizer::train(&texts, 300).unwrap_err();
    assert!(
        matches!(
            err,
            BpeError::NotEnoughPairs {
                requested: 300,
                reached: 262
            }
        ),
        "{err}"
    );
}

#[test]
fn decoding_rejects_unknown_ids_and_broken_utf8() {
    let tok = committed();
    let err = tok.decode(&[5, 1024]).unwrap_err();
    assert!(
        matches!(
            err,
            BpeError::UnknownId {
                id: 1024,
                vocab_size: 1024
            }
        ),
        "{err}"
    );
    assert_eq!(tok.token(1024), None);
    // The first byte of 春 (E6 98 A5) alone.
    let err = tok.decode(&[0xE6 + 1]).unwrap_err();
    assert!(
        matches!(err, BpeError::InvalidUtf8 { valid_up_to: 0 }),
        "{err}"
    );
    // decode_bytes gives the bytes anyway, for a streaming decoder.
    assert_eq!(tok.decode_bytes(&[0xE6 + 1]).unwrap(), vec![0xE6]);
}

#[test]
fn corrupt_tokenizer_files_are_typed_errors() {
    let good = std::fs::read_to_string(COMMITTED).unwrap();
    let load = |s: &str| Tokenizer::from_json(s).unwrap_err();

    assert!(matches!(load(""), BpeError::Json(_)));
    assert!(matches!(load(&good[..good.len() / 2]), BpeError::Json(_)));
    assert!(matches!(load("{\"format\": 1}"), BpeError::Json(_)));
    let extra = good.replacen("\"version\": 1,", "\"version\": 1, \"x\": 0,", 1);
    assert!(matches!(load(&extra), BpeError::Json(_)));

    let other = good.replacen("tinygpt-bpe", "gpt2", 1);
    assert!(matches!(load(&other), BpeError::WrongFormat { .. }));
    let v2 = good.replacen("\"version\": 1", "\"version\": 2", 1);
    assert!(matches!(load(&v2), BpeError::WrongFormat { .. }));

    // The first merge pointing at an id that does not exist yet.
    let tok = committed();
    let (l, r) = tok.merges()[0];
    let first = format!("    [{l}, {r}]");
    let forward = good.replacen(&first, "    [300, 1]", 1);
    assert!(matches!(
        load(&forward),
        BpeError::BadMerge {
            index: 0,
            left: 300,
            right: 1
        }
    ));
    let eot = good.replacen(&first, &format!("    [0, {r}]"), 1);
    assert!(matches!(load(&eot), BpeError::BadMerge { index: 0, .. }));
    // The second merge repeating the first.
    let (l2, r2) = tok.merges()[1];
    let dup = good.replacen(&format!("    [{l2}, {r2}]"), &first, 1);
    assert!(matches!(load(&dup), BpeError::BadMerge { index: 1, .. }));

    // A token that differs from what its merge makes, and a missing one.
    let edited = good.replacen("\"，\"", "\"。\"", 1);
    assert!(matches!(load(&edited), BpeError::TokenMismatch { id: 258 }));
    let last = format!(",\n    {:?}\n  ]", tok.token(1023).unwrap());
    assert!(good.contains(&last));
    let short = good.replacen(&last, "\n  ]", 1);
    assert!(matches!(load(&short), BpeError::TokenMismatch { id: 1023 }));

    // None of these panicked; the good file still loads.
    assert_eq!(Tokenizer::from_json(&good).unwrap(), tok);
}
