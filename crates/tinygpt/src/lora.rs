//! Low-rank adaptation (LoRA): the base weights stay frozen, each adapted
//! weight matrix W gets an update of rank at most r,
//! W' = W + s·B·A with s = α / r,
//! and only B and A are trained.
//!
//! The gradients of B and A come from the model's own backward pass: run it
//! on the merged model to get ∂L/∂W' (written dW), then project it,
//! dB = s·dW·Aᵀ and dA = s·Bᵀ·dW (the chain rule through W' = W + s·B·A).

// ANCHOR: adapter
use rand::{RngExt, SeedableRng, rngs::ChaCha8Rng};

use crate::bpe::EOT;
use crate::model::{Grads, Model, ModelError, matmul_acc, transpose};
use crate::optim::{clip_grad_norm, warmup_cosine};
use crate::train::{TrainError, evaluate};

/// One adapted matrix: W (`rows × cols`, the model's `[in, out]` layout)
/// gets s·B·A with B `rows × r` and A `r × cols`.
#[derive(Clone, Debug, PartialEq)]
pub struct Adapter {
    /// The tensor it adapts, e.g. `h.0.attn.c_attn.weight`.
    pub name: String,
    /// Rows of W (its input width).
    pub rows: usize,
    /// Columns of W (its output width).
    pub cols: usize,
    /// B, `rows × r`, starts at 0, so that training starts from the base model.
    pub b: Vec<f32>,
    /// A, `r × cols`, starts from N(0, 1/cols).
    pub a: Vec<f32>,
}

/// The adapters of a model and their common rank and scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Lora {
    /// The rank r.
    pub rank: usize,
    /// s = α / r.
    pub scale: f32,
    /// One per adapted tensor, in the model's tensor order.
    pub adapters: Vec<Adapter>,
}

/// Why adapters could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoraError {
    /// Rank 0, or larger than a matrix's smaller side (no longer low rank).
    #[error("{name} 的秩 {rank} 必须在 1..={max} 之内")]
    Rank {
        /// The rank asked for.
        rank: usize,
        /// The largest sensible rank, min(rows, cols).
        max: usize,
        /// The tensor that limits it.
        name: String,
    },
    /// No tensor name ends with any of the requested suffixes, or the tensor
    /// is not a matrix.
    #[error("没有权重矩阵的名字以 {0:?} 之一结尾")]
    NoTarget(Vec<String>),
    /// α is not a finite positive number.
    #[error("alpha 必须是正的有限数，收到 {0}")]
    Alpha(f32),
    /// The training settings make no run.
    #[error("LoRA 训练配置无效：{0}")]
    Config(String),
    /// A stream too short for one window.
    #[error("训练流只有 {len} 个词元，一个窗口需要 {need} 个")]
    StreamTooShort {
        /// Its length.
        len: usize,
        /// `seq_len + 1`.
        need: usize,
    },
    /// The model rejected the data.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Validation failed.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// [`Lora::set_params`] got the wrong number of values.
    #[error("给了 {given} 个数，适配器共有 {expected} 个参数")]
    ParamCount {
        /// Values given.
        given: usize,
        /// Values the adapters hold.
        expected: usize,
    },
}

impl Lora {
    /// Adapters for every matrix of `model` whose name ends with one of
    /// `targets` (e.g. `"attn.c_attn.weight"`), B = 0 and A drawn from
    /// ChaCha8 seeded with `seed`.
    pub fn new(
        model: &Model,
        targets: &[&str],
        rank: usize,
        alpha: f32,
        seed: u64,
    ) -> Result<Lora, LoraError> {
        if !(alpha.is_finite() && alpha > 0.0) {
            return Err(LoraError::Alpha(alpha));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut adapters = Vec::new();
        for (name, shape, _) in model.tensors() {
            if shape.len() != 2 || !targets.iter().any(|t| name.ends_with(t)) {
                continue;
            }
            let (rows, cols) = (shape[0], shape[1]);
            let max = rows.min(cols);
            if rank == 0 || rank > max {
                return Err(LoraError::Rank { rank, max, name });
            }
            let std = 1.0 / libm::sqrt(rows as f64);
            let b = (0..rows * rank)
                .map(|_| (std * normal(&mut rng)) as f32)
                .collect();
            adapters.push(Adapter {
                name,
                rows,
                cols,
                b,
                a: vec![0.0; rank * cols],
            });
        }
        if adapters.is_empty() {
            return Err(LoraError::NoTarget(
                targets.iter().map(|t| t.to_string()).collect(),
            ));
        }
        Ok(Lora {
            rank,
            scale: alpha / rank as f32,
            adapters,
        })
    }

    /// Trainable numbers: r·(rows + cols) per adapter.
    pub fn num_params(&self) -> usize {
        self.adapters.iter().map(|a| a.a.len() + a.b.len()).sum()
    }
}

/// A standard normal draw (Box–Muller through `libm`).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
}
// ANCHOR_END: adapter

