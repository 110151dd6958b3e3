//! 练习：推导 LayerNorm 的 dx。按提示先求 ∂μ/∂x_k = 1/d 与 ∂r/∂x_k = −r³(x_k − μ)/d，
//! 写出完整的雅可比矩阵 ∂x̂_j/∂x_k，再与本章的紧凑公式（tinygpt 的 layer_norm_backward）
//! 和中心差分比较。
use guide_support::{Table, fixed, sci, value};
use tinygpt::model::{layer_norm, layer_norm_backward};

const D: usize = 8;
const EPS: f64 = 1e-5;

/// 一行 LayerNorm 的 x̂ 与 r，f64。
fn normalize(x: &[f64]) -> (Vec<f64>, f64) {
    let mu = x.iter().sum::<f64>() / D as f64;
    let var = x.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / D as f64;
    let r = 1.0 / libm::sqrt(var + EPS);
    (x.iter().map(|v| (v - mu) * r).collect(), r)
}

/// L = Σ_j dy_j · y_j，y = x̂ ⊙ w + b。
fn loss(x: &[f64], w: &[f64], dy: &[f64]) -> f64 {
    let (xhat, _) = normalize(x);
    (0..D).map(|j| dy[j] * xhat[j] * w[j]).sum()
}

fn main() {
    let x: Vec<f64> = (0..D)
        .map(|j| libm::sin(1.3 * j as f64) + 0.1 * j as f64)
        .collect();
    let w: Vec<f64> = (0..D).map(|j| 0.5 + 0.1 * j as f64).collect();
    let dy: Vec<f64> = (0..D).map(|j| libm::cos(0.7 * j as f64)).collect();
    let (xhat, r) = normalize(&x);

    // 推导：x̂_j = (x_j − μ) r。对 x_k 求导，用乘积法则：
    // ∂x̂_j/∂x_k = (δ_jk − ∂μ/∂x_k) r + (x_j − μ) ∂r/∂x_k
    //           = r (δ_jk − 1/d) − r x̂_j x̂_k / d。
    // 后一步用了 ∂r/∂x_k = −r³ (x_k − μ)/d 与 (x_j − μ) r = x̂_j。
    let jac = |j: usize, k: usize| {
        let delta = if j == k { 1.0 } else { 0.0 };
        r * (delta - 1.0 / D as f64) - r * xhat[j] * xhat[k] / D as f64
    };
    // dx_k = Σ_j g_j ∂x̂_j/∂x_k，g = dy ⊙ w。
    let g: Vec<f64> = (0..D).map(|j| dy[j] * w[j]).collect();
    let dx_jac: Vec<f64> = (0..D)
        .map(|k| (0..D).map(|j| g[j] * jac(j, k)).sum())
        .collect();

    // 本章的紧凑公式，f32，用 tinygpt 的实现。
    let to32 = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
    let (x32, w32, dy32) = (to32(&x), to32(&w), to32(&dy));
    let (_, xhat32, rstd32) = layer_norm(&x32, &w32, &[0.0; D], D, EPS as f32);
    let (mut dx32, mut dw32, mut db32) = ([0.0f32; D], [0.0f32; D], [0.0f32; D]);
    layer_norm_backward(
        &dy32, &xhat32, &rstd32, &w32, D, &mut dx32, &mut dw32, &mut db32,
    );

    // 中心差分，f64。
    let h = 1e-6;
    let dx_num: Vec<f64> = (0..D)
        .map(|k| {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[k] += h;
            xm[k] -= h;
            (loss(&xp, &w, &dy) - loss(&xm, &w, &dy)) / (2.0 * h)
        })
        .collect();

    let mut t = Table::numeric(["k", "雅可比推导", "紧凑公式 f32", "中心差分"]);
    let (mut gap_formula, mut gap_num) = (0.0f64, 0.0f64);
    for k in 0..D {
        t.row([
            k.to_string(),
            fixed(dx_jac[k], 6),
            fixed(f64::from(dx32[k]), 6),
            fixed(dx_num[k], 6),
        ]);
        gap_formula = gap_formula.max((dx_jac[k] - f64::from(dx32[k])).abs());
        gap_num = gap_num.max((dx_jac[k] - dx_num[k]).abs());
    }
    print!("{}", t.text());
    // dx 的分量之和为 0：LayerNorm 对整体平移不敏感，梯度里没有这个方向。
    let sum: f64 = dx_jac.iter().sum();
    println!("Σ_k dx_k = {}", sci(sum.abs(), 1));
    value("gap_formula", sci(gap_formula, 1));
    value("gap_num", sci(gap_num, 1));
}
