//! 练习参考答案：分诊级别有先后(急诊 > 门诊 > 居家观察)，用线性与二次加权 kappa 让“差一级”比“差两级”罚得轻。

use guide_support::{Table, fixed};

// 数据、规则和模型来自正文示例 medical_triage。
#[allow(dead_code)]
#[path = "medical_triage.rs"]
mod medical;
use medical::{LABELS, dataset, red_flag, train_nb, triage};

// ANCHOR: weighted
/// 加权 kappa:κ_w = 1 − Σ w_ij·o_ij / Σ w_ij·e_ij。
/// o 是观察到的联合比例，e 是两边边际比例之积(机会一致)，w 是不一致的代价。
fn weighted_kappa(
    reference: &[usize],
    system: &[usize],
    k: usize,
    w: impl Fn(usize, usize) -> f64,
) -> f64 {
    let n = reference.len() as f64;
    let mut o = vec![vec![0.0; k]; k];
    for (&r, &s) in reference.iter().zip(system) {
        o[r][s] += 1.0 / n;
    }
    let row: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
    let col: Vec<f64> = (0..k).map(|j| o.iter().map(|r| r[j]).sum()).collect();
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            num += w(i, j) * o[i][j];
            den += w(i, j) * row[i] * col[j];
        }
    }
    1.0 - num / den
}
// ANCHOR_END: weighted

fn main() {
    let (train, test) = dataset();
    let nb = train_nb(&train);
    let reference: Vec<usize> = test.iter().map(|(l, _)| *l).collect();
    let rules_only: Vec<usize> = test
        .iter()
        .map(|(_, t)| if red_flag(t) { 0 } else { 1 })
        .collect();
    let combined: Vec<usize> = test.iter().map(|(_, t)| triage(&nb, t)).collect();

    let k = LABELS.len();
    let d = |i: usize, j: usize| i.abs_diff(j) as f64 / (k - 1) as f64;
    let mut t = Table::numeric(["方案", "κ(不加权)", "线性加权 κ", "二次加权 κ"]);
    for (name, sys) in [
        ("只用规则（其余判门诊）", &rules_only),
        ("规则 + 模型", &combined),
    ] {
        t.row([
            name.to_string(),
            // 0/1 权重时加权 kappa 就是普通的 Cohen's kappa
            fixed(
                weighted_kappa(&reference, sys, k, |i, j| if i == j { 0.0 } else { 1.0 }),
                3,
            ),
            fixed(weighted_kappa(&reference, sys, k, d), 3),
            fixed(
                weighted_kappa(&reference, sys, k, |i, j| d(i, j) * d(i, j)),
                3,
            ),
        ]);
    }
    print!("{}", t.text());
}
