//! 用 nalgebra 的 SVD 做主成分分析：先中心化，固定奇异向量的符号，算解释方差比，并验证 Eckart–Young 低秩误差公式。

use guide_support::num::{percent, vector};
use guide_support::rng::{normal, seeded};
use guide_support::{Align, Table, f4, fixed, value};
use nalgebra::{DMatrix, DVector};

// ANCHOR: data
const MEAN: [f64; 5] = [20.0, 10.0, 5.0, 15.0, 8.0];
const LOAD1: [f64; 5] = [2.0, 1.5, 1.0, 0.5, 0.0]; // 第一个隐变量对 5 个特征的载荷
const LOAD2: [f64; 5] = [0.0, -0.5, 0.5, 1.0, 1.5]; // 第二个隐变量的载荷

/// 200 个样本、5 个特征：两个隐变量按载荷混合到 5 列，加上均值和少量噪声。
pub(crate) fn make_data() -> DMatrix<f64> {
    let mut rng = seeded(2024);
    let mut x = DMatrix::zeros(200, 5);
    for i in 0..200 {
        let (z1, z2) = (normal(&mut rng), normal(&mut rng));
        for j in 0..5 {
            x[(i, j)] = MEAN[j] + z1 * LOAD1[j] + z2 * LOAD2[j] + 0.3 * normal(&mut rng);
        }
    }
    x
}
// ANCHOR_END: data

// ANCHOR: centre
/// 每列减去该列的均值(numpy:X - X.mean(axis=0))。
pub(crate) fn centre(x: &DMatrix<f64>) -> DMatrix<f64> {
    let means = x.row_mean(); // 1×5 的行向量
    let mut c = x.clone();
    for mut row in c.row_iter_mut() {
        row -= &means;
    }
    c
}
// ANCHOR_END: centre

// ANCHOR: flip
/// 奇异向量只确定到正负号。按 scikit-learn `svd_flip`(u_based_decision=True)的约定：
/// 让 U 每一列绝对值最大的元素为正，Vᵀ 的对应行同时变号，U·Σ·Vᵀ 不变。
fn svd_flip(u: &mut DMatrix<f64>, v_t: &mut DMatrix<f64>) {
    for j in 0..u.ncols() {
        let col = u.column(j);
        let i = col.iamax(); // 绝对值最大元素的下标(并列时取第一个，同 np.argmax)
        if col[i] < 0.0 {
            u.column_mut(j).neg_mut();
            v_t.row_mut(j).neg_mut();
        }
    }
}
// ANCHOR_END: flip

// ANCHOR: rank_k
/// 只保留前 k 个奇异值的重构 X_k = U_k Σ_k V_kᵀ。
fn rank_k(u: &DMatrix<f64>, s: &DVector<f64>, v_t: &DMatrix<f64>, k: usize) -> DMatrix<f64> {
    let uk = u.columns(0, k);
    let sk = DMatrix::from_diagonal(&s.rows(0, k).into_owned());
    let vk = v_t.rows(0, k);
    uk * sk * vk
}
// ANCHOR_END: rank_k

fn main() {
    // ANCHOR: svd
    let x = make_data();
    let xc = centre(&x);
    let svd = xc.clone().svd(true, true); // 奇异值按从大到小排好
    let (mut u, mut v_t) = (svd.u.expect("已请求 U"), svd.v_t.expect("已请求 Vᵀ"));
    let s = svd.singular_values;
    svd_flip(&mut u, &mut v_t);
    // ANCHOR_END: svd

    println!("数据形状:{} × {}", x.nrows(), x.ncols());
    println!("奇异值 s = {}", vector(s.as_slice(), 4));

    // ANCHOR: evr
    let n = x.nrows() as f64;
    let total: f64 = s.iter().map(|v| v * v).sum();
    let variance: Vec<f64> = s.iter().map(|v| v * v / (n - 1.0)).collect();
    let ratio: Vec<f64> = s.iter().map(|v| v * v / total).collect();
    // ANCHOR_END: evr
    println!("各主成分方差 s²/(n-1) = {}", vector(&variance, 4));
    let mut cum = 0.0;
    let mut t = Table::numeric(["主成分", "解释方差比", "累计"]);
    for (i, r) in ratio.iter().enumerate() {
        cum += r;
        t.row([format!("PC{}", i + 1), percent(*r, 2), percent(cum, 2)]);
    }
    print!("{}", t.text());

    println!("前两个主方向(Vᵀ 的前两行,已固定符号):");
    for i in 0..2 {
        let row: Vec<f64> = v_t.row(i).iter().copied().collect();
        println!("  PC{} = {}", i + 1, vector(&row, 4));
    }

    println!("秩 k 重构误差(Frobenius 范数):");
    let mut t = Table::new(["k", "‖Xc − X_k‖_F", "√(被丢弃的 s² 之和)", "一致"]).align([
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Left,
    ]);
    for k in 0..=s.len() {
        let err = (&xc - rank_k(&u, &s, &v_t, k)).norm();
        let tail: f64 = s.iter().skip(k).map(|v| v * v).sum::<f64>().sqrt();
        let agree = (err - tail).abs() <= 1e-9 * (1.0 + tail);
        t.row([
            k.to_string(),
            fixed(err, 6),
            fixed(tail, 6),
            if agree { "是" } else { "否" }.into(),
        ]);
    }
    print!("{}", t.text());

    let pc1: Vec<f64> = v_t.row(0).iter().copied().collect();
    let norm = LOAD1.iter().map(|v| v * v).sum::<f64>().sqrt();
    let load1_unit: Vec<f64> = LOAD1.iter().map(|v| v / norm).collect();
    value("pc1", vector(&pc1, 2));
    value("load1_unit", vector(&load1_unit, 2));
    value("s1", f4(s[0]));
    value("evr1", percent(ratio[0], 2));
    value("evr12", percent(ratio[0] + ratio[1], 2));
    value("err_k2", fixed((&xc - rank_k(&u, &s, &v_t, 2)).norm(), 6));
}
