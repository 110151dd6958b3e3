//! DPO 损失与梯度：在给定的序列对数概率上计算，用有限差分核对解析梯度，再在一个 4 选 1 的玩具策略上走几步。

use guide_support::{Table, f4, f6, value};

// ANCHOR: loss
/// DPO 损失（Rafailov et al., 2023）：
/// z = β·[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]，L = −log σ(z)。
/// 输入是整段回答的对数概率（逐 token 对数概率之和）。
pub(crate) fn dpo_loss(beta: f64, pw: f64, pl: f64, rw: f64, rl: f64) -> f64 {
    let z = beta * ((pw - rw) - (pl - rl));
    softplus(-z) // −log σ(z) = log(1 + e^{−z})
}

/// log(1 + e^x)，对大的 |x| 也不溢出。
pub(crate) fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + libm::log1p(libm::exp(-x))
    } else {
        libm::log1p(libm::exp(x))
    }
}

/// σ(x) = 1 / (1 + e^{−x})。
pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-x))
}
// ANCHOR_END: loss

// ANCHOR: grad
/// 解析梯度：∂L/∂log π(y_w) = −β·σ(−z)，∂L/∂log π(y_l) = +β·σ(−z)。
/// σ(−z) 是“隐式奖励把这一对排错了多少”的权重：排得越错，推得越用力。
pub(crate) fn dpo_grad(beta: f64, pw: f64, pl: f64, rw: f64, rl: f64) -> (f64, f64) {
    let z = beta * ((pw - rw) - (pl - rl));
    let w = sigmoid(-z);
    (-beta * w, beta * w)
}
// ANCHOR_END: grad

fn main() {
    let beta = 0.1;
    // 给定的数值（不是模型算出的）：参考模型下两段回答的对数概率，以及策略的三种状态。
    let (rw, rl) = (-12.0, -11.0);
    let cases = [
        ("策略 = 参考", -12.0, -11.0),
        ("已偏向 y_w", -8.0, -15.0),
        ("偏向 y_l", -16.0, -7.0),
    ];
    println!("β = 0.1；参考模型：log π_ref(y_w) = -12.0，log π_ref(y_l) = -11.0");
    let mut t = Table::numeric([
        "状态",
        "log π(y_w)",
        "log π(y_l)",
        "z",
        "损失",
        "∂L/∂log π(y_w)",
        "有限差分",
        "∂L/∂log π(y_l)",
    ]);
    let h = 1e-6;
    let mut max_err: f64 = 0.0;
    for &(name, pw, pl) in &cases {
        let z = beta * ((pw - rw) - (pl - rl));
        let loss = dpo_loss(beta, pw, pl, rw, rl);
        let (gw, gl) = dpo_grad(beta, pw, pl, rw, rl);
        let fd_w =
            (dpo_loss(beta, pw + h, pl, rw, rl) - dpo_loss(beta, pw - h, pl, rw, rl)) / (2.0 * h);
        let fd_l =
            (dpo_loss(beta, pw, pl + h, rw, rl) - dpo_loss(beta, pw, pl - h, rw, rl)) / (2.0 * h);
        max_err = max_err.max((fd_w - gw).abs()).max((fd_l - gl).abs());
        t.row([
            name.to_string(),
            f4(pw),
            f4(pl),
            f4(z),
            f6(loss),
            f6(gw),
            f6(fd_w),
            f6(gl),
        ]);
    }
    print!("{}", t.text());
    println!(
        "解析梯度与中心差分的最大差：{}（阈值 1e-8：{}）",
        guide_support::sci(max_err, 2),
        if max_err < 1e-8 {
            "通过"
        } else {
            "不通过"
        }
    );
    value("loss_equal", f6(dpo_loss(beta, -12.0, -11.0, rw, rl)));
    value("ln2", f6(libm::log(2.0)));

    // ANCHOR: toy
    // 玩具策略：对同一个提示“续写「床前明月光」”只有 4 个候选回答，策略是 4 个 logit 上的 softmax。
    // 参考模型就是训练开始时的策略。log π(y_w) − log π(y_l) 对 logit 的梯度是 e_w − e_l：
    // softmax 的归一化项在差里抵消了，所以 DPO 只直接推动这两个 logit。
    let names = ["疑是地上霜", "疑是地上雪", "低头思故乡", "举头望明月"];
    let (w, l) = (0, 1); // 偏好：y_w = 疑是地上霜，y_l = 疑是地上雪
    let mut theta = [1.0, 1.2, 0.5, 0.2];
    let log_softmax = |th: &[f64; 4]| {
        let m = th.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = th.iter().map(|x| libm::exp(x - m)).sum();
        th.map(|x| x - m - libm::log(s))
    };
    let reference = log_softmax(&theta);
    let lr = 5.0;
    // ANCHOR_END: toy
    println!();
    println!("玩具策略上的 DPO（β = 0.1，学习率 5.0，参考 = 初始策略）：");
    let mut header = vec!["步".to_string(), "损失".to_string()];
    header.extend(names.iter().map(|n| format!("π({n})")));
    let mut t = Table::numeric(header);
    let mut last = (0.0, 0.0);
    for step in 0..=40 {
        let lp = log_softmax(&theta);
        let loss = dpo_loss(beta, lp[w], lp[l], reference[w], reference[l]);
        if step % 10 == 0 {
            let p = lp.map(libm::exp);
            t.row([
                step.to_string(),
                f4(loss),
                f4(p[0]),
                f4(p[1]),
                f4(p[2]),
                f4(p[3]),
            ]);
            last = (loss, p[0]);
        }
        // ANCHOR: toy_step
        let (gw, gl) = dpo_grad(beta, lp[w], lp[l], reference[w], reference[l]);
        theta[w] -= lr * gw; // 链式法则：∂L/∂θ = gw·(e_w − π) + gl·(e_l − π)，
        theta[l] -= lr * gl; // 而 gw = −gl，π 的两项正好抵消。
        // ANCHOR_END: toy_step
    }
    print!("{}", t.text());
    value("toy_loss_40", f4(last.0));
    value("toy_pw_40", f4(last.1));
}
