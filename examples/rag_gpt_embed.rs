//! 用小 GPT 的词嵌入做稠密检索：每块取其 BPE 词元嵌入的平均（均值池化），按余弦相似度排序，在同一个查询集上与随机排序的期望值比较。

use guide_support::{Table, fixed, value};
use rag::{Bench, DatasetError, chunk_markdown, mean, rank, recall_at_k, reciprocal_rank};
use tinygpt::artifact;

// ANCHOR: embed
/// 均值池化：文本的 BPE 词元在嵌入矩阵 wte（vocab × d）中对应行的平均，再归一化成单位长度。
fn embed(tok: &tinygpt::bpe::Tokenizer, wte: &[f32], d: usize, text: &str) -> Vec<f64> {
    let ids = tok.encode(text).expect("字节级 BPE 能编码任何文本");
    let mut v = vec![0.0f64; d];
    for &id in &ids {
        for (j, x) in v.iter_mut().enumerate() {
            *x += f64::from(wte[id as usize * d + j]);
        }
    }
    let norm = libm::sqrt(v.iter().map(|x| x * x).sum::<f64>());
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}
// ANCHOR_END: embed

/// 随机排序时，N 块中有 m 块相关，第一个相关块排在第 r 名的概率是 C(N−r, m−1)/C(N, m)。
fn random_first_rank_probs(n: usize, m: usize, upto: usize) -> Vec<f64> {
    (1..=upto)
        .map(|r| {
            // C(N−r, m−1)/C(N, m) = m/N · Π_{i=1}^{r−1} (N−m−i+1)/(N−i)
            let mut p = m as f64 / n as f64;
            for i in 1..r {
                p *= (n - m - i + 1) as f64 / (n - i) as f64;
            }
            p
        })
        .collect()
}

fn main() -> Result<(), DatasetError> {
    let bench = Bench::load(
        "book/data/rag/snapshot",
        "book/data/rag/queries.toml",
        |d, p, f| chunk_markdown(d, p, 300, f),
    )?;
    let art = artifact::load_checked().expect("提交的小 GPT 权重可以加载");
    value("weights_blake3", &art.hash);
    let (name, shape, wte) = art
        .model
        .tensors()
        .into_iter()
        .find(|(n, _, _)| n == "wte.weight")
        .expect("GPT-2 式的模型有 wte.weight");
    let d = shape[1];
    println!("嵌入矩阵 {name}：{} × {d}", shape[0]);
    value("embed_dim", d);
    let vecs: Vec<Vec<f64>> = bench
        .chunks
        .iter()
        .map(|c| embed(&art.tokenizer, wte, d, &c.text))
        .collect();

    let n = bench.chunks.len();
    // 块与块之间的平均余弦相似度：越接近 1，向量越分不开彼此
    let mut sims = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            sims.push(
                vecs[i]
                    .iter()
                    .zip(&vecs[j])
                    .map(|(a, b)| a * b)
                    .sum::<f64>(),
            );
        }
    }
    value("mean_pairwise_cosine", fixed(mean(&sims), 3));
    let (mut r5, mut rr, mut rand_r5, mut rand_rr) = (vec![], vec![], vec![], vec![]);
    for (q, rel) in bench.queries.iter().zip(&bench.relevant) {
        let qv = embed(&art.tokenizer, wte, d, &q.text);
        let scores: Vec<f64> = vecs
            .iter()
            .map(|v| v.iter().zip(&qv).map(|(a, b)| a * b).sum())
            .collect();
        let ranked = rank(&scores);
        r5.push(recall_at_k(&ranked, rel, 5));
        rr.push(reciprocal_rank(&ranked, rel, 10));
        // 随机排序的期望值：召回率@k 是 k/N；倒数排名按第一个相关块名次的分布求期望
        rand_r5.push(5.0 / n as f64);
        let p = random_first_rank_probs(n, rel.len(), 10);
        rand_rr.push(p.iter().enumerate().map(|(i, p)| p / (i + 1) as f64).sum());
    }
    let mut t = Table::numeric(["方法", "召回率@5", "MRR@10"]);
    t.row([
        "小 GPT 词嵌入均值池化".to_string(),
        fixed(mean(&r5), 3),
        fixed(mean(&rr), 3),
    ]);
    t.row([
        "随机排序（期望值）".to_string(),
        fixed(mean(&rand_r5), 3),
        fixed(mean(&rand_rr), 3),
    ]);
    println!();
    print!("{}", t.text());
    println!();
    value("gpt_r5", fixed(mean(&r5), 3));
    value("gpt_mrr", fixed(mean(&rr), 3));
    value("random_r5", fixed(mean(&rand_r5), 3));
    value("random_mrr", fixed(mean(&rand_rr), 3));
    Ok(())
}
