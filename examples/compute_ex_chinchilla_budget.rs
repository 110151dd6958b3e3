//! 练习参考答案：给定算力预算 C，按 C = 6ND 与 D = 20N 解出 Chinchilla 意义下的最优参数量与 token 数。

use guide_support::num::human;
use guide_support::{fixed, sci, value};

/// C = 6·N·D 且 D = 20·N  ⇒  C = 120·N²  ⇒  N = sqrt(C / 120)。
fn chinchilla_optimal(c: f64) -> (f64, f64) {
    let n = (c / 120.0).sqrt();
    (n, 20.0 * n)
}

fn main() {
    let gpt3_budget = 6.0 * 175e9 * 300e9;
    let (n, d) = chinchilla_optimal(gpt3_budget);
    println!("预算 C = GPT-3 的 6ND = {} FLOPs", sci(gpt3_budget, 2));
    value("optimal_params", human(libm::round(n) as u128, 1));
    value("optimal_tokens", human(libm::round(d) as u128, 2));
    value("params_vs_gpt3", fixed(n / 175e9, 3));
    println!();
    for c in [1e20, 1e22, 1e24] {
        let (n, d) = chinchilla_optimal(c);
        println!(
            "算力 C = {}：N ≈ {}，D ≈ {}",
            sci(c, 0),
            human(libm::round(n) as u128, 2),
            human(libm::round(d) as u128, 2)
        );
    }
}
