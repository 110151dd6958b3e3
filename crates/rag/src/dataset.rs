//! 带标注的查询集：每个查询写明答案所在的文档，以及答案里的一段原文。
//! 相关块不按编号标注，而是“与这段原文重叠的块”：换一种分块方式，标注依然有效。

use serde::Deserialize;
use thiserror::Error;

use crate::Chunk;

/// 一个带标注的查询。
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledQuery {
    /// 编号，如 `q01`。
    pub id: String,
    /// 查询文字。
    pub text: String,
    /// 答案所在的文档名。
    pub doc: String,
    /// 答案原文的片段（逐字取自该文档的正文）；与其中任何一段重叠的块都算相关。
    pub answer: Vec<String>,
    /// 这个查询考的是什么（词面一致、同义改写、否定……）。
    pub kind: String,
}

/// 查询集文件的内容。
#[derive(Debug, Clone, Deserialize)]
pub struct QuerySet {
    /// 所有查询，按文件中的顺序。
    #[serde(rename = "query")]
    pub queries: Vec<LabelledQuery>,
}

/// 查询集有误。
#[derive(Debug, Error)]
pub enum DatasetError {
    /// 文件不是合法的 TOML，或字段不对。
    #[error("查询集格式错误：{0}")]
    Parse(#[from] toml::de::Error),
    /// 查询引用了语料里没有的文档。
    #[error("查询 {query} 引用的文档 {doc} 不在语料中")]
    UnknownDoc {
        /// 查询编号。
        query: String,
        /// 文档名。
        doc: String,
    },
    /// 标注的答案原文在文档正文里找不到。
    #[error("查询 {query} 的答案片段在 {doc} 中找不到：{answer}")]
    AnswerNotFound {
        /// 查询编号。
        query: String,
        /// 文档名。
        doc: String,
        /// 找不到的片段。
        answer: String,
    },
    /// 两个查询用了同一个编号。
    #[error("查询编号重复：{0}")]
    DuplicateId(String),
    /// 分块参数不合法。
    #[error("{0}")]
    Chunk(#[from] crate::ChunkError),
    /// 读不了语料目录或其中的文件。
    #[error("读取 {path} 失败：{source}")]
    Io {
        /// 出错的路径。
        path: String,
        /// 底层错误。
        source: std::io::Error,
    },
}

/// 读一个目录下的全部 `.md` 文件，按文件名排序，返回 (文件名，正文)。
/// 正文是 [`crate::prose_of_markdown`] 的结果。
pub fn load_docs(dir: &str) -> Result<Vec<(String, String)>, DatasetError> {
    let io = |source| DatasetError::Io {
        path: dir.to_string(),
        source,
    };
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "md"));
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|source| DatasetError::Io {
                path: p.display().to_string(),
                source,
            })?;
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((name, crate::prose_of_markdown(&text)))
        })
        .collect()
}

impl QuerySet {
    /// 解析查询集文件，并检查编号不重复。
    pub fn from_toml(text: &str) -> Result<QuerySet, DatasetError> {
        let set: QuerySet = toml::from_str(text)?;
        let mut ids: Vec<&str> = set.queries.iter().map(|q| q.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(DatasetError::DuplicateId(w[0].to_string()));
        }
        Ok(set)
    }
}

