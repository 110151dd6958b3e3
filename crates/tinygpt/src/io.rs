// ANCHOR: header
//! Weights as files: float32 safetensors (the `safetensors` crate) and a
//! Hugging Face style `config.json` (the field names of `GPT2Config`).
//!
//! Reading checks everything a file could get wrong and says what, instead
//! of panicking: a corrupt or truncated file, a tensor that is missing, has
//! another dtype or shape, or is not part of the architecture, and a
//! configuration this crate does not implement.

use std::collections::HashMap;

use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::{Deserialize, Serialize};

use crate::model::{Config, ConfigError, Model, ModelError};
// ANCHOR_END: header

// ANCHOR: error
/// What can go wrong reading or writing weights.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The safetensors container itself is malformed (header, offsets, size).
    #[error("safetensors 文件损坏：{0}")]
    Corrupt(String),
    /// A tensor is stored in another dtype than float32.
    #[error("张量 {name} 的类型是 {dtype}，只支持 F32")]
    Dtype {
        /// The tensor's name.
        name: String,
        /// The dtype found in the file.
        dtype: String,
    },
    /// `config.json` is not valid JSON or lacks a field.
    #[error("config.json 无法解析：{0}")]
    Json(#[from] serde_json::Error),
    /// `config.json` asks for something this crate does not implement.
    #[error("config.json 的 {field} = {value}，本实现只支持 {supported}")]
    Unsupported {
        /// The field.
        field: &'static str,
        /// Its value in the file.
        value: String,
        /// What this crate implements.
        supported: &'static str,
    },
    /// The configuration's numbers describe no model.
    #[error("config.json 描述的配置无效：{0}")]
    Config(#[from] ConfigError),
    /// The tensors do not fit the configuration (missing, misshapen, extra).
    #[error("权重与配置不符：{0}")]
    Model(#[from] ModelError),
}
// ANCHOR_END: error

// ANCHOR: write
/// The model's tensors as a safetensors file: little-endian float32, the
/// tensors in the format's canonical order (by name), one metadata entry
/// `format = pt`, so the same weights always give the same bytes.
pub fn to_safetensors(model: &Model) -> Result<Vec<u8>, IoError> {
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = model
        .tensors()
        .into_iter()
        .map(|(name, shape, data)| {
            let raw = data.iter().flat_map(|x| x.to_le_bytes()).collect();
            (name, shape, raw)
        })
        .collect();
    let mut views = Vec::with_capacity(bytes.len());
    for (name, shape, raw) in &bytes {
        let view = TensorView::new(Dtype::F32, shape.clone(), raw)
            .map_err(|e| IoError::Corrupt(e.to_string()))?;
        views.push((name.clone(), view));
    }
    // One entry only: the crate keeps metadata in a HashMap, whose order
    // would otherwise change the header's bytes from run to run.
    let metadata = HashMap::from([("format".to_string(), "pt".to_string())]);
    safetensors::serialize(views, Some(metadata)).map_err(|e| IoError::Corrupt(e.to_string()))
}
// ANCHOR_END: write

// ANCHOR: read
/// Reads a safetensors file into a model of the given configuration.
///
/// # Errors
/// [`IoError::Corrupt`] for a malformed container, [`IoError::Dtype`] for a
/// tensor that is not float32, [`IoError::Model`] for missing, misshapen or
/// unexpected tensors and [`IoError::Config`] for an invalid configuration.
pub fn from_safetensors(config: Config, bytes: &[u8]) -> Result<Model, IoError> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| IoError::Corrupt(e.to_string()))?;
    let mut names: Vec<&str> = st.names();
    names.sort_unstable(); // the crate's map has no fixed order
    let mut tensors = Vec::with_capacity(names.len());
    for name in names {
        let view = st
            .tensor(name)
            .map_err(|e| IoError::Corrupt(e.to_string()))?;
        if view.dtype() != Dtype::F32 {
            return Err(IoError::Dtype {
                name: name.to_string(),
                dtype: format!("{:?}", view.dtype()),
            });
        }
        let data: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        tensors.push((name.to_string(), view.shape().to_vec(), data));
    }
    Ok(Model::from_tensors(config, &tensors)?)
}
// ANCHOR_END: read

