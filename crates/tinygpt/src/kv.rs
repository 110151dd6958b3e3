//! Autoregressive generation, with and without a KV cache.
//!
//! Without a cache every new token reruns [`Model::forward`] on the whole
//! context. With one, each step feeds only the newest token through the
//! blocks and attends to the keys and values kept from earlier steps. The
//! step is built from the model's own functions (`layer_norm`, `linear`,
//! `gelu`, `softmax`, `matmul_acc`) and adds its sums in the same order as
//! [`crate::model::attention`], so the logits, and therefore the tokens, are
//! bit-for-bit those of the uncached loop.

// ANCHOR: cache
use crate::bpe::{EOT, Tokenizer};
use crate::model::{Model, ModelError, gelu, layer_norm, linear, matmul_acc, softmax, transpose};
use crate::sample::{SampleError, SampleRng, SamplingConfig, sample};

/// One block's weights, looked up once by their Hugging Face names.
struct Block<'a> {
    ln1: (&'a [f32], &'a [f32]),
    attn: (&'a [f32], &'a [f32]),
    proj: (&'a [f32], &'a [f32]),
    ln2: (&'a [f32], &'a [f32]),
    fc: (&'a [f32], &'a [f32]),
    fc2: (&'a [f32], &'a [f32]),
}

/// A model ready for one-token steps: its weights and the cache of keys and
/// values of every position seen so far, one `len × d_model` matrix of each
/// per layer.
pub struct KvDecoder<'a> {
    model: &'a Model,
    blocks: Vec<Block<'a>>,
    /// The token embedding transposed (`d_model × vocab`), for the tied
    /// output layer, as `Model::forward` uses it.
    wte_t: Vec<f32>,
    /// Keys of layer l: row p is position p.
    pub keys: Vec<Vec<f32>>,
    /// Values of layer l: row p is position p.
    pub values: Vec<Vec<f32>>,
    /// Positions in the cache.
    pub len: usize,
    /// Multiply-adds of the matrix products done so far.
    pub macs: u64,
}

/// Why generation stopped early or could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GenerateError {
    /// A prompt token the model cannot take (an id outside the vocabulary).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Sampling rejected its parameters.
    #[error(transparent)]
    Sample(#[from] SampleError),
    /// There is nothing to continue.
    #[error("提示为空")]
    EmptyPrompt,
    /// The cache already holds `n_ctx` positions: learned absolute positions
    /// end there.
    #[error("上下文的 {n_ctx} 个位置已满")]
    ContextFull {
        /// The model's context length.
        n_ctx: usize,
    },
}

