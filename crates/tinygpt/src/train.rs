// ANCHOR: header
//! The training loop: random windows of the training stream, AdamW with
//! warm-up and cosine decay, gradient clipping, and the validation loss at
//! fixed intervals.
//!
//! Deterministic: the windows come from ChaCha8 with a fixed seed, every
//! sum has a fixed order, and nothing runs on another thread.

use rand::{RngExt, SeedableRng, rngs::ChaCha8Rng};

use crate::bpe::{BpeError, EOT, Tokenizer};
use crate::corpus::Poem;
use crate::model::{Config, Model, ModelError};
use crate::optim::{AdamW, clip_grad_norm, warmup_cosine};
// ANCHOR_END: header

// ANCHOR: model_config
/// The model the book trains, for a tokenizer of `vocab_size` tokens.
pub fn book_model_config(vocab_size: usize) -> Config {
    Config {
        vocab_size,
        n_ctx: 64,
        d_model: 64,
        n_head: 4,
        n_layer: 2,
        d_ff: 256,
        norm_eps: 1e-5,
        init_std: 0.02,
    }
}

// ANCHOR_END: model_config

// ANCHOR: train_config
/// Everything about a training run except the model and the data.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Optimizer steps.
    pub steps: u32,
    /// Sequences per step.
    pub batch_size: usize,
    /// Tokens per sequence (at most the model's `n_ctx`).
    pub seq_len: usize,
    /// Peak learning rate, reached at the end of warm-up.
    pub peak_lr: f64,
    /// Learning rate at the end of the cosine decay.
    pub min_lr: f64,
    /// Steps of linear warm-up.
    pub warmup: u32,
    /// AdamW β₁.
    pub beta1: f32,
    /// AdamW β₂.
    pub beta2: f32,
    /// AdamW ε.
    pub eps: f32,
    /// AdamW decoupled weight decay λ.
    pub weight_decay: f32,
    /// Largest global gradient norm; larger gradients are scaled down.
    pub clip: f64,
    /// Seed of the window sampler.
    pub seed: u64,
    /// Validation every this many steps (and after the last).
    pub eval_every: u32,
}

/// The run the book makes.
pub fn book_train_config() -> TrainConfig {
    TrainConfig {
        steps: 800,
        batch_size: 12,
        seq_len: 64,
        peak_lr: 2e-3,
        min_lr: 2e-4,
        warmup: 30,
        beta1: 0.9,
        beta2: 0.95,
        eps: 1e-8,
        weight_decay: 0.1,
        clip: 1.0,
        seed: 20_240_601,
        eval_every: 50,
    }
}
// ANCHOR_END: train_config

// ANCHOR: error
/// Why a run cannot start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    /// A stream too short to hold one window of `seq_len + 1` tokens.
    #[error("{which}只有 {len} 个词元，至少需要 {need} 个")]
    StreamTooShort {
        /// "训练集" or "验证集".
        which: &'static str,
        /// Its length.
        len: usize,
        /// `seq_len + 1`.
        need: usize,
    },
    /// A setting that makes no run.
    #[error("训练配置无效：{0}")]
    Config(String),
    /// The model rejected the data.
    #[error(transparent)]
    Model(#[from] ModelError),
}
// ANCHOR_END: error

// ANCHOR: data
/// One token stream for a set of poems: each poem's tokens after an
/// [`EOT`], and a final EOT. The model thus learns where a poem starts
/// (after EOT) and when it ends (by predicting EOT).
///
/// # Errors
/// What the tokenizer reports.
pub fn token_stream(tokenizer: &Tokenizer, poems: &[Poem]) -> Result<Vec<u32>, BpeError> {
    let mut stream = vec![EOT];
    for poem in poems {
        stream.extend(tokenizer.encode(&poem.text())?);
        stream.push(EOT);
    }
    Ok(stream)
}

/// The starting offsets of one batch: uniform over every window of
/// `seq_len + 1` tokens that fits in the stream.
fn sample_starts(rng: &mut ChaCha8Rng, len: usize, seq_len: usize, batch: usize) -> Vec<usize> {
    (0..batch)
        .map(|_| rng.random_range(0..=len - seq_len - 1))
        .collect()
}

/// Input and target windows at `starts`: the target is the input shifted by
/// one token.
fn windows<'a>(stream: &'a [u32], starts: &[usize], seq_len: usize) -> Vec<(&'a [u32], &'a [u32])> {
    starts
        .iter()
        .map(|&s| (&stream[s..s + seq_len], &stream[s + 1..s + seq_len + 1]))
        .collect()
}

/// Mean cross-entropy (nats per token) of `model` on `stream`, cut into
/// consecutive windows of `seq_len` targets (each window starts without
/// context; a final partial window is included).
///
/// # Errors
/// A stream of fewer than two tokens, or tokens the model rejects.
pub fn evaluate(model: &Model, stream: &[u32], seq_len: usize) -> Result<f64, TrainError> {
    if stream.len() < 2 {
        return Err(TrainError::StreamTooShort {
            which: "验证集",
            len: stream.len(),
            need: 2,
        });
    }
    let (mut sum, mut n) = (0.0f64, 0usize);
    let mut s = 0;
    while s + 1 < stream.len() {
        let t = seq_len.min(stream.len() - 1 - s);
        let w = [(&stream[s..s + t], &stream[s + 1..s + t + 1])];
        sum += model.loss(&w)? * t as f64;
        n += t;
        s += t;
    }
    Ok(sum / n as f64)
}
// ANCHOR_END: data

