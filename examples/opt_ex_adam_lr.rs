//! 练习解答:Adam 每步至多走约 lr,要在 100 步内从 x = 10 走到 x* 附近,lr 必须明显大于 0.11。

use guide_support::{Align, Table, f4, fixed, int, sci};

fn df(x: f64) -> f64 {
    2.0 * x + 5.0 * libm::cos(x)
}

fn x_star() -> f64 {
    let mut x = 0.0;
    for _ in 0..50 {
        x -= df(x) / (2.0 - 5.0 * libm::sin(x));
    }
    x
}

/// Adam(Kingma & Ba, 2015, Algorithm 1),β1 = 0.9,β2 = 0.999,ε = 1e-8;返回全部迭代值。
fn adam(lr: f64, steps: usize) -> Vec<f64> {
    let (b1, b2, eps) = (0.9, 0.999, 1e-8);
    let (mut m, mut v) = (0.0, 0.0);
    let mut xs = vec![10.0];
    for t in 1..=steps {
        let x = xs[t - 1];
        let g = df(x);
        m = b1 * m + (1.0 - b1) * g;
        v = b2 * v + (1.0 - b2) * g * g;
        let m_hat = m / (1.0 - libm::pow(b1, t as f64));
        let v_hat = v / (1.0 - libm::pow(b2, t as f64));
        xs.push(x - lr * m_hat / (v_hat.sqrt() + eps));
    }
    xs
}

fn main() {
    let target = x_star();
    println!(
        "起点到 x* 的距离 = {};每步至多约 lr,所以 100 步走到至少需要 lr ≥ {}(必要而不充分)",
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
        let xs = adam(lr, 100);
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
