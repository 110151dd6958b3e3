//! 练习解答：动量法在极小值附近的稳定条件是 η·f″(x*) < 2(1+μ)，比普通梯度下降的 2 宽；在上限两侧各试一个学习率。

use guide_support::{Align, Table, f4, fixed};

// 动量法、f″ 与 x* 来自正文示例 opt_optimizers（它又从 opt_newton 取 f′、f″ 和 x*）。
#[allow(dead_code)]
#[path = "opt_optimizers.rs"]
mod optimizers;
use optimizers::newton::{d2f, x_star};
use optimizers::{Momentum, run};

/// 从 x* + 0.01 出发，用动量法(μ = 0 即普通梯度下降)走 steps 步，返回最后 100 步里最大的 |x − x*|。
fn tail_error(lr: f64, mu: f64, target: f64, steps: usize) -> f64 {
    let xs = run(&mut Momentum { lr, mu, v: 0.0 }, target + 0.01, steps);
    xs[xs.len() - 100..]
        .iter()
        .map(|x| (x - target).abs())
        .fold(0.0, f64::max)
}

fn main() {
    let target = x_star();
    let h = d2f(target);
    let mut t = Table::new(["方法", "学习率上限", "lr = 0.9 × 上限", "lr = 1.1 × 上限"]).align([
        Align::Left,
        Align::Right,
        Align::Left,
        Align::Left,
    ]);
    for (name, mu) in [
        ("梯度下降 (μ = 0)", 0.0),
        ("动量 μ = 0.5", 0.5),
        ("动量 μ = 0.9", 0.9),
    ] {
        let bound = 2.0 * (1.0 + mu) / h;
        let verdict = |lr: f64| {
            if tail_error(lr, mu, target, 3000) < 1e-8 {
                "收敛"
            } else {
                "不收敛"
            }
        };
        t.row([
            name.to_owned(),
            f4(bound),
            verdict(0.9 * bound).to_owned(),
            verdict(1.1 * bound).to_owned(),
        ]);
    }
    println!("f″(x*) = {}", fixed(h, 4));
    print!("{}", t.text());
}
