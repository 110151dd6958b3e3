//! 练习参考答案：f32 的 exp 上溢门槛，以及用 log-sum-exp 稳定地计算 log-softmax。
use guide_support::{fixed, num::vector, value};

/// log-softmax(s)_i = s_i - logsumexp(s),logsumexp(s) = m + ln Σ exp(s_j - m),m = max(s)。
fn log_softmax(s: &[f64]) -> Vec<f64> {
    let m = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + libm::log(s.iter().map(|&x| libm::exp(x - m)).sum::<f64>());
    s.iter().map(|&x| x - lse).collect()
}

fn main() {
    // 1. f32：最大有限值约 3.4028e38，门槛是它的自然对数
    let t32 = libm::logf(f32::MAX);
    value("f32_threshold", fixed(f64::from(t32), 2));
    for x in [88.0_f32, 88.7, 88.8, 89.0] {
        println!(
            "f32 exp({}) = {}",
            fixed(f64::from(x), 1),
            guide_support::sci(f64::from(libm::expf(x)), 4)
        );
    }
    println!();

    // 2. log-softmax：大分数上不溢出，结果取 exp 后就是 softmax
    let s = [1000.0, 1001.0, 1002.0];
    let ls = log_softmax(&s);
    println!("log_softmax({}) = {}", vector(&s, 1), vector(&ls, 6));
    let back: Vec<f64> = ls.iter().map(|&x| libm::exp(x)).collect();
    println!("exp 回去 = {}", vector(&back, 6));
    // 朴素地先 softmax 再取对数：极小的概率下溢成 0,ln 0 = -inf
    let s2 = [0.0, 800.0];
    let m = 800.0;
    let naive_p0 = libm::exp(s2[0] - m) / (libm::exp(s2[0] - m) + libm::exp(s2[1] - m));
    println!(
        "分数 {}：先 softmax 再取 ln 得 {}，log-sum-exp 得 {}",
        vector(&s2, 1),
        fixed(libm::log(naive_p0), 4),
        vector(&log_softmax(&s2), 4)
    );
}
