//! The arithmetic behind the guide's part 7, “2026 年的工具箱”.
//!
//! Everything a chapter there prints about a real model is computed here from
//! the model's published configuration (`book/data/configs/*.toml`, the fields
//! of its Hugging Face `config.json`) and from GPU datasheet figures
//! (`book/data/hardware.toml`):
//!
//! - [`config`]: loading and validating a configuration;
//! - [`params`]: parameter counts in integer arithmetic, total and active
//!   (mixture-of-experts), with a per-component breakdown;
//! - [`kv`]: KV-cache bytes per token and per request (MHA, GQA, MQA, MLA);
//! - [`hardware`] and [`roofline`]: memory-bandwidth and compute bounds;
//! - [`sim`]: a deterministic discrete-event simulation of static batching,
//!   continuous batching and a paged KV cache;
//! - [`specdec`]: the expected speedup of speculative decoding.
//!
//! Bad input is an [`ArchError`], never a panic.

pub mod config;
pub mod hardware;
pub mod kv;
pub mod params;
pub mod roofline;
pub mod sim;
pub mod specdec;

pub use config::{AttentionKind, ModelConfig};
pub use hardware::Gpu;
pub use params::ParamCount;

use std::path::PathBuf;

/// Everything that can go wrong when reading or using a configuration.
#[derive(Debug, thiserror::Error)]
pub enum ArchError {
    /// A data file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A data file is not valid TOML of the expected shape.
    #[error("cannot parse {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: toml::de::Error,
    },
    /// A field has a value the arithmetic cannot use.
    #[error("{model}: invalid {field}: {reason}")]
    Invalid {
        /// The model (or GPU) name.
        model: String,
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A parameter of a computation (not of a config) is out of range.
    #[error("invalid argument {name}: {reason}")]
    Argument {
        /// The argument.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, ArchError>;

pub(crate) fn read(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| ArchError::Io {
        path: path.to_owned(),
        source,
    })
}
