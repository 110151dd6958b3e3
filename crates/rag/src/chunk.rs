//! 分块：把一篇 Markdown 变成若干段可检索的文本。
//!
//! 两种切法：按段落打包（段落是作者给出的语义边界，尽量不切开），
//! 以及固定长度、可重叠的窗口（最简单，也最容易把一句话切成两半）。

use thiserror::Error;

/// 一块文本，以及它在所属文档正文（[`prose_of_markdown`] 的结果）中的字符区间。
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// 在整个语料中的编号（从 0 起，按文档、再按位置排列）。
    pub id: usize,
    /// 所属文档的名字。
    pub doc: String,
    /// 块开头处最近的一个标题（没有标题时为空）。
    pub heading: String,
    /// 起点（含），以字符计。
    pub start: usize,
    /// 终点（不含），以字符计。
    pub end: usize,
    /// 块的文本。
    pub text: String,
}

/// 分块参数不合法。
#[derive(Debug, Error, PartialEq)]
pub enum ChunkError {
    /// 块的长度上限为 0。
    #[error("块长上限必须大于 0")]
    ZeroSize,
    /// 重叠不小于窗口长度，窗口不会前进。
    #[error("重叠 {overlap} 必须小于窗口长度 {size}")]
    OverlapTooLarge {
        /// 窗口长度。
        size: usize,
        /// 重叠长度。
        overlap: usize,
    },
}

/// 从本书的章节 Markdown 中取出正文：去掉代码块、独占一行的指令（`{{#…}}`）、
/// 行间公式（`$$…$$`）和提示框标记，把行内的 `{{#value …}}` 换成“〈数〉”。
/// 代码和公式不是这一章要检索的对象；留着它们，BM25 会被大量的符号词主导。
pub fn prose_of_markdown(markdown: &str) -> String {
    let mut out = Vec::new();
    let (mut in_code, mut in_math) = (false, false);
    for line in markdown.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if t == "$$" {
            in_math = !in_math;
            continue;
        }
        if in_code || in_math {
            continue;
        }
        let t = t.trim_start_matches('>').trim();
        if (t.starts_with("{{#") && t.ends_with("}}")) || t.starts_with("[!") {
            continue;
        }
        out.push(replace_values(t));
    }
    // 连续的空行并成一个，段落之间恰好一个空行
    let mut text = String::new();
    let mut blank = true;
    for l in out {
        if l.is_empty() {
            if !blank {
                text.push('\n');
            }
            blank = true;
        } else {
            text.push_str(&l);
            text.push('\n');
            blank = false;
        }
    }
    text.trim_end().to_string()
}

fn replace_values(line: &str) -> String {
    let mut s = line.to_string();
    while let Some(a) = s.find("{{#value ") {
        let Some(len) = s[a..].find("}}") else { break };
        s.replace_range(a..a + len + 2, "〈数〉");
    }
    s
}

/// 标题行（`# …`）的文字，不是标题时为 `None`。
fn heading_of(line: &str) -> Option<String> {
    let t = line.trim_start();
    let rest = t.trim_start_matches('#');
    (rest.len() < t.len() && rest.starts_with(' ')).then(|| rest.trim().to_string())
}

/// 把 `[a, b)` 之内的文字按句末标点再切开，返回每句的区间。
fn sentences(chars: &[char], a: usize, b: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = a;
    for (i, c) in chars.iter().enumerate().take(b).skip(a) {
        if matches!(c, '。' | '！' | '？' | '；' | '\n') {
            out.push((s, i + 1));
            s = i + 1;
        }
    }
    if s < b {
        out.push((s, b));
    }
    out
}

