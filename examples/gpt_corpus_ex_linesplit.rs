//! 练习：如果按行而不是按诗划分验证集，验证集的行有多少能在训练集里找到同一首诗的上下句。
use std::collections::HashSet;

use guide_support::num;
use tinygpt::corpus::{self, Poem, fnv1a};

fn main() -> Result<(), corpus::CorpusError> {
    let (poems, _) = corpus::clean(corpus::read_default()?);
    // 按行划分：一行的哈希能被 10 整除就进验证集(与按诗划分同一个规则，只是单位换成行)
    let in_valid = |line: &str| fnv1a(line).is_multiple_of(10);
    let (mut valid_lines, mut with_neighbour) = (0, 0);
    for p in &poems {
        for (i, line) in p.lines.iter().enumerate() {
            if !in_valid(line) {
                continue;
            }
            valid_lines += 1;
            // 同一首诗里还有进了训练集的行：模型训练时见过这首诗
            if p.lines
                .iter()
                .enumerate()
                .any(|(j, l)| j != i && !in_valid(l))
            {
                with_neighbour += 1;
            }
        }
    }
    println!(
        "按行划分：验证集 {valid_lines} 行，其中 {with_neighbour} 行所在的诗有别的行在训练集里（{}）",
        num::percent(with_neighbour as f64 / valid_lines as f64, 1)
    );

    // 按诗划分(corpus::split)：验证集的行有多少逐字出现在训练集里
    let split = corpus::split(poems)?;
    let train_lines: HashSet<&str> = split
        .train
        .iter()
        .flat_map(|p: &Poem| p.lines.iter().map(String::as_str))
        .collect();
    let valid: Vec<&String> = split.valid.iter().flat_map(|p| &p.lines).collect();
    let leaked: Vec<&&String> = valid
        .iter()
        .filter(|l| train_lines.contains(l.as_str()))
        .collect();
    println!(
        "按诗划分：验证集 {} 行，其中 {} 行在训练集里逐字出现",
        valid.len(),
        leaked.len()
    );
    for l in leaked {
        println!("  {l}");
    }
    Ok(())
}
