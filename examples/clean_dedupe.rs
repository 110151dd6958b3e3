//! 数据清洗流水线：先规范化(NFKC、去首尾空白、合并空白)，再保序精确去重(保留首次出现)，最后按字符数过滤。
use guide_support::{Align, Table, value};
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

// ANCHOR: normalize
/// NFKC 把全角字母数字、兼容字符折叠成标准形式；split_whitespace 顺带去掉首尾空白，
/// 再用单个空格连接，就把连续的空格、制表符、换行合并成一个空格。
fn normalize(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}
// ANCHOR_END: normalize

// ANCHOR: dedupe
/// 保序去重：返回保留下来的行号。HashSet::insert 在元素已存在时返回 false，
/// 所以每个文本只有第一次出现会被保留，顺序与输入一致(pandas 的 drop_duplicates 默认 keep="first")。
fn dedupe(texts: &[String]) -> Vec<usize> {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        if seen.insert(t.as_str()) {
            kept.push(i);
        }
    }
    kept
}
// ANCHOR_END: dedupe

fn main() {
    let raw = [
        "大模型训练需要大量高质量数据。",
        "  大模型训练需要大量高质量数据。  ",
        "ＧＰＵ 显存不足时可以减小批量大小。",
        "GPU   显存不足时可以减小批量大小。",
        "好评",
        "大模型训练需要大量高质量数据。",
        "学习率预热可以稳定训练初期的更新。",
        "学习率预热可以稳定训练初期的更新",
        "价格：１９９元，性价比很高",
    ];
    // ANCHOR: pipeline
    let normalized: Vec<String> = raw.iter().map(|s| normalize(s)).collect();
    let kept = dedupe(&normalized);
    const MIN_CHARS: usize = 10;
    let result: Vec<&String> = kept
        .iter()
        .map(|&i| &normalized[i])
        .filter(|t| t.chars().count() > MIN_CHARS) // 数字符，不是 t.len() 的字节
        .collect();
    // ANCHOR_END: pipeline

    let mut t = Table::new(["行", "原文", "规范化后", "结果"]).align([
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Left,
    ]);
    for (i, (r, n)) in raw.iter().zip(&normalized).enumerate() {
        let fate = if !kept.contains(&i) {
            let first = normalized
                .iter()
                .position(|x| x == n)
                .expect("重复项一定有第一次出现");
            format!("重复(同第 {first} 行)")
        } else if n.chars().count() <= MIN_CHARS {
            format!("过短({} 字)", n.chars().count())
        } else {
            "保留".to_string()
        };
        t.row([i.to_string(), format!("{r:?}"), n.clone(), fate]);
    }
    print!("{}", t.text());
    println!();
    println!("清洗后({} 行,保持原顺序):", result.len());
    for r in &result {
        println!("  {r}");
    }
    value("raw_rows", raw.len());
    value("kept_rows", result.len());
}
