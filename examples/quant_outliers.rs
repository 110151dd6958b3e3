//! 离群值问题：一个幅度约 60 的激活特征让逐张量(乃至逐 token)缩放因子失效；LLM.int8() 式的混合精度分解把离群列留在高精度后误差恢复。

use guide_support::rng::{normal, seeded};
use guide_support::{Table, fixed, value};
use tinygpt::quant::{absmax, quantize_sym};

const TOKENS: usize = 8;
const FEATS: usize = 64;
const OUTS: usize = 32;
const OUTLIER_COL: usize = 13;
const THRESHOLD: f32 = 6.0; // 与 bitsandbytes 的默认阈值 llm_int8_threshold = 6.0 相同

type Mat = Vec<Vec<f32>>;

/// 对称 int8 量化一个值(tinygpt::quant::quantize_sym，量化与压缩一章展示)。
fn q(v: f32, s: f32) -> i32 {
    quantize_sym(v, s, 127)
}

/// Y = X·Wᵀ 的 f32 参考值；`cols` 为真的输入列才参与求和。
fn matmul(x: &Mat, w: &Mat, cols: &[bool]) -> Mat {
    x.iter()
        .map(|xr| {
            w.iter()
                .map(|wr| (0..FEATS).filter(|&k| cols[k]).map(|k| xr[k] * wr[k]).sum())
                .collect()
        })
        .collect()
}

/// int8 路径：激活每行用 sx[i]，权重每行用 sw[j]；只算 `cols` 为真的列。
fn matmul_int8(x: &Mat, sx: &[f32], w: &Mat, sw: &[f32], cols: &[bool]) -> Mat {
    x.iter()
        .zip(sx)
        .map(|(xr, &si)| {
            w.iter()
                .zip(sw)
                .map(|(wr, &sj)| {
                    let acc: i32 = (0..FEATS)
                        .filter(|&k| cols[k])
                        .map(|k| q(xr[k], si) * q(wr[k], sj))
                        .sum();
                    acc as f32 * si * sj
                })
                .collect()
        })
        .collect()
}

/// 返回 (SNR dB，相对 Frobenius 误差)。
fn compare(y: &Mat, y_hat: &Mat) -> (f64, f64) {
    let (mut e2, mut s2) = (0.0f64, 0.0f64);
    for (a, b) in y.iter().flatten().zip(y_hat.iter().flatten()) {
        let (a, b) = (f64::from(*a), f64::from(*b));
        e2 += (a - b) * (a - b);
        s2 += a * a;
    }
    (10.0 * libm::log10(s2 / e2), (e2 / s2).sqrt())
}

fn add(a: &Mat, b: &Mat) -> Mat {
    a.iter()
        .zip(b)
        .map(|(ra, rb)| ra.iter().zip(rb).map(|(x, y)| x + y).collect())
        .collect()
}

// ANCHOR: report
/// 一种方案的三个指标。
struct Report {
    /// 普通特征上 ‖X − X̂‖ / ‖X‖
    x_rel: f64,
    /// 只由普通特征贡献的那部分输出 Y_普通 = X_普通·W_普通ᵀ 的 SNR
    snr_normal: f64,
    /// 全部输出 Y 的 SNR
    snr_all: f64,
}

impl Report {
    /// `high` 为 Some 时，其中为真的列走 f32，其余列走 int8(混合精度分解)。
    fn new(
        x: &Mat,
        w: &Mat,
        sw: &[f32],
        sx: &[f32],
        normal_cols: &[bool],
        high: Option<&[bool]>,
    ) -> Self {
        let (mut e2, mut s2) = (0.0f64, 0.0f64);
        for (r, &s) in x.iter().zip(sx) {
            for k in (0..FEATS).filter(|&k| normal_cols[k]) {
                let v = f64::from(r[k]);
                let back = f64::from(q(r[k], s) as f32 * s);
                e2 += (v - back) * (v - back);
                s2 += v * v;
            }
        }
        let int8_cols: Vec<bool> = match high {
            Some(h) => h.iter().map(|&o| !o).collect(),
            None => vec![true; FEATS],
        };
        let y_normal = matmul(x, w, normal_cols);
        let y_normal_hat = matmul_int8(x, sx, w, sw, normal_cols);
        let y = matmul(x, w, &[true; FEATS]);
        let mut y_hat = matmul_int8(x, sx, w, sw, &int8_cols);
        if let Some(h) = high {
            y_hat = add(&y_hat, &matmul(x, w, h));
        }
        Report {
            x_rel: (e2 / s2).sqrt(),
            snr_normal: compare(&y_normal, &y_normal_hat).0,
            snr_all: compare(&y, &y_hat).0,
        }
    }
}
// ANCHOR_END: report

