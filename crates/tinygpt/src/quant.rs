//! Weight quantization: the symmetric and affine mappings of the 量化与压缩
//! chapter, per-channel int8 and group-wise int4 matrices.
//!
//! Rounding is round-half-to-even everywhere (`round_ties_even`), as in
//! PyTorch's quantized operators and ONNX `QuantizeLinear`.

// ANCHOR: qparams
use crate::model::{Model, transpose};

/// Quantization parameters: x ≈ S·(q − Z), q clamped to [qmin, qmax].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QParams {
    /// The step S between neighbouring integer levels.
    pub scale: f32,
    /// The integer Z that represents the real number 0.
    pub zero_point: i32,
    /// Smallest integer level.
    pub qmin: i32,
    /// Largest integer level.
    pub qmax: i32,
}

/// Symmetric quantization: Z = 0, S = max|x| / 127, integers in [−127, 127].
pub fn symmetric(x: &[f32]) -> QParams {
    QParams {
        scale: absmax(x) / 127.0,
        zero_point: 0,
        qmin: -127,
        qmax: 127,
    }
}

/// Affine quantization to uint8. The range is first widened to contain 0, so
/// that 0 is represented exactly (zero padding and ReLU rely on it).
pub fn affine(x: &[f32]) -> QParams {
    let lo = x.iter().fold(0.0f32, |m, &v| m.min(v));
    let hi = x.iter().fold(0.0f32, |m, &v| m.max(v));
    let scale = (hi - lo) / 255.0;
    let zero_point = (-lo / scale).round_ties_even() as i32;
    QParams {
        scale,
        zero_point: zero_point.clamp(0, 255),
        qmin: 0,
        qmax: 255,
    }
}

/// q = clamp(round(x/S) + Z, qmin, qmax), rounding half to even.
pub fn quantize(x: f32, p: &QParams) -> i32 {
    let q = (x / p.scale).round_ties_even() as i32 + p.zero_point;
    q.clamp(p.qmin, p.qmax)
}

/// x̂ = S·(q − Z)
pub fn dequantize(q: i32, p: &QParams) -> f32 {
    p.scale * (q - p.zero_point) as f32
}
// ANCHOR_END: qparams

// ANCHOR: symmetric
/// max |x|, the number a symmetric scale is computed from (0 for no data).
pub fn absmax(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

/// One value, symmetric: clamp(round(x/S), −qmax, qmax). qmax is 127 for
/// int8 and 7 for int4. A scale of 0 (an all-zero row) gives 0, not NaN.
pub fn quantize_sym(x: f32, scale: f32, qmax: i32) -> i32 {
    if scale == 0.0 {
        return 0;
    }
    ((x / scale).round_ties_even() as i32).clamp(-qmax, qmax)
}

/// A slice with one scale, to `i8` (qmax ≤ 127).
pub fn quantize_slice(x: &[f32], scale: f32, qmax: i32) -> Vec<i8> {
    x.iter()
        .map(|&v| quantize_sym(v, scale, qmax) as i8)
        .collect()
}

/// Back to real numbers: q·S.
pub fn dequantize_slice(q: &[i8], scale: f32) -> Vec<f32> {
    q.iter().map(|&v| f32::from(v) * scale).collect()
}
// ANCHOR_END: symmetric

// ANCHOR: int8
/// Why a matrix could not be quantized.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantError {
    /// `data.len()` is not `rows × cols`.
    #[error("矩阵有 {len} 个数，形状 {rows} × {cols} 需要 {rows}·{cols} 个")]
    Shape {
        /// Values given.
        len: usize,
        /// Rows claimed.
        rows: usize,
        /// Columns claimed.
        cols: usize,
    },
    /// The group size is 0 or does not divide the row length.
    #[error("组长 {group} 不能整除行长 {cols}")]
    Group {
        /// Group size asked for.
        group: usize,
        /// Row length.
        cols: usize,
    },
    /// A weight is NaN or infinite: its scale would be meaningless.
    #[error("第 {index} 个权重不是有限数")]
    NotFinite {
        /// Position of the first such weight.
        index: usize,
    },
}

fn check(data: &[f32], rows: usize, cols: usize) -> Result<(), QuantError> {
    if data.len() != rows * cols {
        return Err(QuantError::Shape {
            len: data.len(),
            rows,
            cols,
        });
    }
    match data.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(QuantError::NotFinite { index }),
        None => Ok(()),
    }
}

/// A row-major matrix in int8 with one f32 scale per row. A row is an output
/// channel when the matrix is stored output × input (as `nn.Linear` stores
/// its weight).
#[derive(Clone, Debug, PartialEq)]
pub struct Int8Matrix {
    /// Number of rows (output channels).
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// The integers, row-major.
    pub q: Vec<i8>,
    /// S_j = max_k |W_jk| / 127, one per row.
    pub scales: Vec<f32>,
}

impl Int8Matrix {
    /// Per-channel symmetric int8 quantization of a `rows × cols` matrix.
    pub fn quantize(data: &[f32], rows: usize, cols: usize) -> Result<Int8Matrix, QuantError> {
        check(data, rows, cols)?;
        let mut q = Vec::with_capacity(data.len());
        let mut scales = Vec::with_capacity(rows);
        for row in data.chunks(cols.max(1)).take(rows) {
            let s = absmax(row) / 127.0;
            q.extend(quantize_slice(row, s, 127));
            scales.push(s);
        }
        Ok(Int8Matrix {
            rows,
            cols,
            q,
            scales,
        })
    }

