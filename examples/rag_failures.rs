//! 检索的失败模式，一例一例地看：词面不匹配、分块边界切开答案、近重复的块挤占名额、否定词对词袋模型不可见，以及重排序把对的块挤下去。

use guide_support::{Table, fixed, value};
use rag::{
    Bench, Bm25, Chunk, DatasetError, answer_spans, bigrams, chunk_markdown, coverage_score,
    fixed_windows, mean, rank, reciprocal_rank,
};

const SNAPSHOT: &str = "book/data/rag/snapshot";
const QUERIES: &str = "book/data/rag/queries.toml";

fn bm25_of(chunks: &[Chunk]) -> Bm25 {
    Bm25::new(
        &chunks.iter().map(|c| bigrams(&c.text)).collect::<Vec<_>>(),
        1.2,
        0.75,
    )
}

/// 块文本的开头若干个字，换行换成空格，便于一行打印。
fn head(text: &str, n: usize) -> String {
    let s: String = text.chars().take(n).collect();
    let s = s.replace('\n', " ");
    if text.chars().count() > n {
        format!("{s}…")
    } else {
        s
    }
}

fn show_top(bench_chunks: &[Chunk], scores: &[f64], k: usize, relevant: &[usize]) {
    for (r, &i) in rank(scores).iter().take(k).enumerate() {
        let mark = if relevant.contains(&i) { "✓" } else { " " };
        println!(
            "  {}. {mark} 块 {i:>3}  分数 {}  {}",
            r + 1,
            fixed(scores[i], 2),
            head(&bench_chunks[i].text, 36)
        );
    }
}

fn first_relevant(scores: &[f64], relevant: &[usize]) -> usize {
    rank(scores)
        .iter()
        .position(|i| relevant.contains(i))
        .map_or(0, |p| p + 1)
}

