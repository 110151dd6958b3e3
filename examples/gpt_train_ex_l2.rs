//! 练习：AdamW 与“Adam + L2 正则”的区别。两个参数从 1.0 出发，损失给它们的梯度是正负交替、
//! 平均为零的 ±G，一个 G 大、一个 G 小；除了衰减，没有什么把它们往 0 拉。
//! 看 500 步之后各自剩下多少，以及 SGD 下两种写法为什么一样。
//! 有效衰减约为 λθ/G：G 比 1 大得多的参数几乎不衰减，G 很小的参数则被一步步推向 0。
use guide_support::{Align, Table, fixed, value};

// 与本章训练相同的超参数：峰值学习率、β、ε、λ。
const LR: f64 = 2e-3;
const BETA1: f64 = 0.9;
const BETA2: f64 = 0.95;
const EPS: f64 = 1e-8;
const LAMBDA: f64 = 0.1;
const STEPS: i32 = 500;

/// 损失对参数的梯度：第 t 步为 (-1)^t · G，平均为零。
fn loss_grad(t: i32, g: f64) -> f64 {
    if t % 2 == 0 { g } else { -g }
}

/// Adam 的一步，写法与 tinygpt::optim::AdamW 相同，只是没有解耦衰减。
struct Adam {
    m: f64,
    v: f64,
    t: i32,
}

impl Adam {
    fn step(&mut self, theta: f64, grad: f64) -> f64 {
        self.t += 1;
        self.m = BETA1 * self.m + (1.0 - BETA1) * grad;
        self.v = BETA2 * self.v + (1.0 - BETA2) * grad * grad;
        let bc1 = 1.0 - libm::pow(BETA1, f64::from(self.t));
        let bc2 = 1.0 - libm::pow(BETA2, f64::from(self.t));
        theta - (LR / bc1) * self.m / (libm::sqrt(self.v) / libm::sqrt(bc2) + EPS)
    }
}

/// 四种写法各走 STEPS 步后的参数值。
fn run(g: f64) -> [f64; 4] {
    let (mut adamw, mut adam_l2, mut sgd_wd, mut sgd_l2) = (1.0, 1.0, 1.0, 1.0);
    let (mut a, mut b) = (
        Adam {
            m: 0.0,
            v: 0.0,
            t: 0,
        },
        Adam {
            m: 0.0,
            v: 0.0,
            t: 0,
        },
    );
    for t in 0..STEPS {
        let gl = loss_grad(t, g);
        // AdamW：先把参数按 (1 − ηλ) 缩小，再用损失的梯度做 Adam 的一步。
        adamw = a.step(adamw * (1.0 - LR * LAMBDA), gl);
        // Adam + L2：λθ 加进梯度，和损失的梯度一起被 √v 除。
        adam_l2 = b.step(adam_l2, gl + LAMBDA * adam_l2);
        // SGD 的两种写法。
        sgd_wd = sgd_wd * (1.0 - LR * LAMBDA) - LR * gl;
        sgd_l2 -= LR * (gl + LAMBDA * sgd_l2);
    }
    [adamw, adam_l2, sgd_wd, sgd_l2]
}

fn main() {
    let mut t = Table::new([
        "梯度幅度 G",
        "AdamW",
        "Adam + L2",
        "SGD 解耦衰减",
        "SGD + L2",
    ])
    .align([
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    let mut rows = Vec::new();
    for g in [100.0, 1.0, 0.01, 0.0001] {
        let r = run(g);
        t.row([
            fixed(g, 4),
            fixed(r[0], 4),
            fixed(r[1], 4),
            fixed(r[2], 4),
            fixed(r[3], 4),
        ]);
        rows.push(r);
    }
    println!("θ 从 1.0 出发，{STEPS} 步后（η = {LR}，λ = {LAMBDA}）：");
    print!("{}", t.text());
    let expected = libm::pow(1.0 - LR * LAMBDA, f64::from(STEPS));
    println!("(1 − ηλ)^{STEPS} = {}", fixed(expected, 4));
    value("decoupled", fixed(expected, 4));
    value("l2_big", fixed(rows[0][1], 4));
    value("l2_small", fixed(rows[3][1], 4));
    let sgd_gap = rows
        .iter()
        .map(|r| (r[2] - r[3]).abs())
        .fold(0.0f64, f64::max);
    value("sgd_gap", guide_support::sci(sgd_gap, 1));
}
