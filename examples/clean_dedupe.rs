//! 数据清洗流水线：先规范化(NFKC、去首尾空白、合并空白)，再保序精确去重(保留首次出现)，最后按字符数过滤。
use guide_support::{Align, Table, value};
// normalize 与 dedupe 在 tinygpt 的 corpus 模块里：全链路一章清洗唐诗语料用的是同一份代码。
use tinygpt::corpus::{dedupe, normalize};

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
            format!("重复（同第 {first} 行）")
        } else if n.chars().count() <= MIN_CHARS {
            format!("过短（{} 字）", n.chars().count())
        } else {
            "保留".to_string()
        };
        t.row([i.to_string(), format!("{r:?}"), format!("{n:?}"), fate]);
    }
    print!("{}", t.text());
    println!();
    println!("清洗后（{} 行，保持原顺序）：", result.len());
    for r in &result {
        println!("  {r:?}");
    }
    value("raw_rows", raw.len());
    value("kept_rows", result.len());
}
