// ANCHOR: header
//! The decoder-only Transformer: configuration, parameters, the forward pass
//! and the hand-written backward pass.
//!
//! The architecture is GPT-2's (pre-norm blocks, LayerNorm, GELU with the
//! tanh approximation, learned absolute positions, biases everywhere, the
//! output layer tied to the token embedding), with the tensor names and
//! layouts of Hugging Face's `GPT2LMHeadModel`: a linear layer's weight is
//! stored `[in, out]` and applied as `y = x·W + b`.
//!
//! Every matrix product is written in the "axpy" order (`out[i, :] += a[i, k]
//! · b[k, :]`): the innermost loop runs over independent outputs, so the
//! compiler vectorizes it without reassociating any sum, and each output is
//! the same sum in the same order on every CPU.

use rand::{RngExt, SeedableRng, rngs::ChaCha8Rng};
use serde::{Deserialize, Serialize};
// ANCHOR_END: header

// ANCHOR: config
/// The hyperparameters that fix the architecture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Number of token ids (rows of the embedding, columns of the logits).
    pub vocab_size: usize,
    /// Longest sequence the model accepts (rows of the position embedding).
    pub n_ctx: usize,
    /// Width of the residual stream.
    pub d_model: usize,
    /// Number of attention heads; `d_model` must be a multiple of it.
    pub n_head: usize,
    /// Number of Transformer blocks.
    pub n_layer: usize,
    /// Width of the MLP's hidden layer.
    pub d_ff: usize,
    /// The ε added to the variance inside every LayerNorm.
    pub norm_eps: f32,
    /// Standard deviation of the normal initialisation of weight matrices.
    pub init_std: f32,
}

/// Why a [`Config`] describes no model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A size that must be positive is zero.
    #[error("配置项 {0} 必须大于 0")]
    Zero(&'static str),
    /// The heads do not divide the model width.
    #[error("d_model = {d_model} 不能被 n_head = {n_head} 整除")]
    HeadsDoNotDivide {
        /// The model width.
        d_model: usize,
        /// The number of heads.
        n_head: usize,
    },
    /// ε or the initialisation scale is not a positive finite number.
    #[error("配置项 {0} 必须是有限正数")]
    NotPositive(&'static str),
    /// Token ids are `u32`.
    #[error("vocab_size = {0} 超出 u32 的范围")]
    VocabTooLarge(usize),
}

impl Config {
    /// Checks that the numbers describe a model this crate can build.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, v) in [
            ("vocab_size", self.vocab_size),
            ("n_ctx", self.n_ctx),
            ("d_model", self.d_model),
            ("n_head", self.n_head),
            ("n_layer", self.n_layer),
            ("d_ff", self.d_ff),
        ] {
            if v == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        if !self.d_model.is_multiple_of(self.n_head) {
            return Err(ConfigError::HeadsDoNotDivide {
                d_model: self.d_model,
                n_head: self.n_head,
            });
        }
        for (name, v) in [("norm_eps", self.norm_eps), ("init_std", self.init_std)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(ConfigError::NotPositive(name));
            }
        }
        if u32::try_from(self.vocab_size).is_err() {
            return Err(ConfigError::VocabTooLarge(self.vocab_size));
        }
        Ok(())
    }

    /// Width of one head, `d_model / n_head`.
    pub fn head_dim(&self) -> usize {
        self.d_model / self.n_head
    }
}
// ANCHOR_END: config

// ANCHOR: layout
/// The parameter tensors in their fixed order: name and shape (row-major).
/// The names are those of Hugging Face's GPT-2 checkpoints.
pub fn tensor_specs(c: &Config) -> Vec<(String, Vec<usize>)> {
    let (d, f) = (c.d_model, c.d_ff);
    let mut specs = vec![
        ("wte.weight".to_string(), vec![c.vocab_size, d]),
        ("wpe.weight".to_string(), vec![c.n_ctx, d]),
    ];
    for l in 0..c.n_layer {
        let p = format!("h.{l}.");
        specs.extend([
            (p.clone() + "ln_1.weight", vec![d]),
            (p.clone() + "ln_1.bias", vec![d]),
            (p.clone() + "attn.c_attn.weight", vec![d, 3 * d]), // [Q | K | V]
            (p.clone() + "attn.c_attn.bias", vec![3 * d]),
            (p.clone() + "attn.c_proj.weight", vec![d, d]),
            (p.clone() + "attn.c_proj.bias", vec![d]),
            (p.clone() + "ln_2.weight", vec![d]),
            (p.clone() + "ln_2.bias", vec![d]),
            (p.clone() + "mlp.c_fc.weight", vec![d, f]),
            (p.clone() + "mlp.c_fc.bias", vec![f]),
            (p.clone() + "mlp.c_proj.weight", vec![f, d]),
            (p + "mlp.c_proj.bias", vec![d]),
        ]);
    }
    specs.push(("ln_f.weight".to_string(), vec![d]));
    specs.push(("ln_f.bias".to_string(), vec![d]));
    specs
}

/// Tensors per block, and the index of each inside a block.
const PER_LAYER: usize = 12;
const LN1_W: usize = 0;
const LN1_B: usize = 1;
const ATTN_W: usize = 2;
const ATTN_B: usize = 3;
const PROJ_W: usize = 4;
const PROJ_B: usize = 5;
const LN2_W: usize = 6;
const LN2_B: usize = 7;
const FC_W: usize = 8;
const FC_B: usize = 9;
const FC2_W: usize = 10;
const FC2_B: usize = 11;

