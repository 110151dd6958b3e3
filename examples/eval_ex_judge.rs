//! 练习：一个偏爱第一个位置的模拟裁判；交换顺序各评一次，测一致率，并用“两次一致才算赢”消除位置偏差。

use guide_support::num::percent;
use guide_support::rng::{normal, seeded, uniform};
use guide_support::{Table, value};

// ANCHOR: judge
/// 模拟裁判：看到 (第一个回答, 第二个回答) 的真实质量 q1、q2，
/// 以概率 σ(4·(q1 − q2) + bias) 判第一个更好。bias > 0 就是位置偏差。
fn judge_prefers_first(q1: f64, q2: f64, bias: f64, u: f64) -> bool {
    let p = 1.0 / (1.0 + libm::exp(-(4.0 * (q1 - q2) + bias)));
    u < p
}
// ANCHOR_END: judge

fn main() {
    let pairs = 2000;
    let bias = 0.8;
    let mut rng = seeded(2023);
    // 两个模型质量相同：每道题两个回答的质量都来自同一个分布，真实胜率是 50%。
    let (mut a_wins_a_first, mut a_wins_b_first, mut consistent, mut a_wins_both, mut b_wins_both) =
        (0, 0, 0, 0, 0);
    for _ in 0..pairs {
        let (qa, qb) = (0.3 * normal(&mut rng), 0.3 * normal(&mut rng));
        // 顺序一：A 在前。
        let a1 = judge_prefers_first(qa, qb, bias, uniform(&mut rng));
        // 顺序二：B 在前；裁判判“第一个更好”意味着 B 赢。
        let a2 = !judge_prefers_first(qb, qa, bias, uniform(&mut rng));
        a_wins_a_first += a1 as usize;
        a_wins_b_first += a2 as usize;
        if a1 == a2 {
            consistent += 1;
            if a1 {
                a_wins_both += 1
            } else {
                b_wins_both += 1
            }
        }
    }
    let rate = |k: usize| percent(k as f64 / pairs as f64, 1);
    let mut t = Table::new(["评法", "A 的胜率"]);
    t.row(["只评一次，A 放在前面".to_string(), rate(a_wins_a_first)]);
    t.row(["只评一次，B 放在前面".to_string(), rate(a_wins_b_first)]);
    t.row([
        "两种顺序取平均".to_string(),
        percent(
            (a_wins_a_first + a_wins_b_first) as f64 / (2 * pairs) as f64,
            1,
        ),
    ]);
    let decided = a_wins_both + b_wins_both;
    t.row([
        "两次一致才算赢（不一致记平局，胜率按有结果的对计）".to_string(),
        percent(a_wins_both as f64 / decided as f64, 1),
    ]);
    println!("{pairs} 对质量相同的回答，裁判的位置偏差 bias = 0.8：");
    print!("{}", t.text());
    println!("交换顺序后结论一致的比例：{}", rate(consistent));
    value("a_first", rate(a_wins_a_first));
    value("b_first", rate(a_wins_b_first));
    value("consistency", rate(consistent));
}
