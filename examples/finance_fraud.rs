//! 金融风控玩具：由种子随机数拼出交易描述，比较关键词规则与朴素贝叶斯两个版本的混淆矩阵、精确率、召回率、误报率，并把“提升 20%”按绝对值和相对值两种读法算出来。

use guide_support::rng::{seeded, shuffle, uniform, weighted_index};
use guide_support::{Table, fixed, value};

// 朴素贝叶斯分类器来自 REST API 一章的 rest_classifier。
#[allow(dead_code)]
#[path = "rest_classifier.rs"]
mod classifier;
use classifier::NaiveBayes;

// ANCHOR: data
/// 描述的每个槽位：(短语，正常交易中的权重，欺诈交易中的权重)。
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
    ("，收到验证码后操作", 0.3, 2.0),
    ("，客服来电后操作", 0.2, 1.5),
    ("，异地登录", 0.4, 1.5),
    ("，首次交易", 0.8, 1.5),
];

/// 先按先验抽标签，再按该标签的权重抽每个槽位。返回 (是否欺诈，描述)。
pub(crate) fn generate(n: usize, fraud_rate: f64, seed: u64) -> Vec<(bool, String)> {
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
                    text.push('，');
                }
                text.push_str(phrase);
            }
            (fraud, text)
        })
        .collect()
}
// ANCHOR_END: data

// ANCHOR: models
/// 版本 1：关键词规则，命中任一词就报警。
fn rule_v1(text: &str) -> bool {
    ["凌晨", "陌生账户", "虚拟货币"]
        .iter()
        .any(|k| text.contains(k))
}

/// 版本 2：REST API 一章的多项式朴素贝叶斯（字符二元组，拉普拉斯平滑 α = 1）。
pub(crate) fn train_nb(data: &[(bool, String)]) -> NaiveBayes {
    let labelled: Vec<(&str, &str)> = data
        .iter()
        .map(|(fraud, text)| (if *fraud { "欺诈" } else { "正常" }, text.as_str()))
        .collect();
    NaiveBayes::train(&labelled, 1.0)
}

/// P(欺诈 | 描述)：两类时 softmax 就是对数几率的 sigmoid。
pub(crate) fn p_fraud(nb: &NaiveBayes, text: &str) -> f64 {
    let (s, _) = nb.log_joint(text); // 各类的 s_c，顺序同 nb.labels
    let at = |label: &str| nb.labels.iter().position(|l| l == label).unwrap();
    1.0 / (1.0 + libm::exp(s[at("正常")] - s[at("欺诈")]))
}
// ANCHOR_END: models

// ANCHOR: metrics
#[derive(Default)]
pub(crate) struct Confusion {
    pub(crate) tp: usize,
    pub(crate) fn_: usize,
    pub(crate) fp: usize,
    pub(crate) tn: usize,
}

impl Confusion {
    pub(crate) fn new(truth: &[bool], pred: &[bool]) -> Self {
        let mut m = Confusion::default();
        for (&t, &p) in truth.iter().zip(pred) {
            match (t, p) {
                (true, true) => m.tp += 1,
                (true, false) => m.fn_ += 1,
                (false, true) => m.fp += 1,
                (false, false) => m.tn += 1,
            }
        }
        m
    }
    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    }
    pub(crate) fn accuracy(&self) -> f64 {
        Self::ratio(self.tp + self.tn, self.tp + self.fn_ + self.fp + self.tn)
    }
    pub(crate) fn precision(&self) -> f64 {
        Self::ratio(self.tp, self.tp + self.fp)
    }
    pub(crate) fn recall(&self) -> f64 {
        Self::ratio(self.tp, self.tp + self.fn_) // 也叫真正率 TPR
    }
    pub(crate) fn fpr(&self) -> f64 {
        Self::ratio(self.fp, self.fp + self.tn) // 误报率的一种定义：正常交易被报警的比例
    }
    pub(crate) fn fdr(&self) -> f64 {
        Self::ratio(self.fp, self.tp + self.fp) // 另一种定义：报警里有多少是误报 = 1 − 精确率
    }
}
// ANCHOR_END: metrics

/// 比例 k/n 的 95% Wilson 区间(z = 1.96)。
fn wilson(k: usize, n: usize) -> (f64, f64) {
    let (p, n, z) = (k as f64 / n as f64, n as f64, 1.96);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    (centre - half, centre + half)
}

fn print_confusion(name: &str, m: &Confusion) {
    println!("{name}");
    let mut t = Table::numeric(["", "预测欺诈", "预测正常"]);
    t.row(["实际欺诈".to_string(), m.tp.to_string(), m.fn_.to_string()]);
    t.row(["实际正常".to_string(), m.fp.to_string(), m.tn.to_string()]);
    print!("{}", t.text());
    println!();
}

