//! 练习解答：Adam 每步至多走约 lr，要在 100 步内从 x = 10 走到 x* 附近，lr 必须明显大于 0.11。

use guide_support::{Align, Table, f4, fixed, int, sci};

// Adam 与 x* 来自正文示例 opt_optimizers（它又从 opt_newton 取 f′ 和 x*）。
#[allow(dead_code)]
#[path = "opt_optimizers.rs"]
mod optimizers;
use optimizers::newton::x_star;
use optimizers::{Adam, run};

fn main() {
    let target = x_star();
    println!(
        "起点到 x* 的距离 = {}；每步至多约 lr，所以 100 步走到至少需要 lr ≥ {}（必要而不充分）",
        f4(10.0 - target),
        fixed((10.0 - target) / 100.0, 3)
    );
    let mut t = Table::new(["lr", "x₁₀₀", "|x₁₀₀ − x*|", "首次 |x − x*| < 1e-2 的步数"]).align([
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    for lr in [0.01, 0.05, 0.1, 0.2, 0.5, 1.0] {
        let xs = run(&mut Adam::new(lr), 10.0, 100);
        let first = xs.iter().position(|&x| (x - target).abs() < 1e-2);
        t.row([
            fixed(lr, 2),
            f4(xs[100]),
            sci((xs[100] - target).abs(), 1),
            first.map_or("100 步内未达到".to_owned(), |k| int(k as u64)),
        ]);
    }
    print!("{}", t.text());
}
