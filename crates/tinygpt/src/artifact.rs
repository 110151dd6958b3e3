// ANCHOR: header
//! The committed artifacts under `book/data/tinygpt/`: the tokenizer, the
//! trained weights and their configuration, and the BLAKE3 hash of the
//! weights that the training example recorded.
//!
//! Every example after training loads them through [`load`], which checks
//! the hash: an example never trains a model of its own, and a weights file
//! that is not the one training produced is refused.

use std::path::{Path, PathBuf};

use crate::bpe::{BpeError, Tokenizer};
use crate::io::{self, IoError};
use crate::model::Model;
// ANCHOR_END: header

// ANCHOR: paths
/// Where the artifacts live, relative to the workspace root (the working
/// directory of every example).
pub const DIR: &str = "book/data/tinygpt";
/// The tokenizer, written by the tokenizer chapter's example.
pub const TOKENIZER: &str = "tokenizer.json";
/// The weights, float32 safetensors.
pub const WEIGHTS: &str = "model.safetensors";
/// The architecture, Hugging Face `GPT2Config` fields.
pub const CONFIG: &str = "config.json";
/// The BLAKE3 hash of the weights file, 64 hex digits and a newline.
pub const HASH: &str = "model.safetensors.blake3";

/// The path of one artifact.
pub fn path(file: &str) -> PathBuf {
    Path::new(DIR).join(file)
}

/// BLAKE3 of `bytes`, as 64 lowercase hex digits.
pub fn hash_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}
// ANCHOR_END: paths

// ANCHOR: error
/// Why the artifacts cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// A file cannot be read.
    #[error("无法读取 {path}：{source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The tokenizer file is invalid.
    #[error("{0}")]
    Tokenizer(#[from] BpeError),
    /// The weights or their configuration are invalid.
    #[error("{0}")]
    Weights(#[from] IoError),
    /// The weights are not the ones training recorded.
    #[error(
        "{WEIGHTS} 的 BLAKE3 是 {found}，训练记录的是 {recorded}：权重不是训练产出的那一份（重新运行 gpt_train -- --write）"
    )]
    HashMismatch {
        /// The hash in the record file.
        recorded: String,
        /// The hash of the file on disk.
        found: String,
    },
    /// The model and the tokenizer disagree on the vocabulary.
    #[error("config.json 的 vocab_size = {model}，分词器有 {tokenizer} 个 token")]
    VocabMismatch {
        /// The model's vocabulary size.
        model: usize,
        /// The tokenizer's.
        tokenizer: usize,
    },
}

fn read(dir: &Path, file: &str) -> Result<Vec<u8>, ArtifactError> {
    let p = dir.join(file);
    std::fs::read(&p).map_err(|source| ArtifactError::Read { path: p, source })
}

fn read_text(dir: &Path, file: &str) -> Result<String, ArtifactError> {
    let p = dir.join(file);
    std::fs::read_to_string(&p).map_err(|source| ArtifactError::Read { path: p, source })
}
// ANCHOR_END: error

// ANCHOR: load
/// The loaded artifacts.
pub struct Artifact {
    /// The tokenizer.
    pub tokenizer: Tokenizer,
    /// The trained model.
    pub model: Model,
    /// The BLAKE3 hash of the weights file, checked against the record.
    pub hash: String,
}

/// Loads the tokenizer and the trained weights from `dir` and checks the
/// weights' hash against the record beside them.
///
/// # Errors
/// A missing or unreadable file, an invalid tokenizer, weights or
/// configuration, a hash that is not the recorded one, or a model whose
/// vocabulary is not the tokenizer's.
pub fn load_from(dir: &Path) -> Result<Artifact, ArtifactError> {
    let tokenizer = Tokenizer::from_json(&read_text(dir, TOKENIZER)?)?;
    let bytes = read(dir, WEIGHTS)?;
    let recorded = read_text(dir, HASH)?.trim().to_string();
    let found = hash_hex(&bytes);
    if found != recorded {
        return Err(ArtifactError::HashMismatch { recorded, found });
    }
    let config = io::parse_config_json(&read_text(dir, CONFIG)?)?;
    if config.vocab_size != tokenizer.vocab_size() {
        return Err(ArtifactError::VocabMismatch {
            model: config.vocab_size,
            tokenizer: tokenizer.vocab_size(),
        });
    }
    let model = io::from_safetensors(config, &bytes)?;
    Ok(Artifact {
        tokenizer,
        model,
        hash: found,
    })
}

/// [`load_from`] the committed directory [`DIR`], with the hash.
///
/// # Errors
/// As [`load_from`].
pub fn load_checked() -> Result<Artifact, ArtifactError> {
    load_from(Path::new(DIR))
}

/// The committed tokenizer and trained model ([`load_checked`] without the hash).
///
/// # Errors
/// As [`load_from`].
pub fn load() -> Result<(Tokenizer, Model), ArtifactError> {
    let a = load_checked()?;
    Ok((a.tokenizer, a.model))
}
// ANCHOR_END: load