// ANCHOR: config
/// `config.json`, with the field names of Hugging Face's `GPT2Config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HfConfig {
    /// `["GPT2LMHeadModel"]`.
    pub architectures: Vec<String>,
    /// `"gpt2"`.
    pub model_type: String,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Context length (rows of `wpe`).
    pub n_positions: usize,
    /// Model width.
    pub n_embd: usize,
    /// Number of blocks.
    pub n_layer: usize,
    /// Number of heads.
    pub n_head: usize,
    /// MLP width.
    pub n_inner: usize,
    /// `"gelu_new"`: GELU with the tanh approximation.
    pub activation_function: String,
    /// LayerNorm ε.
    pub layer_norm_epsilon: f32,
    /// Standard deviation of the initialisation.
    pub initializer_range: f32,
    /// The output layer is the token embedding: `true`.
    pub tie_word_embeddings: bool,
    /// Token that starts a text (our end-of-text token, id 0).
    pub bos_token_id: u32,
    /// Token that ends a text (id 0).
    pub eos_token_id: u32,
    /// `"float32"`.
    pub torch_dtype: String,
}

impl HfConfig {
    /// The file for a model configuration.
    pub fn from_config(c: &Config) -> HfConfig {
        HfConfig {
            architectures: vec!["GPT2LMHeadModel".to_string()],
            model_type: "gpt2".to_string(),
            vocab_size: c.vocab_size,
            n_positions: c.n_ctx,
            n_embd: c.d_model,
            n_layer: c.n_layer,
            n_head: c.n_head,
            n_inner: c.d_ff,
            activation_function: "gelu_new".to_string(),
            layer_norm_epsilon: c.norm_eps,
            initializer_range: c.init_std,
            tie_word_embeddings: true,
            bos_token_id: 0,
            eos_token_id: 0,
            torch_dtype: "float32".to_string(),
        }
    }

    /// The model configuration, if the file describes a model this crate
    /// implements.
    ///
    /// # Errors
    /// [`IoError::Unsupported`] for another architecture, activation, dtype
    /// or untied embeddings; [`IoError::Config`] for invalid numbers.
    pub fn to_config(&self) -> Result<Config, IoError> {
        let checks: [(&'static str, String, &'static str, bool); 4] = [
            (
                "model_type",
                self.model_type.clone(),
                "gpt2",
                self.model_type == "gpt2",
            ),
            (
                "activation_function",
                self.activation_function.clone(),
                "gelu_new",
                self.activation_function == "gelu_new",
            ),
            (
                "tie_word_embeddings",
                self.tie_word_embeddings.to_string(),
                "true",
                self.tie_word_embeddings,
            ),
            (
                "torch_dtype",
                self.torch_dtype.clone(),
                "float32",
                self.torch_dtype == "float32",
            ),
        ];
        for (field, value, supported, ok) in checks {
            if !ok {
                return Err(IoError::Unsupported {
                    field,
                    value,
                    supported,
                });
            }
        }
        let config = Config {
            vocab_size: self.vocab_size,
            n_ctx: self.n_positions,
            d_model: self.n_embd,
            n_head: self.n_head,
            n_layer: self.n_layer,
            d_ff: self.n_inner,
            norm_eps: self.layer_norm_epsilon,
            init_std: self.initializer_range,
        };
        config.validate()?;
        Ok(config)
    }
}

/// `config.json` for a configuration: pretty-printed, fields in a fixed
/// order, a final newline.
///
/// # Errors
/// Only if serde_json fails to write (it does not for this struct).
pub fn config_json(c: &Config) -> Result<String, IoError> {
    let mut s = serde_json::to_string_pretty(&HfConfig::from_config(c))?;
    s.push('\n');
    Ok(s)
}

/// Parses `config.json`.
///
/// # Errors
/// Invalid JSON, a missing field, or an unsupported or invalid configuration.
pub fn parse_config_json(s: &str) -> Result<Config, IoError> {
    let hf: HfConfig = serde_json::from_str(s)?;
    hf.to_config()
}
// ANCHOR_END: config