/// Where each tensor lives in the one flat parameter vector.
#[derive(Clone, Debug, PartialEq)]
struct Layout {
    names: Vec<String>,
    shapes: Vec<Vec<usize>>,
    offsets: Vec<usize>, // one more than there are tensors: the end
}

impl Layout {
    fn new(c: &Config) -> Layout {
        let (mut names, mut shapes, mut offsets) = (Vec::new(), Vec::new(), vec![0]);
        for (name, shape) in tensor_specs(c) {
            let len: usize = shape.iter().product();
            offsets.push(offsets[offsets.len() - 1] + len);
            names.push(name);
            shapes.push(shape);
        }
        Layout {
            names,
            shapes,
            offsets,
        }
    }

    fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.offsets[i]..self.offsets[i + 1]
    }

    fn total(&self) -> usize {
        self.offsets[self.offsets.len() - 1]
    }

    /// Index of tensor `k` of block `l`.
    fn layer(&self, l: usize, k: usize) -> usize {
        2 + l * PER_LAYER + k
    }

    /// Index of `ln_f.weight` (`ln_f.bias` follows it).
    fn ln_f(&self) -> usize {
        self.names.len() - 2
    }
}
// ANCHOR_END: layout

// ANCHOR: model
/// A decoder-only Transformer with all its parameters in one flat vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The architecture.
    pub config: Config,
    params: Vec<f32>,
    layout: Layout,
}

/// Gradients of the loss with respect to every parameter: the same tensors,
/// names and order as the model's.
#[derive(Clone, Debug, PartialEq)]
pub struct Grads {
    /// All gradients back to back, in the order of [`Model::tensors`].
    pub data: Vec<f32>,
    layout: Layout,
}

/// Why a model cannot be built from given parts or run on given tokens.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The configuration is invalid.
    #[error("配置无效：{0}")]
    Config(#[from] ConfigError),
    /// A tensor was missing when building from named tensors.
    #[error("缺少张量 {0}")]
    MissingTensor(String),
    /// A tensor has the wrong shape for the configuration.
    #[error("张量 {name} 的形状是 {found:?}，配置要求 {expected:?}")]
    Shape {
        /// The tensor's name.
        name: String,
        /// What the configuration implies.
        expected: Vec<usize>,
        /// What was given.
        found: Vec<usize>,
    },
    /// A tensor that the architecture does not have.
    #[error("多余的张量 {0}（架构里没有它）")]
    UnexpectedTensor(String),
    /// A sequence that is empty or longer than `n_ctx`.
    #[error("序列长度 {len} 不在 1..={n_ctx} 之内")]
    Length {
        /// The given length.
        len: usize,
        /// The model's context length.
        n_ctx: usize,
    },
    /// A token id outside the vocabulary.
    #[error("词元 id {id} 超出词表大小 {vocab_size}")]
    Token {
        /// The offending id.
        id: u32,
        /// The vocabulary size.
        vocab_size: usize,
    },
    /// Targets and inputs of different lengths.
    #[error("目标长度 {targets} 与输入长度 {tokens} 不同")]
    TargetLength {
        /// Number of input tokens.
        tokens: usize,
        /// Number of targets.
        targets: usize,
    },
}
// ANCHOR_END: model

// ANCHOR: init
/// A standard normal draw by Box–Muller, through `libm` so that it is the same
/// on every platform.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // (0, 1]: the logarithm is finite
    let u2 = rng.random::<f64>();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

impl Model {
    /// A freshly initialised model (GPT-2's scheme): every weight matrix and
    /// both embeddings from N(0, init_std²), the two projections that write
    /// into the residual stream (`attn.c_proj`, `mlp.c_proj`) from
    /// N(0, (init_std/√(2·n_layer))²), biases 0, LayerNorm gains 1. Draws come
    /// from ChaCha8 seeded with `seed`, tensor by tensor in order, row-major.
    ///
    /// # Errors
    /// If the configuration is invalid ([`Config::validate`]).
    pub fn try_new(config: Config, seed: u64) -> Result<Model, ModelError> {
        config.validate()?;
        let layout = Layout::new(&config);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let std = f64::from(config.init_std);
        let resid_std = std / libm::sqrt(2.0 * config.n_layer as f64);
        let mut params = Vec::with_capacity(layout.total());
        for (name, shape) in layout.names.iter().zip(&layout.shapes) {
            let len: usize = shape.iter().product();
            if name.ends_with("ln_1.weight")
                || name.ends_with("ln_2.weight")
                || name == "ln_f.weight"
            {
                params.extend(std::iter::repeat_n(1.0f32, len));
            } else if name.ends_with(".bias") {
                params.extend(std::iter::repeat_n(0.0f32, len));
            } else {
                let s = if name.ends_with("c_proj.weight") {
                    resid_std
                } else {
                    std
                };
                params.extend((0..len).map(|_| (s * normal(&mut rng)) as f32));
            }
        }
        Ok(Model {
            config,
            params,
            layout,
        })
    }

    /// [`Model::try_new`] for a configuration known to be valid.
    ///
    /// # Panics
    /// If the configuration is invalid; use [`Model::try_new`] for one that
    /// comes from outside the program.
    pub fn new(config: Config, seed: u64) -> Model {
        match Model::try_new(config, seed) {
            Ok(m) => m,
            Err(e) => panic!("Model::new: {e}"),
        }
    }
}
// ANCHOR_END: init

