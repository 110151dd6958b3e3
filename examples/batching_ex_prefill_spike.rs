//! 练习参考答案：一个 4000 token 的提示并入正在解码的批时，这一步慢多少；把它切成 512 token 的块分几步预填充（分块预填充）又怎样。
use guide_support::{Table, fixed, int};
use llm_arch::sim::Server;
use llm_arch::{Gpu, ModelConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let h100 = Gpu::load_all("book/data/hardware.toml")?
        .into_iter()
        .find(|g| g.key == "h100")
        .ok_or("hardware.toml 里没有 h100")?;
    // 与正文 batching_sim 相同的代价模型
    let cost = Server::for_model(&cfg, &h100, 90, 256, 8192)?.cost;
    // 一个正在解码的批：64 个序列，每个已有 1000 个 token 的缓存
    let (batch, cached) = (64, 64 * 1000);
    let plain = cost.step(batch, cached);
    let mut t = Table::numeric(["这一步", "新 token", "耗时 (ms)", "比纯解码步多 (ms)"]);
    t.row([
        "只解码".to_string(),
        int(batch),
        fixed(plain as f64 / 1000.0, 2),
        fixed(0.0, 2),
    ]);
    let spike = cost.step(batch + 4000, cached);
    t.row([
        "解码 + 整段预填充 4000".to_string(),
        int(batch + 4000),
        fixed(spike as f64 / 1000.0, 2),
        fixed((spike - plain) as f64 / 1000.0, 2),
    ]);
    let chunk = cost.step(batch + 512, cached);
    t.row([
        "解码 + 预填充一块 512".to_string(),
        int(batch + 512),
        fixed(chunk as f64 / 1000.0, 2),
        fixed((chunk - plain) as f64 / 1000.0, 2),
    ]);
    print!("{}", t.text());
    let chunks = 4000_u64.div_ceil(512);
    println!(
        "分 {} 块时，批里其他序列每步多等 {} ms，而不是一次多等 {} ms；提示的首 token 则要 {} 步之后才出来。",
        chunks,
        fixed((chunk - plain) as f64 / 1000.0, 2),
        fixed((spike - plain) as f64 / 1000.0, 2),
        chunks
    );
    Ok(())
}