fn main() {
    let mut rng = seeded(8);
    let mut x: Mat = (0..TOKENS)
        .map(|_| (0..FEATS).map(|_| normal(&mut rng) as f32).collect())
        .collect();
    let w: Mat = (0..OUTS)
        .map(|_| (0..FEATS).map(|_| 0.05 * normal(&mut rng) as f32).collect())
        .collect();
    let sw: Vec<f32> = w.iter().map(|r| absmax(r) / 127.0).collect();
    // “普通特征”：除第 13 号以外的 63 列
    let normal_cols: Vec<bool> = (0..FEATS).map(|k| k != OUTLIER_COL).collect();

    // 对照组：还没有离群值时，逐张量缩放
    let s0 = absmax(&x.concat()) / 127.0;
    let base = Report::new(&x, &w, &sw, &[s0; TOKENS], &normal_cols, None);

    // ANCHOR: outlier
    // 第 13 号特征在每个 token 上都很大(≈ 60)，其余特征不变
    for row in x.iter_mut() {
        row[OUTLIER_COL] = 60.0 + 2.0 * normal(&mut rng) as f32;
    }

    // 逐张量：整个 X 一个 S
    let s_tensor = absmax(&x.concat()) / 127.0;
    let per_tensor = Report::new(&x, &w, &sw, &[s_tensor; TOKENS], &normal_cols, None);

    // 逐 token(LLM.int8() 的“向量级”)：每行一个 S，但每行都含离群值
    let s_rows: Vec<f32> = x.iter().map(|r| absmax(r) / 127.0).collect();
    let per_token = Report::new(&x, &w, &sw, &s_rows, &normal_cols, None);

    // 混合精度分解：任一元素 |x| ≥ 6 的列走高精度，其余列逐 token 走 int8
    let outlier: Vec<bool> = (0..FEATS)
        .map(|k| x.iter().any(|r| r[k].abs() >= THRESHOLD))
        .collect();
    let s_rest: Vec<f32> = x
        .iter()
        .map(|r| {
            (0..FEATS)
                .filter(|&k| !outlier[k])
                .fold(0.0f32, |m, k| m.max(r[k].abs()))
                / 127.0
        })
        .collect();
    let mixed = Report::new(&x, &w, &sw, &s_rest, &normal_cols, Some(&outlier));
    // ANCHOR_END: outlier

    let mut t = Table::numeric([
        "方案",
        "激活 S",
        "普通特征相对误差",
        "Y_普通 SNR (dB)",
        "Y SNR (dB)",
    ]);
    let row = |name: &str, s: String, r: &Report| {
        [
            name.to_string(),
            s,
            fixed(r.x_rel, 4),
            fixed(r.snr_normal, 1),
            fixed(r.snr_all, 1),
        ]
    };
    t.row(row("无离群值，逐张量", fixed(f64::from(s0), 4), &base));
    t.row(row(
        "有离群值，逐张量",
        fixed(f64::from(s_tensor), 4),
        &per_tensor,
    ));
    t.row(row("有离群值，逐 token", "每行一个".into(), &per_token));
    t.row(row("有离群值，混合精度分解", "每行一个".into(), &mixed));
    print!("{}", t.text());
    println!();

    // 普通特征在离群值存在时还剩几个整数级、有多少被量化成 0
    let normal_q = |s: f32| -> Vec<i32> {
        x.iter()
            .flat_map(|r| {
                (0..FEATS)
                    .filter(|&k| normal_cols[k])
                    .map(move |k| q(r[k], s))
            })
            .collect()
    };
    let distinct = |mut v: Vec<i32>| {
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    let qs = normal_q(s_tensor);
    let zeros = qs.iter().filter(|&&v| v == 0).count();
    value("s_no_outlier", fixed(f64::from(s0), 4));
    value("s_outlier", fixed(f64::from(s_tensor), 4));
    value("levels_no_outlier", distinct(normal_q(s0)));
    value("levels_outlier", distinct(qs.clone()));
    value("zero_pct", fixed(zeros as f64 / qs.len() as f64 * 100.0, 1));
    value("xrel_base", fixed(base.x_rel, 4));
    value("xrel_tensor", fixed(per_tensor.x_rel, 4));
    value("xrel_mixed", fixed(mixed.x_rel, 4));
    value("snr_normal_base", fixed(base.snr_normal, 1));
    value("snr_normal_tensor", fixed(per_tensor.snr_normal, 1));
    value("snr_normal_mixed", fixed(mixed.snr_normal, 1));
    value("snr_all_tensor", fixed(per_tensor.snr_all, 1));
    value("outlier_cols", outlier.iter().filter(|&&o| o).count());
    value("high_precision_pct", fixed(100.0 / FEATS as f64, 2));
}