// ANCHOR: merge
impl Adapter {
    /// ΔW = s·B·A, `rows × cols`.
    pub fn delta(&self, rank: usize, scale: f32) -> Vec<f32> {
        let mut d = vec![0.0f32; self.rows * self.cols];
        matmul_acc(&mut d, &self.b, &self.a, self.rows, rank, self.cols);
        for v in &mut d {
            *v *= scale;
        }
        d
    }
}

impl Lora {
    /// The base model with every ΔW added: after training, the adapted model
    /// runs exactly as fast as the base one.
    pub fn merge(&self, base: &Model) -> Model {
        let mut m = base.clone();
        for ad in &self.adapters {
            let delta = ad.delta(self.rank, self.scale);
            if let Some(w) = m.tensor_mut(&ad.name) {
                for (wi, di) in w.iter_mut().zip(&delta) {
                    *wi += di;
                }
            }
        }
        m
    }

    /// dB = s·dW·Aᵀ and dA = s·Bᵀ·dW for every adapter, from the merged
    /// model's gradients: the order of [`Lora::params`], B then A each.
    pub fn project(&self, grads: &Grads) -> Vec<f32> {
        let (r, s) = (self.rank, self.scale);
        let mut out = Vec::with_capacity(self.num_params());
        for ad in &self.adapters {
            let dw = grads.tensor(&ad.name).unwrap_or(&[]);
            let mut db = vec![0.0f32; ad.rows * r];
            matmul_acc(
                &mut db,
                dw,
                &transpose(&ad.a, r, ad.cols),
                ad.rows,
                ad.cols,
                r,
            );
            let mut da = vec![0.0f32; r * ad.cols];
            matmul_acc(
                &mut da,
                &transpose(&ad.b, ad.rows, r),
                dw,
                r,
                ad.rows,
                ad.cols,
            );
            out.extend(db.iter().chain(&da).map(|g| g * s));
        }
        out
    }

    /// The trainable numbers back to back, B then A for each adapter.
    pub fn params(&self) -> Vec<f32> {
        let mut p = Vec::with_capacity(self.num_params());
        for ad in &self.adapters {
            p.extend_from_slice(&ad.b);
            p.extend_from_slice(&ad.a);
        }
        p
    }

    /// Writes back numbers laid out as [`Lora::params`] gives them.
    pub fn set_params(&mut self, p: &[f32]) -> Result<(), LoraError> {
        if p.len() != self.num_params() {
            return Err(LoraError::ParamCount {
                given: p.len(),
                expected: self.num_params(),
            });
        }
        let mut rest = p;
        for ad in &mut self.adapters {
            let (b, r) = rest.split_at(ad.b.len());
            ad.b.copy_from_slice(b);
            let (a, r) = r.split_at(ad.a.len());
            ad.a.copy_from_slice(a);
            rest = r;
        }
        Ok(())
    }
}
// ANCHOR_END: merge

// ANCHOR: train
/// The poems of a corpus as one stream of token ids: each poem follows an
/// [`EOT`], as in pre-training, and one [`EOT`] ends the stream.
pub fn stream(poems: &[Vec<u32>]) -> Vec<u32> {
    let mut s = Vec::new();
    for p in poems {
        s.push(EOT);
        s.extend_from_slice(p);
    }
    s.push(EOT);
    s
}

/// How to train the adapters.
#[derive(Clone, Debug, PartialEq)]
pub struct LoraTrainConfig {
    /// Optimizer steps.
    pub steps: u32,
    /// Windows per step.
    pub batch_size: usize,
    /// Tokens per window (at most `n_ctx`).
    pub seq_len: usize,
    /// Peak learning rate (linear warm-up, then cosine decay to a tenth).
    pub lr: f64,
    /// Warm-up steps.
    pub warmup: u32,
    /// Largest global norm of the adapters' gradient.
    pub clip: f64,
    /// Seed of the window sampler.
    pub seed: u64,
    /// Validation every this many steps (and before the first).
    pub eval_every: u32,
}

