//! 预热为什么有用：Adam 的偏差修正让二阶矩估计在期望上准确，但训练最初几步自适应步长的方差很大；对照 RAdam 的整流项。

use guide_support::rng::{normal, seeded};
use guide_support::{Table, f4, fixed, value};

// ANCHOR: simulate
/// 在纯噪声梯度 g_t ~ N(0, 1) 上跑 `runs` 条独立的 Adam 统计量，记录指定步数上
/// 偏差修正后的二阶矩 v̂_t、自适应系数 ψ_t = 1/√v̂_t 和更新量 |m̂_t/√v̂_t|。
fn simulate(
    runs: usize,
    steps: &[usize],
    beta1: f64,
    beta2: f64,
) -> Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let last = *steps.last().expect("至少一个步数");
    let mut out = vec![(Vec::new(), Vec::new(), Vec::new()); steps.len()];
    let mut rng = seeded(2020);
    for _ in 0..runs {
        let (mut m, mut v) = (0.0, 0.0);
        let mut next = 0;
        for t in 1..=last {
            let g = normal(&mut rng);
            m = beta1 * m + (1.0 - beta1) * g;
            v = beta2 * v + (1.0 - beta2) * g * g;
            if t == steps[next] {
                let m_hat = m / (1.0 - libm::pow(beta1, t as f64));
                let v_hat = v / (1.0 - libm::pow(beta2, t as f64)); // 偏差修正：E[v̂_t] = E[g²] = 1
                out[next].0.push(v_hat);
                out[next].1.push(1.0 / libm::sqrt(v_hat));
                out[next].2.push((m_hat / libm::sqrt(v_hat)).abs());
                next += 1;
            }
        }
    }
    out
}
// ANCHOR_END: simulate

// ANCHOR: radam
/// RAdam（Liu et al., 2020）：ρ_∞ = 2/(1−β₂) − 1，ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ)。
/// ρ_t ≤ 4 时自适应系数的方差发散，RAdam 不用它；之后乘上整流项 r_t，r_t 从接近 0 增长到 1。
fn radam_rect(t: usize, beta2: f64) -> (f64, Option<f64>) {
    let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
    let bt = libm::pow(beta2, t as f64);
    let rho = rho_inf - 2.0 * t as f64 * bt / (1.0 - bt);
    let r = (rho > 4.0).then(|| {
        libm::sqrt((rho - 4.0) * (rho - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho))
    });
    (rho, r)
}
// ANCHOR_END: radam

fn quantile(xs: &mut [f64], q: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[libm::round(q * (xs.len() - 1) as f64) as usize]
}

fn main() {
    let steps = [1, 2, 5, 10, 100, 1000];
    let (beta1, beta2) = (0.9, 0.999);
    let runs = 2_000;
    let stats = simulate(runs, &steps, beta1, beta2);
    println!("{runs} 条独立的 Adam 轨迹，β₁ = 0.9，β₂ = 0.999，梯度是纯噪声 N(0, 1)：");
    let mut t = Table::numeric([
        "步 t",
        "v̂_t 的均值",
        "标准误",
        "ψ_t 中位数",
        "ψ_t 99% 分位",
        "|更新| 均值",
        "ρ_t",
        "RAdam r_t",
    ]);
    let mut summary = Vec::new();
    for (i, &step) in steps.iter().enumerate() {
        let (v_hat, psi, upd) = &stats[i];
        let mean_v = v_hat.iter().sum::<f64>() / runs as f64;
        // 均值的标准误：样本标准差 / √runs。偏差修正若有效，均值应在 1 的两三个标准误之内。
        let var_v = v_hat
            .iter()
            .map(|v| (v - mean_v) * (v - mean_v))
            .sum::<f64>()
            / (runs - 1) as f64;
        let se = libm::sqrt(var_v / runs as f64);
        let (mut p1, mut p2) = (psi.clone(), psi.clone());
        let med = quantile(&mut p1, 0.5);
        let p99 = quantile(&mut p2, 0.99);
        let mean_upd = upd.iter().sum::<f64>() / runs as f64;
        let (rho, r) = radam_rect(step, beta2);
        t.row([
            step.to_string(),
            f4(mean_v),
            f4(se),
            f4(med),
            fixed(p99, 2),
            f4(mean_upd),
            fixed(rho, 2),
            r.map_or("—（不用自适应）".to_string(), f4),
        ]);
        summary.push((step, mean_v, p99, mean_upd, r, se));
    }
    print!("{}", t.text());
    value("mean_v_t1", f4(summary[0].1));
    value("se_t1", f4(summary[0].5));
    let worst = summary
        .iter()
        .map(|s| (s.1 - 1.0).abs() / s.5)
        .fold(0.0, f64::max);
    value("worst_z", fixed(worst, 1));
    value("mean_v_t10", f4(summary[3].1));
    value("p99_t1", fixed(summary[0].2, 2));
    value("p99_t1000", fixed(summary[5].2, 2));
    value("upd_t1", f4(summary[0].3));
    value("upd_t1000", f4(summary[5].3));
    value("r_t10", summary[3].4.map_or("—".to_string(), f4));
    value("r_t100", summary[4].4.map_or("—".to_string(), f4));
}
