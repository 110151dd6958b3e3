//! 按五个真实模型的配置算 KV 缓存：每个 token 多少字节，4k、32k、128k 上下文与批大小 1、8、32 时共多少 GB，有无 GQA（或 MLA）对比。
use guide_support::{Table, fixed, int, value};
use llm_arch::{ModelConfig, kv, params};

const STEMS: [&str; 5] = [
    "llama-3-8b",
    "llama-3-70b",
    "qwen2.5-7b",
    "mixtral-8x7b",
    "deepseek-v3",
];

fn gb(bytes: u64) -> String {
    fixed(bytes as f64 / 1e9, 1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configs = ModelConfig::load_all("book/data/configs", &STEMS)?;

    // ANCHOR: per_token
    // bf16：每个数 2 字节
    let mut t = Table::numeric([
        "模型",
        "注意力",
        "每层每 token",
        "KV 缓存/token",
        "若为 MHA",
        "缩小倍数",
        "bf16 权重 (GB)",
    ]);
    for c in &configs {
        let (per_layer, formula) = kv::per_layer_formula(c);
        let (a, b) = kv::reduction(c);
        t.row([
            c.name.clone(),
            c.attention_kind().label().to_string(),
            format!("{formula} = {}", int(per_layer)),
            format!(
                "{} KiB",
                fixed(kv::bytes_per_token(c, 2) as f64 / 1024.0, 1)
            ),
            format!(
                "{} KiB",
                fixed(kv::bytes_per_token_mha(c, 2) as f64 / 1024.0, 1)
            ),
            fixed(a as f64 / b as f64, 1),
            gb(2 * params::count(c).total()),
        ]);
    }
    print!("{}", t.text());
    // ANCHOR_END: per_token
    println!();

    // ANCHOR: table
    let contexts = [4096, 32_768, 131_072];
    let batches = [1, 8, 32];
    let mut t = Table::numeric([
        "模型",
        "上下文",
        "B = 1",
        "B = 8",
        "B = 32",
        "B = 1，无 GQA/MLA",
        "B = 32，无 GQA/MLA",
    ]);
    for c in &configs {
        for ctx in contexts {
            // 超出配置的最长上下文时标 †（Llama 3.1 与 Llama 3 形状相同，支持 128k）
            let mark = if ctx > c.max_position_embeddings {
                "†"
            } else {
                ""
            };
            let mut row = vec![c.name.clone(), format!("{}k{mark}", ctx / 1024)];
            for b in batches {
                row.push(gb(kv::cache_bytes(c, 2, ctx, b)?));
            }
            for b in [1, 32] {
                row.push(gb(kv::bytes_per_token_mha(c, 2) * ctx * b));
            }
            t.row(row);
        }
    }
    print!("{}", t.text());
    // ANCHOR_END: table
    println!("单位 GB（10^9 字节），bf16；† 超出 config.json 的 max_position_embeddings。");

    let (l8, l70, mix, ds) = (&configs[0], &configs[1], &configs[3], &configs[4]);
    value("llama8b_token_kib", int(kv::bytes_per_token(l8, 2) / 1024));
    value("llama8b_4k_b1", gb(kv::cache_bytes(l8, 2, 4096, 1)?));
    value("llama8b_128k_b1", gb(kv::cache_bytes(l8, 2, 131_072, 1)?));
    value("llama8b_32k_b32", gb(kv::cache_bytes(l8, 2, 32_768, 32)?));
    value("llama8b_weights", gb(2 * params::count(l8).total()));
    value("llama70b_128k_b1", gb(kv::cache_bytes(l70, 2, 131_072, 1)?));
    value(
        "llama70b_128k_b32",
        gb(kv::cache_bytes(l70, 2, 131_072, 32)?),
    );
    value(
        "llama70b_128k_b32_mha",
        gb(kv::bytes_per_token_mha(l70, 2) * 131_072 * 32),
    );
    value("llama70b_weights", gb(2 * params::count(l70).total()));
    value("mixtral_32k_b8", gb(kv::cache_bytes(mix, 2, 32_768, 8)?));
    value(
        "dsv3_token_kib",
        fixed(kv::bytes_per_token(ds, 2) as f64 / 1024.0, 1),
    );
    value("dsv3_128k_b32", gb(kv::cache_bytes(ds, 2, 131_072, 32)?));
    value(
        "dsv3_128k_b32_mha",
        gb(kv::bytes_per_token_mha(ds, 2) * 131_072 * 32),
    );
    Ok(())
}
