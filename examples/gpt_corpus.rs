//! 读入提交的唐诗三百首与千家诗切片，用数据清洗一章的规范化与保序去重清洗，按字符数过滤，再按诗(不是按行)划分训练集与验证集。
use guide_support::{Align, Table, num, value};
use tinygpt::corpus::{self, MAX_CHARS, MIN_CHARS, NEAR_DUP, Poem};

fn chars(poems: &[Poem]) -> usize {
    poems.iter().map(|p| p.text().chars().count()).sum()
}

fn main() -> Result<(), corpus::CorpusError> {
    // ANCHOR: pipeline
    let raw = corpus::read_default()?;
    let (poems, report) = corpus::clean(raw);
    let split = corpus::split(poems)?;
    // ANCHOR_END: pipeline

    let mut t = Table::new(["步骤", "首数"]).align([Align::Left, Align::Right]);
    t.row([
        "读入（唐诗三百首 + 千家诗）".to_string(),
        report.raw.to_string(),
    ]);
    t.row(["其中删去校注的".to_string(), report.with_notes.to_string()]);
    t.row(["重复，删去".to_string(), report.duplicates.to_string()]);
    t.row([
        format!("不超过 {MIN_CHARS} 字，删去"),
        report.too_short.to_string(),
    ]);
    t.row([
        format!("超过 {MAX_CHARS} 字，删去"),
        report.too_long.to_string(),
    ]);
    t.row([
        format!("近重复（3-gram Jaccard ≥ {NEAR_DUP}），删去"),
        report.near_duplicates.to_string(),
    ]);
    let kept = split.train.len() + split.valid.len();
    t.row(["保留".to_string(), kept.to_string()]);
    print!("{}", t.text());
    println!();
    value("raw_poems", report.raw);
    value("duplicates", report.duplicates);
    value("too_long", report.too_long);
    value("near_duplicates", report.near_duplicates);
    value("poems", kept);
    value("train_poems", split.train.len());
    value("valid_poems", split.valid.len());
    value("train_chars", num::int(chars(&split.train) as i64));
    value("valid_chars", num::int(chars(&split.valid) as i64));
    println!();

    // ANCHOR: finetune
    let (ci, ci_report) = corpus::clean(corpus::read_finetune()?);
    let ci = corpus::split(ci)?;
    // ANCHOR_END: finetune
    println!(
        "微调语料（宋词三百首）：读入 {} 首，重复 {}、近重复 {}、超过 {MAX_CHARS} 字 {}，保留 {} 首（训练 {}，验证 {}）",
        ci_report.raw,
        ci_report.duplicates,
        ci_report.near_duplicates,
        ci_report.too_long,
        ci.train.len() + ci.valid.len(),
        ci.train.len(),
        ci.valid.len()
    );
    value("ci_raw", ci_report.raw);
    value("ci_too_long", ci_report.too_long);
    value("ci_train_poems", ci.train.len());
    value("ci_valid_poems", ci.valid.len());
    value("ci_train_chars", num::int(chars(&ci.train) as i64));
    println!();

    println!("训练集第一首：");
    let first = &split.train[0];
    println!("《{}》{}", first.title, first.author);
    println!("{}", first.text());
    println!();
    println!("验证集前三首：");
    for p in split.valid.iter().take(3) {
        println!("  《{}》{}：{}", p.title, p.author, p.lines[0]);
    }
    Ok(())
}
