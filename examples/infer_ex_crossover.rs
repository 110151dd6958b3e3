//! 练习参考答案：Llama 3 8B 在 H100 上，批大小多大时解码才从受带宽限制变成受算力限制；算上 KV 缓存后为什么可能永远不变。
use guide_support::{Table, fixed, int};
use llm_arch::{Gpu, ModelConfig, kv, params, roofline};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let gpus = Gpu::load_all("book/data/hardware.toml")?;
    let mut t = Table::numeric([
        "GPU",
        "上下文",
        "变成受算力限制的最小批大小",
        "B → ∞ 时的算术强度",
    ]);
    for g in &gpus {
        for ctx in [0, 512, 2048] {
            // 批大小翻倍地找，再在最后一段里逐个找
            let bound = |b: u64| roofline::decode_step(&cfg, g, b, ctx, 2.0, 2);
            let mut hi = 1;
            while bound(hi).memory_bound() && hi < 1 << 20 {
                hi *= 2;
            }
            let first = if bound(hi).memory_bound() {
                "不存在".to_string()
            } else {
                let mut b = hi / 2 + 1;
                while bound(b).memory_bound() {
                    b += 1;
                }
                int(b)
            };
            // 批很大时权重的读取可以忽略：强度 → (2N + 注意力 FLOP) / (c · 每 token KV 字节)
            let n = params::count(&cfg).active_without_embedding() as f64;
            let limit = if ctx == 0 {
                "∞".to_string()
            } else {
                fixed(
                    (2.0 * n + roofline::attention_flops_per_token(&cfg, ctx) as f64)
                        / (ctx * kv::bytes_per_token(&cfg, 2)) as f64,
                    1,
                )
            };
            t.row([g.name.clone(), int(ctx), first, limit]);
        }
        println!("{} 的屋脊点：{} FLOP/字节", g.name, fixed(g.ridge(), 1));
    }
    print!("{}", t.text());
    Ok(())
}
