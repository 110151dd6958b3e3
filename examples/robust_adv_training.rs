//! 对抗训练：在 FGSM 扰动后的样本上训练逻辑回归，对比普通训练的干净准确率与鲁棒准确率。

use guide_support::num::percent;
use guide_support::rng::seeded;
use guide_support::{Align, Table, f4, fixed, value};

// 数据、逻辑回归与 FGSM 来自“对抗样本”一页的示例 fgsm_attack。
#[allow(dead_code)]
#[path = "fgsm_attack.rs"]
mod attack;
use attack::{DIM, LogReg, WEAK, fgsm, make_data, sigmoid};

// ANCHOR: train
/// 把 weight · J(输入) 对参数的梯度累加进 (gw, gb)；n 是样本总数。
fn add_gradient(
    m: &LogReg,
    input: &[f64],
    y: f64,
    weight: f64,
    n: f64,
    gw: &mut [f64],
    gb: &mut f64,
) {
    let err = weight * (sigmoid(m.logit(input)) - y) / n;
    for (g, v) in gw.iter_mut().zip(input) {
        *g += err * v;
    }
    *gb += err;
}

/// 损失 = clean_weight · J(x) + (1 − clean_weight) · J(x_adv)。
/// clean_weight = 1：普通训练；0.5:Goodfellow et al. (2015) 的对抗目标；
/// 0：只在最坏情况上训练(Madry et al. (2018) 的 min-max 形式)。
/// 每一步都用当前的模型重新生成 x_adv。
fn train(xs: &[Vec<f64>], ys: &[f64], eps: f64, clean_weight: f64) -> LogReg {
    let mut m = LogReg {
        w: vec![0.0; DIM],
        b: 0.0,
    };
    let n = xs.len() as f64;
    for _ in 0..150 {
        let mut gw = vec![0.0; DIM];
        let mut gb = 0.0;
        for (x, &y) in xs.iter().zip(ys) {
            if clean_weight > 0.0 {
                add_gradient(&m, x, y, clean_weight, n, &mut gw, &mut gb);
            }
            if clean_weight < 1.0 {
                let x_adv = fgsm(&m, x, y, eps);
                add_gradient(&m, &x_adv, y, 1.0 - clean_weight, n, &mut gw, &mut gb);
            }
        }
        for (w, g) in m.w.iter_mut().zip(&gw) {
            *w -= 0.5 * g;
        }
        m.b -= 0.5 * gb;
    }
    m
}
// ANCHOR_END: train

fn main() {
    let mut rng = seeded(1412);
    let (train_x, train_y) = make_data(&mut rng, 600);
    let (test_x, test_y) = make_data(&mut rng, 2000);

    // ANCHOR: models
    let eps_train = 0.3;
    let models = [
        ("普通训练", train(&train_x, &train_y, eps_train, 1.0)),
        (
            "对抗训练 (α = 0.5)",
            train(&train_x, &train_y, eps_train, 0.5),
        ),
        (
            "只用对抗样本 (α = 0)",
            train(&train_x, &train_y, eps_train, 0.0),
        ),
    ];
    // ANCHOR_END: models

    println!("训练时的扰动幅度 ε_train = {}", fixed(eps_train, 1));
    for (name, m) in &models {
        let weak = m.w[1..].iter().map(|w| w.abs()).sum::<f64>() / WEAK as f64;
        println!(
            "{name}：强特征权重 {}，弱特征平均 |权重| {}",
            f4(m.w[0]),
            f4(weak)
        );
    }
    println!();

    let mut t = Table::new([
        "测试时 ε",
        "普通训练",
        "对抗训练 (α = 0.5)",
        "只用对抗样本 (α = 0)",
    ])
    .align([Align::Right; 4]);
    for eps in [0.0, 0.1, 0.2, 0.3, 0.5] {
        let mut row = vec![fixed(eps, 1)];
        for (_, m) in &models {
            let adv: Vec<Vec<f64>> = test_x
                .iter()
                .zip(&test_y)
                .map(|(x, &y)| fgsm(m, x, y, eps))
                .collect();
            row.push(percent(m.accuracy(&adv, &test_y), 1));
        }
        t.row(row);
    }
    print!("{}", t.text());
    println!();

    // 正文引用的数：干净准确率与 ε = 0.3 下的准确率
    for (key, m) in ["std", "adv", "minmax"].iter().zip(&models) {
        let m = &m.1;
        let adv: Vec<Vec<f64>> = test_x
            .iter()
            .zip(&test_y)
            .map(|(x, &y)| fgsm(m, x, y, 0.3))
            .collect();
        value(
            &format!("{key}_clean"),
            percent(m.accuracy(&test_x, &test_y), 1),
        );
        value(
            &format!("{key}_robust"),
            percent(m.accuracy(&adv, &test_y), 1),
        );
    }
}
