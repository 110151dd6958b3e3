//! Quantization: error bounds, packing, sizes, bad shapes.

use tinygpt::quant::{
    Int4Matrix, Int8Matrix, QuantError, affine, dequantize, quantize, quantize_sym, symmetric,
};

fn matrix(rows: usize, cols: usize) -> Vec<f32> {
    // Deterministic values of varying size per row, without an RNG.
    (0..rows * cols)
        .map(|i| {
            let r = (i / cols) as f32 + 1.0;
            let x = (i as f32 * 0.618_034).fract() - 0.5;
            x * r * 0.1
        })
        .collect()
}

#[test]
fn symmetric_and_affine_errors_stay_within_half_a_step() {
    let x = [-0.4f32, -0.12, 0.0, 0.27, 0.8, 1.35, 2.2, 3.1];
    for p in [symmetric(&x), affine(&x)] {
        for &v in &x {
            let back = dequantize(quantize(v, &p), &p);
            assert!((v - back).abs() <= p.scale / 2.0 + 1e-6);
        }
        assert_eq!(dequantize(quantize(0.0, &p), &p), 0.0, "0 is exact");
    }
}

#[test]
fn rounding_is_half_to_even_and_zero_scale_gives_zero() {
    assert_eq!(quantize_sym(2.5, 1.0, 127), 2);
    assert_eq!(quantize_sym(3.5, 1.0, 127), 4);
    assert_eq!(quantize_sym(1000.0, 1.0, 7), 7);
    assert_eq!(quantize_sym(-1000.0, 1.0, 7), -7);
    assert_eq!(quantize_sym(0.0, 0.0, 127), 0);
}

#[test]
fn int8_per_channel_round_trip() {
    let (rows, cols) = (6, 40);
    let w = matrix(rows, cols);
    let q = Int8Matrix::quantize(&w, rows, cols).unwrap();
    assert_eq!(q.bytes(), rows * cols + 4 * rows);
    let back = q.dequantize();
    for (j, row) in w.chunks(cols).enumerate() {
        let s = q.scales[j];
        assert!(row.iter().any(|v| (v.abs() / 127.0 - s).abs() < 1e-9));
        for (k, &v) in row.iter().enumerate() {
            assert!((v - back[j * cols + k]).abs() <= s / 2.0 + 1e-7);
        }
    }
}

#[test]
fn int4_group_wise_round_trip_and_packing() {
    let (rows, cols, group) = (4, 32, 8);
    let w = matrix(rows, cols);
    let q = Int4Matrix::quantize(&w, rows, cols, group).unwrap();
    assert_eq!(q.packed.len(), rows * cols / 2);
    assert_eq!(q.scales.len(), rows * cols / group);
    assert_eq!(q.bytes(), rows * cols / 2 + 4 * rows * cols / group);
    let back = q.dequantize();
    for i in 0..rows * cols {
        let s = q.scales[i / group];
        assert!((-7..=7).contains(&q.level(i)));
        assert!((w[i] - back[i]).abs() <= s / 2.0 + 1e-7, "{i}");
    }
    // Smaller groups never have a larger scale than the whole row's.
    let coarse = Int4Matrix::quantize(&w, rows, cols, cols).unwrap();
    assert!(q.scales[0] <= coarse.scales[0]);
}

#[test]
fn int4_odd_length_pads_the_last_nibble() {
    let w = [0.7f32, -0.7, 0.35];
    let q = Int4Matrix::quantize(&w, 1, 3, 3).unwrap();
    assert_eq!(q.packed.len(), 2);
    assert_eq!((q.level(0), q.level(1), q.level(2)), (7, -7, 4));
}

#[test]
fn bad_input_is_an_error() {
    assert_eq!(
        Int8Matrix::quantize(&[1.0; 5], 2, 3),
        Err(QuantError::Shape {
            len: 5,
            rows: 2,
            cols: 3
        })
    );
    assert_eq!(
        Int4Matrix::quantize(&[1.0; 6], 2, 3, 2),
        Err(QuantError::Group { group: 2, cols: 3 })
    );
    assert_eq!(
        Int4Matrix::quantize(&[1.0; 6], 2, 3, 0),
        Err(QuantError::Group { group: 0, cols: 3 })
    );
    assert_eq!(
        Int8Matrix::quantize(&[1.0, f32::NAN], 1, 2),
        Err(QuantError::NotFinite { index: 1 })
    );
}

#[test]
fn quantize_model_scales_per_output_channel_and_counts_bytes() {
    use tinygpt::model::{Config, Model};
    use tinygpt::quant::{Scheme, quantize_model};
    let config = Config {
        vocab_size: 40,
        n_ctx: 8,
        d_model: 16,
        n_head: 2,
        n_layer: 1,
        d_ff: 32,
        norm_eps: 1e-5,
        init_std: 0.3,
    };
    let m = Model::new(config, 2);
    let (q8, rep8, bytes8) = quantize_model(&m, Scheme::Int8PerChannel).unwrap();
    // c_attn is [in = 16, out = 48]: each output column has its own scale.
    let (w, wq) = (
        m.tensor("h.0.attn.c_attn.weight").unwrap(),
        q8.tensor("h.0.attn.c_attn.weight").unwrap(),
    );
    for j in 0..48 {
        let s = (0..16).fold(0.0f32, |a, i| a.max(w[i * 48 + j].abs())) / 127.0;
        for i in 0..16 {
            assert!((w[i * 48 + j] - wq[i * 48 + j]).abs() <= s / 2.0 + 1e-7);
        }
    }
    // Vectors stay f32 and unchanged.
    assert_eq!(m.tensor("h.0.ln_1.bias"), q8.tensor("h.0.ln_1.bias"));
    let vectors: usize = m
        .tensors()
        .iter()
        .filter(|(_, s, _)| s.len() == 1)
        .map(|(_, _, d)| d.len())
        .sum();
    let matrices: usize = rep8.iter().map(|r| r.bytes).sum();
    assert_eq!(bytes8, matrices + 4 * vectors);
    assert!(rep8.iter().all(|r| r.rel_error < 0.02));
    let (_, rep4, bytes4) = quantize_model(&m, Scheme::Int4Group(8)).unwrap();
    assert!(bytes4 < bytes8);
    assert!(rep4.iter().all(|r| r.rel_error > 0.0 && r.rel_error < 0.2));
    assert!(matches!(
        quantize_model(&m, Scheme::Int4Group(5)),
        Err(QuantError::Group { group: 5, .. })
    ));
}