// ANCHOR: access
impl Model {
    /// Builds a model from named tensors (e.g. read from a safetensors
    /// file). Every tensor of the architecture must be there with its exact
    /// shape, and nothing else.
    ///
    /// # Errors
    /// An invalid configuration, a missing, misshapen or unexpected tensor.
    pub fn from_tensors(
        config: Config,
        tensors: &[(String, Vec<usize>, Vec<f32>)],
    ) -> Result<Model, ModelError> {
        config.validate()?;
        let layout = Layout::new(&config);
        for (name, _, _) in tensors {
            if !layout.names.contains(name) {
                return Err(ModelError::UnexpectedTensor(name.clone()));
            }
        }
        let mut params = Vec::with_capacity(layout.total());
        for (name, expected) in layout.names.iter().zip(&layout.shapes) {
            let Some((_, shape, data)) = tensors.iter().find(|(n, _, _)| n == name) else {
                return Err(ModelError::MissingTensor(name.clone()));
            };
            let len: usize = shape.iter().product();
            if shape != expected || data.len() != len {
                return Err(ModelError::Shape {
                    name: name.clone(),
                    expected: expected.clone(),
                    found: shape.clone(),
                });
            }
            params.extend_from_slice(data);
        }
        Ok(Model {
            config,
            params,
            layout,
        })
    }

    /// Total number of parameters (the tied output layer counted once).
    pub fn num_params(&self) -> usize {
        self.params.len()
    }

    /// Every parameter tensor: name, shape and data, in the fixed order of
    /// [`tensor_specs`].
    pub fn tensors(&self) -> Vec<(String, Vec<usize>, &[f32])> {
        (0..self.layout.names.len())
            .map(|i| {
                let name = self.layout.names[i].clone();
                (name, self.layout.shapes[i].clone(), self.t(i))
            })
            .collect()
    }

    /// One tensor by name.
    pub fn tensor(&self, name: &str) -> Option<&[f32]> {
        let i = self.layout.names.iter().position(|n| n == name)?;
        Some(self.t(i))
    }

    /// One tensor by name, for changing it in place (quantization, LoRA merges).
    pub fn tensor_mut(&mut self, name: &str) -> Option<&mut [f32]> {
        let i = self.layout.names.iter().position(|n| n == name)?;
        let r = self.layout.range(i);
        Some(&mut self.params[r])
    }

    /// All parameters, back to back in the order of [`Model::tensors`].
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// All parameters, for the optimizer.
    pub fn params_mut(&mut self) -> &mut [f32] {
        &mut self.params
    }

    /// Zero gradients shaped like this model's parameters.
    pub fn zero_grads(&self) -> Grads {
        Grads {
            data: vec![0.0; self.params.len()],
            layout: self.layout.clone(),
        }
    }

    fn t(&self, i: usize) -> &[f32] {
        &self.params[self.layout.range(i)]
    }

    /// Checks that `tokens` can be fed to the model.
    ///
    /// # Errors
    /// An empty or too long sequence, or an id outside the vocabulary.
    pub fn check_tokens(&self, tokens: &[u32]) -> Result<(), ModelError> {
        if tokens.is_empty() || tokens.len() > self.config.n_ctx {
            return Err(ModelError::Length {
                len: tokens.len(),
                n_ctx: self.config.n_ctx,
            });
        }
        if let Some(&id) = tokens
            .iter()
            .find(|&&id| id as usize >= self.config.vocab_size)
        {
            return Err(ModelError::Token {
                id,
                vocab_size: self.config.vocab_size,
            });
        }
        Ok(())
    }
}

impl Grads {
    /// Every gradient tensor: name, shape and data, in the model's order.
    pub fn tensors(&self) -> Vec<(String, Vec<usize>, &[f32])> {
        (0..self.layout.names.len())
            .map(|i| {
                let r = self.layout.range(i);
                let name = self.layout.names[i].clone();
                (name, self.layout.shapes[i].clone(), &self.data[r])
            })
            .collect()
    }

    /// One gradient tensor by name.
    pub fn tensor(&self, name: &str) -> Option<&[f32]> {
        let i = self.layout.names.iter().position(|n| n == name)?;
        Some(&self.data[self.layout.range(i)])
    }
}
// ANCHOR_END: access

// ANCHOR: matmul
/// `out[m×n] += a[m×k] · b[k×n]`, all row-major.
pub fn matmul_acc(out: &mut [f32], a: &[f32], b: &[f32], m: usize, k: usize, n: usize) {
    assert!(out.len() == m * n && a.len() == m * k && b.len() == k * n);
    gemm(out, a, k, 1, b, m, k, n);
}

/// `out[m×n] += aᵀ · b` for `a` stored `k×m`: the gradient of a weight,
/// xᵀ·dy, without transposing x.
pub fn matmul_tn_acc(out: &mut [f32], a: &[f32], b: &[f32], m: usize, k: usize, n: usize) {
    assert!(out.len() == m * n && a.len() == k * m && b.len() == k * n);
    gemm(out, a, 1, m, b, m, k, n);
}

