//! KV-cache sizes.
//!
//! During generation every layer keeps the keys and values of every earlier
//! token, so that a new token's attention needs only its own projections.
//! Per token and layer that is `2 · H_kv · h` numbers with GQA (MHA when
//! `H_kv = H`, MQA when `H_kv = 1`), and `d_c + d_R` numbers with MLA, which
//! caches the compressed latent and the shared RoPE key instead.

use crate::config::{AttentionKind, ModelConfig};
use crate::{ArchError, Result};

/// Bytes of KV cache one token occupies across all layers.
pub fn bytes_per_token(cfg: &ModelConfig, bytes_per_value: u64) -> u64 {
    let l = cfg.num_hidden_layers;
    match cfg.mla() {
        Some(m) => l * (m.kv_lora_rank + m.qk_rope_head_dim) * bytes_per_value,
        None => 2 * l * cfg.kv_heads() * cfg.head_dim() * bytes_per_value,
    }
}

/// The same model's cache if every query head had its own keys and values
/// (MHA): `2 · L · H · h`. For MLA this is the decompressed cache, with
/// per-head keys of width `qk_nope + qk_rope` and values of width `v`.
pub fn bytes_per_token_mha(cfg: &ModelConfig, bytes_per_value: u64) -> u64 {
    let l = cfg.num_hidden_layers;
    let h = cfg.num_attention_heads;
    match cfg.mla() {
        Some(m) => {
            l * h * (m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim) * bytes_per_value
        }
        None => 2 * l * h * cfg.head_dim() * bytes_per_value,
    }
}

/// How many times smaller the actual cache is than the MHA cache, as a
/// reduced fraction (numerator, denominator).
pub fn reduction(cfg: &ModelConfig) -> (u64, u64) {
    let a = bytes_per_token_mha(cfg, 1);
    let b = bytes_per_token(cfg, 1);
    let g = gcd(a, b);
    (a / g, b / g)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// KV-cache bytes for `batch` sequences of `tokens` tokens each.
pub fn cache_bytes(
    cfg: &ModelConfig,
    bytes_per_value: u64,
    tokens: u64,
    batch: u64,
) -> Result<u64> {
    bytes_per_token(cfg, bytes_per_value)
        .checked_mul(tokens)
        .and_then(|x| x.checked_mul(batch))
        .ok_or_else(|| ArchError::Argument {
            name: "tokens",
            reason: format!("{tokens} tokens × {batch} sequences overflow u64 bytes"),
        })
}

/// What one token's cache is made of, for display: (numbers per layer, formula).
pub fn per_layer_formula(cfg: &ModelConfig) -> (u64, String) {
    match (cfg.attention_kind(), cfg.mla()) {
        (AttentionKind::Mla, Some(m)) => (
            m.kv_lora_rank + m.qk_rope_head_dim,
            format!("d_c + d_R = {} + {}", m.kv_lora_rank, m.qk_rope_head_dim),
        ),
        _ => (
            2 * cfg.kv_heads() * cfg.head_dim(),
            format!("2 × {} × {}", cfg.kv_heads(), cfg.head_dim()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::tiny;

    #[test]
    fn gqa_cache_is_smaller_by_the_group_size() {
        let c = tiny(); // 4 query heads, 2 K/V heads, h = 2, 2 layers
        assert_eq!(bytes_per_token(&c, 2), 2 * 2 * 2 * 2 * 2);
        assert_eq!(bytes_per_token_mha(&c, 2), 2 * 2 * 4 * 2 * 2);
        assert_eq!(reduction(&c), (2, 1));
    }

    #[test]
    fn overflow_is_an_error() {
        let c = tiny();
        assert!(cache_bytes(&c, 2, u64::MAX / 2, 3).is_err());
        assert_eq!(cache_bytes(&c, 2, 10, 3).unwrap(), 32 * 30);
    }
}
