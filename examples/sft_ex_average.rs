//! 练习：有损失掩码时，“所有有效 token 的平均”与“先对每条样本平均、再对样本平均”不同；梯度累积若按微批次各自平均，也会偏离整批的结果。

use guide_support::{Table, f4, value};

/// 按 token 平均：所有样本的有效 token 损失加起来，除以有效 token 总数。
fn token_mean(batch: &[&[f64]]) -> f64 {
    let sum: f64 = batch.iter().flat_map(|s| s.iter()).sum();
    let n: usize = batch.iter().map(|s| s.len()).sum();
    sum / n as f64
}

/// 按样本平均：每条样本先在自己的有效 token 上平均，再对样本平均。
fn sample_mean(batch: &[&[f64]]) -> f64 {
    batch
        .iter()
        .map(|s| s.iter().sum::<f64>() / s.len() as f64)
        .sum::<f64>()
        / batch.len() as f64
}

fn main() {
    // 给定的逐 token 损失（只列出掩码后参与训练的位置；数值是设定的，不是模型算的）：
    // 两条短回答损失高，两条长回答损失低。
    let a: &[f64] = &[2.0, 1.0];
    let b: &[f64] = &[0.5; 8];
    let c: &[f64] = &[1.8, 1.2, 0.9];
    let d: &[f64] = &[0.4; 12];
    let batch = [a, b, c, d];

    let whole = token_mean(&batch);
    let per_sample = sample_mean(&batch);
    // 梯度累积：两个微批次 {a, b}、{c, d}，各自按 token 平均，再把两个平均值相加除以 2。
    let accumulated = 0.5 * (token_mean(&[a, b]) + token_mean(&[c, d]));

    let mut t = Table::numeric(["做法", "损失"]);
    t.row(["整批按 token 平均".to_string(), f4(whole)]);
    t.row(["按样本平均".to_string(), f4(per_sample)]);
    t.row([
        "两个微批次各自按 token 平均，再平均".to_string(),
        f4(accumulated),
    ]);
    let tokens: usize = batch.iter().map(|s| s.len()).sum();
    let fixed = (a.iter().chain(b).sum::<f64>() + c.iter().chain(d).sum::<f64>()) / tokens as f64;
    t.row([
        "两个微批次只求和，最后除以整批 token 数 25".to_string(),
        f4(fixed),
    ]);
    print!("{}", t.text());
    println!(
        "最后一行与第一行相同：{}",
        if (fixed - whole).abs() < 1e-12 {
            "是"
        } else {
            "否"
        }
    );
    value("token_mean", f4(whole));
    value("sample_mean", f4(per_sample));
    value("accumulated", f4(accumulated));
}
