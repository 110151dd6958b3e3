//! 逐张量与逐通道对称 int8 量化同一个权重矩阵：各行幅度相差很大时，一个共用的缩放因子会让小幅度的行几乎只剩几个整数级；并画出两种量化的舍入误差直方图。

use guide_support::plot::{self, Figure, Sample};
use guide_support::rng::{normal, seeded};
use guide_support::{Align, Table, f4, fixed, value};
use tinygpt::quant::{absmax, dequantize_slice, quantize_slice};

pub(crate) const ROWS: usize = 8;
pub(crate) const COLS: usize = 64;

// ANCHOR: scales
/// 一行(或整个矩阵)的对称缩放因子 S = max|w| / 127。
fn absmax_scale(w: &[f32]) -> f32 {
    absmax(w) / 127.0
}

/// 量化再还原，返回还原值和用到的不同整数级个数。
fn fake_quant(w: &[f32], scale: f32) -> (Vec<f32>, usize) {
    let q = quantize_slice(w, scale, 127);
    let mut levels = q.clone();
    levels.sort_unstable();
    levels.dedup();
    (dequantize_slice(&q, scale), levels.len())
}
// ANCHOR_END: scales

/// 相对 Frobenius 误差 ‖w − ŵ‖ / ‖w‖ 的分子分母(平方和)，用 f64 累加。
fn sq_sums(w: &[f32], w_hat: &[f32]) -> (f64, f64) {
    let err: f64 = w
        .iter()
        .zip(w_hat)
        .map(|(&a, &b)| f64::from(a - b) * f64::from(a - b))
        .sum();
    let sig: f64 = w.iter().map(|&a| f64::from(a) * f64::from(a)).sum();
    (err, sig)
}

/// ROWS×COLS 的权重矩阵：每行（一个输出通道）的标准差不同，最大与最小相差 64 倍。
pub(crate) fn weights() -> Vec<Vec<f32>> {
    let sigma = [0.005f32, 0.01, 0.02, 0.02, 0.04, 0.08, 0.16, 0.32];
    let mut rng = seeded(7);
    sigma
        .iter()
        .map(|&s| (0..COLS).map(|_| s * normal(&mut rng) as f32).collect())
        .collect()
}

fn main() {
    let w = weights();

    // ANCHOR: compare
    let all: Vec<f32> = w.concat();
    let s_tensor = absmax_scale(&all); // 逐张量：整个矩阵一个 S
    let mut t = Table::new([
        "行",
        "max|w|",
        "逐张量 级数",
        "逐张量 相对误差",
        "逐通道 S",
        "逐通道 级数",
        "逐通道 相对误差",
    ])
    .align([Align::Right; 7]);
    let (mut e_t, mut e_c, mut sig) = (0.0, 0.0, 0.0);
    for (i, row) in w.iter().enumerate() {
        let s_row = absmax_scale(row); // 逐通道：每行一个 S
        let (hat_t, lv_t) = fake_quant(row, s_tensor);
        let (hat_c, lv_c) = fake_quant(row, s_row);
        let (et, s) = sq_sums(row, &hat_t);
        let (ec, _) = sq_sums(row, &hat_c);
        e_t += et;
        e_c += ec;
        sig += s;
        t.row([
            i.to_string(),
            f4(f64::from(s_row * 127.0)),
            lv_t.to_string(),
            fixed((et / s).sqrt(), 4),
            fixed(f64::from(s_row), 6),
            lv_c.to_string(),
            fixed((ec / s).sqrt(), 4),
        ]);
    }
    // ANCHOR_END: compare
    println!(
        "逐张量 S = {}（所有行共用）\n",
        fixed(f64::from(s_tensor), 6)
    );
    print!("{}", t.text());
    let snr = |e: f64| 10.0 * libm::log10(sig / e);
    println!();
    value("rel_tensor", fixed((e_t / sig).sqrt(), 4));
    value("rel_channel", fixed((e_c / sig).sqrt(), 4));
    value("snr_tensor_db", fixed(snr(e_t), 1));
    value("snr_channel_db", fixed(snr(e_c), 1));
    // 额外开销：每行多存一个 f32 缩放因子
    value("scale_bytes_per_tensor", 4);
    value("scale_bytes_per_channel", ROWS * 4);
    value("weight_bytes_int8", ROWS * COLS);

    // 图：每个权重的舍入误差 w − ŵ（以 10⁻³ 为单位）
    let errors = |scale: &dyn Fn(&[f32]) -> f32| -> Vec<f64> {
        w.iter()
            .flat_map(|row| {
                let (hat, _) = fake_quant(row, scale(row));
                row.iter()
                    .zip(hat)
                    .map(|(&a, b)| f64::from(a - b) * 1e3)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let (per_tensor, per_channel) = (errors(&|_| s_tensor), errors(&absmax_scale));
    let fig = Figure {
        title: "8×64 个权重的舍入误差",
        x_label: "w − ŵ（×10⁻³）",
        ..Figure::default()
    };
    let samples = [
        Sample {
            name: "逐张量",
            values: &per_tensor,
        },
        Sample {
            name: "逐通道",
            values: &per_channel,
        },
    ];
    plot::print_figure("errors", &plot::histograms(&fig, &samples, 40));
}
