//! 梯度累积与大批量等价的条件：每个微批次的损失要除以累积步数；按 token 平均时要除以整步的总 token 数。
use guide_support::rng::{normal, seeded};
use guide_support::{f6, sci, value};

/// 线性模型 y ≈ w·x 在一组样本上的均方误差对 w 的梯度：(2/n) Σ (w·x − y)·x。
fn grad_mse(w: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    xs.iter()
        .zip(ys)
        .map(|(x, y)| 2.0 * (w * x - y) * x)
        .sum::<f64>()
        / n
}

fn main() {
    let mut rng = seeded(5);
    let xs: Vec<f64> = (0..8).map(|_| normal(&mut rng)).collect();
    let ys: Vec<f64> = xs
        .iter()
        .map(|x| 3.0 * x + 0.1 * normal(&mut rng))
        .collect();
    let w = 1.0;

    // ANCHOR: accum
    let full = grad_mse(w, &xs, &ys); // 一次算 8 个样本
    let steps = 4; // 4 个微批次，每个 2 个样本
    let mut accumulated = 0.0;
    let mut forgot = 0.0;
    for k in 0..steps {
        let (mx, my) = (&xs[2 * k..2 * k + 2], &ys[2 * k..2 * k + 2]);
        let g = grad_mse(w, mx, my); // 微批次内的平均损失的梯度
        accumulated += g / steps as f64; // 正确：(loss / steps).backward()
        forgot += g; // 常见错误：忘了除以累积步数
    }
    // ANCHOR_END: accum
    println!("整批梯度        {}", f6(full));
    println!("累积（除以 4）  {}", f6(accumulated));
    println!("累积（忘了除）  {}", f6(forgot));
    value("accum_diff", sci((full - accumulated).abs(), 1));
    println!();

    // ANCHOR: tokens
    // 语言模型按 token 平均损失。两个微批次的有效 token 数不同(填充不计)：30 个和 2 个
    let counts = [30usize, 2];
    let total: usize = counts.iter().sum();
    // 每个 token 在最终梯度里的权重
    for (k, &n) in counts.iter().enumerate() {
        let naive = 1.0 / (n as f64 * counts.len() as f64); // 先在微批次内平均，再对微批次平均
        let right = 1.0 / total as f64; // 整步所有 token 一起平均
        println!(
            "微批次 {k}（{n} 个 token）：每个 token 的权重 朴素 {}，正确 {}",
            f6(naive),
            f6(right)
        );
    }
    // ANCHOR_END: tokens
    value("weight_ratio", (counts[0] / counts[1]).to_string());
}
