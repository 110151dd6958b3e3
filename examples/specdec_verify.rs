//! 投机采样为什么不改变输出分布：按 min(1, p/q) 接受草稿、被拒时从 max(0, p − q) 重采样，逐项算出输出分布等于目标分布 p，再用带种子的抽样核对。
use guide_support::num::vector;
use guide_support::{Table, f4, fixed, rng, value};
use llm_arch::specdec;

// ANCHOR: sample
/// 一次投机采样：草稿从 q 抽 x，以 min(1, p(x)/q(x)) 的概率接受；
/// 否则从残差 max(0, p − q)（归一化后）抽一个替代 token。
fn speculative_sample(r: &mut impl rand::Rng, p: &[f64], q: &[f64]) -> usize {
    let x = rng::weighted_index(r, q);
    if rng::uniform(r) < (p[x] / q[x]).min(1.0) {
        return x;
    }
    let residual: Vec<f64> = p.iter().zip(q).map(|(a, b)| (a - b).max(0.0)).collect();
    rng::weighted_index(r, &residual)
}
// ANCHOR_END: sample

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 目标模型与草稿模型在同一位置给出的下一个 token 分布（5 个候选，演示用）
    let cases = [
        (
            "草稿接近目标",
            [0.40, 0.25, 0.15, 0.12, 0.08],
            [0.35, 0.30, 0.15, 0.10, 0.10],
        ),
        (
            "草稿偏向错误的 token",
            [0.40, 0.25, 0.15, 0.12, 0.08],
            [0.05, 0.10, 0.15, 0.20, 0.50],
        ),
    ];
    let mut r = rng::seeded(99);
    for (name, p, q) in cases {
        let alpha = specdec::acceptance_rate(&p, &q)?;
        let exact = specdec::emitted_distribution(&p, &q)?;
        let n = 200_000;
        let mut counts = [0u32; 5];
        for _ in 0..n {
            counts[speculative_sample(&mut r, &p, &q)] += 1;
        }
        let freq: Vec<f64> = counts
            .iter()
            .map(|&c| f64::from(c) / f64::from(n))
            .collect();
        println!("{name}：接受率 α = Σ min(p, q) = {}", f4(alpha));
        let mut t = Table::numeric(["", "分布"]);
        t.row(["目标 p".to_string(), vector(&p, 4)]);
        t.row(["草稿 q".to_string(), vector(&q, 4)]);
        t.row(["输出（精确计算）".to_string(), vector(&exact, 4)]);
        t.row([
            format!("输出（抽样 {} 次）", guide_support::int(n)),
            vector(&freq, 4),
        ]);
        print!("{}", t.text());
        let max_err = exact
            .iter()
            .zip(&p)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        println!("精确输出与 p 的最大差：{}", guide_support::sci(max_err, 1));
        println!();
        value(
            if alpha > 0.5 {
                "alpha_close"
            } else {
                "alpha_far"
            },
            fixed(alpha, 2),
        );
    }
    Ok(())
}
