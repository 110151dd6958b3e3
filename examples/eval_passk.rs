//! pass@k：Chen et al. (2021) 的无偏估计与用 c/n 代入的朴素估计，精确算出朴素估计的偏差，并演示阶乘写法的溢出。

use guide_support::{Table, f4, f6, value};

// ANCHOR: unbiased
/// 无偏的 pass@k：n 个样本里有 c 个通过时，1 − C(n−c, k) / C(n, k)。
/// 写成乘积 1 − ∏_{i=n−c+1}^{n} (1 − k/i)，每个因子都在 [0, 1] 内，不会溢出。
pub(crate) fn pass_at_k(n: u64, c: u64, k: u64) -> f64 {
    assert!(c <= n && k >= 1 && k <= n, "需要 c ≤ n、1 ≤ k ≤ n");
    if n - c < k {
        return 1.0; // 任取 k 个必然至少有一个通过
    }
    let mut fail = 1.0;
    for i in (n - c + 1)..=n {
        fail *= 1.0 - k as f64 / i as f64;
    }
    1.0 - fail
}
// ANCHOR_END: unbiased

// ANCHOR: naive
/// 朴素估计：先用 c/n 估计单次通过率 p，再代入 1 − (1 − p)^k。
pub(crate) fn pass_at_k_naive(n: u64, c: u64, k: u64) -> f64 {
    let p = c as f64 / n as f64;
    1.0 - libm::pow(1.0 - p, k as f64)
}
// ANCHOR_END: naive

// ANCHOR: factorial
/// 按定义用阶乘算组合数：n > 170 时 n! 在 f64 中已是 inf。
fn comb_factorial(n: u64, k: u64) -> f64 {
    let fact = |m: u64| (1..=m).fold(1.0_f64, |acc, i| acc * i as f64);
    fact(n) / (fact(k) * fact(n - k))
}
// ANCHOR_END: factorial

// ANCHOR: expectation
/// c ~ Binomial(n, p) 时某个估计量的精确期望：对 c = 0..=n 按二项分布加权求和。
fn expectation(n: u64, k: u64, p: f64, estimator: fn(u64, u64, u64) -> f64) -> f64 {
    let mut pmf = libm::pow(1.0 - p, n as f64); // P(c = 0)
    let mut total = 0.0;
    for c in 0..=n {
        total += pmf * estimator(n, c, k);
        // P(c+1) = P(c) · (n−c)/(c+1) · p/(1−p)
        pmf *= (n - c) as f64 / (c + 1) as f64 * p / (1.0 - p);
    }
    total
}
// ANCHOR_END: expectation

fn main() {
    println!("每题 n = 200 个样本时两种估计（Chen et al. 2021 每题采样 200 次）：");
    let mut t = Table::numeric(["c", "k", "无偏 pass@k", "朴素 1−(1−c/n)^k"]);
    for &(c, k) in &[
        (1, 1),
        (1, 10),
        (1, 100),
        (5, 10),
        (5, 100),
        (20, 10),
        (20, 100),
    ] {
        t.row([
            c.to_string(),
            k.to_string(),
            f4(pass_at_k(200, c, k)),
            f4(pass_at_k_naive(200, c, k)),
        ]);
    }
    print!("{}", t.text());

    println!();
    println!("真实通过率为 p 时估计量的精确期望（n = 20，k = 10）：");
    let (n, k) = (20, 10);
    let mut at_005 = [0.0; 3];
    let mut t = Table::numeric(["p", "真值 1−(1−p)^k", "E[无偏]", "E[朴素]", "朴素的偏差"]);
    for &p in &[0.01, 0.05, 0.1, 0.3] {
        let truth = 1.0 - libm::pow(1.0 - p, k as f64);
        let e_unbiased = expectation(n, k, p, pass_at_k);
        let e_naive = expectation(n, k, p, pass_at_k_naive);
        t.row([
            f4(p),
            f6(truth),
            f6(e_unbiased),
            f6(e_naive),
            f6(e_naive - truth),
        ]);
        if p == 0.05 {
            at_005 = [truth, e_unbiased, e_naive];
        }
    }
    print!("{}", t.text());

    println!();
    println!("取 n = 2000、c = 10、k = 1000 时的数值稳定性：");
    let (n, c, k) = (2000, 10, 1000);
    let by_factorial = 1.0 - comb_factorial(n - c, k) / comb_factorial(n, k);
    let by_product = pass_at_k(n, c, k);
    println!("  阶乘写法 1 − C(n−c,k)/C(n,k) = {}", f6(by_factorial));
    println!("  乘积写法 1 − ∏(1 − k/i)      = {}", f6(by_product));

    value("truth_p005", f4(at_005[0]));
    value("unbiased_p005", f4(at_005[1]));
    value("naive_p005", f4(at_005[2]));
    value("u_200_1_1", f4(pass_at_k(200, 1, 1)));
    value("u_200_1_100", f4(pass_at_k(200, 1, 100)));
    value("n_200_1_100", f4(pass_at_k_naive(200, 1, 100)));
    value("factorial_big", f6(by_factorial));
    value("product_big", f6(by_product));
}
