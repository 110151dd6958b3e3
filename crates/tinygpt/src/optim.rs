// ANCHOR: header
//! The optimizer: the learning-rate schedule (linear warm-up, then cosine
//! decay), global gradient-norm clipping, and AdamW.

use std::f64::consts::PI;

use crate::model::Model;
// ANCHOR_END: header

// ANCHOR: cosine
/// Cosine annealing, closed form: η_t = η_min + ½(η_max − η_min)(1 + cos(π·t / T_max)).
/// From t = T_max on it stays at η_min (truncated, not restarted).
pub fn cosine(t: u32, t_max: u32, eta_max: f64, eta_min: f64) -> f64 {
    if t >= t_max {
        return eta_min;
    }
    eta_min + 0.5 * (eta_max - eta_min) * (1.0 + libm::cos(PI * f64::from(t) / f64::from(t_max)))
}
// ANCHOR_END: cosine

// ANCHOR: warmup
/// Linear warm-up from η_max/W to η_max over the first W steps (step t gets
/// η_max·(t + 1)/W), then cosine annealing to η_min over the remaining
/// T_max − W steps; η_min from T_max on.
pub fn warmup_cosine(t: u32, warmup: u32, t_max: u32, eta_max: f64, eta_min: f64) -> f64 {
    if t < warmup {
        return eta_max * f64::from(t + 1) / f64::from(warmup);
    }
    if t >= t_max {
        return eta_min;
    }
    let progress = f64::from(t - warmup) / f64::from(t_max - warmup); // 0 → 1
    eta_min + 0.5 * (eta_max - eta_min) * (1.0 + libm::cos(PI * progress))
}
// ANCHOR_END: warmup

// ANCHOR: clip
/// Scales `grads` so that their global L2 norm is at most `max_norm` (as
/// PyTorch's `clip_grad_norm_`: factor max_norm / (norm + 10⁻⁶) when that is
/// below 1). Returns the norm before clipping. The sum of squares is
/// accumulated in f64, in order.
pub fn clip_grad_norm(grads: &mut [f32], max_norm: f64) -> f64 {
    let mut sum = 0.0f64;
    for &g in grads.iter() {
        sum += f64::from(g) * f64::from(g);
    }
    let norm = libm::sqrt(sum);
    let coef = max_norm / (norm + 1e-6);
    if coef < 1.0 {
        let c = coef as f32;
        for g in grads.iter_mut() {
            *g *= c;
        }
    }
    norm
}
// ANCHOR_END: clip

// ANCHOR: adamw
/// AdamW ("Decoupled Weight Decay Regularization", Loshchilov & Hutter,
/// 2019), written as PyTorch's `torch.optim.AdamW` computes it. Weight decay
/// applies to the matrices and embeddings only (tensors of two or more
/// dimensions), not to biases and LayerNorm gains.
#[derive(Clone, Debug)]
pub struct AdamW {
    /// β₁, the decay of the first-moment average.
    pub beta1: f32,
    /// β₂, the decay of the second-moment average.
    pub beta2: f32,
    /// ε, added to √v̂ in the denominator.
    pub eps: f32,
    /// λ, the decoupled weight decay.
    pub weight_decay: f32,
    m: Vec<f32>,
    v: Vec<f32>,
    decay: Vec<bool>, // per parameter: does weight decay apply?
    step: i32,
}

impl AdamW {
    /// Zeroed moments for `model`'s parameters.
    pub fn new(model: &Model, beta1: f32, beta2: f32, eps: f32, weight_decay: f32) -> AdamW {
        let mut decay = Vec::with_capacity(model.num_params());
        for (_, shape, data) in model.tensors() {
            decay.extend(std::iter::repeat_n(shape.len() >= 2, data.len()));
        }
        AdamW {
            beta1,
            beta2,
            eps,
            weight_decay,
            m: vec![0.0; model.num_params()],
            v: vec![0.0; model.num_params()],
            decay,
            step: 0,
        }
    }

    /// One update with learning rate `lr`:
    /// θ ← θ·(1 − lr·λ) (decayed tensors only), m ← β₁m + (1 − β₁)g,
    /// v ← β₂v + (1 − β₂)g², θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
    pub fn step(&mut self, params: &mut [f32], grads: &[f32], lr: f64) {
        self.step += 1;
        let bc1 = 1.0 - libm::pow(f64::from(self.beta1), f64::from(self.step));
        let bc2 = 1.0 - libm::pow(f64::from(self.beta2), f64::from(self.step));
        let step_size = (lr / bc1) as f32;
        let bc2_sqrt = libm::sqrt(bc2) as f32;
        let shrink = (1.0 - lr * f64::from(self.weight_decay)) as f32;
        let (b1, b2, eps) = (self.beta1, self.beta2, self.eps);
        for i in 0..params.len() {
            let g = grads[i];
            if self.decay[i] {
                params[i] *= shrink;
            }
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * g;
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g;
            let denom = self.v[i].sqrt() / bc2_sqrt + eps;
            params[i] -= step_size * (self.m[i] / denom);
        }
    }

    /// Number of steps taken so far.
    pub fn steps(&self) -> i32 {
        self.step
    }
}
// ANCHOR_END: adamw
