//! Choosing the next token from a row of logits: greedy, temperature, top-k
//! and top-p (nucleus) decoding, with a seeded ChaCha8 generator.
//!
//! The functions see only logits, never the model, so the same code serves
//! the plain generation loop, the KV-cached one and the HTTP service.

// ANCHOR: config
use rand::{RngExt, SeedableRng, rngs::ChaCha8Rng};

/// The generator sampling draws from: ChaCha8, a fixed algorithm, seeded the
/// same way as `guide_support::rng::seeded`, so a seed gives the same tokens
/// on every machine.
pub type SampleRng = ChaCha8Rng;

/// A [`SampleRng`] seeded from `seed`.
pub fn rng(seed: u64) -> SampleRng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// How the next token is chosen.
///
/// The steps run in the order Hugging Face `generate` uses: divide the logits
/// by the temperature, softmax, keep the `top_k` most probable tokens, then
/// keep the smallest prefix whose probability reaches `top_p`, renormalize
/// and draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SamplingConfig {
    /// 0 means greedy (always the most probable token, no random draw);
    /// otherwise a finite value > 0.
    pub temperature: f64,
    /// Keep only the `k` most probable tokens (`None`: no limit).
    pub top_k: Option<usize>,
    /// Keep the smallest set of tokens whose probability reaches `p`,
    /// 0 < p ≤ 1 (`None`: no limit).
    pub top_p: Option<f64>,
}

impl SamplingConfig {
    /// Greedy decoding: temperature 0.
    pub const GREEDY: SamplingConfig = SamplingConfig {
        temperature: 0.0,
        top_k: None,
        top_p: None,
    };

    /// Plain sampling at temperature `t`, no truncation.
    pub fn temperature(t: f64) -> SamplingConfig {
        SamplingConfig {
            temperature: t,
            top_k: None,
            top_p: None,
        }
    }

    /// Checks the parameters once, before any token is generated.
    pub fn validate(&self) -> Result<(), SampleError> {
        if !self.temperature.is_finite() || self.temperature < 0.0 {
            return Err(SampleError::Temperature(self.temperature));
        }
        if self.top_k == Some(0) {
            return Err(SampleError::TopK);
        }
        if let Some(p) = self.top_p
            && !(p > 0.0 && p <= 1.0)
        {
            return Err(SampleError::TopP(p));
        }
        Ok(())
    }
}

/// Why a token could not be chosen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SampleError {
    /// The temperature is negative, NaN or infinite.
    #[error("temperature 必须是 ≥ 0 的有限数，收到 {0}")]
    Temperature(f64),
    /// `top_k` is 0: no token would be left.
    #[error("top_k 至少为 1")]
    TopK,
    /// `top_p` is outside (0, 1].
    #[error("top_p 必须在 (0, 1] 之内，收到 {0}")]
    TopP(f64),
    /// The row of logits is empty.
    #[error("没有可供抽样的 logits")]
    Empty,
    /// A logit is NaN or +∞ (a broken model, not a bad request).
    #[error("第 {index} 个 logit 是 NaN 或 +∞")]
    NotFinite {
        /// Position of the first such logit.
        index: usize,
    },
    /// Every logit is −∞: a mask ruled out every token.
    #[error("所有词元都被屏蔽了")]
    AllMasked,
}
// ANCHOR_END: config

// ANCHOR: greedy
/// The index of the largest logit; on a tie the smallest index, so the result
/// never depends on anything but the numbers.
pub fn argmax(logits: &[f32]) -> Result<u32, SampleError> {
    check(logits)?;
    let mut best = 0;
    for (i, &z) in logits.iter().enumerate() {
        if z > logits[best] {
            best = i;
        }
    }
    Ok(best as u32)
}

/// NaN and +∞ are errors; −∞ marks a token that is ruled out (a mask), but
/// at least one token must remain.
fn check(logits: &[f32]) -> Result<(), SampleError> {
    if logits.is_empty() {
        return Err(SampleError::Empty);
    }
    if let Some(index) = logits
        .iter()
        .position(|z| z.is_nan() || *z == f32::INFINITY)
    {
        return Err(SampleError::NotFinite { index });
    }
    if logits.iter().all(|&z| z == f32::NEG_INFINITY) {
        return Err(SampleError::AllMasked);
    }
    Ok(())
}
// ANCHOR_END: greedy

// ANCHOR: distribution
/// The distribution the next token is drawn from: softmax(logits / T), cut
/// to top-k and top-p, renormalized. Removed tokens get probability 0.
/// Temperature 0 gives all the mass to [`argmax`].
pub fn probabilities(logits: &[f32], cfg: &SamplingConfig) -> Result<Vec<f64>, SampleError> {
    cfg.validate()?;
    check(logits)?;
    let mut p = vec![0.0f64; logits.len()];
    if cfg.temperature == 0.0 {
        p[argmax(logits)? as usize] = 1.0;
        return Ok(p);
    }
    // Softmax in f64; subtracting the maximum keeps exp from overflowing.
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &z| m.max(z));
    let mut sum = 0.0;
    for (pi, &z) in p.iter_mut().zip(logits) {
        *pi = libm::exp((f64::from(z) - f64::from(max)) / cfg.temperature);
        sum += *pi;
    }
    for pi in &mut p {
        *pi /= sum;
    }
    if cfg.top_k.is_none() && cfg.top_p.is_none() {
        return Ok(p);
    }
    // Most probable first; equal probabilities by index, so the cut is
    // deterministic.
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    let k = cfg.top_k.unwrap_or(p.len()).min(p.len());
    let mut keep = 0;
    let mut cum = 0.0;
    for &i in &order[..k] {
        keep += 1;
        cum += p[i];
        if cfg.top_p.is_some_and(|top_p| cum >= top_p) {
            break;
        }
    }
    let mut out = vec![0.0f64; p.len()];
    for &i in &order[..keep] {
        out[i] = p[i] / cum;
    }
    Ok(out)
}
// ANCHOR_END: distribution

// ANCHOR: draw
/// Draws an index with the given probabilities: one uniform number in
/// [0, 1) from `rng`, then the first index whose cumulative probability
/// exceeds it (the same rule as `guide_support::rng::weighted_index`).
pub fn draw(p: &[f64], rng: &mut SampleRng) -> u32 {
    let total: f64 = p.iter().sum();
    let mut target = rng.random::<f64>() * total;
    let mut last = 0;
    for (i, &w) in p.iter().enumerate() {
        if w > 0.0 {
            if target < w {
                return i as u32;
            }
            target -= w;
            last = i;
        }
    }
    // Rounding can leave `target` a hair above the last weight.
    last as u32
}

/// Chooses the next token. Greedy decoding consumes no random number, so a
/// greedy run leaves `rng` untouched.
pub fn sample(
    logits: &[f32],
    cfg: &SamplingConfig,
    rng: &mut SampleRng,
) -> Result<u32, SampleError> {
    if cfg.temperature == 0.0 {
        cfg.validate()?;
        return argmax(logits);
    }
    let p = probabilities(logits, cfg)?;
    Ok(draw(&p, rng))
}
// ANCHOR_END: draw