/// The one matrix-product loop: `out[i, j] += Σ_kk a(i, kk) · b[kk, j]` with
/// `a(i, kk) = a[i·rs + kk·cs]`. Every output is its old value plus the
/// products in the order kk = 0, 1, 2, … (no reassociation), so the result
/// does not depend on how the loop is blocked or on the CPU. The block of
/// 4 rows × 8 columns is kept in registers across kk: each loaded row
/// segment of `b` serves four rows, and `out` is read and written once.
///
/// `multiversion` compiles the loop twice, for the x86-64 baseline (SSE2,
/// 4 lanes) and for AVX (8 lanes), and picks one at run time. The lanes run
/// across the 8 columns j, never across kk, and Rust never fuses a
/// multiply and an add, so both versions round exactly the same way: the
/// same bytes on a CPU without AVX (the qemu check) as with it.
#[multiversion::multiversion(targets("x86_64+avx"))]
#[allow(clippy::too_many_arguments)] // the shapes and the two strides of `a`
fn gemm(out: &mut [f32], a: &[f32], rs: usize, cs: usize, b: &[f32], m: usize, k: usize, n: usize) {
    const R: usize = 4;
    const C: usize = 8;
    let mut pack = vec![[0.0f32; R]; k];
    let mut i = 0;
    while i < m {
        // Blocks of 4 rows while there are 4 left, then single rows.
        let rows = if m - i >= R { R } else { 1 };
        if rows == R {
            // The four rows of `a`, column by column, contiguous.
            for (kk, ak) in pack.iter_mut().enumerate() {
                for (r, x) in ak.iter_mut().enumerate() {
                    *x = a[(i + r) * rs + kk * cs];
                }
            }
        }
        let mut j = 0;
        while j + C <= n {
            if rows == R {
                let mut acc = [[0.0f32; C]; R];
                for (r, acc_r) in acc.iter_mut().enumerate() {
                    acc_r.copy_from_slice(&out[(i + r) * n + j..(i + r) * n + j + C]);
                }
                for (kk, ak) in pack.iter().enumerate() {
                    let bv = &b[kk * n + j..kk * n + j + C];
                    for (acc_r, &x) in acc.iter_mut().zip(ak) {
                        for (o, &bc) in acc_r.iter_mut().zip(bv) {
                            *o += x * bc;
                        }
                    }
                }
                for (r, acc_r) in acc.iter().enumerate() {
                    out[(i + r) * n + j..(i + r) * n + j + C].copy_from_slice(acc_r);
                }
            } else {
                let mut acc = [0.0f32; C];
                acc.copy_from_slice(&out[i * n + j..i * n + j + C]);
                for kk in 0..k {
                    let x = a[i * rs + kk * cs];
                    for (o, &bc) in acc.iter_mut().zip(&b[kk * n + j..kk * n + j + C]) {
                        *o += x * bc;
                    }
                }
                out[i * n + j..i * n + j + C].copy_from_slice(&acc);
            }
            j += C;
        }
        // The last n mod 8 columns, one output at a time, in the same order.
        for r in 0..rows {
            for jj in j..n {
                let mut s = out[(i + r) * n + jj];
                for kk in 0..k {
                    s += a[(i + r) * rs + kk * cs] * b[kk * n + jj];
                }
                out[(i + r) * n + jj] = s;
            }
        }
        i += rows;
    }
}
/// `out = x·W + b` for `x` of `rows × w_in` and `W` of `w_in × w_out`: each
/// row starts from the bias, then the products are added in order.
pub fn linear(x: &[f32], w: &[f32], b: &[f32], rows: usize, w_in: usize, w_out: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(rows * w_out);
    for _ in 0..rows {
        out.extend_from_slice(b);
    }
    matmul_acc(&mut out, x, w, rows, w_in, w_out);
    out
}

/// The transpose of a `rows × cols` matrix.
pub fn transpose(a: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = a[r * cols + c];
        }
    }
    t
}
// ANCHOR_END: matmul

// ANCHOR: softmax
/// Stable softmax of one row, in place: subtract the maximum first, so the
/// largest exponent is exp(0) = 1 (no overflow) and the sum is at least 1
/// (no 0/0). Returns log Σ exp(x), the log-sum-exp that cross-entropy needs.
pub fn softmax(row: &mut [f32]) -> f32 {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for x in row.iter_mut() {
        *x = libm::expf(*x - max);
        sum += *x;
    }
    let inv = 1.0 / sum;
    for x in row.iter_mut() {
        *x *= inv;
    }
    max + libm::logf(sum)
}
// ANCHOR_END: softmax

// ANCHOR: layernorm
/// LayerNorm of each row of `x` (`rows × d`): y = (x − μ)/√(σ² + ε) · w + b,
/// with the biased variance σ² = mean((x − μ)²), as in PyTorch. Returns y,
/// and x̂ = (x − μ)/√(σ² + ε) and 1/√(σ² + ε) per row for the backward pass.
pub fn layer_norm(
    x: &[f32],
    w: &[f32],
    b: &[f32],
    d: usize,
    eps: f32,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let rows = x.len() / d;
    let (mut y, mut xhat, mut rstd) = (vec![0.0; x.len()], vec![0.0; x.len()], vec![0.0; rows]);
    for r in 0..rows {
        let xr = &x[r * d..(r + 1) * d];
        let mean = xr.iter().sum::<f32>() / d as f32;
        let var = xr.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / d as f32;
        let s = 1.0 / (var + eps).sqrt(); // sqrt is correctly rounded by IEEE 754
        rstd[r] = s;
        for j in 0..d {
            let h = (xr[j] - mean) * s;
            xhat[r * d + j] = h;
            y[r * d + j] = h * w[j] + b[j];
        }
    }
    (y, xhat, rstd)
}

// ANCHOR_END: layernorm

