//! 练习：中心差分的步长 ε 从 1e-1 扫到 1e-4，看最大相对误差先降后升：截断误差与 f32 舍入误差此消彼长。
use guide_support::{Align, Table, sci, value};
use tinygpt::model::Model;

// 小配置、差分和相对误差都来自本章的 gpt_gradcheck。
#[allow(dead_code)] // gpt_gradcheck 的 main
#[path = "gpt_gradcheck.rs"]
mod gradcheck;
use gradcheck::{numeric_grad, relative_error, tiny};

fn main() {
    let model = Model::new(tiny(), 7);
    let tokens: [u32; 8] = [1, 5, 2, 9, 3, 3, 14, 0];
    let targets: [u32; 8] = [5, 2, 9, 3, 3, 14, 0, 7];
    let batch: [(&[u32], &[u32]); 1] = [(&tokens, &targets)];
    let (_, grads) = model.loss_and_grads(&tokens, &targets);
    let mut table = Table::new(["ε", "最大相对误差", "出现在"]).align([
        Align::Right,
        Align::Right,
        Align::Left,
    ]);
    let mut best = (f64::INFINITY, 0.0f32);
    for eps in [1e-1f32, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4] {
        let (mut worst, mut name_of_worst, mut offset) = (0.0f64, String::new(), 0);
        for (name, _, g) in grads.tensors() {
            let numeric: Vec<f64> = (0..g.len())
                .map(|j| numeric_grad(&model, offset + j, eps, &batch))
                .collect();
            offset += g.len();
            let err = relative_error(g, &numeric);
            if err > worst {
                (worst, name_of_worst) = (err, name);
            }
        }
        table.row([sci(f64::from(eps), 0), sci(worst, 2), name_of_worst]);
        if worst < best.0 {
            best = (worst, eps);
        }
    }
    print!("{}", table.text());
    println!();
    value("best_eps", sci(f64::from(best.1), 0));
    value("best_err", sci(best.0, 2));
}
