//! 练习参考答案：给每块加上它所在章节的标题再建索引，看召回率@5 与 MRR 是否改善。

use guide_support::{Table, fixed, value};
use rag::{
    Bench, Bm25, DatasetError, bigrams, chunk_markdown, mean, rank, recall_at_k, reciprocal_rank,
};

fn main() -> Result<(), DatasetError> {
    let bench = Bench::load(
        "book/data/rag/snapshot",
        "book/data/rag/queries.toml",
        |d, p, f| chunk_markdown(d, p, 300, f),
    )?;
    // 文档的第一个标题就是章名；每块的 heading 是它上方最近的小节标题
    let title = |doc: &str| {
        bench
            .docs
            .iter()
            .find(|(n, _)| n == doc)
            .and_then(|(_, p)| p.lines().next())
            .map(|l| l.trim_start_matches('#').trim().to_string())
            .unwrap_or_default()
    };
    let plain: Vec<Vec<String>> = bench.chunks.iter().map(|c| bigrams(&c.text)).collect();
    let titled: Vec<Vec<String>> = bench
        .chunks
        .iter()
        .map(|c| bigrams(&format!("{} / {}\n{}", title(&c.doc), c.heading, c.text)))
        .collect();
    let mut t = Table::numeric(["索引的文本", "召回率@5", "MRR@10"]);
    for (name, key, terms) in [
        ("只有块", "plain", &plain),
        ("章名 / 小节名 + 块", "titled", &titled),
    ] {
        let ix = Bm25::new(terms, 1.2, 0.75);
        let (mut r5, mut rr) = (Vec::new(), Vec::new());
        for (q, rel) in bench.queries.iter().zip(&bench.relevant) {
            let ranked = rank(&ix.scores(&bigrams(&q.text)));
            r5.push(recall_at_k(&ranked, rel, 5));
            rr.push(reciprocal_rank(&ranked, rel, 10));
        }
        value(&format!("{key}_r5"), fixed(mean(&r5), 3));
        value(&format!("{key}_mrr"), fixed(mean(&rr), 3));
        t.row([name.to_string(), fixed(mean(&r5), 3), fixed(mean(&rr), 3)]);
    }
    println!();
    print!("{}", t.text());
    Ok(())
}
