//! 练习参考答案：贪心解码时目标与草稿的分布都是 one-hot，接受规则退化为“两者的 argmax 相同就接受”，α 是 0 或 1。
use guide_support::num::vector;
use guide_support::{Table, fixed};
use llm_arch::specdec;

fn one_hot(n: usize, i: usize) -> Vec<f64> {
    (0..n).map(|j| if j == i { 1.0 } else { 0.0 }).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut t = Table::numeric(["目标的 argmax", "草稿的 argmax", "α", "输出分布"]);
    for (target, draft) in [(2, 2), (2, 0)] {
        let (p, q) = (one_hot(4, target), one_hot(4, draft));
        t.row([
            target.to_string(),
            draft.to_string(),
            fixed(specdec::acceptance_rate(&p, &q)?, 1),
            vector(&specdec::emitted_distribution(&p, &q)?, 1),
        ]);
    }
    print!("{}", t.text());
    println!("被拒时残差 max(0, p − q) 就是目标的 one-hot：输出总是目标模型的 argmax。");
    Ok(())
}
