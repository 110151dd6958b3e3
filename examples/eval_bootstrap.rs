//! 基准分数的自助法置信区间：带种子的 ChaCha 有放回重抽样、百分位区间，并与正态近似对照。

use guide_support::num::percent;
use guide_support::rng::{seeded, uniform};
use guide_support::{Table, f4, value};
use rand::RngExt;

// ANCHOR: simulate
/// 一个模拟的基准：每道题有一个难度 d（均匀分布在 [−4, 4]），
/// 能力为 a 的模型答对的概率是 σ(a − d)。两个模型共用同一批题目。
/// 返回两个模型逐题的对错（这是模拟数据，不是任何真实模型的成绩）。
pub(crate) fn simulate_benchmark(seed: u64, n: usize, a: f64, b: f64) -> (Vec<bool>, Vec<bool>) {
    let mut rng = seeded(seed);
    let sigmoid = |x: f64| 1.0 / (1.0 + libm::exp(-x));
    let (mut ra, mut rb) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let d = -4.0 + 8.0 * uniform(&mut rng);
        ra.push(uniform(&mut rng) < sigmoid(a - d));
        rb.push(uniform(&mut rng) < sigmoid(b - d));
    }
    (ra, rb)
}
// ANCHOR_END: simulate

/// 答对的比例。
pub(crate) fn accuracy(correct: &[bool]) -> f64 {
    correct.iter().filter(|&&c| c).count() as f64 / correct.len() as f64
}

// ANCHOR: bootstrap
/// 百分位自助法：有放回地重抽 n 道题、算分，重复 B 次，取第 α/2 与 1−α/2 分位数。
/// `score` 接收一组被抽中的题号，这样配对比较（两个模型用同一组题号）也能复用。
pub(crate) fn bootstrap_ci(
    n: usize,
    resamples: usize,
    seed: u64,
    alpha: f64,
    mut score: impl FnMut(&[usize]) -> f64,
) -> (f64, f64) {
    let mut rng = seeded(seed);
    let mut idx = vec![0usize; n];
    let mut scores = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for slot in idx.iter_mut() {
            *slot = rng.random_range(0..n);
        }
        scores.push(score(&idx));
    }
    scores.sort_by(f64::total_cmp);
    let at = |q: f64| scores[libm::round(q * (resamples - 1) as f64) as usize];
    (at(alpha / 2.0), at(1.0 - alpha / 2.0))
}
// ANCHOR_END: bootstrap

fn main() {
    let resamples = 2_000;
    let mut t = Table::numeric([
        "题数 n",
        "准确率",
        "自助法 95% 区间",
        "宽度（自助）",
        "正态近似 ±1.96σ",
        "宽度（正态）",
    ]);
    let mut widths = Vec::new();
    for &n in &[50, 200, 1000] {
        let (ra, _) = simulate_benchmark(7, n, 0.5, 0.0);
        let acc = accuracy(&ra);
        let (lo, hi) = bootstrap_ci(n, resamples, 42, 0.05, |idx| {
            idx.iter().filter(|&&i| ra[i]).count() as f64 / idx.len() as f64
        });
        let half = 1.96 * libm::sqrt(acc * (1.0 - acc) / n as f64);
        t.row([
            n.to_string(),
            percent(acc, 1),
            format!("[{}, {}]", percent(lo, 1), percent(hi, 1)),
            percent(hi - lo, 1),
            format!("[{}, {}]", percent(acc - half, 1), percent(acc + half, 1)),
            percent(2.0 * half, 1),
        ]);
        widths.push((n, acc, lo, hi, hi - lo));
    }
    println!("模拟基准上的 95% 置信区间（B = {resamples} 次重抽样，种子 42）：");
    print!("{}", t.text());
    let (_, acc200, lo200, hi200, w200) = widths[1];
    value("acc_200", percent(acc200, 1));
    value(
        "ci_200",
        format!("[{}, {}]", percent(lo200, 1), percent(hi200, 1)),
    );
    value("width_200", percent(w200, 1));
    value("width_50", percent(widths[0].4, 1));
    value("width_1000", percent(widths[2].4, 1));
    value("width_ratio_50_1000", f4(widths[0].4 / widths[2].4));
}
