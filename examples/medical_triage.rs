//! 医疗分诊玩具：规则引擎加朴素贝叶斯给症状描述分级(急诊/门诊/居家观察)，与参考标注比较原始一致率和 Cohen's kappa。玩具数据，不是医疗建议。

use guide_support::rng::{seeded, shuffle, uniform, weighted_index};
use guide_support::{Table, fixed, value};

// 朴素贝叶斯分类器来自 REST API 一章的 rest_classifier。
#[allow(dead_code)]
#[path = "rest_classifier.rs"]
mod classifier;
use classifier::NaiveBayes;

pub(crate) const LABELS: [&str; 3] = ["急诊", "门诊", "居家观察"];

// ANCHOR: data
/// 症状短语和它在参考标注规则里的严重程度：0 = 危险信号，1 = 需要就诊，2 = 轻微。
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

/// 造一条病历和参考标注。参考标注 = 最严重的症状决定级别，轻微症状拖了一个月也要去门诊；
/// 再以 6% 的概率换成相邻级别，模拟参考标注者自己的不一致。
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
    let text = format!("{who}，{}，持续{}", names.join("、"), HOW_LONG[d]);

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
/// 规则引擎：命中危险信号关键词直接判急诊。规则表故意不全(没有“肢体无力”“剧烈头痛”)。
pub(crate) fn red_flag(text: &str) -> bool {
    ["胸口", "呼吸困难", "意识模糊", "呕血"]
        .iter()
        .any(|k| text.contains(k))
}

/// 规则没命中的，交给三分类朴素贝叶斯：REST API 一章的分类器，标签就是 LABELS 里的级别名。
pub(crate) fn train_nb(data: &[(usize, String)]) -> NaiveBayes {
    let labelled: Vec<(&str, &str)> = data.iter().map(|(c, t)| (LABELS[*c], t.as_str())).collect();
    NaiveBayes::train(&labelled, 1.0)
}

/// 模型给出的级别（LABELS 的下标）。
pub(crate) fn nb_level(nb: &NaiveBayes, text: &str) -> usize {
    let (label, _, _) = nb.predict(text);
    LABELS.iter().position(|l| *l == label).unwrap()
}

/// 整个系统：先过规则，没命中再问模型。
pub(crate) fn triage(nb: &NaiveBayes, text: &str) -> usize {
    if red_flag(text) {
        0
    } else {
        nb_level(nb, text)
    }
}
// ANCHOR_END: system

// ANCHOR: kappa
/// 原始一致率 p_o 与 Cohen's kappa:κ = (p_o − p_e) / (1 − p_e)，
/// p_e = Σ_k(参考标成 k 的比例 × 系统标成 k 的比例)，即两者各按自己的比例随机贴标签时的一致率。
fn agreement(reference: &[usize], system: &[usize], k: usize) -> (f64, f64, f64) {
    let n = reference.len() as f64;
    let p_o = reference.iter().zip(system).filter(|(a, b)| a == b).count() as f64 / n;
    let share = |xs: &[usize], c: usize| xs.iter().filter(|&&x| x == c).count() as f64 / n;
    let p_e: f64 = (0..k).map(|c| share(reference, c) * share(system, c)).sum();
    (p_o, p_e, (p_o - p_e) / (1.0 - p_e))
}
// ANCHOR_END: kappa

/// 一组病历：(参考标注的级别，描述)。
pub(crate) type Records = Vec<(usize, String)>;

/// 900 条病历，用固定种子打乱，前 600 条训练、后 300 条测试。
pub(crate) fn dataset() -> (Records, Records) {
    let mut rng = seeded(60);
    let mut data: Records = (0..900).map(|_| record(&mut rng)).collect();
    shuffle(&mut seeded(61), &mut data);
    let test = data.split_off(600);
    (data, test)
}

fn main() {
    let (train, test) = dataset();

    println!("示例病历（参考标注）：");
    for (label, text) in test.iter().take(4) {
        println!("  [{}] {text}", LABELS[*label]);
    }
    println!();

    // ANCHOR: run
    let nb = train_nb(&train);
    let reference: Vec<usize> = test.iter().map(|(l, _)| *l).collect();
    let rules_only: Vec<usize> = test
        .iter()
        .map(|(_, t)| if red_flag(t) { 0 } else { 1 })
        .collect();
    let model_only: Vec<usize> = test.iter().map(|(_, t)| nb_level(&nb, t)).collect();
    let combined: Vec<usize> = test.iter().map(|(_, t)| triage(&nb, t)).collect();
    let always_clinic = vec![1usize; test.len()];
    // ANCHOR_END: run

    let share = |c: usize| reference.iter().filter(|&&x| x == c).count();
    for (c, name) in LABELS.iter().enumerate() {
        println!("测试集参考标注 {name}：{} 条", share(c));
    }
    println!();
    value("test_n", test.len());
    value(
        "clinic_pct",
        fixed(share(1) as f64 / test.len() as f64 * 100.0, 1),
    );

    let mut t = Table::numeric(["方案", "原始一致率 p_o", "机会一致率 p_e", "Cohen's κ"]);
    let systems: [(&str, &str, &Vec<usize>); 4] = [
        ("只用规则（其余判门诊）", "rules", &rules_only),
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

    println!("规则 + 模型的混淆矩阵（行 = 参考标注，列 = 系统）：");
    let mut m = Table::numeric(["", "急诊", "门诊", "居家观察"]);
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

    // 急诊这一类单独看：漏掉一个急诊和多送一个门诊，代价完全不同
    let missed = reference
        .iter()
        .zip(&combined)
        .filter(|&(&r, &s)| r == 0 && s != 0)
        .count();
    value("emergency_ref", share(0));
    value("emergency_missed", missed);
}
