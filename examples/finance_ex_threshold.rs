//! 练习参考答案：扫描朴素贝叶斯的报警阈值，看精确率、召回率、误报率怎样此消彼长，并找出误报率不超过 2% 的最低阈值。

use guide_support::rng::{seeded, shuffle};
use guide_support::{Align, Table, fixed, value};

// 数据、模型和混淆矩阵都来自正文示例 finance_fraud。
#[allow(dead_code)]
#[path = "finance_fraud.rs"]
mod fraud;
use fraud::{Confusion, generate, p_fraud, train_nb};

// ANCHOR: sweep
fn main() {
    let mut data = generate(1000, 0.10, 2025);
    shuffle(&mut seeded(1), &mut data);
    let (train, test) = data.split_at(700);
    let nb = train_nb(train);
    let truth: Vec<bool> = test.iter().map(|(f, _)| *f).collect();
    let scores: Vec<f64> = test.iter().map(|(_, t)| p_fraud(&nb, t)).collect();

    let pct = |x: f64| fixed(x * 100.0, 1);
    let mut t = Table::new(["阈值", "报警数", "精确率 %", "召回率 %", "误报率 FPR %"])
        .align([Align::Right; 5]);
    let mut chosen = None;
    // 朴素贝叶斯的后验往往挤在 0 和 1 附近，所以阈值要取到 0.999 这样的位置才看得出变化
    for th in [0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999] {
        let alarms: Vec<bool> = scores.iter().map(|&p| p >= th).collect();
        let m = Confusion::new(&truth, &alarms);
        if chosen.is_none() && m.fpr() <= 0.02 {
            chosen = Some((th, m.recall()));
        }
        t.row([
            fixed(th, 5),
            (m.tp + m.fp).to_string(),
            pct(m.precision()),
            pct(m.recall()),
            pct(m.fpr()),
        ]);
    }
    print!("{}", t.text());
    println!();
    if let Some((th, recall)) = chosen {
        value("threshold_fpr_2pct", fixed(th, 5));
        value("recall_at_that_threshold", pct(recall));
    }
}
// ANCHOR_END: sweep
