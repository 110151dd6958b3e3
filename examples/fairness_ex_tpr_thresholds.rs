//! 练习参考答案：为每组单独选阈值，使两组 TPR 都约为 80%(机会均等的后处理思路)，再看人口统计均等差如何变化。

use guide_support::num::percent;
use guide_support::rng::{GuideRng, normal, seeded, uniform};
use guide_support::{Align, Table, f4};

/// 与 fairness_metrics 相同的生成方式：(真实标签，打分)。
fn make_group(rng: &mut GuideRng, n: usize, base_rate: f64) -> Vec<(bool, f64)> {
    (0..n)
        .map(|_| {
            let y = uniform(rng) < base_rate;
            let z = if y { 1.0 } else { -1.0 } + normal(rng);
            (y, 1.0 / (1.0 + libm::exp(-2.0 * z)))
        })
        .collect()
}

/// (选择率，TPR)
fn rates(rows: &[(bool, f64)], threshold: f64) -> (f64, f64) {
    let selected = rows.iter().filter(|r| r.1 >= threshold).count();
    let pos = rows.iter().filter(|r| r.0).count();
    let tp = rows.iter().filter(|r| r.0 && r.1 >= threshold).count();
    (selected as f64 / rows.len() as f64, tp as f64 / pos as f64)
}

/// 使 TPR ≥ target 的最高阈值：正例分数从高到低排，取第 ⌈target·P⌉ 个。
fn threshold_for_tpr(rows: &[(bool, f64)], target: f64) -> f64 {
    let mut pos: Vec<f64> = rows.iter().filter(|r| r.0).map(|r| r.1).collect();
    pos.sort_by(|a, b| b.total_cmp(a));
    let k = (target * pos.len() as f64).ceil() as usize;
    pos[k.max(1) - 1]
}

fn main() {
    let mut rng = seeded(1610);
    let a = make_group(&mut rng, 400, 0.5);
    let b = make_group(&mut rng, 400, 0.2);

    let mut t = Table::new([
        "方案",
        "阈值 A",
        "阈值 B",
        "TPR A",
        "TPR B",
        "P(Ŷ=1) A",
        "P(Ŷ=1) B",
        "EO 差",
        "DP 差",
    ])
    .align([Align::Left; 1].into_iter().chain([Align::Right; 8]));
    let plans = [
        ("共同阈值 0.5", 0.5, 0.5),
        (
            "各组阈值，TPR ≈ 80%",
            threshold_for_tpr(&a, 0.8),
            threshold_for_tpr(&b, 0.8),
        ),
    ];
    for (name, ta, tb) in plans {
        let (sa, ra) = rates(&a, ta);
        let (sb, rb) = rates(&b, tb);
        t.row([
            name.to_string(),
            f4(ta),
            f4(tb),
            percent(ra, 1),
            percent(rb, 1),
            percent(sa, 1),
            percent(sb, 1),
            f4((ra - rb).abs()),
            f4((sa - sb).abs()),
        ]);
    }
    print!("{}", t.text());
}