fn main() {
    // ANCHOR: split
    let mut data = generate(1000, 0.10, 2025);
    shuffle(&mut seeded(1), &mut data);
    let (train, test) = data.split_at(700); // 70% 训练，30% 测试
    // ANCHOR_END: split
    let truth: Vec<bool> = test.iter().map(|(f, _)| *f).collect();
    let n_fraud = truth.iter().filter(|&&f| f).count();
    println!("示例描述：");
    let normal = test.iter().filter(|(f, _)| !f).take(2);
    let fraud = test.iter().filter(|(f, _)| *f).take(2);
    for (f, text) in normal.chain(fraud) {
        println!("  [{}] {text}", if *f { "欺诈" } else { "正常" });
    }
    println!();
    value("train_n", train.len());
    value("test_n", test.len());
    value("test_fraud", n_fraud);
    value(
        "test_prevalence",
        fixed(n_fraud as f64 / test.len() as f64 * 100.0, 1),
    );
    println!();

    let nb = train_nb(train);
    let v1 = Confusion::new(
        &truth,
        &test.iter().map(|(_, t)| rule_v1(t)).collect::<Vec<_>>(),
    );
    let v2 = Confusion::new(
        &truth,
        &test
            .iter()
            .map(|(_, t)| p_fraud(&nb, t) >= 0.5)
            .collect::<Vec<_>>(),
    );
    let never = Confusion::new(&truth, &vec![false; truth.len()]);
    print_confusion("版本 1（关键词规则）", &v1);
    print_confusion("版本 2（朴素贝叶斯，阈值 0.5）", &v2);

    let pct = |x: f64| fixed(x * 100.0, 1);
    let mut t = Table::numeric(["指标", "版本 1", "版本 2", "永远说“正常”"]);
    type Metric = fn(&Confusion) -> f64;
    let metrics: [(&str, &str, Metric); 5] = [
        ("准确率 %", "acc", Confusion::accuracy),
        ("精确率 %", "prec", Confusion::precision),
        ("召回率 %", "recall", Confusion::recall),
        ("误报率 FPR %", "fpr", Confusion::fpr),
        ("报警中误报占比 FDR %", "fdr", Confusion::fdr),
    ];
    for (name, key, f) in metrics {
        t.row([name.to_string(), pct(f(&v1)), pct(f(&v2)), pct(f(&never))]);
        value(&format!("v1_{key}"), pct(f(&v1)));
        value(&format!("v2_{key}"), pct(f(&v2)));
    }
    value("never_acc", pct(never.accuracy()));
    println!();
    print!("{}", t.text());
    println!();

    // ANCHOR: claim
    // “提升 20%”“降低 15%”到底是哪种变化？两种读法都算出来
    let abs_pp = |a: f64, b: f64| fixed((b - a) * 100.0, 1); // 百分点
    let rel = |a: f64, b: f64| fixed((b - a) / a * 100.0, 1); // 相对变化 %
    value("acc_change_pp", abs_pp(v1.accuracy(), v2.accuracy()));
    value("acc_change_rel", rel(v1.accuracy(), v2.accuracy()));
    // 从版本 1 的准确率出发，“提升 20%”两种读法各要到多少
    value("acc_needed_rel20", pct(v1.accuracy() * 1.2));
    value("acc_needed_abs20", pct(v1.accuracy() + 0.20));
    value("prec_change_pp", abs_pp(v1.precision(), v2.precision()));
    value("prec_change_rel", rel(v1.precision(), v2.precision()));
    value("recall_change_pp", abs_pp(v1.recall(), v2.recall()));
    value("recall_change_rel", rel(v1.recall(), v2.recall()));
    value("fpr_change_pp", abs_pp(v1.fpr(), v2.fpr()));
    value("fpr_change_rel", rel(v1.fpr(), v2.fpr()));
    value("fdr_change_pp", abs_pp(v1.fdr(), v2.fdr()));
    value("fdr_change_rel", rel(v1.fdr(), v2.fdr()));
    // 正文写“下降了 x”时，x 是下降的幅度，必须是正数；把变化量（负数）填进去就成了双重否定
    let fpr_drop_rel = (v1.fpr() - v2.fpr()) / v1.fpr();
    let fdr_drop_pp = v1.fdr() - v2.fdr();
    assert!(
        fpr_drop_rel > 0.0 && fdr_drop_pp > 0.0,
        "版本 2 的误报率应当更低"
    );
    value("fpr_drop_rel", fixed(fpr_drop_rel * 100.0, 1));
    value("fdr_drop_pp", fixed(fdr_drop_pp * 100.0, 1));
    // ANCHOR_END: claim
    println!();

    // ANCHOR: interval
    // 测试集里欺诈只有几十条：召回率的 95% Wilson 区间有多宽
    let (lo, hi) = wilson(v2.tp, v2.tp + v2.fn_);
    value("v2_recall_ci_low", pct(lo));
    value("v2_recall_ci_high", pct(hi));
    // ANCHOR_END: interval
    println!();

    // ANCHOR: base_rate
    // 同一个模型(召回率、FPR 不变)放到欺诈只占 1% 的流量里
    let prior = 0.01;
    let (tpr, fpr) = (v2.recall(), v2.fpr());
    let precision_1pct = tpr * prior / (tpr * prior + fpr * (1.0 - prior));
    let accuracy_1pct = tpr * prior + (1.0 - fpr) * (1.0 - prior);
    value("acc_at_1pct", pct(accuracy_1pct));
    value("never_acc_at_1pct", pct(1.0 - prior));
    value("prec_at_1pct", pct(precision_1pct));
    value(
        "alerts_per_10000",
        fixed((tpr * prior + fpr * (1.0 - prior)) * 10_000.0, 0),
    );
    value("true_alerts_per_10000", fixed(tpr * prior * 10_000.0, 0));
    // ANCHOR_END: base_rate
}
