//! 中文没有空格分词。这里用站内搜索同样的办法：汉字按相邻两字切成二元组，
//! 拉丁字母与数字按连续的一串成词（转成小写）。

/// 一个字符属于哪一类：汉字、拉丁字母或数字、其他（标点、空白，作分隔）。
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Han,
    Word,
    Other,
}

fn class(c: char) -> Class {
    // CJK 统一表意文字基本区与扩展 A 区，足以覆盖本书正文
    if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) {
        Class::Han
    } else if c.is_ascii_alphanumeric() || c == '_' {
        Class::Word
    } else {
        Class::Other
    }
}

/// 按字符类切成连续的段，丢掉分隔符。
fn runs(text: &str) -> Vec<(Class, Vec<char>)> {
    let mut out: Vec<(Class, Vec<char>)> = Vec::new();
    for c in text.chars() {
        let k = class(c);
        match out.last_mut() {
            Some((last, run)) if *last == k && k != Class::Other => run.push(c),
            _ if k == Class::Other => out.push((k, Vec::new())),
            _ => out.push((k, vec![c])),
        }
    }
    out.retain(|(k, run)| *k != Class::Other && !run.is_empty());
    out
}

// ANCHOR: bigrams
/// 字二元组：每段汉字取所有相邻两字（只有一个字的段保留这个字），拉丁词整词小写。
///
/// “置信学习”→“置信”“信学”“学习”。“信学”不是词，但它对检索无害：
/// 只有同时含“信”“学”相邻的文本才会匹配它。
pub fn bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (k, run) in runs(text) {
        match k {
            Class::Han if run.len() == 1 => out.push(run[0].to_string()),
            Class::Han => out.extend(run.windows(2).map(|w| w.iter().collect())),
            _ => out.push(run.iter().collect::<String>().to_ascii_lowercase()),
        }
    }
    out
}

// ANCHOR_END: bigrams

/// 单字加二元组：单字让同义改写（“降低”与“减少”都含“降”或“少”之类）还有一点重叠，
/// 代价是更多偶然匹配。供 TF-IDF 用。
pub fn unigrams_and_bigrams(text: &str) -> Vec<String> {
    let mut out = bigrams(text);
    for (k, run) in runs(text) {
        if k == Class::Han && run.len() > 1 {
            out.extend(run.iter().map(|c| c.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanzi_bigrams_and_latin_words() {
        assert_eq!(
            bigrams("置信学习,用 BM25 检索。"),
            ["置信", "信学", "学习", "用", "bm25", "检索"]
        );
    }

    #[test]
    fn unigrams_are_added_after_bigrams() {
        assert_eq!(unigrams_and_bigrams("检索"), ["检索", "检", "索"]);
    }

    #[test]
    fn punctuation_only_gives_nothing() {
        assert!(bigrams("，。！？ ()").is_empty());
    }
}
