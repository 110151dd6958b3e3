//! 练习解答：top-k 与 top-p(nucleus)截断，只在概率最高的一部分 token 里重新归一化后抽样。

use guide_support::rng::{seeded, weighted_index};
use guide_support::{Table, f4, fixed};

fn softmax(logits: &[f64]) -> Vec<f64> {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits.iter().map(|&z| libm::exp(z - max)).collect();
    let sum: f64 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

/// 概率从大到小排好的下标(概率相同时按下标，保证顺序确定)。
fn sorted_indices(p: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    idx
}

/// 只保留概率最高的 k 个，其余置 0 后重新归一化。
fn top_k(p: &[f64], k: usize) -> Vec<f64> {
    let mut out = vec![0.0; p.len()];
    for &i in sorted_indices(p).iter().take(k) {
        out[i] = p[i];
    }
    let s: f64 = out.iter().sum();
    out.iter().map(|x| x / s).collect()
}

/// 保留累计概率第一次达到 top_p 的最小前缀(Holtzman et al., 2020)，重新归一化。
fn top_p(p: &[f64], top_p: f64) -> Vec<f64> {
    let mut out = vec![0.0; p.len()];
    let mut cum = 0.0;
    for &i in &sorted_indices(p) {
        out[i] = p[i];
        cum += p[i];
        if cum >= top_p {
            break;
        }
    }
    let s: f64 = out.iter().sum();
    out.iter().map(|x| x / s).collect()
}

fn row(t: &mut Table, name: &str, p: &[f64]) {
    let mut cells = vec![name.to_owned()];
    cells.extend(p.iter().map(|&x| f4(x)));
    t.row(cells);
}

fn main() {
    let tokens = ["猫", "狗", "鸟", "鱼", "车"];
    let p = softmax(&[3.0, 2.5, 1.0, 0.5, -1.0]);
    let q = top_p(&p, 0.9);
    let mut t = Table::numeric(["", "猫", "狗", "鸟", "鱼", "车"]);
    row(&mut t, "原分布", &p);
    row(&mut t, "top-k (k=2)", &top_k(&p, 2));
    row(&mut t, "top-p (p=0.9)", &q);
    print!("{}", t.text());

    let mut rng = seeded(5);
    let mut counts = [0_u32; 5];
    for _ in 0..10_000 {
        counts[weighted_index(&mut rng, &q)] += 1;
    }
    let freq: Vec<String> = tokens
        .iter()
        .zip(counts)
        .map(|(t, c)| format!("{t} {}", fixed(f64::from(c) / 10_000.0, 4)))
        .collect();
    println!("top-p 抽样 10000 次的频率：{}", freq.join("  "));
}
