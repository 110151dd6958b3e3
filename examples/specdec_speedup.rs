//! 投机解码的期望加速比（Leviathan et al., 2023）：接受率 α、草稿长度 γ、草稿相对成本 c 三者怎样决定每轮产出的 token 数与墙钟加速，并用带种子的模拟核对公式。
use guide_support::{Table, fixed, int, rng, value};
use llm_arch::specdec;

// ANCHOR: simulate
/// 模拟一轮：草稿依次提出 γ 个 token，每个以概率 α 被接受，遇到第一个被拒的就停；
/// 目标模型总会再给出一个 token（被拒位置的修正，或全部接受后的下一个）。
fn one_iteration(r: &mut impl rand::Rng, alpha: f64, gamma: u32) -> u32 {
    let mut accepted = 0;
    while accepted < gamma && rng::uniform(r) < alpha {
        accepted += 1;
    }
    accepted + 1
}
// ANCHOR_END: simulate

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: table
    let c = 0.05; // 草稿模型一次前向的耗时是目标模型的 5%
    let alphas = [0.5, 0.6, 0.7, 0.8, 0.9];
    let gammas = [1, 2, 3, 4, 5, 6, 8, 10];
    let mut header = vec!["α \\ γ".to_string()];
    header.extend(gammas.iter().map(|g| format!("γ = {g}")));
    header.push("最佳 γ".to_string());
    let mut t = Table::numeric(header);
    for alpha in alphas {
        let mut row = vec![fixed(alpha, 1)];
        for g in gammas {
            row.push(format!("{}×", fixed(specdec::speedup(alpha, g, c)?, 2)));
        }
        let (g, s) = specdec::best_gamma(alpha, c, 20)?;
        row.push(format!("{g}（{}×）", fixed(s, 2)));
        t.row(row);
    }
    print!("{}", t.text());
    // ANCHOR_END: table
    println!(
        "草稿的相对成本 c 取 {}；表中是墙钟时间的期望加速比。",
        fixed(c, 2)
    );
    println!();

    // 公式给的是期望，模拟 20 万轮核对
    let mut r = rng::seeded(17);
    let mut t = Table::numeric(["α", "γ", "公式：每轮 token", "模拟：每轮 token"]);
    for (alpha, gamma) in [(0.6, 4), (0.8, 4), (0.8, 8), (0.9, 6)] {
        let rounds = 200_000;
        let total: u64 = (0..rounds)
            .map(|_| u64::from(one_iteration(&mut r, alpha, gamma)))
            .sum();
        t.row([
            fixed(alpha, 1),
            int(gamma),
            fixed(specdec::expected_tokens(alpha, gamma)?, 4),
            fixed(total as f64 / rounds as f64, 4),
        ]);
    }
    print!("{}", t.text());

    value("c", fixed(c, 2));
    value("e_08_4", fixed(specdec::expected_tokens(0.8, 4)?, 2));
    value("s_08_4", fixed(specdec::speedup(0.8, 4, c)?, 2));
    let (g, s) = specdec::best_gamma(0.8, c, 20)?;
    value("best_g_08", g);
    value("best_s_08", fixed(s, 2));
    let (g, s) = specdec::best_gamma(0.5, c, 20)?;
    value("best_g_05", g);
    value("best_s_05", fixed(s, 2));
    // 草稿太慢时：c = 0.5
    value("s_06_4_slow", fixed(specdec::speedup(0.6, 4, 0.5)?, 2));
    Ok(())
}