/// 与查询的答案片段重叠的块的编号（升序）。`docs` 是 (文档名，正文)。
/// 片段在正文中每出现一次都算，所以同一段话出现在两处时两处的块都相关。
pub fn relevant_chunks(
    q: &LabelledQuery,
    docs: &[(String, String)],
    chunks: &[Chunk],
) -> Result<Vec<usize>, DatasetError> {
    let spans = answer_spans(q, docs)?;
    let mut out: Vec<usize> = chunks
        .iter()
        .filter(|c| c.doc == q.doc && spans.iter().any(|&(s, e)| c.start < e && s < c.end))
        .map(|c| c.id)
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// 查询的每个答案片段在文档正文中的每一处出现，以字符区间 `[start, end)` 表示。
/// 某个片段一处也找不到时报错。
pub fn answer_spans(
    q: &LabelledQuery,
    docs: &[(String, String)],
) -> Result<Vec<(usize, usize)>, DatasetError> {
    let Some((_, prose)) = docs.iter().find(|(name, _)| *name == q.doc) else {
        return Err(DatasetError::UnknownDoc {
            query: q.id.clone(),
            doc: q.doc.clone(),
        });
    };
    let mut out = Vec::new();
    for a in &q.answer {
        let before = out.len();
        if !a.is_empty() {
            out.extend(prose.match_indices(a.as_str()).map(|(byte, _)| {
                let s = prose[..byte].chars().count();
                (s, s + a.chars().count())
            }));
        }
        if out.len() == before {
            return Err(DatasetError::AnswerNotFound {
                query: q.id.clone(),
                doc: q.doc.clone(),
                answer: a.clone(),
            });
        }
    }
    Ok(out)
}

/// 一套评测：语料、分好的块、查询集和每个查询的相关块。
#[derive(Debug, Clone)]
pub struct Bench {
    /// (文档名，正文)，按文件名排序。
    pub docs: Vec<(String, String)>,
    /// 全部块，编号从 0 连续。
    pub chunks: Vec<Chunk>,
    /// 查询，按文件中的顺序。
    pub queries: Vec<LabelledQuery>,
    /// 每个查询的相关块编号。
    pub relevant: Vec<Vec<usize>>,
}

impl Bench {
    /// 读语料目录和查询集文件，用 `chunker(文档名, 正文, 第一块的编号)` 分块，算出相关块。
    pub fn load(
        dir: &str,
        queries: &str,
        chunker: impl Fn(&str, &str, usize) -> Result<Vec<Chunk>, crate::ChunkError>,
    ) -> Result<Bench, DatasetError> {
        let docs = load_docs(dir)?;
        let text = std::fs::read_to_string(queries).map_err(|source| DatasetError::Io {
            path: queries.to_string(),
            source,
        })?;
        let set = QuerySet::from_toml(&text)?;
        let mut chunks: Vec<Chunk> = Vec::new();
        for (name, prose) in &docs {
            chunks.extend(chunker(name, prose, chunks.len())?);
        }
        let relevant = set
            .queries
            .iter()
            .map(|q| relevant_chunks(q, &docs, &chunks))
            .collect::<Result<_, _>>()?;
        Ok(Bench {
            docs,
            chunks,
            queries: set.queries,
            relevant,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed_windows;

    const SET: &str = r#"
[[query]]
id = "q1"
text = "问题"
doc = "a"
answer = ["3456"]
kind = "词面一致"
"#;

    #[test]
    fn relevant_chunks_are_those_overlapping_the_answer() {
        let set = QuerySet::from_toml(SET).unwrap();
        let docs = vec![("a".to_string(), "0123456789".to_string())];
        let chunks = fixed_windows("a", &docs[0].1, 4, 0, 0).unwrap();
        // 窗口 0123 | 4567 | 89：答案 3456 跨过了第一个边界
        assert_eq!(
            relevant_chunks(&set.queries[0], &docs, &chunks).unwrap(),
            [0, 1]
        );
    }

    #[test]
    fn missing_answer_and_unknown_doc_are_errors() {
        let mut set = QuerySet::from_toml(SET).unwrap();
        let docs = vec![("a".to_string(), "xyz".to_string())];
        let r = relevant_chunks(&set.queries[0], &docs, &[]);
        assert!(matches!(r, Err(DatasetError::AnswerNotFound { .. })));
        set.queries[0].doc = "b".to_string();
        let r = relevant_chunks(&set.queries[0], &docs, &[]);
        assert!(matches!(r, Err(DatasetError::UnknownDoc { .. })));
    }

    #[test]
    fn duplicate_ids_and_bad_toml_are_errors() {
        let twice = format!("{SET}{SET}");
        assert!(matches!(
            QuerySet::from_toml(&twice),
            Err(DatasetError::DuplicateId(_))
        ));
        assert!(matches!(
            QuerySet::from_toml("query = 3"),
            Err(DatasetError::Parse(_))
        ));
    }
}
