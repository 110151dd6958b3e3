//! 在唐诗训练集上从零训练字节级 BPE 分词器(词表 1024)，打印最初的合并、压缩率，并与提交的 tokenizer.json 逐字节比对。
use guide_support::{Align, Table, num, value};
use tinygpt::bpe::{MIN_VOCAB, Tokenizer};
use tinygpt::corpus;

/// The committed tokenizer, rewritten by `--write`.
const PATH: &str = "book/data/tinygpt/tokenizer.json";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: train
    const VOCAB_SIZE: usize = 1024;
    let corpus = corpus::load_default()?;
    let texts: Vec<String> = corpus.train.iter().map(|p| p.text()).collect();
    let tok = Tokenizer::train(&texts, VOCAB_SIZE)?;
    // ANCHOR_END: train

    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    println!(
        "训练文本：{} 首诗，{} 个字符，{} 个 UTF-8 字节",
        corpus.train.len(),
        num::int(chars as i64),
        num::int(bytes as i64)
    );
    value("vocab_size", tok.vocab_size());
    value("merges", tok.merges().len());
    println!();

    // ANCHOR: first_merges
    println!("最初的 12 条合并：");
    let mut t = Table::new(["序号", "左", "右", "新 token", "id"]).align([
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Left,
        Align::Right,
    ]);
    for (k, &(l, r)) in tok.merges().iter().take(12).enumerate() {
        let id = (MIN_VOCAB + k) as u32;
        let show = |id: u32| format!("{:?}", tok.token(id).unwrap_or("?"));
        t.row([
            (k + 1).to_string(),
            show(l),
            show(r),
            show(id),
            id.to_string(),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: first_merges
    let words: Vec<&str> = (MIN_VOCAB..tok.vocab_size())
        .filter_map(|id| tok.token(id as u32))
        .filter(|t| !t.contains("<0x") && t.chars().count() > 1)
        .collect();
    println!(
        "由两个以上汉字组成的 token 共 {} 个，最早合并出的 10 个：{}",
        words.len(),
        words[..10].join(" ")
    );
    println!();

    // ANCHOR: ratio
    let mut n_tokens = 0;
    for text in &texts {
        n_tokens += tok.encode(text)?.len();
    }
    let ratio = chars as f64 / n_tokens as f64;
    // ANCHOR_END: ratio
    value("train_tokens", n_tokens);
    value("chars_per_token", num::fixed(ratio, 3));
    value(
        "bytes_per_token",
        num::fixed(bytes as f64 / n_tokens as f64, 3),
    );
    println!();

    // ANCHOR: check
    let json = tok.to_json();
    let hash = blake3::hash(json.as_bytes());
    if std::env::args().any(|a| a == "--write") {
        std::fs::write(PATH, &json)?;
        eprintln!("已写入 {PATH}");
    }
    let committed = std::fs::read_to_string(PATH)?;
    println!("tokenizer.json 的 BLAKE3 = {}", hash.to_hex());
    let same = committed == json;
    println!(
        "与提交的 {PATH} 逐字节相同：{}",
        if same { "是" } else { "否" }
    );
    assert_eq!(
        Tokenizer::from_json(&committed)?,
        tok,
        "读回的分词器与训练结果不同"
    );
    // ANCHOR_END: check
    Ok(())
}
