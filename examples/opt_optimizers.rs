//! 按原始论文实现动量法、RMSProp 与 Adam，和普通梯度下降在同一个函数、同一个起点上比较，并画出前 100 步的轨迹图。

use guide_support::plot::{self, Figure};
use guide_support::{Align, Table, f4, int, sci, value};

// f、f′ 与牛顿法求出的真正最小值点 x* 来自正文示例 opt_newton。
#[allow(dead_code)]
#[path = "opt_newton.rs"]
pub(crate) mod newton;
use newton::{df, f, x_star};

/// 一个优化器：给定当前参数 x 与梯度 g，返回更新后的 x。
pub(crate) trait Optimizer {
    fn step(&mut self, x: f64, g: f64) -> f64;
}

// ANCHOR: gd
struct Gd {
    lr: f64,
}

impl Optimizer for Gd {
    fn step(&mut self, x: f64, g: f64) -> f64 {
        x - self.lr * g
    }
}
// ANCHOR_END: gd

// ANCHOR: momentum
/// 重球法(Polyak, 1964)，写成 PyTorch SGD(momentum=μ) 的形式：v ← μv + g,x ← x − ηv。
pub(crate) struct Momentum {
    pub(crate) lr: f64,
    pub(crate) mu: f64,
    pub(crate) v: f64,
}

impl Optimizer for Momentum {
    fn step(&mut self, x: f64, g: f64) -> f64 {
        self.v = self.mu * self.v + g;
        x - self.lr * self.v
    }
}
// ANCHOR_END: momentum

// ANCHOR: rmsprop
/// RMSProp(Hinton, Lecture 6e):s ← ρs + (1−ρ)g²,x ← x − η·g / (√s + ε)。
/// PyTorch 的默认衰减 α = 0.99,Keras 的默认 ρ = 0.9；两者都没有偏差修正。
struct RmsProp {
    lr: f64,
    rho: f64,
    eps: f64,
    s: f64,
}

impl Optimizer for RmsProp {
    fn step(&mut self, x: f64, g: f64) -> f64 {
        self.s = self.rho * self.s + (1.0 - self.rho) * g * g;
        x - self.lr * g / (self.s.sqrt() + self.eps)
    }
}
// ANCHOR_END: rmsprop

// ANCHOR: adam
/// Adam(Kingma & Ba, 2015, Algorithm 1)，默认 β1 = 0.9,β2 = 0.999,ε = 1e-8。
pub(crate) struct Adam {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    m: f64,
    v: f64,
    t: i32,
}

impl Adam {
    pub(crate) fn new(lr: f64) -> Self {
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            m: 0.0,
            v: 0.0,
            t: 0,
        }
    }
}

impl Optimizer for Adam {
    fn step(&mut self, x: f64, g: f64) -> f64 {
        self.t += 1;
        self.m = self.beta1 * self.m + (1.0 - self.beta1) * g; // 一阶矩(梯度的滑动平均)
        self.v = self.beta2 * self.v + (1.0 - self.beta2) * g * g; // 二阶矩(梯度平方的滑动平均)
        let m_hat = self.m / (1.0 - libm::pow(self.beta1, f64::from(self.t))); // 偏差修正
        let v_hat = self.v / (1.0 - libm::pow(self.beta2, f64::from(self.t)));
        x - self.lr * m_hat / (v_hat.sqrt() + self.eps)
    }
}
// ANCHOR_END: adam

/// 从 x0 出发走 steps 步，返回全部迭代值(含起点)。
pub(crate) fn run(opt: &mut dyn Optimizer, x0: f64, steps: usize) -> Vec<f64> {
    let mut xs = vec![x0];
    for _ in 0..steps {
        let x = xs[xs.len() - 1];
        xs.push(opt.step(x, df(x)));
    }
    xs
}

