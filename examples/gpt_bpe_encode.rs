//! 用提交的 tokenizer.json 切分诗句，比较训练集、验证集与宋词的压缩率，看训练时没见过的字怎样编码，以及错误输入得到的错误。
use std::collections::HashSet;

use guide_support::{Align, Table, num, value};
use tinygpt::bpe::{EOT, Tokenizer};
use tinygpt::corpus::{self, Poem};

/// Ids shown as their tokens, separated by `|`.
fn pieces(tok: &Tokenizer, ids: &[u32]) -> String {
    let shown: Vec<&str> = ids.iter().map(|&id| tok.token(id).unwrap_or("?")).collect();
    shown.join("|").replace('\n', "⏎")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: load
    let tok = Tokenizer::from_json(&std::fs::read_to_string(
        "book/data/tinygpt/tokenizer.json",
    )?)?;
    let line = "白日依山尽，黄河入海流。";
    let ids = tok.encode(line)?;
    assert_eq!(tok.decode(&ids)?, line);
    // ANCHOR_END: load
    println!("{line}");
    println!("  → {} 个 token：{}", ids.len(), pieces(&tok, &ids));
    println!("  → id：{ids:?}");
    println!();

    let base = corpus::load_default()?;
    let ci = corpus::load_finetune()?;
    let seen: HashSet<char> = base
        .train
        .iter()
        .flat_map(|p| p.text().chars().collect::<Vec<_>>())
        .collect();
    value("train_distinct_chars", seen.len());

    // ANCHOR: ratio
    let mut t = Table::new([
        "语料",
        "首数",
        "字符",
        "token",
        "字符/token",
        "未见过的字（占比）",
    ])
    .align([
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    let sets: [(&str, &str, &[Poem]); 3] = [
        ("train", "唐诗训练集", &base.train),
        ("valid", "唐诗验证集", &base.valid),
        ("ci", "宋词（微调）", &ci.train),
    ];
    for (key, name, poems) in sets {
        let (mut chars, mut tokens, mut unseen) = (0usize, 0usize, 0usize);
        for p in poems {
            let text = p.text();
            chars += text.chars().count();
            unseen += text.chars().filter(|c| !seen.contains(c)).count();
            tokens += tok.encode(&text)?.len();
        }
        let ratio = num::fixed(chars as f64 / tokens as f64, 3);
        t.row([
            name.to_string(),
            poems.len().to_string(),
            num::int(chars as i64),
            num::int(tokens as i64),
            ratio.clone(),
            num::percent(unseen as f64 / chars as f64, 1),
        ]);
        value(&format!("{key}_chars_per_token"), ratio);
    }
    print!("{}", t.text());
    // ANCHOR_END: ratio

    // ANCHOR: untrained
    // 唐诗训练流里出现过的 token：模型只对这些 token 的嵌入有过训练
    let mut trained = vec![false; tok.vocab_size()];
    for p in &base.train {
        for id in tok.encode(&p.text())? {
            trained[id as usize] = true;
        }
    }
    let (mut total, mut never) = (0usize, 0usize);
    for p in &ci.train {
        for id in tok.encode(&p.text())? {
            total += 1;
            never += usize::from(!trained[id as usize]);
        }
    }
    let used = trained.iter().filter(|&&t| t).count();
    println!(
        "唐诗训练流用到 {used} 个 token；宋词训练集的 {total} 个 token 中，{never} 个是唐诗训练流里从未出现过的"
    );
    // ANCHOR_END: untrained
    value("train_tokens_used", used);
    value("ci_untrained_tokens", never);
    println!();

    // ANCHOR: unseen
    // 宋词里第一个唐诗训练集没有的字
    let ci_text: String = ci.train.iter().map(Poem::text).collect();
    let new_in_ci = ci_text
        .chars()
        .find(|c| c.is_alphabetic() && !seen.contains(c));
    let new_in_ci = new_in_ci.map(String::from).unwrap_or_default();
    for s in ["月", new_in_ci.as_str(), "龘", "🌙"] {
        let ids = tok.encode(s)?;
        let status = if s.chars().all(|c| seen.contains(&c)) {
            "训练中见过"
        } else {
            "训练中没见过"
        };
        println!(
            "{s}（{status}）→ {} 个 token：{}",
            ids.len(),
            pieces(&tok, &ids)
        );
    }
    // ANCHOR_END: unseen
    println!();

    // ANCHOR: errors
    let bad: [(&str, Result<String, _>); 3] = [
        ("未知 id 5000", tok.decode(&[5000])),
        ("半个字（0xE6）", tok.decode(&[0xE6 + 1])),
        ("EOT", tok.decode(&[EOT])),
    ];
    for (what, r) in bad {
        match r {
            Ok(s) => println!("decode({what}) = {s:?}"),
            Err(e) => println!("decode({what}) 出错：{e}"),
        }
    }
    let broken = Tokenizer::from_json("{\"format\": \"tinygpt-bpe\"");
    println!(
        "读入截断的文件：{}",
        broken.err().map(|e| e.to_string()).unwrap_or_default()
    );
    // ANCHOR_END: errors
    Ok(())
}
