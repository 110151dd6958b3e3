//! 矩阵乘法的计算量：数出小矩阵乘法实际做了多少次乘法和加法，再用 2mnk 估算常见形状的浮点运算数。

use guide_support::{Table, int, value};

// ANCHOR: count
/// 按定义做 (m×k)·(k×n) 的乘法，但只数运算次数：返回 (乘法次数，加法次数)。
fn count_ops(m: u64, k: u64, n: u64) -> (u64, u64) {
    let (mut mul, mut add) = (0, 0);
    for _i in 0..m {
        for _j in 0..n {
            // s = a[i][0]*b[0][j]；然后 k-1 次 s += a[i][p]*b[p][j]
            mul += 1;
            for _p in 1..k {
                mul += 1;
                add += 1;
            }
        }
    }
    (mul, add)
}

/// 常用的估算：每个输出元素 k 次乘法 + k 次加法，共 2mnk。
fn flops(m: u64, k: u64, n: u64) -> u64 {
    2 * m * n * k
}
// ANCHOR_END: count

fn main() {
    let (mul, add) = count_ops(3, 3, 3);
    println!(
        "3×3 · 3×3：乘法 {mul} 次，加法 {add} 次，合计 {}",
        mul + add
    );
    println!(
        "2mnk 估算：{}（把每个输出的第一次乘法也配一次加法）",
        flops(3, 3, 3)
    );
    println!();

    let cases: [(&str, u64, u64, u64); 4] = [
        ("大纲里的 3×3", 3, 3, 3),
        ("1024 方阵", 1024, 1024, 1024),
        ("1 个 token 过 4096×4096 投影", 1, 4096, 4096),
        ("2048 个 token 过同一投影", 2048, 4096, 4096),
    ];
    let mut t = Table::numeric(["场景", "m", "k", "n", "FLOPs = 2mnk"]);
    for (name, m, k, n) in cases {
        t.row([name.to_owned(), int(m), int(k), int(n), int(flops(m, k, n))]);
    }
    print!("{}", t.text());
    println!();
    value("flops_3x3", int(flops(3, 3, 3)));
    value("flops_2048_tokens", int(flops(2048, 4096, 4096)));
}