/// A point of the training curve.
#[derive(Clone, Debug, PartialEq)]
pub struct LoraLog {
    /// Steps done.
    pub step: u32,
    /// Mean training loss of the steps since the previous point (at step 0:
    /// the loss of the first batch, before any update).
    pub train_loss: f64,
    /// Loss on the validation stream.
    pub val_loss: f64,
}

/// Trains the adapters on windows of `train_stream`; `base` never changes.
/// Each step merges W + s·B·A, runs the model's backward pass on the merged
/// model, projects ∂L/∂W onto B and A ([`Lora::project`]), clips, and takes
/// an Adam step (β₁ = 0.9, β₂ = 0.999, no weight decay, the PEFT default).
pub fn train(
    lora: &mut Lora,
    base: &Model,
    train_stream: &[u32],
    valid_stream: &[u32],
    cfg: &LoraTrainConfig,
) -> Result<Vec<LoraLog>, LoraError> {
    if cfg.steps == 0 || cfg.batch_size == 0 || cfg.eval_every == 0 || cfg.warmup > cfg.steps {
        return Err(LoraError::Config(format!("{cfg:?}")));
    }
    if cfg.seq_len == 0 || cfg.seq_len > base.config.n_ctx {
        return Err(LoraError::Config(format!("seq_len = {}", cfg.seq_len)));
    }
    if train_stream.len() < cfg.seq_len + 1 {
        return Err(LoraError::StreamTooShort {
            len: train_stream.len(),
            need: cfg.seq_len + 1,
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut p = lora.params();
    let (mut m, mut v) = (vec![0.0f32; p.len()], vec![0.0f32; p.len()]);
    let mut log = vec![LoraLog {
        step: 0,
        train_loss: f64::NAN, // set from the first batch below
        val_loss: evaluate(&lora.merge(base), valid_stream, cfg.seq_len)?,
    }];
    let mut since = 0.0f64;
    for step in 0..cfg.steps {
        let starts: Vec<usize> = (0..cfg.batch_size)
            .map(|_| rng.random_range(0..=train_stream.len() - cfg.seq_len - 1))
            .collect();
        let batch: Vec<(&[u32], &[u32])> = starts
            .iter()
            .map(|&s| {
                (
                    &train_stream[s..s + cfg.seq_len],
                    &train_stream[s + 1..s + cfg.seq_len + 1],
                )
            })
            .collect();
        let (loss, grads) = lora.merge(base).try_loss_and_grads_batch(&batch)?;
        if step == 0 {
            log[0].train_loss = f64::from(loss);
        }
        since += f64::from(loss);
        let mut g = lora.project(&grads);
        clip_grad_norm(&mut g, cfg.clip);
        let lr = warmup_cosine(step, cfg.warmup, cfg.steps, cfg.lr, cfg.lr / 10.0);
        adam(&mut p, &g, &mut m, &mut v, step + 1, lr);
        lora.set_params(&p)?;
        let done = step + 1;
        if done % cfg.eval_every == 0 || done == cfg.steps {
            let n = done - log[log.len() - 1].step;
            log.push(LoraLog {
                step: done,
                train_loss: since / f64::from(n),
                val_loss: evaluate(&lora.merge(base), valid_stream, cfg.seq_len)?,
            });
            since = 0.0;
        }
    }
    Ok(log)
}

/// One Adam step (t counts from 1), the update of `torch.optim.Adam`.
fn adam(p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], t: u32, lr: f64) {
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let bc1 = 1.0 - libm::pow(f64::from(b1), f64::from(t));
    let bc2_sqrt = libm::sqrt(1.0 - libm::pow(f64::from(b2), f64::from(t))) as f32;
    let step_size = (lr / bc1) as f32;
    for i in 0..p.len() {
        m[i] = b1 * m[i] + (1.0 - b1) * g[i];
        v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
        p[i] -= step_size * (m[i] / (v[i].sqrt() / bc2_sqrt + eps));
    }
}
// ANCHOR_END: train
