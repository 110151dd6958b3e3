//! 练习：二值奖励下，组内只有 1 个答对与 7 个答对时的优势；去掉标准差归一化（只减均值）又是多少。

#[allow(dead_code)] // 本例只用 group_advantages
#[path = "grpo_advantage.rs"]
mod grpo;
use grpo::group_advantages;
use guide_support::{Table, f4, value};

fn main() {
    let g = 8;
    let mut rare = (0.0, 0.0);
    let mut t = Table::numeric([
        "答对个数",
        "答对者的 Â",
        "答错者的 Â",
        "只减均值：答对",
        "只减均值：答错",
    ]);
    for correct in [1, 2, 4, 6, 7] {
        let rewards: Vec<f64> = (0..g)
            .map(|i| if i < correct { 1.0 } else { 0.0 })
            .collect();
        let adv = group_advantages(&rewards);
        let mean = correct as f64 / g as f64;
        t.row([
            format!("{correct}/{g}"),
            f4(adv[0]),
            f4(adv[g - 1]),
            f4(1.0 - mean),
            f4(-mean),
        ]);
        if correct == 1 {
            rare = (adv[0], adv[g - 1]);
        }
    }
    print!("{}", t.text());
    println!("闭式：答对比例为 p 时，答对者 √((1−p)/p)，答错者 −√(p/(1−p))。");
    println!("取 p = 1/8 时，√7 = {}", f4(libm::sqrt(7.0)));
    value("rare_correct", f4(rare.0));
    value("rare_wrong", f4(rare.1));
}