// ANCHOR: layernorm_backward
/// Backward of [`layer_norm`]: adds ∂L/∂x to `dx`, ∂L/∂w to `dw`, ∂L/∂b to
/// `db`, given ∂L/∂y. With g = dy·w:
/// dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε).
#[allow(clippy::too_many_arguments)] // the four gradients and what they need
pub fn layer_norm_backward(
    dy: &[f32],
    xhat: &[f32],
    rstd: &[f32],
    w: &[f32],
    d: usize,
    dx: &mut [f32],
    dw: &mut [f32],
    db: &mut [f32],
) {
    for (r, &s) in rstd.iter().enumerate() {
        let (dyr, hr) = (&dy[r * d..(r + 1) * d], &xhat[r * d..(r + 1) * d]);
        let (mut mean_g, mut mean_gh) = (0.0f32, 0.0f32);
        for j in 0..d {
            let g = dyr[j] * w[j];
            mean_g += g;
            mean_gh += g * hr[j];
            dw[j] += dyr[j] * hr[j];
            db[j] += dyr[j];
        }
        mean_g /= d as f32;
        mean_gh /= d as f32;
        for j in 0..d {
            let g = dyr[j] * w[j];
            dx[r * d + j] += (g - mean_g - hr[j] * mean_gh) * s;
        }
    }
}
// ANCHOR_END: layernorm_backward

// ANCHOR: gelu
/// √(2/π), rounded to f32.
const SQRT_2_OVER_PI: f32 = 0.797_884_6;
/// The cubic coefficient of the tanh approximation.
const GELU_C: f32 = 0.044_715;

/// tanh(u) = 1 − 2/(e^{2u} + 1), from one `libm::expf` (libm's `tanhf`
/// costs twice as much). e^{2u} overflowing to ∞ gives exactly 1, and
/// underflowing to 0 exactly −1.
fn tanh(u: f32) -> f32 {
    1.0 - 2.0 / (libm::expf(2.0 * u) + 1.0)
}

/// GELU, tanh approximation (GPT-2's `gelu_new`, PyTorch's
/// `gelu(x, approximate="tanh")`): ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
/// Returns the activations and the tanh values the backward pass reuses.
pub fn gelu(x: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let mut y = Vec::with_capacity(x.len());
    let mut th = Vec::with_capacity(x.len());
    for &v in x {
        let t = tanh(SQRT_2_OVER_PI * (v + GELU_C * v * v * v));
        th.push(t);
        y.push(0.5 * v * (1.0 + t));
    }
    (y, th)
}

// ANCHOR_END: gelu

// ANCHOR: gelu_backward
/// ∂gelu/∂x · dy, given x and the tanh values from [`gelu`]:
/// ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
pub fn gelu_backward(dy: &[f32], x: &[f32], th: &[f32]) -> Vec<f32> {
    let mut dx = Vec::with_capacity(x.len());
    for ((&g, &v), &t) in dy.iter().zip(x).zip(th) {
        let du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_C * v * v);
        dx.push(g * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du));
    }
    dx
}
// ANCHOR_END: gelu_backward

// ANCHOR: attention
/// Causal multi-head self-attention on `qkv` (`t × 3d`: the Q, K and V
/// columns, head h in columns h·hd..(h+1)·hd of each). Query i sees keys
/// 0..=i only: its softmax runs over that prefix, and the rest of its row
/// of weights stays 0. Returns the merged heads (`t × d`) and the weights
/// (`n_head × t × t`).
pub fn attention(qkv: &[f32], t: usize, d: usize, n_head: usize) -> (Vec<f32>, Vec<f32>) {
    let hd = d / n_head;
    let scale = 1.0 / (hd as f32).sqrt();
    let mut out = vec![0.0; t * d];
    let mut probs = vec![0.0; n_head * t * t];
    for h in 0..n_head {
        // K of this head, transposed (hd × t), so that the scores of one query
        // are an axpy over keys.
        let mut kt = vec![0.0; hd * t];
        for j in 0..t {
            for c in 0..hd {
                kt[c * t + j] = qkv[j * 3 * d + d + h * hd + c];
            }
        }
        for i in 0..t {
            let q = &qkv[i * 3 * d + h * hd..i * 3 * d + (h + 1) * hd];
            let p = &mut probs[(h * t + i) * t..(h * t + i) * t + i + 1];
            for (c, &qc) in q.iter().enumerate() {
                for (pj, &kj) in p.iter_mut().zip(&kt[c * t..c * t + i + 1]) {
                    *pj += qc * kj;
                }
            }
            for pj in p.iter_mut() {
                *pj *= scale;
            }
            softmax(p);
            let o = &mut out[i * d + h * hd..i * d + (h + 1) * hd];
            for (j, &pj) in p.iter().enumerate() {
                let v = &qkv[j * 3 * d + 2 * d + h * hd..j * 3 * d + 2 * d + (h + 1) * hd];
                for (oc, &vc) in o.iter_mut().zip(v) {
                    *oc += pj * vc;
                }
            }
        }
    }
    (out, probs)
}

// ANCHOR_END: attention

