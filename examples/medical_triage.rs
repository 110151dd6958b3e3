//! 医疗分诊玩具:规则引擎加朴素贝叶斯给症状描述分级(急诊/门诊/居家观察),与参考标注比较原始一致率和 Cohen's kappa。玩具数据,不是医疗建议。

use std::collections::{BTreeMap, BTreeSet};

use guide_support::rng::{seeded, shuffle, uniform, weighted_index};
use guide_support::{Align, Table, fixed, value};

const LABELS: [&str; 3] = ["急诊", "门诊", "居家观察"];

// ANCHOR: data
/// 症状短语和它在参考标注规则里的严重程度:0 = 危险信号,1 = 需要就诊,2 = 轻微。
const SYMPTOMS: &[(&str, usize)] = &[
    ("胸口压榨样疼痛", 0),
    ("呼吸困难", 0),
    ("一侧肢体无力", 0),
    ("意识模糊", 0),
    ("呕血", 0),
    ("剧烈头痛伴呕吐", 0),
    ("咳嗽有痰", 1),
    ("发热三十八度", 1),
    ("腹泻", 1),
    ("腰痛", 1),
    ("皮疹瘙痒", 1),
    ("关节肿痛", 1),
    ("反酸烧心", 1),
    ("尿频尿痛", 1),
    ("头晕", 1),
    ("轻微咽痛", 2),
    ("流清涕", 2),
    ("打喷嚏", 2),
    ("轻度疲劳", 2),
    ("偶尔头痛", 2),
    ("蚊虫叮咬", 2),
    ("轻微擦伤", 2),
];
const WHO: [&str; 3] = ["成人", "老人", "儿童"];
const HOW_LONG: [&str; 4] = ["半天", "两天", "一周", "一个月"];

/// 造一条病历和参考标注。参考标注 = 最严重的症状决定级别,轻微症状拖了一个月也要去门诊;
/// 再以 6% 的概率换成相邻级别,模拟参考标注者自己的不一致。
fn record(rng: &mut guide_support::rng::GuideRng) -> (usize, String) {
    let n = 1 + weighted_index(rng, &[0.5, 0.5]);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < n {
        let group = weighted_index(rng, &[0.05, 0.55, 0.40]);
        let members: Vec<usize> = (0..SYMPTOMS.len())
            .filter(|&i| SYMPTOMS[i].1 == group)
            .collect();
        let s = members[weighted_index(rng, &vec![1.0; members.len()])];
        if !picked.contains(&s) {
            picked.push(s);
        }
    }
    let who = WHO[weighted_index(rng, &[0.6, 0.25, 0.15])];
    let d = weighted_index(rng, &[0.3, 0.35, 0.25, 0.1]);
    let names: Vec<&str> = picked.iter().map(|&i| SYMPTOMS[i].0).collect();
    let text = format!("{who},{},持续{}", names.join("、"), HOW_LONG[d]);

    let mut label = picked.iter().map(|&i| SYMPTOMS[i].1).min().unwrap();
    if label == 2 && d == 3 {
        label = 1;
    }
    if uniform(rng) < 0.06 {
        label = if label == 1 {
            if uniform(rng) < 0.5 { 0 } else { 2 }
        } else {
            1
        };
    }
    (label, text)
}
// ANCHOR_END: data

// ANCHOR: system
/// 规则引擎:命中危险信号关键词直接判急诊。规则表故意不全(没有“肢体无力”“剧烈头痛”)。
fn red_flag(text: &str) -> bool {
    ["胸口", "呼吸困难", "意识模糊", "呕血"]
        .iter()
        .any(|k| text.contains(k))
}

/// 规则没命中的,交给三分类朴素贝叶斯(字符二元组,拉普拉斯平滑)。
struct NaiveBayes {
    log_prior: Vec<f64>,
    log_prob: Vec<BTreeMap<String, f64>>,
    log_unseen: Vec<f64>,
    vocab: BTreeSet<String>,
}

fn bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        out.extend(chars.windows(2).map(|p| p.iter().collect::<String>()));
    }
    out
}

impl NaiveBayes {
    fn train(data: &[(usize, String)], k: usize) -> Self {
        let mut docs = vec![0.0f64; k];
        let mut counts = vec![BTreeMap::<String, f64>::new(); k];
        let mut vocab = BTreeSet::new();
        for (c, text) in data {
            docs[*c] += 1.0;
            for w in bigrams(text) {
                *counts[*c].entry(w.clone()).or_default() += 1.0;
                vocab.insert(w);
            }
        }
        let v = vocab.len() as f64;
        let n: f64 = docs.iter().sum();
        let denoms: Vec<f64> = counts.iter().map(|m| m.values().sum::<f64>() + v).collect();
        NaiveBayes {
            log_prior: docs.iter().map(|d| libm::log(d / n)).collect(),
            log_prob: counts
                .iter()
                .zip(&denoms)
                .map(|(m, d)| {
                    m.iter()
                        .map(|(w, x)| (w.clone(), libm::log((x + 1.0) / d)))
                        .collect()
                })
                .collect(),
            log_unseen: denoms.iter().map(|d| libm::log(1.0 / d)).collect(),
            vocab,
        }
    }

