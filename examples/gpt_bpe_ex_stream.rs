//! 练习：流式解码。生成时 token 一个一个到来，一个汉字的字节可能分在几个 token 里；只输出已经完整的字符，其余字节留到下一步。
use tinygpt::bpe::Tokenizer;

// ANCHOR: stream
/// 把新到的 token 的字节接到缓冲区后面，输出其中完整的字符；
/// 末尾一个字符的前半截留在缓冲区里，等后面的字节。
struct StreamDecoder {
    pending: Vec<u8>,
}

impl StreamDecoder {
    fn push(&mut self, tok: &Tokenizer, id: u32) -> Result<String, tinygpt::bpe::BpeError> {
        self.pending.extend(tok.decode_bytes(&[id])?);
        let mut out = String::new();
        loop {
            let err = match std::str::from_utf8(&self.pending) {
                Ok(s) => {
                    out.push_str(s);
                    self.pending.clear();
                    return Ok(out);
                }
                Err(e) => e,
            };
            let (good, rest) = self.pending.split_at(err.valid_up_to());
            out.push_str(std::str::from_utf8(good).expect("valid_up_to 之前是合法的 UTF-8"));
            match err.error_len() {
                // 末尾是一个字符的前半截：留着等后面的字节
                None => {
                    self.pending = rest.to_vec();
                    return Ok(out);
                }
                // 真正非法的字节(模型可能生成)：换成 U+FFFD，接着往下解
                Some(n) => {
                    out.push('\u{FFFD}');
                    self.pending = rest[n..].to_vec();
                }
            }
        }
    }
}
// ANCHOR_END: stream

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tok = Tokenizer::from_json(&std::fs::read_to_string(
        "book/data/tinygpt/tokenizer.json",
    )?)?;
    let text = "龘月瘗🌙。";
    let ids = tok.encode(text)?;
    let mut dec = StreamDecoder {
        pending: Vec::new(),
    };
    let mut all = String::new();
    for &id in &ids {
        let out = dec.push(&tok, id)?;
        let shown = tok.token(id).unwrap_or("?");
        println!(
            "收到 {shown}，输出 {out:?}，缓冲 {} 字节",
            dec.pending.len()
        );
        all.push_str(&out);
    }
    println!(
        "拼起来：{all}，与原文相同：{}",
        if all == text { "是" } else { "否" }
    );
    // 一个孤立的续字节(0x98)不能开始任何字符
    let mut dec = StreamDecoder {
        pending: Vec::new(),
    };
    let a = dec.push(&tok, 0x98 + 1)?;
    let b = dec.push(&tok, tok.encode("月")?[0])?;
    println!("孤立的 <0x98> 之后接“月”：输出 {a:?} 和 {b:?}");
    Ok(())
}