// ANCHOR: log
/// One optimizer step.
#[derive(Clone, Debug, PartialEq)]
pub struct StepLog {
    /// Step number, from 0.
    pub step: u32,
    /// Learning rate used.
    pub lr: f64,
    /// Mean training cross-entropy of the batch, before the update.
    pub loss: f32,
    /// Global gradient norm before clipping.
    pub grad_norm: f64,
}

/// A validation point.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalLog {
    /// Steps taken when it was measured (0 = before training).
    pub step: u32,
    /// Mean training loss of the steps since the previous point.
    pub train_loss: f64,
    /// Validation cross-entropy.
    pub val_loss: f64,
}

/// Everything a run measured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainLog {
    /// Every step.
    pub steps: Vec<StepLog>,
    /// Every validation point, the first before any step.
    pub evals: Vec<EvalLog>,
}
// ANCHOR_END: log

// ANCHOR: train
/// Trains `model` in place. `on_eval` is called at every validation point
/// with the model as it is then (for samples at checkpoints).
///
/// # Errors
/// An invalid configuration or streams too short for one window.
pub fn train(
    model: &mut Model,
    train_stream: &[u32],
    valid_stream: &[u32],
    cfg: &TrainConfig,
    on_eval: &mut dyn FnMut(&Model, &EvalLog),
) -> Result<TrainLog, TrainError> {
    if cfg.steps == 0 || cfg.batch_size == 0 || cfg.eval_every == 0 || cfg.warmup > cfg.steps {
        return Err(TrainError::Config(format!(
            "steps = {}，batch_size = {}，eval_every = {}，warmup = {}",
            cfg.steps, cfg.batch_size, cfg.eval_every, cfg.warmup
        )));
    }
    if cfg.seq_len == 0 || cfg.seq_len > model.config.n_ctx {
        return Err(TrainError::Config(format!(
            "seq_len = {} 不在 1..={} 之内",
            cfg.seq_len, model.config.n_ctx
        )));
    }
    if train_stream.len() < cfg.seq_len + 1 {
        return Err(TrainError::StreamTooShort {
            which: "训练集",
            len: train_stream.len(),
            need: cfg.seq_len + 1,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut opt = AdamW::new(model, cfg.beta1, cfg.beta2, cfg.eps, cfg.weight_decay);
    let mut log = TrainLog::default();
    let first = EvalLog {
        step: 0,
        train_loss: evaluate(model, train_stream, cfg.seq_len)?,
        val_loss: evaluate(model, valid_stream, cfg.seq_len)?,
    };
    on_eval(model, &first);
    log.evals.push(first);
    let mut since = (0.0f64, 0u32); // training losses since the last point
    for step in 0..cfg.steps {
        let starts = sample_starts(&mut rng, train_stream.len(), cfg.seq_len, cfg.batch_size);
        let batch = windows(train_stream, &starts, cfg.seq_len);
        let (loss, mut grads) = model.try_loss_and_grads_batch(&batch)?;
        let grad_norm = clip_grad_norm(&mut grads.data, cfg.clip);
        let lr = warmup_cosine(step, cfg.warmup, cfg.steps, cfg.peak_lr, cfg.min_lr);
        opt.step(model.params_mut(), &grads.data, lr);
        log.steps.push(StepLog {
            step,
            lr,
            loss,
            grad_norm,
        });
        since = (since.0 + f64::from(loss), since.1 + 1);
        let done = step + 1;
        if done % cfg.eval_every == 0 || done == cfg.steps {
            let point = EvalLog {
                step: done,
                train_loss: since.0 / f64::from(since.1),
                val_loss: evaluate(model, valid_stream, cfg.seq_len)?,
            };
            on_eval(model, &point);
            log.evals.push(point);
            since = (0.0, 0);
        }
    }
    Ok(log)
}
// ANCHOR_END: train

// ANCHOR: greedy
/// Greedy decoding: append the most likely next token (the lowest id on a
/// tie) until `max_new` tokens or `stop`. The model sees the last `n_ctx`
/// tokens at most.
///
/// # Errors
/// A prompt the model rejects (empty, or ids outside the vocabulary).
pub fn greedy(
    model: &Model,
    prompt: &[u32],
    max_new: usize,
    stop: Option<u32>,
) -> Result<Vec<u32>, ModelError> {
    let mut tokens = prompt.to_vec();
    let (n_ctx, v) = (model.config.n_ctx, model.config.vocab_size);
    for _ in 0..max_new {
        let ctx = &tokens[tokens.len().saturating_sub(n_ctx)..];
        model.check_tokens(ctx)?;
        let logits = model.forward(ctx);
        let last = &logits[(ctx.len() - 1) * v..];
        let mut best = 0;
        for (i, &x) in last.iter().enumerate() {
            if x > last[best] {
                best = i;
            }
        }
        let next = best as u32; // best < vocab_size ≤ u32::MAX (Config::validate)
        tokens.push(next);
        if Some(next) == stop {
            break;
        }
    }
    Ok(tokens[prompt.len()..].to_vec())
}
// ANCHOR_END: greedy