fn optimizers(lr: f64) -> Vec<(&'static str, Box<dyn Optimizer>)> {
    vec![
        ("梯度下降", Box::new(Gd { lr })),
        (
            "动量 μ=0.9",
            Box::new(Momentum {
                lr,
                mu: 0.9,
                v: 0.0,
            }),
        ),
        (
            "RMSProp ρ=0.9",
            Box::new(RmsProp {
                lr,
                rho: 0.9,
                eps: 1e-8,
                s: 0.0,
            }),
        ),
        (
            "RMSProp ρ=0.99",
            Box::new(RmsProp {
                lr,
                rho: 0.99,
                eps: 1e-8,
                s: 0.0,
            }),
        ),
        ("Adam", Box::new(Adam::new(lr))),
    ]
}

fn main() {
    let target = x_star();
    println!(
        "学习率 lr = 0.01，从 x = 10 出发走 100 步（x* = {}）：",
        f4(target)
    );
    let mut t = Table::numeric([
        "优化器",
        "x₁₀₀",
        "f(x₁₀₀)",
        "|x₁₀₀ − x*|",
        "最大单步 |Δx|",
        "第 1 步 |Δx|",
    ]);
    let mut traj = Vec::new();
    for (name, mut opt) in optimizers(0.01) {
        let xs = run(opt.as_mut(), 10.0, 100);
        let max_step = xs
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f64::max);
        let last = xs[100];
        t.row([
            name.to_owned(),
            f4(last),
            f4(f(last)),
            f4((last - target).abs()),
            f4(max_step),
            f4((xs[1] - xs[0]).abs()),
        ]);
        traj.push((name, xs));
    }
    print!("{}", t.text());

    println!();
    println!("轨迹（每 10 步一个点）：");
    let mut header = vec!["步数".to_owned()];
    header.extend(traj.iter().map(|(n, _)| (*n).to_owned()));
    let mut t = Table::new(header).align([Align::Right; 6]);
    for k in (0..=100).step_by(10) {
        let mut row = vec![k.to_string()];
        row.extend(traj.iter().map(|(_, xs)| f4(xs[k])));
        t.row(row);
    }
    print!("{}", t.text());

    println!();
    println!("首次进入 |x − x*| < 1e-4 的步数，以及第 4900–5000 步里最大的 |x − x*|：");
    let mut t = Table::numeric([
        "优化器",
        "lr=0.01 步数",
        "lr=0.01 末段误差",
        "lr=0.1 步数",
        "lr=0.1 末段误差",
    ]);
    for ((name, mut a), (_, mut b)) in optimizers(0.01).into_iter().zip(optimizers(0.1)) {
        let mut row = vec![name.to_owned()];
        for opt in [a.as_mut(), b.as_mut()] {
            let xs = run(opt, 10.0, 5_000);
            let first = xs.iter().position(|&x| (x - target).abs() < 1e-4);
            row.push(first.map_or("未达到".to_owned(), |k| int(k as u64)));
            let tail = xs[4_900..]
                .iter()
                .map(|&x| (x - target).abs())
                .fold(0.0, f64::max);
            row.push(if tail < 1e-10 {
                "< 1e-10".to_owned()
            } else {
                sci(tail, 1)
            });
        }
        t.row(row);
    }
    print!("{}", t.text());
    let last = |i: usize| traj[i].1[100];
    value("momentum_x100", f4(last(1)));
    value("rms99_x100", f4(last(3)));
    value("adam_x100", f4(last(4)));
    value("adam_moved", f4(10.0 - last(4)));

    // 图：前 100 步的轨迹，外加 x* 所在的水平线
    let mut lines: Vec<(&str, Vec<(f64, f64)>)> = traj
        .iter()
        .map(|(name, xs)| {
            (
                *name,
                xs.iter().enumerate().map(|(k, &x)| (k as f64, x)).collect(),
            )
        })
        .collect();
    lines.push(("x*（最小值点）", vec![(0.0, target), (100.0, target)]));
    let fig = Figure {
        title: "lr = 0.01 时各优化器的 xₜ",
        x_label: "步数 t",
        y_label: "xₜ",
        ..Figure::default()
    };
    plot::print_figure(
        "trajectories",
        &plot::line_chart(&fig, &plot::series(&lines)),
    );
}
