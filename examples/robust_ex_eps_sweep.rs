//! 练习参考答案：逻辑回归的最坏情况 L∞ 损失有闭式(间隔减去 ε‖w‖₁)，据此扫描训练时的 ε，观察干净准确率与鲁棒准确率的取舍。

use guide_support::num::percent;
use guide_support::rng::seeded;
use guide_support::{Align, Table, f4, fixed};

// 数据与逻辑回归来自正文示例 fgsm_attack。
#[allow(dead_code)]
#[path = "fgsm_attack.rs"]
mod attack;
use attack::{DIM, LogReg, WEAK, make_data, sigmoid};

fn l1(w: &[f64]) -> f64 {
    w.iter().map(|a| a.abs()).sum()
}

/// 最坏情况间隔：s·(w·x + b) − ε·‖w‖₁。损失 = log(1 + exp(−间隔))。
/// 对 w 求导：−σ(−间隔)·(s·x − ε·sign(w))。
fn train_robust(xs: &[Vec<f64>], ys: &[f64], eps: f64) -> LogReg {
    let mut m = LogReg {
        w: vec![0.0; DIM],
        b: 0.0,
    };
    let n = xs.len() as f64;
    for _ in 0..150 {
        let norm1 = l1(&m.w);
        let mut gw = vec![0.0; DIM];
        let mut gb = 0.0;
        for (x, &y) in xs.iter().zip(ys) {
            let s = 2.0 * y - 1.0;
            let margin = s * m.logit(x) - eps * norm1;
            let c = sigmoid(-margin) / n;
            for ((g, v), wi) in gw.iter_mut().zip(x).zip(&m.w) {
                let sign = if *wi > 0.0 {
                    1.0
                } else if *wi < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                *g -= c * (s * v - eps * sign);
            }
            gb -= c * s;
        }
        m.w.iter_mut().zip(&gw).for_each(|(a, g)| *a -= 0.5 * g);
        m.b -= 0.5 * gb;
    }
    m
}

/// 在 L∞ 半径 eps 内最坏情况下仍分对的比例(eps = 0 即干净准确率)。
fn robust_accuracy(m: &LogReg, xs: &[Vec<f64>], ys: &[f64], eps: f64) -> f64 {
    let norm1 = l1(&m.w);
    let ok = xs
        .iter()
        .zip(ys)
        .filter(|(x, y)| (2.0 * **y - 1.0) * m.logit(x) - eps * norm1 > 0.0)
        .count();
    ok as f64 / xs.len() as f64
}

fn main() {
    let mut rng = seeded(1412);
    let (train_x, train_y) = make_data(&mut rng, 600);
    let (test_x, test_y) = make_data(&mut rng, 2000);

    let mut t = Table::new([
        "训练 ε",
        "干净准确率",
        "ε = 0.3 下的准确率",
        "强特征权重",
        "弱特征平均 |权重|",
    ])
    .align([Align::Right; 5]);
    for eps_train in [0.0, 0.1, 0.3, 0.5] {
        let m = train_robust(&train_x, &train_y, eps_train);
        let weak = m.w[1..].iter().map(|a| a.abs()).sum::<f64>() / WEAK as f64;
        t.row([
            fixed(eps_train, 1),
            percent(robust_accuracy(&m, &test_x, &test_y, 0.0), 1),
            percent(robust_accuracy(&m, &test_x, &test_y, 0.3), 1),
            f4(m.w[0]),
            f4(weak),
        ]);
    }
    print!("{}", t.text());
}
