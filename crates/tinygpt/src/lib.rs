//! The tiny Chinese GPT that the guide's 全链路 part builds, trains and serves.
//!
//! Every line of this crate that runs is shown on a page of the book (through
//! `{{#code crates/tinygpt/src/FILE.rs:ANCHOR}}` regions), so the code is
//! plain loops a reader can follow. It is compiled with optimizations even in
//! the dev profile (`[profile.dev.package.tinygpt]` in the workspace
//! manifest), so examples stay quick to compile and training stays fast.
//!
//! Determinism: single-threaded, a fixed order of every reduction, `libm`
//! for transcendental functions, ChaCha for randomness. The same bytes come
//! out on every x86-64 CPU, with or without AVX/FMA.
//!
//! Modules, in the order the book teaches them:
//! - [`corpus`]: the poetry slice, cleaning, the train/validation split.
//! - [`bpe`]: the byte-pair-encoding tokenizer.
//! - [`model`]: configuration, parameters, forward and backward passes.
//! - [`optim`]: AdamW, warm-up + cosine schedule, gradient clipping.
//! - [`train`]: the training loop.
//! - [`io`]: safetensors weights and `config.json`.
//! - [`artifact`]: the committed, hash-checked artifacts under `book/data/tinygpt/`.
//! - [`sample`]: greedy, temperature, top-k and top-p decoding.
//! - [`kv`]: generation with a KV cache.
//! - [`eval`]: perplexity, baselines and the poem-form metric.
//! - [`quant`]: int8 per-channel and int4 group-wise weights.
//! - [`lora`]: low-rank adaptation.
//! - [`serve`]: the HTTP service.

pub mod artifact;
pub mod bpe;
pub mod corpus;
pub mod eval;
pub mod io;
pub mod kv;
pub mod lora;
pub mod model;
pub mod optim;
pub mod quant;
pub mod sample;
pub mod serve;
pub mod train;
