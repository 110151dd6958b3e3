//! 练习参考答案:分诊级别有先后(急诊 > 门诊 > 居家观察),用线性与二次加权 kappa 让“差一级”比“差两级”罚得轻。

use std::collections::{BTreeMap, BTreeSet};

use guide_support::rng::{seeded, shuffle, uniform, weighted_index};
use guide_support::{Align, Table, fixed};

const LABELS: [&str; 3] = ["急诊", "门诊", "居家观察"];

// 数据、规则和模型与正文示例 medical_triage 完全相同。
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

// ANCHOR: weighted
/// 加权 kappa:κ_w = 1 − Σ w_ij·o_ij / Σ w_ij·e_ij。
/// o 是观察到的联合比例,e 是两边边际比例之积(机会一致),w 是不一致的代价。
fn weighted_kappa(
    reference: &[usize],
    system: &[usize],
    k: usize,
    w: impl Fn(usize, usize) -> f64,
) -> f64 {
    let n = reference.len() as f64;
    let mut o = vec![vec![0.0; k]; k];
    for (&r, &s) in reference.iter().zip(system) {
        o[r][s] += 1.0 / n;
    }
    let row: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
    let col: Vec<f64> = (0..k).map(|j| o.iter().map(|r| r[j]).sum()).collect();
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            num += w(i, j) * o[i][j];
            den += w(i, j) * row[i] * col[j];
        }
    }
    1.0 - num / den
}
// ANCHOR_END: weighted

fn main() {
    let mut rng = seeded(60);
    let mut data: Vec<(usize, String)> = (0..900).map(|_| record(&mut rng)).collect();
    shuffle(&mut seeded(61), &mut data);
    let (train, test) = data.split_at(600);
    let nb = NaiveBayes::train(train, LABELS.len());
    let reference: Vec<usize> = test.iter().map(|(l, _)| *l).collect();
    let rules_only: Vec<usize> = test
        .iter()
        .map(|(_, t)| if red_flag(t) { 0 } else { 1 })
        .collect();
    let combined: Vec<usize> = test
        .iter()
        .map(|(_, t)| if red_flag(t) { 0 } else { nb.predict(t) })
        .collect();

    let k = LABELS.len();
    let d = |i: usize, j: usize| i.abs_diff(j) as f64 / (k - 1) as f64;
    let mut t = Table::new(["方案", "κ(不加权)", "线性加权 κ", "二次加权 κ"]).align([
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    for (name, sys) in [
        ("只用规则(其余判门诊)", &rules_only),
        ("规则 + 模型", &combined),
    ] {
        t.row([
            name.to_string(),
            // 0/1 权重时加权 kappa 就是普通的 Cohen's kappa
            fixed(
                weighted_kappa(&reference, sys, k, |i, j| if i == j { 0.0 } else { 1.0 }),
                3,
            ),
            fixed(weighted_kappa(&reference, sys, k, d), 3),
            fixed(
                weighted_kappa(&reference, sys, k, |i, j| d(i, j) * d(i, j)),
                3,
            ),
        ]);
    }
    print!("{}", t.text());
}
