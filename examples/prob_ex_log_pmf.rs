//! 练习解答：n 较大时直接按公式算多项分布概率会溢出成 NaN，在对数空间里算才可靠。

use guide_support::{f6, sci};
use nalgebra::DVector;
use statrs::distribution::{Discrete, Multinomial};

/// 直接按定义：n!/(Πx_i!) · Π p_i^x_i，全部用 f64 乘出来。
fn pmf_naive(p: &[f64], x: &[u64]) -> f64 {
    let factorial = |k: u64| (1..=k).map(|i| i as f64).product::<f64>();
    let n: u64 = x.iter().sum();
    let coef = factorial(n) / x.iter().map(|&k| factorial(k)).product::<f64>();
    let power: f64 = p
        .iter()
        .zip(x)
        .map(|(&pi, &xi)| libm::pow(pi, xi as f64))
        .product();
    coef * power
}

/// 对数空间：ln n! = lgamma(n+1)，乘法变加法，最后再取 exp。
fn ln_pmf(p: &[f64], x: &[u64]) -> f64 {
    let n: u64 = x.iter().sum();
    let mut s = libm::lgamma(n as f64 + 1.0);
    for (&pi, &xi) in p.iter().zip(x) {
        s += -libm::lgamma(xi as f64 + 1.0) + xi as f64 * libm::log(pi);
    }
    s
}

fn main() {
    let p = [0.2, 0.3, 0.5];
    for x in [[2_u64, 3, 5], [200, 300, 500]] {
        let n: u64 = x.iter().sum();
        let statrs = Multinomial::new(p.to_vec(), n)
            .expect("p 合法")
            .pmf(&DVector::from_vec(x.to_vec()));
        println!("总次数 n = {n}，x = {x:?}");
        println!("  直接相乘：{}", sci(pmf_naive(&p, &x), 4));
        println!(
            "  对数空间：{}（ln P = {}）",
            sci(libm::exp(ln_pmf(&p, &x)), 4),
            f6(ln_pmf(&p, &x))
        );
        println!("  statrs:   {}", sci(statrs, 4));
    }
    // 第一个让 f64 阶乘溢出成 inf 的 n
    let (mut n, mut f) = (1_u32, 1.0_f64);
    while f.is_finite() {
        n += 1;
        f *= f64::from(n);
    }
    println!(
        "f64 的最大值 = {}，而 {}! = {}，已经溢出",
        sci(f64::MAX, 4),
        n,
        sci(f, 4)
    );
}
