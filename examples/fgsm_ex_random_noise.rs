//! 练习参考答案：同样幅度 ε 的随机 ±ε 噪声几乎不影响准确率，FGSM 的扰动方向才是关键。

use guide_support::num::percent;
use guide_support::rng::{seeded, uniform};
use guide_support::{Align, Table, fixed};

// 数据、逻辑回归与 FGSM 来自正文示例 fgsm_attack。
#[allow(dead_code)]
#[path = "fgsm_attack.rs"]
mod attack;
use attack::{LogReg, fgsm, make_data};

fn main() {
    let mut rng = seeded(1412);
    let (train_x, train_y) = make_data(&mut rng, 600);
    let (test_x, test_y) = make_data(&mut rng, 2000);
    let model = LogReg::train(&train_x, &train_y, 150, 0.5);

    let mut noise_rng = seeded(99);
    let mut t = Table::new(["ε", "随机 ±ε 噪声", "FGSM"]).align([Align::Right; 3]);
    for eps in [0.1, 0.3, 0.5] {
        let mut noisy = Vec::new();
        let mut adv = Vec::new();
        for (x, &y) in test_x.iter().zip(&test_y) {
            // 随机符号：每个特征独立取 +ε 或 −ε
            noisy.push(
                x.iter()
                    .map(|v| {
                        v + if uniform(&mut noise_rng) < 0.5 {
                            eps
                        } else {
                            -eps
                        }
                    })
                    .collect::<Vec<f64>>(),
            );
            adv.push(fgsm(&model, x, y, eps));
        }
        t.row([
            fixed(eps, 1),
            percent(model.accuracy(&noisy, &test_y), 1),
            percent(model.accuracy(&adv, &test_y), 1),
        ]);
    }
    print!("{}", t.text());
}
