//! 练习参考答案：从长度 1 的提示一直生成到占满上下文，用公式算出不用缓存与用缓存的总乘加次数；再看比值随上下文长度怎样增长。

use guide_support::{Table, fixed, int, value};
use tinygpt::artifact;
use tinygpt::kv::{forward_macs, step_macs};

/// 从 1 个词元的提示生成到 n_ctx 个位置：不用缓存时第 k 步对 k 个位置做 forward，
/// 用缓存时第 k 步只算第 k 个位置（提示那一个位置也算作一步）。
fn totals(layers: usize, d: usize, d_ff: usize, vocab: usize, n_ctx: usize) -> (u64, u64) {
    let plain = (1..=n_ctx)
        .map(|t| forward_macs(layers, d, d_ff, vocab, t))
        .sum();
    let cached = (1..=n_ctx)
        .map(|t| step_macs(layers, d, d_ff, vocab, t))
        .sum();
    (plain, cached)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact { model, hash, .. } = artifact::load_checked()?;
    guide_support::value("weights_blake3", &hash);
    let c = &model.config;
    let (plain, cached) = totals(c.n_layer, c.d_model, c.d_ff, c.vocab_size, c.n_ctx);
    value("n_ctx", c.n_ctx);
    value("plain", int(plain as i64));
    value("cached", int(cached as i64));
    value("ratio", fixed(plain as f64 / cached as f64, 1));
    println!();
    // 同样的模型，只改上下文长度
    let mut t = Table::numeric(["n_ctx", "不用缓存", "用缓存", "比值", "比值 / n_ctx"]);
    for n in [16usize, 64, 256, 1024] {
        let (p, q) = totals(c.n_layer, c.d_model, c.d_ff, c.vocab_size, n);
        let r = p as f64 / q as f64;
        t.row([
            n.to_string(),
            int(p as i64),
            int(q as i64),
            fixed(r, 1),
            fixed(r / n as f64, 3),
        ]);
    }
    print!("{}", t.text());
    Ok(())
}
