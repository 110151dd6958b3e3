//! 用 nalgebra 的 SVD 做主成分分析：先中心化，按 scikit-learn ≥ 1.5 的约定固定奇异向量的符号，算解释方差比，并验证 Eckart–Young 低秩误差公式。

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
/// 奇异向量只确定到正负号。按 scikit-learn ≥ 1.5 的 `PCA` 的约定
/// （`svd_flip(U, Vt, u_based_decision=False)`）：让 Vᵀ 每一行（即每个主方向 `components_[i]`）
/// 绝对值最大的元素为正，U 的对应列同时变号，U·Σ·Vᵀ 不变。
fn svd_flip_v(u: &mut DMatrix<f64>, v_t: &mut DMatrix<f64>) {
    for i in 0..v_t.nrows() {
        let row = v_t.row(i);
        let j = row.transpose().iamax(); // 绝对值最大元素的下标(并列时取第一个，同 np.argmax)
        if row[j] < 0.0 {
            v_t.row_mut(i).neg_mut();
            u.column_mut(i).neg_mut();
        }
    }
}

/// 另一种约定：`svd_flip` 的默认参数 u_based_decision=True（scikit-learn 1.4 及以前的 `PCA` 用它）：
/// 让 U 每一列绝对值最大的元素为正。返回每个成分在这种约定下要不要再变一次号。
fn u_based_flips(u: &DMatrix<f64>) -> Vec<bool> {
    (0..u.ncols())
        .map(|j| u.column(j)[u.column(j).iamax()] < 0.0)
        .collect()
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
    svd_flip_v(&mut u, &mut v_t);
    // ANCHOR_END: svd

    println!("数据形状：{} × {}", x.nrows(), x.ncols());
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

    println!("前两个主方向（Vᵀ 的前两行，按 V 固定符号）：");
    for i in 0..2 {
        let row: Vec<f64> = v_t.row(i).iter().copied().collect();
        println!("  PC{} = {}", i + 1, vector(&row, 4));
    }
    // 核对：每一行绝对值最大的元素为正；换成按 U 的约定，哪些成分的符号会相反。
    let v_ok = (0..v_t.nrows()).all(|i| v_t[(i, v_t.row(i).transpose().iamax())] > 0.0);
    println!(
        "Vᵀ 每行绝对值最大的元素都为正：{}",
        if v_ok { "是" } else { "否" }
    );
    let flips = u_based_flips(&u);
    let differ: Vec<String> = flips
        .iter()
        .enumerate()
        .filter(|(_, f)| **f)
        .map(|(i, _)| format!("PC{}", i + 1))
        .collect();
    println!(
        "改用按 U 的约定（u_based_decision=True）会变号的成分：{}",
        differ.join("、")
    );

    println!("秩 k 重构误差（Frobenius 范数）：");
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
    value("u_based_differ", differ.join("、"));
    value("err_k2", fixed((&xc - rank_k(&u, &s, &v_t, 2)).norm(), 6));
}