impl<'a> KvDecoder<'a> {
    /// An empty cache for `model`.
    pub fn new(model: &'a Model) -> KvDecoder<'a> {
        let c = &model.config;
        // Every name below is one `tensor_specs` creates, so lookups succeed.
        let t = |name: String| model.tensor(&name).unwrap_or(&[]);
        let pair = |l: usize, what: &str| {
            (
                t(format!("h.{l}.{what}.weight")),
                t(format!("h.{l}.{what}.bias")),
            )
        };
        let blocks = (0..c.n_layer)
            .map(|l| Block {
                ln1: pair(l, "ln_1"),
                attn: pair(l, "attn.c_attn"),
                proj: pair(l, "attn.c_proj"),
                ln2: pair(l, "ln_2"),
                fc: pair(l, "mlp.c_fc"),
                fc2: pair(l, "mlp.c_proj"),
            })
            .collect();
        KvDecoder {
            model,
            blocks,
            wte_t: transpose(t("wte.weight".into()), c.vocab_size, c.d_model),
            keys: vec![Vec::new(); c.n_layer],
            values: vec![Vec::new(); c.n_layer],
            len: 0,
            macs: 0,
        }
    }

    /// Bytes the cache holds now: 2 (K and V) · n_layer · len · d_model · 4.
    pub fn cache_bytes(&self) -> usize {
        let kv: usize = self.keys.iter().chain(&self.values).map(Vec::len).sum();
        kv * std::mem::size_of::<f32>()
    }
}
// ANCHOR_END: cache

// ANCHOR: step
impl KvDecoder<'_> {
    /// Feeds `token` at the next position; returns the logits for the token
    /// after it (one row of `vocab_size`).
    pub fn step(&mut self, token: u32) -> Result<Vec<f32>, GenerateError> {
        let c = &self.model.config;
        let (d, f, v, pos) = (c.d_model, c.d_ff, c.vocab_size, self.len);
        if pos >= c.n_ctx {
            return Err(GenerateError::ContextFull { n_ctx: c.n_ctx });
        }
        self.model.check_tokens(&[token])?;
        let wte = self.model.tensor("wte.weight").unwrap_or(&[]);
        let wpe = self.model.tensor("wpe.weight").unwrap_or(&[]);
        let tok = token as usize;
        let mut x: Vec<f32> = (0..d)
            .map(|j| wte[tok * d + j] + wpe[pos * d + j])
            .collect();
        let t = pos + 1; // positions to attend to, this one included
        for (l, b) in self.blocks.iter().enumerate() {
            let (ln1, _, _) = layer_norm(&x, b.ln1.0, b.ln1.1, d, c.norm_eps);
            let qkv = linear(&ln1, b.attn.0, b.attn.1, 1, d, 3 * d);
            self.keys[l].extend_from_slice(&qkv[d..2 * d]);
            self.values[l].extend_from_slice(&qkv[2 * d..]);
            let att = attend(&qkv[..d], &self.keys[l], &self.values[l], t, d, c.n_head);
            let proj = linear(&att, b.proj.0, b.proj.1, 1, d, d);
            for (xi, pi) in x.iter_mut().zip(&proj) {
                *xi += pi;
            }
            let (ln2, _, _) = layer_norm(&x, b.ln2.0, b.ln2.1, d, c.norm_eps);
            let pre = linear(&ln2, b.fc.0, b.fc.1, 1, d, f);
            let (act, _) = gelu(&pre);
            let mlp = linear(&act, b.fc2.0, b.fc2.1, 1, f, d);
            for (xi, mi) in x.iter_mut().zip(&mlp) {
                *xi += mi;
            }
        }
        let n = self.blocks.len();
        let f_w = self.model.tensor("ln_f.weight").unwrap_or(&[]);
        let f_b = self.model.tensor("ln_f.bias").unwrap_or(&[]);
        let (lnf, _, _) = layer_norm(&x, f_w, f_b, d, c.norm_eps);
        let mut logits = vec![0.0f32; v];
        matmul_acc(&mut logits, &lnf, &self.wte_t, 1, d, v);
        self.len += 1;
        self.macs += step_macs(n, d, f, v, t);
        Ok(logits)
    }
}

/// One query against the cached keys and values of `t` positions, head by
/// head: the scores, scaling, softmax and weighted sum of
/// [`crate::model::attention`] for its last row, summed in the same order.
fn attend(q: &[f32], keys: &[f32], values: &[f32], t: usize, d: usize, n_head: usize) -> Vec<f32> {
    let hd = d / n_head;
    let scale = 1.0 / (hd as f32).sqrt();
    let mut out = vec![0.0f32; d];
    let mut p = vec![0.0f32; t];
    for h in 0..n_head {
        for (j, pj) in p.iter_mut().enumerate() {
            *pj = 0.0;
            for c in 0..hd {
                *pj += q[h * hd + c] * keys[j * d + h * hd + c];
            }
            *pj *= scale;
        }
        softmax(&mut p);
        let o = &mut out[h * hd..(h + 1) * hd];
        for (j, &pj) in p.iter().enumerate() {
            for (oc, &vc) in o
                .iter_mut()
                .zip(&values[j * d + h * hd..j * d + (h + 1) * hd])
            {
                *oc += pj * vc;
            }
        }
    }
    out
}
// ANCHOR_END: step

// ANCHOR: macs
/// Multiply-adds of the matrix products in one cached step at `t` positions:
/// per layer Q/K/V (3d²), scores and weighted sum (2·t·d), output projection
/// (d²), MLP (2·d·d_ff); then the output layer (d·vocab).
pub fn step_macs(n_layer: usize, d: usize, d_ff: usize, vocab: usize, t: usize) -> u64 {
    let per_layer = 4 * d * d + 2 * d * d_ff + 2 * t * d;
    (n_layer * per_layer + d * vocab) as u64
}

