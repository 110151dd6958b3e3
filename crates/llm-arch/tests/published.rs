//! The parameter counts computed from the committed configs agree with the
//! figures their publishers state, to the precision stated.

use llm_arch::{ModelConfig, kv, params};

fn load(stem: &str) -> ModelConfig {
    ModelConfig::load(format!(
        "{}/../../book/data/configs/{stem}.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

/// `n` rounded half-up to the digits of `published` (billions, e.g. "8.03").
fn rounds_to(n: u64, published: &str) -> bool {
    let decimals = published.split('.').nth(1).map_or(0, str::len) as u32;
    let unit = 1_000_000_000 / 10u64.pow(decimals);
    let digits: u64 = published.replace('.', "").parse().unwrap();
    (n + unit / 2) / unit == digits
}

/// `n` truncated to the digits of `published`.
fn truncates_to(n: u64, published: &str) -> bool {
    let decimals = published.split('.').nth(1).map_or(0, str::len) as u32;
    let unit = 1_000_000_000 / 10u64.pow(decimals);
    let digits: u64 = published.replace('.', "").parse().unwrap();
    n / unit == digits
}

#[test]
fn llama_3() {
    let p8 = params::count(&load("llama-3-8b"));
    assert_eq!(p8.total(), 8_030_261_248);
    assert!(rounds_to(p8.total(), "8.03"));
    let p70 = params::count(&load("llama-3-70b"));
    assert_eq!(p70.total(), 70_553_706_496);
    assert!(rounds_to(p70.total(), "70.6"));
}

#[test]
fn qwen2_5_7b() {
    let p = params::count(&load("qwen2.5-7b"));
    assert_eq!(p.total(), 7_615_616_512);
    // The model card's 7.61B is the count cut after two decimals
    // (7.6156…); its 6.53B non-embedding count is rounded.
    assert!(truncates_to(p.total(), "7.61"));
    assert!(!rounds_to(p.total(), "7.61"));
    assert!(rounds_to(p.non_embedding(), "6.53"));
}

#[test]
fn mixtral_8x7b() {
    let p = params::count(&load("mixtral-8x7b"));
    assert!(rounds_to(p.total(), "46.7"));
    assert!(rounds_to(p.active(), "12.9"));
}

#[test]
fn deepseek_v3() {
    let c = load("deepseek-v3");
    let p = params::count(&c);
    assert!(rounds_to(p.total(), "671"));
    // 37B (README) and 36.6B (README_WEIGHTS) count the output head but not
    // the input embedding; with it the active count would round to 38B.
    assert!(rounds_to(p.active_without_embedding(), "37"));
    assert!(rounds_to(p.active_without_embedding(), "36.6"));
    assert!(!rounds_to(p.active(), "37"));
    // README_WEIGHTS: 0.9B output head.
    assert!(rounds_to(p.lm_head, "0.9"));
    let mtp = params::mtp_module(&c).unwrap();
    // README_WEIGHTS: “11.5B unique parameters” is the module's Transformer
    // layer; eh_proj and three norms add 0.1B.
    let mtp_layer = mtp.unique - 2 * c.hidden_size * c.hidden_size - 3 * c.hidden_size;
    assert!(rounds_to(mtp_layer, "11.5"));
    // README: the checkpoint holds 685B: 671B + 14B of MTP module, counting
    // the embedding and head stored again for it and the FP8 block scales.
    let scales: u64 = (0..=c.num_hidden_layers)
        .flat_map(|i| params::layer_linears(&c, i.min(c.num_hidden_layers - 1)))
        .map(|(i, o)| params::block_scales(i, o, 128))
        .sum();
    let checkpoint = p.total() + mtp.unique + mtp.stored_shared + scales;
    assert!(rounds_to(checkpoint, "685"));
    // What the checkpoint adds to the main model: 13.5B, which the README
    // rounds to 14B as 685B − 671B.
    assert!(rounds_to(checkpoint - p.total(), "13.5"));
}

#[test]
fn kv_cache_per_token() {
    // bf16: 2 · 32 layers · 8 heads · 128 · 2 bytes = 128 KiB
    assert_eq!(kv::bytes_per_token(&load("llama-3-8b"), 2), 131_072);
    // MLA: 61 · (512 + 64) · 2 bytes
    assert_eq!(kv::bytes_per_token(&load("deepseek-v3"), 2), 70_272);
    assert_eq!(kv::reduction(&load("llama-3-70b")), (8, 1));
}

#[test]
fn projections_are_4d2_only_without_gqa() {
    // Multi-head chapter: 4D² holds only when H·h = D and H_kv = H.
    for stem in ["llama-3-8b", "llama-3-70b", "mixtral-8x7b"] {
        let c = load(stem);
        let d = c.hidden_size;
        let (h, hd, kv) = (c.num_attention_heads, c.head_dim(), c.kv_heads());
        assert_eq!(
            params::attention_layer(&c),
            2 * d * h * hd + 2 * d * kv * hd
        );
        assert_ne!(params::attention_layer(&c), 4 * d * d, "{stem}");
        let mut mha = c.clone();
        mha.num_key_value_heads = None;
        assert_eq!(params::attention_layer(&mha), 4 * d * d, "{stem} as MHA");
    }
    // Qwen2.5-7B: q, k, v biases of 3584 + 512 + 512 per layer.
    let q = load("qwen2.5-7b");
    let mut no_bias = q.clone();
    no_bias.architecture.qkv_bias = false;
    assert_eq!(
        params::attention_layer(&q) - params::attention_layer(&no_bias),
        4608
    );
}
