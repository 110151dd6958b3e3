//! 形状、逐元素乘与矩阵乘、转置、广播，以及在 dot 之前检查形状、把不匹配当作错误处理。

use guide_support::num::{matrix, vector};
use ndarray::{Array1, Array2, Axis, array};

fn rows(m: &Array2<f64>) -> Vec<Vec<f64>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn show(name: &str, m: &Array2<f64>) {
    println!("{name}  形状 {:?}\n{}", m.dim(), matrix(&rows(m), 1, 2));
}

// ANCHOR: checked_dot
/// 先检查内维再相乘：形状不匹配时返回错误，而不是让 `dot` panic。
fn checked_dot(a: &Array2<f64>, b: &Array2<f64>) -> Result<Array2<f64>, String> {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    if k != k2 {
        return Err(format!(
            "形状不匹配：({m}, {k}) · ({k2}, {n})，内维 {k} ≠ {k2}"
        ));
    }
    Ok(a.dot(b))
}
// ANCHOR_END: checked_dot

fn main() {
    // ANCHOR: products
    let x = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]; // (2, 3)
    let w = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]; // (3, 2)
    let hadamard = &x * &x; // 逐元素乘，形状不变：(2, 3)
    let product = x.dot(&w); // 矩阵乘：(2, 3)·(3, 2) → (2, 2)
    let xt = x.t(); // 转置是视图，不复制数据：(3, 2)
    // ANCHOR_END: products
    println!("== 逐元素乘与矩阵乘 ==");
    show("x", &x);
    show("x * x(逐元素)", &hadamard);
    show("x.dot(w)（矩阵乘）", &product);
    show("x.t()", &xt.to_owned());

    // (AB)ᵀ = BᵀAᵀ
    let lhs = x.dot(&w).t().to_owned();
    let rhs = w.t().dot(&x.t());
    println!("(x·w)ᵀ == wᵀ·xᵀ：{}", if lhs == rhs { "是" } else { "否" });

    // ANCHOR: broadcast
    let b: Array1<f64> = array![10.0, 20.0]; // 偏置，形状 (2,)
    let y = &product + &b; // (2, 2) + (2,) → 每一行都加上 b
    let col = array![[1.0], [2.0]]; // (2, 1)
    let row = array![[10.0, 20.0, 30.0]]; // (1, 3)
    let table = &col + &row; // (2, 1) + (1, 3) → (2, 3)
    let mean = x.mean_axis(Axis(0)).expect("至少一行"); // 每列均值，形状 (3,)
    let centred = &x - &mean; // (2, 3) - (3,) → 每列减去自己的均值
    // ANCHOR_END: broadcast
    println!("\n== 广播 ==");
    show("x.dot(w) + b", &y);
    show("col + row", &table);
    println!("列均值 = {}", vector(mean.as_slice().expect("连续存储"), 1));
    show("x - 列均值", &centred);

    // ANCHOR: errors
    match checked_dot(&x, &x) {
        Ok(m) => show("x·x", &m),
        Err(e) => println!("\nx·x 出错：{e}"),
    }
    // broadcast 在形状不兼容时返回 None，而不是 panic
    let v3 = array![1.0, 2.0, 3.0]; // (3,)
    match v3.broadcast((3, 2)) {
        Some(view) => println!("(3,) 广播到 (3, 2)：{:?}", view.dim()),
        None => println!("(3,) 不能广播到（3, 2）：末维 3 与 2 不相等且都不是 1"),
    }
    match v3.broadcast((2, 3)) {
        Some(view) => println!("(3,) 广播到（2, 3）：得到形状 {:?}", view.dim()),
        None => println!("(3,) 不能广播到 (2, 3)"),
    }
    // ANCHOR_END: errors
}
