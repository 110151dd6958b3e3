//! RoPE：把 q、k 的每对维度按位置旋转，点积就只依赖相对位置；再算 Llama 3 各维的波长。
use guide_support::num::vector;
use guide_support::{Table, f6, fixed, int, rng, sci, value};
use llm_arch::ModelConfig;

// ANCHOR: rope
/// 第 i 对维度（0 ≤ i < d/2）的角频率 θ_i = base^(−2i/d)。
fn frequency(base: f64, i: usize, d: usize) -> f64 {
    libm::pow(base, -2.0 * i as f64 / d as f64)
}

/// 把 x 的第 (2i, 2i+1) 两维旋转 m·θ_i 弧度（Su et al., 2021，式 (34)）。
fn rope(x: &[f64], m: u64, base: f64) -> Vec<f64> {
    let d = x.len();
    let mut out = vec![0.0; d];
    for i in 0..d / 2 {
        let angle = m as f64 * frequency(base, i, d);
        let (s, c) = (libm::sin(angle), libm::cos(angle));
        out[2 * i] = x[2 * i] * c - x[2 * i + 1] * s;
        out[2 * i + 1] = x[2 * i] * s + x[2 * i + 1] * c;
    }
    out
}
// ANCHOR_END: rope

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    libm::sqrt(dot(a, a))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut r = rng::seeded(7);
    let q: Vec<f64> = (0..8).map(|_| rng::normal(&mut r)).collect();
    let k: Vec<f64> = (0..8).map(|_| rng::normal(&mut r)).collect();
    println!("查询 q = {}", vector(&q, 4));
    println!("键   k = {}", vector(&k, 4));
    println!();

    // ANCHOR: relative
    // 位置 (m, n) 不同但 m − n 相同：旋转后的点积相同
    let mut t = Table::numeric([
        "q 的位置 m",
        "k 的位置 n",
        "m − n",
        "RoPE 后的 q·k",
        "|RoPE(q)|",
    ]);
    for (m, n) in [(5, 2), (105, 102), (10_005, 10_002), (3, 2), (103, 102)] {
        let (qm, kn) = (rope(&q, m, 10_000.0), rope(&k, n, 10_000.0));
        t.row([
            int(m),
            int(n),
            int(m as i64 - n as i64),
            f6(dot(&qm, &kn)),
            f6(norm(&qm)),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: relative
    println!("未旋转时 |q| = {}，q·k = {}", f6(norm(&q)), f6(dot(&q, &k)));
    println!();

    // ANCHOR: wavelength
    // 第 i 对维度转一整圈需要 2π/θ_i 个位置：低维转得快，高维转得慢
    let llama = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let d = llama.head_dim() as usize;
    let mut t = Table::numeric(["维度对 i", "θ_i（base = 500000）", "波长（位置数）"]);
    for i in [0, 16, 32, 48, 63] {
        let theta = frequency(llama.rope_theta, i, d);
        t.row([
            int(i as i64),
            sci(theta, 3),
            fixed(2.0 * std::f64::consts::PI / theta, 1),
        ]);
    }
    print!("{}", t.text());
    let ctx = llama.max_position_embeddings as f64;
    let long = (0..d / 2)
        .filter(|&i| 2.0 * std::f64::consts::PI / frequency(llama.rope_theta, i, d) > ctx)
        .count();
    let long_10k = (0..d / 2)
        .filter(|&i| 2.0 * std::f64::consts::PI / frequency(10_000.0, i, d) > ctx)
        .count();
    // ANCHOR_END: wavelength
    println!();
    value("head_dim", d);
    value("pairs", d / 2);
    value("ctx", int(llama.max_position_embeddings));
    value("long_pairs", long);
    value("long_pairs_10k", long_10k);
    Ok(())
}
