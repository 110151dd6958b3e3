//! 练习参考答案：拼接排列(前半 sin、后半 cos)只是交错排列的一个固定置换，点积在数学上完全相同。
use guide_support::{num::vector, sci};

fn omega(i: usize, d: usize) -> f64 {
    1.0 / libm::pow(10000.0, (2 * i) as f64 / d as f64)
}

/// 论文的交错排列：[sin ω0·p, cos ω0·p, sin ω1·p, cos ω1·p，…]
fn interleaved(pos: f64, d: usize) -> Vec<f64> {
    (0..d)
        .map(|j| {
            let a = pos * omega(j / 2, d);
            if j % 2 == 0 {
                libm::sin(a)
            } else {
                libm::cos(a)
            }
        })
        .collect()
}

/// 拼接排列：[sin …，cos …](频率仍用论文的 ω_i)
fn concatenated(pos: f64, d: usize) -> Vec<f64> {
    let half = d / 2;
    (0..d)
        .map(|j| {
            let a = pos * omega(j % half, d);
            if j < half { libm::sin(a) } else { libm::cos(a) }
        })
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn main() {
    let d = 8;
    println!("位置 pos = 3，交错：{}", vector(&interleaved(3.0, d), 4));
    println!("位置 pos = 3，拼接：{}", vector(&concatenated(3.0, d), 4));
    // 置换：拼接的第 j 维 = 交错的第 perm[j] 维
    let perm: Vec<usize> = (0..d)
        .map(|j| {
            if j < d / 2 {
                2 * j
            } else {
                2 * (j - d / 2) + 1
            }
        })
        .collect();
    println!("置换 {perm:?}");
    let mut worst: f64 = 0.0;
    for p in 0..50 {
        let (a, b) = (interleaved(p as f64, d), concatenated(p as f64, d));
        assert!(perm.iter().enumerate().all(|(j, &src)| b[j] == a[src]));
        for k in 0..20 {
            let da = dot(&a, &interleaved((p + k) as f64, d));
            let db = dot(&b, &concatenated((p + k) as f64, d));
            worst = worst.max((da - db).abs());
        }
    }
    println!(
        "50 个位置 × 20 个偏移，两种排列的点积最大差：{}",
        sci(worst, 1)
    );
    println!("（不为 0 只是因为求和顺序不同带来的舍入误差）");
}
