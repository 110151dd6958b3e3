//! 练习参考答案：不同噪声比例下，置信学习与"预测类别 ≠ 给定标签"基线的查准率和查全率。

use guide_support::num::percent;
use guide_support::rng::seeded;
use guide_support::{Align, Table, value};

// 数据、交叉验证与置信联合矩阵来自正文示例 noise_confident_learning。
#[allow(dead_code)]
#[path = "noise_confident_learning.rs"]
mod confident;
use confident::{
    K, confident_joint, drop_if_given_is_argmax, make_blobs, out_of_sample_probs, plant_noise,
    thresholds,
};

/// 基线：样本外概率的 argmax 与给定标签不同就判为错标。
fn argmax_disagrees(probs: &[[f64; K]], labels: &[usize]) -> Vec<bool> {
    probs
        .iter()
        .zip(labels)
        .map(|(p, &l)| (0..K).any(|j| p[j] > p[l]))
        .collect()
}

fn precision_recall(flags: &[bool], flipped: &[bool]) -> (String, String) {
    let flagged = flags.iter().filter(|&&f| f).count();
    let planted = flipped.iter().filter(|&&f| f).count();
    let hits = flags
        .iter()
        .zip(flipped)
        .filter(|(a, b)| **a && **b)
        .count();
    let p = if flagged == 0 {
        "—".to_string()
    } else {
        percent(hits as f64 / flagged as f64, 1)
    };
    (p, percent(hits as f64 / planted as f64, 1))
}

fn main() {
    let mut t = Table::new([
        "噪声比例",
        "置信学习 查准率",
        "置信学习 查全率",
        "cleanlab 规则 查准率",
        "cleanlab 规则 查全率",
        "argmax 基线 查准率",
        "argmax 基线 查全率",
    ])
    .align([Align::Right; 7]);
    let mut last = None;
    for rate in [0.05, 0.10, 0.20, 0.30] {
        let mut rng = seeded(2021);
        let (xs, y_true) = make_blobs(&mut rng);
        let (labels, flipped) = plant_noise(&mut rng, &y_true, rate);
        let probs = out_of_sample_probs(&mut rng, &xs, &labels);
        let th = thresholds(&probs, &labels);
        let (_, suspect) = confident_joint(&probs, &labels, &th);
        let (cp, cr) = precision_recall(&suspect, &flipped);
        let (lp, lr) = precision_recall(
            &drop_if_given_is_argmax(&probs, &labels, &suspect),
            &flipped,
        );
        let (bp, br) = precision_recall(&argmax_disagrees(&probs, &labels), &flipped);
        if rate == 0.30 {
            last = Some([cp.clone(), cr.clone(), lp.clone(), lr.clone()]);
        }
        t.row([percent(rate, 0), cp, cr, lp, lr, bp, br]);
    }
    print!("{}", t.text());
    if let Some([cp, cr, lp, lr]) = last {
        println!();
        value("book_precision_30", cp);
        value("book_recall_30", cr);
        value("cleanlab_precision_30", lp);
        value("cleanlab_recall_30", lr);
    }
}