/// Multiply-adds of [`Model::forward`] on `t` tokens: every position does
/// the work of a step, and query i attends to i + 1 keys, so the attention
/// terms sum to d·t(t+1) per layer.
pub fn forward_macs(n_layer: usize, d: usize, d_ff: usize, vocab: usize, t: usize) -> u64 {
    let dense = t * (n_layer * (4 * d * d + 2 * d * d_ff) + d * vocab);
    (dense + n_layer * d * t * (t + 1)) as u64
}

/// Bytes of a KV cache: K and V, for every layer and position, each
/// `d_model` numbers of `bytes_per_value` bytes.
pub fn cache_bytes(
    n_layer: usize,
    positions: usize,
    d_model: usize,
    bytes_per_value: usize,
) -> u64 {
    (2 * n_layer * positions * d_model * bytes_per_value) as u64
}
// ANCHOR_END: macs

// ANCHOR: generate
/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GenerateOptions {
    /// At most this many new tokens.
    pub max_new_tokens: usize,
    /// How each token is chosen.
    pub sampling: SamplingConfig,
    /// Stop after this token (the end-of-text token); it is not returned.
    pub stop: Option<u32>,
}

/// Why generation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The stop token came.
    Stop,
    /// `max_new_tokens` were generated.
    Length,
    /// `on_token` asked to stop (a client went away).
    Cancelled,
}

/// The result of a generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    /// The new tokens, without the prompt and without the stop token.
    pub tokens: Vec<u32>,
    /// Why it ended.
    pub reason: StopReason,
    /// Multiply-adds of the matrix products spent, prompt included.
    pub macs: u64,
    /// How often the context was full and slid forward.
    pub slides: usize,
}

/// Generates a continuation of `prompt`, with the KV cache or by rerunning
/// the whole context each step. `on_token` sees each new token as soon as it
/// is chosen (the service streams them); returning `false` stops early.
/// With a [`Utf8Mask`], only tokens that keep the text valid UTF-8 are drawn
/// (the prompt is text, so it ends on a character boundary).
///
/// The model has learnt `n_ctx` absolute positions. When the context is
/// full, both ways keep only its last `n_ctx / 2` tokens, at positions
/// 0, 1, …, and go on; the cached way refills its cache from them. So the
/// two always compute the logits of the same window of tokens.
#[allow(clippy::too_many_arguments)] // model, input, settings, and three hooks
pub fn generate(
    model: &Model,
    prompt: &[u32],
    opts: &GenerateOptions,
    rng: &mut SampleRng,
    use_cache: bool,
    mask: Option<&Utf8Mask>,
    on_token: &mut dyn FnMut(u32) -> bool,
) -> Result<Generated, GenerateError> {
    opts.sampling.validate()?;
    if prompt.is_empty() {
        return Err(GenerateError::EmptyPrompt);
    }
    model.check_tokens(prompt)?;
    let c = &model.config;
    let mut ctx = prompt.to_vec();
    let mut out = Generated {
        tokens: Vec::new(),
        reason: StopReason::Length,
        macs: 0,
        slides: 0,
    };
    let mut dec = KvDecoder::new(model);
    let mut logits = Vec::new();
    let mut pending: Vec<u8> = Vec::new(); // bytes of an unfinished character
    if use_cache {
        for &t in &ctx {
            logits = dec.step(t)?; // the prompt fills the cache (prefill)
        }
    }
    while out.tokens.len() < opts.max_new_tokens {
        if !use_cache {
            let all = model.forward(&ctx);
            logits = all[(ctx.len() - 1) * c.vocab_size..].to_vec();
            out.macs += forward_macs(c.n_layer, c.d_model, c.d_ff, c.vocab_size, ctx.len());
        }
        if let Some(m) = mask {
            m.apply(&pending, &mut logits);
        }
        let next = sample(&logits, &opts.sampling, rng)?;
        if let Some(m) = mask {
            m.advance(&mut pending, next);
        }
        if opts.stop == Some(next) {
            out.reason = StopReason::Stop;
            break;
        }
        out.tokens.push(next);
        if !on_token(next) {
            out.reason = StopReason::Cancelled;
            break;
        }
        if out.tokens.len() == opts.max_new_tokens {
            break;
        }
        ctx.push(next);
        if ctx.len() > c.n_ctx {
            // Full: slide to the last n_ctx / 2 tokens.
            ctx.drain(..ctx.len() - (c.n_ctx / 2).max(1));
            out.slides += 1;
            if use_cache {
                out.macs += dec.macs;
                dec = KvDecoder::new(model);
                for &t in &ctx {
                    logits = dec.step(t)?;
                }
            }
        } else if use_cache {
            logits = dec.step(next)?;
        }
    }
    out.macs += dec.macs;
    Ok(out)
}
// ANCHOR_END: generate

