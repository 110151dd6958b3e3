//! 练习解答：矩阵连乘的结合顺序不改变结果，却能让计算量相差百倍。

use guide_support::rng::{GuideRng, seeded, uniform};
use guide_support::{int, value};
use ndarray::Array2;

fn flops(m: u64, k: u64, n: u64) -> u64 {
    2 * m * n * k
}

fn rand_matrix(rng: &mut GuideRng, rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |_| uniform(rng))
}

fn main() {
    // A: (1000, 10),B: (10, 1000),C: (1000, 10)
    let (p, q) = (1000, 10);
    let left = flops(p, q, p) + flops(p, p, q); // (AB) 是 1000×1000，再乘 C
    let right = flops(q, p, q) + flops(p, q, q); // (BC) 只有 10×10，再让 A 乘它
    println!("(A·B)·C 的 FLOPs：{}", int(left));
    println!("A·(B·C) 的 FLOPs：{}", int(right));
    println!("相差倍数：{}", int(left / right));

    // 两种顺序的数值结果相同(只差舍入误差)
    let mut rng = seeded(7);
    let a = rand_matrix(&mut rng, 1000, 10);
    let b = rand_matrix(&mut rng, 10, 1000);
    let c = rand_matrix(&mut rng, 1000, 10);
    let ab_c = a.dot(&b).dot(&c);
    let a_bc = a.dot(&b.dot(&c));
    let rel = (&ab_c - &a_bc).iter().fold(0.0_f64, |m, d| m.max(d.abs()))
        / ab_c.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    println!(
        "两种顺序结果一致（最大相对差 < 1e-12）：{}",
        if rel < 1e-12 { "是" } else { "否" }
    );
    value("ratio", int(left / right));
}