// ANCHOR: attention_backward
/// Backward of [`attention`]: ∂L/∂qkv from ∂L/∂out. With P the weights and
/// dP = dO·Vᵀ, the softmax backward is dS = P ⊙ (dP − rowsum(P ⊙ dP)), and
/// dQ = dS·K·scale, dK = dSᵀ·Q·scale, dV = Pᵀ·dO.
pub fn attention_backward(
    dout: &[f32],
    qkv: &[f32],
    probs: &[f32],
    t: usize,
    d: usize,
    n_head: usize,
) -> Vec<f32> {
    let hd = d / n_head;
    let scale = 1.0 / (hd as f32).sqrt();
    let mut dqkv = vec![0.0; t * 3 * d];
    let mut ds = vec![0.0; t];
    let mut dq = vec![0.0; hd];
    for h in 0..n_head {
        let mut vt = vec![0.0; hd * t];
        for j in 0..t {
            for c in 0..hd {
                vt[c * t + j] = qkv[j * 3 * d + 2 * d + h * hd + c];
            }
        }
        for i in 0..t {
            let p = &probs[(h * t + i) * t..(h * t + i) * t + i + 1];
            let dor = &dout[i * d + h * hd..i * d + (h + 1) * hd];
            // dP for this query: an axpy over keys 0..=i
            let dp = &mut ds[..=i];
            dp.fill(0.0);
            for (c, &g) in dor.iter().enumerate() {
                for (dpj, &vj) in dp.iter_mut().zip(&vt[c * t..c * t + i + 1]) {
                    *dpj += g * vj;
                }
            }
            // dV[j] += P[i, j] · dO[i]
            for (j, &pj) in p.iter().enumerate() {
                let dv = &mut dqkv[j * 3 * d + 2 * d + h * hd..j * 3 * d + 2 * d + (h + 1) * hd];
                for (dvc, &g) in dv.iter_mut().zip(dor) {
                    *dvc += pj * g;
                }
            }
            let mut dot = 0.0f32;
            for (&pj, &dpj) in p.iter().zip(dp.iter()) {
                dot += pj * dpj;
            }
            for (dpj, &pj) in dp.iter_mut().zip(p) {
                *dpj = pj * (*dpj - dot) * scale; // now dS·scale
            }
            // dQ[i] = Σ_j dS[i, j] K[j];  dK[j] += dS[i, j] Q[i]
            let q_i = &qkv[i * 3 * d + h * hd..i * 3 * d + (h + 1) * hd];
            dq.fill(0.0);
            for (j, &g) in ds[..=i].iter().enumerate() {
                let k_j = &qkv[j * 3 * d + d + h * hd..j * 3 * d + d + (h + 1) * hd];
                for (a, &kc) in dq.iter_mut().zip(k_j) {
                    *a += g * kc;
                }
                let dk = &mut dqkv[j * 3 * d + d + h * hd..j * 3 * d + d + (h + 1) * hd];
                for (a, &qc) in dk.iter_mut().zip(q_i) {
                    *a += g * qc;
                }
            }
            dqkv[i * 3 * d + h * hd..i * 3 * d + (h + 1) * hd].copy_from_slice(&dq);
        }
    }
    dqkv
}
// ANCHOR_END: attention_backward

// ANCHOR: forward
/// What one block's forward pass keeps for the backward pass.
struct BlockCache {
    ln1: Vec<f32>,
    xhat1: Vec<f32>,
    rstd1: Vec<f32>,
    qkv: Vec<f32>,
    probs: Vec<f32>,
    att: Vec<f32>,
    ln2: Vec<f32>,
    xhat2: Vec<f32>,
    rstd2: Vec<f32>,
    pre: Vec<f32>,
    th: Vec<f32>,
    act: Vec<f32>,
}

/// What the whole forward pass keeps.
struct Cache {
    blocks: Vec<BlockCache>,
    lnf: Vec<f32>,
    xhatf: Vec<f32>,
    rstdf: Vec<f32>,
}

impl Model {
    /// Logits for every position of `tokens`: `tokens.len() × vocab_size`,
    /// row-major. Row i predicts the token after `tokens[i]`.
    ///
    /// # Panics
    /// If [`Model::check_tokens`] rejects `tokens`.
    pub fn forward(&self, tokens: &[u32]) -> Vec<f32> {
        self.forward_cached(tokens, &self.wte_t()).0
    }

    /// The token embedding transposed (`d_model × vocab`), so that the tied
    /// output layer is an axpy over the vocabulary.
    fn wte_t(&self) -> Vec<f32> {
        transpose(self.t(0), self.config.vocab_size, self.config.d_model)
    }

    fn forward_cached(&self, tokens: &[u32], wte_t: &[f32]) -> (Vec<f32>, Cache) {
        if let Err(e) = self.check_tokens(tokens) {
            panic!("Model::forward: {e}");
        }
        let c = &self.config;
        let (t, d, f) = (tokens.len(), c.d_model, c.d_ff);
        let lay = &self.layout;
        // x = token embedding + position embedding
        let (wte, wpe) = (self.t(0), self.t(1));
        let mut x = vec![0.0f32; t * d];
        for (i, &tok) in tokens.iter().enumerate() {
            let tok = tok as usize;
            for j in 0..d {
                x[i * d + j] = wte[tok * d + j] + wpe[i * d + j];
            }
        }
        let mut blocks = Vec::with_capacity(c.n_layer);
        for l in 0..c.n_layer {
            let p = |k| self.t(lay.layer(l, k));
            // x = x + attn(ln_1(x))
            let (ln1, xhat1, rstd1) = layer_norm(&x, p(LN1_W), p(LN1_B), d, c.norm_eps);
            let qkv = linear(&ln1, p(ATTN_W), p(ATTN_B), t, d, 3 * d);
            let (att, probs) = attention(&qkv, t, d, c.n_head);
            let proj = linear(&att, p(PROJ_W), p(PROJ_B), t, d, d);
            for (xi, pi) in x.iter_mut().zip(&proj) {
                *xi += pi;
            }
            // x = x + mlp(ln_2(x))
            let (ln2, xhat2, rstd2) = layer_norm(&x, p(LN2_W), p(LN2_B), d, c.norm_eps);
            let pre = linear(&ln2, p(FC_W), p(FC_B), t, d, f);
            let (act, th) = gelu(&pre);
            let mlp = linear(&act, p(FC2_W), p(FC2_B), t, f, d);
            for (xi, mi) in x.iter_mut().zip(&mlp) {
                *xi += mi;
            }
            blocks.push(BlockCache {
                ln1,
                xhat1,
                rstd1,
                qkv,
                probs,
                att,
                ln2,
                xhat2,
                rstd2,
                pre,
                th,
                act,
            });
        }
        // logits = ln_f(x) · wteᵀ (the output layer is the embedding, tied)
        let f_w = lay.ln_f();
        let (lnf, xhatf, rstdf) = layer_norm(&x, self.t(f_w), self.t(f_w + 1), d, c.norm_eps);
        let mut logits = vec![0.0f32; t * c.vocab_size];
        matmul_acc(&mut logits, &lnf, wte_t, t, d, c.vocab_size);
        let cache = Cache {
            blocks,
            lnf,
            xhatf,
            rstdf,
        };
        (logits, cache)
    }
}
// ANCHOR_END: forward

