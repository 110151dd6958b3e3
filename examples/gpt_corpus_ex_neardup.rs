//! 练习：近重复的阈值取多少合适？在精确去重后的唐诗上统计各个 Jaccard 区间的诗对，并列出 0.5 到 0.8 之间的那些。
use std::collections::BTreeSet;

use guide_support::{Align, Table, num};
use tinygpt::corpus::{self, Poem, dedupe, jaccard, normalize, shingles, strip_notes};

fn main() -> Result<(), corpus::CorpusError> {
    // 与 corpus::clean 相同的前几步：删校注、规范化后精确去重；不做近重复去除
    let raw = corpus::read_default()?;
    let keys: Vec<String> = raw
        .iter()
        .map(|p| normalize(&strip_notes(&p.text())))
        .collect();
    let kept = dedupe(&keys);
    let poems: Vec<&Poem> = kept.iter().map(|&i| &raw[i]).collect();
    let sets: Vec<BTreeSet<String>> = kept
        .iter()
        .map(|&i| {
            shingles(
                &keys[i]
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .collect::<String>(),
                3,
            )
        })
        .collect();

    let bins = [(0.1, 0.3), (0.3, 0.5), (0.5, 0.8), (0.8, 1.01)];
    let mut counts = [0usize; 4];
    let mut t =
        Table::new(["Jaccard", "诗 A", "诗 B"]).align([Align::Right, Align::Left, Align::Left]);
    for i in 0..poems.len() {
        for j in i + 1..poems.len() {
            let s = jaccard(&sets[i], &sets[j]);
            for (k, &(lo, hi)) in bins.iter().enumerate() {
                if s >= lo && s < hi {
                    counts[k] += 1;
                }
            }
            if (0.5..0.8).contains(&s) {
                let name = |p: &Poem| format!("《{}》{}", p.title, p.author);
                t.row([num::fixed(s, 3), name(poems[i]), name(poems[j])]);
            }
        }
    }
    println!("精确去重后 {} 首诗：", poems.len());
    for ((lo, hi), n) in bins.iter().zip(counts) {
        let hi = if *hi > 1.0 {
            "1.0]".to_string()
        } else {
            format!("{hi})")
        };
        println!("  Jaccard ∈ [{lo}, {hi}：{n} 对");
    }
    println!();
    println!("0.5 ≤ Jaccard < 0.8 的诗对（阈值取 0.8 就会漏掉）：");
    print!("{}", t.text());
    Ok(())
}
