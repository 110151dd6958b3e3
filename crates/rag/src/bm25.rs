//! BM25（Robertson & Zaragoza, 2009）：词频饱和、按文档长度归一的词袋打分。

use std::collections::BTreeMap;

/// 一个建好的 BM25 索引。
#[derive(Debug, Clone)]
pub struct Bm25 {
    /// 词频饱和参数 k1：越大，词频的作用越接近线性。
    pub k1: f64,
    /// 长度归一参数 b：0 表示不归一，1 表示完全按长度归一。
    pub b: f64,
    /// 每篇文档的词频表。
    tf: Vec<BTreeMap<String, u32>>,
    /// 每篇文档的长度（词数）。
    len: Vec<usize>,
    /// 平均长度。
    avgdl: f64,
    /// 每个词出现在多少篇文档里。
    df: BTreeMap<String, u32>,
}

// ANCHOR: bm25
impl Bm25 {
    /// 用每篇文档的词序列建索引。
    pub fn new(docs: &[Vec<String>], k1: f64, b: f64) -> Bm25 {
        let mut tf = Vec::with_capacity(docs.len());
        let mut df: BTreeMap<String, u32> = BTreeMap::new();
        for d in docs {
            let mut m: BTreeMap<String, u32> = BTreeMap::new();
            for t in d {
                *m.entry(t.clone()).or_default() += 1;
            }
            for t in m.keys() {
                *df.entry(t.clone()).or_default() += 1;
            }
            tf.push(m);
        }
        let len: Vec<usize> = docs.iter().map(Vec::len).collect();
        let avgdl = len.iter().sum::<usize>() as f64 / docs.len().max(1) as f64;
        Bm25 {
            k1,
            b,
            tf,
            len,
            avgdl,
            df,
        }
    }

    /// 逆文档频率 ln(1 + (N − df + 0.5) / (df + 0.5))：Lucene 的写法，恒为正。
    pub fn idf(&self, term: &str) -> f64 {
        let n = self.tf.len() as f64;
        let df = f64::from(self.df.get(term).copied().unwrap_or(0));
        libm::log(1.0 + (n - df + 0.5) / (df + 0.5))
    }

    /// 查询对每篇文档的分数：对查询里的每个词（重复的词计多次）累加
    /// idf · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl))。
    pub fn scores(&self, query: &[String]) -> Vec<f64> {
        let mut s = vec![0.0; self.tf.len()];
        for q in query {
            let idf = self.idf(q);
            for (d, m) in self.tf.iter().enumerate() {
                let Some(&f) = m.get(q) else { continue };
                let f = f64::from(f);
                let norm = 1.0 - self.b + self.b * self.len[d] as f64 / self.avgdl;
                s[d] += idf * f * (self.k1 + 1.0) / (f + self.k1 * norm);
            }
        }
        s
    }
}
// ANCHOR_END: bm25

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn rarer_terms_weigh_more_and_unseen_docs_score_zero() {
        let docs = [toks("a b"), toks("a c"), toks("a d")];
        let ix = Bm25::new(&docs, 1.2, 0.75);
        assert!(ix.idf("b") > ix.idf("a"));
        let s = ix.scores(&toks("b"));
        assert!(s[0] > 0.0 && s[1] == 0.0 && s[2] == 0.0);
    }

    #[test]
    fn term_frequency_saturates() {
        let docs = [toks("x y"), toks("x x y"), toks("x x x x x x y"), toks("z")];
        let ix = Bm25::new(&docs, 1.2, 0.0);
        let s = ix.scores(&toks("x"));
        let (g1, g2) = (s[1] - s[0], s[2] - s[1]);
        assert!(g1 > 0.0 && g2 > 0.0);
        // 再加 4 次出现得到的分数，不到从 1 次到 2 次的两倍：饱和
        assert!(g2 < 2.0 * g1);
        // 上限是 idf·(k1+1)
        assert!(s[2] < ix.idf("x") * 2.2);
    }

    #[test]
    fn length_normalisation_penalises_long_documents() {
        let docs = [toks("x"), toks("x p q r s t u v")];
        let s = Bm25::new(&docs, 1.2, 0.75).scores(&toks("x"));
        assert!(s[0] > s[1]);
        let s0 = Bm25::new(&docs, 1.2, 0.0).scores(&toks("x"));
        assert_eq!(s0[0], s0[1]);
    }
}
