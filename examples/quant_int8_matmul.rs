//! int8 × int8 → int32 矩阵乘：权重逐通道、激活逐张量对称量化，结果与 f32 矩阵乘比较(最大绝对误差、相对 Frobenius 误差、SNR)，并算出体积缩小的倍数。

use guide_support::rng::{normal, seeded};
use guide_support::{f4, fixed, int, num::vector, value};
// 对称量化函数在 tinygpt::quant 里(量化与压缩一章展示)。
use tinygpt::quant::{absmax, quantize_slice};

const M: usize = 16; // token 数
const K: usize = 128; // 输入维度
const N: usize = 32; // 输出维度(权重的行数 = 输出通道)

// ANCHOR: matmul
/// 参考结果：f32 的 Y = X·Wᵀ(X 是 M×K,W 是 N×K)。
fn matmul_f32(x: &[Vec<f32>], w: &[Vec<f32>]) -> Vec<Vec<f32>> {
    x.iter()
        .map(|xr| {
            w.iter()
                .map(|wr| xr.iter().zip(wr).map(|(a, b)| a * b).sum())
                .collect()
        })
        .collect()
}

/// 整数路径：i8 相乘、i32 累加，最后乘一次 S_x·S_w[j] 回到实数。
fn matmul_int8(qx: &[Vec<i8>], sx: f32, qw: &[Vec<i8>], sw: &[f32]) -> Vec<Vec<f32>> {
    qx.iter()
        .map(|xr| {
            qw.iter()
                .zip(sw)
                .map(|(wr, &s)| {
                    let acc: i32 = xr
                        .iter()
                        .zip(wr)
                        .map(|(&a, &b)| i32::from(a) * i32::from(b))
                        .sum();
                    acc as f32 * sx * s
                })
                .collect()
        })
        .collect()
}
// ANCHOR_END: matmul

fn main() {
    let mut rng = seeded(2024);
    let x: Vec<Vec<f32>> = (0..M)
        .map(|_| (0..K).map(|_| normal(&mut rng) as f32).collect())
        .collect();
    let w: Vec<Vec<f32>> = (0..N)
        .map(|j| {
            let s = 0.02 * (1.0 + (j % 4) as f32); // 各输出通道幅度不同
            (0..K).map(|_| s * normal(&mut rng) as f32).collect()
        })
        .collect();

    // ANCHOR: run
    let sx = absmax(&x.concat()) / 127.0; // 激活：整个张量一个 S
    let qx: Vec<Vec<i8>> = x.iter().map(|r| quantize_slice(r, sx, 127)).collect();
    let sw: Vec<f32> = w.iter().map(|r| absmax(r) / 127.0).collect(); // 权重：每行一个 S
    let qw: Vec<Vec<i8>> = w
        .iter()
        .zip(&sw)
        .map(|(r, &s)| quantize_slice(r, s, 127))
        .collect();

    let y = matmul_f32(&x, &w);
    let y_q = matmul_int8(&qx, sx, &qw, &sw);
    // ANCHOR_END: run

    let first = |m: &[Vec<f32>]| m[0][..4].iter().map(|&v| f64::from(v)).collect::<Vec<_>>();
    println!("Y[0, :4] f32 : {}", vector(&first(&y), 4));
    println!("Y[0, :4] int8: {}", vector(&first(&y_q), 4));
    println!();

    // ANCHOR: metrics
    let (mut max_abs, mut err2, mut sig2) = (0.0f64, 0.0f64, 0.0f64);
    for (yr, qr) in y.iter().zip(&y_q) {
        for (&a, &b) in yr.iter().zip(qr) {
            let (a, e) = (f64::from(a), f64::from(a) - f64::from(b));
            max_abs = max_abs.max(e.abs());
            err2 += e * e;
            sig2 += a * a;
        }
    }
    let rel_fro = (err2 / sig2).sqrt(); // ‖Y − Ŷ‖_F / ‖Y‖_F
    let snr_db = 10.0 * libm::log10(sig2 / err2);
    // ANCHOR_END: metrics
    let y_absmax = y
        .iter()
        .flatten()
        .fold(0.0f64, |m, &v| m.max(f64::from(v).abs()));
    value("y_absmax", f4(y_absmax));
    value("max_abs_err", f4(max_abs));
    value("rel_fro", fixed(rel_fro, 4));
    value("snr_db", fixed(snr_db, 1));
    println!();

    // ANCHOR: size
    let f32_bytes = N * K * 4;
    let int8_bytes = N * K + N * 4; // int8 权重 + 每行一个 f32 缩放因子
    value("w_f32_bytes", int(f32_bytes as i64));
    value("w_int8_bytes", int(int8_bytes as i64));
    value(
        "ratio_small",
        fixed(f32_bytes as f64 / int8_bytes as f64, 2),
    );
    let d = 4096usize; // 一个 4096×4096 的线性层
    let (big_f32, big_int8) = (d * d * 4, d * d + d * 4);
    value("big_f32_bytes", int(big_f32 as i64));
    value("big_int8_bytes", int(big_int8 as i64));
    value("ratio_big", fixed(big_f32 as f64 / big_int8 as f64, 4));
    // int32 累加器何时会溢出：每项最多 127·127
    value("k_max_no_overflow", int(i64::from(i32::MAX) / (127 * 127)));
    // ANCHOR_END: size
}
