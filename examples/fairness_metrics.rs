//! 计算人口统计均等差(各组 P(Ŷ=1) 的极差)与机会均等差(只在 Y=1 的行上算 TPR 的极差)；没有正例的组如实报告为未定义。

use guide_support::num::percent;
use guide_support::rng::{GuideRng, normal, seeded, uniform};
use guide_support::{Table, f4, value};

/// 一行数据：所属组、真实标签、模型打分。
struct Row {
    group: &'static str,
    y: bool,
    score: f64,
}

/// 每组 n 行，正例比例为 base_rate；打分对所有组用同一个规则：
/// 正例的分数偏高、负例偏低，再加噪声。
fn make_group(rng: &mut GuideRng, group: &'static str, n: usize, base_rate: f64) -> Vec<Row> {
    (0..n)
        .map(|_| {
            let y = uniform(rng) < base_rate;
            let z = if y { 1.0 } else { -1.0 } + normal(rng);
            Row {
                group,
                y,
                score: 1.0 / (1.0 + libm::exp(-2.0 * z)),
            }
        })
        .collect()
}

// ANCHOR: metrics
/// 一组的统计量。TPR 在这一组没有正例时是 None(未定义)，而不是 0。
struct GroupStats {
    n: usize,
    positives: usize,
    selection_rate: f64, // P(Ŷ = 1 | A = g)
    tpr: Option<f64>,    // P(Ŷ = 1 | Y = 1, A = g)
}

fn group_stats(rows: &[&Row], threshold: f64) -> GroupStats {
    let selected = rows.iter().filter(|r| r.score >= threshold).count();
    let positives: Vec<&&Row> = rows.iter().filter(|r| r.y).collect();
    let true_pos = positives.iter().filter(|r| r.score >= threshold).count();
    GroupStats {
        n: rows.len(),
        positives: positives.len(),
        selection_rate: selected as f64 / rows.len() as f64,
        tpr: if positives.is_empty() {
            None
        } else {
            Some(true_pos as f64 / positives.len() as f64)
        },
    }
}

/// 极差 max − min；没有任何值时返回 None。
fn spread(values: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = values.collect();
    if v.is_empty() {
        return None;
    }
    let max = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let min = v.iter().cloned().fold(f64::INFINITY, f64::min);
    Some(max - min)
}
// ANCHOR_END: metrics

fn main() {
    let mut rng = seeded(1610);
    let mut data = make_group(&mut rng, "A", 400, 0.5);
    data.extend(make_group(&mut rng, "B", 400, 0.2));
    data.extend(make_group(&mut rng, "C", 30, 0.0)); // 小组，恰好没有正例
    let threshold = 0.5;

    // ANCHOR: report
    let groups = ["A", "B", "C"];
    let stats: Vec<GroupStats> = groups
        .iter()
        .map(|g| {
            let rows: Vec<&Row> = data.iter().filter(|r| r.group == *g).collect();
            group_stats(&rows, threshold)
        })
        .collect();
    let dp = spread(stats.iter().map(|s| s.selection_rate));
    let eo = spread(stats.iter().filter_map(|s| s.tpr));
    let undefined: Vec<&str> = groups
        .iter()
        .zip(&stats)
        .filter(|(_, s)| s.tpr.is_none())
        .map(|(g, _)| *g)
        .collect();
    // ANCHOR_END: report

    let mut t = Table::numeric(["组", "行数", "正例数", "基础率", "P(Ŷ=1)", "TPR"]);
    for (g, s) in groups.iter().zip(&stats) {
        t.row([
            g.to_string(),
            s.n.to_string(),
            s.positives.to_string(),
            percent(s.positives as f64 / s.n as f64, 1),
            percent(s.selection_rate, 1),
            s.tpr
                .map_or("未定义（无正例）".to_string(), |v| percent(v, 1)),
        ]);
    }
    print!("{}", t.text());
    println!();
    value("dp_diff", dp.map_or("未定义".to_string(), f4));
    value("eo_diff", eo.map_or("未定义".to_string(), f4));
    value("eo_undefined_groups", undefined.join(", "));
    // 反面教材：把未定义的 TPR 当成 0
    let eo_wrong = spread(stats.iter().map(|s| s.tpr.unwrap_or(0.0)));
    value(
        "eo_diff_if_undefined_as_zero",
        eo_wrong.map_or("未定义".to_string(), f4),
    );
}
