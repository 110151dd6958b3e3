//! 近重复检测：字符 3-gram 切片的 Jaccard 相似度，以及用固定种子哈希族计算的 MinHash 估计。
use guide_support::rng::seeded;
use guide_support::{Align, Table, f4, value};
use rand::RngExt;
use std::collections::BTreeSet;
// 切片、Jaccard 与 FNV-1a 在 tinygpt 的 corpus 模块里：全链路一章给唐诗语料去近重复用的是同一份代码。
use tinygpt::corpus::{fnv1a, jaccard, shingles};

// ANCHOR: minhash
const P: u64 = (1 << 61) - 1; // 梅森素数 2^61 - 1

/// k 个哈希函数 h_i(x) = (a_i·x + b_i) mod P，参数由固定种子生成。
fn hash_family(k: usize, seed: u64) -> Vec<(u64, u64)> {
    let mut rng = seeded(seed);
    (0..k)
        .map(|_| (rng.random_range(1..P), rng.random_range(0..P)))
        .collect()
}

/// MinHash 签名：每个哈希函数下，集合中所有切片哈希值的最小值。
fn signature(set: &BTreeSet<String>, family: &[(u64, u64)]) -> Vec<u64> {
    family
        .iter()
        .map(|&(a, b)| {
            set.iter()
                .map(|s| {
                    ((u128::from(a) * u128::from(fnv1a(s) % P) + u128::from(b)) % u128::from(P))
                        as u64
                })
                .min()
                .expect("集合非空")
        })
        .collect()
}

/// 两个签名逐位相等的比例，是 Jaccard 相似度的无偏估计。
fn estimate(s1: &[u64], s2: &[u64]) -> f64 {
    s1.iter().zip(s2).filter(|(x, y)| x == y).count() as f64 / s1.len() as f64
}
// ANCHOR_END: minhash

fn main() {
    let docs = [
        (
            "A",
            "大模型训练需要大量高质量数据，重复样本会让模型死记硬背。",
        ),
        (
            "B",
            "大模型训练需要大量高质量的数据，重复样本会让模型死记硬背。",
        ),
        (
            "C",
            "大模型训练需要海量高质量数据，重复的样本会让模型死记硬背！",
        ),
        ("D", "学习率预热可以稳定训练初期的更新。"),
        ("E", "学习率预热可以稳定训练初期的更新"),
        ("F", "今天的天气很好，适合出门散步。"),
    ];
    for (name, text) in docs {
        println!("{name}：{text}");
    }
    println!();
    const K: usize = 128;
    const THRESHOLD: f64 = 0.7;
    let family = hash_family(K, 20240601);
    let sets: Vec<BTreeSet<String>> = docs.iter().map(|(_, t)| shingles(t, 3)).collect();
    let sigs: Vec<Vec<u64>> = sets.iter().map(|s| signature(s, &family)).collect();

    let mut t = Table::new([
        "文档对",
        "精确 Jaccard",
        "MinHash 估计（k=128）",
        "近重复？",
    ])
    .align([Align::Left, Align::Right, Align::Right, Align::Center]);
    for (i, j) in [(0, 1), (0, 2), (1, 2), (3, 4), (0, 3), (0, 5)] {
        let exact = jaccard(&sets[i], &sets[j]);
        let est = estimate(&sigs[i], &sigs[j]);
        let dup = if est >= THRESHOLD { "是" } else { "否" };
        t.row([
            format!("{}-{}", docs[i].0, docs[j].0),
            f4(exact),
            f4(est),
            dup.to_string(),
        ]);
        if (i, j) == (0, 2) {
            value("jaccard_ac", f4(exact));
        }
    }
    println!("判定阈值：MinHash 估计 ≥ {}", f4(THRESHOLD));
    print!("{}", t.text());
    println!();
    // 估计的标准误差 √(J(1-J)/k):J = 0.5 时最大
    value("stderr_max", f4((0.25 / K as f64).sqrt()));
}
