//! 用固定种子的随机向量验证：q·k 的方差随 d_k 线性增长，除以 √d_k 后回到 1,softmax 也不再饱和。
use guide_support::rng::{normal, seeded};
use guide_support::{Align, Table, f4, value};

/// 标准正态分量组成的随机向量。
fn random_vec(rng: &mut impl rand::Rng, d: usize) -> Vec<f64> {
    (0..d).map(|_| normal(rng)).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// 样本方差(除以 n)。
fn variance(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n
}

/// 一行分数做 softmax 后最大的那个权重(稳定写法)。
fn max_weight(scores: &[f64]) -> f64 {
    let m = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = scores.iter().map(|&s| libm::exp(s - m)).sum();
    1.0 / sum // 最大分数对应 exp(0) = 1
}

fn main() {
    const QUERIES: usize = 64; // 每个维度抽 64 个 query
    const KEYS: usize = 16; // 每个 query 配 16 个 key
    let mut rng = seeded(42);
    let mut table = Table::new([
        "d_k",
        "Var(q·k)",
        "Var(q·k/√d_k)",
        "最大权重（不缩放）",
        "最大权重（缩放）",
    ])
    .align([Align::Right; 5]);
    let mut keep = (0.0, 0.0, 0.0);
    for d in [4, 16, 64, 256, 1024] {
        let mut raw = Vec::new();
        let (mut top_raw, mut top_scaled) = (0.0, 0.0);
        for _ in 0..QUERIES {
            let q = random_vec(&mut rng, d);
            let scores: Vec<f64> = (0..KEYS)
                .map(|_| dot(&q, &random_vec(&mut rng, d)))
                .collect();
            let scaled: Vec<f64> = scores.iter().map(|s| s / (d as f64).sqrt()).collect();
            top_raw += max_weight(&scores) / QUERIES as f64;
            top_scaled += max_weight(&scaled) / QUERIES as f64;
            raw.extend(scores);
        }
        let var_raw = variance(&raw);
        let var_scaled = var_raw / d as f64; // Var(x/c) = Var(x)/c²,c = √d_k
        table.row([
            d.to_string(),
            f4(var_raw),
            f4(var_scaled),
            f4(top_raw),
            f4(top_scaled),
        ]);
        if d == 1024 {
            keep = (var_raw, top_raw, top_scaled);
        }
    }
    println!("每个 d_k：{QUERIES} 个 query × {KEYS} 个 key，分量独立同分布于 N(0, 1)。");
    println!("最大权重：一行 {KEYS} 个分数做 softmax 后最大的权重，取 {QUERIES} 行的平均；");
    println!("均匀分布时是 1/{KEYS} = {}。", f4(1.0 / KEYS as f64));
    println!();
    print!("{}", table.text());
    println!();
    value("var_1024", f4(keep.0));
    value("top_raw_1024", f4(keep.1));
    value("top_scaled_1024", f4(keep.2));
}
