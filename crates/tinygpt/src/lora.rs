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

use crate::model::{Grads, Model, matmul_acc, transpose};

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
            let std = 1.0 / libm::sqrt(cols as f64);
            let a = (0..rank * cols)
                .map(|_| (std * normal(&mut rng)) as f32)
                .collect();
            adapters.push(Adapter {
                name,
                rows,
                cols,
                b: vec![0.0; rows * rank],
                a,
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
