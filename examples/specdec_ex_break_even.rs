//! 练习参考答案：草稿长度 γ 与相对成本 c 给定时，接受率至少要多少，投机解码才不比普通解码慢。
use guide_support::{Table, fixed};
use llm_arch::specdec;

/// 二分法找最小的 α 使加速比 ≥ 1（加速比随 α 单调增）。
fn break_even(gamma: u32, c: f64) -> Result<f64, llm_arch::ArchError> {
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if specdec::speedup(mid, gamma, c)? >= 1.0 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut t = Table::numeric(["c", "γ = 1", "γ = 2", "γ = 4", "γ = 8"]);
    for c in [0.02, 0.05, 0.1, 0.2, 0.5] {
        let mut row = vec![fixed(c, 2)];
        for g in [1, 2, 4, 8] {
            row.push(fixed(break_even(g, c)?, 3));
        }
        t.row(row);
    }
    print!("{}", t.text());
    // γ = 1 时可以直接解：(1 + α) / (1 + c) = 1，α = c
    println!(
        "γ = 1 的解析解 α = c：c = 0.2 时二分法给出 {}",
        fixed(break_even(1, 0.2)?, 6)
    );
    Ok(())
}
