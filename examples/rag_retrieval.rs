//! 检索增强生成的检索一半：在本书 13 章的快照上分块，比较 BM25、TF-IDF 余弦、重排序与倒数排名融合，用 40 个带标注的查询算召回率@k 与 MRR。

use guide_support::{Table, fixed, value};
use rag::{
    Bench, Bm25, Chunk, DatasetError, TfIdf, bigrams, chunk_markdown, coverage_score, mean, rank,
    recall_at_k, reciprocal_rank, unigrams_and_bigrams,
};
use tinygpt::bpe::Tokenizer;

const SNAPSHOT: &str = "book/data/rag/snapshot";
const QUERIES: &str = "book/data/rag/queries.toml";
/// 每块最多多少个字符。
const MAX_CHARS: usize = 300;
/// 重排序只看 BM25 的前多少名。
const CANDIDATES: usize = 20;

// ANCHOR: methods
/// 给定查询，返回全部块按相关程度排好的编号。
type Retriever<'a> = Box<dyn Fn(&str) -> Vec<usize> + 'a>;

/// 一种检索方法。
struct Method<'a> {
    name: &'static str,
    key: &'static str,
    run: Retriever<'a>,
}

/// 全链路实战部分在唐诗上训练的字节级 BPE 分词器。
const TOKENIZER: &str = include_str!("../book/data/tinygpt/tokenizer.json");

/// 用小 GPT 的 BPE 分词：每个词元编号当作一个“词”。
fn bpe_terms(tok: &Tokenizer, text: &str) -> Vec<String> {
    tok.encode(text)
        .expect("字节级 BPE 能编码任何文本")
        .into_iter()
        .map(|id| id.to_string())
        .collect()
}

fn methods<'a>(
    chunks: &'a [Chunk],
    bm25: &'a Bm25,
    tfidf: &'a TfIdf,
    bpe: (&'a Tokenizer, &'a Bm25),
) -> Vec<Method<'a>> {
    let terms: Vec<Vec<String>> = chunks.iter().map(|c| bigrams(&c.text)).collect();
    let bm25_rank = move |q: &str| rank(&bm25.scores(&bigrams(q)));
    let tfidf_rank = move |q: &str| rank(&tfidf.scores(&unigrams_and_bigrams(q)));
    vec![
        Method {
            name: "BM25（字二元组）",
            key: "bm25",
            run: Box::new(bm25_rank),
        },
        Method {
            name: "TF-IDF 余弦（单字 + 二元组）",
            key: "tfidf",
            run: Box::new(tfidf_rank),
        },
        Method {
            name: "BM25 前 20 名 + 覆盖度重排",
            key: "rerank",
            run: Box::new(move |q: &str| {
                let first = bm25_rank(q);
                let qt = bigrams(q);
                let mut top: Vec<(usize, f64)> = first[..CANDIDATES]
                    .iter()
                    .map(|&i| {
                        (
                            i,
                            coverage_score(bm25, q, &qt, &chunks[i].text, &terms[i], 1.0),
                        )
                    })
                    .collect();
                // 分数相同时保持 BM25 的先后（sort_by 是稳定排序）
                top.sort_by(|a, b| b.1.total_cmp(&a.1));
                let mut out: Vec<usize> = top.into_iter().map(|(i, _)| i).collect();
                out.extend_from_slice(&first[CANDIDATES..]);
                out
            }),
        },
        Method {
            name: "BM25（小 GPT 的 BPE 词元）",
            key: "bpe",
            run: Box::new(move |q: &str| rank(&bpe.1.scores(&bpe_terms(bpe.0, q)))),
        },
        Method {
            name: "倒数排名融合（BM25 + TF-IDF）",
            key: "rrf",
            run: Box::new(move |q: &str| {
                // RRF：每种方法里排第 r 名贡献 1/(60 + r)（Cormack et al., 2009 的 k = 60）
                let mut s = vec![0.0; chunks.len()];
                for ranked in [bm25_rank(q), tfidf_rank(q)] {
                    for (r, &i) in ranked.iter().enumerate() {
                        s[i] += 1.0 / (60.0 + (r + 1) as f64);
                    }
                }
                rank(&s)
            }),
        },
    ]
}
// ANCHOR_END: methods

/// 全部块的字符总数。
fn c_len(chunks: &[Chunk]) -> usize {
    chunks.iter().map(|c| c.text.chars().count()).sum()
}

