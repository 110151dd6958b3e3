//! Evaluation: negative log-likelihood and perplexity of the model and of
//! three baselines (uniform, unigram, character bigram), and a task metric
//! for the form of generated poems with a Wilson confidence interval.
//!
//! Everything is measured in nats summed over predictions, so a token-level
//! model and a character-level one can be compared per character.

// ANCHOR: nll
use std::collections::BTreeMap;

use crate::model::Model;
use crate::sample::{SampleRng, draw};

/// A sum of negative log-likelihoods: Σ −ln p over `count` predictions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Nll {
    /// Σ −ln p(target), in nats.
    pub nats: f64,
    /// How many targets were predicted.
    pub count: usize,
}

impl Nll {
    /// Adds one prediction that gave the target probability `p`.
    pub fn add(&mut self, p: f64) {
        self.nats -= libm::log(p);
        self.count += 1;
    }

    /// Perplexity per prediction: exp(mean NLL).
    pub fn perplexity(&self) -> f64 {
        libm::exp(self.nats / self.count as f64)
    }

    /// Perplexity per unit of text (say, per character): exp(Σ NLL / units).
    /// Models that cut the text differently are compared this way.
    pub fn perplexity_per(&self, units: usize) -> f64 {
        libm::exp(self.nats / units as f64)
    }

    /// Bits per unit of text: Σ NLL / (units · ln 2).
    pub fn bits_per(&self, units: usize) -> f64 {
        self.nats / (units as f64 * core::f64::consts::LN_2)
    }
}
// ANCHOR_END: nll

// ANCHOR: model_nll
/// The model's NLL on sequences of token ids. Each sequence is a poem's
/// tokens followed by `end` (the end-of-text token); the model sees `end` as
/// the context before the first token, as it did between poems in training,
/// and predicts every token including the final `end`.
///
/// A sequence longer than the context is scored with a sliding window: the
/// first window scores all its positions, each further window moves by
/// `n_ctx / 2` and scores only the positions it has not scored, each with at
/// least `n_ctx / 2` tokens of context.
pub fn model_nll(model: &Model, sequences: &[Vec<u32>], end: u32) -> Nll {
    let n_ctx = model.config.n_ctx;
    let vocab = model.config.vocab_size;
    let stride = (n_ctx / 2).max(1);
    let mut nll = Nll::default();
    for seq in sequences {
        // inputs[i] predicts targets[i] = seq[i]
        let mut inputs = vec![end];
        inputs.extend_from_slice(&seq[..seq.len().saturating_sub(1)]);
        let mut scored = 0;
        let mut start = 0;
        while scored < seq.len() {
            let stop = (start + n_ctx).min(seq.len());
            let logits = model.forward(&inputs[start..stop]);
            for pos in scored..stop {
                let row = &logits[(pos - start) * vocab..(pos - start + 1) * vocab];
                nll.add(softmax_at(row, seq[pos] as usize));
            }
            scored = stop;
            start = (stop + stride).saturating_sub(n_ctx).max(start + stride);
        }
    }
    nll
}

/// softmax(row)[target], computed in f64 after subtracting the maximum.
pub fn softmax_at(row: &[f32], target: usize) -> f64 {
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &z| m.max(z));
    let sum: f64 = row
        .iter()
        .map(|&z| libm::exp(f64::from(z) - f64::from(max)))
        .sum();
    libm::exp(f64::from(row[target]) - f64::from(max)) / sum
}
// ANCHOR_END: model_nll

// ANCHOR: baselines
/// Uniform baseline: every one of `vocab` tokens has probability 1/vocab.
pub fn uniform_nll(sequences: &[Vec<u32>], vocab: usize) -> Nll {
    let mut nll = Nll::default();
    for seq in sequences {
        for _ in seq {
            nll.add(1.0 / vocab as f64);
        }
    }
    nll
}

/// Unigram baseline: p(t) = (count(t) + 1) / (N + V), add-one (Laplace)
/// smoothing so a token never seen in training keeps a probability > 0.
#[derive(Clone, Debug)]
pub struct Unigram {
    counts: Vec<u64>,
    total: u64,
}

impl Unigram {
    /// Counts the tokens of the training sequences; ids ≥ `vocab` are ignored.
    pub fn fit(sequences: &[Vec<u32>], vocab: usize) -> Unigram {
        let mut counts = vec![0u64; vocab];
        for &t in sequences.iter().flatten() {
            if let Some(c) = counts.get_mut(t as usize) {
                *c += 1;
            }
        }
        let total = counts.iter().sum();
        Unigram { counts, total }
    }

    /// p(t); 0 for an id outside the vocabulary.
    pub fn prob(&self, t: u32) -> f64 {
        match self.counts.get(t as usize) {
            Some(&c) => (c + 1) as f64 / (self.total + self.counts.len() as u64) as f64,
            None => 0.0,
        }
    }

    /// NLL of every token of `sequences`.
    pub fn nll(&self, sequences: &[Vec<u32>]) -> Nll {
        let mut nll = Nll::default();
        for &t in sequences.iter().flatten() {
            nll.add(self.prob(t));
        }
        nll
    }
}
// ANCHOR_END: baselines