fn main() -> Result<(), DatasetError> {
    let bench = Bench::load(SNAPSHOT, QUERIES, |d, p, f| chunk_markdown(d, p, 300, f))?;
    let bm25 = bm25_of(&bench.chunks);
    let query = |id: &str| {
        let i = bench
            .queries
            .iter()
            .position(|q| q.id == id)
            .expect("查询存在");
        (&bench.queries[i], &bench.relevant[i])
    };

    // ANCHOR: mismatch
    println!("【一】词面不匹配");
    let (q, rel) = query("q22");
    println!("查询 {}：{}", q.id, q.text);
    let s = bm25.scores(&bigrams(&q.text));
    show_top(&bench.chunks, &s, 3, rel);
    value("mismatch_rank", first_relevant(&s, rel));
    // 查询改写：换成书里的说法。只换掉“显卡装不下”还不够，要说出答案里的术语才行
    for (key, rewritten) in [
        ("rewrite1", "显存放不下想要的批量时有什么办法？"),
        ("rewrite2", "显存放不下想要的批量时，梯度累积怎么做？"),
    ] {
        let s2 = bm25.scores(&bigrams(rewritten));
        println!("改写成“{rewritten}”：");
        show_top(&bench.chunks, &s2, 3, rel);
        value(&format!("{key}_rank"), first_relevant(&s2, rel));
    }
    // ANCHOR_END: mismatch
    println!();

    // ANCHOR: boundary
    println!("【二】分块边界切开答案");
    let (q, rel) = query("q20");
    let spans = answer_spans(q, &bench.docs)?;
    let (s0, e0) = spans[0];
    println!("查询 {}：{}", q.id, q.text);
    println!(
        "  按段落分块（上限 300 字）时，答案（第 {s0}～{e0} 字）落在块 {:?}",
        rel
    );
    for &i in rel.iter() {
        let c = &bench.chunks[i];
        println!(
            "  块 {i}（第 {}～{} 字）结尾：…{}",
            c.start,
            c.end,
            tail(&c.text, 24)
        );
    }
    // 换几种分块方式，在全部 40 个查询上看：前 5 名里有没有一块完整地包含某个答案片段
    let mut t = Table::numeric([
        "分块方式",
        "块数",
        "完整命中@5",
        "MRR@10",
        "前 5 块平均总字数",
    ]);
    type Chunker = Box<dyn Fn(&str, &str, usize) -> Result<Vec<Chunk>, rag::ChunkError>>;
    let configs: [(&str, &str, Chunker); 5] = [
        (
            "段落，上限 150 字",
            "para150",
            Box::new(|d, p, f| chunk_markdown(d, p, 150, f)),
        ),
        (
            "段落，上限 300 字",
            "para300",
            Box::new(|d, p, f| chunk_markdown(d, p, 300, f)),
        ),
        (
            "段落，上限 600 字",
            "para600",
            Box::new(|d, p, f| chunk_markdown(d, p, 600, f)),
        ),
        (
            "固定 200 字，不重叠",
            "win200",
            Box::new(|d, p, f| fixed_windows(d, p, 200, 0, f)),
        ),
        (
            "固定 200 字，重叠 50",
            "win200o50",
            Box::new(|d, p, f| fixed_windows(d, p, 200, 50, f)),
        ),
    ];
    for (name, key, chunker) in configs {
        let b = Bench::load(SNAPSHOT, QUERIES, chunker)?;
        let ix = bm25_of(&b.chunks);
        let mut whole = Vec::new();
        let mut rr = Vec::new();
        let mut context = Vec::new(); // 把前 5 块放进提示词要多少字：分块越大，这个代价越高
        for (q, rel) in b.queries.iter().zip(&b.relevant) {
            let ranked = rank(&ix.scores(&bigrams(&q.text)));
            context.push(
                ranked[..5]
                    .iter()
                    .map(|&i| b.chunks[i].text.chars().count() as f64)
                    .sum::<f64>(),
            );
            let spans = answer_spans(q, &b.docs)?;
            let contains = |c: &Chunk| {
                c.doc == q.doc && spans.iter().any(|&(s, e)| c.start <= s && e <= c.end)
            };
            whole.push(if ranked[..5].iter().any(|&i| contains(&b.chunks[i])) {
                1.0
            } else {
                0.0
            });
            rr.push(reciprocal_rank(&ranked, rel, 10));
        }
        value(&format!("{key}_whole5"), fixed(mean(&whole), 3));
        value(&format!("{key}_mrr"), fixed(mean(&rr), 3));
        t.row([
            name.to_string(),
            b.chunks.len().to_string(),
            fixed(mean(&whole), 3),
            fixed(mean(&rr), 3),
            fixed(mean(&context), 0),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: boundary
    println!();

    // ANCHOR: duplicates
    println!("【三】近重复的块");
    // 知识库里混进了同一份运维手册的旧版、旧版的副本（多了一行页眉）和新版
    let extra = [
        (
            "手册-2023.md",
            "量化部署：在 x86 服务器上用 torch.ao.quantization 做训练后静态量化，后端设为 fbgemm，先 prepare、校准，再 convert。",
        ),
        (
            "手册-2023-副本.md",
            "（内部资料，请勿外传）量化部署：在 x86 服务器上用 torch.ao.quantization 做训练后静态量化，后端设为 fbgemm，先 prepare、校准，再 convert。",
        ),
        (
            "手册-2026.md",
            "量化部署（2026 年修订）：torch.ao.quantization 已被弃用，线性层改用 torchao 的 quantize_，整图静态量化用 pt2e；x86 的后端名是 x86。",
        ),
    ];
    let mut chunks = bench.chunks.clone();
    for (doc, text) in extra {
        let id = chunks.len();
        chunks.push(Chunk {
            id,
            doc: doc.to_string(),
            heading: String::new(),
            start: 0,
            end: text.chars().count(),
            text: text.to_string(),
        });
    }
    let ix = bm25_of(&chunks);
    let q = "x86 服务器上做量化部署该用什么 API？";
    println!("查询：{q}");
    let s = ix.scores(&bigrams(q));
    let new_id = chunks.len() - 1;
    show_top(&chunks, &s, 3, &[new_id]);
    value("dup_new_rank", first_relevant(&s, &[new_id]));
    // 去重：与已选中的块的字三元组 Jaccard 相似度超过 0.8 就跳过（数据清洗一章的方法）
    let mut picked: Vec<usize> = Vec::new();
    for i in rank(&s) {
        if picked
            .iter()
            .all(|&j| jaccard3(&chunks[i].text, &chunks[j].text) <= 0.8)
        {
            picked.push(i);
        }
        if picked.len() == 3 {
            break;
        }
    }
    println!("去掉近重复之后的前 3 名：{picked:?}");
    value(
        "dedup_new_rank",
        picked
            .iter()
            .position(|&i| i == new_id)
            .map_or(0, |p| p + 1),
    );
    // ANCHOR_END: duplicates
    println!();

    // ANCHOR: negation
    println!("【四】否定词");
    let (q, rel) = query("q33");
    let negated = "哪种量化方式需要校准数据？";
    // ✓ 只对原查询有意义：对反过来的问题，那一块恰恰不是答案
    for (text, marked) in [(q.text.as_str(), rel.as_slice()), (negated, &[][..])] {
        println!("查询：{text}");
        let s = bm25.scores(&bigrams(text));
        show_top(&bench.chunks, &s, 3, marked);
    }
    let a = rank(&bm25.scores(&bigrams(&q.text)));
    let b = rank(&bm25.scores(&bigrams(negated)));
    value("negation_same_top1", a[0] == b[0]);
    // ANCHOR_END: negation
    println!();

    // ANCHOR: rerank
    println!("【五】重排序帮倒忙");
    let mut t = Table::numeric(["查询", "BM25 名次", "重排后名次"]);
    let (mut better, mut worse) = (0, 0);
    for (q, rel) in bench.queries.iter().zip(&bench.relevant) {
        let qt = bigrams(&q.text);
        let first = rank(&bm25.scores(&qt));
        let mut top: Vec<(usize, f64)> = first[..20]
            .iter()
            .map(|&i| {
                (
                    i,
                    coverage_score(
                        &bm25,
                        &q.text,
                        &qt,
                        &bench.chunks[i].text,
                        &bigrams(&bench.chunks[i].text),
                        1.0,
                    ),
                )
            })
            .collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1));
        let pos = |v: &[usize]| v.iter().position(|i| rel.contains(i)).map_or(0, |p| p + 1);
        let reranked: Vec<usize> = top
            .iter()
            .map(|p| p.0)
            .chain(first[20..].iter().copied())
            .collect();
        let (r0, r1) = (pos(&first), pos(&reranked));
        if r0 != r1 {
            t.row([q.id.clone(), r0.to_string(), r1.to_string()]);
            if r1 < r0 { better += 1 } else { worse += 1 }
        }
    }
    print!("{}", t.text());
    value("rerank_better", better);
    value("rerank_worse", worse);
    // ANCHOR_END: rerank
    Ok(())
}

fn tail(text: &str, n: usize) -> String {
    let c: Vec<char> = text.chars().collect();
    c[c.len().saturating_sub(n)..]
        .iter()
        .collect::<String>()
        .replace('\n', " ")
}

/// 字三元组集合的 Jaccard 相似度。
fn jaccard3(a: &str, b: &str) -> f64 {
    let grams = |s: &str| {
        let c: Vec<char> = s.chars().collect();
        let mut g: Vec<String> = c.windows(3).map(|w| w.iter().collect()).collect();
        g.sort();
        g.dedup();
        g
    };
    let (ga, gb) = (grams(a), grams(b));
    let inter = ga.iter().filter(|g| gb.binary_search(g).is_ok()).count();
    let union = ga.len() + gb.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}
