//! A model's published configuration: the fields of its Hugging Face
//! `config.json` that determine its shapes, as committed under
//! `book/data/configs/`.

use serde::Deserialize;
use std::path::Path;

use crate::{ArchError, Result};

/// Where a configuration was copied from.
#[derive(Clone, Debug, Deserialize)]
pub struct Source {
    /// The Hugging Face repository, e.g. `meta-llama/Meta-Llama-3-8B`.
    pub repo: String,
    /// The file in it, `config.json`.
    pub file: String,
    /// The total its publisher states, e.g. `8.03B`.
    pub published_total: String,
    /// The active count its publisher states (MoE models).
    pub published_active: Option<String>,
    /// Where those figures are stated, as text.
    pub published_params: String,
}

/// Structural facts the `config.json` does not spell out.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Architecture {
    /// Whether `q_proj`, `k_proj` and `v_proj` carry biases (Qwen2).
    #[serde(default)]
    pub qkv_bias: bool,
    /// Whether the router has a per-expert correction bias (DeepSeek-V3).
    #[serde(default)]
    pub router_correction_bias: bool,
}

/// One model's configuration. Field names are those of `config.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct ModelConfig {
    /// A display name.
    pub name: String,
    /// `model_type` of `config.json`.
    pub model_type: String,
    /// Width of the residual stream, d.
    pub hidden_size: u64,
    /// Width of a dense feed-forward layer.
    pub intermediate_size: u64,
    /// Number of Transformer layers, L.
    pub num_hidden_layers: u64,
    /// Number of query heads, H.
    pub num_attention_heads: u64,
    /// Number of key/value heads (GQA); defaults to H.
    pub num_key_value_heads: Option<u64>,
    /// Width of one head; defaults to d / H.
    pub head_dim: Option<u64>,
    /// Vocabulary size, V.
    pub vocab_size: u64,
    /// Whether the output layer reuses the input embedding.
    #[serde(default)]
    pub tie_word_embeddings: bool,
    /// Bias on every attention projection (Llama's `attention_bias`).
    #[serde(default)]
    pub attention_bias: bool,
    /// Longest context the model was configured for.
    pub max_position_embeddings: u64,
    /// RoPE base θ.
    pub rope_theta: f64,
    /// Mixtral: experts per MoE layer.
    pub num_local_experts: Option<u64>,
    /// DeepSeek: routed experts per MoE layer.
    pub n_routed_experts: Option<u64>,
    /// Experts each token is routed to (top-k).
    pub num_experts_per_tok: Option<u64>,
    /// Width of one expert (DeepSeek); Mixtral's experts use `intermediate_size`.
    pub moe_intermediate_size: Option<u64>,
    /// Experts every token goes through (DeepSeek).
    pub n_shared_experts: Option<u64>,
    /// The first this many layers are dense (DeepSeek).
    pub first_k_dense_replace: Option<u64>,
    /// Every this many layers is an MoE layer (DeepSeek: 1).
    pub moe_layer_freq: Option<u64>,
    /// MLA: rank of the query compression (absent: queries are not compressed).
    pub q_lora_rank: Option<u64>,
    /// MLA: rank of the joint key/value compression, d_c.
    pub kv_lora_rank: Option<u64>,
    /// MLA: per-head query/key width without RoPE.
    pub qk_nope_head_dim: Option<u64>,
    /// MLA: per-head query/key width carrying RoPE (the key part is shared by all heads).
    pub qk_rope_head_dim: Option<u64>,
    /// MLA: per-head value width.
    pub v_head_dim: Option<u64>,
    /// Multi-token-prediction modules shipped in the checkpoint (DeepSeek-V3: 1).
    pub num_nextn_predict_layers: Option<u64>,
    /// Facts not in `config.json`.
    #[serde(default)]
    pub architecture: Architecture,
    /// Where the values come from.
    pub source: Source,
}

/// How keys and values are produced, which decides the KV cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttentionKind {
    /// As many K/V heads as query heads.
    Mha,
    /// Fewer K/V heads than query heads, each shared by a group.
    Gqa,
    /// A single K/V head.
    Mqa,
    /// Multi-head latent attention: a compressed latent is cached.
    Mla,
}

