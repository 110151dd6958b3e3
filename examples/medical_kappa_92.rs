//! 同样是 92% 的原始一致率：四个二分类场景的 Cohen's kappa 相差悬殊，取决于类别是否失衡、少数类被识别了多少。

use guide_support::{Align, Table, fixed, value};

// ANCHOR: kappa
/// 2×2 一致性表：a = 两者都判阳性，b = 参考阳性而评估者阴性，c = 参考阴性而评估者阳性，d = 都判阴性。
fn kappa(a: u32, b: u32, c: u32, d: u32) -> (f64, f64, f64) {
    let n = f64::from(a + b + c + d);
    let p_o = f64::from(a + d) / n;
    let ref_pos = f64::from(a + b) / n; // 参考标注判阳性的比例
    let rater_pos = f64::from(a + c) / n; // 评估者判阳性的比例
    let p_e = ref_pos * rater_pos + (1.0 - ref_pos) * (1.0 - rater_pos);
    (p_o, p_e, (p_o - p_e) / (1.0 - p_e))
}
// ANCHOR_END: kappa

fn main() {
    // 每个场景 100 份病历，两者一致的都是 92 份
    let scenarios = [
        ("A", "阳性占一半", (46, 4, 4, 46)),
        ("B", "阳性占 10%，错误对半", (6, 4, 4, 86)),
        ("C", "阳性占 10%，大多漏报", (2, 8, 0, 90)),
        ("D", "阳性占 8%，从不报阳性", (0, 8, 0, 92)),
    ];
    let mut t = Table::new([
        "场景",
        "说明",
        "a",
        "b",
        "c",
        "d",
        "p_o",
        "p_e",
        "κ",
        "阳性召回",
    ])
    .align([
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    let mut kappas = Vec::new();
    for (id, what, (a, b, c, d)) in scenarios {
        let (p_o, p_e, k) = kappa(a, b, c, d);
        let recall = f64::from(a) / f64::from(a + b);
        t.row([
            id.to_string(),
            what.to_string(),
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d.to_string(),
            fixed(p_o, 2),
            fixed(p_e, 3),
            fixed(k, 3),
            fixed(recall, 2),
        ]);
        kappas.push((id.to_lowercase(), k));
    }
    print!("{}", t.text());
    println!();
    for (id, k) in kappas {
        value(&format!("kappa_{id}"), fixed(k, 3));
    }
}
