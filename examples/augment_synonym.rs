//! 用内置的小型中文同义词表做随机同义词替换(固定种子)，并演示一词多义与情感强度改变带来的标签风险。
use guide_support::rng::{GuideRng, seeded, uniform};

// ANCHOR: lexicon
/// 一个很小的同义词表。真实项目会用《同义词词林》之类的词典或词向量近邻，问题相同。
const LEXICON: &[(&str, &[&str])] = &[
    ("好看", &["精彩", "不错"]),
    ("喜欢", &["喜爱", "钟爱"]),
    ("快", &["迅速", "快速"]),
    ("便宜", &["实惠", "低廉"]),
    ("一般", &["普通", "还行"]),
    ("电影", &["影片"]),
    ("手机", &["移动电话"]),
];

fn synonyms(word: &str) -> Option<&'static [&'static str]> {
    LEXICON.iter().find(|(w, _)| *w == word).map(|(_, s)| *s)
}
// ANCHOR_END: lexicon

// ANCHOR: replace
/// 句子已经分好词(空格分隔)。每个在词表里的词以概率 p 换成随机一个同义词。
fn synonym_replace(sentence: &str, p: f64, rng: &mut GuideRng) -> String {
    sentence
        .split(' ')
        .map(|w| match synonyms(w) {
            Some(cands) if uniform(rng) < p => cands[(uniform(rng) * cands.len() as f64) as usize],
            _ => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}
// ANCHOR_END: replace

fn main() {
    let mut rng = seeded(7);
    let samples = [
        ("这部 电影 很 好看 ， 我 很 喜欢", "正面"),
        ("这个 手机 充电 很 快 ， 价格 也 便宜", "正面"),
    ];
    for (s, label) in samples {
        println!("原句[{label}]：{s}");
        for k in 1..=3 {
            println!("  增强 {k}：{}", synonym_replace(s, 0.5, &mut rng));
        }
    }
    println!();

    // ANCHOR: pitfalls
    // 把句子里每个可替换词逐一换成每个候选，看看都会得到什么
    let risky = [
        ("手机 快 没电 了", "负面"),         // “快……了”是“即将”，不是“速度快”
        ("他 总 想 占 便宜", "负面"),        // “占便宜”是固定搭配
        ("服务 一般 ， 不会 再 来", "负面"), // “一般”偏负面，“还行”偏正面
    ];
    for (s, label) in risky {
        println!("原句[{label}]：{s}");
        let words: Vec<&str> = s.split(' ').collect();
        for (i, w) in words.iter().enumerate() {
            for cand in synonyms(w).unwrap_or(&[]) {
                let mut v = words.clone();
                v[i] = cand;
                println!("  {w} → {cand}：{}", v.join(" "));
            }
        }
    }
    // ANCHOR_END: pitfalls
}
