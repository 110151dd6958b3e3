//! 勘误演示：不中心化直接做 SVD，第一奇异向量几乎就是列均值的方向，而不是数据变化最大的方向。

use guide_support::num::{percent, vector};
use guide_support::{f4, fixed, value};
use nalgebra::{DMatrix, DVector};

// 数据与中心化来自正文示例 svd_pca。
#[allow(dead_code)]
#[path = "svd_pca.rs"]
mod pca;
use pca::{centre, make_data};

// ANCHOR: direction
/// 第一右奇异向量(符号取为分量和为正，便于比较)与奇异值。
fn first_direction(x: &DMatrix<f64>) -> (DVector<f64>, DVector<f64>) {
    let svd = x.clone().svd(false, true);
    let v1: DVector<f64> = svd.v_t.expect("已请求 Vᵀ").row(0).transpose();
    let v1 = if v1.sum() < 0.0 { -v1 } else { v1 };
    (v1, svd.singular_values)
}

/// 两个方向夹角的余弦的绝对值(方向不分正负)。
fn cos_abs(a: &DVector<f64>, b: &DVector<f64>) -> f64 {
    (a.dot(b) / (a.norm() * b.norm())).abs()
}
// ANCHOR_END: direction

fn main() {
    let x = make_data();
    let means = x.row_mean().transpose();
    let xc = centre(&x);
    // 真实的主变化方向：协方差矩阵 Cov = Xcᵀ·Xc/(n-1) 的最大特征向量
    let cov = xc.transpose() * &xc / (x.nrows() as f64 - 1.0);
    let eig = cov.symmetric_eigen();
    let top = eig.eigenvalues.imax();
    let truth: DVector<f64> = eig.eigenvectors.column(top).into_owned();

    let (raw_v1, raw_s) = first_direction(&x);
    let (c_v1, c_s) = first_direction(&xc);
    let share = |s: &DVector<f64>| s[0] * s[0] / s.iter().map(|v| v * v).sum::<f64>();

    println!("列均值                 = {}", vector(means.as_slice(), 4));
    println!("未中心化的第一方向 v1  = {}", vector(raw_v1.as_slice(), 4));
    println!("中心化后的第一方向 v1  = {}", vector(c_v1.as_slice(), 4));
    println!();
    println!(
        "|cos(未中心化 v1, 列均值方向)|   = {}",
        fixed(cos_abs(&raw_v1, &means), 6)
    );
    println!(
        "|cos(未中心化 v1, 最大方差方向)| = {}",
        f4(cos_abs(&raw_v1, &truth))
    );
    println!(
        "|cos(中心化 v1, 最大方差方向)|   = {}",
        f4(cos_abs(&c_v1, &truth))
    );
    println!();
    println!("未中心化：s1² 占 Σs² 的 {}", percent(share(&raw_s), 2));
    println!("中心化后：s1² 占 Σs² 的 {}", percent(share(&c_s), 2));

    value("raw_cos_mean", fixed(cos_abs(&raw_v1, &means), 6));
    value("raw_cos_truth", f4(cos_abs(&raw_v1, &truth)));
    value("raw_share", percent(share(&raw_s), 2));
}
