//! 练习参考答案：门控 α 初始化为 0 时，输出对 α 的梯度不为零，对交叉注意力权重的梯度恰为零(有限差分验证)。

use guide_support::rng::seeded;
use guide_support::{fixed, sci};

// 门控交叉注意力块来自正文示例 flamingo_gated_xattn。
#[allow(dead_code)]
#[path = "flamingo_gated_xattn.rs"]
mod xattn;
use xattn::{Mat, Weights, gated_xattn_dense, randn};

/// 一个标量“损失”：门控块输出的元素和（前馈层的门保持关闭），足以看出梯度是否为零。
fn loss(x: &Mat, vis: &Mat, mask: &[Vec<bool>], w: &Weights, alpha: f64) -> f64 {
    gated_xattn_dense(x, vis, mask, w, alpha, 0.0)
        .iter()
        .flatten()
        .sum()
}

fn main() {
    let mut rng = seeded(5);
    let (x, vis) = (randn(&mut rng, 3, 4), randn(&mut rng, 2, 4));
    let w = Weights {
        wq: randn(&mut rng, 4, 4),
        wk: randn(&mut rng, 4, 4),
        wv: randn(&mut rng, 4, 4),
        wo: randn(&mut rng, 4, 4),
        w1: randn(&mut rng, 4, 16),
        w2: randn(&mut rng, 16, 4),
    };
    let mask = vec![vec![true; vis.len()]; x.len()]; // 每个文本 token 都能看到全部视觉 token
    let h = 1e-5;
    for alpha in [0.0, 0.5] {
        // 对 α 的中心差分
        let da = (loss(&x, &vis, &mask, &w, alpha + h) - loss(&x, &vis, &mask, &w, alpha - h))
            / (2.0 * h);
        // 对 W_v[0][0] 的中心差分
        let (mut plus, mut minus) = (w.clone(), w.clone());
        plus.wv[0][0] += h;
        minus.wv[0][0] -= h;
        let dw = (loss(&x, &vis, &mask, &plus, alpha) - loss(&x, &vis, &mask, &minus, alpha))
            / (2.0 * h);
        println!(
            "α = {}:∂L/∂α ≈ {},∂L/∂W_v[0][0] ≈ {}",
            fixed(alpha, 1),
            sci(da, 4),
            sci(dw, 4)
        );
    }
}