// ANCHOR: loss
impl Model {
    /// Mean cross-entropy of predicting `targets[i]` from `tokens[..=i]`
    /// (natural log), and its gradient with respect to every parameter.
    ///
    /// # Panics
    /// If the tokens are rejected by [`Model::check_tokens`] or the targets
    /// do not match them; [`Model::try_loss_and_grads`] returns an error instead.
    pub fn loss_and_grads(&self, tokens: &[u32], targets: &[u32]) -> (f32, Grads) {
        match self.try_loss_and_grads_batch(&[(tokens, targets)]) {
            Ok(r) => r,
            Err(e) => panic!("Model::loss_and_grads: {e}"),
        }
    }

    /// [`Model::loss_and_grads`] with an error for bad input.
    ///
    /// # Errors
    /// See [`Model::try_loss_and_grads_batch`].
    pub fn try_loss_and_grads(
        &self,
        tokens: &[u32],
        targets: &[u32],
    ) -> Result<(f32, Grads), ModelError> {
        self.try_loss_and_grads_batch(&[(tokens, targets)])
    }

    /// The mean cross-entropy over every target of a batch of sequences, and
    /// its gradient. Sequences are processed one after the other and their
    /// gradients summed in that order.
    ///
    /// # Errors
    /// An empty batch, a sequence rejected by [`Model::check_tokens`], or
    /// targets that are not one per token and inside the vocabulary.
    pub fn try_loss_and_grads_batch(
        &self,
        batch: &[(&[u32], &[u32])],
    ) -> Result<(f32, Grads), ModelError> {
        let mut n_targets = 0usize;
        for &(tokens, targets) in batch {
            self.check_tokens(tokens)?;
            if targets.len() != tokens.len() {
                return Err(ModelError::TargetLength {
                    tokens: tokens.len(),
                    targets: targets.len(),
                });
            }
            self.check_tokens(targets)?;
            n_targets += targets.len();
        }
        if n_targets == 0 {
            return Err(ModelError::Length {
                len: 0,
                n_ctx: self.config.n_ctx,
            });
        }
        let wte_t = self.wte_t();
        // The block's weight matrices transposed, once for the whole batch
        // (empty for the other tensors).
        let wts: Vec<Vec<f32>> = (0..self.layout.names.len())
            .map(|i| match self.layout.shapes[i][..] {
                [rows, cols] if i >= 2 => transpose(self.t(i), rows, cols),
                _ => Vec::new(),
            })
            .collect();
        let mut grads = self.zero_grads();
        // ∂L/∂wteᵀ from the output layer, summed over the batch, folded into
        // ∂L/∂wte at the end.
        let mut dwte_t = vec![0.0f32; wte_t.len()];
        let mut loss_sum = 0.0f64;
        for &(tokens, targets) in batch {
            let (mut logits, cache) = self.forward_cached(tokens, &wte_t);
            let v = self.config.vocab_size;
            // softmax in place turns the logits into ∂L/∂logits = (p − onehot)/N
            for (i, &y) in targets.iter().enumerate() {
                let row = &mut logits[i * v..(i + 1) * v];
                let y = y as usize;
                let logit_y = row[y];
                let lse = softmax(row);
                loss_sum += f64::from(lse - logit_y);
                row[y] -= 1.0;
                for g in row.iter_mut() {
                    *g /= n_targets as f32;
                }
            }
            self.backward(tokens, &logits, &cache, &wts, &mut grads.data, &mut dwte_t);
        }
        let (v, d) = (self.config.vocab_size, self.config.d_model);
        let dwte = &mut grads.data[self.layout.range(0)];
        for r in 0..v {
            for c in 0..d {
                dwte[r * d + c] += dwte_t[c * v + r];
            }
        }
        Ok(((loss_sum / n_targets as f64) as f32, grads))
    }

    /// Mean cross-entropy of a batch, without gradients (validation).
    ///
    /// # Errors
    /// As [`Model::try_loss_and_grads_batch`].
    pub fn loss(&self, batch: &[(&[u32], &[u32])]) -> Result<f64, ModelError> {
        let wte_t = self.wte_t();
        let (mut sum, mut n) = (0.0f64, 0usize);
        for &(tokens, targets) in batch {
            self.check_tokens(tokens)?;
            self.check_tokens(targets)?;
            if targets.len() != tokens.len() {
                return Err(ModelError::TargetLength {
                    tokens: tokens.len(),
                    targets: targets.len(),
                });
            }
            let (mut logits, _) = self.forward_cached(tokens, &wte_t);
            let v = self.config.vocab_size;
            for (i, &y) in targets.iter().enumerate() {
                let row = &mut logits[i * v..(i + 1) * v];
                let logit_y = row[y as usize];
                sum += f64::from(softmax(row) - logit_y);
            }
            n += targets.len();
        }
        Ok(sum / n.max(1) as f64)
    }
}
// ANCHOR_END: loss