// ANCHOR: chunk
/// 按段落打包：相邻段落依次放进同一块，直到再放一段就会超过 `max_chars` 个字符；
/// 一段本身太长时按句子打包；一句本身太长时硬切。
/// 每块记下它开头处最近的标题；`first_id` 是第一块的编号。
pub fn chunk_markdown(
    doc: &str,
    prose: &str,
    max_chars: usize,
    first_id: usize,
) -> Result<Vec<Chunk>, ChunkError> {
    if max_chars == 0 {
        return Err(ChunkError::ZeroSize);
    }
    let chars: Vec<char> = prose.chars().collect();
    // 段落区间（不含段落之间的空行），以及每段之前最近的标题
    let mut pieces: Vec<(usize, usize, String)> = Vec::new();
    let mut heading = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && !(chars[j] == '\n' && j + 1 < chars.len() && chars[j + 1] == '\n')
        {
            j += 1;
        }
        let para: String = chars[i..j].iter().collect();
        if let Some(h) = heading_of(&para) {
            heading = h;
        }
        if j - i <= max_chars {
            pieces.push((i, j, heading.clone()));
        } else {
            for (a, b) in sentences(&chars, i, j) {
                let mut a = a;
                while b - a > max_chars {
                    pieces.push((a, a + max_chars, heading.clone()));
                    a += max_chars;
                }
                pieces.push((a, b, heading.clone()));
            }
        }
        i = j + 2;
    }
    let mut out: Vec<Chunk> = Vec::new();
    let mut cur: Option<(usize, usize, String)> = None;
    for (a, b, h) in pieces {
        cur = match cur {
            Some((s, e, ch)) if b - s <= max_chars => Some((s, b.max(e), ch)),
            Some((s, e, ch)) => {
                push(&mut out, doc, &chars, s, e, ch, first_id);
                Some((a, b, h))
            }
            None => Some((a, b, h)),
        };
    }
    if let Some((s, e, ch)) = cur {
        push(&mut out, doc, &chars, s, e, ch, first_id);
    }
    Ok(out)
}

// ANCHOR_END: chunk

fn push(
    out: &mut Vec<Chunk>,
    doc: &str,
    chars: &[char],
    start: usize,
    end: usize,
    heading: String,
    first_id: usize,
) {
    out.push(Chunk {
        id: first_id + out.len(),
        doc: doc.to_string(),
        heading,
        start,
        end,
        text: chars[start..end]
            .iter()
            .collect::<String>()
            .trim()
            .to_string(),
    });
}

/// 固定长度窗口：每块 `size` 个字符，相邻两块重叠 `overlap` 个字符。
pub fn fixed_windows(
    doc: &str,
    prose: &str,
    size: usize,
    overlap: usize,
    first_id: usize,
) -> Result<Vec<Chunk>, ChunkError> {
    if size == 0 {
        return Err(ChunkError::ZeroSize);
    }
    if overlap >= size {
        return Err(ChunkError::OverlapTooLarge { size, overlap });
    }
    let chars: Vec<char> = prose.chars().collect();
    let mut out = Vec::new();
    let mut s = 0;
    while s < chars.len() {
        let e = (s + size).min(chars.len());
        push(&mut out, doc, &chars, s, e, String::new(), first_id);
        if e == chars.len() {
            break;
        }
        s = e - overlap;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "# 标题\n\n第一段。很短。\n\n```rust\nlet x = 1;\n```\n\n{{#example foo}}\n\n第二段有一个数 {{#value foo:bar}}。\n\n$$\nx^2\n$$\n\n> [!CAUTION]\n> **勘误：提示框。**\n";

    #[test]
    fn prose_drops_code_directives_and_maths() {
        let p = prose_of_markdown(MD);
        assert_eq!(
            p,
            "# 标题\n\n第一段。很短。\n\n第二段有一个数 〈数〉。\n\n**勘误：提示框。**"
        );
    }

    #[test]
    fn paragraphs_are_packed_up_to_the_limit() {
        let p = prose_of_markdown(MD);
        let c = chunk_markdown("d", &p, 13, 0).unwrap();
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "# 标题\n\n第一段。很短。",
                "第二段有一个数 〈数〉。",
                "**勘误：提示框。**"
            ]
        );
        assert!(c.iter().all(|c| c.end - c.start <= 13));
        assert_eq!(c[1].heading, "标题");
        assert_eq!(c.iter().map(|c| c.id).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn long_paragraphs_split_at_sentences_and_never_exceed_the_limit() {
        let p = "一二三四五。六七八九十。甲乙丙丁戊己庚辛壬癸子丑寅卯。";
        let c = chunk_markdown("d", p, 8, 5).unwrap();
        assert!(c.iter().all(|c| c.end - c.start <= 8), "{c:?}");
        assert_eq!(c[0].text, "一二三四五。");
        assert_eq!(c[0].id, 5);
        let joined: String = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(joined, p);
    }

    #[test]
    fn windows_overlap_and_cover_everything() {
        let c = fixed_windows("d", "0123456789", 4, 1, 0).unwrap();
        let t: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(t, ["0123", "3456", "6789"]);
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert_eq!(chunk_markdown("d", "x", 0, 0), Err(ChunkError::ZeroSize));
        assert_eq!(
            fixed_windows("d", "x", 3, 3, 0),
            Err(ChunkError::OverlapTooLarge {
                size: 3,
                overlap: 3
            })
        );
    }
}
