//! 用 C ≈ 6·N·D 估算几组模型的训练算力，并按 A100 的 bf16 稠密峰值和给定利用率换算成 GPU·天。

use guide_support::num::human;
use guide_support::{Table, fixed, int, sci};

// ANCHOR: formula
/// 训练一个 N 参数的稠密 Transformer、看 D 个 token 所需的浮点运算数：
/// 每个 token 前向约 2N 次，反向约 4N 次，合计 6N(Kaplan et al., 2020)。
fn train_flops(n_params: f64, n_tokens: f64) -> f64 {
    6.0 * n_params * n_tokens
}

/// A100 的 bf16 稠密 Tensor Core 峰值：312 TFLOPS(不计稀疏加速)。
const A100_BF16_PEAK: f64 = 312e12;
/// 假设的模型算力利用率(MFU)：实际持续吞吐占峰值的比例。
const UTILISATION: f64 = 0.40;

/// 总算力换算成单卡 GPU·天。
fn gpu_days(flops: f64) -> f64 {
    flops / (A100_BF16_PEAK * UTILISATION * 86_400.0)
}
// ANCHOR_END: formula

fn main() {
    let runs: [(&str, u128, u128); 6] = [
        ("GPT-3（实际）", 175_000_000_000, 300_000_000_000),
        (
            "GPT-3 参数量，按 D = 20N",
            175_000_000_000,
            3_500_000_000_000,
        ),
        ("Chinchilla", 70_000_000_000, 1_400_000_000_000),
        ("7B，按 D = 20N", 7_000_000_000, 140_000_000_000),
        ("1B，按 D = 20N", 1_000_000_000, 20_000_000_000),
        ("125M，按 D = 20N", 125_000_000, 2_500_000_000),
    ];
    let mut t = Table::numeric([
        "设定",
        "参数 N",
        "token 数 D",
        "D/N",
        "C = 6ND (FLOPs)",
        "A100 GPU·时",
        "A100 GPU·天",
        "1,024 卡需要的天数",
    ]);
    for (name, n, d) in runs {
        let c = train_flops(n as f64, d as f64);
        let days = gpu_days(c);
        t.row([
            name.to_string(),
            human(n, 0),
            human(d, 1),
            fixed(d as f64 / n as f64, 1),
            sci(c, 2),
            int(libm::round(days * 24.0) as i64),
            int(libm::round(days) as i64),
            fixed(days / 1024.0, 1),
        ]);
    }
    print!("{}", t.markdown());
    println!();
    println!(
        "假设：A100 bf16 稠密峰值 {} TFLOPS，持续利用率 {}%，不计故障重启与调参实验。",
        fixed(A100_BF16_PEAK / 1e12, 0),
        fixed(UTILISATION * 100.0, 0)
    );
}
