//! 排序与检索指标。

// ANCHOR: metrics
/// 按分数从高到低排出文档下标；分数相同时下标小的在前，排序因此与平台无关。
pub fn rank(scores: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    idx
}

/// 召回率@k：相关块中有多大比例出现在前 k 名里。没有相关块时为 0。
pub fn recall_at_k(ranked: &[usize], relevant: &[usize], k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let hits = ranked
        .iter()
        .take(k)
        .filter(|i| relevant.contains(i))
        .count();
    hits as f64 / relevant.len() as f64
}

/// 倒数排名：第一个相关块排在第 r 名（从 1 数起）时为 1/r，前 `cutoff` 名里没有则为 0。
/// 对查询取平均就是 MRR。
pub fn reciprocal_rank(ranked: &[usize], relevant: &[usize], cutoff: usize) -> f64 {
    ranked
        .iter()
        .take(cutoff)
        .position(|i| relevant.contains(i))
        .map_or(0.0, |p| 1.0 / (p + 1) as f64)
}
// ANCHOR_END: metrics

/// 算术平均，按下标顺序求和；空序列为 0。
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_breaks_ties_by_index() {
        assert_eq!(rank(&[0.5, 0.9, 0.5, 0.1]), [1, 0, 2, 3]);
    }

    #[test]
    fn recall_and_reciprocal_rank() {
        let ranked = [3, 1, 4, 0, 2];
        assert_eq!(recall_at_k(&ranked, &[4, 2], 3), 0.5);
        assert_eq!(recall_at_k(&ranked, &[4, 2], 5), 1.0);
        assert_eq!(reciprocal_rank(&ranked, &[4, 2], 10), 1.0 / 3.0);
        assert_eq!(reciprocal_rank(&ranked, &[2], 3), 0.0);
        assert_eq!(recall_at_k(&ranked, &[], 3), 0.0);
    }
}
