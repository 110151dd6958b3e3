//! 练习：β 越大，DPO 越早“满足”：同样的训练步数（20 步）下，策略离参考模型多远（KL），被偏好的回答概率多高。

#[allow(dead_code)] // 本例只用损失与梯度
#[path = "dpo_loss.rs"]
mod dpo;
use dpo::{dpo_grad, dpo_loss};
use guide_support::{Table, f4, value};

fn log_softmax(th: &[f64; 4]) -> [f64; 4] {
    let m = th.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let s: f64 = th.iter().map(|x| libm::exp(x - m)).sum();
    th.map(|x| x - m - libm::log(s))
}

const STEPS: usize = 20;

fn main() {
    let (w, l) = (0, 1);
    let start = [1.0, 1.2, 0.5, 0.2];
    let reference = log_softmax(&start);
    let mut t = Table::numeric([
        "β",
        "20 步后损失",
        "π(y_w)",
        "对数比差 margin",
        "KL(π‖π_ref)",
    ]);
    let mut kls = Vec::new();
    for &beta in &[0.05, 0.1, 0.5, 1.0] {
        let mut theta = start;
        // 学习率取 0.5/β，让每种 β 下对数概率差的初始步长相同（梯度本身正比于 β）。
        let lr = 0.5 / beta;
        for _ in 0..STEPS {
            let lp = log_softmax(&theta);
            let (gw, gl) = dpo_grad(beta, lp[w], lp[l], reference[w], reference[l]);
            theta[w] -= lr * gw;
            theta[l] -= lr * gl;
        }
        let lp = log_softmax(&theta);
        let loss = dpo_loss(beta, lp[w], lp[l], reference[w], reference[l]);
        let z = beta * ((lp[w] - reference[w]) - (lp[l] - reference[l]));
        let kl: f64 = (0..4)
            .map(|i| libm::exp(lp[i]) * (lp[i] - reference[i]))
            .sum();
        t.row([
            f4(beta),
            f4(loss),
            f4(libm::exp(lp[w])),
            f4(z / beta),
            f4(kl),
        ]);
        kls.push(kl);
    }
    print!("{}", t.text());
    value("kl_beta005", f4(kls[0]));
    value("kl_beta1", f4(kls[3]));
}
