//! 勘误演示:不中心化直接做 SVD,第一奇异向量几乎就是列均值的方向,而不是数据变化最大的方向。

use guide_support::num::{percent, vector};
use guide_support::rng::{normal, seeded};
use guide_support::{f4, fixed, value};
use nalgebra::{DMatrix, DVector};

/// 与 svd_pca 相同的数据:200 个样本、5 个特征,两个隐变量加噪声,各列均值远离 0。
fn make_data() -> DMatrix<f64> {
    let mean = [20.0, 10.0, 5.0, 15.0, 8.0];
    let load1 = [2.0, 1.5, 1.0, 0.5, 0.0];
    let load2 = [0.0, -0.5, 0.5, 1.0, 1.5];
    let mut rng = seeded(2024);
    let mut x = DMatrix::zeros(200, 5);
    for i in 0..200 {
        let (z1, z2) = (normal(&mut rng), normal(&mut rng));
        for j in 0..5 {
            x[(i, j)] = mean[j] + z1 * load1[j] + z2 * load2[j] + 0.3 * normal(&mut rng);
        }
    }
    x
}

// ANCHOR: direction
/// 第一右奇异向量(符号取为分量和为正,便于比较)与奇异值。
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
    let mut xc = x.clone();
    for mut row in xc.row_iter_mut() {
        row -= &means.transpose();
    }
    // 真实的主变化方向:协方差矩阵 Cov = Xcᵀ·Xc/(n-1) 的最大特征向量
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
    println!("未中心化:s1² 占 Σs² 的 {}", percent(share(&raw_s), 2));
    println!("中心化后:s1² 占 Σs² 的 {}", percent(share(&c_s), 2));

    value("raw_cos_mean", fixed(cos_abs(&raw_v1, &means), 6));
    value("raw_cos_truth", f4(cos_abs(&raw_v1, &truth)));
    value("raw_share", percent(share(&raw_s), 2));
}
