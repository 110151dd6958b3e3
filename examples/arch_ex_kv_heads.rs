//! 练习参考答案：把 Llama 3 8B 的 K/V 头数改成 32（MHA）、8（GQA，原配置）、1（MQA），总参数量与每 token 的 KV 缓存各是多少。
use guide_support::num::human;
use guide_support::{Table, int};
use llm_arch::{ModelConfig, kv, params};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = ModelConfig::load("book/data/configs/llama-3-8b.toml")?;
    let mut t = Table::numeric([
        "K/V 头数",
        "类型",
        "总参数",
        "与原配置之差",
        "KV 缓存/token（bf16）",
        "8k token 的缓存",
    ]);
    let original = params::count(&base).total();
    for kv_heads in [32, 8, 4, 1] {
        let mut c = base.clone();
        c.num_key_value_heads = Some(kv_heads);
        c.validate()?;
        let total = params::count(&c).total();
        t.row([
            int(kv_heads),
            c.attention_kind().label().to_string(),
            human(u128::from(total), 3),
            int(total as i128 - original as i128),
            format!("{} KiB", int(kv::bytes_per_token(&c, 2) / 1024)),
            format!(
                "{} GiB",
                guide_support::fixed(
                    kv::cache_bytes(&c, 2, 8192, 1)? as f64 / (1u64 << 30) as f64,
                    2
                )
            ),
        ]);
    }
    print!("{}", t.text());
    // K/V 头数必须整除查询头数：5 个 K/V 头不是合法配置
    let mut bad = base.clone();
    bad.num_key_value_heads = Some(5);
    println!(
        "取 H_kv = 5：{}",
        bad.validate()
            .map_or_else(|e| e.to_string(), |()| "合法".into())
    );
    Ok(())
}
