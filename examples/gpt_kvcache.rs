//! 全链路实战·KV 缓存：同一首诗分别不用缓存（每步重跑整个上下文）和用缓存（每步只算新词元）生成，词元逐个相同；打印两者的乘加次数，并按公式算出缓存占用的内存，包括 GPT-3 的规模。

use guide_support::{Table, int, value};
use tinygpt::artifact;
use tinygpt::kv::{
    GenerateOptions, KvDecoder, Utf8Mask, cache_bytes, forward_macs, generate, printable,
    prompt_ids, step_macs, text_of,
};
use tinygpt::sample::{SamplingConfig, rng};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let artifact::Artifact {
        tokenizer,
        model,
        hash,
    } = artifact::load_checked()?;
    // 读入的正是训练一章记录下来的那份权重
    guide_support::value("weights_blake3", &hash);
    let c = model.config.clone();

    // ANCHOR: compare
    let prompt = prompt_ids(&tokenizer, "白日依山尽，");
    let opts = GenerateOptions {
        max_new_tokens: 64,
        sampling: SamplingConfig {
            top_p: Some(0.9),
            ..SamplingConfig::temperature(0.8)
        },
        stop: None, // 不在 EOT 停下：两种做法都生成满 64 个词元
    };
    let mask = Utf8Mask::new(&tokenizer); // 只抽能拼成合法 UTF-8 的词元（见上文）
    let plain = generate(
        &model,
        &prompt,
        &opts,
        &mut rng(7),
        false,
        Some(&mask),
        &mut |_| true,
    )?;
    let cached = generate(
        &model,
        &prompt,
        &opts,
        &mut rng(7),
        true,
        Some(&mask),
        &mut |_| true,
    )?;
    // ANCHOR_END: compare
    println!("{}", printable(&text_of(&tokenizer, &plain.tokens)));
    println!();
    value("tokens_identical", plain.tokens == cached.tokens);
    value("new_tokens", plain.tokens.len());
    value("prompt_tokens", prompt.len());
    value("macs_plain", int(plain.macs as i64));
    value("macs_cached", int(cached.macs as i64));
    value(
        "macs_ratio",
        guide_support::fixed(plain.macs as f64 / cached.macs as f64, 1),
    );
    println!();

    // 每生成一个词元的代价：不用缓存是对 t 个位置做一次完整的前向，用缓存只算 1 个位置
    let mut t = Table::numeric(["上下文长度 t", "不用缓存", "用缓存", "倍数"]);
    for len in [1usize, 8, 32, 64, 128] {
        let len = len.min(c.n_ctx);
        let full = forward_macs(c.n_layer, c.d_model, c.d_ff, c.vocab_size, len);
        let step = step_macs(c.n_layer, c.d_model, c.d_ff, c.vocab_size, len);
        t.row([
            len.to_string(),
            int(full as i64),
            int(step as i64),
            guide_support::fixed(full as f64 / step as f64, 1),
        ]);
    }
    println!("生成第 t 个位置之后的那个词元所需的乘加次数：");
    print!("{}", t.text());
    println!();

    // ANCHOR: memory
    // 缓存里实际有多少字节，与公式 2·L·t·d·4 对照：把提示和生成的词元依次
    // 喂进一个新的缓存，直到占满上下文
    let mut dec = KvDecoder::new(&model);
    for &tok in prompt.iter().chain(&cached.tokens).take(c.n_ctx) {
        dec.step(tok)?;
    }
    let formula = cache_bytes(c.n_layer, dec.len, c.d_model, 4);
    value("cache_positions", dec.len);
    value("cache_bytes", int(dec.cache_bytes() as i64));
    value("cache_formula", int(formula as i64));
    value(
        "cache_full_ctx",
        int(cache_bytes(c.n_layer, c.n_ctx, c.d_model, 4) as i64),
    );
    value("weights_bytes", int((model.num_params() * 4) as i64));
    // ANCHOR_END: memory
    println!();

    // ANCHOR: gpt3
    // GPT-3 175B（配置取自 book/data/models.toml）：fp16，每个值 2 字节
    let models: toml::Table = toml::from_str(&std::fs::read_to_string("book/data/models.toml")?)?;
    let gpt3 = models["model"]
        .as_array()
        .and_then(|ms| {
            ms.iter()
                .find(|m| m["name"].as_str() == Some("GPT-3 (175B)"))
        })
        .ok_or("models.toml 里没有 GPT-3")?;
    let cfg = &gpt3["config"];
    let get = |k: &str| cfg[k].as_integer().map(|v| v as usize).ok_or(k.to_string());
    let (layers, d, n_ctx) = (get("layers")?, get("d_model")?, get("n_ctx")?);
    let per_token = cache_bytes(layers, 1, d, 2);
    let per_seq = cache_bytes(layers, n_ctx, d, 2);
    value("gpt3_per_token", int(per_token as i64));
    value("gpt3_per_seq", int(per_seq as i64));
    value(
        "gpt3_per_seq_gib",
        guide_support::fixed(per_seq as f64 / (1u64 << 30) as f64, 2),
    );
    // ANCHOR_END: gpt3
    Ok(())
}
