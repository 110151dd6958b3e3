//! 练习：精确去重之后还剩哪些近重复？用数据清洗一章的字符 3-gram Jaccard 两两比较保留下来的诗。
use std::collections::HashSet;

use guide_support::{Align, Table, num};
use tinygpt::corpus::{self, Poem};

/// 字符 n-gram 集合(去掉标点和换行，只看字)
fn shingles(p: &Poem, n: usize) -> HashSet<String> {
    let chars: Vec<char> = p.text().chars().filter(|c| c.is_alphabetic()).collect();
    chars.windows(n).map(|w| w.iter().collect()).collect()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    inter as f64 / union as f64
}

fn main() -> Result<(), corpus::CorpusError> {
    let (poems, _) = corpus::clean(corpus::read_default()?);
    let sets: Vec<HashSet<String>> = poems.iter().map(|p| shingles(p, 3)).collect();
    const THRESHOLD: f64 = 0.5;
    let mut t =
        Table::new(["Jaccard", "诗 A", "诗 B"]).align([Align::Right, Align::Left, Align::Left]);
    let mut pairs = 0;
    for i in 0..poems.len() {
        for j in i + 1..poems.len() {
            let s = jaccard(&sets[i], &sets[j]);
            if s >= THRESHOLD {
                pairs += 1;
                let name = |p: &Poem| format!("《{}》{}", p.title, p.author);
                t.row([num::fixed(s, 3), name(&poems[i]), name(&poems[j])]);
            }
        }
    }
    println!(
        "{} 首诗，{} 对两两比较，Jaccard ≥ {THRESHOLD} 的有 {pairs} 对：",
        poems.len(),
        poems.len() * (poems.len() - 1) / 2
    );
    print!("{}", t.text());
    Ok(())
}
