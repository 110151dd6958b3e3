//! 朴素 softmax 在大分数上溢出成 NaN；减去行最大值的稳定版本结果不变且不溢出。
use guide_support::{fixed, num::vector, sci, value};

// ANCHOR: naive
/// 大纲里的写法：exp(s) / sum(exp(s))。
fn softmax_naive(s: &[f64]) -> Vec<f64> {
    let exps: Vec<f64> = s.iter().map(|&x| libm::exp(x)).collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}
// ANCHOR_END: naive

// ANCHOR: stable
/// 稳定版本：先减去最大值。softmax(s) = softmax(s - c) 对任意常数 c 成立，
/// 取 c = max(s) 后最大的指数是 exp(0) = 1，不会上溢；分母至少为 1，也不会是 0。
/// 实现在 tinygpt 里（第六部分的模型用的就是它），按 f32 原地计算。
fn softmax_stable(s: &[f64]) -> Vec<f64> {
    let mut row: Vec<f32> = s.iter().map(|&x| x as f32).collect();
    tinygpt::model::softmax(&mut row);
    row.iter().map(|&p| f64::from(p)).collect()
}
// ANCHOR_END: stable

fn main() {
    // ANCHOR: threshold
    // f64 能表示的最大有限值约 1.797e308，它的自然对数就是 exp 的上溢门槛。
    let threshold = libm::log(f64::MAX);
    value("exp_overflow_threshold", fixed(threshold, 2));
    // fp16 的最大有限值是 65504，门槛低得多
    value("fp16_threshold", fixed(libm::log(65504.0), 2));
    for x in [709.0, 709.78, 709.79, 710.0] {
        println!("exp({}) = {}", fixed(x, 2), sci(libm::exp(x), 4));
    }
    // ANCHOR_END: threshold
    println!();

    let cases: [(&str, [f64; 3]); 3] = [
        ("小分数", [1.0, 2.0, 3.0]),
        ("大分数", [1000.0, 1001.0, 1002.0]),
        ("很负的分数", [-1000.0, -1001.0, -1002.0]),
    ];
    for (label, s) in cases {
        println!("{label} {}", vector(&s, 1));
        let exps: Vec<String> = s.iter().map(|&x| sci(libm::exp(x), 4)).collect();
        let sum: f64 = s.iter().map(|&x| libm::exp(x)).sum();
        println!("  exp(s) = [{}]，和 = {}", exps.join(", "), sci(sum, 4));
        println!("  朴素：{}", vector(&softmax_naive(&s), 6));
        println!("  稳定：{}", vector(&softmax_stable(&s), 6));
    }
    println!();
    // 正文引用的两行。
    value(
        "naive_big",
        vector(&softmax_naive(&[1000.0, 1001.0, 1002.0]), 6),
    );
    value(
        "stable_big",
        vector(&softmax_stable(&[1000.0, 1001.0, 1002.0]), 6),
    );
}
