//! Parameter counts from a configuration, in integer arithmetic.
//!
//! A decoder layer of these models is: RMSNorm, attention (GQA or MLA, no
//! biases except Qwen2's q/k/v), RMSNorm, and either a SwiGLU feed-forward
//! layer (three matrices `gate`, `up`, `down`: 3·d·F weights) or an MoE block
//! (a router plus E routed SwiGLU experts, plus shared experts). Around the
//! layers: the input embedding V·d, a final RMSNorm d, and the output layer
//! V·d unless it is tied to the embedding.

use crate::config::ModelConfig;

/// A model's parameters by component, and how many a token uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParamCount {
    /// Input embedding V·d.
    pub embedding: u64,
    /// Output layer V·d (0 when tied).
    pub lm_head: u64,
    /// All attention projections (and their norms inside MLA).
    pub attention: u64,
    /// All dense feed-forward layers.
    pub dense_ffn: u64,
    /// All routed experts of all MoE layers.
    pub routed_experts: u64,
    /// All shared experts.
    pub shared_experts: u64,
    /// All routers.
    pub router: u64,
    /// The two RMSNorms of every layer and the final one.
    pub norms: u64,
    /// The routed experts one token goes through: k of E in every MoE layer.
    pub active_routed_experts: u64,
}

impl ParamCount {
    /// Every parameter of the main model.
    pub fn total(&self) -> u64 {
        self.embedding
            + self.lm_head
            + self.attention
            + self.dense_ffn
            + self.routed_experts
            + self.shared_experts
            + self.router
            + self.norms
    }

    /// Parameters one token uses: the total minus the experts it is not
    /// routed to. Counts both the embedding and the output layer (Mistral's
    /// convention for Mixtral's 12.9B).
    pub fn active(&self) -> u64 {
        self.total() - self.routed_experts + self.active_routed_experts
    }

    /// [`ParamCount::active`] without the input embedding, whose use is a
    /// table lookup, not arithmetic (DeepSeek's convention for its 37B).
    pub fn active_without_embedding(&self) -> u64 {
        self.active() - self.embedding
    }

    /// Everything except the embedding and the output layer (Qwen's
    /// “non-embedding” count).
    pub fn non_embedding(&self) -> u64 {
        self.total() - self.embedding - self.lm_head
    }
}

/// The weights of one SwiGLU feed-forward layer of width `f`: gate, up, down.
pub fn swiglu(d: u64, f: u64) -> u64 {
    3 * d * f
}

/// The attention parameters of one layer.
///
/// GQA: `W_Q` is d × H·h, `W_K` and `W_V` are d × H_kv·h, `W_O` is H·h × d.
/// MLA: see [`mla_attention`].
pub fn attention_layer(cfg: &ModelConfig) -> u64 {
    if let Some(m) = cfg.mla() {
        return mla_attention(cfg.hidden_size, cfg.num_attention_heads, &m);
    }
    let d = cfg.hidden_size;
    let q = cfg.num_attention_heads * cfg.head_dim();
    let kv = cfg.kv_heads() * cfg.head_dim();
    let weights = d * q + 2 * d * kv + q * d;
    let bias = if cfg.attention_bias {
        q + 2 * kv + d
    } else if cfg.architecture.qkv_bias {
        q + 2 * kv
    } else {
        0
    };
    weights + bias
}

/// One MLA layer (DeepSeek-V2/V3): queries through a rank-`q_lora_rank`
/// bottleneck with its RMSNorm; keys and values from one shared latent of
/// width d_c (`kv_a_proj_with_mqa` also emits the shared RoPE key, width
/// d_R), an RMSNorm on the latent, its up-projection to every head's
/// non-RoPE key and value, and the output projection.
pub fn mla_attention(d: u64, heads: u64, m: &crate::config::Mla) -> u64 {
    let qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
    let q = match m.q_lora_rank {
        Some(r) => d * r + r + r * heads * qk,
        None => d * heads * qk,
    };
    let kv_down = d * (m.kv_lora_rank + m.qk_rope_head_dim) + m.kv_lora_rank;
    let kv_up = m.kv_lora_rank * heads * (m.qk_nope_head_dim + m.v_head_dim);
    let out = heads * m.v_head_dim * d;
    q + kv_down + kv_up + out
}

/// Counts the parameters of the main model (without multi-token-prediction
/// modules; see [`mtp_module`]).
pub fn count(cfg: &ModelConfig) -> ParamCount {
    let d = cfg.hidden_size;
    let l = cfg.num_hidden_layers;
    let mut p = ParamCount {
        embedding: cfg.vocab_size * d,
        lm_head: if cfg.tie_word_embeddings {
            0
        } else {
            cfg.vocab_size * d
        },
        attention: l * attention_layer(cfg),
        norms: l * 2 * d + d,
        ..ParamCount::default()
    };
    for i in 0..l {
        add_ffn(cfg, i, &mut p);
    }
    p
}

