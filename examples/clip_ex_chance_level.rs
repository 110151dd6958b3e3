//! 练习参考答案：图文完全不相关时，CLIP 损失在缩放系数很小时接近 ln N，随批大小 N 增长。

use guide_support::rng::{GuideRng, normal, seeded};
use guide_support::{Align, Table, f4};

type Batch = Vec<Vec<f64>>;

fn random_unit_rows(rng: &mut GuideRng, n: usize, d: usize) -> Batch {
    (0..n)
        .map(|_| {
            let v: Vec<f64> = (0..d).map(|_| normal(rng)).collect();
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            v.iter().map(|x| x / norm).collect()
        })
        .collect()
}

fn log_sum_exp(row: &[f64]) -> f64 {
    let m = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    m + libm::log(row.iter().map(|&x| libm::exp(x - m)).sum::<f64>())
}

/// 已归一化的嵌入上的 CLIP 对称损失，缩放系数为 scale。
fn clip_loss(images: &Batch, texts: &Batch, scale: f64) -> f64 {
    let n = images.len();
    let logits: Batch = images
        .iter()
        .map(|a| {
            texts
                .iter()
                .map(|b| scale * a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>())
                .collect()
        })
        .collect();
    let mut rows = 0.0;
    let mut cols = 0.0;
    for i in 0..n {
        rows += log_sum_exp(&logits[i]) - logits[i][i];
        let col: Vec<f64> = logits.iter().map(|r| r[i]).collect();
        cols += log_sum_exp(&col) - logits[i][i];
    }
    (rows / n as f64 + cols / n as f64) / 2.0
}

// 为什么缩放系数大时损失会超过 ln N：
// 每行的损失是 logsumexp(s·x_i·) − s·x_ii。嵌入互不相关时 x_ii 的期望是 0；
// logsumexp 是凸函数，由 Jensen 不等式，它的期望不小于"各 logit 期望的 logsumexp" = ln N。
// 缩放系数 s 越大，随机波动被放大得越多，这个差距越大。
// 所以训练刚开始时损失高于 ln N，并不说明程序写错了。
fn main() {
    let d = 64;
    let mut rng = seeded(7);
    let mut t = Table::new(["N", "ln N", "损失（缩放 1）", "损失（缩放 14.2857）"]).align([
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    for n in [4, 32, 256] {
        let images = random_unit_rows(&mut rng, n, d);
        let texts = random_unit_rows(&mut rng, n, d);
        let scale0 = 1.0 / 0.07;
        t.row([
            n.to_string(),
            f4(libm::log(n as f64)),
            f4(clip_loss(&images, &texts, 1.0)),
            f4(clip_loss(&images, &texts, scale0)),
        ]);
    }
    print!("{}", t.text());
}
