//! 用带种子的随机数生成两个 3×3 矩阵并做矩阵乘法，对应 numpy 的 `np.random.rand` 与 `np.dot`。

use guide_support::num::matrix;
use guide_support::rng::{GuideRng, seeded, uniform};
use guide_support::{f4, value};
use ndarray::Array2;

// ANCHOR: rand
/// 形状为 (rows, cols) 的矩阵，元素独立取自 [0, 1) 上的均匀分布。
fn rand_matrix(rng: &mut GuideRng, rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |_| uniform(rng))
}
// ANCHOR_END: rand

// ANCHOR: loops
/// 教科书定义：C[i][j] = Σ_k A[i][k] · B[k][j]。
fn matmul_loops(a: &Array2<f64>, b: &Array2<f64>) -> Array2<f64> {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "内维必须相等");
    let mut c = Array2::zeros((m, n));
    for i in 0..m {
        for j in 0..n {
            let mut s = 0.0;
            for p in 0..k {
                s += a[[i, p]] * b[[p, j]];
            }
            c[[i, j]] = s;
        }
    }
    c
}
// ANCHOR_END: loops

/// 把矩阵转成按行的 Vec，交给 guide_support 的 `matrix` 以固定小数位打印。
fn rows(m: &Array2<f64>) -> Vec<Vec<f64>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn main() {
    // ANCHOR: main
    let mut rng = seeded(42);
    let a = rand_matrix(&mut rng, 3, 3);
    let b = rand_matrix(&mut rng, 3, 3);
    let c = a.dot(&b); // 矩阵乘法，相当于 np.dot(A, B) 或 A @ B
    // ANCHOR_END: main

    println!("A 的形状 = {:?}", a.dim());
    println!("A =\n{}", matrix(&rows(&a), 4, 0));
    println!("B =\n{}", matrix(&rows(&b), 4, 0));
    println!("乘积 C = A·B =\n{}", matrix(&rows(&c), 4, 0));

    // 与三重循环的结果比较：ndarray 的 dot 可能走 SIMD/FMA 内核，
    // 末位可以不同，所以只判断差值是否足够小，不打印差值本身。
    let c_loop = matmul_loops(&a, &b);
    let max_diff = (&c - &c_loop).iter().fold(0.0_f64, |m, d| m.max(d.abs()));
    println!(
        "dot 与三重循环一致（最大差 < 1e-12）：{}",
        if max_diff < 1e-12 { "是" } else { "否" }
    );
    value("c00", f4(c[[0, 0]]));
}
