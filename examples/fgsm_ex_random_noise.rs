//! 练习参考答案:同样幅度 ε 的随机 ±ε 噪声几乎不影响准确率,FGSM 的扰动方向才是关键。

use guide_support::num::percent;
use guide_support::rng::{GuideRng, normal, seeded, uniform};
use guide_support::{Align, Table, fixed};

const WEAK: usize = 50;

/// 与正文 fgsm_attack 相同的数据:1 个强特征 + 50 个弱特征。
fn make_data(rng: &mut GuideRng, n: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
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

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        libm::exp(z) / (1.0 + libm::exp(z))
    }
}

fn logit(w: &[f64], b: f64, x: &[f64]) -> f64 {
    w.iter().zip(x).map(|(a, v)| a * v).sum::<f64>() + b
}

fn train(xs: &[Vec<f64>], ys: &[f64]) -> (Vec<f64>, f64) {
    let (mut w, mut b) = (vec![0.0; 1 + WEAK], 0.0);
    let n = xs.len() as f64;
    for _ in 0..150 {
        let mut gw = vec![0.0; w.len()];
        let mut gb = 0.0;
        for (x, &y) in xs.iter().zip(ys) {
            let err = sigmoid(logit(&w, b, x)) - y;
            gw.iter_mut().zip(x).for_each(|(g, v)| *g += err * v / n);
            gb += err / n;
        }
        w.iter_mut().zip(&gw).for_each(|(a, g)| *a -= 0.5 * g);
        b -= 0.5 * gb;
    }
    (w, b)
}

fn accuracy(w: &[f64], b: f64, xs: &[Vec<f64>], ys: &[f64]) -> f64 {
    let ok = xs
        .iter()
        .zip(ys)
        .filter(|(x, y)| (logit(w, b, x) > 0.0) == (**y == 1.0))
        .count();
    ok as f64 / xs.len() as f64
}

fn main() {
    let mut rng = seeded(1412);
    let (train_x, train_y) = make_data(&mut rng, 600);
    let (test_x, test_y) = make_data(&mut rng, 2000);
    let (w, b) = train(&train_x, &train_y);

    let mut noise_rng = seeded(99);
    let mut t = Table::new(["ε", "随机 ±ε 噪声", "FGSM"]).align([Align::Right; 3]);
    for eps in [0.1, 0.3, 0.5] {
        let mut noisy = Vec::new();
        let mut adv = Vec::new();
        for (x, &y) in test_x.iter().zip(&test_y) {
            // 随机符号:每个特征独立取 +ε 或 −ε
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
            // FGSM:对逻辑回归等于 x − ε·s·sign(w),s = 2y − 1
            let s = 2.0 * y - 1.0;
            adv.push(
                x.iter()
                    .zip(&w)
                    .map(|(v, wi)| v - eps * s * wi.signum())
                    .collect::<Vec<f64>>(),
            );
        }
        t.row([
            fixed(eps, 1),
            percent(accuracy(&w, b, &noisy, &test_y), 1),
            percent(accuracy(&w, b, &adv, &test_y), 1),
        ]);
    }
    print!("{}", t.text());
}
