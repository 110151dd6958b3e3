//! 学习率扫描：同一个函数、同一个起点、都走 100 步，学习率太小走不到，太大则振荡或发散。

use guide_support::{Align, Table, f4, fixed, int, sci};

// f′、f″ 与牛顿法求出的 x* 来自正文示例 opt_newton。
#[allow(dead_code)]
#[path = "opt_newton.rs"]
mod newton;
use newton::{d2f, df, x_star};

/// 从 10 出发做 steps 步梯度下降，返回全部迭代值(含起点)。
fn descend(lr: f64, steps: usize) -> Vec<f64> {
    let mut xs = vec![10.0];
    for _ in 0..steps {
        let x = xs[xs.len() - 1];
        xs.push(x - lr * df(x));
    }
    xs
}

// ANCHOR: classify
fn classify(xs: &[f64], target: f64) -> &'static str {
    let last = xs[xs.len() - 1];
    let err = |x: f64| (x - target).abs();
    if !last.is_finite() || last.abs() > 1e6 {
        "发散"
    } else if err(last) < 1e-6 {
        "已收敛"
    } else if xs[xs.len() - 20..]
        .windows(2)
        .all(|w| (w[1] - w[0]) * (xs[1] - xs[0]) > 0.0)
    {
        "单调前进，未到"
    } else if err(last) < 0.5 * err(xs[xs.len() - 21]) {
        "振荡衰减，未到"
    } else {
        "持续振荡"
    }
}
// ANCHOR_END: classify

fn main() {
    let target = x_star();
    let mut t = Table::new([
        "学习率",
        "lr·f″(x*)",
        "100 步后的 x",
        "|x − x*|",
        "状态",
        "到 |x − x*| < 1e-6 的步数",
    ])
    .align([
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Left,
        Align::Right,
    ]);
    // 0.5 以上到 1 之间的学习率让迭代进入混沌区：末位的差别会被放大，这里不列出
    for lr in [0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.32, 0.4, 1.1] {
        let xs = descend(lr, 100);
        let last = xs[100];
        let hit = descend(lr, 20_000)
            .iter()
            .position(|&x| (x - target).abs() < 1e-6);
        let (x_text, err_text) = match xs.iter().position(|x| x.abs() > 1e6) {
            Some(k) => (format!("第 {k} 步起 |x| > 1e6"), "—".to_owned()),
            None => {
                let err = (last - target).abs();
                let err_text = if err < 1e-12 {
                    "< 1e-12".to_owned()
                } else {
                    sci(err, 1)
                };
                (f4(last), err_text)
            }
        };
        t.row([
            fixed(lr, 3),
            fixed(lr * d2f(target), 3),
            x_text,
            err_text,
            classify(&xs, target).to_owned(),
            hit.map_or("—".to_owned(), |s| int(s as u64)),
        ]);
    }
    print!("{}", t.markdown());
}
