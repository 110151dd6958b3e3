//! 练习解答：按累计解释方差比选主成分个数 k，并算出保存 U_k、Σ_k、V_k 需要多少个数。

use guide_support::num::percent;
use guide_support::{Align, Table, int};

// 数据与中心化来自正文示例 svd_pca。
#[allow(dead_code)]
#[path = "svd_pca.rs"]
mod pca;
use pca::{centre, make_data};

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
    let s = centre(&x).svd(false, false).singular_values;
    let total: f64 = s.iter().map(|v| v * v).sum();
    let ratios: Vec<f64> = s.iter().map(|v| v * v / total).collect();

    let (n, d) = (x.nrows(), x.ncols());
    let mut t = Table::new([
        "阈值",
        "k",
        "累计解释方差",
        "存储的数（U_k + Σ_k + V_k + 均值）",
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
