//! 练习：把唐诗训练集编码成一条 token 流(每首诗之后接一个 EOT)，统计它的长度、EOT 的占比与每首诗的平均 token 数。
use guide_support::{num, value};
use tinygpt::bpe::{EOT, Tokenizer};
use tinygpt::corpus;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tok = Tokenizer::from_json(&std::fs::read_to_string(
        "book/data/tinygpt/tokenizer.json",
    )?)?;
    let corpus = corpus::load_default()?;
    let mut stream: Vec<u32> = Vec::new();
    for poem in &corpus.train {
        stream.extend(tok.encode(&poem.text())?);
        stream.push(EOT);
    }
    let eots = stream.iter().filter(|&&id| id == EOT).count();
    value("stream_tokens", stream.len());
    value(
        "eot_share",
        num::percent(eots as f64 / stream.len() as f64, 2),
    );
    value(
        "tokens_per_poem",
        num::fixed((stream.len() - eots) as f64 / eots as f64, 1),
    );
    // 流的开头：第一首诗和它后面的 EOT
    let head: Vec<&str> = stream
        .iter()
        .take_while(|&&id| id != EOT)
        .map(|&id| tok.token(id).unwrap_or("?"))
        .collect();
    println!(
        "开头：{}|{}",
        head.join("|").replace('\n', "⏎"),
        tok.token(EOT).unwrap_or("?")
    );
    Ok(())
}