    fn predict(&self, text: &str) -> usize {
        let words: Vec<String> = bigrams(text)
            .into_iter()
            .filter(|w| self.vocab.contains(w))
            .collect();
        let score = |c: usize| {
            self.log_prior[c]
                + words
                    .iter()
                    .map(|w| *self.log_prob[c].get(w).unwrap_or(&self.log_unseen[c]))
                    .sum::<f64>()
        };
        (0..self.log_prior.len())
            .max_by(|&a, &b| score(a).total_cmp(&score(b)))
            .unwrap()
    }
}
// ANCHOR_END: system

// ANCHOR: kappa
/// 原始一致率 p_o 与 Cohen's kappa:κ = (p_o − p_e) / (1 − p_e),
/// p_e = Σ_k(参考标成 k 的比例 × 系统标成 k 的比例),即两者各按自己的比例随机贴标签时的一致率。
fn agreement(reference: &[usize], system: &[usize], k: usize) -> (f64, f64, f64) {
    let n = reference.len() as f64;
    let p_o = reference.iter().zip(system).filter(|(a, b)| a == b).count() as f64 / n;
    let share = |xs: &[usize], c: usize| xs.iter().filter(|&&x| x == c).count() as f64 / n;
    let p_e: f64 = (0..k).map(|c| share(reference, c) * share(system, c)).sum();
    (p_o, p_e, (p_o - p_e) / (1.0 - p_e))
}
// ANCHOR_END: kappa

fn main() {
    let mut rng = seeded(60);
    let mut data: Vec<(usize, String)> = (0..900).map(|_| record(&mut rng)).collect();
    shuffle(&mut seeded(61), &mut data);
    let (train, test) = data.split_at(600);

    println!("示例病历(参考标注):");
    for (label, text) in test.iter().take(4) {
        println!("  [{}] {text}", LABELS[*label]);
    }
    println!();

    // ANCHOR: run
    let nb = NaiveBayes::train(train, LABELS.len());
    let reference: Vec<usize> = test.iter().map(|(l, _)| *l).collect();
    let rules_only: Vec<usize> = test
        .iter()
        .map(|(_, t)| if red_flag(t) { 0 } else { 1 })
        .collect();
    let model_only: Vec<usize> = test.iter().map(|(_, t)| nb.predict(t)).collect();
    let combined: Vec<usize> = test
        .iter()
        .map(|(_, t)| if red_flag(t) { 0 } else { nb.predict(t) })
        .collect();
    let always_clinic = vec![1usize; test.len()];
    // ANCHOR_END: run

    let share = |c: usize| reference.iter().filter(|&&x| x == c).count();
    for (c, name) in LABELS.iter().enumerate() {
        println!("测试集参考标注 {name}:{} 条", share(c));
    }
    println!();
    value("test_n", test.len());
    value(
        "clinic_pct",
        fixed(share(1) as f64 / test.len() as f64 * 100.0, 1),
    );

    let mut t = Table::new(["方案", "原始一致率 p_o", "机会一致率 p_e", "Cohen's κ"]).align([
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    let systems: [(&str, &str, &Vec<usize>); 4] = [
        ("只用规则(其余判门诊)", "rules", &rules_only),
        ("只用模型", "model", &model_only),
        ("规则 + 模型", "combined", &combined),
        ("永远判门诊", "always", &always_clinic),
    ];
    for (name, key, sys) in systems {
        let (p_o, p_e, kappa) = agreement(&reference, sys, LABELS.len());
        t.row([
            name.to_string(),
            fixed(p_o, 3),
            fixed(p_e, 3),
            fixed(kappa, 3),
        ]);
        value(&format!("{key}_po"), fixed(p_o * 100.0, 1));
        value(&format!("{key}_kappa"), fixed(kappa, 3));
    }
    println!();
    print!("{}", t.text());
    println!();

    println!("规则 + 模型的混淆矩阵(行 = 参考标注,列 = 系统):");
    let mut m = Table::new(["", "急诊", "门诊", "居家观察"]).align([
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    for (r, name) in LABELS.iter().enumerate() {
        let mut row = vec![name.to_string()];
        for c in 0..LABELS.len() {
            let n = reference
                .iter()
                .zip(&combined)
                .filter(|&(&a, &b)| a == r && b == c)
                .count();
            row.push(n.to_string());
        }
        m.row(row);
    }
    print!("{}", m.text());
    println!();

    // 急诊这一类单独看:漏掉一个急诊和多送一个门诊,代价完全不同
    let missed = reference
        .iter()
        .zip(&combined)
        .filter(|&(&r, &s)| r == 0 && s != 0)
        .count();
    value("emergency_ref", share(0));
    value("emergency_missed", missed);
}