    /// The f32 matrix the integers stand for.
    pub fn dequantize(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.q.len());
        for (row, &s) in self.q.chunks(self.cols.max(1)).zip(&self.scales) {
            out.extend(dequantize_slice(row, s));
        }
        out
    }

    /// Storage: one byte per weight plus a 4-byte scale per row.
    pub fn bytes(&self) -> usize {
        self.q.len() + 4 * self.scales.len()
    }
}
// ANCHOR_END: int8

// ANCHOR: int4
/// A row-major matrix in int4: each row is cut into groups of `group`
/// weights, each group has its own f32 scale S = max|w| / 7, the integers lie
/// in [−7, 7], and two of them share a byte (`q + 8` in each nibble, the
/// first weight in the low nibble).
#[derive(Clone, Debug, PartialEq)]
pub struct Int4Matrix {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Weights per scale.
    pub group: usize,
    /// Two 4-bit integers per byte, row-major.
    pub packed: Vec<u8>,
    /// One scale per group, row-major.
    pub scales: Vec<f32>,
}

impl Int4Matrix {
    /// Group-wise symmetric int4 quantization; `group` must divide `cols`.
    pub fn quantize(
        data: &[f32],
        rows: usize,
        cols: usize,
        group: usize,
    ) -> Result<Int4Matrix, QuantError> {
        check(data, rows, cols)?;
        if group == 0 || !cols.is_multiple_of(group) {
            return Err(QuantError::Group { group, cols });
        }
        let mut nibbles = Vec::with_capacity(data.len());
        let mut scales = Vec::with_capacity(data.len() / group);
        for g in data.chunks(group) {
            let s = absmax(g) / 7.0;
            nibbles.extend(g.iter().map(|&v| (quantize_sym(v, s, 7) + 8) as u8));
            scales.push(s);
        }
        let packed = nibbles
            .chunks(2)
            .map(|pair| pair[0] | (pair.get(1).copied().unwrap_or(8) << 4))
            .collect();
        Ok(Int4Matrix {
            rows,
            cols,
            group,
            packed,
            scales,
        })
    }

    /// The integer in [−7, 7] at flat position `i`.
    pub fn level(&self, i: usize) -> i32 {
        let byte = self.packed[i / 2];
        let nibble = if i.is_multiple_of(2) {
            byte & 0x0f
        } else {
            byte >> 4
        };
        i32::from(nibble) - 8
    }

    /// The f32 matrix the integers stand for.
    pub fn dequantize(&self) -> Vec<f32> {
        (0..self.rows * self.cols)
            .map(|i| self.level(i) as f32 * self.scales[i / self.group])
            .collect()
    }

    /// Storage: half a byte per weight (rounded up) plus a 4-byte scale per group.
    pub fn bytes(&self) -> usize {
        self.packed.len() + 4 * self.scales.len()
    }
}
// ANCHOR_END: int4

// ANCHOR: model
/// How to store the weight matrices of a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// int8, one scale per output channel.
    Int8PerChannel,
    /// int4, one scale per `group` consecutive weights of an output channel.
    Int4Group(usize),
}

/// One quantized tensor: its name, its relative error ‖W − Ŵ‖ / ‖W‖ and
/// the bytes it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorReport {
    /// The tensor's name.
    pub name: String,
    /// Relative Frobenius error of the dequantized matrix.
    pub rel_error: f64,
    /// Bytes: integers plus scales.
    pub bytes: usize,
}

/// `model` with every weight matrix quantized and dequantized back (what
/// the integer weights compute), the report of each matrix, and the bytes of
/// the whole model stored that way. Vectors (biases, LayerNorm gains) stay
/// f32, 4 bytes each.
///
/// A linear layer's weight is stored `[in, out]` (y = x·W), so its output
/// channels are columns: it is transposed before quantizing, so that each
/// scale belongs to one output channel and int4 groups run along the input.
/// The embeddings are `[vocab, d]` and `[n_ctx, d]`: a row is one token
/// (for the tied output layer, one output logit) or one position.
pub fn quantize_model(
    model: &Model,
    scheme: Scheme,
) -> Result<(Model, Vec<TensorReport>, usize), QuantError> {
    let mut out = model.clone();
    let mut reports = Vec::new();
    let mut total = 0;
    for (name, shape, data) in model.tensors() {
        if shape.len() != 2 {
            total += 4 * data.len();
            continue;
        }
        let linear = !name.starts_with("wte") && !name.starts_with("wpe");
        let (rows, cols) = if linear {
            (shape[1], shape[0])
        } else {
            (shape[0], shape[1])
        };
        let w = if linear {
            transpose(data, shape[0], shape[1])
        } else {
            data.to_vec()
        };
        let (back, bytes) = match scheme {
            Scheme::Int8PerChannel => {
                let q = Int8Matrix::quantize(&w, rows, cols)?;
                (q.dequantize(), q.bytes())
            }
            Scheme::Int4Group(group) => {
                let q = Int4Matrix::quantize(&w, rows, cols, group)?;
                (q.dequantize(), q.bytes())
            }
        };
        let (mut e2, mut s2) = (0.0f64, 0.0f64);
        for (&a, &b) in w.iter().zip(&back) {
            e2 += f64::from(a - b) * f64::from(a - b);
            s2 += f64::from(a) * f64::from(a);
        }
        let back = if linear {
            transpose(&back, rows, cols)
        } else {
            back
        };
        if let Some(t) = out.tensor_mut(&name) {
            t.copy_from_slice(&back);
        }
        total += bytes;
        reports.push(TensorReport {
            name,
            rel_error: libm::sqrt(e2 / s2.max(f64::MIN_POSITIVE)),
            bytes,
        });
    }
    Ok((out, reports, total))
}
// ANCHOR_END: model
