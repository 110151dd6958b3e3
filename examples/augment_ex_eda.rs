//! 练习参考答案：EDA 中的随机交换与随机删除(固定种子)，以及它们各自可能破坏的东西。
use guide_support::rng::{GuideRng, seeded, uniform};

/// 随机选一个下标。
fn pick(rng: &mut GuideRng, n: usize) -> usize {
    ((uniform(rng) * n as f64) as usize).min(n - 1)
}

/// 随机交换：重复 n 次，每次随机挑两个位置互换。
fn random_swap(words: &[&str], n: usize, rng: &mut GuideRng) -> String {
    let mut w = words.to_vec();
    for _ in 0..n {
        let (i, j) = (pick(rng, w.len()), pick(rng, w.len()));
        w.swap(i, j);
    }
    w.join(" ")
}

/// 随机删除：每个词以概率 p 删掉；全删光时随机留一个(EDA 论文的做法)。
fn random_delete(words: &[&str], p: f64, rng: &mut GuideRng) -> String {
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|_| uniform(rng) >= p)
        .collect();
    if kept.is_empty() {
        return words[pick(rng, words.len())].to_string();
    }
    kept.join(" ")
}

fn main() {
    let mut rng = seeded(99);
    let sentence = "这家 餐厅 的 菜 不 好吃 ， 但 服务 很 热情";
    let words: Vec<&str> = sentence.split(' ').collect();
    println!("原句：{sentence}");
    for k in 1..=3 {
        println!("随机交换 {k}：{}", random_swap(&words, 1, &mut rng));
    }
    for k in 1..=3 {
        println!("随机删除 {k}：{}", random_delete(&words, 0.2, &mut rng));
    }
    // 删掉“不”会把差评变成好评：对否定词、程度词要排除在外
    let without_neg: Vec<&str> = words.iter().copied().filter(|w| *w != "不").collect();
    println!("若恰好删掉“不”：{}", without_neg.join(" "));
}
