//! 用中心差分逐个检验手写反向传播：小配置模型的每个参数张量，打印各张量的相对误差和最大值。
use guide_support::{Table, int, sci, value};
use tinygpt::model::{Config, Model};

// ANCHOR: config
/// 检验用的小模型：结构与正式模型完全相同，只是每个维度都很小，
/// 参数不到两千个，每个参数做两次前向也只要一瞬间。
pub(crate) fn tiny() -> Config {
    Config {
        vocab_size: 16,
        n_ctx: 8,
        d_model: 8,
        n_head: 2,
        n_layer: 2,
        d_ff: 32,
        norm_eps: 1e-5,
        // 比正式的 0.02 大：让注意力权重远离均匀分布、各层梯度都不太小，
        // 检验才覆盖到每条路径，差分也不被 f32 的舍入淹没。
        init_std: 0.3,
    }
}
// ANCHOR_END: config

// ANCHOR: check
/// 中心差分：(L(θ + ε) − L(θ − ε)) / 2ε，截断误差是 O(ε²)。
/// 损失在 f64 里累加，但每个词元的交叉熵仍是 f32 算的，
/// 舍入噪声约 1e-7；ε 太小，噪声除以 2ε 就会盖过真正的差。
pub(crate) fn numeric_grad(
    model: &Model,
    index: usize,
    eps: f32,
    batch: &[(&[u32], &[u32])],
) -> f64 {
    let mut m = model.clone();
    let x = m.params()[index];
    m.params_mut()[index] = x + eps;
    let plus = m.loss(batch).expect("检验数据合法");
    m.params_mut()[index] = x - eps;
    let minus = m.loss(batch).expect("检验数据合法");
    // 实际的步长是 (x + ε) − (x − ε) 在 f32 里的值，不一定恰好是 2ε
    let step = f64::from(x + eps) - f64::from(x - eps);
    (plus - minus) / step
}

/// 一个张量的相对误差：‖g − ĝ‖ / max(‖g‖, ‖ĝ‖)，g 是反向传播的梯度，ĝ 是差分。
pub(crate) fn relative_error(analytic: &[f32], numeric: &[f64]) -> f64 {
    let (mut diff, mut a2, mut n2) = (0.0f64, 0.0f64, 0.0f64);
    for (&a, &n) in analytic.iter().zip(numeric) {
        let a = f64::from(a);
        diff += (a - n) * (a - n);
        a2 += a * a;
        n2 += n * n;
    }
    libm::sqrt(diff) / libm::sqrt(a2.max(n2))
}
// ANCHOR_END: check

fn main() {
    // ANCHOR: run
    let model = Model::new(tiny(), 7);
    let tokens: [u32; 8] = [1, 5, 2, 9, 3, 3, 14, 0];
    let targets: [u32; 8] = [5, 2, 9, 3, 3, 14, 0, 7];
    let batch: [(&[u32], &[u32]); 1] = [(&tokens, &targets)];
    let (loss, grads) = model.loss_and_grads(&tokens, &targets);
    let eps = 1e-2f32;

    let mut table = Table::numeric(["张量", "形状", "元素数", "‖g‖", "相对误差"]);
    let (mut worst, mut worst_name, mut offset) = (0.0f64, String::new(), 0);
    for (name, shape, g) in grads.tensors() {
        let numeric: Vec<f64> = (0..g.len())
            .map(|j| numeric_grad(&model, offset + j, eps, &batch))
            .collect();
        offset += g.len();
        let err = relative_error(g, &numeric);
        let norm = libm::sqrt(g.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>());
        let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
        table.row([
            name.clone(),
            dims.join(" × "),
            int(g.len() as u64),
            sci(norm, 2),
            sci(err, 2),
        ]);
        if err > worst {
            (worst, worst_name) = (err, name);
        }
    }
    // ANCHOR_END: run
    println!(
        "小模型：{} 个参数，{} 个张量，损失 {}",
        int(model.num_params() as u64),
        grads.tensors().len(),
        sci(f64::from(loss), 4)
    );
    println!("中心差分，ε = {}", sci(f64::from(eps), 0));
    println!();
    print!("{}", table.text());
    println!();
    value("params", int(model.num_params() as u64));
    value("max_rel_err", sci(worst, 2));
    value("max_rel_err_tensor", &worst_name);
    // 写错一处反向传播，误差会是 1 的量级；这里要求每个张量都低于 1e-3。
    assert!(
        worst < 1e-3,
        "反向传播与差分不符：{worst_name} 的相对误差 {worst}"
    );
}
