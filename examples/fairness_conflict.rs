//! 基础率不同时，人口统计均等与机会均等互相牵制：完美分类器满足后者、违反前者；强行均等选择率就要牺牲 TPR 或 FPR。

use guide_support::{Table, fixed};

// ANCHOR: setup
/// 一组里按模型排序后的真实标签：排序完美，正例全部排在负例前面。
fn ranked_labels(n: usize, positives: usize) -> Vec<bool> {
    (0..n).map(|i| i < positives).collect()
}

/// 选中排序最靠前的 k 个，返回 (选择率，TPR, FPR，正确数)。
fn select_top(labels: &[bool], k: usize) -> (f64, f64, f64, usize) {
    let pos = labels.iter().filter(|&&y| y).count();
    let neg = labels.len() - pos;
    let tp = labels[..k].iter().filter(|&&y| y).count();
    let fp = k - tp;
    let correct = tp + (neg - fp);
    (
        k as f64 / labels.len() as f64,
        tp as f64 / pos as f64,
        fp as f64 / neg as f64,
        correct,
    )
}
// ANCHOR_END: setup

fn main() {
    // A 组 100 人中 50 个正例，B 组 100 人中 20 个正例：基础率 0.5 与 0.2。
    let a = ranked_labels(100, 50);
    let b = ranked_labels(100, 20);

    // ANCHOR: policies
    // (策略，A 组选几个，B 组选几个)
    let policies = [
        ("完美分类器 Ŷ = Y", 50, 20),
        ("均等选择率 0.20", 20, 20),
        ("均等选择率 0.35", 35, 35),
        ("均等选择率 0.50", 50, 50),
    ];
    // ANCHOR_END: policies

    let mut t = Table::numeric([
        "策略",
        "选择率 A",
        "选择率 B",
        "TPR A",
        "TPR B",
        "FPR A",
        "FPR B",
        "DP 差",
        "EO 差",
        "FPR 差",
        "准确率",
    ]);
    for (name, ka, kb) in policies {
        let (sa, ta, fa, ca) = select_top(&a, ka);
        let (sb, tb, fb, cb) = select_top(&b, kb);
        let acc = (ca + cb) as f64 / (a.len() + b.len()) as f64;
        t.row([
            name.to_string(),
            fixed(sa, 2),
            fixed(sb, 2),
            fixed(ta, 2),
            fixed(tb, 2),
            fixed(fa, 3),
            fixed(fb, 3),
            fixed((sa - sb).abs(), 2),
            fixed((ta - tb).abs(), 2),
            fixed((fa - fb).abs(), 3),
            fixed(acc, 3),
        ]);
    }
    print!("{}", t.markdown());
}
