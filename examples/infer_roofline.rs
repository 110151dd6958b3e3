//! 显存带宽给出的解码速度上限：五个真实模型在 A100 与 H100 上，批大小 1 与 32、上下文 4k 时每秒最多生成多少 token。
use guide_support::{Table, fixed, int, value};
use llm_arch::{Gpu, ModelConfig, kv, params, roofline};

const STEMS: [&str; 5] = [
    "llama-3-8b",
    "llama-3-70b",
    "qwen2.5-7b",
    "mixtral-8x7b",
    "deepseek-v3",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configs = ModelConfig::load_all("book/data/configs", &STEMS)?;
    let gpus = Gpu::load_all("book/data/hardware.toml")?;
    let context = 4096;

    // ANCHOR: bound
    // 一步解码的时间下限 = max(读的字节 / 带宽, 计算量 / 峰值算力)。
    // 放不进一张卡的模型按张量并行均分到 n 张卡上：带宽和算力都乘 n（理想情况，不计通信）。
    let mut t = Table::numeric([
        "模型",
        "权重",
        "GPU",
        "卡数",
        "B = 1 (token/s)",
        "B = 32（token/s，合计）",
        "B = 32 受限于",
    ]);
    for c in &configs {
        // DeepSeek-V3 以 FP8 发布（每参数 1 字节），其余按 bf16（2 字节）
        let (w_bytes, w_label) = if c.model_type == "deepseek_v3" {
            (1.0, "fp8")
        } else {
            (2.0, "bf16")
        };
        let weights = params::count(c).total() as f64 * w_bytes;
        for g in &gpus {
            let need = weights + (32 * context * kv::bytes_per_token(c, 2)) as f64;
            let n = libm::ceil(need / g.memory() as f64) as u64;
            let mut cluster = g.clone();
            cluster.bandwidth_gb_s *= n;
            cluster.bf16_dense_tflops *= n;
            let b1 = roofline::decode_step(c, &cluster, 1, context, w_bytes, 2);
            let b32 = roofline::decode_step(c, &cluster, 32, context, w_bytes, 2);
            t.row([
                c.name.clone(),
                w_label.to_string(),
                g.name.clone(),
                int(n),
                fixed(b1.tokens_per_s(1), 0),
                fixed(b32.tokens_per_s(32), 0),
                (if b32.memory_bound() {
                    "带宽"
                } else {
                    "算力"
                })
                .to_string(),
            ]);
        }
    }
    print!("{}", t.text());
    // ANCHOR_END: bound
    println!(
        "上下文 {} token，KV 缓存 bf16；MoE 模型只读被选中的专家（批内 token 随机路由时的期望数）。",
        int(context)
    );
    println!();

    // MoE：批越大，被碰到的专家越多，每个 token 分摊的读取量越接近稠密模型
    let mix = &configs[3];
    let m = mix.moe().ok_or("Mixtral 是 MoE 模型")?;
    let mut t = Table::numeric(["批大小", "每层被碰到的专家（期望）", "每步读的权重 (GB)"]);
    for b in [1, 2, 4, 8, 32] {
        t.row([
            int(b),
            fixed(roofline::experts_touched(m.experts, m.top_k, b), 2),
            fixed(roofline::weights_read(mix, b) * 2.0 / 1e9, 1),
        ]);
    }
    print!("{}", t.text());

    let h100 = &gpus[1];
    let l8 = roofline::decode_step(&configs[0], h100, 1, context, 2.0, 2);
    let l8a = roofline::decode_step(&configs[0], &gpus[0], 1, context, 2.0, 2);
    value("llama8b_h100_b1", fixed(l8.tokens_per_s(1), 0));
    value("llama8b_a100_b1", fixed(l8a.tokens_per_s(1), 0));
    let l8_32 = roofline::decode_step(&configs[0], h100, 32, context, 2.0, 2);
    value("llama8b_h100_b32", fixed(l8_32.tokens_per_s(32), 0));
    value("llama8b_h100_b32_per_seq", fixed(l8_32.tokens_per_s(1), 0));
    let ds = &configs[4];
    value(
        "dsv3_fp8_gb",
        fixed(params::count(ds).total() as f64 / 1e9, 0),
    );
    let need =
        params::count(ds).total() as f64 + (32 * context * kv::bytes_per_token(ds, 2)) as f64;
    value(
        "dsv3_gpus",
        int(libm::ceil(need / h100.memory() as f64) as u64),
    );
    value("bw_ratio", fixed(h100.bandwidth() / gpus[0].bandwidth(), 2));
    value("flops_ratio", fixed(h100.flops() / gpus[0].flops(), 2));
    value(
        "mixtral_b1_gb",
        fixed(roofline::weights_read(mix, 1) * 2.0 / 1e9, 1),
    );
    value(
        "mixtral_b32_gb",
        fixed(roofline::weights_read(mix, 32) * 2.0 / 1e9, 1),
    );
    Ok(())
}
