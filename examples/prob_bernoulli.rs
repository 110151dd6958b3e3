//! 用 statrs 计算伯努利分布与多项分布的概率质量函数，并在构造前自己检查概率之和。

use guide_support::num::vector;
use guide_support::{f6, value};
use nalgebra::{DVector, Dyn};
use statrs::distribution::{Bernoulli, Discrete, Multinomial};
use statrs::statistics::Distribution;

// ANCHOR: validate
/// statrs 的 `Multinomial::new` 会把 p 悄悄归一化；这里先确认 p 本身就是一个概率分布。
fn multinomial_checked(p: Vec<f64>, n: u64) -> Result<Multinomial<Dyn>, String> {
    if p.iter().any(|&x| !(0.0..=1.0).contains(&x)) {
        return Err("每个概率都必须在 [0, 1] 内".into());
    }
    let sum: f64 = p.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(format!("概率之和为 {}，不是 1", f6(sum)));
    }
    Multinomial::new(p, n).map_err(|e| e.to_string())
}
// ANCHOR_END: validate

/// n! / (x1!·x2!·…) 用整数算，避免浮点误差。
fn multinomial_coefficient(x: &[u64]) -> u64 {
    let factorial = |k: u64| (1..=k).product::<u64>();
    factorial(x.iter().sum()) / x.iter().map(|&k| factorial(k)).product::<u64>()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: bernoulli
    let dist = Bernoulli::new(0.7)?; // scipy: bernoulli(0.7)
    println!("P(X=1) = {}", f6(dist.pmf(1))); // scipy: dist.pmf(1)
    println!("P(X=0) = {}", f6(dist.pmf(0)));
    println!(
        "均值 = {}，方差 = {}",
        f6(dist.mean().unwrap_or(f64::NAN)),
        f6(dist.variance().unwrap_or(f64::NAN))
    );
    // ANCHOR_END: bernoulli
    match Bernoulli::new(1.2) {
        Ok(_) => println!("Bernoulli::new(1.2) 竟然成功了"),
        Err(e) => println!("Bernoulli::new(1.2) 返回错误：{e}"),
    }
    value("bern_p1", f6(dist.pmf(1)));

    println!();
    // ANCHOR: multinomial
    let p = vec![0.2, 0.3, 0.5];
    let m = multinomial_checked(p.clone(), 10)?;
    let x = DVector::from_vec(vec![2_u64, 3, 5]);
    println!("多项分布 n=10, p={}", vector(&p, 1));
    println!("P(x = [2, 3, 5]) = {}", f6(m.pmf(&x)));
    // ANCHOR_END: multinomial
    let coef = multinomial_coefficient(&[2, 3, 5]);
    let by_hand = coef as f64 * libm::pow(0.2, 2.0) * libm::pow(0.3, 3.0) * libm::pow(0.5, 5.0);
    println!("按公式：{coef} × 0.2² × 0.3³ × 0.5⁵ = {}", f6(by_hand));
    let short = DVector::from_vec(vec![2_u64, 3, 4]);
    println!(
        "P(x = [2, 3, 4]) = {}（计数之和 9 ≠ n，概率为 0）",
        f6(m.pmf(&short))
    );
    value("multi_pmf", f6(m.pmf(&x)));
    value("multi_coef", coef);

    println!();
    // ANCHOR: renormalise
    let bad = vec![0.2, 0.3, 0.6]; // 和为 1.1
    let silent = Multinomial::new(bad.clone(), 10)?;
    println!(
        "statrs 接受了 p={}，实际使用 {}",
        vector(&bad, 1),
        vector(silent.p().as_slice(), 4)
    );
    match multinomial_checked(bad, 10) {
        Ok(_) => println!("检查通过"),
        Err(e) => println!("自己检查：拒绝，{e}"),
    }
    // ANCHOR_END: renormalise
    Ok(())
}
