//! 生成模型的下一个 token 是一次类别分布抽样：用温度缩放 logits，看概率、熵与抽样结果怎样变化。

use guide_support::rng::{seeded, weighted_index};
use guide_support::{Align, Table, f4, fixed, value};

// ANCHOR: softmax
/// 带温度的 softmax:p_i = exp(z_i / T) / Σ_j exp(z_j / T)。先减去最大值，避免 exp 溢出。
fn softmax_with_temperature(logits: &[f64], t: f64) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits.iter().map(|&z| libm::exp((z - max) / t)).collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}
// ANCHOR_END: softmax

/// 以比特为单位的熵 H = −Σ p log2 p：分布越“平”，熵越大。
fn entropy_bits(p: &[f64]) -> f64 {
    -p.iter()
        .filter(|&&x| x > 0.0)
        .map(|&x| x * libm::log2(x))
        .sum::<f64>()
}

fn main() {
    // “我家养了一只” 之后的 5 个候选 token 与模型给出的 logits(示意数值)
    let tokens = ["猫", "狗", "鸟", "鱼", "车"];
    let logits = [3.0, 2.5, 1.0, 0.5, -1.0];

    let mut header = vec!["温度 T".to_owned()];
    header.extend(tokens.iter().map(|t| format!("P({t})")));
    header.push("熵（bit）".to_owned());
    let mut t = Table::new(header).align([Align::Right; 7]);
    for temp in [0.25, 0.5, 1.0, 2.0, 5.0] {
        let p = softmax_with_temperature(&logits, temp);
        let mut row = vec![fixed(temp, 2)];
        row.extend(p.iter().map(|&x| f4(x)));
        row.push(f4(entropy_bits(&p)));
        t.row(row);
    }
    println!("候选 token 的概率随温度变化：");
    print!("{}", t.text());
    println!("均匀分布的熵上限 log2(5) = {}", f4(libm::log2(5.0)));

    // ANCHOR: sample
    let mut rng = seeded(5);
    for temp in [0.25, 1.0, 5.0] {
        let p = softmax_with_temperature(&logits, temp);
        let draws: Vec<&str> = (0..20)
            .map(|_| tokens[weighted_index(&mut rng, &p)])
            .collect();
        println!("温度 T = {}：{}", fixed(temp, 2), draws.concat());
    }
    // ANCHOR_END: sample

    let p1 = softmax_with_temperature(&logits, 1.0);
    value("p_cat_t1", f4(p1[0]));
    value("p_cat_t025", f4(softmax_with_temperature(&logits, 0.25)[0]));
    value("p_cat_t5", f4(softmax_with_temperature(&logits, 5.0)[0]));
}
