//! 大纲里的梯度下降：f(x) = x² + 5·sin x，从 x = 10 出发，学习率 0.01，走 100 步，看它停在哪里、离最小值还有多远。

use guide_support::{Align, Table, f4, int, sci, value};

// ANCHOR: f
pub(crate) fn f(x: f64) -> f64 {
    x * x + 5.0 * libm::sin(x)
}

pub(crate) fn df(x: f64) -> f64 {
    2.0 * x + 5.0 * libm::cos(x)
}
// ANCHOR_END: f

fn main() {
    // ANCHOR: loop
    let mut x = 10.0;
    let lr = 0.01;
    for _ in 0..100 {
        x -= lr * df(x);
    }
    println!("优化结果：{}", f4(x)); // Python: print(f"优化结果：{x:.4f}")
    // ANCHOR_END: loop
    value("x100", f4(x));
    value("df100", f4(df(x)));
    value("f100", f4(f(x)));

    // 再走一遍，记录轨迹，并一直走到 |f'(x)| < 1e-6
    let mut t = Table::new(["步数", "x", "f(x)", "f'(x)"]).align([Align::Right; 4]);
    let mut x = 10.0;
    let mut step = 0_u32;
    loop {
        if (step <= 100 && step.is_multiple_of(10)) || [150, 200, 300].contains(&step) {
            t.row([step.to_string(), f4(x), f4(f(x)), f4(df(x))]);
        }
        if df(x).abs() < 1e-6 {
            break;
        }
        x -= lr * df(x);
        step += 1;
    }
    t.row([format!("{step}（收敛）"), f4(x), f4(f(x)), sci(df(x), 2)]);
    print!("{}", t.text());
    value("steps_to_converge", int(step));
    value("x_converged", f4(x));
}
