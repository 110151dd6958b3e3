//! 练习参考答案：Llama 3 70B 在 2、4、8 张 H100 上，32k 上下文最多能同时服务几个序列；权重或 KV 缓存降到 8 位、4 位时又是多少。
use guide_support::{Table, fixed, int};
use llm_arch::{Gpu, ModelConfig, kv, params};

/// 显存的 90% 留给权重和 KV 缓存（vLLM 的 gpu_memory_utilization 默认值），其余给激活与运行时。
const USABLE: f64 = 0.9;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = ModelConfig::load("book/data/configs/llama-3-70b.toml")?;
    let h100 = Gpu::load_all("book/data/hardware.toml")?
        .into_iter()
        .find(|g| g.key == "h100")
        .ok_or("hardware.toml 里没有 h100")?;
    let n_params = params::count(&cfg).total() as f64;
    let ctx = 32_768;
    let mut t = Table::numeric([
        "卡数",
        "权重",
        "KV 缓存",
        "权重 (GB)",
        "每序列 KV (GB)",
        "最多序列数",
    ]);
    for gpus in [2, 4, 8] {
        for (w_name, w_bytes, kv_name, kv_bytes) in [
            ("bf16", 2.0, "bf16", 2),
            ("bf16", 2.0, "fp8", 1),
            ("int4", 0.5, "bf16", 2),
        ] {
            let budget = gpus as f64 * h100.memory() as f64 * USABLE;
            let weights = n_params * w_bytes;
            let per_seq = (ctx * kv::bytes_per_token(&cfg, kv_bytes)) as f64;
            let max = if budget > weights {
                libm::floor((budget - weights) / per_seq)
            } else {
                0.0
            };
            t.row([
                int(gpus),
                w_name.to_string(),
                kv_name.to_string(),
                fixed(weights / 1e9, 1),
                fixed(per_seq / 1e9, 2),
                int(max as i64),
            ]);
        }
    }
    print!("{}", t.text());
    Ok(())
}