impl AttentionKind {
    /// The usual abbreviation.
    pub fn label(self) -> &'static str {
        match self {
            AttentionKind::Mha => "MHA",
            AttentionKind::Gqa => "GQA",
            AttentionKind::Mqa => "MQA",
            AttentionKind::Mla => "MLA",
        }
    }
}

/// The MLA dimensions, present together or not at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mla {
    /// Query compression rank (None: full-rank query projection).
    pub q_lora_rank: Option<u64>,
    /// Key/value latent width d_c.
    pub kv_lora_rank: u64,
    /// Per-head key/query width without RoPE.
    pub qk_nope_head_dim: u64,
    /// Per-head width with RoPE (shared key part).
    pub qk_rope_head_dim: u64,
    /// Per-head value width.
    pub v_head_dim: u64,
}

/// The MoE dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moe {
    /// Routed experts per MoE layer, E.
    pub experts: u64,
    /// Routed experts per token, k.
    pub top_k: u64,
    /// Shared experts per MoE layer.
    pub shared: u64,
    /// Width of one expert.
    pub expert_width: u64,
    /// Dense layers before the first MoE layer.
    pub first_dense: u64,
    /// MoE layer period.
    pub freq: u64,
}

impl ModelConfig {
    /// Reads and validates a configuration file.
    pub fn load(path: impl AsRef<Path>) -> Result<ModelConfig> {
        let path = path.as_ref();
        let text = crate::read(path)?;
        let cfg: ModelConfig = toml::from_str(&text).map_err(|source| ArchError::Parse {
            path: path.to_owned(),
            source,
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Loads several configurations from `dir`, in the order given.
    pub fn load_all(dir: impl AsRef<Path>, stems: &[&str]) -> Result<Vec<ModelConfig>> {
        stems
            .iter()
            .map(|s| ModelConfig::load(dir.as_ref().join(format!("{s}.toml"))))
            .collect()
    }

    fn invalid(&self, field: &'static str, reason: impl Into<String>) -> ArchError {
        ArchError::Invalid {
            model: self.name.clone(),
            field,
            reason: reason.into(),
        }
    }

    /// Checks what the arithmetic relies on: positive sizes, whole heads,
    /// K/V heads dividing query heads, top-k within the experts, MLA fields
    /// complete.
    pub fn validate(&self) -> Result<()> {
        for (field, v) in [
            ("hidden_size", self.hidden_size),
            ("intermediate_size", self.intermediate_size),
            ("num_hidden_layers", self.num_hidden_layers),
            ("num_attention_heads", self.num_attention_heads),
            ("vocab_size", self.vocab_size),
        ] {
            if v == 0 {
                return Err(self.invalid(field, "must be positive"));
            }
        }
        if self.head_dim.is_none() && !self.hidden_size.is_multiple_of(self.num_attention_heads) {
            return Err(self.invalid(
                "num_attention_heads",
                format!(
                    "hidden_size {} is not a multiple of {} heads and head_dim is not given",
                    self.hidden_size, self.num_attention_heads
                ),
            ));
        }
        let kv = self.kv_heads();
        if kv == 0 || kv > self.num_attention_heads || !self.num_attention_heads.is_multiple_of(kv)
        {
            return Err(self.invalid(
                "num_key_value_heads",
                format!(
                    "{kv} K/V heads must divide {} query heads",
                    self.num_attention_heads
                ),
            ));
        }
        let mla = [
            self.kv_lora_rank,
            self.qk_nope_head_dim,
            self.qk_rope_head_dim,
            self.v_head_dim,
        ];
        if mla.iter().any(Option::is_some) && mla.iter().any(Option::is_none) {
            return Err(self.invalid(
                "kv_lora_rank",
                "MLA needs kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim together",
            ));
        }
        if self.num_local_experts.is_some() && self.n_routed_experts.is_some() {
            return Err(self.invalid(
                "n_routed_experts",
                "give num_local_experts (Mixtral) or n_routed_experts (DeepSeek), not both",
            ));
        }
        let experts = self.num_local_experts.or(self.n_routed_experts);
        match (experts, self.num_experts_per_tok) {
            (Some(e), Some(k)) if k == 0 || k > e || e == 0 => {
                return Err(self.invalid(
                    "num_experts_per_tok",
                    format!("top-{k} of {e} experts is not a routing"),
                ));
            }
            (Some(_), None) => {
                return Err(self.invalid("num_experts_per_tok", "missing for an MoE model"));
            }
            _ => {}
        }
        if self.moe_layer_freq == Some(0) {
            return Err(self.invalid("moe_layer_freq", "must be positive"));
        }
        if self.rope_theta.is_nan() || self.rope_theta <= 0.0 {
            return Err(self.invalid("rope_theta", "must be positive"));
        }
        Ok(())
    }

    /// Width of one attention head.
    pub fn head_dim(&self) -> u64 {
        self.head_dim
            .unwrap_or(self.hidden_size / self.num_attention_heads)
    }

    /// Number of K/V heads (for MLA, the nominal field).
    pub fn kv_heads(&self) -> u64 {
        self.num_key_value_heads.unwrap_or(self.num_attention_heads)
    }

    /// The MLA dimensions, if the model uses MLA.
    pub fn mla(&self) -> Option<Mla> {
        Some(Mla {
            q_lora_rank: self.q_lora_rank,
            kv_lora_rank: self.kv_lora_rank?,
            qk_nope_head_dim: self.qk_nope_head_dim?,
            qk_rope_head_dim: self.qk_rope_head_dim?,
            v_head_dim: self.v_head_dim?,
        })
    }

    /// The MoE dimensions, if the model has experts.
    pub fn moe(&self) -> Option<Moe> {
        let experts = self.num_local_experts.or(self.n_routed_experts)?;
        Some(Moe {
            experts,
            top_k: self.num_experts_per_tok.unwrap_or(1),
            shared: self.n_shared_experts.unwrap_or(0),
            expert_width: self.moe_intermediate_size.unwrap_or(self.intermediate_size),
            first_dense: self.first_k_dense_replace.unwrap_or(0),
            freq: self.moe_layer_freq.unwrap_or(1),
        })
    }

    /// Whether layer `i` (from 0) has experts instead of a dense feed-forward layer.
    pub fn is_moe_layer(&self, i: u64) -> bool {
        match self.moe() {
            Some(m) => i >= m.first_dense && i.is_multiple_of(m.freq),
            None => false,
        }
    }

    /// How attention produces keys and values.
    pub fn attention_kind(&self) -> AttentionKind {
        if self.mla().is_some() {
            AttentionKind::Mla
        } else if self.kv_heads() == self.num_attention_heads {
            AttentionKind::Mha
        } else if self.kv_heads() == 1 {
            AttentionKind::Mqa
        } else {
            AttentionKind::Gqa
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn tiny() -> ModelConfig {
        toml::from_str(
            r#"
name = "tiny"
model_type = "llama"
hidden_size = 8
intermediate_size = 16
num_hidden_layers = 2
num_attention_heads = 4
num_key_value_heads = 2
vocab_size = 10
max_position_embeddings = 64
rope_theta = 10000.0
[source]
repo = "x/y"
file = "config.json"
published_total = "-"
published_params = "-"
"#,
        )
        .unwrap()
    }

    #[test]
    fn defaults_follow_transformers() {
        let c = tiny();
        c.validate().unwrap();
        assert_eq!(c.head_dim(), 2);
        assert_eq!(c.attention_kind(), AttentionKind::Gqa);
        assert!(c.moe().is_none());
    }

    #[test]
    fn kv_heads_must_divide_query_heads() {
        let mut c = tiny();
        c.num_key_value_heads = Some(3);
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("num_key_value_heads"), "{e}");
        c.num_key_value_heads = Some(0);
        assert!(c.validate().is_err());
    }

    #[test]
    fn top_k_must_fit_the_experts() {
        let mut c = tiny();
        c.num_local_experts = Some(4);
        c.num_experts_per_tok = Some(5);
        assert!(c.validate().is_err());
        c.num_experts_per_tok = Some(2);
        c.validate().unwrap();
        assert!(c.is_moe_layer(0) && c.is_moe_layer(1));
    }

    #[test]
    fn partial_mla_is_rejected() {
        let mut c = tiny();
        c.kv_lora_rank = Some(4);
        assert!(c.validate().is_err());
    }

    #[test]
    fn missing_file_is_an_error_not_a_panic() {
        let e = ModelConfig::load("/nonexistent/model.toml").unwrap_err();
        assert!(matches!(e, ArchError::Io { .. }));
    }
}
