//! 在带种子的合成数据上训练逻辑回归，再用 FGSM 构造对抗样本，打印准确率随扰动幅度 ε 的变化。

use guide_support::num::percent;
use guide_support::rng::{GuideRng, normal, seeded, uniform};
use guide_support::{Align, Table, f4, fixed, value};

pub(crate) const WEAK: usize = 50; // 弱特征个数
pub(crate) const DIM: usize = 1 + WEAK;

// ANCHOR: data
/// 标签 y ∈ {0, 1}，记 s = 2y − 1 ∈ {−1, +1}。
/// 特征 0 是"强特征":1.5·s + 噪声；特征 1..=50 是"弱特征"：各自只有 0.3·s + 噪声，
/// 单看一个几乎没用，合起来却很有预测力。噪声都是 N(0, 1)。
pub(crate) fn make_data(rng: &mut GuideRng, n: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut xs = Vec::with_capacity(n);
    let mut ys = Vec::with_capacity(n);
    for _ in 0..n {
        let y = if uniform(rng) < 0.5 { 1.0 } else { 0.0 };
        let s = 2.0 * y - 1.0;
        let mut x = vec![1.5 * s + normal(rng)];
        x.extend((0..WEAK).map(|_| 0.3 * s + normal(rng)));
        xs.push(x);
        ys.push(y);
    }
    (xs, ys)
}
// ANCHOR_END: data

// ANCHOR: model
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

pub(crate) struct LogReg {
    pub(crate) w: Vec<f64>,
    pub(crate) b: f64,
}

impl LogReg {
    pub(crate) fn logit(&self, x: &[f64]) -> f64 {
        self.w.iter().zip(x).map(|(w, v)| w * v).sum::<f64>() + self.b
    }

    /// 全批量梯度下降，最小化平均交叉熵。
    pub(crate) fn train(xs: &[Vec<f64>], ys: &[f64], epochs: usize, lr: f64) -> LogReg {
        let mut m = LogReg {
            w: vec![0.0; DIM],
            b: 0.0,
        };
        let n = xs.len() as f64;
        for _ in 0..epochs {
            let mut gw = vec![0.0; DIM];
            let mut gb = 0.0;
            for (x, &y) in xs.iter().zip(ys) {
                let err = sigmoid(m.logit(x)) - y; // ∂损失/∂logit
                for (g, v) in gw.iter_mut().zip(x) {
                    *g += err * v / n;
                }
                gb += err / n;
            }
            for (w, g) in m.w.iter_mut().zip(&gw) {
                *w -= lr * g;
            }
            m.b -= lr * gb;
        }
        m
    }

    pub(crate) fn accuracy(&self, xs: &[Vec<f64>], ys: &[f64]) -> f64 {
        let correct = xs
            .iter()
            .zip(ys)
            .filter(|(x, y)| (self.logit(x) > 0.0) == (**y == 1.0))
            .count();
        correct as f64 / xs.len() as f64
    }
}
// ANCHOR_END: model

// ANCHOR: fgsm
/// FGSM:x_adv = x + ε · sign(∇_x 损失)。
/// 对逻辑回归，∇_x 损失 = (σ(w·x + b) − y) · w。
pub(crate) fn fgsm(m: &LogReg, x: &[f64], y: f64, eps: f64) -> Vec<f64> {
    let err = sigmoid(m.logit(x)) - y;
    x.iter()
        .zip(&m.w)
        .map(|(v, w)| {
            let g = err * w;
            let sign = if g > 0.0 {
                1.0
            } else if g < 0.0 {
                -1.0
            } else {
                0.0
            };
            v + eps * sign
        })
        .collect()
}
// ANCHOR_END: fgsm

fn main() {
    let mut rng = seeded(1412);
    let (train_x, train_y) = make_data(&mut rng, 600);
    let (test_x, test_y) = make_data(&mut rng, 2000);
    let model = LogReg::train(&train_x, &train_y, 150, 0.5);

    let w_weak_mean = model.w[1..].iter().map(|w| w.abs()).sum::<f64>() / WEAK as f64;
    let w_l1: f64 = model.w.iter().map(|w| w.abs()).sum();
    println!("训练集 600 条，测试集 2000 条，特征维数 {DIM}");
    value("w_strong", f4(model.w[0]));
    value("w_weak_mean_abs", f4(w_weak_mean));
    value("w_l1", f4(w_l1));
    value("clean_acc", percent(model.accuracy(&test_x, &test_y), 1));
    // 带符号的间隔 s·(w·x + b)：为正表示分对，越大越"稳"
    let mut margins: Vec<f64> = test_x
        .iter()
        .zip(&test_y)
        .map(|(x, &y)| (2.0 * y - 1.0) * model.logit(x))
        .collect();
    margins.sort_by(f64::total_cmp);
    value("median_margin", f4(margins[margins.len() / 2]));
    println!();

    let mut quoted = Vec::new(); // 正文引用的 (ε，准确率)
    // ANCHOR: sweep
    let mut t = Table::new(["ε", "FGSM 后的测试准确率", "logit 朝错误方向移动 ε·‖w‖₁"]).align([
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    for eps in [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5] {
        let adv: Vec<Vec<f64>> = test_x
            .iter()
            .zip(&test_y)
            .map(|(x, &y)| fgsm(&model, x, y, eps))
            .collect();
        let acc = model.accuracy(&adv, &test_y);
        t.row([fixed(eps, 2), percent(acc, 1), f4(eps * w_l1)]);
        quoted.push((eps, acc));
    }
    // ANCHOR_END: sweep
    print!("{}", t.text());
    println!();
    for (eps, acc) in quoted {
        value(&format!("acc_eps_{}", fixed(eps, 2)), percent(acc, 1));
    }
}
