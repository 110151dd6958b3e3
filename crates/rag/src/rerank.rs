//! 重排序的第二个打分器。
//!
//! 真实系统的重排器是交叉编码器：把查询和候选块拼在一起送进一个 Transformer，
//! 直接输出相关性（Nogueira & Cho, 2019）。本书没有这样的模型，这里用一个
//! 手写的“交叉”打分器代替：它同样同时看查询和块，但只看字面，没有任何学到的语义。

use crate::Bm25;

// ANCHOR: coverage
/// 覆盖度打分：查询中不同的二元组有多大比例（按 idf 加权）出现在块里，
/// 再加上查询与块的最长公共子串占查询长度的比例乘以 `phrase_weight`。
///
/// 与 BM25 的区别：一个词在块里出现一次和出现十次得分一样，长块不吃亏也不占便宜；
/// 连续匹配的长片段（短语）额外加分。
pub fn coverage_score(
    index: &Bm25,
    query_text: &str,
    query_terms: &[String],
    chunk_text: &str,
    chunk_terms: &[String],
    phrase_weight: f64,
) -> f64 {
    let mut distinct: Vec<&String> = query_terms.iter().collect();
    distinct.sort();
    distinct.dedup();
    let (mut hit, mut total) = (0.0, 0.0);
    for t in distinct {
        let w = index.idf(t);
        total += w;
        if chunk_terms.contains(t) {
            hit += w;
        }
    }
    let coverage = if total > 0.0 { hit / total } else { 0.0 };
    let q: Vec<char> = query_text.chars().filter(|c| !c.is_whitespace()).collect();
    let lcs = longest_common_substring(&q, &chunk_text.chars().collect::<Vec<_>>());
    coverage + phrase_weight * lcs as f64 / q.len().max(1) as f64
}
// ANCHOR_END: coverage

/// 最长公共子串的长度（动态规划，只保留一行）。
fn longest_common_substring(a: &[char], b: &[char]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut best = 0;
    for &x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            if x == y {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bigrams;

    #[test]
    fn lcs_finds_the_longest_shared_run() {
        let a: Vec<char> = "学习率预热".chars().collect();
        let b: Vec<char> = "余弦学习率衰减".chars().collect();
        assert_eq!(longest_common_substring(&a, &b), 3);
    }

    #[test]
    fn coverage_counts_each_term_once() {
        let docs = vec![bigrams("梯度裁剪"), bigrams("学习率"), bigrams("显存")];
        let ix = Bm25::new(&docs, 1.2, 0.75);
        let q = "梯度裁剪";
        let once = coverage_score(&ix, q, &bigrams(q), "梯度裁剪", &bigrams("梯度裁剪"), 0.0);
        let many = coverage_score(
            &ix,
            q,
            &bigrams(q),
            "梯度裁剪梯度裁剪",
            &bigrams("梯度裁剪梯度裁剪"),
            0.0,
        );
        assert!((once - 1.0).abs() < 1e-12);
        assert!((many - 1.0).abs() < 1e-12);
        let none = coverage_score(&ix, q, &bigrams(q), "显存", &bigrams("显存"), 1.0);
        assert_eq!(none, 0.0);
    }
}