fn main() -> Result<(), DatasetError> {
    // ANCHOR: corpus
    let bench = Bench::load(SNAPSHOT, QUERIES, |doc, prose, first| {
        chunk_markdown(doc, prose, MAX_CHARS, first)
    })?;
    let (docs, chunks, relevant) = (&bench.docs, &bench.chunks, &bench.relevant);
    let bm25 = Bm25::new(
        &chunks.iter().map(|c| bigrams(&c.text)).collect::<Vec<_>>(),
        1.2,
        0.75,
    );
    let tfidf = TfIdf::new(
        &chunks
            .iter()
            .map(|c| unigrams_and_bigrams(&c.text))
            .collect::<Vec<_>>(),
    );
    // ANCHOR_END: corpus

    let lens: Vec<f64> = chunks
        .iter()
        .map(|c| c.text.chars().count() as f64)
        .collect();
    value("docs", docs.len());
    value("chunks", chunks.len());
    value("mean_chunk_chars", fixed(mean(&lens), 0));
    value("queries", bench.queries.len());
    value(
        "one_query_weight",
        fixed(1.0 / bench.queries.len() as f64, 3),
    );
    let multi = relevant.iter().filter(|r| r.len() > 1).count();
    value("queries_with_several_relevant", multi);
    println!();

    let tok = Tokenizer::from_json(TOKENIZER).expect("提交的 tokenizer.json 合法");
    let bpe_index = Bm25::new(
        &chunks
            .iter()
            .map(|c| bpe_terms(&tok, &c.text))
            .collect::<Vec<_>>(),
        1.2,
        0.75,
    );
    // 这个分词器在技术文章上切得怎样：每个字符平均几个词元，多少词元只是单个字节
    let (mut toks, mut bytes) = (0usize, 0usize);
    for c in chunks {
        let ids = tok.encode(&c.text).expect("能编码");
        toks += ids.len();
        bytes += ids.iter().filter(|&&id| (1..=256).contains(&id)).count();
    }
    value("bpe_vocab", tok.vocab_size());
    value(
        "bpe_tokens_per_char",
        fixed(toks as f64 / c_len(chunks) as f64, 2),
    );
    value(
        "bpe_byte_token_share",
        fixed(bytes as f64 / toks as f64 * 100.0, 1),
    );
    println!();
    let methods = methods(chunks, &bm25, &tfidf, (&tok, &bpe_index));
    // ANCHOR: evaluate
    let ks = [1, 3, 5, 10];
    let mut t = Table::numeric([
        "方法",
        "召回率@1",
        "召回率@3",
        "召回率@5",
        "召回率@10",
        "MRR@10",
    ]);
    let mut ranks: Vec<Vec<usize>> = Vec::new(); // 每种方法、每个查询：第一个相关块的名次
    for m in &methods {
        let runs: Vec<Vec<usize>> = bench.queries.iter().map(|q| (m.run)(&q.text)).collect();
        let mut row = vec![m.name.to_string()];
        for k in ks {
            let r: Vec<f64> = runs
                .iter()
                .zip(relevant)
                .map(|(x, rel)| recall_at_k(x, rel, k))
                .collect();
            row.push(fixed(mean(&r), 3));
            value(&format!("{}_r{k}", m.key), fixed(mean(&r), 3));
        }
        let rr: Vec<f64> = runs
            .iter()
            .zip(relevant)
            .map(|(x, rel)| reciprocal_rank(x, rel, 10))
            .collect();
        row.push(fixed(mean(&rr), 3));
        value(&format!("{}_mrr", m.key), fixed(mean(&rr), 3));
        t.row(row);
        ranks.push(
            runs.iter()
                .zip(relevant)
                .map(|(x, rel)| x.iter().position(|i| rel.contains(i)).map_or(0, |p| p + 1))
                .collect(),
        );
    }
    // ANCHOR_END: evaluate
    println!();
    print!("{}", t.text());
    println!();

    // 按查询类型分开看召回率@5
    let mut kinds: Vec<&str> = bench.queries.iter().map(|q| q.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut header = vec!["查询类型（个数）".to_string()];
    header.extend(methods.iter().map(|m| m.key.to_string()));
    let mut t = Table::numeric(header);
    for kind in &kinds {
        let idx: Vec<usize> = (0..bench.queries.len())
            .filter(|&i| bench.queries[i].kind == *kind)
            .collect();
        let mut row = vec![format!("{kind}（{}）", idx.len())];
        for m in &methods {
            let r: Vec<f64> = idx
                .iter()
                .map(|&i| recall_at_k(&(m.run)(&bench.queries[i].text), &relevant[i], 5))
                .collect();
            row.push(fixed(mean(&r), 3));
        }
        t.row(row);
    }
    println!("按查询类型的召回率@5:");
    print!("{}", t.text());
    println!();

    // 每个查询：第一个相关块排第几（0 表示不在任何名次上，不会出现：全部块都参与排序）
    let mut header = vec!["查询".to_string(), "类型".to_string(), "相关块".to_string()];
    header.extend(methods.iter().map(|m| m.key.to_string()));
    let mut t = Table::numeric(header);
    for (i, q) in bench.queries.iter().enumerate() {
        let mut row = vec![
            q.id.clone(),
            q.kind.clone(),
            relevant[i]
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ];
        row.extend(ranks.iter().map(|r| r[i].to_string()));
        t.row(row);
    }
    println!("第一个相关块的名次：");
    print!("{}", t.text());
    Ok(())
}
