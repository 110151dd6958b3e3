//! 练习参考答案:门控 α 初始化为 0 时,输出对 α 的梯度不为零,对交叉注意力权重的梯度恰为零(有限差分验证)。

use guide_support::rng::{GuideRng, normal, seeded};
use guide_support::{fixed, sci};

type Mat = Vec<Vec<f64>>;

fn randn(rng: &mut GuideRng, rows: usize, cols: usize) -> Mat {
    (0..rows)
        .map(|_| {
            (0..cols)
                .map(|_| normal(rng) / (rows as f64).sqrt())
                .collect()
        })
        .collect()
}

fn matmul(a: &Mat, b: &Mat) -> Mat {
    a.iter()
        .map(|row| {
            (0..b[0].len())
                .map(|j| row.iter().zip(b).map(|(x, br)| x * br[j]).sum())
                .collect()
        })
        .collect()
}

/// 不带掩码的单头交叉注意力。
fn xattn(x: &Mat, vis: &Mat, wq: &Mat, wk: &Mat, wv: &Mat) -> Mat {
    let d = x[0].len() as f64;
    let (q, k, v) = (matmul(x, wq), matmul(vis, wk), matmul(vis, wv));
    q.iter()
        .map(|qi| {
            let s: Vec<f64> = k
                .iter()
                .map(|kj| qi.iter().zip(kj).map(|(a, b)| a * b).sum::<f64>() / d.sqrt())
                .collect();
            let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let e: Vec<f64> = s.iter().map(|&z| libm::exp(z - m)).collect();
            let z: f64 = e.iter().sum();
            (0..v[0].len())
                .map(|c| e.iter().zip(&v).map(|(p, vj)| p / z * vj[c]).sum())
                .collect()
        })
        .collect()
}

/// 一个标量"损失":门控残差块输出的元素和,足以看出梯度是否为零。
fn loss(x: &Mat, vis: &Mat, wq: &Mat, wk: &Mat, wv: &Mat, alpha: f64) -> f64 {
    let a = xattn(x, vis, wq, wk, wv);
    let g = libm::tanh(alpha);
    x.iter()
        .zip(&a)
        .map(|(xr, ar)| xr.iter().zip(ar).map(|(p, q)| p + g * q).sum::<f64>())
        .sum()
}

fn main() {
    let mut rng = seeded(5);
    let (x, vis) = (randn(&mut rng, 3, 4), randn(&mut rng, 2, 4));
    let (wq, wk, wv) = (
        randn(&mut rng, 4, 4),
        randn(&mut rng, 4, 4),
        randn(&mut rng, 4, 4),
    );
    let h = 1e-5;
    for alpha in [0.0, 0.5] {
        // 对 α 的中心差分
        let da = (loss(&x, &vis, &wq, &wk, &wv, alpha + h)
            - loss(&x, &vis, &wq, &wk, &wv, alpha - h))
            / (2.0 * h);
        // 对 W_v[0][0] 的中心差分
        let (mut plus, mut minus) = (wv.clone(), wv.clone());
        plus[0][0] += h;
        minus[0][0] -= h;
        let dw = (loss(&x, &vis, &wq, &wk, &plus, alpha) - loss(&x, &vis, &wq, &wk, &minus, alpha))
            / (2.0 * h);
        println!(
            "α = {}:∂L/∂α ≈ {},∂L/∂W_v[0][0] ≈ {}",
            fixed(alpha, 1),
            sci(da, 4),
            sci(dw, 4)
        );
    }
}
