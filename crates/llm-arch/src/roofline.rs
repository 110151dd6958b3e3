//! The roofline (Williams, Waterman, Patterson, 2009) applied to one decoding
//! step: a step that moves `bytes` through memory and does `flops` takes at
//! least `max(bytes / bandwidth, flops / peak)`.

use crate::config::ModelConfig;
use crate::hardware::Gpu;
use crate::{kv, params};

/// FLOP of attention over `context` cached tokens for one new token:
/// `QKᵀ` and the weighted sum of values, 2 FLOP per multiply-add each.
pub fn attention_flops_per_token(cfg: &ModelConfig, context: u64) -> u64 {
    let l = cfg.num_hidden_layers;
    let h = cfg.num_attention_heads;
    let (qk, v) = match cfg.mla() {
        Some(m) => (m.qk_nope_head_dim + m.qk_rope_head_dim, m.v_head_dim),
        None => (cfg.head_dim(), cfg.head_dim()),
    };
    2 * l * h * (qk + v) * context
}

/// Expected number of distinct experts a batch of `batch` tokens touches in
/// one MoE layer when each token picks `k` of `e` experts uniformly at random:
/// `E · (1 − (1 − k/E)^B)`.
pub fn experts_touched(e: u64, k: u64, batch: u64) -> f64 {
    let miss = 1.0 - k as f64 / e as f64;
    e as f64 * (1.0 - libm::pow(miss, batch as f64))
}

/// Weight parameters read from memory in one decoding step of `batch`
/// sequences: all of a dense model; for an MoE model everything but the
/// routed experts, plus the experts the batch touches.
pub fn weights_read(cfg: &ModelConfig, batch: u64) -> f64 {
    let p = params::count(cfg);
    match cfg.moe() {
        None => p.total() as f64,
        Some(m) => {
            let moe_layers = (0..cfg.num_hidden_layers)
                .filter(|&i| cfg.is_moe_layer(i))
                .count() as f64;
            let expert = params::swiglu(cfg.hidden_size, m.expert_width) as f64;
            (p.total() - p.routed_experts) as f64
                + moe_layers * experts_touched(m.experts, m.top_k, batch) * expert
        }
    }
}

/// The bound on one decoding step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepBound {
    /// Bytes moved: weights read plus the KV cache of the whole batch.
    pub bytes: f64,
    /// FLOP: 2 per active parameter per token, plus attention.
    pub flops: f64,
    /// Time if memory were the only limit, seconds.
    pub memory_time: f64,
    /// Time if compute were the only limit, seconds.
    pub compute_time: f64,
}

impl StepBound {
    /// The step cannot be faster than this (seconds).
    pub fn time(&self) -> f64 {
        self.memory_time.max(self.compute_time)
    }

    /// Upper bound on generated tokens per second for the batch.
    pub fn tokens_per_s(&self, batch: u64) -> f64 {
        batch as f64 / self.time()
    }

    /// Whether memory bandwidth is the binding limit.
    pub fn memory_bound(&self) -> bool {
        self.memory_time >= self.compute_time
    }

    /// FLOP per byte of this step.
    pub fn intensity(&self) -> f64 {
        self.flops / self.bytes
    }
}

/// Bounds one decoding step of `batch` sequences, each with `context` tokens
/// already cached, weights stored with `weight_bytes` bytes per parameter and
/// the cache with `kv_bytes` bytes per value.
pub fn decode_step(
    cfg: &ModelConfig,
    gpu: &Gpu,
    batch: u64,
    context: u64,
    weight_bytes: f64,
    kv_bytes: u64,
) -> StepBound {
    let p = params::count(cfg);
    let bytes = weights_read(cfg, batch) * weight_bytes
        + (batch * context * kv::bytes_per_token(cfg, kv_bytes)) as f64;
    let flops = batch as f64
        * (2.0 * p.active_without_embedding() as f64
            + attention_flops_per_token(cfg, context) as f64);
    StepBound {
        bytes,
        flops,
        memory_time: bytes / gpu.bandwidth(),
        compute_time: flops / gpu.flops(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_token_touches_k_experts_many_touch_all() {
        assert!((experts_touched(8, 2, 1) - 2.0).abs() < 1e-12);
        assert!(experts_touched(8, 2, 64) > 7.99);
        assert!(experts_touched(256, 8, 2) < 16.0);
    }
}