// ANCHOR: bigram
/// Character bigram baseline, interpolated with an add-one unigram
/// (Jelinek–Mercer smoothing):
/// p(c | prev) = λ·count(prev, c)/count(prev) + (1 − λ)·p_unigram(c).
///
/// Symbol 0 marks both the start and the end of a text (like the
/// end-of-text token of the GPT); the last symbol stands for every character
/// not seen in training.
#[derive(Clone, Debug)]
pub struct CharBigram {
    /// Characters seen in training, mapped to symbols 1..=n.
    chars: BTreeMap<char, u32>,
    /// Symbol → character, for sampling (index 0 is unused).
    symbols: Vec<char>,
    /// count(prev, next) for every pair seen, by `prev`.
    pairs: Vec<BTreeMap<u32, u64>>,
    /// count(prev, ·)
    row_totals: Vec<u64>,
    unigram: Vec<u64>,
    unigram_total: u64,
    /// λ, the weight of the bigram estimate.
    pub lambda: f64,
}

impl CharBigram {
    /// Counts characters and pairs of `texts`.
    pub fn fit(texts: &[String], lambda: f64) -> CharBigram {
        let mut chars = BTreeMap::new();
        for c in texts.iter().flat_map(|t| t.chars()) {
            chars.entry(c).or_insert(0);
        }
        let mut symbols = vec!['\0'];
        for (i, (c, s)) in chars.iter_mut().enumerate() {
            *s = i as u32 + 1;
            symbols.push(*c);
        }
        let n = symbols.len() + 1; // + the unknown symbol
        let mut model = CharBigram {
            chars,
            symbols,
            pairs: vec![BTreeMap::new(); n],
            row_totals: vec![0; n],
            unigram: vec![0; n],
            unigram_total: 0,
            lambda,
        };
        for text in texts {
            let s = model.symbols_of(text);
            for w in s.windows(2) {
                *model.pairs[w[0] as usize].entry(w[1]).or_insert(0) += 1;
                model.row_totals[w[0] as usize] += 1;
                model.unigram[w[1] as usize] += 1;
                model.unigram_total += 1;
            }
        }
        model
    }

    /// Number of symbols: boundary, characters, unknown.
    pub fn symbol_count(&self) -> usize {
        self.unigram.len()
    }

    /// 0, the text's symbols, 0.
    fn symbols_of(&self, text: &str) -> Vec<u32> {
        let unknown = self.symbols.len() as u32;
        let mut s = vec![0];
        s.extend(
            text.chars()
                .map(|c| self.chars.get(&c).copied().unwrap_or(unknown)),
        );
        s.push(0);
        s
    }

    /// p(next | prev) over symbols.
    pub fn prob(&self, prev: u32, next: u32) -> f64 {
        let v = self.unigram.len() as f64;
        let uni = (self.unigram[next as usize] + 1) as f64 / (self.unigram_total as f64 + v);
        let total = self.row_totals[prev as usize];
        if total == 0 {
            return uni;
        }
        let c = self.pairs[prev as usize].get(&next).copied().unwrap_or(0);
        self.lambda * c as f64 / total as f64 + (1.0 - self.lambda) * uni
    }

    /// NLL of every character of `texts` and of each text's end.
    pub fn nll(&self, texts: &[String]) -> Nll {
        let mut nll = Nll::default();
        for text in texts {
            for w in self.symbols_of(text).windows(2) {
                nll.add(self.prob(w[0], w[1]));
            }
        }
        nll
    }

    /// Generates one text (up to `max_chars` characters) by drawing each
    /// character from p(· | previous). The unknown symbol is never drawn.
    pub fn generate(&self, rng: &mut SampleRng, max_chars: usize) -> String {
        let known = self.symbols.len();
        let mut out = String::new();
        let mut prev = 0;
        for _ in 0..max_chars {
            let p: Vec<f64> = (0..known as u32).map(|c| self.prob(prev, c)).collect();
            let next = draw(&p, rng);
            if next == 0 {
                break;
            }
            out.push(self.symbols[next as usize]);
            prev = next;
        }
        out
    }
}
/// Chooses λ from `grid` by the NLL on `held_out` of a bigram counted on
/// `fit` (a part of the training poems, never the validation set); on a tie
/// the first value of the grid wins.
pub fn tune_lambda(fit: &[String], held_out: &[String], grid: &[f64]) -> f64 {
    let mut best = (f64::INFINITY, grid.first().copied().unwrap_or(0.5));
    for &lambda in grid {
        let nats = CharBigram::fit(fit, lambda).nll(held_out).nats;
        if nats < best.0 {
            best = (nats, lambda);
        }
    }
    best.1
}
// ANCHOR_END: bigram

// ANCHOR: form
/// Whether a line has the form of a line of 五言 or 七言 verse as the corpus
/// writes it: two halves of n Hanzi each (n = 5 or 7), the first ending in
/// '，', the second in '。', '？' or '！'. Returns n when it does.
pub fn regulated_line(line: &str) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    for n in [5, 7] {
        if chars.len() == 2 * n + 2
            && chars[n] == '，'
            && matches!(chars[2 * n + 1], '。' | '？' | '！')
            && chars[..n]
                .iter()
                .chain(&chars[n + 1..2 * n + 1])
                .all(|&c| is_hanzi(c))
        {
            return Some(n);
        }
    }
    None
}

/// CJK Unified Ideographs (the basic block and extension A).
pub fn is_hanzi(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Wilson score interval for a proportion k/n at the normal quantile `z`
/// (1.96 for 95 %). Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and
/// does not collapse to a point at k = 0 or k = n (Wilson, 1927).
pub fn wilson(k: usize, n: usize, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * libm::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    ((centre - half).max(0.0), (centre + half).min(1.0))
}
// ANCHOR_END: form
