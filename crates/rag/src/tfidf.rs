//! TF-IDF 向量与余弦相似度：把文档和查询都变成稀疏向量，用夹角比较。
//! 这是最朴素的“嵌入”：维度就是词表，没有任何学到的语义。

use std::collections::BTreeMap;

/// 一个建好的 TF-IDF 索引：每篇文档一个 L2 归一化的稀疏向量。
#[derive(Debug, Clone)]
pub struct TfIdf {
    idf: BTreeMap<String, f64>,
    vectors: Vec<BTreeMap<String, f64>>,
}

// ANCHOR: tfidf
impl TfIdf {
    /// 建索引。idf = ln((1 + N) / (1 + df)) + 1（scikit-learn 的平滑写法），
    /// 词频取 1 + ln(tf)（次线性），最后每个向量除以自己的长度。
    pub fn new(docs: &[Vec<String>]) -> TfIdf {
        let n = docs.len() as f64;
        let mut df: BTreeMap<String, f64> = BTreeMap::new();
        let counts: Vec<BTreeMap<String, f64>> = docs.iter().map(|d| count(d)).collect();
        for m in &counts {
            for t in m.keys() {
                *df.entry(t.clone()).or_default() += 1.0;
            }
        }
        let idf: BTreeMap<String, f64> = df
            .into_iter()
            .map(|(t, d)| (t, libm::log((1.0 + n) / (1.0 + d)) + 1.0))
            .collect();
        let vectors = counts.iter().map(|m| weigh(m, &idf)).collect();
        TfIdf { idf, vectors }
    }

    /// 查询与每篇文档的余弦相似度。查询中词表以外的词没有 idf，被忽略。
    pub fn scores(&self, query: &[String]) -> Vec<f64> {
        let q = weigh(&count(query), &self.idf);
        self.vectors
            .iter()
            .map(|d| {
                q.iter()
                    .map(|(t, w)| w * d.get(t).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect()
    }
}

fn count(tokens: &[String]) -> BTreeMap<String, f64> {
    let mut m: BTreeMap<String, f64> = BTreeMap::new();
    for t in tokens {
        *m.entry(t.clone()).or_default() += 1.0;
    }
    m
}

fn weigh(counts: &BTreeMap<String, f64>, idf: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let mut v: BTreeMap<String, f64> = counts
        .iter()
        .filter_map(|(t, &c)| idf.get(t).map(|i| (t.clone(), (1.0 + libm::log(c)) * i)))
        .collect();
    let norm = libm::sqrt(v.values().map(|x| x * x).sum::<f64>());
    if norm > 0.0 {
        v.values_mut().for_each(|x| *x /= norm);
    }
    v
}
// ANCHOR_END: tfidf

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn identical_text_has_cosine_one_and_disjoint_zero() {
        let docs = [toks("a b c"), toks("d e")];
        let ix = TfIdf::new(&docs);
        let s = ix.scores(&toks("a b c"));
        assert!((s[0] - 1.0).abs() < 1e-12);
        assert_eq!(s[1], 0.0);
    }

    #[test]
    fn unknown_query_scores_zero_everywhere() {
        let ix = TfIdf::new(&[toks("a"), toks("b")]);
        assert_eq!(ix.scores(&toks("zzz")), [0.0, 0.0]);
    }
}
