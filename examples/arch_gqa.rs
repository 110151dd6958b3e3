//! 注意力投影的参数量与 KV 头数：4D² 只在 H·d_k = D 且 K/V 头数等于查询头数时成立；GQA、MQA 与 T5-11B 都不是。
use guide_support::{Table, int, value};
use llm_arch::{ModelConfig, kv, params};

// ANCHOR: formula
/// 一层注意力投影的权重（不含偏置）：W_Q 与 W_O 各 D × (H·d_k)，W_K 与 W_V 各 D × (H_kv·d_k)。
fn projection_weights(d: u64, heads: u64, kv_heads: u64, head_dim: u64) -> u64 {
    2 * d * heads * head_dim + 2 * d * kv_heads * head_dim
}
// ANCHOR_END: formula

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configs = ModelConfig::load_all(
        "book/data/configs",
        &["llama-3-8b", "llama-3-70b", "qwen2.5-7b", "mixtral-8x7b"],
    )?;
    // ANCHOR: projections
    let mut t = Table::numeric(["模型", "D", "H·d_k", "H_kv·d_k", "每层投影参数", "4D²"]);
    // T5-11B（book/data/models.toml）：D = 1024，128 个头，每头 128 维，K/V 头与查询头一样多
    let t5 = projection_weights(1024, 128, 128, 128);
    t.row([
        "T5-11B（自注意力）".to_string(),
        int(1024),
        int(128 * 128),
        int(128 * 128),
        int(t5),
        int(4 * 1024 * 1024),
    ]);
    for c in &configs {
        let (d, h) = (c.hidden_size, c.head_dim());
        let n = projection_weights(d, c.num_attention_heads, c.kv_heads(), h);
        // 与 llm-arch 的逐项计数核对（Qwen2 另有 q/k/v 偏置）
        let bias = params::attention_layer(c) - n;
        assert!(
            bias == 0 || c.architecture.qkv_bias,
            "{} 的投影计数不一致",
            c.name
        );
        let label = if bias > 0 {
            format!("{}（另有 {} 个偏置）", c.name, int(bias))
        } else {
            c.name.clone()
        };
        t.row([
            label,
            int(d),
            int(c.num_attention_heads * h),
            int(c.kv_heads() * h),
            int(n),
            int(4 * d * d),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: projections
    println!();

    // ANCHOR: kv_heads
    let mut t = Table::numeric([
        "模型",
        "查询头 H",
        "K/V 头 H_kv",
        "每组查询头",
        "类型",
        "KV 缓存/token（bf16）",
        "若为 MHA",
    ]);
    for c in &configs {
        let group = c.num_attention_heads / c.kv_heads();
        t.row([
            c.name.clone(),
            int(c.num_attention_heads),
            int(c.kv_heads()),
            int(group),
            c.attention_kind().label().to_string(),
            format!("{} KiB", int(kv::bytes_per_token(c, 2) / 1024)),
            format!("{} KiB", int(kv::bytes_per_token_mha(c, 2) / 1024)),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: kv_heads
    println!();

    let l8 = &configs[0];
    value("t5_11b_proj", int(t5));
    value("t5_11b_4d2", int(4 * 1024 * 1024));
    value("llama3_8b_proj", int(params::attention_layer(l8)));
    value("llama3_8b_4d2", int(4 * l8.hidden_size * l8.hidden_size));
    value("llama3_8b_kv_kib", int(kv::bytes_per_token(l8, 2) / 1024));
    value(
        "llama3_8b_mha_kib",
        int(kv::bytes_per_token_mha(l8, 2) / 1024),
    );
    value(
        "llama3_8b_4k_mib",
        int(kv::cache_bytes(l8, 2, 4096, 1)? / (1024 * 1024)),
    );
    value(
        "qwen_group",
        int(configs[2].num_attention_heads / configs[2].kv_heads()),
    );
    // MQA：只有一组 K/V，以 Llama 3 8B 的形状为例
    let mut mqa = l8.clone();
    mqa.num_key_value_heads = Some(1);
    value(
        "llama3_8b_mqa_kib",
        int(kv::bytes_per_token(&mqa, 2) / 1024),
    );
    value("llama3_8b_mqa_proj", int(params::attention_layer(&mqa)));
    Ok(())
}
