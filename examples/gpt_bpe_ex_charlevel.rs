//! 练习：字符级词表(训练集的每个字一个 token，其余记为 <unk>)要多大，验证集和宋词里有多少字会变成 <unk>。
use std::collections::BTreeSet;

use guide_support::{Align, Table, num};
use tinygpt::corpus::{self, Poem};

fn main() -> Result<(), tinygpt::corpus::CorpusError> {
    let base = corpus::load_default()?;
    let ci = corpus::load_finetune()?;
    let text = |poems: &[Poem]| poems.iter().map(Poem::text).collect::<String>();
    // BTreeSet：顺序确定，id 就是字在集合中的位置
    let vocab: BTreeSet<char> = text(&base.train).chars().collect();
    println!(
        "字符级词表：{} 个字 + <unk> + EOT = {} 个 token",
        vocab.len(),
        vocab.len() + 2
    );
    let mut t = Table::new(["语料", "字符", "<unk>", "<unk> 占比", "解码后还原"]).align([
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Center,
    ]);
    for (name, poems) in [("唐诗验证集", &base.valid), ("宋词（微调）", &ci.train)] {
        let s = text(poems);
        let n = s.chars().count();
        let unk = s.chars().filter(|c| !vocab.contains(c)).count();
        let restored = if unk == 0 { "是" } else { "否" };
        t.row([
            name.to_string(),
            num::int(n as i64),
            num::int(unk as i64),
            num::percent(unk as f64 / n as f64, 1),
            restored.to_string(),
        ]);
    }
    print!("{}", t.text());
    Ok(())
}
