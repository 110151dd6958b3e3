//! GRPO 的组内相对优势：对同一提示的 8 个候选回答用规则打分，组内标准化得到优势，再代入 PPO 式的截断目标与 KL 估计。

use guide_support::{Table, f4, value};

// ANCHOR: reward
/// 规则奖励（可验证的奖励，不需要奖励模型）：
/// 正好 5 个汉字得 0.5 分（格式），与原诗下一句完全相同再得 1 分（正确）。
pub(crate) fn reward(answer: &str, reference: &str) -> f64 {
    let hanzi = answer
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let format_ok = hanzi == 5 && answer.chars().count() == 5;
    let mut r = if format_ok { 0.5 } else { 0.0 };
    if answer == reference {
        r += 1.0;
    }
    r
}
// ANCHOR_END: reward

// ANCHOR: advantage
/// 组内相对优势（Shao et al., 2024，结果监督）：Â_i = (r_i − mean(r)) / std(r)。
/// 这里的 std 用总体标准差（除以 G）；全组奖励相同时 std = 0，优势全为 0，这组不产生梯度。
pub(crate) fn group_advantages(rewards: &[f64]) -> Vec<f64> {
    let g = rewards.len() as f64;
    let mean = rewards.iter().sum::<f64>() / g;
    let var = rewards.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / g;
    let std = libm::sqrt(var);
    rewards
        .iter()
        .map(|r| if std > 0.0 { (r - mean) / std } else { 0.0 })
        .collect()
}
// ANCHOR_END: advantage

// ANCHOR: clip
/// PPO 的截断代理目标（Schulman et al., 2017），对一个 token：
/// min(ρ·Â, clip(ρ, 1−ε, 1+ε)·Â)，ρ = π_θ / π_old。返回目标值和它是否被截断（梯度为 0）。
pub(crate) fn clipped_objective(ratio: f64, adv: f64, eps: f64) -> (f64, bool) {
    let unclipped = ratio * adv;
    let clipped = ratio.clamp(1.0 - eps, 1.0 + eps) * adv;
    if clipped < unclipped {
        (clipped, true)
    } else {
        (unclipped, false)
    }
}

/// GRPO 用的 KL 估计（Schulman 的 k3）：π_ref/π_θ − log(π_ref/π_θ) − 1，恒 ≥ 0。
pub(crate) fn kl_k3(logp: f64, logp_ref: f64) -> f64 {
    let d = logp_ref - logp;
    libm::exp(d) - d - 1.0
}
// ANCHOR_END: clip

fn main() {
    let prompt = "续写「床前明月光」";
    let reference = "疑是地上霜";
    // 8 个候选回答是手写的，代表一次采样可能得到的样子；比值 ρ 也是给定的数。
    let group = [
        ("疑是地上霜", 1.10),
        ("疑是地上雪", 0.95),
        ("低头思故乡", 1.30),
        ("疑是地上霜", 1.25),
        ("月光照床前", 0.90),
        ("疑是地上霜。", 1.05),
        ("床前明月光", 0.70),
        ("地上霜", 1.00),
    ];
    let rewards: Vec<f64> = group.iter().map(|(a, _)| reward(a, reference)).collect();
    let adv = group_advantages(&rewards);
    let eps = 0.2;
    println!("提示：{prompt}；G = {}，ε = {eps}", group.len());
    let mut t = Table::numeric([
        "回答",
        "奖励",
        "优势 Â",
        "比值 ρ",
        "ρ·Â",
        "截断目标",
        "截断？",
    ]);
    let mut total = 0.0;
    for ((answer, ratio), (&r, &a)) in group.iter().zip(rewards.iter().zip(&adv)) {
        let (obj, clipped) = clipped_objective(*ratio, a, eps);
        total += obj;
        t.row([
            answer.to_string(),
            f4(r),
            f4(a),
            f4(*ratio),
            f4(ratio * a),
            f4(obj),
            if clipped { "是" } else { "否" }.to_string(),
        ]);
    }
    print!("{}", t.text());
    let mean_adv = adv.iter().sum::<f64>() / adv.len() as f64;
    println!("优势之和 / G = {}（组内标准化后均值为 0）", f4(mean_adv));
    println!("截断目标的组平均 = {}", f4(total / group.len() as f64));

    println!();
    println!("k3 KL 估计（对每个 token，log π_θ − log π_ref 取几个值）：");
    let mut t = Table::numeric(["log π_θ − log π_ref", "k3", "朴素 log π_θ − log π_ref"]);
    for &diff in &[-0.5, -0.1, 0.0, 0.1, 0.5] {
        t.row([f4(diff), f4(kl_k3(diff, 0.0)), f4(diff)]);
    }
    print!("{}", t.text());

    let same = group_advantages(&[1.5, 1.5, 1.5, 1.5]);
    println!(
        "全组都答对时的优势：{}",
        guide_support::num::vector(&same, 4)
    );

    value("adv_correct", f4(adv[0]));
    value("adv_wrong_format", f4(adv[7]));
    value(
        "reward_mean",
        f4(rewards.iter().sum::<f64>() / rewards.len() as f64),
    );
}
