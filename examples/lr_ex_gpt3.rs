//! 练习参考答案：GPT-3(175B)论文附录 B 的学习率日程，按已训练的 token 数计算：线性预热、余弦降到 10%、之后保持。
use guide_support::{Align, Table, int, sci};
use std::f64::consts::PI;

const PEAK: f64 = 0.6e-4; // GPT-3 175B 的学习率(论文表 2.1)
const WARMUP_TOKENS: f64 = 375e6; // 前 3.75 亿 token 线性预热
const DECAY_TOKENS: f64 = 260e9; // 2600 亿 token 内余弦降到 10%
const FLOOR: f64 = 0.1;

/// 论文没有说 2600 亿是否从预热结束算起；这里从 0 算起，两种理解只差 375M/260B ≈ 0.14%。
fn gpt3_lr(tokens: f64) -> f64 {
    let warm = (tokens / WARMUP_TOKENS).min(1.0);
    let progress = (tokens / DECAY_TOKENS).min(1.0); // 超过 260B 之后截断，不回升
    let cos = FLOOR + (1.0 - FLOOR) * 0.5 * (1.0 + libm::cos(PI * progress));
    PEAK * warm * cos
}

fn main() {
    let mut t = Table::new(["已训练 token", "学习率", "相对峰值"]).align([Align::Right; 3]);
    for tokens in [0.0, 100e6, 375e6, 1e9, 65e9, 130e9, 195e9, 260e9, 300e9] {
        let lr = gpt3_lr(tokens);
        t.row([
            int(tokens as u64),
            sci(lr, 3),
            guide_support::num::percent(lr / PEAK, 1),
        ]);
    }
    print!("{}", t.text());
}
