//! 练习解答:按累计解释方差比选主成分个数 k,并算出保存 U_k、Σ_k、V_k 需要多少个数。

use guide_support::num::percent;
use guide_support::rng::{normal, seeded};
use guide_support::{Align, Table, int};
use nalgebra::DMatrix;

/// 与 svd_pca 相同的数据。
fn make_data() -> DMatrix<f64> {
    let mean = [20.0, 10.0, 5.0, 15.0, 8.0];
    let load1 = [2.0, 1.5, 1.0, 0.5, 0.0];
    let load2 = [0.0, -0.5, 0.5, 1.0, 1.5];
    let mut rng = seeded(2024);
    let mut x = DMatrix::zeros(200, 5);
    for i in 0..200 {
        let (z1, z2) = (normal(&mut rng), normal(&mut rng));
        for j in 0..5 {
            x[(i, j)] = mean[j] + z1 * load1[j] + z2 * load2[j] + 0.3 * normal(&mut rng);
        }
    }
    x
}

/// 累计解释方差比第一次达到 `threshold` 时的 k。
fn choose_k(ratios: &[f64], threshold: f64) -> usize {
    let mut cum = 0.0;
    for (i, r) in ratios.iter().enumerate() {
        cum += r;
        if cum >= threshold {
            return i + 1;
        }
    }
    ratios.len()
}

fn main() {
    let x = make_data();
    let means = x.row_mean();
    let mut xc = x.clone();
    for mut row in xc.row_iter_mut() {
        row -= &means;
    }
    let s = xc.svd(false, false).singular_values;
    let total: f64 = s.iter().map(|v| v * v).sum();
    let ratios: Vec<f64> = s.iter().map(|v| v * v / total).collect();

    let (n, d) = (x.nrows(), x.ncols());
    let mut t = Table::new([
        "阈值",
        "k",
        "累计解释方差",
        "存储的数(U_k + Σ_k + V_k + 均值)",
        "原数据",
    ])
    .align([
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    for threshold in [0.90, 0.95, 0.99] {
        let k = choose_k(&ratios, threshold);
        let kept: f64 = ratios[..k].iter().sum();
        let stored = n * k + k + d * k + d;
        t.row([
            percent(threshold, 0),
            k.to_string(),
            percent(kept, 2),
            int(stored as u64),
            int((n * d) as u64),
        ]);
    }
    print!("{}", t.text());
}
