//! 批量张量上 `.t()`(numpy 的 `.T`)会反转全部轴；注意力里只能交换最后两个轴。
use guide_support::rng::{normal, seeded};
use guide_support::{sci, value};
use ndarray::{Array3, Array4, Axis};

fn main() {
    let mut rng = seeded(7);
    // ANCHOR: shapes
    // (B, H, L, d) = (批，头，序列长度，每头维度)
    let (b, h, l, d) = (2, 4, 5, 8);
    let k = Array4::from_shape_fn((b, h, l, d), |_| normal(&mut rng));
    println!("K                  {:?}", k.shape());
    // numpy 的 K.T 与 ndarray 的 .t() 都反转全部轴：
    println!(
        "K.t()              {:?}   <- 批和头跑到了最后",
        k.t().shape()
    );
    // 正确：只交换最后两个轴(numpy: K.swapaxes(-1, -2) 或 K.transpose(0, 1, 3, 2))
    let mut kt = k.view();
    kt.swap_axes(2, 3);
    println!("K.swap_axes(2, 3)  {:?}", kt.shape());
    let kt2 = k.view().permuted_axes([0, 1, 3, 2]);
    println!("K.permuted_axes([0, 1, 3, 2]) {:?}", kt2.shape());
    // ANCHOR_END: shapes
    println!();

    // ANCHOR: silent
    // 更危险的情形：B = L = d 时形状恰好对得上，不报错，结果却是错的。
    let n = 3;
    let q = Array3::from_shape_fn((n, n, n), |_| normal(&mut rng));
    let k = Array3::from_shape_fn((n, n, n), |_| normal(&mut rng));
    let mut max_diff: f64 = 0.0;
    for i in 0..n {
        let qi = q.index_axis(Axis(0), i); // (L, d)
        let right = qi.dot(&k.index_axis(Axis(0), i).t()); // 第 i 个样本自己的 K 转置
        let wrong = qi.dot(&k.t().index_axis(Axis(0), i)); // np.matmul(Q, K.T) 取到的第 i 片
        for (r, w) in right.iter().zip(wrong.iter()) {
            max_diff = max_diff.max((r - w).abs());
        }
    }
    // ANCHOR_END: silent
    println!(
        "Q, K 形状 ({n}, {n}, {n})：K.t() 的形状仍是 {:?}，matmul 照常执行",
        k.t().shape()
    );
    value("silent_max_diff", sci(max_diff, 2));
}