// ANCHOR: utf8
/// Keeps byte-level generation valid UTF-8. A token of the byte-level
/// tokenizer can be part of a character; a small model often follows the
/// first byte of a character with a token that cannot continue it, and the
/// text gets U+FFFD. Before each draw, every token whose bytes would make the
/// text invalid gets logit −∞.
pub struct Utf8Mask {
    bytes: Vec<Vec<u8>>,
}

/// Whether `b` is UTF-8 or a beginning of UTF-8 (it ends inside a character).
fn utf8_prefix(b: &[u8]) -> bool {
    match std::str::from_utf8(b) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

impl Utf8Mask {
    /// The bytes of every token of `tokenizer`.
    pub fn new(tokenizer: &Tokenizer) -> Utf8Mask {
        let bytes = (0..tokenizer.vocab_size() as u32)
            .map(|id| tokenizer.decode_bytes(&[id]).unwrap_or_default())
            .collect();
        Utf8Mask { bytes }
    }

    /// Sets to −∞ the logit of every token that cannot follow `pending`, the
    /// bytes of an unfinished character at the end of the text so far.
    pub fn apply(&self, pending: &[u8], logits: &mut [f32]) {
        let mut buf = Vec::with_capacity(pending.len() + 16);
        for (z, b) in logits.iter_mut().zip(&self.bytes) {
            buf.clear();
            buf.extend_from_slice(pending);
            buf.extend_from_slice(b);
            if !utf8_prefix(&buf) {
                *z = f32::NEG_INFINITY;
            }
        }
    }

    /// Appends token `id` to `pending` and drops the characters it completes.
    pub fn advance(&self, pending: &mut Vec<u8>, id: u32) {
        pending.extend_from_slice(self.bytes.get(id as usize).map_or(&[][..], |b| b));
        let done = match std::str::from_utf8(pending) {
            Ok(_) => pending.len(),
            Err(e) => e.valid_up_to(),
        };
        pending.drain(..done);
    }
}
// ANCHOR_END: utf8

// ANCHOR: text
/// The ids a poem is continued from: [`EOT`] (in training a poem always
/// follows it) and then the prompt's tokens.
pub fn prompt_ids(tokenizer: &Tokenizer, prompt: &str) -> Vec<u32> {
    let mut ids = vec![EOT];
    // Byte-level BPE: encoding never fails (see bpe.rs).
    ids.extend(tokenizer.encode(prompt).unwrap_or_default());
    ids
}

/// The text of ids. A byte-level generation can stop inside a character;
/// that last piece becomes U+FFFD instead of an error.
pub fn text_of(tokenizer: &Tokenizer, ids: &[u32]) -> String {
    let bytes = tokenizer.decode_bytes(ids).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `text` with every control character except the newline replaced by
/// U+FFFD: a byte-level model can emit any byte, and a stray escape or NUL
/// should not reach a terminal or a page.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Writes a poem: `prompt` and its continuation (with the KV cache), up to
/// the end-of-text token or `max_new_tokens`, sampled with `sampling` from
/// a generator seeded with `seed`, kept valid UTF-8 by a [`Utf8Mask`];
/// [`printable`].
pub fn write_poem(
    model: &Model,
    tokenizer: &Tokenizer,
    prompt: &str,
    max_new_tokens: usize,
    sampling: SamplingConfig,
    seed: u64,
) -> Result<String, GenerateError> {
    let opts = GenerateOptions {
        max_new_tokens,
        sampling,
        stop: Some(EOT),
    };
    let ids = prompt_ids(tokenizer, prompt);
    let mut rng = crate::sample::rng(seed);
    let mask = Utf8Mask::new(tokenizer);
    let g = generate(model, &ids, &opts, &mut rng, true, Some(&mask), &mut |_| {
        true
    })?;
    Ok(printable(&format!(
        "{prompt}{}",
        text_of(tokenizer, &g.tokens)
    )))
}
// ANCHOR_END: text