fn add_ffn(cfg: &ModelConfig, layer: u64, p: &mut ParamCount) {
    let d = cfg.hidden_size;
    match cfg.moe() {
        Some(m) if cfg.is_moe_layer(layer) => {
            let expert = swiglu(d, m.expert_width);
            p.routed_experts += m.experts * expert;
            p.active_routed_experts += m.top_k * expert;
            p.shared_experts += m.shared * expert;
            p.router += m.experts * d
                + if cfg.architecture.router_correction_bias {
                    m.experts
                } else {
                    0
                };
        }
        _ => p.dense_ffn += swiglu(d, cfg.intermediate_size),
    }
}

/// What one multi-token-prediction module of DeepSeek-V3 adds
/// (`model.layers.61` of the checkpoint).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MtpModule {
    /// Parameters only the module has: its Transformer layer (an MoE layer
    /// like the main model's), `enorm` and `hnorm`, the projection
    /// `eh_proj` (2d → d) and the norm of its shared head.
    pub unique: u64,
    /// The embedding and output layer it shares with the main model, which
    /// the checkpoint stores a second time.
    pub stored_shared: u64,
}

/// The multi-token-prediction module, if the configuration ships one.
pub fn mtp_module(cfg: &ModelConfig) -> Option<MtpModule> {
    let n = cfg.num_nextn_predict_layers.filter(|&n| n > 0)?;
    let d = cfg.hidden_size;
    let mut layer = ParamCount {
        attention: attention_layer(cfg),
        norms: 2 * d,
        ..ParamCount::default()
    };
    // The module's layer is built like the main model's last layer.
    add_ffn(cfg, cfg.num_hidden_layers - 1, &mut layer);
    let unique = layer.total() + 2 * d + 2 * d * d + d;
    Some(MtpModule {
        unique: n * unique,
        stored_shared: n * 2 * cfg.vocab_size * d,
    })
}

/// The linear layers of one Transformer layer as (input, output) widths,
/// for the block-wise FP8 scales of a checkpoint (DeepSeek-V3 stores one
/// fp32 scale per 128 × 128 block of every quantized matrix).
pub fn layer_linears(cfg: &ModelConfig, layer: u64) -> Vec<(u64, u64)> {
    let d = cfg.hidden_size;
    let h = cfg.num_attention_heads;
    let mut out = Vec::new();
    if let Some(m) = cfg.mla() {
        let qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
        match m.q_lora_rank {
            Some(r) => {
                out.push((d, r));
                out.push((r, h * qk));
            }
            None => out.push((d, h * qk)),
        }
        out.push((d, m.kv_lora_rank + m.qk_rope_head_dim));
        out.push((m.kv_lora_rank, h * (m.qk_nope_head_dim + m.v_head_dim)));
        out.push((h * m.v_head_dim, d));
    } else {
        let q = h * cfg.head_dim();
        let kv = cfg.kv_heads() * cfg.head_dim();
        out.extend([(d, q), (d, kv), (d, kv), (q, d)]);
    }
    let mut ffn = |f: u64, copies: u64| {
        for _ in 0..copies {
            out.extend([(d, f), (d, f), (f, d)]);
        }
    };
    match cfg.moe() {
        Some(m) if cfg.is_moe_layer(layer) => ffn(m.expert_width, m.experts + m.shared),
        _ => ffn(cfg.intermediate_size, 1),
    }
    out
}

/// Number of `block × block` scales a block-quantized `(inp, out)` matrix has.
pub fn block_scales(inp: u64, out: u64, block: u64) -> u64 {
    inp.div_ceil(block) * out.div_ceil(block)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::tiny;

    #[test]
    fn tiny_gqa_by_hand() {
        let c = tiny();
        // d=8, H=4, h=2, H_kv=2: q 8·8, k,v 8·4 each, o 8·8 → 192 per layer
        assert_eq!(attention_layer(&c), 64 + 32 + 32 + 64);
        let p = count(&c);
        assert_eq!(p.embedding, 80);
        assert_eq!(p.lm_head, 80);
        assert_eq!(p.dense_ffn, 2 * 3 * 8 * 16);
        assert_eq!(p.norms, 2 * 2 * 8 + 8);
        assert_eq!(p.total(), 80 + 80 + 2 * 192 + 768 + 40);
        assert_eq!(p.active(), p.total());
    }

    #[test]
    fn tying_removes_the_output_layer() {
        let mut c = tiny();
        let untied = count(&c).total();
        c.tie_word_embeddings = true;
        assert_eq!(untied - count(&c).total(), 80);
    }

    #[test]
    fn moe_active_counts_top_k_experts() {
        let mut c = tiny();
        c.num_local_experts = Some(4);
        c.num_experts_per_tok = Some(1);
        let p = count(&c);
        let expert = 3 * 8 * 16;
        assert_eq!(p.routed_experts, 2 * 4 * expert);
        assert_eq!(p.router, 2 * 4 * 8);
        assert_eq!(p.total() - p.active(), 2 * 3 * expert);
    }

    #[test]
    fn block_scales_round_up() {
        assert_eq!(block_scales(7168, 2048, 128), 56 * 16);
        assert_eq!(block_scales(129, 1, 128), 2);
    }
}
