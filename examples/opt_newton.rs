//! 用牛顿法求 f(x) = x² + 5·sin x 的真正最小值点，并算出 f″(x*) 与梯度下降的稳定学习率上限 2/f″(x*)。

use guide_support::{f4, fixed, sci, value};

// f 与 f′ 来自上一节的示例 opt_gd_outline；本章其余示例从这里取 f、f′、f″ 和 x*。
#[allow(dead_code)]
#[path = "opt_gd_outline.rs"]
mod outline;
pub(crate) use outline::{df, f};

pub(crate) fn d2f(x: f64) -> f64 {
    2.0 - 5.0 * libm::sin(x)
}

/// 打印一次迭代的状态。
fn report(k: usize, x: f64, g: f64) {
    let g_text = if g.abs() < 1e-12 {
        "|f′(x)| < 1e-12".to_owned()
    } else {
        format!("f′(x) = {}", sci(g, 3))
    };
    println!("  第 {k} 次：x = {}，{g_text}", fixed(x, 10));
}

// ANCHOR: newton
/// 牛顿法解 f′(x) = 0:x ← x − f′(x) / f″(x)，直到 |f′(x)| < 1e-12。
/// 每次迭代调用一次 report(k, x, f′(x))；返回解和所用的迭代次数。
fn newton(mut x: f64, mut report: impl FnMut(usize, f64, f64)) -> (f64, usize) {
    for k in 0..20 {
        let g = df(x);
        report(k, x, g);
        if g.abs() < 1e-12 {
            return (x, k);
        }
        x -= g / d2f(x);
    }
    panic!("20 次迭代内没有收敛");
}
// ANCHOR_END: newton

/// 真正的最小值点 x*：从 0 出发的牛顿法，不打印过程。
pub(crate) fn x_star() -> f64 {
    newton(0.0, |_, _, _| {}).0
}

fn main() {
    println!("牛顿法，从 x = 0 出发：");
    let iterations = newton(0.0, report).1;
    let x_star = x_star(); // 同一个牛顿法，不打印过程
    let f_star = f(x_star);
    println!("x* = {},f(x*) = {}", fixed(x_star, 6), fixed(f_star, 6));
    println!(
        "f″(x*) = {}，稳定学习率上限 2/f″(x*) = {}",
        f4(d2f(x_star)),
        f4(2.0 / d2f(x_star))
    );

    // x > 0 上 f′ 的最小值在 f″ = 0、即 sin x = 0.4 处(“肩部”)
    let shoulder = std::f64::consts::PI - libm::asin(0.4);
    println!(
        "肩部：x = {}，f′(x) = {}（仍为正，所以这里不是驻点）",
        f4(shoulder),
        f4(df(shoulder))
    );

    value("newton_iters", iterations);
    value("x_star", fixed(x_star, 4));
    value("f_star", fixed(f_star, 4));
    value("d2f_star", f4(d2f(x_star)));
    value("lr_max", f4(2.0 / d2f(x_star)));
    value("shoulder_x", f4(shoulder));
    value("shoulder_df", f4(df(shoulder)));
}
