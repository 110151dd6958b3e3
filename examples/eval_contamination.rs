//! 数据污染检测：用汉字 n-gram 重叠检查一个“续写”基准的题目是否出现在小 GPT 的训练语料（唐诗三百首 + 千家诗的训练集）里，比较 n 的取值。

use std::collections::HashSet;

use guide_support::num::percent;
use guide_support::{Table, value};
use tinygpt::corpus::{Poem, load_default, load_finetune};

// ANCHOR: ngrams
/// CJK 统一表意文字的基本区。
fn is_hanzi(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// 只保留汉字：标点、换行不参与比较，改了标点的题目照样查得出。
pub(crate) fn hanzi(s: &str) -> Vec<char> {
    s.chars().filter(|&c| is_hanzi(c)).collect()
}

/// 一段文字的全部字符 n-gram；短于 n 时没有。
pub(crate) fn char_ngrams(chars: &[char], n: usize) -> Vec<String> {
    if chars.len() < n {
        return Vec::new();
    }
    (0..=chars.len() - n)
        .map(|i| chars[i..i + n].iter().collect())
        .collect()
}

/// 训练语料的 n-gram 集合。
pub(crate) fn corpus_ngrams(texts: &[String], n: usize) -> HashSet<String> {
    texts
        .iter()
        .flat_map(|t| char_ngrams(&hanzi(t), n))
        .collect()
}

/// 一道题“脏”：它至少有一个 n-gram 出现在训练语料里（GPT-3 论文的判据）。
pub(crate) fn is_dirty(item: &str, set: &HashSet<String>, n: usize) -> bool {
    char_ngrams(&hanzi(item), n).iter().any(|g| set.contains(g))
}
// ANCHOR_END: ngrams

// ANCHOR: items
/// 一道“续写”题：诗的前两行（题干是第一行，答案是第二行）。
fn item(p: &Poem) -> Option<String> {
    (p.lines.len() >= 2).then(|| format!("{}\n{}", p.lines[0], p.lines[1]))
}

/// 人为改字：把每一行正中的那个汉字换成“某”，模拟不同版本的异文。
fn variant(text: &str) -> String {
    let edit = |line: &str| {
        let mut chars: Vec<char> = line.chars().collect();
        let idx: Vec<usize> = (0..chars.len()).filter(|&i| is_hanzi(chars[i])).collect();
        if let Some(&i) = idx.get(idx.len() / 2) {
            chars[i] = '某';
        }
        chars.into_iter().collect::<String>()
    };
    text.lines().map(edit).collect::<Vec<_>>().join("\n")
}
// ANCHOR_END: items

fn main() -> Result<(), tinygpt::corpus::CorpusError> {
    let base = load_default()?;
    let ci = load_finetune()?;
    let train: Vec<String> = base.train.iter().map(Poem::text).collect();
    // 四组题目：训练集里的原句（每 8 首取 1 首）、同一批题目改了字、验证集、宋词（另一种体裁）。
    let from_train: Vec<String> = base.train.iter().step_by(8).filter_map(item).collect();
    let edited: Vec<String> = from_train.iter().map(|t| variant(t)).collect();
    let from_valid: Vec<String> = base.valid.iter().filter_map(item).collect();
    let from_ci: Vec<String> = ci.train.iter().filter_map(item).collect();
    let groups = [
        ("训练集原句", &from_train),
        ("训练集改字", &edited),
        ("验证集", &from_valid),
        ("宋词", &from_ci),
    ];
    println!("训练语料：{} 首诗；题目是每首诗的前两行。", train.len());
    println!(
        "例：训练集原句“{}”，改字后“{}”。",
        from_train[0].replace('\n', "／"),
        edited[0].replace('\n', "／")
    );
    let mut header = vec!["n".to_string()];
    header.extend(
        groups
            .iter()
            .map(|(name, items)| format!("{name}（{} 题）", items.len())),
    );
    let mut t = Table::numeric(header);
    let ns = [3, 4, 6, 8, 13];
    let mut rates = Vec::new(); // rates[n 的下标][组]
    for n in ns {
        let set = corpus_ngrams(&train, n);
        let per_group: Vec<f64> = groups
            .iter()
            .map(|(_, items)| {
                items.iter().filter(|it| is_dirty(it, &set, n)).count() as f64 / items.len() as f64
            })
            .collect();
        let mut row = vec![n.to_string()];
        row.extend(per_group.iter().map(|&r| percent(r, 1)));
        t.row(row);
        rates.push(per_group);
    }
    println!("被判为“脏”的比例：");
    print!("{}", t.text());
    // 验证集在 n = 3 时为什么“脏”：列出它与训练集共享的几个 3-gram。
    let set3 = corpus_ngrams(&train, 3);
    let mut shared: Vec<String> = from_valid
        .iter()
        .flat_map(|it| char_ngrams(&hanzi(it), 3))
        .filter(|g| set3.contains(g))
        .collect();
    shared.sort();
    shared.dedup();
    println!(
        "验证集与训练集共享的 3-gram（共 {} 个）：{}",
        shared.len(),
        shared.join("、")
    );
    let exact = edited
        .iter()
        .filter(|e| train.iter().any(|t| t.contains(e.as_str())))
        .count();
    println!("改字后的题目按整句精确匹配能查出的：{} 题", exact);
    let rate = |n: usize, g: usize| {
        let i = ns.iter().position(|&m| m == n).expect("n 在表中");
        percent(rates[i][g], 1)
    };
    value(
        "shared3",
        shared
            .iter()
            .take(3)
            .map(|g| format!("“{g}”"))
            .collect::<String>(),
    );
    value("n3_valid", rate(3, 2));
    value("n3_ci", rate(3, 3));
    value("n4_edited", rate(4, 1));
    value("n6_valid", rate(6, 2));
    value("n8_edited", rate(8, 1));
    value("n13_train", rate(13, 0));
    value("n13_edited", rate(13, 1));
    value("n_train_items", from_train.len());
    value("exact_edited", exact);
    Ok(())
}
