//! 检索增强生成（RAG）一章的检索部分：把 Markdown 切成块，按字二元组分词，
//! 用 BM25 与 TF-IDF 余弦打分，重排序，再用召回率@k 与 MRR 在带标注的查询集上评估。
//!
//! 所有打分都是单线程、固定求和顺序的 f64 运算，`ln` 走 `libm`，
//! 词表用 `BTreeMap`，因此在任何机器上都给出逐位相同的分数和排序。

pub mod assistant;
pub mod bm25;
pub mod chunk;
pub mod dataset;
pub mod metrics;
pub mod rerank;
pub mod tfidf;
pub mod tokenize;

pub use bm25::Bm25;
pub use chunk::{Chunk, ChunkError, chunk_markdown, fixed_windows, prose_of_markdown};
pub use dataset::{
    Bench, DatasetError, LabelledQuery, QuerySet, answer_spans, load_docs, relevant_chunks,
};
pub use metrics::{mean, rank, recall_at_k, reciprocal_rank};
pub use rerank::coverage_score;
pub use tfidf::TfIdf;
pub use tokenize::{bigrams, unigrams_and_bigrams};
