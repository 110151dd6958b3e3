//! 词表大小从 512 到 4096：训练集与验证集的压缩率(字符/token)、单字 token 与多字 token 的个数怎样变化。
use guide_support::{Align, Table, num, value};
use tinygpt::bpe::{MIN_VOCAB, Tokenizer};
use tinygpt::corpus::{self, Poem};

fn chars_per_token(tok: &Tokenizer, poems: &[Poem]) -> Result<String, tinygpt::bpe::BpeError> {
    let (mut chars, mut tokens) = (0usize, 0usize);
    for p in poems {
        let text = p.text();
        chars += text.chars().count();
        tokens += tok.encode(&text)?.len();
    }
    Ok(num::fixed(chars as f64 / tokens as f64, 3))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let corpus = corpus::load_default()?;
    let texts: Vec<String> = corpus.train.iter().map(Poem::text).collect();
    let mut t = Table::new([
        "词表",
        "训练集 字符/token",
        "验证集 字符/token",
        "单字 token",
        "多字 token",
    ])
    .align([Align::Right; 5]);
    let mut values = Vec::new();
    for vocab in [512, 1024, 2048, 4096] {
        let tok = Tokenizer::train(&texts, vocab)?;
        // 合并得到的 token 里：恰好一个完整字符的，和两个以上完整字符的(含半个字的不算)
        let (mut single, mut multi) = (0, 0);
        for id in MIN_VOCAB..vocab {
            let s = tok.token(id as u32).unwrap_or("");
            if s.contains("<0x") {
                continue;
            }
            match s.chars().count() {
                1 => single += 1,
                _ => multi += 1,
            }
        }
        let (train, valid) = (
            chars_per_token(&tok, &corpus.train)?,
            chars_per_token(&tok, &corpus.valid)?,
        );
        values.push((vocab, train.clone(), valid.clone(), multi));
        t.row([
            vocab.to_string(),
            train,
            valid,
            single.to_string(),
            multi.to_string(),
        ]);
    }
    print!("{}", t.text());
    println!();
    for (vocab, train, valid, multi) in values {
        value(&format!("v{vocab}_train"), train);
        value(&format!("v{vocab}_valid"), valid);
        value(&format!("v{vocab}_multi"), multi);
    }
    Ok(())
}
