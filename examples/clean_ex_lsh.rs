//! 练习参考答案：LSH 分桶(b 个桶、每桶 r 行)下，Jaccard 为 s 的一对文档成为候选对的概率 1 - (1 - s^r)^b。
use guide_support::{Align, Table, f4, fixed};

fn candidate_probability(s: f64, bands: i32, rows: i32) -> f64 {
    1.0 - libm::pow(1.0 - libm::pow(s, f64::from(rows)), f64::from(bands))
}

fn main() {
    let configs = [(20, 5), (10, 10), (32, 4)]; // 每种都用 100 或 128 个哈希
    let mut header = vec!["Jaccard s".to_string()];
    header.extend(configs.iter().map(|(b, r)| format!("b={b}, r={r}")));
    let mut t = Table::new(header).align([Align::Right; 4]);
    for s in [0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
        let mut row = vec![fixed(s, 1)];
        row.extend(
            configs
                .iter()
                .map(|&(b, r)| f4(candidate_probability(s, b, r))),
        );
        t.row(row);
    }
    print!("{}", t.text());
    println!();
    // S 形曲线最陡处大约在 (1/b)^(1/r)
    for (b, r) in configs {
        println!(
            "b={b}, r={r}：阈值约 (1/b)^(1/r) = {}",
            f4(libm::pow(1.0 / f64::from(b), 1.0 / f64::from(r)))
        );
    }
}
