//! 回译的玩具模拟：用两张极小的短语表代替翻译模型，列出中→英→中往返后每种改写及其概率(不加载任何模型)。
use guide_support::f4;
use std::collections::BTreeMap;

// ANCHOR: tables
/// 玩具“翻译模型”：每个源短语对应若干译文及其概率。真实系统里这是一个神经翻译模型的采样输出。
const ZH_EN: &[(&str, &[(&str, f64)])] = &[
    (
        "这部电影非常好看",
        &[
            ("this movie is really good", 0.6),
            ("this film is very enjoyable", 0.4),
        ],
    ),
    (
        "这部电影不算好看",
        &[
            ("this movie is not that good", 0.7),
            ("this movie is not bad", 0.3),
        ],
    ),
    (
        "我很喜欢",
        &[("I like it a lot", 0.5), ("I really like it", 0.5)],
    ),
    ("，", &[(",", 1.0)]),
    ("。", &[(".", 1.0)]),
];
const EN_ZH: &[(&str, &[(&str, f64)])] = &[
    (
        "this movie is really good",
        &[("这部电影真的很好看", 0.7), ("这部电影确实不错", 0.3)],
    ),
    (
        "this film is very enjoyable",
        &[("这部影片非常有意思", 0.5), ("这部电影很好看", 0.5)],
    ),
    (
        "this movie is not that good",
        &[("这部电影没那么好看", 1.0)],
    ),
    ("this movie is not bad", &[("这部电影还不错", 1.0)]), // 否定被“翻”丢了
    ("I like it a lot", &[("我非常喜欢", 0.5), ("我很喜欢", 0.5)]),
    ("I really like it", &[("我真的很喜欢", 1.0)]),
    (",", &[("，", 1.0)]),
    (".", &[("。", 1.0)]),
];
// ANCHOR_END: tables

fn lookup(
    table: &'static [(&'static str, &'static [(&'static str, f64)])],
    key: &str,
) -> &'static [(&'static str, f64)] {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .expect("玩具短语表里应有这个短语")
}

/// 贪心最长匹配，把中文句子切成短语表里的短语。
fn segment(sentence: &str) -> Vec<&'static str> {
    let mut rest = sentence;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (k, _) = ZH_EN
            .iter()
            .filter(|(k, _)| rest.starts_with(k))
            .max_by_key(|(k, _)| k.len())
            .expect("玩具短语表覆盖不了这句话");
        out.push(*k);
        rest = &rest[k.len()..];
    }
    out
}

// ANCHOR: roundtrip
/// 一个中文短语往返一次的结果分布：P(zh') = Σ_en P(en | zh) · P(zh' | en)。
fn roundtrip(phrase: &str) -> BTreeMap<&'static str, f64> {
    let mut dist = BTreeMap::new();
    for &(en, p1) in lookup(ZH_EN, phrase) {
        for &(zh, p2) in lookup(EN_ZH, en) {
            *dist.entry(zh).or_insert(0.0) += p1 * p2;
        }
    }
    dist
}

/// 整句：各短语独立往返，把结果拼起来，概率相乘。
fn sentence_roundtrip(sentence: &str) -> Vec<(String, f64)> {
    let mut results = vec![(String::new(), 1.0)];
    for phrase in segment(sentence) {
        let mut next = Vec::new();
        for (prefix, p) in &results {
            for (zh, q) in roundtrip(phrase) {
                next.push((format!("{prefix}{zh}"), p * q));
            }
        }
        results = next;
    }
    // 概率从大到小；概率相同时按文本排序，保证输出稳定
    results.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    results
}
// ANCHOR_END: roundtrip

fn main() {
    for (sentence, label) in [
        ("这部电影非常好看，我很喜欢。", "正面"),
        ("这部电影不算好看。", "负面"),
    ] {
        println!("原句[{label}]：{sentence}");
        println!("  切分：{}", segment(sentence).join(" | "));
        for (text, p) in sentence_roundtrip(sentence) {
            let same = if text == sentence {
                "（与原句相同）"
            } else {
                ""
            };
            println!("  {}  {text}{same}", f4(p));
        }
        println!();
    }
}