// ANCHOR: backward
/// `db[j] += Σ_rows dy[row, j]`: the gradient of a bias.
fn bias_grad(db: &mut [f32], dy: &[f32]) {
    for row in dy.chunks_exact(db.len()) {
        for (b, &g) in db.iter_mut().zip(row) {
            *b += g;
        }
    }
}

impl Model {
    /// Backward of a linear layer y = x·W + b: adds xᵀ·dy to ∂L/∂W and the
    /// column sums of dy to ∂L/∂b, and returns ∂L/∂x = dy·Wᵀ, with Wᵀ taken
    /// from `wts` (transposed once per batch) so that the product is axpy-shaped.
    #[allow(clippy::too_many_arguments)] // the layer's shapes and its two gradients
    fn linear_backward(
        &self,
        dy: &[f32],
        x: &[f32],
        w_index: usize,
        rows: usize,
        w_in: usize,
        w_out: usize,
        wts: &[Vec<f32>],
        grads: &mut [f32],
    ) -> Vec<f32> {
        matmul_tn_acc(
            &mut grads[self.layout.range(w_index)],
            x,
            dy,
            w_in,
            rows,
            w_out,
        );
        bias_grad(&mut grads[self.layout.range(w_index + 1)], dy);
        let mut dx = vec![0.0; rows * w_in];
        matmul_acc(&mut dx, dy, &wts[w_index], rows, w_out, w_in);
        dx
    }

    /// Backward of the LayerNorm whose gain is tensor `w_index`: adds ∂L/∂x to
    /// `dx` and the gain's and bias's gradients to `grads`.
    #[allow(clippy::too_many_arguments)] // the norm's saved values and its gradients
    fn norm_backward(
        &self,
        dy: &[f32],
        xhat: &[f32],
        rstd: &[f32],
        w_index: usize,
        dx: &mut [f32],
        grads: &mut [f32],
    ) {
        let d = self.config.d_model;
        let (dw_part, db_part) = grads.split_at_mut(self.layout.offsets[w_index + 1]);
        let dw = &mut dw_part[self.layout.range(w_index)];
        let db = &mut db_part[..d];
        layer_norm_backward(dy, xhat, rstd, self.t(w_index), d, dx, dw, db);
    }

    /// The backward pass of one sequence: ∂L/∂logits in, every parameter's
    /// gradient added to `grads` (the output layer's ∂L/∂wteᵀ to `dwte_t`).
    fn backward(
        &self,
        tokens: &[u32],
        dlogits: &[f32],
        cache: &Cache,
        wts: &[Vec<f32>],
        grads: &mut [f32],
        dwte_t: &mut [f32],
    ) {
        let c = &self.config;
        let (t, d, f, v) = (tokens.len(), c.d_model, c.d_ff, c.vocab_size);
        let lay = &self.layout;
        // Output layer (tied): ∂L/∂wteᵀ += ln_fᵀ·dlogits, ∂L/∂ln_f = dlogits·wte.
        matmul_tn_acc(dwte_t, &cache.lnf, dlogits, d, t, v);
        let mut dlnf = vec![0.0; t * d];
        matmul_acc(&mut dlnf, dlogits, self.t(0), t, v, d);
        // dx: ∂L/∂(the residual stream), from the top down.
        let mut dx = vec![0.0; t * d];
        self.norm_backward(
            &dlnf,
            &cache.xhatf,
            &cache.rstdf,
            lay.ln_f(),
            &mut dx,
            grads,
        );
        for l in (0..c.n_layer).rev() {
            let b = &cache.blocks[l];
            let i = |k| lay.layer(l, k);
            // x = x + mlp(ln_2(x)): dx flows on unchanged and into the MLP
            let dact = self.linear_backward(&dx, &b.act, i(FC2_W), t, f, d, wts, grads);
            let dpre = gelu_backward(&dact, &b.pre, &b.th);
            let dln2 = self.linear_backward(&dpre, &b.ln2, i(FC_W), t, d, f, wts, grads);
            self.norm_backward(&dln2, &b.xhat2, &b.rstd2, i(LN2_W), &mut dx, grads);
            // x = x + attn(ln_1(x))
            let datt = self.linear_backward(&dx, &b.att, i(PROJ_W), t, d, d, wts, grads);
            let dqkv = attention_backward(&datt, &b.qkv, &b.probs, t, d, c.n_head);
            let dln1 = self.linear_backward(&dqkv, &b.ln1, i(ATTN_W), t, d, 3 * d, wts, grads);
            self.norm_backward(&dln1, &b.xhat1, &b.rstd1, i(LN1_W), &mut dx, grads);
        }
        // Embeddings: each position's gradient goes to its token's row and
        // to its position's row.
        let wpe_start = lay.offsets[1];
        for (pos, &tok) in tokens.iter().enumerate() {
            let tok = tok as usize;
            for j in 0..d {
                grads[tok * d + j] += dx[pos * d + j];
                grads[wpe_start + pos * d + j] += dx[pos * d + j];
            }
        }
    }
}
// ANCHOR_END: backward
