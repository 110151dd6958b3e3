//! 练习参考答案:扫描朴素贝叶斯的报警阈值,看精确率、召回率、误报率怎样此消彼长,并找出误报率不超过 2% 的最低阈值。

use std::collections::{BTreeMap, BTreeSet};

use guide_support::rng::{seeded, shuffle, uniform, weighted_index};
use guide_support::{Align, Table, fixed, value};

// 数据生成与模型和正文示例 finance_fraud 完全相同。
/// 描述的每个槽位:(短语, 正常交易中的权重, 欺诈交易中的权重)。
type Slot = &'static [(&'static str, f64, f64)];

const TIME: Slot = &[
    ("上午", 3.0, 1.0),
    ("中午", 3.0, 1.0),
    ("下午", 3.0, 1.0),
    ("晚上", 3.0, 2.0),
    ("凌晨", 0.4, 3.0),
];
const CHANNEL: Slot = &[
    ("手机银行", 4.0, 2.0),
    ("常用设备", 4.0, 1.0),
    ("新设备登录后", 0.5, 3.0),
    ("网银", 2.0, 1.0),
    ("第三方支付", 3.0, 3.0),
];
const ACTION: Slot = &[
    ("超市购物", 4.0, 0.3),
    ("餐饮消费", 4.0, 0.3),
    ("缴纳水电费", 2.0, 0.1),
    ("网购", 3.0, 1.5),
    ("游戏充值", 1.0, 2.0),
    ("向陌生账户转账", 0.4, 3.0),
    ("购买虚拟货币", 0.2, 1.5),
    ("境外网站消费", 0.6, 2.0),
    ("给家人转账", 2.0, 0.5),
    ("购买礼品卡", 0.4, 2.0),
];
const AMOUNT: Slot = &[
    ("金额较小", 4.0, 1.5),
    ("金额中等", 3.0, 2.0),
    ("大额", 1.0, 2.5),
    ("连续多笔小额", 0.3, 2.5),
];
const EXTRA: Slot = &[
    ("", 6.0, 3.0),
    (",收到验证码后操作", 0.3, 2.0),
    (",客服来电后操作", 0.2, 1.5),
    (",异地登录", 0.4, 1.5),
    (",首次交易", 0.8, 1.5),
];

/// 先按先验抽标签,再按该标签的权重抽每个槽位。返回 (是否欺诈, 描述)。
fn generate(n: usize, fraud_rate: f64, seed: u64) -> Vec<(bool, String)> {
    let mut rng = seeded(seed);
    (0..n)
        .map(|_| {
            let fraud = uniform(&mut rng) < fraud_rate;
            let mut text = String::new();
            for slot in [TIME, CHANNEL, ACTION, AMOUNT, EXTRA] {
                let w: Vec<f64> = slot
                    .iter()
                    .map(|&(_, a, b)| if fraud { b } else { a })
                    .collect();
                let (phrase, _, _) = slot[weighted_index(&mut rng, &w)];
                if slot == AMOUNT {
                    text.push(',');
                }
                text.push_str(phrase);
            }
            (fraud, text)
        })
        .collect()
}
/// 字符二元组上的多项式朴素贝叶斯,输出 P(欺诈 | 描述)。
struct NaiveBayes {
    log_prior: [f64; 2],
    log_prob: [BTreeMap<String, f64>; 2],
    log_unseen: [f64; 2],
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
    fn train(data: &[(bool, String)]) -> Self {
        let mut docs = [0.0f64; 2];
        let mut counts: [BTreeMap<String, f64>; 2] = Default::default();
        let mut vocab = BTreeSet::new();
        for (fraud, text) in data {
            let c = usize::from(*fraud);
            docs[c] += 1.0;
            for w in bigrams(text) {
                *counts[c].entry(w.clone()).or_default() += 1.0;
                vocab.insert(w);
            }
        }
        let v = vocab.len() as f64;
        let n = docs[0] + docs[1];
        let denom = |c: usize| counts[c].values().sum::<f64>() + v; // 拉普拉斯平滑 α = 1
        let table = |c: usize| {
            counts[c]
                .iter()
                .map(|(w, k)| (w.clone(), libm::log((k + 1.0) / denom(c))))
                .collect()
        };
        NaiveBayes {
            log_prior: [libm::log(docs[0] / n), libm::log(docs[1] / n)],
            log_prob: [table(0), table(1)],
            log_unseen: [libm::log(1.0 / denom(0)), libm::log(1.0 / denom(1))],
            vocab,
        }
    }

    fn p_fraud(&self, text: &str) -> f64 {
        let mut s = self.log_prior;
        for w in bigrams(text).into_iter().filter(|w| self.vocab.contains(w)) {
            for (c, sc) in s.iter_mut().enumerate() {
                *sc += *self.log_prob[c].get(&w).unwrap_or(&self.log_unseen[c]);
            }
        }
        1.0 / (1.0 + libm::exp(s[0] - s[1])) // 两类时 softmax 就是 sigmoid(对数几率)
    }
}

// ANCHOR: sweep
fn main() {
    let mut data = generate(1000, 0.10, 2025);
    shuffle(&mut seeded(1), &mut data);
    let (train, test) = data.split_at(700);
    let nb = NaiveBayes::train(train);
    let scored: Vec<(bool, f64)> = test.iter().map(|(f, t)| (*f, nb.p_fraud(t))).collect();

    let pct = |a: usize, b: usize| {
        if b == 0 {
            "NaN".to_string()
        } else {
            fixed(a as f64 / b as f64 * 100.0, 1)
        }
    };
    let mut t = Table::new(["阈值", "报警数", "精确率 %", "召回率 %", "误报率 FPR %"])
        .align([Align::Right; 5]);
    let mut chosen = None;
    // 朴素贝叶斯的后验往往挤在 0 和 1 附近,所以阈值要取到 0.999 这样的位置才看得出变化
    for th in [0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999] {
        let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
        for &(fraud, p) in &scored {
            match (fraud, p >= th) {
                (true, true) => tp += 1,
                (true, false) => fn_ += 1,
                (false, true) => fp += 1,
                (false, false) => tn += 1,
            }
        }
        if chosen.is_none() && fp as f64 <= 0.02 * (fp + tn) as f64 {
            chosen = Some((th, tp, fn_));
        }
        t.row([
            fixed(th, 5),
            (tp + fp).to_string(),
            pct(tp, tp + fp),
            pct(tp, tp + fn_),
            pct(fp, fp + tn),
        ]);
    }
    print!("{}", t.text());
    println!();
    if let Some((th, tp, fn_)) = chosen {
        value("threshold_fpr_2pct", fixed(th, 5));
        value("recall_at_that_threshold", pct(tp, tp + fn_));
    }
}
// ANCHOR_END: sweep
