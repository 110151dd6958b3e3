//! Rust 的 `str::len()` 数的是 UTF-8 字节(一个汉字 3 字节)，pandas 的 `str.len()` 数的是码点：长度过滤要用 `chars().count()`。
use guide_support::{Align, Table, value};
use unicode_normalization::UnicodeNormalization;

fn main() {
    // ANCHOR: trap
    let texts = [
        "今天天气不错",           // 6 个汉字
        "这家店的服务态度非常好", // 11 个汉字
        "Hello, world!",          // 13 个 ASCII 字符
        "ok",
        "模型部署上线后延迟降低了一半", // 14 个汉字
    ];
    let mut t = Table::new([
        "文本",
        "len() 字节",
        "chars().count() 码点",
        "按字节 > 10",
        "按字符 > 10",
    ])
    .align([
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Center,
        Align::Center,
    ]);
    for s in texts {
        let bytes = s.len(); // UTF-8 字节数
        let chars = s.chars().count(); // Unicode 码点数，与 pandas 的 str.len() 相同
        let mark = |keep: bool| if keep { "保留" } else { "丢弃" };
        t.row([
            s.to_string(),
            bytes.to_string(),
            chars.to_string(),
            mark(bytes > 10).into(),
            mark(chars > 10).into(),
        ]);
    }
    // ANCHOR_END: trap
    print!("{}", t.text());
    println!();
    value("hanzi_bytes", "字".len());

    // ANCHOR: codepoints
    // 码点也不等于“看到的字符”：组合字符在 NFC/NFKC 规范化前后码点数不同
    let decomposed = "e\u{301}"; // e + 组合重音符，显示为 é
    let composed: String = decomposed.nfc().collect();
    println!(
        "组合前 é：{} 个码点，{} 字节",
        decomposed.chars().count(),
        decomposed.len()
    );
    println!(
        "NFC 后 é：{} 个码点，{} 字节",
        composed.chars().count(),
        composed.len()
    );
    // ANCHOR_END: codepoints
}
